"""Where trajectories begin: explicit points, a Gaussian cloud, a uniform box, or a grid.

Every generator returns a Fortran-ordered `(K, P)` batch, so each coordinate column is contiguous.
Randomness is passed in as a seed; the same seed always gives the same starts. A generator spec
is a mapping with a `kind` ("gaussian", "uniform" or "grid") and that kind's fields; boxes and
means left out default to the objective's start region.
"""

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from app.engine.errors import EngineError
from app.engine.objectives.base import Box
from app.engine.types import Array

Points = Sequence[Sequence[float]]
LAYERED = ("xavier", "he")  # kinds that need an objective with layers (fan-in and fan-out)


def as_batch(points: Points | Array) -> Array:
    """Copy points into a Fortran-ordered float64 batch `(K, P)`."""
    try:
        w = np.array(points, dtype=np.float64, order="F", ndmin=2)
    except ValueError as exc:
        raise EngineError("error.starts_ragged") from exc
    if w.ndim != 2 or 0 in w.shape:
        raise EngineError("error.starts_empty")
    if not np.all(np.isfinite(w)):
        raise EngineError("error.starts_finite")
    return w


def gaussian(mean: Sequence[float], std: float, count: int, seed: int) -> Array:
    """`count` starts drawn from N(mean, std² I): the initialisation the course recommends."""
    if std < 0:
        raise EngineError("error.init_std")
    rng = np.random.default_rng(seed)
    mu = np.asarray(mean, dtype=np.float64)
    return as_batch(mu + std * rng.standard_normal((count, mu.size)))


def uniform(low: Sequence[float], high: Sequence[float], count: int, seed: int) -> Array:
    """`count` starts drawn uniformly from the box [low, high]."""
    lo, hi = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    if lo.shape != hi.shape or np.any(hi < lo):
        raise EngineError("error.init_box")
    rng = np.random.default_rng(seed)
    return as_batch(lo + (hi - lo) * rng.random((count, lo.size)))


def grid(low: Sequence[float], high: Sequence[float], shape: Sequence[int]) -> Array:
    """Starts on a regular grid over the box [low, high], the first coordinate varying fastest."""
    if not len(low) == len(high) == len(shape):
        raise EngineError("error.init_grid_lengths")
    axes = [np.linspace(lo, hi, n) for lo, hi, n in zip(low, high, shape, strict=True)]
    mesh = np.meshgrid(*axes[::-1], indexing="ij")  # C order: the last of these varies fastest
    return as_batch(np.stack([m.ravel() for m in mesh[::-1]], axis=1))


def count(points: Points | None, init: Mapping[str, Any] | None, dim: int) -> int:
    """How many starts a request asks for, known before any are made (P = dim)."""
    if init is None:
        return len(points or [])
    if init["kind"] == "grid":
        return math.prod(init.get("shape") or [16] * dim)
    return int(init.get("count", 8))


def check_count(k: int, limit: int) -> None:
    """Refuse more starts than the limit, before making any."""
    if k > limit:
        raise EngineError("error.starts_cap", count=f"{k:,}", limit=f"{limit:,}")


def make(
    points: Points | None,
    init: Mapping[str, Any] | None,
    region: Box,
    own: Callable[[Mapping[str, Any]], Array | None] | None = None,
) -> Array:
    """The start batch asked for: explicit points or generated ones (defaults: `region`).

    `own` is the objective's `initialize`: when it makes starts for the spec, those are used
    (a network's Xavier or He). Every point must have len(region[0]) coordinates; the caller
    has already bounded the count. `zeros` puts every start at the origin, as the notes warn.
    """
    if init is not None and own is not None:
        made = own(init)
        if made is not None:
            return as_batch(made)
    low, high = list(region[0]), list(region[1])
    dim = len(low)
    if init is not None and init["kind"] in LAYERED:
        raise EngineError("error.init_needs_layers", kind=init["kind"])
    if init is not None and init["kind"] == "zeros":
        return as_batch(np.zeros((int(init.get("count", 1)), dim)))
    for field, value in _coordinate_fields(points, init):
        if len(value) != dim:
            raise EngineError("error.coordinates", field=field, dim=dim, got=len(value))
    if init is None:
        if points is None:
            raise EngineError("error.one_source")
        return as_batch(points)
    kind = init["kind"]
    if kind == "gaussian":
        centre = [(a + b) / 2 for a, b in zip(low, high, strict=True)]
        mean = init.get("mean") or centre
        return gaussian(mean, init.get("std", 1.0), init.get("count", 8), init.get("seed", 0))
    lo, hi = init.get("low") or low, init.get("high") or high
    if kind == "uniform":
        return uniform(lo, hi, init.get("count", 8), init.get("seed", 0))
    return grid(lo, hi, init.get("shape") or [16] * dim)


def _coordinate_fields(
    points: Points | None, init: Mapping[str, Any] | None
) -> Iterator[tuple[str, Sequence[float] | Sequence[int]]]:
    """Each given list that must hold one entry per coordinate, with its field name."""
    for i, point in enumerate(points or []):
        yield f"starts[{i}]", point
    if init is None:
        return
    for field in ("mean", "low", "high", "shape"):
        value = init.get(field)
        if value is not None:
            yield f"init.{field}", value
