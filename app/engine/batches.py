"""Mini-batches as a pure function of (n, size, seed, step), so any step replays on any worker.

An epoch is one pass over a fresh permutation of the N samples: with m = ceil(N / B) batches
per epoch, step t (1-based) is batch (t - 1) mod m of epoch (t - 1) div m, i.e. the positions
[i B, min((i + 1) B, N)) of that epoch's permutation. The last batch of an epoch is smaller when
B does not divide N. Epoch e's permutation comes from `np.random.default_rng([seed, e])`, so it
depends on nothing but the seed and the epoch number.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from app.engine.types import IntArray

MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class BatchSpec:
    """B samples per step, shuffled from `seed`: the request's `{"size": B, "seed": s}`."""

    size: int
    seed: int = 0

    def __post_init__(self) -> None:
        """Refuse sizes below 1 and seeds outside [0, 2^63)."""
        if not _whole(self.size) or self.size < 1:
            raise ValueError("batch.size must be a whole number of at least 1")
        if not _whole(self.seed) or not 0 <= self.seed <= MAX_SEED:
            raise ValueError("batch.seed must be a whole number from 0 to 2^63 - 1")

    @classmethod
    def from_mapping(cls, data: Mapping[str, int]) -> "BatchSpec":
        """The spec of `{"size": B, "seed": s}` (seed 0 when left out)."""
        return cls(int(data["size"]), int(data.get("seed", 0)))


def _whole(value: object) -> bool:
    """True for Python and NumPy integers (bool excluded)."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def batches_per_epoch(n: int, size: int) -> int:
    """m = ceil(N / B)."""
    return -(-n // size)


def epoch_of(n: int, size: int, step: int) -> tuple[int, int]:
    """(epoch, batch position within the epoch) of the 1-based `step`."""
    if step < 1:
        raise ValueError(f"mini-batch steps count from 1, got {step}")
    return divmod(step - 1, batches_per_epoch(n, size))


def permutation(n: int, seed: int, epoch: int) -> IntArray:
    """The order in which epoch `epoch` visits the N samples."""
    order: IntArray = np.random.default_rng([seed, epoch]).permutation(n)
    return order


def batch_indices(n: int, size: int, seed: int, step: int) -> IntArray:
    """The sample indices of the batch used at the 1-based `step` (no state, no cache)."""
    epoch, i = epoch_of(n, size, step)
    return permutation(n, seed, epoch)[i * size : (i + 1) * size]


class Batches:
    """`batch_indices` for one data set, caching only the current epoch's permutation.

    The cache is one (epoch, permutation) tuple, replaced whole, so a stale read is at worst a
    recomputation; the indices never depend on which steps were asked for before.
    """

    def __init__(self, n: int, spec: BatchSpec) -> None:
        """Batches of min(B, N) samples drawn from N."""
        if n < 1:
            raise ValueError("a data set needs at least one sample")
        self.n, self.size, self.seed = n, min(spec.size, n), spec.seed
        self._cache: tuple[int, IntArray] | None = None

    @property
    def per_epoch(self) -> int:
        """m = ceil(N / B) batches per epoch."""
        return batches_per_epoch(self.n, self.size)

    def indices(self, step: int) -> IntArray:
        """The sample indices at the 1-based `step`, equal to `batch_indices(n, B, seed, step)`."""
        epoch, i = epoch_of(self.n, self.size, step)
        cached = self._cache
        if cached is None or cached[0] != epoch:
            order = permutation(self.n, self.seed, epoch)
            order.flags.writeable = False  # callers get views of it
            cached = (epoch, order)
            self._cache = cached
        return cached[1][i * self.size : (i + 1) * self.size]
