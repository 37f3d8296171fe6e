// The data view's state as a plain object, to and from the URL:
// #data?set=moons&noise=0.2&model=logistic&opt=sgd&lr=0.5&steps=300&batch=16&ax=w[0];b
// #data?tab=compare&set=line&model=linear&batch=8
// The data set's part (set, its parameters, a CSV's target column) is read and written by
// data-source.js; a CSV file's text never enters the URL. Defaults stay out of it.

import { MODELS } from "./data-model.js";
import { readNumber } from "./url.js";

export const TABS = ["train", "compare"];
export const DEFAULTS = { tab: "train", l2: 0, opt: "sgd", lr: 0.5, steps: 300, batch: null, compareBatch: 16 };
export const LIMITS = { l2: [0, 100], lr: [1e-6, 100], steps: [1, 5000], batch: [1, 10000] };

// params: URLSearchParams; source: the view's DataSource (which reads the data's part).
export function readState(params, source) {
  const model = params.get("model");
  const axes = (params.get("ax") ?? "").split(";").filter(Boolean);
  const batch = readNumber(params, "batch", null, ...LIMITS.batch);
  return {
    tab: TABS.includes(params.get("tab")) ? params.get("tab") : DEFAULTS.tab,
    data: source.readState(params),
    model: MODELS.includes(model) ? model : null, // null: the data's own default
    l2: readNumber(params, "l2", DEFAULTS.l2, ...LIMITS.l2),
    opt: params.get("opt") || DEFAULTS.opt, // checked against the optimizer catalogue by the view
    lr: readNumber(params, "lr", DEFAULTS.lr, ...LIMITS.lr),
    steps: Math.round(readNumber(params, "steps", DEFAULTS.steps, ...LIMITS.steps)),
    batch: batch === null ? null : Math.round(batch),
    axes: axes.length === 2 ? axes : null, // null: the first weight and the bias (checked by the view)
  };
}

export function writeState(state, source) {
  const params = new URLSearchParams();
  if (state.tab !== DEFAULTS.tab) params.set("tab", state.tab);
  source.writeState(state.data, params);
  if (state.model) params.set("model", state.model);
  for (const name of ["l2", "opt", "lr", "steps", "batch"]) {
    if (state[name] !== DEFAULTS[name] && state[name] !== null) params.set(name, String(state[name]));
  }
  if (state.axes) params.set("ax", state.axes.join(";"));
  return params;
}

// The model objective of the API; `batch` as given (null: the full data set).
export function objectiveOf(state, dataset, batch = state.batch) {
  const objective = { model: state.model, dataset, l2: state.l2 };
  if (batch) objective.batch = { size: batch, seed: 0 };
  return objective;
}

// The batch size the comparison uses for its middle run.
export function compareBatch(state) {
  return state.batch && state.batch > 1 ? state.batch : DEFAULTS.compareBatch;
}

// ---- the form ---------------------------------------------------------------------------

const control = (root, role) => root.querySelector(`[data-role="${role}"]`);

// The view's controls (but the data's, which data-source.js writes) from a state.
export function writeForm(root, state) {
  for (const [role, name] of [["l2", "l2"], ["optimizer", "opt"], ["lr", "lr"], ["steps", "steps"], ["batch", "batch"]]) {
    const v = state[name];
    control(root, role).value = v === null || v === undefined ? "" : String(v);
  }
  for (const button of root.querySelectorAll("[data-tab]")) button.setAttribute("aria-pressed", String(button.dataset.tab === state.tab));
  for (const panel of root.querySelectorAll("[data-panel]")) panel.hidden = panel.dataset.panel !== state.tab;
  root.dataset.tab = state.tab;
}

// The controls as a state; empty or unreadable fields take defaults, others snap into range.
// New data keep the model if it fits them (the view checks) and forget the surface's axes.
export function readForm(root, source, previous) {
  const number = (role, [lo, hi], fallback, whole = false) => {
    const text = control(root, role).value.trim(), v = Number(text);
    if (text === "" || !Number.isFinite(v)) return fallback;
    const x = Math.min(hi, Math.max(lo, v));
    return whole ? Math.round(x) : x;
  };
  const data = source.read();
  const sameData = JSON.stringify(data) === JSON.stringify(previous.data);
  return {
    tab: previous.tab, data, model: sameData ? control(root, "model").value || previous.model : previous.model,
    l2: number("l2", LIMITS.l2, DEFAULTS.l2), opt: control(root, "optimizer").value,
    lr: number("lr", LIMITS.lr, DEFAULTS.lr), steps: number("steps", LIMITS.steps, DEFAULTS.steps, true),
    batch: number("batch", LIMITS.batch, null, true), axes: sameData ? previous.axes : null,
  };
}
