"""Loss landscapes: any objective's loss over a grid of two of its parameters."""

import numpy as np
from fastapi import APIRouter, Request

from app.api.data_schemas import LandscapeRequest
from app.api.errors import BODY_ERRORS, refusal
from app.api.grids import grid_result
from app.api.language import Language
from app.api.planes import LandscapeResult, plane_landscape
from app.config import Settings
from app.engine import landscape as surfaces
from app.engine.errors import EngineError
from app.engine.objectives.base import Objective

router = APIRouter(prefix="/api/v1", tags=["landscape"])
SHOWN_NAMES = 12  # parameter names listed in an error


def axes(objective: Objective, req: LandscapeRequest) -> tuple[int, int]:
    """The indices of the two parameters, after checking them and the point (EngineError)."""
    names = list(objective.names)
    assert req.params is not None  # the request's validator: params or directions
    for name in req.params:
        if name not in names:
            shown = ", ".join(names[:SHOWN_NAMES]) + (", …" if len(names) > SHOWN_NAMES else "")
            raise EngineError("landscape.unknown_param", name=name, names=shown)
    if len(req.point) != objective.dim:
        raise EngineError("error.coordinates", field="point", dim=objective.dim, got=len(req.point))
    return names.index(req.params[0]), names.index(req.params[1])


def check_work(objective: Objective, resolution: int, settings: Settings) -> None:
    """EngineError when the grid is finer than the app allows or would take too long."""
    if resolution > settings.max_resolution:
        raise EngineError(
            "error.resolution_cap", resolution=resolution, limit=settings.max_resolution
        )
    work = surfaces.work(objective, resolution, resolution)
    if work > settings.max_point_steps:
        raise EngineError(
            "landscape.work_cap",
            cost=f"{work / resolution**2:g}",
            work=f"{work:,.0f}",
            limit=f"{settings.max_point_steps:,}",
        )


@router.post("/landscape", responses=BODY_ERRORS, response_model_exclude_none=True)
def create_landscape(req: LandscapeRequest, request: Request, lang: Language) -> LandscapeResult:
    """The loss over a grid of two parameters, the rest held at `point`, or along two directions
    through `point` (filter-normalized, or a path's PCA): z[i][j] at (x[j], y[i])."""
    settings: Settings = request.app.state.settings
    try:
        objective = req.objective.build()
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "objective")) from exc
    if req.directions is not None:
        try:
            check_work(objective, req.resolution, settings)
        except EngineError as exc:
            raise refusal(exc, lang, ("body", "resolution")) from exc
        return plane_landscape(
            objective, req.point, req.directions, req.path, req.ranges, req.resolution, lang
        )
    try:
        i, j = axes(objective, req)
    except EngineError as exc:
        where = "point" if exc.key == "error.coordinates" else "params"
        raise refusal(exc, lang, ("body", where)) from exc
    try:
        check_work(objective, req.resolution, settings)
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "resolution")) from exc
    (x0, x1), (y0, y1) = req.ranges
    xs, ys = np.linspace(x0, x1, req.resolution), np.linspace(y0, y1, req.resolution)
    with np.errstate(all="ignore"):  # a loss may overflow far from the data: NaN in the plot
        z = surfaces.landscape(
            objective, (i, j), np.array(req.point), xs, ys, settings.engine_threads
        )
    grid = grid_result(xs, ys, z)
    return LandscapeResult(x=grid.x, y=grid.y, z=grid.z, zmin=grid.zmin, zmax=grid.zmax)
