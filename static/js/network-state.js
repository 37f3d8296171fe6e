// The network view's state as a plain object, to and from the URL, and the API requests it makes:
// #network?set=xor&hidden=16,16&act=tanh&opt=adam&lr=0.03&init=xavier
// #network?lesson=depth&hidden=16,16,16,16,16,16&act=sigmoid&opt=sgd&lr=0.5
// Values left at their defaults stay out of the URL; anything unreadable takes its default. The
// data set and its parameters have the data view's names (set, n, noise, seed, classes).

import { readNumber } from "./url.js";

export const MAX_LAYERS = 6;
export const MAX_UNITS = 64;
export const MAX_COUNT = 8;
export const ACTIVATIONS = ["sigmoid", "tanh", "relu"];
export const OUTPUTS = ["auto", "sigmoid", "softmax", "identity"];
export const LOSSES = ["auto", "mse", "cross_entropy"];
export const INITS = ["zeros", "xavier", "he", "gaussian"];
export const LESSONS = ["symmetry", "depth", "saturation"];
export const DIRECTIONS = ["pca", "random"];

export const DEFAULTS = {
  ds: "moons", n: 200, noise: null, dseed: 0, classes: null,
  hidden: [16, 16], act: ["tanh", "tanh"], out: "auto", loss: "auto", l2: 0,
  opt: "adam", lr: 0.03, steps: 500, batch: 0,
  init: "xavier", std: 1, count: 1, iseed: 0, bias: null,
  lesson: null, shown: 0, dirs: "pca", tab: "landscape",
};
// What each lesson sets: its network (run A) and the one change of run B. A lesson's URL holds only
// what differs from these, so #network?lesson=depth is the whole lesson.
const LESSON_BASE = {
  ds: "moons", n: 200, noise: null, dseed: 0, classes: null, out: "auto", loss: "auto", l2: 0,
  batch: 0, std: 1, count: 1, iseed: 0, bias: null, shown: 0,
};
const six = (v) => Array.from({ length: 6 }, () => v);
export const LESSON_STATES = {
  symmetry: {
    state: { ...LESSON_BASE, hidden: [8, 8], act: ["sigmoid", "sigmoid"], opt: "adam", lr: 0.03, steps: 400, init: "zeros" },
    contrast: { init: "xavier" },
  },
  depth: {
    state: { ...LESSON_BASE, hidden: six(16), act: six("sigmoid"), opt: "sgd", lr: 0.5, steps: 400, init: "xavier" },
    contrast: { act: six("relu") },
  },
  saturation: {
    state: { ...LESSON_BASE, hidden: [8], act: ["tanh"], out: "sigmoid", loss: "mse", opt: "sgd", lr: 0.5, steps: 300, init: "xavier", bias: 6 },
    contrast: { loss: "cross_entropy" },
  },
};

// The defaults of a state: a lesson's settings, else the view's.
export function defaultsFor(lesson) {
  return lesson && LESSON_STATES[lesson] ? { ...DEFAULTS, ...LESSON_STATES[lesson].state, lesson } : DEFAULTS;
}

// The state of lesson `name`, keeping what the lesson does not set (tabs, directions).
export function lessonState(name, current) {
  return { ...current, ...structuredClone(LESSON_STATES[name].state), lesson: name };
}

export const contrastOf = (state) => ({ ...state, ...structuredClone(LESSON_STATES[state.lesson].contrast) });

const URL_NAMES = { ds: "set", dseed: "seed" }; // state field -> URL parameter, where they differ
const url = (name) => URL_NAMES[name] ?? name;

const LIMITS = {
  n: [10, 10000], noise: [0, 2], dseed: [0, 2 ** 32 - 1], classes: [2, 10], l2: [0, 100],
  lr: [1e-8, 100], steps: [1, 10000], batch: [0, 10000], std: [0, 100], count: [1, MAX_COUNT],
  iseed: [0, 2 ** 32 - 1], bias: [-50, 50], shown: [0, MAX_COUNT - 1],
};

// The hidden layer sizes "16,16" and their activations "tanh" (one for all) or "tanh,relu".
function readLayers(params, d) {
  const text = params.get("hidden");
  let hidden = text === null ? d.hidden : text === "" ? [] : text.split(",").map(Number);
  if (!hidden.every((u) => Number.isInteger(u) && u >= 1 && u <= MAX_UNITS) || hidden.length > MAX_LAYERS) {
    hidden = d.hidden;
  }
  const names = (params.get("act") ?? "").split(",").filter((a) => ACTIVATIONS.includes(a));
  const given = names.length ? names : d.act.length ? d.act : DEFAULTS.act;
  const act = hidden.map((_, i) => (given.length === 1 ? given[0] : given[i] ?? given[0]));
  return { hidden: [...hidden], act };
}

