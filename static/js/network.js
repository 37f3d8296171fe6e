// The network view: a fully connected network trained by backprop on a toy data set, live as
// the run streams. Loss and accuracy per step, decision regions over the data, the network with
// its weights, per-layer norms of a, δ and ∂C/∂W on log axes, one sample's z, a and δ per unit,
// the four backprop equations beside it, three lessons, the loss landscape and a gradient check.
// State lives in the URL (network-state.js); a hidden view pauses its runs and resumes on showing.

/* global Plotly */
import { getJSON, postJSON } from "./api.js";
import { drawCurves, drawNorms, drawRegions } from "./network-charts.js";
import { NetworkForm } from "./network-form.js";
import { forward, inputsFor } from "./network-forward.js";
import { CheckPanel } from "./network-gradcheck.js";
import { LandscapePanel } from "./network-landscape.js";
import { showLesson, showLessonResults } from "./network-lessons.js";
import { Prober, readProbe } from "./network-probe.js";
import { TrainingRun } from "./network-run.js";
import { SamplePanel } from "./network-sample.js";
import { exportedRuns, runBody } from "./network-requests.js";
import { contrastOf, DEFAULTS, lessonState, objectiveOf, readState, writeState } from "./network-state.js";
import { NetworkFigure, sizesFromNames } from "./network-svg.js";
import { showMetrics, showProgress, showShownPicker } from "./network-words.js";
import { Painter } from "./network-painter.js";
import { fitPlots } from "./plots.js";
import { viewModule } from "./view.js";

const RENDER_EVERY = 120; // ms between redraws while frames stream in (network-painter.js)
const BACKFILL = 24; // probes after a run, so the accuracy curves have points all along
const WATCHED = ["curves", "norms", "a"]; // charts drawn only while on screen

const views = viewModule((root, ctx) => new NetworkView(root, ctx));
export const { mount, unmount, update, setActive, relabel } = views;
// For the export menu (export.js): the requests of the runs shown, to be asked again as lists.
export const exportRuns = () => views.current()?.exportRuns() ?? null;

