"""Loss surfaces: an objective's loss over a grid of two parameters, the others held fixed.

`landscape(objective, (i, j), point, xs, ys)` returns z with z[a, b] = loss(w), where w is
`point` with w[i] = xs[b] and w[j] = ys[a] (rows follow y, columns follow x, as a heat map).

Any objective goes through its batched `loss`, a block of grid rows per call. Two models know
more about their shape and take shortcuts that give the same values:

- Linear regression's loss is a quadratic form in the parameters, built from the sufficient
  statistics [X 1]^T [X 1], [X 1]^T y and y^T y. Written around its minimum t*,
  F(t) = F* + 1/2 (t - t*)^T H (t - t*), so nothing cancels, and the grid costs O(R^2) with
  no pass over the data at all.
- Logistic regression's scores move in a plane: with only w[i] and w[j] varying,
  s_n = u_n + x c_in + y c_jn, where c is feature column i (or ones for the bias). Folding
  the label into the sign, each sample's loss is softplus(t_n) with t_n = +-s_n, so
  log(1 + e^t) = log1p(e^{u + y c_j} e^{x c_i}): two small tables of exponentials, then one
  product and one log1p per (grid point, sample), in cache-sized tiles on a few threads.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from app.engine.objectives.base import Objective
from app.engine.objectives.losses import softplus
from app.engine.objectives.models import LinearRegression, LogisticRegression
from app.engine.types import Array

GRID_BUDGET = 1 << 20  # grid points x cost per `loss` call on the generic path
TILE = 1 << 16  # (grid point, sample) pairs per tile on the logistic path: 512 kB
EXP_LIMIT = 350.0  # |exponent| bound for the product form: e^350 * e^350 < max float64


def landscape(
    objective: Objective,
    params: tuple[int, int],
    point: Array,
    xs: Array,
    ys: Array,
    workers: int | None = None,
) -> Array:
    """The loss over the grid xs x ys of parameters (i, j), the rest at `point`: (R_y, R_x).

    point: (P,); xs: (R_x,) values of parameter i; ys: (R_y,) values of parameter j.
    `workers` threads share the logistic shortcut (default: the CPU count, at most 4).
    """
    point, xs, ys = (np.asarray(v, dtype=np.float64) for v in (point, xs, ys))
    i, j = _checked(objective, params, point, xs, ys)
    if isinstance(objective, LinearRegression):
        best = (objective.hessian, objective.solution, objective.minimum)
        return quadratic_slice(*best, (i, j), point, xs, ys)
    if isinstance(objective, LogisticRegression):
        n_workers = workers if workers is not None else min(4, os.cpu_count() or 1)
        return logistic_slice(objective, (i, j), point, xs, ys, n_workers)
    return generic_slice(objective, (i, j), point, xs, ys)


def work(objective: Objective, rx: int, ry: int) -> float:
    """The work of an rx x ry landscape, in evaluations of a built-in 2-D surface.

    Linear regression's closed form costs one unit per grid point; every other objective
    evaluates its loss at each point, `objective.cost` units each (the logistic shortcut does
    the same O(N) per point, only faster), or its `loss_cost` when it says what the loss alone
    costs (a network's forward pass is a third of its loss and gradient).
    """
    loss_cost = getattr(objective, "loss_cost", objective.cost)
    per_point = 1.0 if isinstance(objective, LinearRegression) else max(1.0, loss_cost)
    return float(rx) * float(ry) * per_point


def _checked(
    objective: Objective, params: tuple[int, int], point: Array, xs: Array, ys: Array
) -> tuple[int, int]:
    """(i, j) after checking indices, shapes and finiteness; else ValueError."""
    i, j = params
    p = objective.dim
    if not (0 <= i < p and 0 <= j < p) or i == j:
        raise ValueError(f"choose two different parameters from 0 to {p - 1}")
    if np.shape(point) != (p,) or not np.all(np.isfinite(point)):
        raise ValueError(f"the point must be {p} finite coordinates")
    for name, axis in (("xs", xs), ("ys", ys)):
        if axis.ndim != 1 or axis.size < 1 or not np.all(np.isfinite(axis)):
            raise ValueError(f"{name} must be a non-empty list of finite numbers")
    return i, j


def grid_points(params: tuple[int, int], point: Array, xs: Array, ys: Array) -> Array:
    """The parameter vectors of the grid, row-major (y outer, x inner): (R_y R_x, P)."""
    i, j = params
    w = np.repeat(np.asarray(point, dtype=np.float64)[None, :], ys.size * xs.size, axis=0)
    w[:, i] = np.tile(xs, ys.size)
    w[:, j] = np.repeat(ys, xs.size)
    return w


def generic_slice(
    objective: Objective, params: tuple[int, int], point: Array, xs: Array, ys: Array
) -> Array:
    """Any objective: `loss` on blocks of grid rows, each about GRID_BUDGET / cost points."""
    rows = max(1, int(GRID_BUDGET // (xs.size * max(1.0, objective.cost))))
    z = np.empty((ys.size, xs.size))
    for lo in range(0, ys.size, rows):
        hi = min(lo + rows, ys.size)
        z[lo:hi] = objective.loss(grid_points(params, point, xs, ys[lo:hi])).reshape(hi - lo, -1)
    return z


def quadratic_slice(
    hessian: Array,
    minimiser: Array,
    minimum: float,
    params: tuple[int, int],
    point: Array,
    xs: Array,
    ys: Array,
) -> Array:
    """F(t) = F* + 1/2 (t - t*)^T H (t - t*) on the grid, in O(R^2 + P^2).

    With u = point - t* (entries i, j zeroed), dx = xs - t*_i, dy = ys - t*_j:
    F = F* + u^T H u / 2 + (H u)_i dx + (H u)_j dy + H_ii dx^2 / 2 + H_ij dx dy + H_jj dy^2 / 2.
    """
    i, j = params
    u = point - minimiser
    u[[i, j]] = 0.0
    hu = hessian @ u
    dx, dy = xs - minimiser[i], ys - minimiser[j]
    along_x = minimum + 0.5 * (u @ hu) + hu[i] * dx + 0.5 * hessian[i, i] * dx * dx
    along_y = hu[j] * dy + 0.5 * hessian[j, j] * dy * dy
    z: Array = np.add.outer(along_y, along_x) + np.multiply.outer(hessian[i, j] * dy, dx)
    return z


def _column(X: Array, k: int) -> Array:
    """Feature column k of X, or ones for the bias (k = D)."""
    return X[:, k] if k < X.shape[1] else np.ones(X.shape[0])


def logistic_slice(
    model: LogisticRegression,
    params: tuple[int, int],
    point: Array,
    xs: Array,
    ys: Array,
    workers: int = 1,
) -> Array:
    """Mean over samples of softplus(u + x c_i + y c_j) on the grid, plus the l2 term."""
    i, j = params
    X = model.data.X
    sign = 1.0 - 2.0 * model.data.targets()  # loss_n = softplus(sign_n s_n)
    ci, cj = sign * _column(X, i), sign * _column(X, j)
    s = X @ point[: X.shape[1]] + point[-1]
    u = sign * s - point[i] * ci - point[j] * cj
    tx = np.multiply.outer(xs, ci)  # (R_x, N)
    ty = u + np.multiply.outer(ys, cj)  # (R_y, N)
    if max(np.abs(tx).max(), np.abs(ty).max()) <= EXP_LIMIT:
        ex, ey = np.exp(tx), np.exp(ty)
        kernel = _product_kernel(ex, ey)
    else:  # huge scores: the stable form, one softplus per pair
        kernel = _sum_kernel(tx, ty)
    z: Array = _run_tiles(kernel, ys.size, xs.size, X.shape[0], workers) / X.shape[0]
    return z + _l2_slice(model, params, point, xs, ys)


Kernel = Callable[[int, slice, Array, Array], None]  # (row a, columns, out, scratch tile)


def _product_kernel(ex: Array, ey: Array) -> Kernel:
    """Row a, columns `cols`: sum_n log1p(ey[a, n] ex[b, n]) into `out`."""

    def run(a: int, cols: slice, out: Array, scratch: Array) -> None:
        tile = scratch[: out.size]
        np.multiply(ey[a], ex[cols], out=tile)
        np.log1p(tile, out=tile)
        np.einsum("bn->b", tile, out=out)  # row sums; about twice as fast as np.sum here

    return run


def _sum_kernel(tx: Array, ty: Array) -> Kernel:
    """Row a, columns `cols`: sum_n softplus(ty[a, n] + tx[b, n]) into `out`."""

    def run(a: int, cols: slice, out: Array, scratch: Array) -> None:
        tile = scratch[: out.size]
        np.add(ty[a], tx[cols], out=tile)
        np.sum(softplus(tile), axis=1, out=out)

    return run


def _run_tiles(kernel: Kernel, rows: int, cols: int, n: int, workers: int) -> Array:
    """z (rows, cols) filled tile by tile; contiguous bands of rows go to `workers` threads."""
    z = np.empty((rows, cols))
    width = max(1, min(cols, TILE // max(1, n)))

    def band(lo: int, hi: int) -> None:
        scratch = np.empty((width, n))  # one tile per thread, reused
        for a in range(lo, hi):
            for b in range(0, cols, width):
                kernel(a, slice(b, b + width), z[a, b : b + width], scratch)

    if workers <= 1 or rows < 2:
        band(0, rows)
        return z
    step = -(-rows // workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = [pool.submit(band, lo, min(lo + step, rows)) for lo in range(0, rows, step)]
        for future in done:
            future.result()  # re-raises a worker's exception here
    return z


def _l2_slice(
    model: LogisticRegression, params: tuple[int, int], point: Array, xs: Array, ys: Array
) -> Array:
    """l2 |w|^2 on the grid: the held weights' part plus x^2, y^2 where i, j are weights."""
    if model.l2 == 0:
        return np.zeros((ys.size, xs.size))
    i, j = params
    weights = point[: model.n_weights].copy()
    along_x = xs * xs if i < model.n_weights else np.zeros(xs.size)
    along_y = ys * ys if j < model.n_weights else np.zeros(ys.size)
    weights[[k for k in (i, j) if k < model.n_weights]] = 0.0
    out: Array = model.l2 * (np.add.outer(along_y, along_x) + weights @ weights)
    return out
