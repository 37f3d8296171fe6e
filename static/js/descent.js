// The descent view: pick a surface (or type a formula of one's own) and an optimizer, click
// starts, watch the trajectories. It owns its root element and finds its controls inside it;
// its state round-trips through the URL (descent-state.js); a generation counter drops replies
// meant for a surface the student has already left.

/* global Plotly */
import { getJSON, isAbort, postJSON } from "./api.js";
import { DescentFormula, EXPRESSION } from "./descent-formula.js";
import {
  expressionLesson, expressionObjective, fetchGrid, spansDecades, surfaceObjective,
} from "./descent-objective.js";
import { readState, writeState } from "./descent-state.js";
import {
  defaultStart, gaussianInit, MAX_STARTS, round, showStartFields, showStarts, startsTrace, typedStart,
  withRoom,
} from "./descent-starts.js";
import { t } from "./i18n.js";
import { OptimizerForm } from "./optimizer-form.js";
import { Runs } from "./descent-runs.js";
import {
  drawContour, drawLoss, drawSurface, fitPlots, lossAxis, makeScale, relabelLoss,
  relabelSurfaces,
} from "./plots.js";
import { toast } from "./toast.js";
import { TrajectoryLayer } from "./trajectories.js";
import { decodeTyped } from "./typed.js";
import { viewModule } from "./view.js";

const MAX_POINTS = 2000; // recorded points per trajectory the page asks for

const views = viewModule(
  (root, ctx) => new DescentView(root, ctx),
);
export const { mount, unmount, update, setActive, relabel } = views;
// For the export menu (export.js): the requests of the runs shown, to be asked again as lists.
export const exportRuns = () => views.current()?.exportRuns() ?? null;

