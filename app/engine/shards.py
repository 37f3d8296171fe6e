"""The runner's rows: shards of rows stepped together, and the row-wise tests on them.

Every function here acts row by row, so a trajectory's numbers never depend on which rows
share its shard.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.engine.optimizers import Hyper, State
from app.engine.types import Array, BoolArray, IntArray


@dataclass
class Shard:
    """Rows stepped together with one `hp`. Private to one run (`runner.Descent`).

    index: (n,) trajectory ids; w: (n, P), Fortran order; state: the rule's buffers, (n, P).
    Stopped rows stay until compaction: `live` (n,) marks the others, `dead` (d,) lists their
    positions and `park` (d, P) the finite points they are held at.
    """

    index: IntArray
    w: Array
    state: State
    hp: Hyper
    live: BoolArray
    dead: IntArray
    park: Array


def group_rows(hp: Hyper | Sequence[Hyper], k: int) -> list[tuple[Hyper, IntArray]]:
    """The distinct hyperparameters, in order of first use, each with its rows (ascending)."""
    if not isinstance(hp, Sequence):
        return [(hp, np.arange(k, dtype=np.int64))]
    if len(hp) != k:
        raise ValueError(f"give one set of hyperparameters per start: {len(hp)} for {k} starts")
    by_id: dict[int, list[int]] = {}
    for i, h in enumerate(hp):  # per_row shares equal objects, so ids group cheaply
        by_id.setdefault(id(h), []).append(i)
    rows: dict[Hyper, list[int]] = {}
    for ids in by_id.values():
        rows.setdefault(hp[ids[0]], []).extend(ids)
    return [(h, np.sort(np.array(ids, dtype=np.int64))) for h, ids in rows.items()]


def compact(shard: Shard) -> None:
    """Drop the dead rows of a shard: one copy of each array, kept in Fortran order."""
    keep = np.flatnonzero(shard.live)
    shard.index = shard.index[keep]
    shard.w = take_rows(shard.w, keep)
    shard.state = {name: take_rows(v, keep) for name, v in shard.state.items()}
    shard.live = np.ones(len(keep), dtype=np.bool_)
    shard.dead = shard.dead[:0]
    shard.park = shard.park[:0]


def take_rows(a: Array, rows: IntArray) -> Array:
    """a[rows] for a Fortran-ordered (n, P) array, in Fortran order.

    Taking columns of the C-ordered transpose is several times faster than `a[rows]`.
    """
    out: Array = a.T.take(rows, axis=1).T
    return out


def row_sq_norm(g: Array) -> Array:
    """Squared Euclidean norm of each row: (K, P) -> (K,).

    Few parameters: column by column, each contiguous in the runner's Fortran order; many
    (a network's hundreds): one einsum, not hundreds of calls.
    """
    if g.shape[1] > 8:
        wide: Array = np.einsum("kp,kp->k", g, g)
        return wide
    out = np.square(g[:, 0])
    for j in range(1, g.shape[1]):
        out += np.square(g[:, j])
    return out


def rows_below(gn2: Array, limit: float) -> BoolArray | None:
    """Rows with gn2 < limit, or None when there are none (one reduction on the fast path)."""
    if gn2.min() >= limit:  # a NaN minimum fails this test and takes the full comparison
        return None
    return gn2 < limit


def rows_escaped(w: Array, bound: float) -> BoolArray | None:
    """Rows with a coordinate outside [-bound, bound] or not finite, or None when there are none."""
    if w.max() <= bound and w.min() >= -bound:  # NaN fails both comparisons
        return None
    inside: BoolArray = np.all(np.abs(w) <= bound, axis=1)
    return ~inside