class NetworkView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController();
    this.requests = new AbortController(); // describe, sample, starts, probes after a run, tools
    this.gen = 0; // a new problem or run; replies for older ones are dropped
    this.runs = []; // [A] or, in a lesson, [A, B]
    this.probes = new Map(); // step -> probe summary of the shown network of run A
    this.grid = null; // the decision regions (or fitted curve) drawn
    this.active = true;
    this.resumeOnShow = false;
    this.plots = {
      regions: this.q("plot-regions"), curves: this.q("plot-curves"), norms: this.q("plot-norms"),
      a: this.q("plot-compare-a"), b: this.q("plot-compare-b"),
    };
    const q = (role) => this.q(role);
    this.form = new NetworkForm(root, () => this.edited());
    this.figure = new NetworkFigure(this.q("network"), (unit) => this.sample.point(unit));
    this.sample = new SamplePanel({ figure: this.figure, box: this.q("unit-readout"), onError: (e) => this.showError(e) });
    this.prober = new Prober({ onProbe: (step, result) => this.probed(step, result), onError: (e) => this.showError(e) });
    const tools = { q, root, signal: this.requests.signal, source: () => this.toolSource(), stale: (gen) => gen !== this.gen };
    this.landscape = new LandscapePanel(tools);
    this.check = new CheckPanel(tools);
    const watched = Object.fromEntries(WATCHED.map((name) => [name, this.plots[name]]));
    this.painter = new Painter({ paint: (force) => this.render(force), watched, every: RENDER_EVERY });
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  on(target, type, handler) {
    (typeof target === "string" ? this.q(target) : target).addEventListener(type, handler, { signal: this.listeners.signal });
  }

  async mount(params) {
    await this.loadCatalogues();
    this.wire();
    await this.apply(params, { initial: true });
  }

  destroy() {
    this.gen += 1;
    this.listeners.abort();
    this.requests.abort();
    this.painter.stop();
    for (const run of this.runs) run.stop();
    this.prober.destroy();
    this.sample.clear();
    for (const div of Object.values(this.plots)) Plotly.purge(div);
    this.landscape.clear();
    delete this.plots.regions.dataset.hover;
  }

  async loadCatalogues() {
    const signal = this.listeners.signal;
    const [datasets, optimizers] = await Promise.all([getJSON("/api/v1/datasets", { signal }), getJSON("/api/v1/optimizers", { signal })]);
    this.datasets = new Map(datasets.map((d) => [d.name, d]));
    this.optimizers = new Map(optimizers.map((o) => [o.name, o]));
    this.form.fill(datasets, optimizers);
  }

  wire() {
    const fields = ["dataset", "n", "noise", "data-seed", "classes", "output", "loss", "l2", "optimizer", "lr", "steps", "batch", "init", "std", "count", "init-seed", "bias"];
    for (const role of fields) this.on(role, "change", () => this.edited());
    const fail = (e) => this.showError(e);
    this.on("add-layer", "click", () => this.form.addLayer());
    this.on("run", "click", () => this.start().catch(fail));
    this.on("pause", "click", () => this.togglePause());
    this.on("reset", "click", () => this.reset());
    this.on("shown", "change", () => { this.state.shown = Number(this.q("shown").value); this.save(); this.reshow(); });
    for (const button of this.root.querySelectorAll("[data-lesson]")) this.on(button, "click", () => this.lesson(button.dataset.lesson));
    this.on("lesson-close", "click", () => { this.state.lesson = null; this.save(); this.showLesson(); });
    for (const button of this.root.querySelectorAll("[data-tab]")) {
      this.on(button, "click", () => { this.state.tab = button.dataset.tab; this.save({ push: false }); this.showTab(); });
    }
    this.on("directions", "change", () => { this.state.dirs = this.q("directions").value; this.save({ push: false }); });
    this.on("landscape", "click", () => this.landscape.run().catch(fail));
    this.on("gradcheck", "click", () => this.check.run().catch(fail));
    this.on(document, "visibilitychange", () => this.setActive(!document.hidden && !this.root.hidden));
  }

  // ---- state and the URL --------------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    const state = readState(params, new Set(this.datasets.keys()));
    if (!this.optimizers.has(state.opt)) state.opt = DEFAULTS.opt;
    this.state = state;
    this.form.write(state);
    this.q("directions").value = state.dirs;
    this.showTab();
    this.showLesson();
    if (initial) this.save({ push: false });
    await this.start();
  }

  save({ push = true } = {}) {
    this.ctx.save(writeState(this.state), { push });
  }

  // A control changed: the state and the URL follow, and the drawing of the data and of the
  // network; training waits for Run. A lesson no longer describes the controls, so it closes.
  edited() {
    this.form.showInit();
    this.state = { ...this.form.read(this.state), lesson: null };
    this.form.showDataset(this.datasets.get(this.state.ds));
    this.save();
    this.showLesson();
    this.stopRuns();
    this.runs = [];
    this.prepare().catch((e) => this.showError(e));
  }

  lesson(name) {
    this.state = lessonState(name, this.state);
    this.form.write(this.state);
    this.save();
    this.showLesson();
    this.start().catch((e) => this.showError(e));
  }

  // ---- the problem: describe the network, draw the data and the architecture ----------------

  async prepare() {
    const gen = ++this.gen;
    this.showError(null);
    this.prober.reset();
    this.probes = new Map();
    this.grid = null;
    this.landscape.clear();
    this.check.clear();
    const objective = objectiveOf(this.state, this.datasets.get(this.state.ds));
    const key = JSON.stringify(objective);
    if (key !== this.problemKey) {
      const { signal } = this.requests;
      const dataKey = JSON.stringify(objective.dataset);
      const [info, data] = await Promise.all([
        postJSON("/api/v1/objectives/describe", { objective }, { signal }),
        dataKey === this.dataKey ? this.data : postJSON("/api/v1/datasets/sample", { dataset: objective.dataset }, { signal }),
      ]);
      if (gen !== this.gen) return false;
      Object.assign(this, { info, data, dataKey, problemKey: key, sizes: sizesFromNames(info.names) });
    }
    this.objective = objective;
    const s = this.state;
    this.output = s.out !== "auto" ? s.out : this.data.kind === "regression" ? "identity" : this.data.classes === 2 ? "sigmoid" : "softmax";
    this.figure.build(this.sizes, s.act, this.output);
    this.form.showShape(this.sizes, this.info.dim, this.info.cost, s.count);
    this.sample.clear();
    await this.drawRegions();
    this.render(true);
    return gen === this.gen;
  }

  // ---- runs ---------------------------------------------------------------------------------

  async start() {
    this.stopRuns();
    this.runs = [];
    if (!(await this.prepare())) return;
    const gen = this.gen;
    const states = this.state.lesson ? [this.state, contrastOf(this.state)] : [this.state];
    const bodies = [];
    for (const s of states) {
      const context = { dataset: this.datasets.get(s.ds), dim: this.info.dim, outputs: this.sizes.at(-1), signal: this.requests.signal };
      bodies.push(await runBody(s, context));
    }
    if (gen !== this.gen) return;
    this.runs = bodies.map((body) => new TrainingRun(body, this.state.count, (run) => this.changed(run)));
    showShownPicker((role) => this.q(role), this.state.count, this.shownIndex());
    for (const run of this.runs) run.start().catch((e) => this.showError(e)); // streams in; not awaited
  }

  stopRuns() {
    for (const run of this.runs) run.stop();
    this.resumeOnShow = false;
  }

  togglePause() {
    if (this.runs.some((run) => run.running)) for (const run of this.runs) run.pause();
    else for (const run of this.runs) run.start().catch((e) => this.showError(e));
  }

  reset() {
    this.stopRuns();
    this.runs = [];
    this.prepare().catch((e) => this.showError(e));
  }

  setActive(on) {
    if (on === this.active) return;
    this.active = on;
    this.painter.active = on;
    if (!on) {
      this.resumeOnShow = this.runs.some((run) => run.running);
      for (const run of this.runs) run.pause();
      return;
    }
    fitPlots(Object.values(this.plots));
    if (this.resumeOnShow) for (const run of this.runs) run.start().catch((e) => this.showError(e));
    this.resumeOnShow = false;
    this.render(true);
  }

  // A run got a frame, paused, ended or failed.
  changed(run) {
    if (run.error) this.showError(run.error);
    if (run.state !== "running" || !this.active) this.words(); // words cost nothing, even hidden
    if (run === this.runs[0]) {
      this.probeLatest();
      if (run.finished) this.backfill().catch((e) => this.showError(e));
    }
    this.painter.later(this.runs.every((r) => r.finished || r.error));
  }

  shownIndex() {
    return Math.min(this.state.shown, this.state.count - 1);
  }

  latest() {
    return this.runs[0]?.latest(this.shownIndex()) ?? null;
  }

  // Another of the trained networks is shown: its probes, from the start.
  reshow() {
    this.prober.reset();
    this.probes = new Map();
    this.probeLatest();
    if (this.runs[0]?.finished) this.backfill().catch((e) => this.showError(e));
    this.render(true);
  }

  probeLatest() {
    const latest = this.latest();
    if (latest) this.prober.want(this.objective, latest.point, latest.step);
  }

  probed(step, result) {
    this.probes.set(step, result);
    if (result.grid) {
      this.grid = result.grid;
      this.drawRegions().catch((e) => this.showError(e));
    }
    const latest = this.latest();
    if (latest) this.sample.want(this.objective, latest.point, latest.step, this.gen);
    this.painter.later(Boolean(this.runs[0]?.finished));
  }

  // After a run: probe evenly spaced recorded steps (tiny grids), so the accuracy curves are whole.
  async backfill() {
    const run = this.runs[0], gen = this.gen, traj = run.trajs[this.shownIndex()];
    const n = traj.steps.length, m = Math.min(BACKFILL, n);
    const picks = new Set(Array.from({ length: m }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, m - 1))));
    for (const i of picks) {
      if (this.probes.has(traj.steps[i])) continue;
      const body = { objective: this.objective, point: traj.points[i], resolution: 2 };
      const reply = await postJSON("/api/v1/network/probe", body, { signal: this.requests.signal });
      if (gen !== this.gen || this.runs[0] !== run) return;
      this.probes.set(traj.steps[i], { ...readProbe(reply), grid: null });
    }
    this.painter.later(true);
  }

  // ---- drawing --------------------------------------------------------------------------------

  render(force = false) {
    if ((!this.active && !force) || !this.data) return;
    const run = this.runs[0], k = this.shownIndex(), depth = this.sizes.length - 1;
    this.painter.drawSeen("curves", () => drawCurves(this.plots.curves, run, this.probes, k, this.data.kind === "classification"), force);
    this.painter.drawSeen("norms", () => drawNorms(this.plots.norms, run?.trajs[k], depth), force);
    const latest = this.latest();
    if (latest) {
      this.figure.setWeights(latest.point);
      this.q("network").dataset.step = String(latest.step);
      if (this.data.kind === "regression") this.drawFit(latest.point);
    }
    if (this.state.lesson && this.runs.length === 2) this.painter.drawSeen("a", () => this.showLessonResults(), force);
    this.words();
  }

  words() {
    showMetrics(this.q("metrics"), this.latest(), this.probes, this.data?.kind === "classification");
    showProgress((role) => this.q(role), this.root, this.runs, this.state.steps);
  }

  // A regression set's fitted curve, computed in the page from the weights (one feature).
  drawFit(point) {
    const xs = inputsFor(this.data.X);
    this.grid = { x: xs, yhat: forward(point, this.sizes, this.state.act, this.output, xs) };
    this.drawRegions().catch((e) => this.showError(e));
  }

  async drawRegions() {
    const div = this.plots.regions;
    await drawRegions(div, this.data, this.grid, this.sample.selected);
    if (!div.dataset.hover) { // Plotly's own events, bound once its plot exists (purge unbinds)
      div.on("plotly_hover", (event) => this.pointSample(event));
      div.dataset.hover = "bound";
    }
  }

  pointSample(event) {
    if (!this.sample.pick(event, this.data, this.plots.regions)) return;
    if (!this.plots.regions.data.some((trace) => trace.meta === "net:selected")) this.drawRegions().catch(() => {});
    const latest = this.latest();
    if (latest) this.sample.want(this.objective, latest.point, latest.step, this.gen);
  }

  // ---- lessons and tools ----------------------------------------------------------------------

  showLesson() {
    showLesson((role) => this.q(role), this.root, this.state.lesson, [this.plots.a, this.plots.b]);
  }

  showLessonResults() {
    showLessonResults((role) => this.q(role), this.state.lesson, this.runs, this.sizes, [this.plots.a, this.plots.b]);
  }

  showTab() {
    for (const button of this.root.querySelectorAll("[data-tab]")) button.setAttribute("aria-pressed", String(button.dataset.tab === this.state.tab));
    for (const panel of this.root.querySelectorAll("[data-tab-panel]")) panel.hidden = panel.dataset.tabPanel !== this.state.tab;
    fitPlots(this.landscape.plots);
  }

  // What the landscape and the check work on: the shown network's last point, or null.
  toolSource() {
    const latest = this.latest();
    if (!latest) return null;
    return {
      objective: this.objective, latest, traj: this.runs[0].trajs[this.shownIndex()], info: this.info,
      depth: this.sizes.length - 1, samples: this.data.X.length, kind: this.state.dirs,
      seed: Math.max(0, Math.round(Number(this.q("land-seed").value) || 0)), gen: this.gen,
    };
  }

  // The runs shown, for the export menu (network-requests.js), or null before any.
  exportRuns() {
    return this.runs.length && this.info ? exportedRuns(this.runs, this.state.lesson, this.info.names) : null;
  }

  // ---- words ----------------------------------------------------------------------------------

  showError(error) {
    if (error?.name === "AbortError") return;
    const box = this.q("error");
    box.hidden = !error;
    box.textContent = error ? error.message ?? String(error) : "";
  }

  async relabel() {
    this.form.relabel();
    this.figure.relabel();
    this.showLesson();
    showShownPicker((role) => this.q(role), this.state.count, this.shownIndex());
    this.render(true);
    this.drawRegions().catch(() => {});
    this.sample.show();
    this.landscape.draw().catch(() => {});
    this.check.show();
    const datasets = await getJSON("/api/v1/datasets", { signal: this.listeners.signal }).catch(() => null);
    if (!datasets) return;
    this.datasets = new Map(datasets.map((d) => [d.name, d]));
    this.form.fill(datasets, [...this.optimizers.values()]);
    this.form.showDataset(this.datasets.get(this.state.ds));
  }
}
