// The experiments view: the notes' two warnings made visible. A learning-rate sweep shows
// where a rate is too small, about right or too large; a basin map and a study of Gaussian
// initialization show that where descent starts decides which minimum it reaches.
// State lives in the URL (experiments-state.js); work stops while the view is hidden and
// resumes when it shows; replies meant for older settings are dropped.

/* global Plotly */
import { getJSON, isAbort, postJSON } from "./api.js";
import { basinRequest, drawBasins, maxStepsFor, readBasins } from "./experiments-basins.js";
import { acceptsExplain, categoriesOf, centreOf, round, showLegend } from "./experiments-common.js";
import {
  defaultSpreads, defaultStd, drawShares, drawSpreads, drawStarts, explainInit, initRequest, readInit, spreadsToRun,
} from "./experiments-init.js";
import { ExperimentsForm } from "./experiments-form.js";
import { DEFAULTS, objectiveOf, readState, writeState } from "./experiments-state.js";
import { analyseSweep, drawSweep, explainSweep, sweepRates, sweepRequest } from "./experiments-sweep.js";
import { fmt, lang, t } from "./i18n.js";
import { fitPlots, makeScale } from "./plots.js";
import { decodeTyped } from "./typed.js";
import { viewModule } from "./view.js";

const CACHE = 16; // results kept, so switching back and forth costs nothing
const GRID = 80; // contour resolution under the basin map and the starts

const views = viewModule((root, ctx) => new ExperimentsView(root, ctx));
export const { mount, unmount, update, setActive, relabel } = views;
// For the export menu (export.js): the shown experiment's requests, to be asked again as lists.
export const exportRuns = () => views.current()?.exportRuns() ?? null;

const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

