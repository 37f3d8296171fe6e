"""One engine call per request: a plan in, a run out (frames, summary, explanations).

The web edge translates a request into a `RunPlan` and calls `start_run`; everything else
(starts, budget, hyperparameters per row, the divergence bound, what explanations may refer
to) is decided here from the objective's own description, so a new kind of objective needs
no change in this module, the runner, the stream or the page's shell.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.engine import hyperparams, optimizers, starts
from app.engine.errors import EngineError
from app.engine.objectives.base import Objective, divergence_bound
from app.engine.outcomes import Context, explain
from app.engine.runner import Descent, Frame, RunConfig, Summary
from app.engine.types import Array, IntArray
from app.i18n import Lang


@dataclass(frozen=True)
class Limits:
    """Caps on one run's work and output."""

    max_starts: int = 65_536
    max_steps: int = 10_000
    max_work: float = 1e8  # starts x steps x the objective's cost per evaluation
    max_recorded_points: int = 1_000_000


@dataclass(frozen=True)
class RunPlan:
    """Everything a run needs, already parsed: the edge builds this from a request.

    `hyper` holds the optimizer's hyperparameters by torch's names; any numeric one may be a
    list with one value per start. `init` is a generator spec as in `starts.generate`.
    """

    objective: Objective
    optimizer: str
    hyper: Mapping[str, Any]
    points: Sequence[Sequence[float]] | None = None
    init: Mapping[str, Any] | None = None
    steps: int = 500
    every: int = 1
    tol: float = 1e-6
    bound: float | None = None
    record_grad: bool = False


@dataclass(frozen=True)
class Collected:
    """A whole run as flat arrays: trajectory k's records are rows offsets[k]:offsets[k + 1]."""

    offsets: IntArray  # (K + 1,)
    steps: IntArray  # (n,)
    points: Array  # (n, P)
    loss: Array  # (n,)
    grad: Array | None  # (n, P)
    summary: Summary


class Run:
    """A planned run: iterate `ticks()` or `frames()`, or `collect()` it whole."""

    def __init__(self, plan: RunPlan, limits: Limits) -> None:
        """Validate the plan against the limits, make the starts and set up the descent."""
        objective = plan.objective
        init = plan.init
        if plan.points is None and init is None:
            init = objective.default_init
        k = starts.count(plan.points, init, objective.dim)
        check_budget(k, plan, limits)
        rule = optimizers.get_rule(plan.optimizer)
        hps = hyperparams.per_row(rule.hyper, plan.hyper, k if _varies(plan.hyper) else 1)
        check_work(k, len(set(hps)), plan, limits)  # before the starts: K x P may be large
        w0 = starts.make(plan.points, init, objective.start_region, objective.initialize)
        bound = plan.bound if plan.bound is not None else divergence_bound(objective)
        if np.abs(w0).max() > bound:
            raise EngineError("error.start_beyond_bound", bound=f"{bound:g}")
        config = RunConfig(plan.steps, plan.every, plan.tol, bound, plan.record_grad)
        low, high = objective.start_region
        radius = 1e-3 * max(h - lo for lo, h in zip(low, high, strict=True))
        self.starts = w0
        self._collected: Collected | None = None
        self.context = Context(objective, rule.name, hps, plan.tol, bound, radius)
        self.descent = Descent(objective, rule, hps[0] if len(hps) == 1 else hps, w0, config)

    def ticks(self) -> Iterator[Frame | None]:
        """One item per step: its frame, or None when nothing was recorded (see Descent)."""
        return self.descent.ticks()

    def frames(self) -> Iterator[Frame]:
        """The recorded frames, in step order."""
        return self.descent.frames()

    def summary(self) -> Summary:
        """How each trajectory ended (after the frames are exhausted)."""
        return self.descent.summary()

    def explain(self, lang: Lang = "en") -> list[str]:
        """One sentence or two per trajectory, in `lang`."""
        return explain(self.summary(), self.starts, self.context, lang)

    def collect(self) -> Collected:
        """Run to the end and group the records by trajectory, as flat arrays (kept)."""
        if self._collected is None:
            self._collected = self._collect()
        return self._collected

    def _collect(self) -> Collected:
        """Iterate every frame and regroup them."""
        frames = list(self.frames())
        index = np.concatenate([f.index for f in frames])
        order = np.argsort(index, kind="stable")
        counts = np.bincount(index, minlength=self.starts.shape[0])
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        steps = np.concatenate([np.full(f.index.size, f.step, dtype=np.int64) for f in frames])
        grads = [f.grad for f in frames if f.grad is not None]
        return Collected(
            offsets,
            steps[order],
            np.concatenate([f.points for f in frames])[order],
            np.concatenate([f.loss for f in frames])[order],
            np.concatenate(grads)[order] if grads else None,
            self.summary(),
        )


def _varies(hyper: Mapping[str, Any]) -> bool:
    """Whether any hyperparameter is given once per start (a list; for betas, of pairs)."""
    for name, value in hyper.items():
        if not isinstance(value, list):
            continue
        if name != "betas" or not value or isinstance(value[0], list | tuple):
            return True
    return False


def start_run(plan: RunPlan, limits: Limits) -> Run:
    """The run a plan asks for, or EngineError with a message a student can act on."""
    return Run(plan, limits)


def check_budget(k: int, plan: RunPlan, limits: Limits) -> None:
    """Refuse runs whose size or output would be unbounded in practice (before any work)."""
    starts.check_count(k, limits.max_starts)
    if plan.steps > limits.max_steps:
        raise EngineError("error.steps_cap", steps=plan.steps, limit=f"{limits.max_steps:,}")
    recorded = k * (plan.steps // plan.every + 2)
    if recorded > limits.max_recorded_points:
        raise EngineError(
            "error.recorded_cap", recorded=f"{recorded:,}", limit=f"{limits.max_recorded_points:,}"
        )


GROUP_COST = 1000  # a distinct set of hyperparameters costs about this many row evaluations


def check_work(k: int, groups: int, plan: RunPlan, limits: Limits) -> None:
    """Refuse runs whose work would take too long: starts x steps x the objective's cost.

    Rows with distinct hyperparameters are stepped apart, so each distinct set adds the
    overhead of a few NumPy calls per step, counted as GROUP_COST evaluations.
    """
    cost = plan.objective.cost
    work = plan.steps * (k * cost + (groups - 1) * GROUP_COST)
    if work > limits.max_work:
        key = "error.work_cap" if cost == 1 else "error.work_cap_cost"
        limit = f"{limits.max_work:,.0f}"
        raise EngineError(key, work=f"{work:,.0f}", limit=limit, cost=f"{cost:g}")
