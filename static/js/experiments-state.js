// The experiments view's state as a plain object, to and from the URL:
// #experiments?exp=basins&obj=himmelblau&opt=sgd&lr=0.01&R=64
// #experiments?exp=init&obj=double_well&std=0.75&spreads=0,0.1,0.5,1.5
// Values left at their defaults stay out of the URL; the start, the mean and the spreads
// default to places derived from the objective's domain, so they appear only when chosen.

import { formatPoints, parsePoints, readNumber } from "./url.js";

export const EXPERIMENTS = ["sweep", "basins", "init"];
export const METRICS = ["loss", "steps"];
export const DEFAULTS = {
  exp: "sweep", obj: "himmelblau", opt: "sgd", lr: 0.01, steps: 1000, tol: 1e-4, metric: "loss", R: 64,
  count: 200, seed: 0, k: 10, expr: "(x^2 - 1)^2 + 0.3*x + y^2",
};
export const LIMITS = {
  lr: [1e-8, 100], steps: [1, 10000], tol: [0, 1000], R: [2, 256], count: [1, 5000], seed: [0, 2 ** 32 - 1],
  k: [1, 1e6], std: [0, 1e4], spreads: 12, expr: 500,
};
export const OWN = { quadratic: "quadratic", expression: "expression" }; // objectives not in the catalogue

const whole = (params, name) => Math.round(readNumber(params, name, DEFAULTS[name], ...LIMITS[name]));

// params: URLSearchParams; surfaces: a Set of the catalogue's surface names.
export function readState(params, surfaces) {
  const pick = (name, allowed) => (allowed.includes(params.get(name)) ? params.get(name) : DEFAULTS[name]);
  const obj = params.get("obj");
  const spreads = (params.get("spreads") ?? "").split(",").filter((s) => s !== "").map(Number)
    .filter((v) => Number.isFinite(v) && v >= LIMITS.std[0] && v <= LIMITS.std[1]).slice(0, LIMITS.spreads);
  return {
    exp: pick("exp", EXPERIMENTS),
    obj: surfaces.has(obj) || Object.values(OWN).includes(obj) ? obj : DEFAULTS.obj,
    k: readNumber(params, "k", DEFAULTS.k, ...LIMITS.k),
    expr: (params.get("expr") ?? DEFAULTS.expr).slice(0, LIMITS.expr),
    opt: params.get("opt") || DEFAULTS.opt, // checked against the optimizer catalogue by the view
    lr: readNumber(params, "lr", DEFAULTS.lr, ...LIMITS.lr),
    steps: whole(params, "steps"),
    tol: readNumber(params, "tol", DEFAULTS.tol, ...LIMITS.tol),
    metric: pick("metric", METRICS),
    start: parsePoints(params.get("start"), 2)[0] ?? null,
    R: whole(params, "R"),
    mean: parsePoints(params.get("mean"), 2)[0] ?? null,
    std: readNumber(params, "std", null, ...LIMITS.std),
    count: whole(params, "count"),
    seed: whole(params, "seed"),
    spreads: spreads.length ? spreads : null,
  };
}

export function writeState(state) {
  const params = new URLSearchParams({ exp: state.exp, obj: state.obj });
  if (state.obj === OWN.quadratic) params.set("k", String(state.k));
  if (state.obj === OWN.expression) params.set("expr", state.expr);
  for (const name of ["opt", "lr", "steps", "tol", "metric", "R", "count", "seed"]) {
    if (state[name] !== DEFAULTS[name]) params.set(name, String(state[name]));
  }
  if (state.start) params.set("start", formatPoints([state.start]));
  if (state.mean) params.set("mean", formatPoints([state.mean]));
  if (state.std !== null) params.set("std", String(state.std));
  if (state.spreads) params.set("spreads", state.spreads.join(","));
  return params;
}

// The objective of the API for a state.
export function objectiveOf(state) {
  if (state.obj === OWN.quadratic) return { quadratic: { dim: 2, condition: state.k, rotation_seed: 0 } };
  if (state.obj === OWN.expression) return { expression: state.expr };
  return { surface: state.obj };
}
