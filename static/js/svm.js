// The SVM view: the notes' multiclass SVM example for one sample of a data set. Parameters come
// from a trained run (the same request as the data view's, so its link lands on the same W)
// or are random with a seed; click a point or type its index to walk through its scores,
// margins, loss and gradient, with the gradient check beside it.
// #svm?set=blobs&from=trained&opt=sgd&lr=0.1&steps=100&sample=7

/* global Plotly */
import { getJSON, isAbort, postJSON } from "./api.js";
import { boxOf, unpack, scores } from "./data-model.js";
import { drawData, regionsTrace, sampleTraces, selectedTrace } from "./data-plots.js";
import { DataSource } from "./data-source.js";
import { fmt, t } from "./i18n.js";
import { fitPlots } from "./plots.js";
import { clearWalk, showWalk } from "./svm-walk.js";
import { readNumber } from "./url.js";
import { viewModule } from "./view.js";

const DEFAULTS = { from: "trained", opt: "sgd", lr: 0.1, steps: 100, l2: 0, batch: null, rseed: 0, std: 1 };
const NUMBERS = {
  lr: [1e-6, 100], steps: [1, 5000], l2: [0, 100], batch: [1, 10000], rseed: [0, 2 ** 32 - 1], std: [0, 100],
};
const WHOLE = new Set(["steps", "batch", "rseed"]);

export const { mount, unmount, update, setActive, relabel } = viewModule(
  (root, ctx) => new SvmView(root, ctx),
);

