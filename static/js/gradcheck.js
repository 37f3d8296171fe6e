// The gradient check view, after the notes: (a) the analytic gradient of a surface, the
// quadratic or a typed formula against forward and centred differences at a chosen point;
// (b) the relative error as h sweeps from 1e-12 to 1, truncation error on the right and
// round-off on the left; (c) what numerical gradients cost as the parameters grow to 10,000.
// Its state lives in the URL: #gradcheck?kind=surface&surface=rosenbrock&point=-1,1.5&h=1e-5

import { getJSON, isAbort, postJSON } from "./api.js";
import { FormulaBox, listNames } from "./formula-box.js";
import { drawCost, drawSweep, showCost, showTable, summary, sweepSummary, VERDICTS } from "./gradcheck-charts.js";
import { fitPlots } from "./plots.js";
import { t } from "./i18n.js";
import { toast } from "./toast.js";
import { readNumber } from "./url.js";

const DEFAULTS = { kind: "surface", surface: "rosenbrock", dim: 10, k: 100, h: "1e-5", expr: "x^2*y + sin(x*y)" };
const KINDS = ["surface", "quadratic", "expression"];
// 25 step sizes, log-spaced from 1e-12 to 1 (two per decade).
export const SWEEP = Array.from({ length: 25 }, (_, i) => Number((10 ** (-12 + i / 2)).toPrecision(3)));
const COST_SIZES = [10, 30, 100, 300, 1000, 3000, 10000];
const FRACTIONS = [0.3, 0.65, 0.45, 0.8, 0.2, 0.55]; // where in the start region a default point lies

let view = null;

export async function mount(root, params, ctx) {
  view = new GradCheckView(root, ctx);
  await view.mount(params);
}

export function unmount() {
  view?.destroy();
  view = null;
}

export const update = (params) => view?.apply(params);
export const setActive = (on) => { if (on && view) fitPlots(Object.values(view.plots)); };
export const relabel = () => view?.relabel();

