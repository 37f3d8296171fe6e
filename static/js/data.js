// The data view ("Learning from data"): a data set (generated, or a CSV file of one's own), a
// linear model of the notes (linear regression, logistic regression, the multiclass SVM,
// softmax) and gradient descent on its loss, streamed. The samples with the model's fit over
// them (data-fit.js), the loss per step, and the loss surface over two parameters with the path
// on it (data-train.js). A second tab races full batch, mini-batch and B = 1 from one start.
// State in the URL (data-state.js); a hidden view stops its run and runs it again on showing.

/* global Plotly */
import { getJSON, isAbort, postJSON } from "./api.js";
import { Fit } from "./data-fit.js";
import { boxOf, defaultAxes, defaultModel, fits, MODELS } from "./data-model.js";
import { drawData, drawLandscape, drawLossChart, sampleTraces } from "./data-plots.js";
import { landscapeBody, nameRun, noiseSentence, outcomeRows, rangesOf, retell, runsFor } from "./data-runs.js";
import { CSV, DataSource } from "./data-source.js";
import { DEFAULTS, readForm, readState, writeForm, writeState } from "./data-state.js";
import { Training } from "./data-train.js";
import { t } from "./i18n.js";
import { showOutcomes } from "./outcomes.js";
import { fitPlots, makeScale, relocale } from "./plots.js";
import { decodeTyped } from "./typed.js";
import { viewModule } from "./view.js";

const CACHE = 12;
const MODEL_NAMES = {
  linear: "page.data.model_linear", logistic: "page.data.model_logistic", svm: "page.data.model_svm", softmax: "page.data.model_softmax",
};
const MODEL_LESSONS = {
  linear: "page.data.lesson_linear", logistic: "page.data.lesson_logistic", svm: "page.data.lesson_svm", softmax: "page.data.lesson_softmax",
};
const TITLES = {
  train: { loss: "page.data.loss_title", landscape: "page.data.landscape_title" },
  compare: { loss: "page.data.compare_title", landscape: "page.data.landscape_compare_title" },
};

const views = viewModule((root, ctx) => new DataView(root, ctx));
export const { mount, unmount, update, setActive, relabel } = views;
// For the export menu (export.js): the requests of the runs shown, to be asked again as lists.
export const exportRuns = () => views.current()?.exportRuns() ?? null;

