// The forward pass z^l = W^l a^(l-1) + b^l, a^l = σ(z^l) in the page, for the fitted curve of a
// regression set (1 feature): 200 inputs through a small network, cheaper than a request per frame.

import { layout } from "./network-svg.js";

const ACTIVATIONS = {
  sigmoid: (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))),
  tanh: Math.tanh,
  relu: (z) => (z > 0 ? z : 0),
  identity: (z) => z,
};

// The first output a^L_0 at each input x (one feature). sizes: (n_0, ..., n_L).
export function forward(point, sizes, hidden, output, xs) {
  const layers = layout(sizes);
  return xs.map((x) => {
    let a = [x];
    layers.forEach((layer, n) => {
      const f = ACTIVATIONS[n < layers.length - 1 ? hidden[n] : output] ?? ACTIVATIONS.identity;
      const next = new Array(layer.rows);
      for (let i = 0; i < layer.rows; i += 1) {
        let z = point[layer.b + i];
        for (let j = 0; j < layer.cols; j += 1) z += point[layer.w + i * layer.cols + j] * a[j];
        next[i] = f(z);
      }
      a = next;
    });
    return Number.isFinite(a[0]) ? a[0] : null;
  });
}

// 200 inputs over the data's range with a 10% margin on each side.
export function inputsFor(X) {
  const values = X.map((p) => p[0]);
  const lo = Math.min(...values), hi = Math.max(...values);
  const pad = 0.1 * (hi - lo || 1);
  return Array.from({ length: 200 }, (_, i) => lo - pad + ((hi - lo + 2 * pad) * i) / 199);
}