class GradCheckView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController();
    this.requests = null;
    this.gen = 0;
    this.info = null; // the objective's description
    this.report = null; // the check at the chosen h
    this.sweep = null; // the check at every h of SWEEP
    this.cost = null;
    this.status = null;
    this.plots = { sweep: this.q("plot-sweep"), cost: this.q("plot-cost") };
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  on(role, type, handler) {
    this.q(role).addEventListener(type, handler, { signal: this.listeners.signal });
  }

  async mount(params) {
    const signal = this.listeners.signal;
    const surfaces = await getJSON("/api/v1/surfaces", { signal });
    this.q("surface").replaceChildren(...surfaces.map((s) => new Option(s.title, s.name)));
    this.box = new FormulaBox({
      input: this.q("expr"), error: this.q("expr-error"), signal,
      onValid: () => this.changeObjective().catch(toast), onInvalid: () => this.showStatus("page.gc.status_formula"),
    });
    const objective = () => this.changeObjective({ push: true }).catch(toast);
    this.on("kind", "change", () => { this.showKind(); objective(); });
    for (const role of ["surface", "dim", "condition"]) this.on(role, "change", objective);
    this.on("check", "click", () => this.refresh({ push: true }).catch(toast));
    for (const role of ["point", "h"]) this.on(role, "change", () => this.refresh({ push: true }).catch(toast));
    this.on("measure", "click", () => this.measure().catch(toast));
    await this.apply(params, { initial: true });
    this.measure().catch(toast);
  }

  destroy() {
    this.gen += 1;
    this.listeners.abort();
    this.requests?.abort();
    this.costRequest?.abort();
    for (const div of Object.values(this.plots)) window.Plotly?.purge(div);
  }

  // ---- state and the URL --------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    const kind = KINDS.includes(params.get("kind")) ? params.get("kind") : DEFAULTS.kind;
    this.q("kind").value = kind;
    const surface = params.get("surface");
    this.q("surface").value = [...this.q("surface").options].some((o) => o.value === surface) ? surface : DEFAULTS.surface;
    this.q("dim").value = String(Math.round(readNumber(params, "dim", DEFAULTS.dim, 1, 100)));
    this.q("condition").value = String(readNumber(params, "k", DEFAULTS.k, 1, 1e6));
    this.q("expr").value = (params.get("expr") ?? (this.q("expr").value || DEFAULTS.expr)).slice(0, 500);
    const h = readNumber(params, "h", null, 1e-300, 1e6);
    this.q("h").value = h === null ? DEFAULTS.h : params.get("h"); // as typed: 1e-5, not 0.00001
    this.q("point").value = params.get("point") ?? "";
    this.showKind();
    await this.changeObjective({ keepPoint: true, push: initial ? false : null });
  }

  save({ push = true } = {}) {
    const kind = this.q("kind").value;
    const params = new URLSearchParams({ kind });
    if (kind === "surface") params.set("surface", this.q("surface").value);
    if (kind === "quadratic") { params.set("dim", this.q("dim").value); params.set("k", this.q("condition").value); }
    if (kind === "expression") params.set("expr", this.box.text);
    params.set("point", this.q("point").value.replace(/\s+/g, ""));
    params.set("h", this.q("h").value);
    this.ctx.save(params, { push });
  }

  showKind() {
    const kind = this.q("kind").value;
    this.q("surface-field").hidden = kind !== "surface";
    this.q("quadratic-field").hidden = kind !== "quadratic";
    this.q("expr-field").hidden = kind !== "expression";
  }

  objective() {
    const kind = this.q("kind").value;
    if (kind === "surface") return { surface: this.q("surface").value };
    if (kind === "quadratic") {
      const dim = Math.min(100, Math.max(1, Math.round(Number(this.q("dim").value) || DEFAULTS.dim)));
      const condition = Math.min(1e6, Math.max(1, Number(this.q("condition").value) || DEFAULTS.k));
      return { quadratic: { dim, condition, rotation_seed: 0 } };
    }
    return { expression: this.box.text };
  }

  // A new objective: describe it (a typed formula through its box, which shows any error),
  // give it a default point unless the one shown fits, and check.
  async changeObjective({ keepPoint = false, push = true } = {}) {
    const gen = ++this.gen;
    this.requests?.abort();
    this.showStatus("page.gc.status_running");
    let info;
    try {
      info = this.q("kind").value === "expression"
        ? await this.box.check()
        : await postJSON("/api/v1/objectives/describe", { objective: this.objective() });
    } catch (error) {
      if (gen === this.gen && !isAbort(error)) this.showStatus("page.gc.status_failed", { message: error.message });
      throw error;
    }
    if (gen !== this.gen) return;
    if (!info) { this.info = null; this.showStatus("page.gc.status_formula"); return; }
    this.info = info;
    if (!keepPoint || this.readPoint() === null) this.q("point").value = defaultPoint(info).join(", ");
    this.showPointHint();
    await this.refresh({ push, gen });
  }

  showPointHint() {
    if (!this.info) return;
    const names = this.info.dim <= 8 ? listNames(this.info.names) : `${this.info.names.slice(0, 3).join(", ")}, …`;
    this.q("point-hint").textContent = t("page.gc.point_hint", { n: this.info.dim, names });
  }

  readPoint() {
    const parts = this.q("point").value.split(/[\s,;]+/).filter(Boolean).map(Number);
    if (!this.info || parts.length !== this.info.dim || !parts.every(Number.isFinite)) return null;
    return parts;
  }

  // ---- the check and the sweep --------------------------------------------------------

  async refresh({ push = true, gen = ++this.gen } = {}) {
    if (!this.info) return;
    const point = this.readPoint();
    const h = Number(this.q("h").value);
    if (point === null) { this.showStatus("page.gc.status_point", { n: this.info.dim }); return; }
    if (!(h > 0 && Number.isFinite(h))) { this.showStatus("page.gc.status_h"); return; }
    if (push !== null) this.save({ push });
    this.requests?.abort();
    const requests = new AbortController();
    this.requests = requests;
    this.showStatus("page.gc.status_running");
    const objective = this.objective();
    const ask = (steps) => postJSON("/api/v1/gradcheck", { objective, point, h: steps }, { signal: requests.signal });
    try {
      const [report, sweep] = await Promise.all([ask(h), ask(SWEEP)]);
      if (gen !== this.gen) return;
      Object.assign(this, { report, sweep });
      this.show();
    } catch (error) {
      if (gen !== this.gen || isAbort(error)) return;
      this.showStatus("page.gc.status_failed", { message: error.message });
      throw error;
    }
  }

  show() {
    showTable(this.q("table"), this.report);
    this.q("summary").textContent = summary(this.report);
    drawSweep(this.plots.sweep, this.sweep);
    this.q("sweep-summary").textContent = sweepSummary(this.sweep);
    this.showStatus("page.gc.status_done", { verdict: t(VERDICTS[this.report.verdict]) });
    this.root.dataset.checked = String(this.gen); // tests and scripts can wait for this
  }

  showStatus(key, params = {}) {
    this.status = [key, params];
    this.q("status").textContent = t(key, params);
  }

  // ---- the cost -------------------------------------------------------------------------

  async measure() {
    this.costRequest?.abort();
    const request = new AbortController();
    this.costRequest = request;
    this.q("measure").disabled = true;
    this.costStatus = "page.gc.cost_running";
    this.q("cost-status").textContent = t(this.costStatus);
    try {
      const reply = await postJSON("/api/v1/gradcheck/cost", { sizes: COST_SIZES }, { signal: request.signal });
      if (this.costRequest !== request) return;
      this.cost = reply.costs;
      this.showCost();
      this.root.dataset.cost = "measured";
    } catch (error) {
      if (isAbort(error)) return;
      this.costStatus = null;
      this.q("cost-status").textContent = t("page.gc.cost_failed", { message: error.message });
      throw error;
    } finally {
      if (this.costRequest === request) this.q("measure").disabled = false;
    }
  }

  showCost() {
    drawCost(this.plots.cost, this.cost);
    showCost(this.q("cost"), this.cost);
    const last = this.cost.at(-1);
    this.costStatus = "page.gc.cost_done";
    this.q("cost-status").textContent = t("page.gc.cost_done", {
      n: last.n, ratio: last.analytic_seconds > 0 ? Math.round(last.numerical_seconds / last.analytic_seconds) : 0,
    });
  }

  relabel() {
    if (this.status) this.showStatus(...this.status);
    this.showPointHint();
    this.box.relabel();
    if (this.report && this.sweep) this.show();
    if (this.cost) this.showCost();
    else if (this.costStatus) this.q("cost-status").textContent = t(this.costStatus);
    this.refreshSurfaceNames().catch(toast);
  }

  async refreshSurfaceNames() {
    const surfaces = await getJSON("/api/v1/surfaces", { signal: this.listeners.signal });
    const titles = new Map(surfaces.map((s) => [s.name, s.title]));
    for (const option of this.q("surface").options) option.text = titles.get(option.value) ?? option.text;
  }
}

// A point inside the start region that sits on no axis and at no minimum.
function defaultPoint(info) {
  const { low, high } = info.start_region;
  return low.map((lo, i) => {
    const f = FRACTIONS[i % FRACTIONS.length];
    return Number((lo + f * (high[i] - lo)).toPrecision(3));
  });
}
