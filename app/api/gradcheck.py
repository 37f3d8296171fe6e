"""Gradient checks over HTTP: the request and reply models, and the bounded call to the engine.

`POST /gradcheck` compares an objective's analytic gradient at one point with forward and
centred differences, for one step h or a sweep of them; `POST /gradcheck/cost` times both
gradients of an n-term sum, to show why backprop matters.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Discriminator, Field, Tag

from app.api.objectives import Model
from app.api.schemas import Coord, ObjectiveSpec
from app.config import Settings
from app.engine import gradcheck
from app.engine.errors import EngineError
from app.engine.gradcheck import GradCheckReport, check_gradient
from app.engine.objectives.base import Objective

MAX_PARAMS = 4096  # coordinates of a checked point
MAX_STEPS = 64  # step sizes h in one sweep
MAX_SIZES = 8  # sums timed by one cost request

Step = Annotated[float, Field(ge=1e-15, le=10)]


def _count(value: Any) -> str:
    """`many` for a list of step sizes, `one` for a single one."""
    return "many" if isinstance(value, list) else "one"


Steps = Annotated[
    Annotated[Step, Tag("one")]
    | Annotated[list[Step], Tag("many"), Field(min_length=1, max_length=MAX_STEPS)],
    Discriminator(_count),
]


class GradCheckRequest(Model):
    """Check an objective's gradient at a point with one step h, or a sweep of them."""

    objective: ObjectiveSpec
    point: list[Coord] = Field(
        min_length=1, max_length=MAX_PARAMS, description="One coordinate per parameter."
    )
    h: Steps = Field(
        1e-5, description="The finite-difference step, or a list of steps to sweep (at most 64)."
    )


Verdict = Literal["fine", "suspect", "wrong"]


class ComparisonInfo(Model):
    """One numerical derivative against the analytic one: |a - n| / max(|a|, |n|)."""

    numerical: float | None
    error: float | None = Field(description="The relative error; null when not finite.")
    verdict: Verdict = Field(description="fine below 1e-7, wrong above 1e-2, else suspect.")


class ParameterCheckInfo(Model):
    """One parameter at one h."""

    index: int
    name: str
    analytic: float | None
    forward: ComparisonInfo = Field(description="(f(w + h e_i) - f(w)) / h: error O(h).")
    centred: ComparisonInfo = Field(description="(f(w + h e_i) - f(w - h e_i)) / 2h: O(h²).")


class StepCheckInfo(Model):
    """Every parameter at one h; errors and verdicts are the worst over the parameters."""

    h: float
    parameters: list[ParameterCheckInfo]
    forward_error: float | None
    centred_error: float | None
    forward_verdict: Verdict
    centred_verdict: Verdict
    best_forward: bool = Field(description="This h gives the smallest forward error.")
    best_centred: bool = Field(description="This h gives the smallest centred error.")


class EvaluationsInfo(Model):
    """What one gradient costs: 1 analytic pass, P + 1 or 2P evaluations of f."""

    analytic: int
    forward: int
    centred: int


class GradCheckResult(Model):
    """A gradient check at one point: one entry in `steps` per h, in the order given."""

    point: list[float]
    names: list[str]
    loss: float | None
    analytic: list[float | None]
    evaluations: EvaluationsInfo
    steps: list[StepCheckInfo]
    best_forward_h: float
    best_centred_h: float
    verdict: Verdict = Field(description="The centred verdict at the best h.")


class GradCostRequest(Model):
    """Sizes n of the sums f(w) = Σ c_i w_i² to time both gradients on."""

    sizes: list[Annotated[int, Field(ge=1, le=gradcheck.MAX_COST_PARAMS)]] = Field(
        min_length=1, max_length=MAX_SIZES, examples=[[10, 100, 1000, 10000]]
    )


class CostPointInfo(Model):
    """Both gradients of an n-term sum: seconds (measured now) and evaluations."""

    n: int
    analytic_seconds: float
    numerical_seconds: float
    analytic_evaluations: int = Field(description="1: one backward pass.")
    numerical_evaluations: int = Field(description="2n: two evaluations of f per parameter.")
    max_error: float | None = Field(description="The worst relative error between the two.")


class GradCostResult(Model):
    """One entry per size, in the order asked."""

    costs: list[CostPointInfo]


def check_budget(objective: Objective, point: Sequence[float], steps: int, s: Settings) -> None:
    """Refuse a check whose reply or work would be too large (EngineError)."""
    p = len(point)
    if p != objective.dim:
        raise EngineError("error.coordinates", field="point", dim=objective.dim, got=p)
    if p * steps > s.max_gradcheck_probes:
        raise EngineError(
            "error.gradcheck_probes",
            dim=p,
            steps=steps,
            probes=f"{p * steps:,}",
            limit=f"{s.max_gradcheck_probes:,}",
        )
    evaluations = 1 + 2 * p * steps
    work = evaluations * objective.cost
    if work > s.max_gradcheck_work:
        raise EngineError(
            "error.gradcheck_work",
            evaluations=f"{evaluations:,}",
            cost=f"{objective.cost:g}",
            work=f"{work:,.0f}",
            limit=f"{s.max_gradcheck_work:,}",
        )


def check(objective: Objective, point: Sequence[float], h: float | list[float]) -> GradCheckReport:
    """The engine's check; a sweep longer than the engine takes at once is checked in parts,
    and the best h is then marked over the whole sweep."""
    if not isinstance(h, list):
        return check_gradient(objective, point, h)
    parts = [
        check_gradient(objective, point, h[i : i + gradcheck.MAX_STEPS])
        for i in range(0, len(h), gradcheck.MAX_STEPS)
    ]
    if len(parts) == 1:
        return parts[0]
    every = [step for part in parts for step in part.steps]
    best_f = int(np.argmin([_orderable(s.forward_error) for s in every]))
    best_c = int(np.argmin([_orderable(s.centred_error) for s in every]))
    marked = tuple(
        replace(s, best_forward=k == best_f, best_centred=k == best_c) for k, s in enumerate(every)
    )
    return replace(
        parts[0],
        steps=marked,
        best_forward_h=marked[best_f].h,
        best_centred_h=marked[best_c].h,
        verdict=marked[best_c].centred_verdict,
    )


def _orderable(error: float) -> float:
    """NaN never wins the smallest error."""
    return np.inf if np.isnan(error) else error
