// The conditioning view: a quadratic with P parameters and condition number κ. Plain gradient
// descent, heavy-ball momentum and Adam race from one start; the page shows the loss, the
// error along every eigen-direction, and each measured convergence rate beside the theory.
// Its state (P, κ, step sizes, start) lives in the URL; stale replies are dropped.

/* global Plotly */
import { isAbort, postJSON } from "./api.js";
import { eigenErrors, evenStart, measuredRate, norm } from "./conditioning-math.js";
import { drawDirections, drawEigen, RACERS, showRates } from "./conditioning-charts.js";
import { showStartFields, typedStart } from "./descent-starts.js";
import { fmt, t } from "./i18n.js";
import { showOutcomes, showPlaceholder } from "./outcomes.js";
import { drawContour, drawLoss, drawSurface, fitPlots, lossAxis, makeScale, relabelSurfaces } from "./plots.js";
import { toast } from "./toast.js";
import { TrajectoryLayer } from "./trajectories.js";
import { decodeTyped, readRunArrays } from "./typed.js";
import { formatPoints, parsePoints, readNumber } from "./url.js";

const DEFAULTS = { dim: 10, k: 100, steps: 300, beta: 0.9, adamLr: 0.05 };
const START_SIZE = 0.6; // the start's error along each eigen-direction
const TOL = 1e-10;
const keep = (v) => Number(v.toPrecision(6));
// The best settings keep more digits: near them the heavy-ball rate moves with the square root
// of any rounding, and "theory at these settings" should read as the best rate.
const exact = (v) => Number(v.toPrecision(10));

let view = null;

export async function mount(root, params, ctx) {
  view = new ConditioningView(root, ctx);
  await view.mount(params);
}

export function unmount() {
  view?.destroy();
  view = null;
}

export const update = (params) => view?.apply(params);
// Nothing animates here, so there is nothing to pause; plots drawn while hidden are fitted.
export const setActive = (on) => { if (on && view) fitPlots(Object.values(view.plots)); };
export const relabel = () => view?.relabel();
// For the export menu (export.js): the race's two requests, to be asked again as lists.
export const exportRuns = () => view?.exportRuns() ?? null;