class DescentView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController(); // removes every listener on unmount
    this.fetches = new AbortController(); // cancels the catalogue and grid fetches
    this.gen = 0; // bumped by every surface change; replies for older ones are dropped
    this.loading = Promise.resolve();
    this.surfaces = new Map();
    this.form = null;
    this.formula = null;
    this.objective = null; // what is plotted and run: see descent-objective.js
    this.runnable = true; // false while the formula box holds nothing to run
    this.starts = [];
    this.active = true;
    this.plots = { surface: this.q("plot-surface"), contour: this.q("plot-contour"), loss: this.q("plot-loss") };
    this.layer = new TrajectoryLayer(this.plots);
    this.runs = new Runs({ root, q: (role) => this.q(role), layer: this.layer });
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  on(role, type, handler) {
    this.q(role).addEventListener(type, handler, { signal: this.listeners.signal });
  }

  // ---- set-up -------------------------------------------------------------------------

  async mount(params) {
    await this.loadCatalogues();
    this.wireControls();
    this.showSpeed();
    this.runs.reset(); // progress and buttons as for no run, even before anything is plotted
    await this.apply(params, { initial: true });
  }

  // Clicks on the contour map add starts (Plotly gives a div its `on` when it first draws).
  listenForClicks() {
    if (this.clickable) return;
    this.clickable = true;
    this.plots.contour.on("plotly_click", (event) => {
      const point = event.points[0];
      this.addStarts([[round(point.x), round(point.y)]]);
      this.save();
    });
  }

  destroy() {
    this.gen += 1;
    this.listeners.abort();
    this.fetches.abort();
    this.gridFetch?.abort();
    this.runs.destroy();
    for (const div of Object.values(this.plots)) Plotly.purge(div);
  }

  setActive(on) {
    this.active = on;
    this.runs.player.setActive(on);
    if (on) fitPlots(Object.values(this.plots));
  }

  async loadCatalogues() {
    const signal = this.fetches.signal;
    const [surfaces, optimizers] = await Promise.all([
      getJSON("/api/v1/surfaces", { signal }), getJSON("/api/v1/optimizers", { signal }),
    ]);
    this.surfaces = new Map(surfaces.map((s) => [s.name, s]));
    this.q("surface").replaceChildren(...surfaces.map((s) => new Option(s.title, s.name)));
    this.form = new OptimizerForm((role) => this.q(role), optimizers);
    this.formula = new DescentFormula({
      q: (role) => this.q(role), signal: this.listeners.signal,
      use: (info, text, options) => this.useFormula(info, text, options),
      blocked: (on) => this.setRunnable(!on),
    });
  }

  wireControls() {
    const save = () => this.save();
    this.on("surface", "change", () => this.pickSurface(this.q("surface").value).catch(toast));
    this.on("optimizer", "change", () => { this.form.showRule({}); save(); });
    this.on("lr", "input", () => this.form.slid());
    this.on("lr", "change", save);
    this.on("lr-value", "change", () => { this.form.typed(); save(); });
    this.on("hyper", "change", save);
    this.on("speed", "input", () => this.showSpeed());
    this.on("race", "change", () => { this.form.showRace(); save(); });
    this.on("race-list", "change", save);
    this.on("steps", "change", save);
    this.on("tol", "change", save);
    this.on("gaussian", "click", () => this.addGaussianStarts().catch(toast));
    this.on("clear-starts", "click", () => { this.starts = []; this.runs.reset(); this.showStarts(); save(); });
    this.on("add-start", "click", () => this.addTypedStart());
    for (const role of ["add-x", "add-y"]) {
      this.on(role, "keydown", (event) => { if (event.key === "Enter") this.addTypedStart(); });
    }
    this.on("run", "click", () => this.run(true).catch(toast));
    this.on("pause", "click", () => this.runs.togglePause());
    this.on("step", "click", () => this.stepOnce().catch(toast));
    this.on("reset", "click", () => this.runs.reset());
    document.addEventListener("keydown", (event) => this.onKey(event), { signal: this.listeners.signal });
  }

  // Space pauses, → steps, Enter runs; keys typed into a field stay in the field.
  onKey(event) {
    if (!this.active || event.target.closest("input, select, textarea, button, summary")) return;
    const actions = {
      " ": () => this.runs.togglePause(), ArrowRight: () => this.stepOnce().catch(toast),
      Enter: () => this.run(true).catch(toast),
    };
    if (!actions[event.key]) return;
    event.preventDefault();
    actions[event.key]();
  }

  // ---- state and the URL --------------------------------------------------------------

  state() {
    const expr = this.objective?.expression ?? null;
    return {
      surface: expr === null ? this.objective?.spec.surface : null, expr, ...this.form.get(), starts: this.starts,
      steps: Number(this.q("steps").value), tol: Number(this.q("tol").value),
    };
  }

  save({ push = true } = {}) {
    this.ctx.save(writeState(this.state(), this.form.defaults()), { push });
  }

  // Show the state a URL describes (on mount, Back and Forward).
  async apply(params, { initial = false } = {}) {
    const state = readState(params, this.surfaces, this.form.optimizers);
    this.form.set(state);
    this.q("steps").value = String(state.steps);
    this.q("tol").value = String(state.tol);
    const sameStarts = JSON.stringify(state.starts) === JSON.stringify(this.starts);
    const shown = this.objective ? this.objective.expression ?? this.objective.spec.surface : null;
    if (initial || (state.expr ?? state.surface) !== shown || (state.expr === null) === this.formula.shown) {
      const loading = this.openState(state);
      if (initial) await loading;
      else loading.catch(toast);
    } else if (!sameStarts) {
      this.runs.reset();
      this.starts = state.starts;
      this.showStarts();
    }
    if (initial && this.objective) this.save({ push: false });
  }

  // The surface or the formula a URL names, with its starts (no history entry of its own).
  openState({ surface, expr, starts }) {
    if (expr !== null) return this.formula.open(expr, { push: null, starts });
    this.formula.show(false);
    return this.loadSurface(surface, starts);
  }

  // The picker: a surface of the catalogue, or "Your own function".
  async pickSurface(value) {
    if (value === EXPRESSION) { await this.formula.open(undefined, { push: true }); return; }
    this.formula.show(false);
    const loading = this.loadSurface(value, []);
    this.save();
    await loading;
  }

  // A valid formula of two variables from the box: plot it (unless it is plotted already).
  useFormula(info, text, { push, starts = [] }) {
    if (this.objective?.expression === text) return this.loading;
    const loading = this.loadObjective(expressionObjective(info, text), starts);
    if (push !== null) this.save({ push });
    return loading;
  }

  setRunnable(on) {
    this.runnable = on;
    for (const role of ["run", "step", "gaussian"]) this.q(role).disabled = !on;
  }

  // ---- controls -----------------------------------------------------------------------

  speed() {
    return Math.round(10 ** Number(this.q("speed").value));
  }

  showSpeed() {
    this.runs.player.speed = this.speed();
    this.q("speed-value").textContent = t("page.speed_value", { n: this.speed() });
    this.q("speed").setAttribute("aria-valuetext", this.q("speed-value").textContent); // not its log10
  }

  // ---- surfaces and starts ------------------------------------------------------------

  loadSurface(name, starts) {
    return this.loadObjective(surfaceObjective(this.surfaces.get(name)), starts);
  }

  loadObjective(objective, starts) {
    this.loading = this.showObjective(objective, starts).catch((error) => {
      if (!isAbort(error)) throw error;
    });
    return this.loading;
  }

  async showObjective(objective, starts) {
    const gen = ++this.gen;
    this.gridFetch?.abort(); // the grid of the surface we leave is not needed any more
    const gridFetch = new AbortController();
    this.gridFetch = gridFetch;
    this.runs.reset();
    this.starts = starts.slice(0, MAX_STARTS);
    this.objective = objective;
    if (objective.expression === null) this.q("surface").value = objective.spec.surface;
    this.showSurfaceText();
    const [[x0, x1], [y0, y1]] = objective.domain;
    this.q("g-std").value = (0.15 * Math.max(x1 - x0, y1 - y0)).toPrecision(2);
    showStartFields((role) => this.q(role), objective);
    this.layer.clear();
    const raw = await fetchGrid(objective, { signal: gridFetch.signal });
    if (gen !== this.gen) return; // the student has moved on to another surface
    const grid = { x: decodeTyped(raw.x), y: decodeTyped(raw.y), z: decodeTyped(raw.z) };
    const log = objective.log_scale || (objective.expression !== null && spansDecades(grid.z, raw.zmin, raw.zmax));
    const scale = makeScale(log, raw.zmin);
    const geometry = { domain: objective.domain, names: objective.names, revision: objective.key };
    const z = await drawContour(this.plots.contour, grid, scale, geometry);
    this.listenForClicks();
    if (gen !== this.gen) return;
    const [lo, hi] = await drawSurface(this.plots.surface, grid, z, scale, { ...geometry, heading: objective.title });
    if (gen !== this.gen) return;
    this.scale = scale;
    // Paths float just above the 3-D surface, so it hides none; the box's top clips them.
    this.layer.setGeometry({ domain: objective.domain, scale, lift: 0.015 * (hi - lo), zTop: hi + 0.05 * (hi - lo) });
    this.layer.setLossAxis(lossAxis(Math.min(...objective.minima.map((m) => m.value))));
    await drawLoss(this.plots.loss, this.layer.axis);
    if (gen !== this.gen) return;
    Plotly.addTraces(this.plots.contour, startsTrace());
    this.showStarts();
    // Tests and scripts can wait for these.
    this.root.dataset.surface = objective.expression === null ? objective.spec.surface : EXPRESSION;
    if (objective.expression === null) delete this.root.dataset.expression;
    else this.root.dataset.expression = objective.expression;
  }

  showSurfaceText() {
    const o = this.objective;
    if (!o) return;
    this.q("formula").textContent = o.expression === null ? o.formula : `f(${o.names.join(", ")}) = ${o.formula}`;
    this.q("lesson").textContent = o.expression === null ? o.lesson : expressionLesson(o);
  }

  addStarts(points) {
    if (this.runs.any) this.runs.reset();
    this.starts = withRoom(this.starts, points);
    this.showStarts();
  }

  // The keyboard's way to add a start: the point typed into the view's x and y boxes.
  addTypedStart() {
    if (!this.runnable || !this.objective) return;
    const point = typedStart((role) => this.q(role), this.objective.domain);
    if (!point) return;
    this.addStarts([point]);
    this.save();
  }

  async addGaussianStarts() {
    if (!this.runnable || !this.objective) return;
    const seed = this.q("g-seed");
    const init = gaussianInit(this.objective.domain, {
      std: Number(this.q("g-std").value), count: Number(this.q("g-count").value), seed: Number(seed.value),
    });
    const gen = this.gen;
    const body = { objective: this.objective.spec, init };
    const reply = await postJSON("/api/v1/starts", body, { signal: this.fetches.signal });
    if (gen !== this.gen) return;
    seed.value = String(init.seed + 1); // the next click draws a fresh cloud
    this.addStarts(reply.starts.map((p) => p.map(round)));
    this.save();
  }

  showStarts() {
    showStarts(this.plots.contour, this.q("start-count"), this.starts);
  }

  // ---- runs ---------------------------------------------------------------------------

  async run(play) {
    const gen = this.gen;
    await this.loading; // a run waits for its surface, and is dropped if the surface changed
    if (gen !== this.gen || !this.runnable || !this.objective) return;
    this.runs.reset();
    if (!this.starts.length) { this.addStarts([defaultStart(this.objective.domain)]); this.save({ push: false }); }
    const specs = this.form.specs();
    const steps = Number(this.q("steps").value);
    await this.runs.start(specs.map((spec) => ({
      label: this.form.title(spec.name), color: this.form.raceColor(spec.name),
      body: {
        objective: this.objective.spec, optimizer: spec, starts: this.starts,
        steps, every: Math.max(1, Math.ceil(steps / MAX_POINTS)), include_grad: true,
        tol: Number(this.q("tol").value),
      },
    })), play);
  }

  // Step starts a paused run when there is none.
  async stepOnce() {
    if (!this.runnable) return undefined;
    if (!this.runs.any) return this.run(false);
    this.runs.step();
  }

  // { names, runs: [{ label, body }] } of the runs shown (one per optimizer in a race), or null.
  exportRuns() {
    if (!this.runs.any || !this.objective) return null;
    return { names: this.objective.names, runs: this.runs.runs.map(({ label, body }) => ({ label, body })) };
  }

  relabel() {
    this.showSpeed();
    this.form.relabel();
    this.showStarts();
    relabelSurfaces(this.plots.surface, this.plots.contour, this.scale);
    relabelLoss(this.plots.loss, this.layer.axis);
    this.runs.relabel();
    this.refreshCatalogues().catch(toast);
    this.retitleFormula().catch(toast);
  }

  // A typed formula's title comes from the server, its lesson from the catalogue.
  async retitleFormula() {
    const before = this.objective;
    const info = await this.formula.relabel();
    if (!before || before.expression === null || this.objective !== before) return;
    if (info && this.formula.box.checked?.text === before.expression) before.title = info.title;
    this.showSurfaceText();
    if (this.plots.surface.layout) Plotly.relayout(this.plots.surface, { "title.text": before.title });
  }

  // Surface and optimizer titles and lessons come from the server, in the page's language.
  async refreshCatalogues() {
    const gen = this.gen;
    const surfaces = await getJSON("/api/v1/surfaces", { signal: this.fetches.signal });
    if (gen !== this.gen) return;
    for (const s of surfaces) {
      const old = this.surfaces.get(s.name);
      if (old) Object.assign(old, { title: s.title, lesson: s.lesson, formula: s.formula });
    }
    for (const option of this.q("surface").options) option.text = this.surfaces.get(option.value)?.title ?? option.text;
    const o = this.objective;
    if (!o || o.expression !== null) return;
    Object.assign(o, surfaceObjective(this.surfaces.get(o.spec.surface)));
    this.showSurfaceText();
    if (this.plots.surface.layout) Plotly.relayout(this.plots.surface, { "title.text": o.title });
  }
}