// params: URLSearchParams; datasets: the catalogue's names (a Set).
export function readState(params, datasets) {
  const lesson = LESSONS.includes(params.get("lesson")) ? params.get("lesson") : null;
  const d = defaultsFor(lesson);
  const whole = (name) => Math.round(readNumber(params, url(name), d[name], ...LIMITS[name]));
  const pick = (name, allowed) => (allowed.includes(params.get(name)) ? params.get(name) : d[name]);
  const ds = params.get("set");
  return {
    ds: datasets.has(ds) ? ds : d.ds,
    n: whole("n"),
    noise: readNumber(params, "noise", d.noise, ...LIMITS.noise),
    dseed: whole("dseed"),
    classes: params.has("classes") ? whole("classes") : d.classes,
    ...readLayers(params, d),
    out: pick("out", OUTPUTS),
    loss: pick("loss", LOSSES),
    l2: readNumber(params, "l2", d.l2, ...LIMITS.l2),
    opt: params.get("opt") || d.opt, // checked against the optimizer catalogue by the view
    lr: readNumber(params, "lr", d.lr, ...LIMITS.lr),
    steps: whole("steps"),
    batch: whole("batch"),
    init: pick("init", INITS),
    std: readNumber(params, "std", d.std, ...LIMITS.std),
    count: whole("count"),
    iseed: whole("iseed"),
    bias: params.get("bias") === "" ? null : readNumber(params, "bias", d.bias, ...LIMITS.bias),
    lesson,
    shown: whole("shown"),
    dirs: pick("dirs", DIRECTIONS),
    tab: pick("tab", ["landscape", "gradcheck"]),
  };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The URL of a state: only what differs from its defaults (a lesson's, or the view's).
export function writeState(s) {
  const d = defaultsFor(s.lesson);
  const params = new URLSearchParams();
  if (s.lesson) params.set("lesson", s.lesson);
  for (const name of ["ds", "n", "noise", "dseed", "classes", "out", "loss", "l2", "opt", "lr", "steps", "batch", "init", "count", "iseed", "shown", "dirs", "tab"]) {
    if (!same(s[name], d[name]) && s[name] !== null) params.set(url(name), String(s[name]));
  }
  if (!same(s.hidden, d.hidden) || !same(s.act, d.act)) {
    params.set("hidden", s.hidden.join(","));
    params.set("act", s.act.length && s.act.every((a) => a === s.act[0]) ? s.act[0] : s.act.join(","));
  }
  if (s.init === "gaussian" && s.std !== d.std) params.set("std", String(s.std));
  if (s.bias !== d.bias) params.set("bias", s.bias === null ? "" : String(s.bias));
  return params;
}

// ---- requests -------------------------------------------------------------------------------

// The data set of a state: the catalogue's defaults fill what the state leaves open.
export function datasetOf(s, info) {
  const data = { name: s.ds, n: s.n, seed: s.dseed };
  data.noise = s.noise ?? info?.params.find((p) => p.name === "noise")?.default ?? 0.1;
  const classes = info?.params.find((p) => p.name === "classes");
  if (classes) data.classes = s.classes ?? classes.default;
  return data;
}

export function networkOf(s) {
  const network = { hidden: [...s.hidden], activation: s.act.every((a) => a === s.act[0]) && s.act.length ? s.act[0] : [...s.act], l2: s.l2 };
  if (s.out !== "auto") network.output = s.out;
  if (s.loss !== "auto") network.loss = s.loss;
  return network;
}

export function objectiveOf(s, info) {
  const objective = { network: networkOf(s), dataset: datasetOf(s, info) };
  if (s.batch > 0 && s.batch < s.n) objective.batch = { size: s.batch, seed: 0 };
  return objective;
}

export function initOf(s) {
  const init = { kind: s.init, count: s.count, seed: s.iseed };
  if (s.init === "gaussian") init.std = s.std;
  return init;
}

// Frames to record: about 200 a run, and fewer for big networks (each frame carries every weight).
export function everyFor(steps, dim) {
  const byCount = Math.ceil(steps / 200);
  const bySize = Math.ceil((steps * dim) / 2e6);
  return Math.max(1, byCount, bySize);
}
