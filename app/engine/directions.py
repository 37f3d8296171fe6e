"""Two directions through parameter space, and the loss on the plane they span around a point.

A network has too many parameters to plot its loss over two of them in any meaningful way.
Li et al. (2018), "Visualizing the Loss Landscape of Neural Nets", plot it instead along two
directions d1, d2 through the point θ: z(α, β) = L(θ + α d1 + β d2). Two choices of directions:

- filter-normalized random directions: each entry drawn from N(0, 1), then every filter (one
  unit's incoming weights, a row of W^l) rescaled to the norm of the same filter in θ,
  d_f ← d_f |θ_f| / |d_f|; entries outside every filter (the biases) are 0. The scale
  invariance of a layer then cannot make one network look sharper than another: α = 1 moves
  each filter by its own size.
- the first two principal components of a training path θ_0 .. θ_T around θ: the top two right
  singular vectors of the matrix of rows θ_t − θ (unit length and orthogonal). The path itself
  lies close to this plane, and its coordinates there, (θ_t − θ) · d_k, are where it went.

The grid is evaluated as one batch of rows θ + α d1 + β d2 (K = grid points), in blocks that
bound the memory a block of rows takes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.engine.errors import EngineError
from app.engine.objectives.base import Objective
from app.engine.types import Array, IntArray

ROW_VALUES = 1 << 22  # parameter values held per block of grid rows (32 MB)
Filters = Sequence[tuple[int, int]]  # (start, stop) of each filter in a parameter row


@dataclass(frozen=True)
class Plane:
    """Directions `basis: (2, P)`, and for a PCA plane the path's coordinates in it."""

    basis: Array
    kind: str  # "filter_normalized" or "pca"
    path: Array | None = None  # (T, 2): (θ_t − θ) · d_k
    explained: Array | None = None  # (2,): the share of the path's variance along each


def filter_ids(filters: Filters, dim: int) -> IntArray:
    """The filter of each parameter, -1 for parameters in none: (P,)."""
    ids = np.full(dim, -1, dtype=np.int64)
    for f, (start, stop) in enumerate(filters):
        if not 0 <= start < stop <= dim:
            raise ValueError(f"filter {f} = ({start}, {stop}) is not a range of 0 .. {dim}")
        ids[start:stop] = f
    return ids


def filter_norms(values: Array, ids: IntArray, count: int) -> Array:
    """|v_f| for each filter f of each row of `values: (K, P)`: (K, count)."""
    inside = ids >= 0
    squares = values[:, inside] ** 2
    rows = values.shape[0]
    flat = (np.arange(rows)[:, None] * count + ids[inside][None, :]).ravel()
    sums = np.bincount(flat, weights=squares.ravel(), minlength=rows * count)
    out: Array = np.sqrt(sums.reshape(rows, count))
    return out


def filter_normalized(point: Array, filters: Filters, seed: int, count: int = 2) -> Array:
    """`count` random directions around `point: (P,)`, filter-normalized: (count, P).

    Every entry is drawn from N(0, 1) (biases too, then zeroed, so the draw of a weight does
    not depend on the layout), from `np.random.default_rng(seed)`. A filter that is 0 in the
    point (a zero initialization) stays 0 in every direction.
    """
    theta = np.asarray(point, dtype=np.float64)
    ids = filter_ids(filters, theta.size)
    rng = np.random.default_rng(seed)
    d = rng.standard_normal((count, theta.size))
    d[:, ids < 0] = 0.0
    target = filter_norms(theta[None, :], ids, len(filters))[0]  # (F,)
    drawn = filter_norms(d, ids, len(filters))  # (count, F)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(drawn > 0, target / drawn, 0.0)
    inside = ids >= 0
    d[:, inside] *= scale[:, ids[inside]]
    return d


def pca_plane(path: Array, point: Array) -> Plane:
    """The plane of the first two principal components of `path: (T, P)` around `point: (P,)`.

    The directions are the top two right singular vectors of M = path − point, each signed so
    that its largest entry in magnitude is positive (so the same path gives the same plane on
    any machine); `explained` is σ_k² / Σ σ². EngineError when the path never leaves the point.
    """
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[0] < 2:
        raise ValueError("a path needs at least two points")
    m = path - np.asarray(point, dtype=np.float64)[None, :]
    if not np.any(m):
        raise EngineError("landscape.path_still")
    _, sigma, vt = np.linalg.svd(m, full_matrices=False)
    basis = vt[:2].copy()
    if basis.shape[0] < 2:  # a single coordinate: no plane
        raise EngineError("landscape.path_dim")
    largest = basis[np.arange(2), np.abs(basis).argmax(axis=1)]
    basis *= np.where(largest < 0, -1.0, 1.0)[:, None]
    total = float(np.sum(sigma**2))
    explained = sigma[:2] ** 2 / total
    return Plane(basis, "pca", m @ basis.T, explained)


def plane_slice(objective: Objective, point: Array, basis: Array, xs: Array, ys: Array) -> Array:
    """z[i, j] = loss(point + xs[j] d1 + ys[i] d2): (R_y, R_x), a block of grid rows per call."""
    point = np.asarray(point, dtype=np.float64)
    rows = max(1, ROW_VALUES // max(1, point.size))  # grid points per block
    z = np.empty(ys.size * xs.size)
    alpha, beta = np.tile(xs, ys.size), np.repeat(ys, xs.size)
    for lo in range(0, z.size, rows):
        hi = min(lo + rows, z.size)
        w = point[None, :] + alpha[lo:hi, None] * basis[0] + beta[lo:hi, None] * basis[1]
        z[lo:hi] = objective.loss(w)
    return z.reshape(ys.size, xs.size)
