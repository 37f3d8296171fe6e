// The descent view: pick a surface and an optimizer, click starts, watch the trajectories.
// It owns its root element and finds its controls inside it; its state round-trips through
// the URL (descent-state.js); a generation counter drops replies meant for a surface the
// student has already left.

/* global Plotly */
import { getJSON, isAbort, postJSON } from "./api.js";
import { LR_RANGE, RACE_DEFAULT, readState, writeState } from "./descent-state.js";
import { hyperField, readHyper, relabelHyper, writeHyper } from "./hyper.js";
import { fmt, t } from "./i18n.js";
import { showOutcomes, showPlaceholder } from "./outcomes.js";
import { Player } from "./playback.js";
import {
  color, decodeTyped, drawContour, drawLoss, drawSurface, lossAxis, makeScale, relabelLoss,
  relabelSurfaces,
} from "./plots.js";
import { streamRun } from "./stream.js";
import { toast } from "./toast.js";
import { lastStep, nextStep, tagged, TrajectoryLayer, trajColor } from "./trajectories.js";

const MAX_POINTS = 2000; // recorded points per trajectory the page asks for
const MAX_STARTS = 50; // starts on the page; scripts can use the API for thousands
const STARTS = "gdviz:starts"; // the tag of the contour map's trace of starts
const round = (v) => Number(v.toPrecision(5));

let view = null;

export async function mount(root, params, ctx) {
  view = new DescentView(root, ctx);
  await view.mount(params);
}

export function unmount() {
  view?.destroy();
  view = null;
}

export const update = (params) => view?.apply(params);
export const setActive = (on) => view?.setActive(on);
export const relabel = () => view?.relabel();

