// The descent view's state as a plain object, to and from the URL:
// #descent?surface=rosenbrock&opt=adam&lr=0.02&starts=-1.5,2;1.5,-0.5
// or, for a formula of one's own, #descent?expr=x^2%2B3*sin(y)&opt=adam...
// Hyperparameters appear under their torch names when they differ from torch's defaults.

import { formatPoints, parsePoints, readNumber } from "./url.js";

export const DEFAULTS = { surface: "himmelblau", opt: "sgd", lr: 0.01, steps: 500, tol: 1e-4 };
export const LR_RANGE = [1e-4, 10];
export const RACE_DEFAULT = ["sgd", "adam", "rmsprop"];
export const MAX_EXPR = 500; // characters of a formula the URL carries

// params: URLSearchParams; surfaces, optimizers: Maps of the server's catalogues.
export function readState(params, surfaces, optimizers) {
  const surface = surfaces.has(params.get("surface")) ? params.get("surface") : DEFAULTS.surface;
  const typed = params.get("expr");
  const expr = typed === null ? null : typed.slice(0, MAX_EXPR);
  const opt = optimizers.has(params.get("opt")) ? params.get("opt") : DEFAULTS.opt;
  const race = params.has("race")
    ? params.get("race").split(",").filter((name) => optimizers.has(name)) : null;
  return {
    surface, expr, opt, race,
    lr: readNumber(params, "lr", DEFAULTS.lr, ...LR_RANGE),
    hyper: readHyperParams(params, optimizers.get(opt).defaults),
    starts: parsePoints(params.get("starts"), 2),
    steps: Math.round(readNumber(params, "steps", DEFAULTS.steps, 1, 10000)),
    tol: readNumber(params, "tol", DEFAULTS.tol, 0, 1000),
  };
}

function readHyperParams(params, defaults) {
  const out = {};
  for (const [name, value] of Object.entries(defaults)) {
    const text = params.get(name);
    if (name === "lr" || text === null) continue;
    if (typeof value === "boolean") out[name] = text === "1" || text === "true";
    else if (Array.isArray(value)) {
      const list = text.split(",").map(Number);
      if (list.length === value.length && list.every(Number.isFinite)) out[name] = list;
    } else if (Number.isFinite(Number(text)) && text !== "") out[name] = Number(text);
  }
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export function writeState(state, defaults) {
  const params = new URLSearchParams(state.expr !== null ? { expr: state.expr } : { surface: state.surface });
  params.set("opt", state.opt);
  params.set("lr", String(state.lr));
  for (const [name, value] of Object.entries(state.hyper)) {
    if (same(value, defaults[name])) continue;
    params.set(name, typeof value === "boolean" ? (value ? "1" : "0") : [value].flat().join(","));
  }
  if (state.race) params.set("race", state.race.join(","));
  if (state.starts.length) params.set("starts", formatPoints(state.starts));
  if (state.steps !== DEFAULTS.steps) params.set("steps", String(state.steps));
  if (state.tol !== DEFAULTS.tol) params.set("tol", String(state.tol));
  return params;
}
