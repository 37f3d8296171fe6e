"""Loss landscapes along two directions through a point (`/landscape` with `directions`).

The directions are filter-normalized random ones (Li et al., 2018), or, when the request
sends a `path` (a training trajectory), the path's first two principal components, and the
path's coordinates in that plane come back with the grid. The math is the engine's
(`app.engine.directions`); here are the request's part, the checks and the reply.
"""

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from app.api.errors import refusal
from app.api.grids import grid_result
from app.api.objectives import Model
from app.api.replies import GridResult, TypedArray
from app.api.runs import typed
from app.engine.directions import Plane, filter_normalized, pca_plane, plane_slice
from app.engine.errors import EngineError
from app.engine.objectives.base import Objective
from app.engine.types import Array
from app.i18n import Lang

MAX_PATH = 1000  # points of a path to project (its PCA costs T² P)
Seed = Annotated[int, Field(ge=0, le=2**32 - 1, description="Same seed, same directions.")]


class Directions(Model):
    """Two random directions, filter-normalized (Li et al., 2018): each entry drawn from
    N(0, 1), then each filter (a row of W^l: one unit's incoming weights) rescaled to the
    norm of the same filter in `point`; biases 0. A `path` replaces them by its first two
    principal components."""

    kind: Literal["filter_normalized"]
    seed: Seed = 0


class PathProjection(Model):
    """Where each point of the path lies in the plane: (x[t], y[t]) in units of the directions."""

    x: list[float]
    y: list[float]
    explained: list[float] = Field(
        description="The share of the path's variance along each direction (σ_k² / Σ σ²)."
    )


class LandscapeResult(GridResult):
    """The loss on the grid, z[i][j] at (x[j], y[i]). Along directions the point is (0, 0),
    z[i][j] = loss(point + x[j] d1 + y[i] d2), and the reply says which directions."""

    basis: Literal["filter_normalized", "pca"] | None = Field(
        None, description="With `directions`: random filter-normalized ones, or the path's PCA."
    )
    directions: TypedArray | None = Field(
        None, description="d1 and d2, float64 (2, P), to place other points in the plane."
    )
    path: PathProjection | None = Field(None, description="With a `path`: its coordinates.")


def _plane(objective: Objective, point: Array, seed: int, path: list[list[float]] | None) -> Plane:
    """The path's PCA plane, or filter-normalized directions (EngineError when impossible)."""
    if objective.dim < 2:
        raise EngineError("landscape.path_dim")
    if path is not None:
        return pca_plane(np.array(path, dtype=np.float64), point)
    filters = getattr(objective, "filters", None)
    if not filters:
        raise EngineError("landscape.needs_filters")
    return Plane(filter_normalized(point, filters, seed), "filter_normalized")


def plane_landscape(
    objective: Objective,
    point: list[float],
    directions: Directions,
    path: list[list[float]] | None,
    ranges: list[list[float]],
    resolution: int,
    lang: Lang,
) -> LandscapeResult:
    """The loss on a resolution² grid of the plane through `point` (a 422 naming the field at
    fault when the point or the path does not fit the objective). Work is checked before."""
    for field, rows in (("point", [point]), ("path", path or [])):
        for row in rows:
            if len(row) != objective.dim:
                wrong = EngineError(
                    "error.coordinates", field=field, dim=objective.dim, got=len(row)
                )
                raise refusal(wrong, lang, ("body", field))
    w = np.array(point, dtype=np.float64)
    try:
        plane = _plane(objective, w, directions.seed, path)
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "path" if path is not None else "directions")) from exc
    (x0, x1), (y0, y1) = ranges
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    with np.errstate(all="ignore"):  # far along a direction the loss may overflow: NaN in the plot
        z = plane_slice(objective, w, plane.basis, xs, ys)
    grid = grid_result(xs, ys, z)
    out = LandscapeResult(
        x=grid.x,
        y=grid.y,
        z=grid.z,
        zmin=grid.zmin,
        zmax=grid.zmax,
        basis="pca" if plane.kind == "pca" else "filter_normalized",
        directions=TypedArray.model_validate(typed(plane.basis, "f8", plane.basis.shape)),
    )
    if plane.path is not None and plane.explained is not None:
        out.path = PathProjection(
            x=plane.path[:, 0].tolist(),
            y=plane.path[:, 1].tolist(),
            explained=plane.explained.tolist(),
        )
    return out