class DataView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController();
    this.requests = null; // the data's and the model's requests before a run
    this.gen = 0;
    this.active = true;
    this.stale = false; // a run was stopped while hidden: run it again on showing
    this.cache = new Map();
    this.problem = null; // { key, spec, sample, info, box, points, twoD }
    this.training = null;
    this.fit = null;
    this.landscape = null; // { grid, scale, ranges, axes } under the paths, or { failed }
    this.plots = {
      data: this.q("plot-data"), landscape: this.q("plot-landscape"), loss: this.q("plot-loss"),
      compareLoss: this.q("plot-compare-loss"), compareLandscape: this.q("plot-compare-landscape"),
    };
    this.source = new DataSource(root, {
      onChange: () => this.changed(), onError: (error) => this.showDataError(error), signal: this.listeners.signal,
    });
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  on(role, type, handler) {
    this.q(role).addEventListener(type, handler, { signal: this.listeners.signal });
  }

  async mount(params) {
    const signal = this.listeners.signal;
    const [optimizers] = await Promise.all([getJSON("/api/v1/optimizers", { signal }), this.source.load(signal)]);
    this.optimizers = new Set(optimizers.map((o) => o.name));
    this.q("optimizer").replaceChildren(...optimizers.map((o) => new Option(o.title, o.name)));
    for (const button of this.root.querySelectorAll("[data-tab]")) {
      button.addEventListener("click", () => { this.state.tab = button.dataset.tab; this.changed(); }, { signal });
    }
    for (const role of ["model", "l2", "optimizer", "lr", "steps", "batch"]) this.on(role, "change", () => this.changed());
    for (const role of ["axis-x", "axis-y"]) this.on(role, "change", () => this.changeAxes());
    this.on("run", "click", () => this.refresh());
    await this.apply(params, { initial: true });
  }

  destroy() {
    this.stop();
    this.listeners.abort();
    this.training?.destroy();
    for (const div of Object.values(this.plots)) Plotly.purge(div);
  }

  setActive(on) {
    this.active = on;
    this.training?.setActive(on);
    if (!on) {
      if (["loading", "running"].includes(this.root.dataset.progress)) {
        this.stale = true;
        this.stop();
        this.root.dataset.progress = "paused";
      }
      return;
    }
    fitPlots(Object.values(this.plots));
    if (this.stale) this.refresh();
  }

  stop() {
    this.gen += 1;
    this.requests?.abort();
    this.requests = null;
    this.training?.stop();
    this.fit?.stop();
  }

  // ---- state and the URL --------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    this.state = readState(params, this.source);
    if (!this.optimizers.has(this.state.opt)) this.state.opt = DEFAULTS.opt;
    this.source.write(this.state.data);
    this.write();
    if (initial) this.ctx.save(writeState(this.state, this.source), { push: false });
    await this.refresh();
  }

  write() {
    writeForm(this.root, this.state);
  }

  read() {
    return readForm(this.root, this.source, this.state);
  }

  changed() {
    this.state = this.read();
    this.write();
    this.ctx.save(writeState(this.state, this.source));
    this.refresh();
  }

  changeAxes() {
    this.state.axes = [this.q("axis-x").value, this.q("axis-y").value];
    this.ctx.save(writeState(this.state, this.source));
    if (this.state.axes[0] === this.state.axes[1]) { this.showError(new Error(t("page.data.axes_same"))); return; }
    this.axes = [...this.state.axes];
    this.showError(null);
    if (!this.training) return;
    this.training.axes = this.axisIndices();
    this.drawLandscape({ request: this.training.streamsDone() }).catch((error) => { if (!isAbort(error)) this.showError(error); });
  }

  // ---- the data and the model ---------------------------------------------------------

  async cached(key, make) {
    if (this.cache.has(key)) return this.cache.get(key);
    const value = await make();
    this.cache.set(key, value);
    if (this.cache.size > CACHE) this.cache.delete(this.cache.keys().next().value);
    return value;
  }

  // The data, the model's description and the plots for them, then the run of the shown tab.
  async refresh() {
    if (!this.active) { this.stale = true; return; }
    this.stale = false;
    this.stop();
    const gen = this.gen;
    const requests = new AbortController();
    this.requests = requests;
    const { signal } = requests;
    this.root.dataset.progress = "loading";
    this.showError(null);
    this.showDataError(null);
    let stage = "data";
    try {
      const spec = this.source.spec(this.state.data);
      const key = JSON.stringify(spec);
      const sample = await this.cached(`sample|${key}`, () => postJSON("/api/v1/datasets/sample", { dataset: spec }, { signal }));
      if (gen !== this.gen) return;
      stage = "model";
      this.chooseModel(sample);
      const objective = { model: this.state.model, dataset: spec, l2: this.state.l2 };
      const info = await this.cached(`describe|${this.state.model}|${key}`, () => postJSON("/api/v1/objectives/describe", { objective }, { signal }));
      if (gen !== this.gen) return;
      this.showProblem(key, spec, sample, info);
      this.requests = null;
      await this.run(gen);
    } catch (error) {
      if (gen !== this.gen || isAbort(error)) return;
      this.root.dataset.progress = "failed";
      this.showStatus("page.data.status_failed");
      if (stage === "data" || this.state.data.set === CSV) this.showDataError(error);
      else this.showError(error);
    } finally {
      if (this.requests === requests) this.requests = null;
    }
  }

  // The models that can learn this data; the chosen one, or the data's own default.
  chooseModel(sample) {
    const offered = MODELS.filter((m) => fits(m, sample));
    if (!offered.includes(this.state.model)) this.state.model = defaultModel(sample);
    this.q("model").replaceChildren(...offered.map((m) => new Option(t(MODEL_NAMES[m]), m)));
    this.q("model").value = this.state.model;
    this.q("model-lesson").textContent = t(MODEL_LESSONS[this.state.model]);
    const link = this.q("svm-link-field");
    link.hidden = this.state.model !== "svm";
    if (!link.hidden) this.q("svm-link").href = this.svmLink();
  }

  // The SVM walkthrough on this data, with the parameters this view's run reaches.
  svmLink() {
    const params = new URLSearchParams();
    this.source.writeState(this.state.data, params);
    params.set("from", "trained");
    for (const name of ["opt", "lr", "steps", "l2", "batch"]) if (this.state[name] !== null) params.set(name, String(this.state[name]));
    return `#svm?${params.toString()}`;
  }

  showProblem(key, spec, sample, info) {
    if (this.problem?.key !== key) {
      const D = sample.feature_names.length;
      const box = boxOf(sample.X, D > 1 ? [0, 1] : [0]);
      if (sample.kind === "regression") box.push(boxOf(sample.y.map((v) => [v]), [0])[0]); // the target's range
      this.problem = { key, spec, sample, box, points: sampleTraces(sample) };
    }
    const twoD = sample.kind === "classification" && sample.feature_names.length === 2;
    Object.assign(this.problem, { info, twoD });
    const names = info.names;
    const chosen = this.state.axes;
    const valid = chosen?.every((n) => names.includes(n)) && chosen[0] !== chosen[1];
    if (!valid) this.state.axes = null; // the default (first weight, bias) stays out of the URL
    const axes = valid ? chosen : defaultAxes(names);
    this.axes = axes;
    for (const [role, value] of [["axis-x", axes[0]], ["axis-y", axes[1]]]) {
      this.q(role).replaceChildren(...names.map((n) => new Option(n, n)));
      this.q(role).value = value;
    }
    this.fit = null;
    this.drawDataPlot();
  }

  axisIndices() {
    return this.axes.map((n) => this.problem.info.names.indexOf(n));
  }

  drawDataPlot() {
    const { sample, box, points } = this.problem;
    return drawData(this.plots.data, {
      sample, points, regions: this.fit?.regions, fit: this.fit?.line, box, heading: t("page.data.plot_data_title"),
      revision: this.problem.key,
    });
  }

  // ---- a run --------------------------------------------------------------------------

  async run(gen) {
    const { spec, info } = this.problem;
    const tab = this.state.tab;
    const plots = tab === "train"
      ? { loss: this.plots.loss, landscape: this.plots.landscape }
      : { loss: this.plots.compareLoss, landscape: this.plots.compareLandscape };
    this.training?.destroy();
    const training = new Training({
      plots, draw: () => this.drew(gen), streamed: () => this.streamed(gen), failed: (error) => this.showError(error),
    });
    this.training = training;
    training.tab = tab;
    training.axes = this.axisIndices();
    training.prepare(runsFor(tab, this.state, spec, info.dim).map(nameRun));
    this.landscape = null;
    const { batch, ...objective } = training.runs[0].body.objective; // regions of the model itself
    this.fit = tab === "train" ? new Fit({
      div: this.plots.data, problem: this.problem, model: this.state.model, objective,
      redraw: () => this.drawDataPlot(), changed: () => this.finish(), failed: (error) => this.showError(error),
    }) : null;
    await drawLossChart(plots.loss, training.runs, t(TITLES[tab].loss));
    await this.drawLandscape();
    if (gen !== this.gen) return;
    this.root.dataset.progress = "running";
    this.showStatus("page.data.status_running", { step: 0 });
    this.showRunOutcomes();
    // It streams on; its frames and its end call back, so mounting need not wait for it.
    training.start().catch((error) => { if (!isAbort(error)) this.showError(error); });
    if (this.fit) this.fit.signal = training.controller.signal;
  }

  // After each drawn frame of playback: the fit at the current point, the words.
  drew(gen) {
    if (gen !== this.gen) return;
    const now = this.training.current(0);
    if (!now) return;
    this.fit?.follow(now);
    if (this.root.dataset.progress === "running") this.showStatus("page.data.status_running", { step: now.step });
    this.showRunOutcomes();
    this.finish();
  }

  // Every stream has ended: the loss surface under the paths, at the final point.
  async streamed(gen) {
    if (gen !== this.gen) return;
    if (this.training.runs.every((run) => run.error)) { // refused (its reason is shown)
      this.root.dataset.progress = "failed";
      this.showStatus("page.data.status_failed");
      this.showRunOutcomes();
      return;
    }
    await this.drawLandscape({ request: true }).catch((error) => {
      if (isAbort(error)) return;
      this.landscape = { failed: true };
      this.showError(error);
    });
    this.finish();
  }

  // The loss over the two chosen parameters, the rest at the final point (of the full-batch
  // run in the comparison), under the paths drawn so far; asked for when `request`.
  async drawLandscape({ request = false } = {}) {
    const training = this.training, axes = [...this.axes];
    const final = training.final(0) ?? training.runs[0]?.points.at(-1);
    if (request && final) {
      const gen = this.gen;
      const ranges = rangesOf(training.runs, training.axes);
      const body = landscapeBody(training.runs[0].body.objective, this.problem.info, axes, final, ranges);
      const raw = await postJSON("/api/v1/landscape", body, { signal: training.controller?.signal });
      if (gen !== this.gen) return;
      const grid = { x: decodeTyped(raw.x), y: decodeTyped(raw.y), z: decodeTyped(raw.z) };
      const at = training.axes.map((i) => final[i]);
      this.landscape = { grid, scale: makeScale(this.problem.info.log_scale, raw.zmin), ranges, axes, final: at };
    }
    const shown = this.landscape?.axes?.join() === axes.join() ? this.landscape : null;
    await drawLandscape(training.plots.landscape, {
      grid: shown?.grid, scale: shown?.scale, ranges: shown?.ranges, final: shown?.final, axes, paths: training.paths(),
      heading: t(TITLES[training.tab].landscape, { x: axes[0], y: axes[1] }),
    });
    if (shown) this.root.dataset.landscape = axes.join(";");
  }

  // Finished when every stream has ended, playback has shown it all, the fit has caught up
  // with the last step and the surface is drawn (or could not be).
  finish() {
    const training = this.training;
    if (!training?.done || this.root.dataset.progress !== "running" || !this.landscape) return;
    if (this.fit && !this.fit.shows(training.current(0)?.step)) return;
    this.root.dataset.progress = "finished";
    this.showStatus("page.data.status_done", { steps: Math.max(...training.runs.map((r) => r.summary?.steps_taken ?? 0)) });
    this.showRunOutcomes();
  }

  // { names, runs: [{ label, body, file }] }: Train's run, or the comparison's three; or null.
  exportRuns() {
    const runs = this.training?.runs ?? [];
    if (!runs.length || !this.problem) return null;
    return { names: this.problem.info.names, runs: runs.map(({ who, body, file }) => ({ label: who, body, file })) };
  }

  // ---- words --------------------------------------------------------------------------

  showRunOutcomes() {
    const training = this.training;
    if (!training?.runs.length) return;
    const train = training.tab === "train";
    const who = t("page.data.model_run", { model: t(MODEL_NAMES[this.state.model]) });
    if (this.fit?.accuracy !== null && this.fit?.accuracy !== undefined) this.root.dataset.accuracy = String(this.fit.accuracy);
    showOutcomes(this.q(train ? "outcomes" : "compare-outcomes"), outcomeRows(training, who, this.fit?.accuracy));
    const noise = this.q("compare-noise");
    noise.hidden = train || !training.done || training.runs.some((r) => !r.summary);
    if (!noise.hidden) noise.textContent = noiseSentence(training.runs);
  }

  showStatus(key, params = {}) {
    this.status = [key, params];
    this.q("status").textContent = t(key, params);
  }

  showError(error) {
    const box = this.q("error");
    box.hidden = !error;
    box.textContent = error ? t("page.data.error", { message: error.message ?? String(error) }) : "";
  }

  // The data's own errors (a CSV file's line and column) beside the data's controls.
  showDataError(error) {
    const box = this.q("data-error");
    box.hidden = !error;
    box.textContent = error ? error.message ?? String(error) : "";
  }

  // The new language everywhere: the catalogue's titles, the models' names, the plots, and
  // the server's sentences about the runs, asked again.
  relabel() {
    const signal = this.listeners.signal;
    if (this.status) this.showStatus(...this.status);
    const load = this.source.load(signal);
    load.catch((error) => { if (!isAbort(error)) this.showDataError(error); });
    // A refusal is asked again, to be told in the new language.
    if (this.root.dataset.progress === "failed") { load.then(() => this.refresh()).catch(() => {}); return; }
    if (!this.problem) return;
    this.chooseModel(this.problem.sample);
    this.problem.points = sampleTraces(this.problem.sample);
    if (this.fit?.line) this.fit.line.name = t("page.data.fit");
    this.drawDataPlot();
    const training = this.training;
    if (!training) return;
    training.runs.forEach((run) => Object.assign(run, nameRun(run)));
    this.redrawRuns(training).catch(() => {});
    if (training.streamsDone()) {
      retell(training.runs, training.controller?.signal ?? signal).then(() => this.showRunOutcomes())
        .catch((error) => { if (!isAbort(error)) this.showError(error); });
    }
  }

  // The loss chart and the paths drawn again from the first record (names in a new language).
  async redrawRuns(training) {
    await drawLossChart(training.plots.loss, training.runs, t(TITLES[training.tab].loss));
    training.pathDrawn = training.runs.map(() => 0);
    await this.drawLandscape();
    if (this.training === training) training.redraw();
    for (const div of Object.values(this.plots)) relocale(div);
  }
}
