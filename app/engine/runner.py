"""Step K trajectories at once and report what each one did.

A run is a pure function of its inputs: the same objective, rule, hyperparameters, starts and
config give the same frames, so a stream can be replayed from any step on any worker.

Trajectories live in shards of at most `shard_rows` rows that fit in the CPU cache; each step
does one NumPy call per operation per shard. A trajectory stops when its gradient norm drops
below `tol` (converged), when a coordinate leaves [-bound, bound] or stops being finite
(diverged), or after `steps` steps (max_steps). Stopped rows leave their shard, so they cost
nothing afterwards.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.engine.objectives.base import Objective
from app.engine.optimizers import Hyper, Rule, State
from app.engine.types import Array, BoolArray, IntArray

Status = Literal["converged", "diverged", "max_steps"]
STATUSES: tuple[Status, ...] = ("converged", "diverged", "max_steps")
CONVERGED, DIVERGED, MAX_STEPS = 0, 1, 2


@dataclass(frozen=True)
class RunConfig:
    """How long to run, what to record, and when a trajectory counts as stopped."""

    steps: int
    every: int = 1
    tol: float = 1e-6
    bound: float = 1e6
    record_grad: bool = False
    shard_rows: int = 8192


@dataclass(frozen=True)
class Frame:
    """The trajectories recorded after `step` optimizer steps.

    index: (n,) trajectory ids; points: (n, P); loss: (n,); grad: (n, P) or None.
    """

    step: int
    index: IntArray
    points: Array
    loss: Array
    grad: Array | None


@dataclass(frozen=True)
class Summary:
    """How each trajectory ended: status codes index `STATUSES`; arrays are (K,) or (K, P).

    `point` and `loss` are the last recorded state. For a diverged row, `escape_loss` is the
    loss where the fatal step landed (possibly inf or NaN; never sent anywhere as a number);
    for the other rows it is NaN.
    """

    status: IntArray
    steps_taken: IntArray
    point: Array
    loss: Array
    grad_norm: Array
    escape_loss: Array


@dataclass
class _Shard:
    """Rows still running: their ids, parameters and optimizer state. Private to one run."""

    index: IntArray
    w: Array
    state: State


class Descent:
    """One run. Iterate `frames()` to the end, then read `summary()`."""

    def __init__(
        self, objective: Objective, rule: Rule, hp: Hyper, starts: Array, config: RunConfig
    ) -> None:
        if starts.ndim != 2 or starts.shape[1] != objective.dim:
            raise ValueError(f"each start must have {objective.dim} coordinates")
        self.objective, self.rule, self.hp, self.config = objective, rule, hp, config
        k, p = starts.shape
        self._status = np.full(k, -1, dtype=np.int64)
        self._steps = np.zeros(k, dtype=np.int64)
        self._point = np.zeros((k, p))
        self._loss = np.zeros(k)
        self._grad_norm = np.zeros(k)
        self._escape_loss = np.full(k, np.nan)
        self._shards = [
            self._new_shard(starts, lo, min(lo + config.shard_rows, k))
            for lo in range(0, k, config.shard_rows)
        ]

    def _new_shard(self, starts: Array, lo: int, hi: int) -> _Shard:
        w = np.array(starts[lo:hi], dtype=np.float64, order="F")  # a copy: frames never alias it
        return _Shard(np.arange(lo, hi, dtype=np.int64), w, self.rule.init(w, self.hp))

    def ticks(self) -> Iterator[Frame | None]:
        """Yield once per step: the frame recorded at it, or None if nothing was recorded.

        A caller that must stay responsive (a stream with a time slice) iterates this.
        """
        for s in range(self.config.steps + 1):
            parts = self._step_all(s)
            yield _merge(s, parts) if parts else None
            if not self._shards:
                return

    def frames(self) -> Iterator[Frame]:
        """Yield a frame for every step at which some trajectory is recorded."""
        return (frame for frame in self.ticks() if frame is not None)

    def summary(self) -> Summary:
        """How each trajectory ended; only valid once `frames()` is exhausted."""
        if self._shards:
            raise RuntimeError("the run has not finished: exhaust frames() first")
        return Summary(
            self._status, self._steps, self._point, self._loss, self._grad_norm, self._escape_loss
        )

    def _step_all(self, s: int) -> list[Frame]:
        """Check and advance every shard from step s to s + 1; return what was recorded at s."""
        parts: list[Frame] = []
        with np.errstate(all="ignore"):  # overflow is a divergence outcome, never a warning
            for shard in self._shards:
                part = self._step_shard(shard, s)
                if part is not None:
                    parts.append(part)
        self._shards = [shard for shard in self._shards if shard.index.size]
        return parts

    def _step_shard(self, shard: _Shard, s: int) -> Frame | None:
        """Record and stop rows at step s, then move the rest to step s + 1."""
        cfg = self.config
        w = shard.w
        g = self.objective.grad(w, s + 1)
        if s == cfg.steps:
            norms = _row_sq_norm(g)
            status = np.where(norms < cfg.tol**2, CONVERGED, MAX_STEPS)
            self._finish(shard.index, w, norms, np.full(norms.shape, s), status)
            part = self._record(s, shard.index, w, g)
            shard.index = shard.index[:0]
            return part
        w_next, state_next = self.rule.step(w, g, shard.state, self.hp, s + 1)
        gn2: Array | None = _row_sq_norm(g) if cfg.tol > 0 else None  # tol 0: never stop early
        converged = _rows_below(gn2, cfg.tol**2) if gn2 is not None else None
        escaped = _rows_escaped(w_next, cfg.bound)
        recorded = s % cfg.every == 0
        if converged is None and escaped is None:
            shard.w, shard.state = w_next, state_next
            return self._record(s, shard.index, w, g) if recorded else None
        conv = converged if converged is not None else np.zeros(len(w), dtype=np.bool_)
        stop = conv | escaped if escaped is not None else conv
        status = np.where(conv[stop], CONVERGED, DIVERGED)
        taken = np.where(conv[stop], s, s + 1)
        norms = gn2 if gn2 is not None else _row_sq_norm(g)
        self._finish(shard.index[stop], w[stop], norms[stop], taken, status)
        fell = stop & ~conv
        self._escape_loss[shard.index[fell]] = self.objective.loss(w_next[fell])
        rows = None if recorded else stop
        part = self._record(s, shard.index, w, g, rows)
        keep = ~stop
        shard.index = shard.index[keep]
        shard.w = np.asfortranarray(w_next[keep])
        shard.state = {name: np.asfortranarray(v[keep]) for name, v in state_next.items()}
        return part

    def _finish(
        self, index: IntArray, w: Array, gn2: Array, steps_taken: IntArray, status: IntArray
    ) -> None:
        """Store how the rows `index`, now at `w`, ended."""
        self._status[index] = status
        self._steps[index] = steps_taken
        self._point[index] = w
        self._loss[index] = self.objective.loss(w)
        self._grad_norm[index] = np.sqrt(gn2)

    def _record(
        self, s: int, index: IntArray, w: Array, g: Array, rows: BoolArray | None = None
    ) -> Frame:
        """The recorded part of one shard at step s: all rows, or those selected by `rows`."""
        if rows is not None:
            index, w, g = index[rows], w[rows], g[rows]
        grad = np.ascontiguousarray(g) if self.config.record_grad else None
        return Frame(s, index, np.ascontiguousarray(w), self.objective.loss(w), grad)


def _row_sq_norm(g: Array) -> Array:
    """Squared Euclidean norm of each row: (K, P) -> (K,)."""
    out = g[:, 0] * g[:, 0]
    for j in range(1, g.shape[1]):
        out += g[:, j] * g[:, j]
    return out


def _rows_below(gn2: Array, limit: float) -> BoolArray | None:
    """Rows with gn2 < limit, or None when there are none (one reduction on the fast path)."""
    if gn2.min() >= limit:  # a NaN minimum fails this test and takes the full comparison
        return None
    return gn2 < limit


def _rows_escaped(w: Array, bound: float) -> BoolArray | None:
    """Rows with a coordinate outside [-bound, bound] or not finite, or None when there are none."""
    if w.max() <= bound and w.min() >= -bound:  # NaN fails both comparisons
        return None
    inside: BoolArray = np.all(np.abs(w) <= bound, axis=1)
    return ~inside


def _merge(s: int, parts: list[Frame]) -> Frame:
    """Join the shards' parts of one step into a single frame."""
    if len(parts) == 1:
        return parts[0]
    grads = [p.grad for p in parts if p.grad is not None]
    return Frame(
        s,
        np.concatenate([p.index for p in parts]),
        np.concatenate([p.points for p in parts]),
        np.concatenate([p.loss for p in parts]),
        np.concatenate(grads) if grads else None,
    )
