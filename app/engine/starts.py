"""Where trajectories begin: explicit points, a Gaussian cloud, a uniform box, or a grid.

Every generator returns a Fortran-ordered `(K, P)` batch, so each coordinate column is contiguous.
Randomness is passed in as a seed; the same seed always gives the same starts.
"""

from collections.abc import Sequence

import numpy as np

from app.engine.types import Array


def as_batch(points: Sequence[Sequence[float]] | Array) -> Array:
    """Copy points into a Fortran-ordered float64 batch `(K, P)`."""
    try:
        w = np.array(points, dtype=np.float64, order="F", ndmin=2)
    except ValueError as exc:
        raise ValueError("starts must be points of equal length, e.g. [[x, y], ...]") from exc
    if w.ndim != 2 or 0 in w.shape:
        raise ValueError("starts must be a non-empty list of points, e.g. [[x, y], ...]")
    if not np.all(np.isfinite(w)):
        raise ValueError("starts must be finite numbers")
    return w


def gaussian(mean: Sequence[float], std: float, count: int, seed: int) -> Array:
    """`count` starts drawn from N(mean, std² I): the initialisation the course recommends."""
    if std < 0:
        raise ValueError("init.std must be >= 0")
    rng = np.random.default_rng(seed)
    mu = np.asarray(mean, dtype=np.float64)
    return as_batch(mu + std * rng.standard_normal((count, mu.size)))


def uniform(low: Sequence[float], high: Sequence[float], count: int, seed: int) -> Array:
    """`count` starts drawn uniformly from the box [low, high]."""
    lo, hi = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    if lo.shape != hi.shape or np.any(hi < lo):
        raise ValueError("init.low and init.high must have the same length with low <= high")
    rng = np.random.default_rng(seed)
    return as_batch(lo + (hi - lo) * rng.random((count, lo.size)))


def grid(low: Sequence[float], high: Sequence[float], shape: Sequence[int]) -> Array:
    """Starts on a regular grid over the box [low, high], the first coordinate varying fastest."""
    if not len(low) == len(high) == len(shape):
        raise ValueError("init.low, init.high and init.shape must have the same length")
    axes = [np.linspace(lo, hi, n) for lo, hi, n in zip(low, high, shape, strict=True)]
    mesh = np.meshgrid(*axes[::-1], indexing="ij")  # C order: the last of these varies fastest
    return as_batch(np.stack([m.ravel() for m in mesh[::-1]], axis=1))