class ConditioningView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController();
    this.requests = null; // the describe, grid and run requests in flight
    this.gen = 0;
    this.info = null; // the objective's description, for the problem in `problem`
    this.problem = null;
    this.result = null;
    this.why = null; // [key, params] of the last explanation shown
    this.plots = {
      loss: this.q("plot-loss"), contour: this.q("plot-contour"), surface: this.q("plot-surface"),
      eigen: this.q("plot-eigen"), directions: this.q("plot-directions"),
    };
    this.layer = new TrajectoryLayer({ loss: this.plots.loss, contour: this.plots.contour, surface: this.plots.surface });
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  on(role, type, handler) {
    this.q(role).addEventListener(type, handler, { signal: this.listeners.signal });
  }

  async mount(params) {
    const commit = () => { this.clamp(); this.save(); this.refresh().catch(toast); };
    const problem = () => { this.state.start = null; this.clearTuning(); commit(); };
    this.on("dim", "change", problem);
    this.on("condition", "change", problem);
    for (const role of ["gd-lr", "hb-lr", "hb-beta", "adam-lr", "steps"]) this.on(role, "change", commit);
    this.on("run", "click", () => this.refresh().catch(toast));
    this.on("best-lr", "click", () => { this.bestStep(); commit(); });
    this.on("best-momentum", "click", () => { this.bestMomentum(); commit(); });
    this.on("add-start", "click", () => this.startTyped());
    for (const role of ["add-x", "add-y"]) {
      this.on(role, "keydown", (event) => { if (event.key === "Enter") this.startTyped(); });
    }
    await this.apply(params, { initial: true });
  }

  destroy() {
    this.gen += 1;
    this.listeners.abort();
    this.requests?.abort();
    for (const div of Object.values(this.plots)) Plotly.purge(div);
  }

  // ---- state and the URL --------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    const dim = Math.round(readNumber(params, "dim", DEFAULTS.dim, 1, 100));
    const k = readNumber(params, "k", DEFAULTS.k, 1, 1e6);
    const [start] = parsePoints(params.get("start"), dim);
    this.q("dim").value = String(dim);
    this.q("condition").value = String(k);
    this.q("steps").value = String(Math.round(readNumber(params, "steps", DEFAULTS.steps, 1, 2000)));
    const tuned = (name, role, lo, hi) => {
      const value = readNumber(params, name, null, lo, hi);
      this.q(role).value = value === null ? "" : String(value);
    };
    tuned("lr", "gd-lr", 1e-8, 100);
    tuned("hb_lr", "hb-lr", 1e-8, 100);
    tuned("beta", "hb-beta", 0, 0.999);
    tuned("adam_lr", "adam-lr", 1e-8, 100);
    this.state = { start: start ?? null };
    this.why = null;
    if (initial) this.save({ push: false });
    await this.refresh();
  }

  save({ push = true } = {}) {
    const params = new URLSearchParams({ dim: this.q("dim").value, k: this.q("condition").value });
    const pairs = [["lr", "gd-lr"], ["hb_lr", "hb-lr"], ["beta", "hb-beta"], ["adam_lr", "adam-lr"]];
    for (const [name, role] of pairs) if (this.q(role).value !== "") params.set(name, this.q(role).value);
    if (Number(this.q("steps").value) !== DEFAULTS.steps) params.set("steps", this.q("steps").value);
    if (this.state.start) params.set("start", formatPoints([this.state.start]));
    this.ctx.save(params, { push });
  }

  // The page offers P from 1 to 100 and κ from 1 to a million; typed values outside snap in.
  clamp() {
    const within = (role, lo, hi, fallback, whole = false) => {
      const input = this.q(role);
      let value = Number(input.value);
      if (input.value === "" || !Number.isFinite(value)) value = fallback;
      value = Math.min(hi, Math.max(lo, whole ? Math.round(value) : value));
      input.value = String(value);
    };
    within("dim", 1, 100, DEFAULTS.dim, true);
    within("condition", 1, 1e6, DEFAULTS.k);
    within("steps", 1, 2000, DEFAULTS.steps, true);
  }

  objective() {
    const dim = Math.round(Number(this.q("dim").value));
    return { quadratic: { dim, condition: Number(this.q("condition").value), rotation_seed: 0 } };
  }

  // Step sizes left empty take defaults from the curvature, shown as placeholders.
  settings() {
    const c = this.info.curvature;
    const value = (role, fallback) => (this.q(role).value === "" ? fallback : Number(this.q(role).value));
    const safe = keep(1 / c.eigenvalues.at(-1)); // 1/λmax: the stiffest direction settles in one step
    return {
      gdLr: value("gd-lr", safe), hbLr: value("hb-lr", safe), beta: value("hb-beta", DEFAULTS.beta),
      adamLr: value("adam-lr", DEFAULTS.adamLr), steps: Math.round(Number(this.q("steps").value)),
    };
  }

  clearTuning() {
    for (const role of ["gd-lr", "hb-lr", "hb-beta", "adam-lr"]) this.q(role).value = "";
    this.why = null;
  }

  bestStep() {
    const c = this.info.curvature;
    this.q("gd-lr").value = String(exact(c.lr_best));
    this.why = ["page.cond.why_lr", {
      lr: c.lr_best, lmin: c.eigenvalues[0], lmax: c.eigenvalues.at(-1), rate: c.rate_best, lr_max: c.lr_max,
    }];
  }

  bestMomentum() {
    const c = this.info.curvature;
    this.q("hb-lr").value = String(exact(c.momentum_lr));
    this.q("hb-beta").value = String(exact(c.momentum_beta));
    this.why = ["page.cond.why_momentum", {
      lr: c.momentum_lr, beta: c.momentum_beta, rate: c.momentum_rate, gd_rate: c.rate_best,
      k: c.condition, root: Math.sqrt(c.condition),
    }];
  }

  // ---- requests -----------------------------------------------------------------------

  async refresh() {
    const gen = ++this.gen;
    this.requests?.abort(); // replies for the previous settings are not wanted any more
    const requests = new AbortController();
    this.requests = requests;
    const { signal } = requests;
    this.showStatus("page.cond.status_running");
    try {
      const objective = this.objective();
      const problem = JSON.stringify(objective);
      if (problem !== this.problem) {
        const info = await postJSON("/api/v1/objectives/describe", { objective }, { signal });
        if (gen !== this.gen) return;
        this.info = info;
        this.problem = problem;
        await this.showPlanar(objective, gen, signal);
        if (gen !== this.gen) return;
      }
      this.showProblem();
      const result = await this.race(objective, signal);
      if (gen !== this.gen) return;
      this.result = result;
      this.show();
    } catch (error) {
      if (gen !== this.gen || isAbort(error)) return;
      this.showStatus("page.cond.status_failed", { message: error.message });
      throw error;
    }
  }

  // With two parameters, the contour map and 3-D surface appear as for the surfaces.
  async showPlanar(objective, gen, signal) {
    const planar = this.info.dim === 2 && this.info.domain;
    this.q("planar").hidden = !planar;
    this.q("start-fields").hidden = !planar;
    this.layer.setGeometry(null);
    if (!planar) return;
    showStartFields((role) => this.q(role), this.info, this.start());
    const raw = await postJSON("/api/v1/objectives/grid", { objective, resolution: 96 }, { signal });
    if (gen !== this.gen) return;
    const grid = { x: decodeTyped(raw.x), y: decodeTyped(raw.y), z: decodeTyped(raw.z) };
    const scale = makeScale(this.info.log_scale, raw.zmin);
    const geometry = { domain: this.info.domain, names: this.info.names, revision: this.problem };
    const z = await drawContour(this.plots.contour, grid, scale, geometry);
    if (gen !== this.gen) return;
    const [lo, hi] = await drawSurface(this.plots.surface, grid, z, scale, { ...geometry, heading: this.info.title });
    this.scale = scale;
    this.layer.setGeometry({ domain: this.info.domain, scale, lift: 0.015 * (hi - lo), zTop: hi + 0.05 * (hi - lo) });
    if (!this.clickable) {
      this.clickable = true;
      this.plots.contour.on("plotly_click", (event) => {
        const { x, y } = event.points[0];
        this.startAt([keep(x), keep(y)]);
      });
    }
  }

  // With P = 2, the keyboard's way to choose the start: the point typed into the x and y boxes.
  startTyped() {
    const point = this.info?.domain ? typedStart((role) => this.q(role), this.info.domain) : null;
    if (point) this.startAt(point);
  }

  startAt(point) {
    this.state.start = point;
    this.save();
    this.refresh().catch(toast);
  }

  // Where the race starts: the one chosen, else the same error along every eigen-direction.
  start() {
    return this.state.start ?? evenStart(this.info.curvature.eigenvectors, this.center(), START_SIZE).map(keep);
  }

  center() {
    return this.info.landmarks.find((m) => m.kind === "global")?.point ?? this.info.landmarks[0].point;
  }

  // Plain descent and heavy-ball are one SGD request with a learning rate and a momentum per
  // start; Adam is another. Both reply in typed arrays, which stay small for large P.
  async race(objective, signal) {
    const s = this.settings();
    const c = this.info.curvature;
    const start = this.start();
    const common = { objective, steps: s.steps, every: 1, tol: TOL, format: "arrays" };
    const bodies = [
      { ...common, starts: [start, start], optimizer: { name: "sgd", lr: [s.gdLr, s.hbLr], momentum: [0, s.beta] } },
      { ...common, starts: [start], optimizer: { name: "adam", lr: s.adamLr } },
    ];
    const [sgd, adam] = await Promise.all(bodies.map((body) => postJSON("/api/v1/runs", body, { signal })));
    const trajs = [...readRunArrays(sgd), ...readRunArrays(adam)];
    const center = this.center();
    for (const traj of trajs) {
      traj.errors = eigenErrors(traj.points, c.eigenvectors, center);
      traj.rate = measuredRate(traj.steps, traj.errors.map(norm));
    }
    return { settings: s, trajs, curvature: c, bodies, names: this.info.names };
  }

  // ---- what the student sees ----------------------------------------------------------

  showStatus(key, params = {}) {
    this.status = [key, params];
    this.q("status").textContent = t(key, params);
  }

  showProblem() {
    const c = this.info.curvature;
    const s = this.settings();
    this.q("condition").disabled = this.info.dim === 1;
    this.q("spectrum").textContent = t("page.cond.spectrum", {
      lmin: c.eigenvalues[0], lmax: c.eigenvalues.at(-1), k: c.condition, lr_max: c.lr_max,
    });
    this.q("gd-lr").placeholder = fmt(s.gdLr);
    this.q("hb-lr").placeholder = fmt(s.hbLr);
    this.q("hb-beta").placeholder = fmt(s.beta);
    this.q("adam-lr").placeholder = fmt(s.adamLr);
    const why = this.q("why");
    why.hidden = !this.why;
    why.textContent = this.why ? t(...this.why) : "";
  }

  show() {
    const { trajs, settings, curvature } = this.result;
    const runs = RACERS.map((racer, i) => ({ label: t(racer.key), color: racer.color, trajs: [trajs[i]] }));
    drawLoss(this.plots.loss, lossAxis(0, 1e-32));
    this.layer.setLossAxis(lossAxis(0, 1e-32));
    this.layer.show(runs);
    this.layer.render(Infinity);
    drawEigen(this.plots.eigen, runs, curvature.eigenvalues);
    drawDirections(this.plots.directions, runs, curvature.eigenvalues);
    showRates(this.q("rates"), trajs, settings, curvature);
    showOutcomes(this.q("outcomes"), runs.map((run) => ({
      color: run.color, className: `status-${run.trajs[0].status}`,
      text: t("page.outcome.line", { who: run.label, message: run.trajs[0].message }),
    })));
    this.showStatus("page.cond.status_done", { steps: settings.steps });
    this.root.dataset.drawn = String(this.gen); // tests and scripts can wait for this
  }

  // { names, runs }: plain descent and heavy ball (one SGD request, a rate and a momentum per
  // start), then Adam; or null before the first race.
  exportRuns() {
    if (!this.result) return null;
    const { bodies, names } = this.result;
    const label = t("page.cond.export_sgd", { gd: t(RACERS[0].key), hb: t(RACERS[1].key) });
    return { names, runs: [{ label, body: bodies[0] }, { label: t(RACERS[2].key), body: bodies[1] }] };
  }

  // Server sentences come back in the new language with a fresh run; the rest re-renders here.
  relabel() {
    relabelSurfaces(this.plots.surface, this.plots.contour, this.scale);
    if (this.status) this.showStatus(...this.status);
    if (!this.info) return;
    this.showProblem();
    if (this.result) this.show();
    else showPlaceholder(this.q("outcomes"), t("page.outcomes.none"));
    this.refresh().catch(toast);
  }
}
