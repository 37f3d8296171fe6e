// The four linear models of the notes, as the page needs them: which fit a data set, where
// their weights sit in a parameter vector (by the names /objectives/describe gives), and their
// predictions on the samples, computed here so the fit can follow every frame.

export const MODELS = ["linear", "logistic", "svm", "softmax"];

// Whether `model` can learn `sample` ({ kind, classes }), as the server decides it.
export function fits(model, sample) {
  if (sample.kind === "regression") return model === "linear";
  if (model === "linear") return false;
  return model !== "logistic" || sample.classes === 2;
}

export function defaultModel(sample) {
  if (sample.kind === "regression") return "linear";
  return sample.classes === 2 ? "logistic" : "softmax";
}

// A model's parameters as rows: W (C x D) and b (C), from names w[j], b or W[k,j], b[k].
export function unpack(names, point) {
  const rows = new Map(); const bias = new Map();
  names.forEach((name, i) => {
    let m = /^w\[(\d+)\]$/.exec(name);
    if (m) { row(rows, 0)[Number(m[1])] = point[i]; return; }
    m = /^W\[(\d+),(\d+)\]$/.exec(name);
    if (m) { row(rows, Number(m[1]))[Number(m[2])] = point[i]; return; }
    m = /^b(?:\[(\d+)\])?$/.exec(name);
    if (m) bias.set(Number(m[1] ?? 0), point[i]);
  });
  const C = Math.max(rows.size, bias.size);
  return {
    W: Array.from({ length: C }, (_, k) => rows.get(k) ?? []),
    b: Array.from({ length: C }, (_, k) => bias.get(k) ?? 0),
  };
}

function row(rows, k) {
  if (!rows.has(k)) rows.set(k, []);
  return rows.get(k);
}

// The scores W x + b of one sample.
export function scores({ W, b }, x) {
  return W.map((w, k) => w.reduce((s, v, j) => s + v * x[j], b[k]));
}

// The class a classifier gives x: the sign for logistic regression, else the largest score.
export function predictClass(model, params, x) {
  const s = scores(params, x);
  if (model === "logistic") return s[0] > 0 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < s.length; k += 1) if (s[k] > s[best]) best = k;
  return best;
}

// The share of samples classified right.
export function accuracy(model, params, X, y) {
  let right = 0;
  X.forEach((x, i) => { if (predictClass(model, params, x) === y[i]) right += 1; });
  return X.length ? right / X.length : 0;
}

// The first weight and the bias: the two parameters a loss surface shows by default.
export function defaultAxes(names) {
  const weight = names.find((n) => /^[wW]\[/.test(n)) ?? names[0];
  const bias = names.find((n) => /^b(\[|$)/.test(n)) ?? names.find((n) => n !== weight);
  return [weight, bias];
}

// The box a plot of the data shows: the samples' extent and 10% more on each side.
export function boxOf(X, dims = [0, 1]) {
  return dims.map((d) => {
    let lo = Infinity, hi = -Infinity;
    for (const x of X) { if (x[d] < lo) lo = x[d]; if (x[d] > hi) hi = x[d]; }
    const pad = 0.1 * (hi - lo || 1);
    return [lo - pad, hi + pad];
  });
}
