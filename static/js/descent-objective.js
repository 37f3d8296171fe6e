// What the descent view minimises, whichever kind it is: a surface of the catalogue or a
// formula the student typed. Both become the same plain object, so that plots, starts, runs
// and outcomes never ask which kind they hold.

import { getJSON, postJSON } from "./api.js";
import { fmt, t } from "./i18n.js";
import { listNames } from "./formula-box.js";

const RESOLUTION = 128;

// { spec, key, title, formula, lesson, domain, names, minima, log_scale, expression }
export function surfaceObjective(surface) {
  return {
    spec: { surface: surface.name }, key: surface.name, title: surface.title, formula: surface.formula,
    lesson: surface.lesson, domain: surface.domain, names: ["x", "y"], minima: surface.minima,
    log_scale: surface.log_scale, expression: null,
  };
}

// info: the reply of POST /objectives/describe for the formula `text` (two variables).
export function expressionObjective(info, text) {
  return {
    spec: { expression: text }, key: `expression:${text}`, title: info.title, formula: text,
    lesson: "", domain: info.domain, names: info.names, minima: info.landmarks,
    log_scale: info.log_scale, expression: text,
  };
}

// The sentence under a typed formula: the minima found numerically, in the page's language.
export function expressionLesson(objective) {
  const minima = objective.minima;
  if (!minima.length) return t("page.expr.no_minimum");
  const best = minima.reduce((a, b) => (b.value < a.value ? b : a));
  const point = best.point.map((v) => fmt(Math.abs(v) < 1e-9 ? 0 : v, { maximumSignificantDigits: 3 })).join(", ");
  const key = minima.length === 1 ? "page.expr.one_minimum" : "page.expr.minima";
  return t(key, { n: minima.length, point, value: fmt(Math.abs(best.value) < 1e-12 ? 0 : best.value) });
}

// Why a formula of other than two variables is not plotted here.
export function dimensionNote(info) {
  const names = listNames(info.names);
  return t(info.dim < 2 ? "page.expr.too_few" : "page.expr.too_many", { n: info.dim, names });
}

// Whether a typed formula's values span decades over the plot (as Rosenbrock's do), so that a
// linear colour scale would leave most of the map one colour: true when half the grid lies
// within a tenth of the range above the minimum. The server plots every formula linearly
// (it may be negative); the page's log10(1 + f − min) copes with that.
export function spansDecades(z, zmin, zmax) {
  const gaps = z.flat().filter(Number.isFinite).map((v) => v - zmin).sort((a, b) => a - b);
  if (!gaps.length || !(zmax > zmin)) return false;
  return gaps[gaps.length >> 1] < 0.1 * (zmax - zmin);
}

// The values to plot: a surface's cached grid, or a typed formula's grid over its domain.
export function fetchGrid(objective, { signal }) {
  if (objective.expression === null) {
    return getJSON(`/api/v1/surfaces/${objective.spec.surface}/grid?resolution=${RESOLUTION}`, { signal });
  }
  return postJSON("/api/v1/objectives/grid", { objective: objective.spec, resolution: RESOLUTION }, { signal });
}