class DescentView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController(); // removes every listener on unmount
    this.fetches = new AbortController(); // cancels the catalogue and grid fetches
    this.gen = 0; // bumped by every surface change; replies for older ones are dropped
    this.loading = Promise.resolve();
    this.surfaces = new Map();
    this.optimizers = new Map();
    this.surface = null;
    this.starts = [];
    this.runs = [];
    this.controller = null;
    this.active = true;
    this.plots = { surface: this.q("plot-surface"), contour: this.q("plot-contour"), loss: this.q("plot-loss") };
    this.layer = new TrajectoryLayer(this.plots);
    this.player = new Player({
      draw: () => this.draw(), limit: () => lastStep(this.runs), finished: () => this.finished(),
    });
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
    await this.apply(params, { initial: true });
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
    this.controller?.abort();
    this.player.stop();
    for (const div of Object.values(this.plots)) Plotly.purge(div);
  }

  setActive(on) {
    this.active = on;
    this.player.setActive(on);
  }

  async loadCatalogues() {
    const signal = this.fetches.signal;
    const [surfaces, optimizers] = await Promise.all([
      getJSON("/api/v1/surfaces", { signal }), getJSON("/api/v1/optimizers", { signal }),
    ]);
    this.surfaces = new Map(surfaces.map((s) => [s.name, s]));
    this.optimizers = new Map(optimizers.map((o) => [o.name, o]));
    fillSelect(this.q("surface"), surfaces.map((s) => [s.name, s.title]));
    fillSelect(this.q("optimizer"), optimizers.map((o) => [o.name, o.title]));
    this.buildRaceList(optimizers);
  }

  buildRaceList(optimizers) {
    const ticked = new Set(this.raceNames() ?? RACE_DEFAULT);
    this.q("race-list").replaceChildren(...optimizers.map((o, i) => {
      const label = document.createElement("label");
      const box = Object.assign(document.createElement("input"), { type: "checkbox", value: o.name });
      box.checked = ticked.has(o.name);
      label.append(box, ` ${o.title}`);
      label.style.color = color(i);
      return label;
    }));
  }

  wireControls() {
    const save = () => this.save();
    this.on("surface", "change", () => { this.loadSurface(this.q("surface").value, []).catch(toast); save(); });
    this.on("optimizer", "change", () => { this.showOptimizer({}); save(); });
    this.on("lr", "input", () => this.showLearningRate());
    this.on("lr", "change", save);
    this.on("hyper", "change", save);
    this.on("speed", "input", () => this.showSpeed());
    this.on("race", "change", () => { this.q("race-list").hidden = !this.q("race").checked; save(); });
    this.on("race-list", "change", save);
    this.on("steps", "change", save);
    this.on("tol", "change", save);
    this.on("gaussian", "click", () => this.addGaussianStarts().catch(toast));
    this.on("clear-starts", "click", () => { this.starts = []; this.reset(); this.showStarts(); save(); });
    this.on("run", "click", () => this.run(true).catch(toast));
    this.on("pause", "click", () => this.togglePause());
    this.on("step", "click", () => this.stepOnce().catch(toast));
    this.on("reset", "click", () => this.reset());
    document.addEventListener("keydown", (event) => this.onKey(event), { signal: this.listeners.signal });
  }

  // Space pauses, → steps, Enter runs; keys typed into a field stay in the field.
  onKey(event) {
    if (!this.active || event.target.closest("input, select, textarea, button, summary")) return;
    const actions = {
      " ": () => this.togglePause(), ArrowRight: () => this.stepOnce().catch(toast),
      Enter: () => this.run(true).catch(toast),
    };
    if (!actions[event.key]) return;
    event.preventDefault();
    actions[event.key]();
  }

  // ---- state and the URL --------------------------------------------------------------

  state() {
    return {
      surface: this.q("surface").value, opt: this.q("optimizer").value, lr: this.learningRate(),
      hyper: readHyper(this.q("hyper")), race: this.raceNames(), starts: this.starts,
      steps: Number(this.q("steps").value), tol: Number(this.q("tol").value),
    };
  }

  raceNames() {
    if (!this.q("race").checked) return null;
    return [...this.q("race-list").querySelectorAll("input:checked")].map((b) => b.value);
  }

  save({ push = true } = {}) {
    const defaults = this.optimizers.get(this.q("optimizer").value).defaults;
    this.ctx.save(writeState(this.state(), defaults), { push });
  }

  // Show the state a URL describes (on mount, Back and Forward).
  async apply(params, { initial = false } = {}) {
    const state = readState(params, this.surfaces, this.optimizers);
    this.q("optimizer").value = state.opt;
    this.showOptimizer(state.hyper);
    this.q("lr").value = String(Math.log10(state.lr));
    this.showLearningRate();
    this.q("race").checked = state.race !== null;
    this.q("race-list").hidden = state.race === null;
    const ticked = new Set(state.race ?? RACE_DEFAULT);
    for (const box of this.q("race-list").querySelectorAll("input")) box.checked = ticked.has(box.value);
    this.q("steps").value = String(state.steps);
    this.q("tol").value = String(state.tol);
    const sameStarts = JSON.stringify(state.starts) === JSON.stringify(this.starts);
    if (initial || state.surface !== this.surface?.name) {
      const loading = this.loadSurface(state.surface, state.starts);
      if (initial) await loading;
      else loading.catch(toast);
    } else if (!sameStarts) {
      this.reset();
      this.starts = state.starts;
      this.showStarts();
    }
    if (initial) this.save({ push: false });
  }

  // ---- controls -----------------------------------------------------------------------

  learningRate() {
    const lr = Number((10 ** Number(this.q("lr").value)).toPrecision(3));
    return Math.min(LR_RANGE[1], Math.max(LR_RANGE[0], lr));
  }

  speed() {
    return Math.round(10 ** Number(this.q("speed").value));
  }

  showLearningRate() { this.q("lr-value").textContent = fmt(this.learningRate()); }

  showSpeed() {
    this.player.speed = this.speed();
    this.q("speed-value").textContent = t("page.speed_value", { n: this.speed() });
  }

  showOptimizer(values) {
    const info = this.optimizers.get(this.q("optimizer").value);
    // One block per line, so that a long line wraps under itself with a hanging indent.
    const lines = [info.torch_name, "", ...info.equations.split("\n")];
    this.q("equations").replaceChildren(...lines.map((line) => Object.assign(
      document.createElement("span"), { className: "equation-line", textContent: line || "\u00a0" })));
    const fields = Object.entries(info.defaults).filter(([name]) => name !== "lr");
    this.q("hyper").replaceChildren(...fields.map(([name, value]) => hyperField(name, value)));
    writeHyper(this.q("hyper"), values);
  }

  // ---- surfaces and starts ------------------------------------------------------------

  loadSurface(name, starts) {
    this.loading = this.showSurface(name, starts).catch((error) => {
      if (!isAbort(error)) throw error;
    });
    return this.loading;
  }

  async showSurface(name, starts) {
    const gen = ++this.gen;
    this.gridFetch?.abort(); // the grid of the surface we leave is not needed any more
    const gridFetch = new AbortController();
    this.gridFetch = gridFetch;
    this.reset();
    this.starts = starts.slice(0, MAX_STARTS);
    const surface = this.surfaces.get(name);
    this.surface = surface;
    this.q("surface").value = name;
    this.showSurfaceText();
    const [[x0, x1], [y0, y1]] = surface.domain;
    this.q("g-std").value = (0.15 * Math.max(x1 - x0, y1 - y0)).toPrecision(2);
    this.layer.clear();
    const raw = await getJSON(`/api/v1/surfaces/${name}/grid?resolution=128`, { signal: gridFetch.signal });
    if (gen !== this.gen) return; // the student has moved on to another surface
    const grid = { x: decodeTyped(raw.x), y: decodeTyped(raw.y), z: decodeTyped(raw.z) };
    const scale = makeScale(surface.log_scale, raw.zmin);
    const geometry = { domain: surface.domain, names: ["x", "y"], revision: name };
    const z = await drawContour(this.plots.contour, grid, scale, geometry);
    if (gen !== this.gen) return;
    const [lo, hi] = await drawSurface(this.plots.surface, grid, z, scale, { ...geometry, heading: surface.title });
    if (gen !== this.gen) return;
    this.scale = scale;
    // Paths float just above the 3-D surface, so it hides none; the box's top clips them.
    this.layer.setGeometry({ domain: surface.domain, scale, lift: 0.015 * (hi - lo), zTop: hi + 0.05 * (hi - lo) });
    this.layer.setLossAxis(lossAxis(Math.min(...surface.minima.map((m) => m.value))));
    await drawLoss(this.plots.loss, this.layer.axis);
    if (gen !== this.gen) return;
    Plotly.addTraces(this.plots.contour, {
      type: "scatter", mode: "markers", x: [], y: [], hoverinfo: "skip", meta: STARTS,
      marker: { size: 10, color: "#fff", line: { color: "#000", width: 2 }, symbol: "circle" },
    });
    this.showStarts();
    this.root.dataset.surface = name; // tests and scripts can wait for this
  }

  showSurfaceText() {
    this.q("formula").textContent = this.surface.formula;
    this.q("lesson").textContent = this.surface.lesson;
  }

  addStarts(points) {
    if (this.runs.length) this.reset();
    const room = MAX_STARTS - this.starts.length;
    if (points.length > room) toast(t("page.starts.too_many", { n: MAX_STARTS }));
    this.starts = [...this.starts, ...points.slice(0, Math.max(0, room))];
    this.showStarts();
  }

  async addGaussianStarts() {
    const [[x0, x1], [y0, y1]] = this.surface.domain;
    const seed = this.q("g-seed");
    const init = {
      kind: "gaussian", mean: [(x0 + x1) / 2, (y0 + y1) / 2], std: Number(this.q("g-std").value),
      count: Number(this.q("g-count").value), seed: Number(seed.value),
    };
    const gen = this.gen;
    const body = { objective: { surface: this.surface.name }, init };
    const reply = await postJSON("/api/v1/starts", body, { signal: this.fetches.signal });
    if (gen !== this.gen) return;
    seed.value = String(init.seed + 1); // the next click draws a fresh cloud
    this.addStarts(reply.starts.map((p) => p.map(round)));
    this.save();
  }

  showStarts() {
    const [index] = tagged(this.plots.contour, STARTS);
    if (index !== undefined) {
      Plotly.restyle(this.plots.contour, { x: [this.starts.map((p) => p[0])], y: [this.starts.map((p) => p[1])] }, [index]);
    }
    const n = this.starts.length;
    const key = n === 0 ? "page.starts.none" : n === 1 ? "page.starts.one" : "page.starts.many";
    this.q("start-count").textContent = t(key, { n });
  }

  defaultStart() {
    const [[x0, x1], [y0, y1]] = this.surface.domain;
    return [round(x0 + 0.15 * (x1 - x0)), round(y1 - 0.15 * (y1 - y0))];
  }

  // ---- runs ---------------------------------------------------------------------------

  optimizerSpecs() {
    const lr = this.learningRate();
    const names = this.raceNames();
    if (names === null) return [{ name: this.q("optimizer").value, lr, ...readHyper(this.q("hyper")) }];
    if (!names.length) throw new Error(t("page.race_none"));
    return names.map((name) => ({ name, lr }));
  }

  async run(play) {
    const gen = this.gen;
    await this.loading; // a run waits for its surface, and is dropped if the surface changed
    if (gen !== this.gen) return;
    this.reset();
    if (!this.starts.length) { this.addStarts([this.defaultStart()]); this.save({ push: false }); }
    const specs = this.optimizerSpecs();
    const race = this.raceNames() !== null;
    const order = [...this.optimizers.keys()];
    const controller = new AbortController();
    this.controller = controller;
    this.runs = specs.map((spec) => ({
      name: spec.name, label: this.optimizers.get(spec.name).title,
      color: race ? color(order.indexOf(spec.name)) : null,
      trajs: this.starts.map(() => ({ steps: [], points: [], loss: [], grad: [] })),
      summary: null, error: null,
    }));
    this.layer.show(this.runs);
    this.player.cursor = 0;
    this.player.play(play);
    const steps = Number(this.q("steps").value);
    const live = () => this.controller === controller && !controller.signal.aborted;
    await Promise.all(specs.map((spec, r) => {
      const body = {
        objective: { surface: this.surface.name }, optimizer: spec, starts: this.starts,
        steps, every: Math.max(1, Math.ceil(steps / MAX_POINTS)), include_grad: true,
        tol: Number(this.q("tol").value),
      };
      const run = this.runs[r];
      const onFrame = (frame) => { if (live()) { addFrame(run, frame); this.player.request(); } };
      return streamRun(body, { onFrame, signal: controller.signal })
        .then((summary) => { if (live()) { run.summary = summary.trajectories; this.player.request(); } })
        .catch((error) => {
          if (!live()) return;
          run.error = error;
          this.player.request();
          toast(error);
        });
    }));
  }

  reset() {
    this.controller?.abort();
    this.controller = null;
    this.runs = [];
    this.player.playing = false;
    this.player.cursor = 0;
    this.layer.clear();
    showPlaceholder(this.q("outcomes"), t("page.outcomes.none"));
    this.showProgress();
  }

  togglePause() {
    if (!this.runs.length) return;
    this.player.play(!this.player.playing);
    this.showProgress();
  }

  // Step shows the next recorded step: with long runs the page records every k-th step.
  async stepOnce() {
    if (!this.runs.length) return this.run(false);
    this.player.playing = false;
    this.player.seek(nextStep(this.runs, this.player.cursor));
  }

  finished() {
    return this.runs.length > 0 && this.runs.every((r) => r.summary || r.error);
  }

  // ---- what the student reads ---------------------------------------------------------

  draw() {
    this.layer.render(this.player.cursor);
    this.showProgress();
    this.showOutcomes();
  }

  // "Step n of N": once everything is shown, N and n are the steps each trajectory took by
  // its summary, so a run that diverged at step 1 reads "Step 1 of 1", as its sentence does.
  showProgress() {
    const runs = this.runs, player = this.player;
    const streaming = runs.filter((r) => !r.summary && !r.error).length;
    const last = lastStep(runs);
    const done = runs.length > 0 && !streaming && player.cursor >= last;
    let total = last;
    if (done) for (const r of runs) for (const s of r.summary ?? []) total = Math.max(total, s.steps_taken);
    const parts = [t("page.progress", { step: done ? total : Math.floor(player.cursor), total })];
    if (streaming) parts.push(t("page.progress.streaming", { n: streaming }));
    if (done) parts.push(t("page.progress.finished"));
    else if (runs.length && !player.playing) parts.push(t("page.progress.paused"));
    this.q("progress").textContent = parts.join(" · ");
    this.q("pause").disabled = done || !runs.length;
    this.q("pause").textContent = t(player.playing || !runs.length ? "page.pause" : "page.resume");
    this.root.dataset.progress = done ? "finished" : runs.length ? "running" : "idle";
  }

  showOutcomes() {
    if (!this.runs.length) return;
    const race = this.runs.length > 1;
    const rows = this.runs.flatMap((run) => run.trajs.map((traj, j) => {
      const end = run.summary?.[j];
      const point = traj.points[0]?.map((v) => fmt(v, { maximumSignificantDigits: 3 })).join(", ") ?? "…";
      const start = t("page.outcome.start", { n: j + 1, point });
      const who = race ? t("page.outcome.race", { optimizer: run.label, start }) : start;
      let className = "", message = t("page.outcome.running");
      if (end && this.player.cursor >= (traj.steps.at(-1) ?? 0)) { className = `status-${end.status}`; message = end.message; }
      else if (run.error) { className = "status-diverged"; message = run.error.message; }
      return { color: trajColor(run, j), className, text: t("page.outcome.line", { who, message }) };
    }));
    showOutcomes(this.q("outcomes"), rows);
  }

  relabel() {
    this.showSpeed();
    this.showLearningRate();
    this.showStarts();
    relabelHyper(this.q("hyper"));
    relabelSurfaces(this.plots.surface, this.plots.contour, this.scale);
    relabelLoss(this.plots.loss, this.layer.axis);
    if (this.runs.length) { this.layer.relabel(); this.draw(); }
    else { showPlaceholder(this.q("outcomes"), t("page.outcomes.none")); this.showProgress(); }
    this.refreshCatalogues().catch(toast);
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
    this.showSurfaceText();
    if (this.plots.surface.layout) Plotly.relayout(this.plots.surface, { "title.text": this.surface.title });
  }
}

function fillSelect(select, pairs) {
  select.replaceChildren(...pairs.map(([value, text]) => new Option(text, value)));
}

function addFrame(run, frame) {
  frame.index.forEach((j, n) => {
    const traj = run.trajs[j];
    traj.steps.push(frame.step);
    traj.points.push(frame.points[n]);
    traj.loss.push(frame.loss[n]);
    if (frame.grad) traj.grad.push(frame.grad[n]);
  });
}

