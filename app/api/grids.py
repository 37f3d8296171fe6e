"""Values of a two-parameter objective on a grid over its plotting domain, as typed arrays."""

import numpy as np

from app.api.errors import unprocessable
from app.api.replies import GridResult, TypedArray
from app.api.runs import typed
from app.config import Settings
from app.engine.errors import EngineError
from app.engine.objectives.base import Objective
from app.i18n import Lang


def grid_values(objective: Objective, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x: (R,), y: (R,) and z: (R, R) with z[i][j] = loss at (x[j], y[i]); non-finite as NaN."""
    if objective.domain is None or objective.dim != 2:
        raise EngineError("error.not_two_dimensional", dim=objective.dim)
    (x0, x1), (y0, y1) = objective.domain
    x, y = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    xx, yy = np.meshgrid(x, y)
    with np.errstate(all="ignore"):
        z = objective.loss(np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    return x, y, z


def check_resolution(resolution: int, settings: Settings, lang: Lang) -> None:
    """A 422 when the grid is finer than this app allows."""
    if resolution > settings.max_resolution:
        exc = EngineError(
            "error.resolution_cap", resolution=resolution, limit=settings.max_resolution
        )
        raise unprocessable(exc.render(lang))


def grid_values_of(objective: Objective, resolution: int) -> GridResult:
    """The grid reply of an objective that has a plot, float32."""
    return grid_result(*grid_values(objective, resolution))


def grid_reply(objective: Objective, resolution: int, settings: Settings, lang: Lang) -> GridResult:
    """The grid reply, float32; a 422 when the objective has no plot or the grid is too fine."""
    check_resolution(resolution, settings, lang)
    try:
        return grid_values_of(objective, resolution)
    except EngineError as exc:
        raise unprocessable(exc.render(lang)) from exc


def grid_result(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> GridResult:
    """x (R_x,), y (R_y,) and z (R_y, R_x) as float32 typed arrays; non-finite z as NaN, and
    zmin, zmax over the finite values (0 when there are none)."""
    finite = z[np.isfinite(z)]
    z32 = np.clip(np.where(np.isfinite(z), z, np.nan), -3e38, 3e38)
    return GridResult(
        x=TypedArray.model_validate(typed(x, "f4")),
        y=TypedArray.model_validate(typed(y, "f4")),
        z=TypedArray.model_validate(typed(z32, "f4", z.shape)),
        zmin=float(finite.min()) if finite.size else 0.0,
        zmax=float(finite.max()) if finite.size else 0.0,
    )