class SvmView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController();
    this.requests = null;
    this.gen = 0;
    this.active = true;
    this.stale = false;
    this.cache = new Map(); // request -> reply, for the data, the parameters and the regions
    this.problem = null; // { sample, names, point, regions, box, points }
    this.report = null;
    this.plot = this.q("plot-data");
    this.source = new DataSource(root, {
      classification: true, onChange: () => this.changed({ index: null }),
      onError: (error) => this.showError(error), signal: this.listeners.signal,
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
    for (const role of ["from", "optimizer", ...Object.keys(NUMBERS)]) this.on(role, "change", () => this.changed());
    this.on("index", "change", () => this.changed({ keepIndex: true }));
    this.on("prev", "click", () => this.step(-1));
    this.on("next", "click", () => this.step(1));
    await this.apply(params, { initial: true });
  }

  destroy() {
    this.gen += 1;
    this.listeners.abort();
    this.requests?.abort();
    Plotly.purge(this.plot);
  }

  setActive(on) {
    this.active = on;
    if (!on) {
      if (this.requests) { this.stale = true; this.gen += 1; this.requests.abort(); this.requests = null; }
      return;
    }
    fitPlots([this.plot]);
    if (this.stale) this.refresh();
  }

  // ---- state and the URL --------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    const state = { data: this.source.readState(params), from: params.get("from") === "random" ? "random" : "trained" };
    state.opt = this.optimizers.has(params.get("opt")) ? params.get("opt") : DEFAULTS.opt;
    for (const [name, [lo, hi]] of Object.entries(NUMBERS)) {
      const v = readNumber(params, name, DEFAULTS[name], lo, hi);
      state[name] = v !== null && WHOLE.has(name) ? Math.round(v) : v;
    }
    const index = readNumber(params, "sample", null, 0, 9999);
    state.index = index === null ? null : Math.round(index);
    this.state = state;
    this.source.write(state.data);
    this.write();
    if (initial) this.save({ push: false });
    await this.refresh();
  }

  write() {
    const s = this.state;
    this.q("from").value = s.from;
    this.q("optimizer").value = s.opt;
    for (const name of Object.keys(NUMBERS)) this.q(name).value = s[name] === null ? "" : String(s[name]);
    this.q("index").value = s.index === null ? "" : String(s.index);
    this.q("trained-field").hidden = s.from !== "trained";
    this.q("random-field").hidden = s.from !== "random";
  }

  read() {
    const state = { data: this.source.read(), from: this.q("from").value, opt: this.q("optimizer").value, index: this.state.index };
    for (const [name, [lo, hi]] of Object.entries(NUMBERS)) {
      const text = this.q(name).value.trim(), v = Number(text);
      const x = text === "" || !Number.isFinite(v) ? DEFAULTS[name] : Math.min(hi, Math.max(lo, v));
      state[name] = x !== null && WHOLE.has(name) ? Math.round(x) : x;
    }
    const index = Number(this.q("index").value);
    if (this.q("index").value.trim() !== "" && Number.isInteger(index) && index >= 0) state.index = index;
    return state;
  }

  save({ push = true } = {}) {
    const s = this.state;
    const params = new URLSearchParams();
    this.source.writeState(s.data, params);
    params.set("from", s.from);
    const names = s.from === "trained" ? ["opt", "lr", "steps", "l2", "batch"] : ["rseed", "std"];
    for (const name of names) if (s[name] !== null && s[name] !== DEFAULTS[name]) params.set(name, String(s[name]));
    if (s.index !== null) params.set("sample", String(s.index));
    this.ctx.save(params, { push });
  }

  // index: null picks a sample again (new data or parameters); keepIndex: only the sample changed.
  changed({ index, keepIndex = false } = {}) {
    this.state = this.read();
    if (index === null) this.state.index = null;
    this.write();
    this.save();
    if (keepIndex && this.problem) this.walk().catch((error) => this.fail(error));
    else this.refresh();
  }

  // The sample before or after the shown one (wrapping around), to step through a few.
  step(by) {
    const n = this.problem?.sample.X.length;
    if (!n) return;
    this.q("index").value = String((((this.state.index ?? 0) + by) % n + n) % n);
    this.changed({ keepIndex: true });
  }

  // ---- requests -----------------------------------------------------------------------

  async cached(key, make) {
    if (this.cache.has(key)) return this.cache.get(key);
    const value = await make();
    this.cache.set(key, value);
    if (this.cache.size > 24) this.cache.delete(this.cache.keys().next().value);
    return value;
  }

  objective(spec) {
    const s = this.state;
    const objective = { model: "svm", dataset: spec, l2: s.from === "trained" ? s.l2 : 0 };
    if (s.from === "trained" && s.batch) objective.batch = { size: s.batch, seed: 0 };
    return objective;
  }

  async refresh() {
    if (!this.active) { this.stale = true; return; }
    this.stale = false;
    this.gen += 1;
    const gen = this.gen;
    this.requests?.abort();
    const requests = new AbortController();
    this.requests = requests;
    const { signal } = requests;
    this.showError(null);
    this.showStatus("page.svm.status_loading");
    delete this.root.dataset.walked;
    try {
      const spec = this.source.spec(this.state.data);
      const sample = await this.cached(`sample|${JSON.stringify(spec)}`, () => postJSON("/api/v1/datasets/sample", { dataset: spec }, { signal }));
      if (gen !== this.gen) return;
      const objective = this.objective(spec);
      const info = await this.cached(`describe|${JSON.stringify(objective)}`, () => postJSON("/api/v1/objectives/describe", { objective }, { signal }));
      const point = await this.parameters(objective, info.dim, signal);
      if (gen !== this.gen) return;
      const twoD = sample.feature_names.length === 2;
      const { batch, ...plain } = objective;
      const box = boxOf(sample.X, twoD ? [0, 1] : [0]);
      const regions = twoD
        ? regionsTrace(await postJSON("/api/v1/predict", { objective: plain, point, resolution: 80, box }, { signal }))
        : null;
      if (gen !== this.gen) return;
      this.problem = { spec, sample, objective: plain, names: info.names, point, regions, box, points: sampleTraces(sample) };
      if (this.state.index === null || this.state.index >= sample.X.length) {
        this.state.index = firstWithLoss(sample, unpack(info.names, point));
        this.write();
        this.save({ push: false });
      }
      await this.walk();
    } catch (error) {
      if (gen === this.gen && !isAbort(error)) this.fail(error);
    } finally {
      if (this.requests === requests) this.requests = null;
    }
  }

  // The parameters: where the trained run ends, or a seeded Gaussian draw.
  async parameters(objective, dim, signal) {
    const s = this.state;
    if (s.from === "random") {
      const body = { objective, init: { kind: "gaussian", mean: new Array(dim).fill(0), std: s.std, count: 1, seed: s.rseed } };
      const reply = await this.cached(`starts|${JSON.stringify(body)}`, () => postJSON("/api/v1/starts", body, { signal }));
      this.note = ["page.svm.note_random", { std: s.std, seed: s.rseed }];
      this.showNote();
      return reply.starts[0];
    }
    const body = {
      objective, optimizer: { name: s.opt, lr: s.lr }, starts: [new Array(dim).fill(0)], steps: s.steps, every: s.steps, tol: 1e-6,
    };
    const reply = await this.cached(`run|${JSON.stringify(body)}`, () => postJSON("/api/v1/runs", body, { signal }));
    const traj = reply.trajectories[0];
    this.note = ["page.svm.note_trained", { steps: traj.steps_taken, loss: traj.loss.at(-1), status: traj.message }];
    this.showNote();
    return traj.points.at(-1);
  }

  async walk() {
    const gen = this.gen;
    const { objective, point, sample } = this.problem;
    const index = Math.min(this.state.index ?? 0, sample.X.length - 1);
    this.q("index").max = String(sample.X.length - 1);
    this.draw(index);
    const report = await postJSON("/api/v1/svm/sample", { objective, point, index });
    if (gen !== this.gen) return;
    this.report = report;
    showWalk((role) => this.q(role), report);
    this.showStatus("page.svm.status_done", { i: index, n: sample.X.length });
    this.root.dataset.walked = String(index);
  }

  draw(index) {
    const { sample, regions, box, points } = this.problem;
    drawData(this.plot, {
      sample, points, regions, selected: selectedTrace(sample, index), box, heading: t("page.svm.plot_title"),
      revision: JSON.stringify(this.problem.spec),
    }).then(() => this.clickable());
  }

  clickable() {
    if (this.plot.dataset.clickable) return;
    this.plot.dataset.clickable = "true";
    this.plot.on("plotly_click", (event) => {
      const index = event.points?.find((p) => Number.isInteger(p.customdata))?.customdata;
      if (index === undefined) return;
      this.q("index").value = String(index);
      this.changed({ keepIndex: true });
    });
  }

  // ---- words --------------------------------------------------------------------------

  showNote() {
    this.q("params-note").textContent = this.note ? t(this.note[0], { ...this.note[1], loss: fmt(this.note[1].loss ?? 0) }) : "";
  }

  showStatus(key, params = {}) {
    this.status = [key, params];
    this.q("status").textContent = t(key, params);
  }

  showError(error) {
    const box = this.q("error");
    box.hidden = !error;
    box.textContent = error ? error.message ?? String(error) : "";
  }

  fail(error) {
    this.showStatus("page.svm.status_failed");
    this.showError(error);
    clearWalk((role) => this.q(role));
  }

  relabel() {
    this.source.load(this.listeners.signal).catch(() => {});
    if (this.status) this.showStatus(...this.status);
    if (!this.problem) return;
    this.problem.points = sampleTraces(this.problem.sample);
    // The run's sentence comes again in the new language; the rest is the page's own words.
    this.cache = new Map([...this.cache].filter(([key]) => !key.startsWith("run|")));
    this.refresh();
  }
}

// The first sample whose loss is not zero (some margin active), so the walkthrough starts
// with something to show; 0 when every margin is met.
function firstWithLoss(sample, params) {
  for (let i = 0; i < sample.X.length; i += 1) {
    const s = scores(params, sample.X[i]), y = sample.y[i];
    if (s.some((v, j) => j !== y && v - s[y] + 1 > 0)) return i;
  }
  return 0;
}
