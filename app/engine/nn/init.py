"""Weight initializations as starts: `count` parameter rows for a layered objective.

Each parameter belongs to a layer with fan_in inputs and fan_out units (torch's
`_calculate_fan_in_and_fan_out` of that layer's weight). The kinds, as in `torch.nn.init`:

    zeros     every parameter 0 (the symmetry between hidden units never breaks)
    xavier    W ~ U(-a, a), a = √(6 / (fan_in + fan_out))   (Glorot uniform); b = 0
    he        W ~ N(0, 2 / fan_in)                           (Kaiming normal, fan_in mode); b = 0
    gaussian  W ~ N(0, std²); b = 0
    uniform   every parameter, biases too, ~ U(low, high)

Rows are drawn at once from `np.random.default_rng(seed)`, so a request gives the same starts
on any worker.
"""

import math
from typing import Protocol

import numpy as np

from app.engine.nn.messages import NetworkError
from app.engine.types import Array, BoolArray

INIT_KINDS = ("zeros", "xavier", "he", "gaussian", "uniform")
INIT_EQUATIONS: dict[str, str] = {
    "zeros": "W = 0, b = 0",
    "xavier": "W ~ U(−a, a), a = √(6 / (fan_in + fan_out)); b = 0",
    "he": "W ~ N(0, 2 / fan_in); b = 0",
    "gaussian": "W ~ N(0, std²); b = 0",
    "uniform": "W, b ~ U(low, high)",
}


class Layered(Protocol):
    """What an initialization needs to know about an objective's parameters."""

    @property
    def dim(self) -> int: ...

    @property
    def fan_in(self) -> Array: ...

    @property
    def fan_out(self) -> Array: ...

    @property
    def is_bias(self) -> BoolArray: ...


def init_starts(
    objective: Layered,
    kind: str,
    count: int,
    seed: int,
    std: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Array:
    """`count` initial parameter rows of the kind `kind`: (count, P), C-ordered."""
    if kind not in INIT_KINDS:
        raise NetworkError("network.init_unknown", name=kind, choices=", ".join(INIT_KINDS))
    if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 1:
        raise NetworkError("network.init_count", count=count)
    shape = (int(count), objective.dim)
    rng = np.random.default_rng(seed)
    weights = ~objective.is_bias
    if kind == "zeros":
        return np.zeros(shape)
    if kind == "xavier":
        bound = np.sqrt(6.0 / (objective.fan_in + objective.fan_out))
        return np.where(weights, rng.uniform(-1.0, 1.0, shape) * bound, 0.0)
    if kind == "he":
        return np.where(weights, rng.standard_normal(shape) * np.sqrt(2.0 / objective.fan_in), 0.0)
    if kind == "gaussian":
        if std is None or not (math.isfinite(std) and std >= 0):
            raise NetworkError("network.init_std", std=std)
        return np.where(weights, rng.standard_normal(shape) * std, 0.0)
    if (
        low is None
        or high is None
        or not (math.isfinite(low) and math.isfinite(high))
        or low > high
    ):
        raise NetworkError("network.init_range", low=low, high=high)
    return rng.uniform(low, high, shape)
