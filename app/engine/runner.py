"""Step K trajectories at once and report what each one did.

A run is a pure function of its inputs: the same objective, rule, hyperparameters, starts and
config give the same frames, so a stream can be replayed from any step on any worker.

Each start may have its own hyperparameters. Rows with equal hyperparameters are stepped
together in shards of at most `shard_rows` rows that fit in the CPU cache; each step does one
NumPy call per operation per shard. Every operation acts row by row, so a trajectory is
bit-for-bit the same whichever rows share its shard.

A trajectory stops when its gradient norm drops below `tol` (converged), when a coordinate
leaves [-bound, bound] or stops being finite (diverged), or after `steps` steps (max_steps).
For a stochastic objective the steps follow mini-batch gradients, but convergence is judged
on the full gradient. A stopped row stays in its shard as a dead row, parked at its last
point and masked out of every test, so a step where rows stop copies nothing; a shard is
compacted once a sixteenth of it is dead.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

from app.engine.objectives.base import Objective
from app.engine.optimizers import Hyper, Rule
from app.engine.shards import (
    Shard,
    compact,
    group_rows,
    row_sq_norm,
    rows_below,
    rows_escaped,
)
from app.engine.types import Array, BoolArray, IntArray

Status = Literal["converged", "diverged", "max_steps"]
STATUSES: tuple[Status, ...] = ("converged", "diverged", "max_steps")
CONVERGED, DIVERGED, MAX_STEPS = 0, 1, 2
# Compact a shard once this fraction of its rows has stopped. Dead rows are still stepped (a
# waste proportional to their share) and compacting costs about half a step, so a small
# fraction wins when rows stop often: see bench/engine_runs.py.
DEAD_FRACTION = 1 / 16


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
    """The trajectories recorded after `step` optimizer steps, in ascending id order.

    index: (n,) trajectory ids; points: (n, P); loss: (n,) the full loss; grad: (n, P) the
    gradient the next step uses (a mini-batch's, for a stochastic objective), or None unless
    `record_grad`. batch_loss: (n,) the loss of the mini-batch drawn for step `step + 1`, or
    None when the objective is not stochastic. diagnostics: `objective.diagnostics` of the
    recorded points, each (n, L); empty when the objective has none.
    """

    step: int
    index: IntArray
    points: Array
    loss: Array
    grad: Array | None
    batch_loss: Array | None = None
    diagnostics: Mapping[str, Array] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    """How each trajectory ended: status codes index `STATUSES`; arrays are (K,) or (K, P).

    `point` and `loss` are the last recorded state, `grad_norm` the norm of the full gradient
    there. `steps_taken` is the step of `point` for a converged or max_steps row; for a diverged
    row it counts the step that left the range too, one more than the step of `point`: a run
    that diverges at its first step reports steps_taken = 1, though only step 0 was recorded.
    For a diverged row, `escape_loss` is the loss where the fatal step landed (possibly inf or
    NaN; never sent anywhere as a number); for the other rows it is NaN.
    """

    status: IntArray
    steps_taken: IntArray
    point: Array
    loss: Array
    grad_norm: Array
    escape_loss: Array


class _Eval(NamedTuple):
    """What a step needs from the objective at a shard's parameters."""

    w: Array  # (n, P): the shard's parameters at this step
    grad: Array  # (n, P): the gradient the step uses (a mini-batch's when stochastic)
    batch_loss: Array | None  # (n,): that mini-batch's loss, when stochastic
    gn2: Array | None  # (n,): squared norm of the full gradient, inf at dead rows; None if unused
    loss: Array | None = None  # (n,): the full loss, when it came with the gradient


class Descent:
    """One run. Iterate `frames()` to the end, then read `summary()`.

    `hp` is one set of hyperparameters for every start, or a sequence of K, one per start.
    """

    def __init__(
        self,
        objective: Objective,
        rule: Rule,
        hp: Hyper | Sequence[Hyper],
        starts: Array,
        config: RunConfig,
    ) -> None:
        if starts.ndim != 2 or starts.shape[1] != objective.dim:
            raise ValueError(f"each start must have {objective.dim} coordinates")
        k, p = starts.shape
        groups = group_rows(hp, k)
        self.objective, self.rule, self.config = objective, rule, config
        self._stochastic = bool(objective.stochastic)
        self._sort = len(groups) > 1  # shards of different groups interleave ids
        self._status = np.full(k, -1, dtype=np.int64)
        self._steps = np.zeros(k, dtype=np.int64)
        self._point = np.zeros((k, p))
        self._loss = np.zeros(k)
        self._grad_norm = np.zeros(k)
        self._escape_loss = np.full(k, np.nan)
        rows = config.shard_rows
        self._shards = [
            self._new_shard(starts, ids[lo : lo + rows], group_hp)
            for group_hp, ids in groups
            for lo in range(0, len(ids), rows)
        ]

    def _new_shard(self, starts: Array, ids: IntArray, hp: Hyper) -> Shard:
        w = np.array(starts[ids], dtype=np.float64, order="F")  # a copy: frames never alias it
        n, p = w.shape
        live = np.ones(n, dtype=np.bool_)
        return Shard(ids, w, self.rule.init(w, hp), hp, live, ids[:0], np.empty((0, p)))

    def ticks(self) -> Iterator[Frame | None]:
        """Yield once per step: the frame recorded at it, or None if nothing was recorded.

        A caller that must stay responsive (a stream with a time slice) iterates this.
        """
        for s in range(self.config.steps + 1):
            parts = self._step_all(s)
            yield _merge(s, parts, self._sort) if parts else None
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
        if s == self.config.steps:
            self._shards = []
        else:
            self._shards = [shard for shard in self._shards if shard.dead.size < shard.index.size]
        return parts

    def _step_shard(self, shard: Shard, s: int) -> Frame | None:
        """Record and stop rows at step s, then move the live rest to step s + 1."""
        ev = self._evaluate(shard, s)
        if s == self.config.steps:
            return self._end(shard, s, ev)
        w_next, state_next = self.rule.step(shard.w, ev.grad, shard.state, shard.hp, s + 1)
        if shard.dead.size:
            w_next[shard.dead] = shard.park  # dead rows never drift out of range
        stop = self._stopping(shard, ev, w_next)
        if s % self.config.every == 0:
            part: Frame | None = self._record(s, shard, ev)
        else:
            part = None if stop is None else self._record(s, shard, ev, stop[0])
        shard.w, shard.state = w_next, state_next
        if stop is not None:
            self._stop(shard, s, ev, *stop)
        return part

    def _evaluate(self, shard: Shard, s: int) -> _Eval:
        """The step's gradient (and batch loss), and the full gradient's norm when tested."""
        w, objective, cfg = shard.w, self.objective, self.config
        tested = cfg.tol > 0 or s == cfg.steps
        loss = batch_loss = None
        if self._stochastic:
            # The full gradient costs a pass over all the data: judge at recorded steps only.
            tested = s == cfg.steps or (cfg.tol > 0 and s % cfg.every == 0)
            batch_loss, g = objective.loss_and_grad(w, s + 1)
            gn2 = row_sq_norm(objective.grad(w, None)) if tested else None
        else:
            if s % cfg.every == 0 or s == cfg.steps:  # recorded: its loss from the same pass
                loss, g = objective.loss_and_grad(w, s + 1)
            else:
                g = objective.grad(w, s + 1)
            gn2 = row_sq_norm(g) if tested else None
        if gn2 is not None and shard.dead.size:
            gn2[shard.dead] = np.inf  # a dead row never converges again
        return _Eval(w, g, batch_loss, gn2, loss)

    def _stopping(
        self, shard: Shard, ev: _Eval, w_next: Array
    ) -> tuple[IntArray, BoolArray] | None:
        """Positions of the live rows that stop at this step and which of them converged."""
        cfg = self.config
        converged = rows_below(ev.gn2, cfg.tol**2) if ev.gn2 is not None else None
        escaped = rows_escaped(w_next, cfg.bound)
        if escaped is not None and shard.dead.size:
            escaped &= shard.live  # a parked row outside the range (an odd start) is already out
        if converged is None and escaped is None:
            return None
        if converged is None:
            converged = np.zeros(len(w_next), dtype=np.bool_)
        pos = np.flatnonzero(converged | escaped if escaped is not None else converged)
        return (pos, converged[pos]) if pos.size else None

    def _stop(self, shard: Shard, s: int, ev: _Eval, pos: IntArray, converged: BoolArray) -> None:
        """Finish the rows at positions `pos`, which stop at step s, and park them there.

        `shard` has already moved to step s + 1, so it holds where a fatal step landed;
        `ev` was evaluated at step s. Compacts the shard once enough of it is dead.
        """
        w_next = shard.w
        w = ev.w[pos]
        gn2 = ev.gn2[pos] if ev.gn2 is not None else self._full_sq_norm(w, ev.grad[pos])
        ids = shard.index[pos]
        status = np.where(converged, CONVERGED, DIVERGED)
        self._finish(ids, w, gn2, np.where(converged, s, s + 1), status)
        if not converged.all():
            fell = ~converged
            self._escape_loss[ids[fell]] = self.objective.loss(w_next[pos[fell]])
        w_next[pos] = w
        shard.live[pos] = False
        shard.dead = np.concatenate([shard.dead, pos])
        shard.park = np.concatenate([shard.park, w])
        if shard.dead.size >= DEAD_FRACTION * shard.index.size:
            compact(shard)

    def _end(self, shard: Shard, s: int, ev: _Eval) -> Frame:
        """At the last step: finish every live row (converged or max_steps) and record it."""
        assert ev.gn2 is not None  # the final step always tests
        part = self._record(s, shard, ev)
        pos = np.flatnonzero(shard.live)
        gn2 = ev.gn2[pos]
        status = np.where(gn2 < self.config.tol**2, CONVERGED, MAX_STEPS)
        self._finish(shard.index[pos], ev.w[pos], gn2, np.full(pos.shape, s), status)
        return part

    def _full_sq_norm(self, w: Array, g: Array) -> Array:
        """Squared norm of the full gradient at w: (n, P), given the step's gradient g there."""
        return row_sq_norm(self.objective.grad(w, None) if self._stochastic else g)

    def _finish(
        self, index: IntArray, w: Array, gn2: Array, steps_taken: IntArray, status: IntArray
    ) -> None:
        """Store how the rows `index`, now at `w`, ended."""
        self._status[index] = status
        self._steps[index] = steps_taken
        self._point[index] = w
        self._loss[index] = self.objective.loss(w)
        self._grad_norm[index] = np.sqrt(gn2)

    def _record(self, s: int, shard: Shard, ev: _Eval, rows: IntArray | None = None) -> Frame:
        """The recorded part of one shard at step s: the rows at positions `rows`, or all live."""
        if rows is None and shard.dead.size:
            rows = np.flatnonzero(shard.live)
        if rows is None:
            index, w, g, batch, loss = shard.index.copy(), ev.w, ev.grad, ev.batch_loss, ev.loss
        else:
            index, w, g = shard.index[rows], ev.w[rows], ev.grad[rows]
            batch = ev.batch_loss[rows] if ev.batch_loss is not None else None
            loss = ev.loss[rows] if ev.loss is not None else None
        grad = np.ascontiguousarray(g) if self.config.record_grad else None
        diagnostics = dict(self.objective.diagnostics(w))
        if loss is None:
            loss = self.objective.loss(w)
        return Frame(s, index, np.ascontiguousarray(w), loss, grad, batch, diagnostics)


def _merge(s: int, parts: list[Frame], sort: bool) -> Frame:
    """Join the shards' parts of one step into a single frame, in ascending id order."""
    if len(parts) == 1:
        return parts[0]
    index = np.concatenate([p.index for p in parts])
    order = np.argsort(index, kind="stable") if sort else None

    def join(arrays: list[Array]) -> Array:
        out = np.concatenate(arrays)
        return out if order is None else out[order]

    grads = [p.grad for p in parts if p.grad is not None]
    batches = [p.batch_loss for p in parts if p.batch_loss is not None]
    return Frame(
        s,
        index if order is None else index[order],
        join([p.points for p in parts]),
        join([p.loss for p in parts]),
        join(grads) if grads else None,
        join(batches) if batches else None,
        {name: join([p.diagnostics[name] for p in parts]) for name in parts[0].diagnostics},
    )
