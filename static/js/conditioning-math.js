// The arithmetic of the conditioning view: errors along eigen-directions, convergence rates
// measured from a run and predicted by theory. Pure functions on plain arrays.

// Error of each record along each eigen-direction: E[t][i] = v_i · (w_t − c).
// points: (n, P) rows; vectors: (P, P), row i the unit eigenvector of eigenvalue i.
export function eigenErrors(points, vectors, center) {
  return points.map((w) => vectors.map((v) => v.reduce((sum, vp, p) => sum + vp * (w[p] - center[p]), 0)));
}

export const norm = (e) => Math.hypot(...e);

// The error's rate of decay per step over the last part of a run: the geometric mean of the
// ratios of successive error norms, (|e_b| / |e_a|)^(1 / (b − a)), over its last third,
// ignoring records whose error is already at rounding level. NaN when too short to say.
export function measuredRate(steps, errorNorms) {
  const first = errorNorms[0];
  let end = errorNorms.length - 1;
  while (end > 0 && !(errorNorms[end] > 1e-12 * first)) end -= 1;
  const start = Math.floor((2 * end) / 3);
  const span = steps[end] - steps[start];
  if (end < 3 || span <= 0 || !(errorNorms[start] > 0)) return NaN;
  return (errorNorms[end] / errorNorms[start]) ** (1 / span);
}

// Plain gradient descent multiplies the error along direction i by (1 − lr λ_i) per step.
export function gdRate(lr, eigenvalues) {
  return Math.max(...eigenvalues.map((l) => Math.abs(1 - lr * l)));
}

// Heavy-ball momentum (torch's SGD with momentum β is Polyak's method with step lr): along
// direction i the error follows e' = (1 + β − lr λ_i) e − β e_prev, whose rate is the larger
// root of z² − (1 + β − lr λ_i) z + β = 0 in absolute value.
export function heavyBallRate(lr, beta, eigenvalues) {
  return Math.max(...eigenvalues.map((l) => {
    const b = 1 + beta - lr * l;
    const disc = b * b - 4 * beta;
    if (disc < 0) return Math.sqrt(beta);
    const root = Math.sqrt(disc);
    return Math.max(Math.abs((b + root) / 2), Math.abs((b - root) / 2));
  }));
}

// log10 |e| for a heatmap, floored where the error is at rounding level.
export const FLOOR = -16;
export const logAbs = (value) => Math.max(FLOOR, Math.log10(Math.abs(value)));

// The start: an error of `size` along every eigen-direction, w0 = c + size · Σ_i v_i.
export function evenStart(vectors, center, size) {
  return center.map((c, p) => c + size * vectors.reduce((sum, v) => sum + v[p], 0));
}
