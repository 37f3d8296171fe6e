"""Gradients, seen: the backprop graph of a formula, and gradient checks with their cost."""

import math

from anyio import to_thread
from fastapi import APIRouter, Request

from app.api.backprop import GraphRequest, GraphResult
from app.api.errors import BODY_ERRORS, refusal
from app.api.gradcheck import (
    CostPointInfo,
    GradCheckRequest,
    GradCheckResult,
    GradCostRequest,
    GradCostResult,
    check,
    check_budget,
)
from app.api.language import Language
from app.config import Settings
from app.engine.errors import EngineError
from app.engine.expression import graph
from app.engine.gradcheck import gradient_cost
from app.i18n import Lang

router = APIRouter(prefix="/api/v1", tags=["gradients"])


@router.post("/graph", responses=BODY_ERRORS)
def draw_graph(req: GraphRequest, lang: Language) -> GraphResult:
    """A formula's computational graph at a point: every gate's value and gradients."""
    try:
        drawn = graph(req.expression, req.values)
    except EngineError as exc:
        raise refusal(exc, lang) from exc
    return GraphResult.model_validate(drawn.to_dict())


def _check(req: GradCheckRequest, settings: Settings, lang: Lang) -> GradCheckResult:
    """Build the objective, check the budget, run the check (in a worker thread)."""
    try:
        objective = req.objective.build()
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "objective")) from exc
    steps = len(req.h) if isinstance(req.h, list) else 1
    try:
        check_budget(objective, req.point, steps, settings)
    except EngineError as exc:
        where = "point" if exc.key == "error.coordinates" else "h"
        raise refusal(exc, lang, ("body", where)) from exc
    return GradCheckResult.model_validate(check(objective, req.point, req.h).to_dict())


@router.post("/gradcheck", responses=BODY_ERRORS)
def check_objective_gradient(
    req: GradCheckRequest, request: Request, lang: Language
) -> GradCheckResult:
    """Compare an objective's analytic gradient with forward and centred differences."""
    return _check(req, request.app.state.settings, lang)


@router.post("/gradcheck/cost", responses=BODY_ERRORS)
async def time_gradients(req: GradCostRequest, request: Request) -> GradCostResult:
    """Time the analytic against the numerical gradient of n-term sums, measured now.

    Timings run one at a time in a worker thread, so they neither block nor disturb each other.
    """
    costs = await to_thread.run_sync(
        gradient_cost, req.sizes, 1, limiter=request.app.state.timing_limiter
    )
    return GradCostResult(
        costs=[
            CostPointInfo(
                n=c.n,
                analytic_seconds=c.analytic_seconds,
                numerical_seconds=c.numerical_seconds,
                analytic_evaluations=c.analytic_evaluations,
                numerical_evaluations=c.numerical_evaluations,
                max_error=c.max_error if math.isfinite(c.max_error) else None,
            )
            for c in costs
        ]
    )
