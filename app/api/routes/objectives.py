"""Any objective, described and plotted through the one seam."""

import numpy as np
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from app.api.errors import BODY_ERRORS, refusal
from app.api.grids import grid_reply
from app.api.language import Language
from app.api.replies import (
    Box,
    CurvatureInfo,
    GridResult,
    LandmarkInfo,
    ObjectiveInfo,
    ParamGroupInfo,
)
from app.api.schemas import GridRequest, ObjectiveRequest
from app.engine.errors import EngineError
from app.engine.objectives.base import Objective
from app.engine.objectives.quadratic import theory
from app.i18n import Lang

router = APIRouter(prefix="/api/v1/objectives", tags=["objectives"])
MAX_EIGENVECTORS = 100  # dimensions up to which the eigenvectors are sent


def curvature_info(objective: Objective) -> CurvatureInfo | None:
    """The constant Hessian's spectrum and its closed forms, if the objective has one."""
    lam = objective.hessian_eigenvalues
    if lam is None or not np.all(lam > 0):
        return None
    vectors = getattr(objective, "eigenvectors", None)
    if objective.dim > MAX_EIGENVECTORS:
        vectors = None
    t = theory(lam)
    return CurvatureInfo(
        eigenvalues=lam.tolist(),
        eigenvectors=vectors.tolist() if vectors is not None else None,
        condition=t.condition,
        lr_max=t.lr_max,
        lr_best=t.lr_best,
        rate_best=t.rate_best,
        momentum_lr=t.momentum_lr,
        momentum_beta=t.momentum_beta,
        momentum_rate=t.momentum_rate,
    )


def groups_info(objective: Objective) -> list[ParamGroupInfo] | None:
    """A network's parameters by layer (W1, b1, ...), or None for an objective without layers."""
    groups = getattr(objective, "parameter_groups", None)
    if groups is None:
        return None
    return [ParamGroupInfo(name=g.name, layer=g.layer, start=g.start, stop=g.stop) for g in groups]


def describe(req: ObjectiveRequest, lang: Lang) -> ObjectiveInfo:
    """What the objective of `req` is."""
    spec = req.objective
    try:
        objective = spec.build()
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "objective")) from exc
    low, high = objective.start_region
    domain = objective.domain
    return ObjectiveInfo(
        kind=type(spec).__name__.removesuffix("Spec").lower(),
        title=spec.title(lang),
        dim=objective.dim,
        names=list(objective.names),
        domain=[list(domain[0]), list(domain[1])] if domain is not None else None,
        start_region=Box(low=list(low), high=list(high)),
        landmarks=[
            LandmarkInfo(point=list(m.point), value=m.value, kind=m.kind)
            for m in objective.landmarks
        ],
        log_scale=spec.log_scale,
        cost=objective.cost,
        curvature=curvature_info(objective),
        groups=groups_info(objective),
    )


@router.post("/describe", responses=BODY_ERRORS)
async def describe_objective(
    req: ObjectiveRequest, request: Request, lang: Language
) -> ObjectiveInfo:
    """An objective's dimension, parameter names, domain, start region, landmarks, curvature."""
    return await run_in_threadpool(describe, req, lang)


@router.post("/grid", responses=BODY_ERRORS, response_model_exclude_none=True)
def objective_grid(req: GridRequest, request: Request, lang: Language) -> GridResult:
    """Values of a two-parameter objective on a grid over its domain, as typed arrays."""
    try:
        objective = req.objective.build()
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "objective")) from exc
    return grid_reply(objective, req.resolution, request.app.state.settings, lang)
