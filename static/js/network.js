// The network view: a fully connected network trained by backprop on a toy data set, live as
// the run streams. Loss and accuracy per step, decision regions over the data, the network with
// its weights, per-layer norms of a, δ and ∂C/∂W on log axes, one sample's z, a and δ per unit,
// the four backprop equations beside it, three lessons, the loss landscape and a gradient check.
// State lives in the URL (network-state.js); a hidden view pauses its runs and resumes on showing.

import { getJSON, postJSON } from "./api.js";
import { NetworkDrawing } from "./network-drawing.js";
import { NetworkForm } from "./network-form.js";
import { ProbeHistory } from "./network-history.js";
import { RegionsChart } from "./network-regions.js";
import { TrainingRun } from "./network-run.js";
import { SamplePanel } from "./network-sample.js";
import { NetworkTools } from "./network-tools.js";
import { exportedRuns, runBody } from "./network-requests.js";
import { contrastOf, DEFAULTS, lessonState, objectiveOf, readState, writeState } from "./network-state.js";
import { NetworkFigure, sizesFromNames } from "./network-svg.js";
import { showShownPicker } from "./network-words.js";
import { viewModule } from "./view.js";

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
    this.active = true;
    this.resumeOnShow = false;
    this.drawing = new NetworkDrawing(this); // its plots and painter
    this.form = new NetworkForm(root, () => this.edited());
    this.figure = new NetworkFigure(this.q("network"), (unit) => this.sample.point(unit));
    this.sample = new SamplePanel({ figure: this.figure, box: this.q("unit-readout"), onError: (e) => this.showError(e) });
    const chart = { div: this.drawing.plots.regions, input: this.q("sample"), signal: this.listeners.signal };
    this.regions = new RegionsChart({ ...chart, sample: this.sample, data: () => this.data, onPick: () => this.wantSample() });
    this.history = new ProbeHistory({ onProbe: (step, result) => this.probed(step, result), onError: (e) => this.showError(e) }); // of run A's shown network
    const q = (role) => this.q(role), stale = (gen) => gen !== this.gen;
    this.tools = new NetworkTools({ q, root, signal: this.requests.signal, shown: () => this.shown(), stale, kind: () => this.state.dirs });
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
    this.drawing.painter.stop();
    for (const run of this.runs) run.stop();
    this.history.destroy();
    this.sample.clear();
    this.drawing.purge();
    this.tools.landscape.clear();
    this.regions.unbind();
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
    this.on("lesson-close", "click", () => { this.state.lesson = null; this.save(); this.drawing.showLesson(); });
    const toolsChanged = (patch) => { Object.assign(this.state, patch); this.save({ push: false }); if (patch.tab) this.tools.showTab(this.state.tab); };
    this.tools.wire((target, type, handler) => this.on(target, type, handler), toolsChanged, fail);
    this.on(document, "visibilitychange", () => this.setActive(!document.hidden && !this.root.hidden));
  }

  // ---- state and the URL --------------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    const state = readState(params, new Set(this.datasets.keys()));
    if (!this.optimizers.has(state.opt)) state.opt = DEFAULTS.opt;
    this.state = state;
    this.form.write(state);
    this.tools.show(state);
    this.drawing.showLesson();
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
    this.drawing.showLesson();
    this.stopRuns();
    this.runs = [];
    this.prepare().catch((e) => this.showError(e));
  }

  lesson(name) {
    this.state = lessonState(name, this.state);
    this.form.write(this.state);
    this.save();
    this.drawing.showLesson();
    this.start().catch((e) => this.showError(e));
  }

  // ---- the problem: describe the network, draw the data and the architecture ----------------

  async prepare() {
    const gen = ++this.gen;
    this.showError(null);
    this.history.reset();
    this.regions.grid = null;
    this.tools.clear();
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
    await this.regions.draw();
    this.drawing.render(true);
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
    this.drawing.painter.active = on;
    if (!on) {
      this.resumeOnShow = this.runs.some((run) => run.running);
      for (const run of this.runs) run.pause();
      return;
    }
    this.drawing.fit();
    if (this.resumeOnShow) for (const run of this.runs) run.start().catch((e) => this.showError(e));
    this.resumeOnShow = false;
    this.drawing.render(true);
  }

  // A run got a frame, paused, ended or failed.
  changed(run) {
    if (run.error) this.showError(run.error);
    if (run.state !== "running" || !this.active) this.drawing.words(); // words cost nothing, even hidden
    if (run === this.runs[0]) {
      this.probeLatest();
      if (run.finished) this.backfill().catch((e) => this.showError(e));
    }
    this.drawing.painter.later(this.runs.every((r) => r.finished || r.error));
  }

  shownIndex() {
    return Math.min(this.state.shown, this.state.count - 1);
  }

  latest() {
    return this.runs[0]?.latest(this.shownIndex()) ?? null;
  }

  // Another of the trained networks is shown: its probes, from the start.
  reshow() {
    this.history.reset();
    this.probeLatest();
    if (this.runs[0]?.finished) this.backfill().catch((e) => this.showError(e));
    this.drawing.render(true);
  }

  probeLatest() {
    this.history.want(this.objective, this.latest());
  }

  probed(step, result) {
    if (result.grid) {
      this.regions.grid = result.grid;
      this.regions.draw().catch((e) => this.showError(e));
    }
    this.wantSample();
    this.drawing.painter.later(Boolean(this.runs[0]?.finished));
  }

  // After a run: the probes of evenly spaced recorded steps, so the accuracy curves are whole.
  async backfill() {
    const run = this.runs[0], gen = this.gen, traj = run.trajs[this.shownIndex()];
    const stale = () => gen !== this.gen || this.runs[0] !== run;
    if (await this.history.backfill(this.objective, traj, { signal: this.requests.signal, stale })) this.drawing.painter.later(true);
  }

  // The chosen sample's units at the latest point.
  wantSample() {
    const latest = this.latest();
    if (latest) this.sample.want(this.objective, latest.point, latest.step, this.gen);
  }

  // ---- the tools and the export menu ---------------------------------------------------------

  // The shown network's last point and its path, for the tools, or null before any.
  shown() {
    const latest = this.latest();
    if (!latest) return null;
    const traj = this.runs[0].trajs[this.shownIndex()];
    return { objective: this.objective, latest, traj, info: this.info, depth: this.sizes.length - 1, samples: this.data.X.length, gen: this.gen };
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
    this.drawing.showLesson();
    showShownPicker((role) => this.q(role), this.state.count, this.shownIndex());
    this.drawing.render(true);
    this.regions.draw().catch(() => {});
    this.sample.show();
    this.tools.relabel();
    const datasets = await getJSON("/api/v1/datasets", { signal: this.listeners.signal }).catch(() => null);
    if (!datasets) return;
    this.datasets = new Map(datasets.map((d) => [d.name, d]));
    this.form.fill(datasets, [...this.optimizers.values()]);
    this.form.showDataset(this.datasets.get(this.state.ds));
  }
}
