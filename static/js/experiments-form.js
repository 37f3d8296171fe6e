// The experiments view's controls: filled from the catalogues, written from a state and read
// back into one (snapped into range), and the parts shown for the chosen experiment.

import { fmtSmall } from "./experiments-common.js";
import { DEFAULTS, LIMITS, OWN } from "./experiments-state.js";
import { fmt, t } from "./i18n.js";

const PLACED = ["start-x", "start-y", "mean-x", "mean-y", "std", "spreads"]; // follow the domain

export class ExperimentsForm {
  constructor(root) {
    this.root = root;
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  // The objectives (the catalogue's surfaces, a quadratic, a formula) and the optimizers.
  fill(surfaces, optimizers) {
    const objective = this.q("objective").value, optimizer = this.q("optimizer").value;
    this.q("objective").replaceChildren(
      ...surfaces.map((s) => new Option(s.title, s.name)),
      new Option(t("page.exp.objective_quadratic"), OWN.quadratic),
      new Option(t("page.exp.objective_expression"), OWN.expression),
    );
    this.q("optimizer").replaceChildren(...optimizers.map((o) => new Option(o.title, o.name)));
    if (objective) this.q("objective").value = objective;
    if (optimizer) this.q("optimizer").value = optimizer;
  }

  write(s) {
    const set = (role, value) => { this.q(role).value = value === null || value === undefined ? "" : String(value); };
    const pairs = {
      objective: s.obj, kappa: s.k, expr: s.expr, optimizer: s.opt, lr: s.lr, steps: s.steps, tol: s.tol,
      "start-x": s.start?.[0], "start-y": s.start?.[1], R: s.R, "mean-x": s.mean?.[0], "mean-y": s.mean?.[1],
      std: s.std, count: s.count, seed: s.seed, spreads: s.spreads?.map(String).join(", "),
    };
    for (const [role, value] of Object.entries(pairs)) set(role, value);
    for (const radio of this.q("metric").querySelectorAll("input")) radio.checked = radio.value === s.metric;
    this.showExperiment(s.exp);
    this.showObjectiveFields();
  }

  // The controls as a state of experiment `exp`; empty or unreadable fields take defaults.
  read(exp) {
    const value = (role) => this.q(role).value.trim();
    const number = (role, [lo, hi], fallback, whole = false) => {
      const v = value(role) === "" ? NaN : Number(value(role));
      if (!Number.isFinite(v)) return fallback;
      const clamped = Math.min(hi, Math.max(lo, v));
      return whole ? Math.round(clamped) : clamped;
    };
    const point = (a, b) => {
      const p = [number(a, [-1e6, 1e6], NaN), number(b, [-1e6, 1e6], NaN)];
      return p.every(Number.isFinite) ? p : null;
    };
    const spreads = value("spreads").split(/[,，\s]+/).filter(Boolean).map(Number)
      .filter((v) => Number.isFinite(v) && v >= 0 && v <= LIMITS.std[1]).slice(0, LIMITS.spreads);
    return {
      exp, obj: this.q("objective").value,
      k: number("kappa", LIMITS.k, DEFAULTS.k), expr: value("expr").slice(0, LIMITS.expr) || DEFAULTS.expr,
      opt: this.q("optimizer").value, lr: number("lr", LIMITS.lr, DEFAULTS.lr),
      steps: number("steps", LIMITS.steps, DEFAULTS.steps, true), tol: number("tol", LIMITS.tol, DEFAULTS.tol),
      metric: this.q("metric").querySelector("input:checked")?.value ?? DEFAULTS.metric,
      start: point("start-x", "start-y"), R: number("R", LIMITS.R, DEFAULTS.R, true),
      mean: point("mean-x", "mean-y"), std: number("std", LIMITS.std, null),
      count: number("count", LIMITS.count, DEFAULTS.count, true), seed: number("seed", LIMITS.seed, DEFAULTS.seed, true),
      spreads: spreads.length ? spreads : null,
    };
  }

  // A new objective: the start, the mean and the spreads follow its domain again.
  clearPlacement() {
    for (const role of PLACED) this.q(role).value = "";
    this.showObjectiveFields();
  }

  showExperiment(exp) {
    for (const button of this.root.querySelectorAll("[data-experiment]")) {
      button.setAttribute("aria-pressed", String(button.dataset.experiment === exp));
    }
    for (const panel of this.root.querySelectorAll("[data-panel]")) panel.hidden = panel.dataset.panel !== exp;
    this.q("lr-field").hidden = exp === "sweep"; // the sweep chooses its own rates
    this.root.dataset.experiment = exp;
  }

  showObjectiveFields() {
    this.q("kappa-field").hidden = this.q("objective").value !== OWN.quadratic;
    this.q("expr-field").hidden = this.q("objective").value !== OWN.expression;
  }

  // The formula and lesson, and the places that empty fields stand for, as placeholders.
  showObjective({ formula, lesson, start, mean, std, spreads }) {
    this.q("formula").textContent = formula;
    this.q("lesson").textContent = lesson;
    const placeholders = { "start-x": start[0], "start-y": start[1], "mean-x": mean[0], "mean-y": mean[1], std };
    for (const [role, value] of Object.entries(placeholders)) this.q(role).placeholder = fmt(value);
    this.q("spreads").placeholder = spreads.map(fmtSmall).join(", ");
  }
}