class ExperimentsView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController();
    this.requests = null;
    this.gen = 0;
    this.active = true;
    this.stale = false; // work was stopped while hidden: redo it on showing
    this.cache = new Map();
    this.results = { sweep: null, basins: null, init: null };
    this.status = null;
    this.plotted = null; // the basin map drawn while its timing was measured
    this.form = new ExperimentsForm(root);
    this.plots = {
      sweep: this.q("plot-sweep"), basins: this.q("plot-basins"),
      shares: this.q("plot-shares"), spreads: this.q("plot-spreads"), starts: this.q("plot-starts"),
    };
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  on(role, type, handler) {
    this.q(role).addEventListener(type, handler, { signal: this.listeners.signal });
  }

  async mount(params) {
    await this.loadCatalogues(this.listeners.signal);
    this.wire();
    await this.apply(params, { initial: true });
  }

  destroy() {
    this.gen += 1;
    this.listeners.abort();
    this.requests?.abort();
    for (const div of Object.values(this.plots)) Plotly.purge(div);
  }

  setActive(on) {
    this.active = on;
    if (!on) {
      if (this.requests && !this.requests.signal.aborted) this.stale = true;
      this.gen += 1;
      this.requests?.abort();
      return;
    }
    fitPlots(Object.values(this.plots));
    if (this.stale) this.refresh().catch(() => {});
  }

  async loadCatalogues(signal) {
    const [surfaces, optimizers] = await Promise.all([
      getJSON("/api/v1/surfaces", { signal }), getJSON("/api/v1/optimizers", { signal }),
    ]);
    this.surfaces = new Map(surfaces.map((s) => [s.name, s]));
    this.optimizers = new Map(optimizers.map((o) => [o.name, o]));
    this.form.fill(surfaces, optimizers);
  }

  wire() {
    const commit = () => { this.save(); this.refresh().catch(() => {}); };
    const place = () => { this.form.clearPlacement(); commit(); };
    for (const button of this.root.querySelectorAll("[data-experiment]")) {
      button.addEventListener("click", () => {
        this.state.exp = button.dataset.experiment;
        this.form.showExperiment(this.state.exp);
        commit();
      }, { signal: this.listeners.signal });
    }
    this.on("objective", "change", place);
    this.on("kappa", "change", place);
    this.on("expr", "change", place);
    for (const role of ["optimizer", "lr", "steps", "tol", "start-x", "start-y", "R", "mean-x", "mean-y", "std", "count", "seed", "spreads"]) {
      this.on(role, "change", commit);
    }
    this.on("metric", "change", () => { this.save(); this.render("sweep").catch((error) => this.showError(error)); });
    this.on("run", "click", () => this.refresh({ fresh: true }).catch(() => {}));
  }

  // ---- state and the URL --------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    const state = readState(params, new Set(this.surfaces.keys()));
    if (!this.optimizers.has(state.opt)) state.opt = DEFAULTS.opt;
    this.state = state;
    this.form.write(state);
    if (initial) this.save({ push: false });
    await this.refresh().catch(() => {});
  }

  save({ push = true } = {}) {
    if (push) this.state = this.form.read(this.state.exp);
    this.form.write(this.state);
    fitPlots(Object.values(this.plots));
    this.ctx.save(writeState(this.state), { push });
  }

  // ---- requests -----------------------------------------------------------------------

  async refresh({ fresh = false } = {}) {
    if (!this.active) { this.stale = true; return; }
    this.stale = false;
    const gen = ++this.gen;
    this.requests?.abort();
    const requests = new AbortController();
    this.requests = requests;
    const { signal } = requests;
    const exp = this.state.exp;
    delete this.root.dataset.drawn;
    this.showError(null);
    this.showStatus("page.exp.status_running");
    try {
      const objective = objectiveOf(this.state);
      const info = await this.describe(objective, signal);
      if (gen !== this.gen) return;
      this.showObjective(info);
      const result = await this[exp](objective, info, signal, fresh); // sweep(), basins() or init()
      if (gen !== this.gen) return;
      this.results[exp] = result;
      await this.render(exp);
      if (gen !== this.gen) return;
      this.showStatus(...result.status);
      this.root.dataset.drawn = exp;
      this.root.dataset.gen = String(gen);
    } catch (error) {
      if (gen !== this.gen || isAbort(error)) return;
      this.showStatus("page.exp.status_failed");
      this.showError(error);
    } finally {
      if (this.requests === requests) this.requests = null;
    }
  }

  // A request's reply, or the same reply kept from before.
  async cached(key, fresh, make) {
    if (!fresh && this.cache.has(key)) return this.cache.get(key);
    const value = await make();
    this.cache.set(key, value);
    if (this.cache.size > CACHE) this.cache.delete(this.cache.keys().next().value);
    return value;
  }

  async describe(objective, signal) {
    const info = await this.cached(`describe|${lang()}|${JSON.stringify(objective)}`, false,
      () => postJSON("/api/v1/objectives/describe", { objective }, { signal }));
    if (info.dim !== 2 || !info.domain) throw new Error(t("page.exp.need_two", { dim: info.dim }));
    return info;
  }

  async contour(objective, info, signal) {
    return this.cached(`grid|${JSON.stringify(objective)}`, false, async () => {
      const raw = await postJSON("/api/v1/objectives/grid", { objective, resolution: GRID }, { signal });
      const scale = makeScale(info.log_scale, raw.zmin);
      return { x: decodeTyped(raw.x), y: decodeTyped(raw.y), z: decodeTyped(raw.z).map((row) => row.map(scale.f)) };
    });
  }

  sweepStart(info) {
    return this.state.start ?? info.domain.map(([lo, hi]) => round((lo + hi) / 2 + 0.3 * (hi - lo)));
  }

  async sweep(objective, info, signal, fresh) {
    const s = this.state;
    const body = sweepRequest({ objective, optimizer: s.opt, start: this.sweepStart(info), steps: s.steps, tol: s.tol });
    const reply = await this.cached(`sweep|${lang()}|${JSON.stringify(body)}`, fresh, () => postJSON("/api/v1/runs", body, { signal }));
    const fstar = Math.min(...info.landmarks.filter((m) => m.kind === "global").map((m) => m.value));
    const rows = analyseSweep(reply, sweepRates());
    return {
      rows, steps: s.steps, fstar, curvature: info.curvature, status: ["page.exp.status_sweep", { count: rows.length, steps: s.steps }],
      names: info.names, bodies: [body],
    };
  }

  basinSteps() {
    return Math.min(this.state.steps, maxStepsFor(this.state.R));
  }

  async basins(objective, info, signal, fresh) {
    const s = this.state;
    const [contour, explain] = await Promise.all([this.contour(objective, info, signal), acceptsExplain()]);
    const steps = this.basinSteps();
    const body = basinRequest({ objective, optimizer: s.opt, lr: s.lr, steps, tol: s.tol, R: s.R, domain: info.domain, explain });
    const key = `basins|${JSON.stringify(body)}`;
    if (!fresh && this.cache.has(key)) return this.cache.get(key);
    const categories = categoriesOf(info);
    const t0 = performance.now();
    const reply = await postJSON("/api/v1/runs", body, { signal });
    const t1 = performance.now();
    const map = readBasins(reply, categories, info.domain, s.R);
    const t2 = performance.now();
    const result = {
      map, categories, contour, info, steps, capped: steps < s.steps, timing: null, status: null, names: info.names, bodies: [body],
    };
    await drawBasins(this.plots.basins, map, categories, contour, info.names, JSON.stringify(objective));
    await nextPaint();
    const t3 = performance.now();
    result.timing = { request: t1 - t0, decode: t2 - t1, draw: t3 - t2, total: t3 - t0 };
    result.status = ["page.exp.status_basins", { starts: s.R * s.R, steps }];
    this.root.dataset.basinMs = String(Math.round(result.timing.total));
    this.plotted = result; // render() need not draw it again
    this.cache.set(key, result);
    return result;
  }

  initSettings(info) {
    const s = this.state;
    const std = s.std ?? defaultStd(info.domain);
    return { mean: s.mean ?? centreOf(info.domain), std, spreads: spreadsToRun(s.spreads ?? defaultSpreads(info.domain), std) };
  }

  async init(objective, info, signal, fresh) {
    const s = this.state;
    const [contour, explain] = await Promise.all([this.contour(objective, info, signal), acceptsExplain()]);
    const { mean, std, spreads } = this.initSettings(info);
    const categories = categoriesOf(info);
    const bodies = spreads.map((spread) => initRequest({
      objective, optimizer: s.opt, lr: s.lr, steps: s.steps, tol: s.tol, mean, std: spread, count: s.count, seed: s.seed, explain,
    }));
    const runs = await Promise.all(bodies.map(async (body, i) => {
      const reply = await this.cached(`init|${JSON.stringify(body)}`, fresh, () => postJSON("/api/v1/runs", body, { signal }));
      return readInit(reply, categories, info.domain, spreads[i]);
    }));
    return {
      runs, std, mean, categories, contour, info, names: info.names, bodies,
      status: ["page.exp.status_init", { runs: runs.length, count: s.count, steps: s.steps }],
    };
  }

  // { names, runs }: the sweep's one run (a rate per start), the basin map's, or one run per
  // spread of the starts; or null before the shown experiment has a result.
  exportRuns() {
    const exp = this.state.exp, result = this.results[exp];
    if (!result?.bodies) return null;
    const runs = result.bodies.map((body) => {
      const std = body.init?.std;
      if (exp !== "init") return { label: t(`page.exp.${exp}`), body, file: exp };
      return { label: t("page.exp.export_init", { std }), body, file: `init-std-${std}` };
    });
    return { names: result.names, runs };
  }

  // ---- what the student sees ----------------------------------------------------------

  async render(exp) {
    const result = this.results[exp];
    if (!result) return;
    if (exp === "sweep") {
      await drawSweep(this.plots.sweep, result, this.state.metric);
      explainSweep(this.q("sweep-bands"), result);
    } else if (exp === "basins") {
      const { map, categories, contour, info } = result;
      if (this.plotted !== result) await drawBasins(this.plots.basins, map, categories, contour, info.names, JSON.stringify(objectiveOf(this.state)));
      this.plotted = null;
      showLegend(this.q("basin-legend"), categories, map.shares);
      this.showTiming(result);
    } else {
      const { runs, std, categories, contour, info } = result;
      const chosen = runs.find((r) => r.std === std);
      await Promise.all([
        drawShares(this.plots.shares, chosen, categories),
        drawSpreads(this.plots.spreads, runs, categories, std),
        drawStarts(this.plots.starts, chosen, categories, contour, info.names, info.domain, JSON.stringify(objectiveOf(this.state))),
      ]);
      this.clickable(this.plots.spreads, (point) => this.chooseStd(point.customdata));
      this.clickable(this.plots.starts, (point) => this.chooseMean([round(point.x), round(point.y)]));
      showLegend(this.q("init-legend"), categories, chosen.shares);
      explainInit(this.q("init-lesson"), runs, categories);
    }
  }

  clickable(div, handler) {
    if (div.dataset.clickable) return;
    div.dataset.clickable = "true";
    div.on("plotly_click", (event) => { if (event.points?.length) handler(event.points[0]); });
  }

  chooseStd(std) {
    if (!Number.isFinite(std)) return;
    this.q("std").value = String(std);
    this.save();
    this.refresh().catch(() => {});
  }

  chooseMean(point) {
    this.q("mean-x").value = String(point[0]);
    this.q("mean-y").value = String(point[1]);
    this.save();
    this.refresh().catch(() => {});
  }

  showTiming(result) {
    const { timing, map, steps, capped } = result;
    const ms = (v) => fmt(v, { maximumFractionDigits: 0 });
    this.q("timing").textContent = timing ? t("page.exp.timing", {
      R: map.R, starts: map.R * map.R, request: ms(timing.request), decode: ms(timing.decode), draw: ms(timing.draw), total: ms(timing.total),
    }) : "";
    const hint = this.q("steps-capped");
    hint.hidden = !capped;
    hint.textContent = capped ? t("page.exp.steps_capped", { R: map.R, steps }) : "";
  }

  showObjective(info) {
    const surface = this.surfaces.get(this.state.obj);
    const init = this.initSettings(info);
    this.form.showObjective({
      formula: surface ? surface.formula : info.title, lesson: surface ? surface.lesson : "",
      start: this.sweepStart(info), mean: init.mean, std: init.std, spreads: defaultSpreads(info.domain),
    });
  }

  showStatus(key, params = {}) {
    this.status = [key, params];
    this.q("status").textContent = t(key, params);
  }

  showError(error) {
    const box = this.q("error");
    box.hidden = !error;
    box.textContent = error ? t("page.exp.error", { message: error.message ?? String(error) }) : "";
  }

  // Everything drawn again in the new language; sentences and titles from the server come
  // back with fresh requests.
  relabel() {
    if (this.status) this.showStatus(...this.status);
    for (const exp of Object.keys(this.results)) if (exp === this.state.exp) this.render(exp).catch(() => {});
    this.loadCatalogues(this.listeners.signal)
      .then(() => { this.form.write(this.state); return this.refresh(); })
      .catch((error) => { if (!isAbort(error)) this.showError(error); });
  }
}
