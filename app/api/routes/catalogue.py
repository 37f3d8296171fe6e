"""The catalogues: surfaces (with plotting grids) and optimizers."""

import base64
import dataclasses

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Response

from app.api.schemas import OptimizerInfo, SurfaceInfo
from app.config import SETTINGS
from app.engine.objectives.surfaces import SURFACES, Surface
from app.engine.optimizers import OPTIMIZERS
from app.engine.types import Array

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


def surface_info(s: Surface) -> SurfaceInfo:
    """The public description of a surface."""
    minima = [{"point": list(m.point), "value": m.value, "kind": m.kind} for m in s.minima]
    return SurfaceInfo(
        name=s.name,
        title=s.title,
        latex=s.latex,
        formula=s.formula,
        lesson=s.lesson,
        domain=s.domain,
        minima=minima,
        log_scale=s.log_scale,
    )


@router.get("/surfaces")
def list_surfaces() -> list[SurfaceInfo]:
    """The 2-D test surfaces: formula, plotting domain and known minima."""
    return [surface_info(s) for s in SURFACES.values()]


@router.get("/surfaces/{name}", responses={404: {"description": "Unknown surface"}})
def read_surface(name: str) -> SurfaceInfo:
    """One surface of the catalogue."""
    return surface_info(_surface(name))


def typed_array(values: Array, shape: tuple[int, ...] | None = None) -> dict[str, str]:
    """Plotly's typed-array encoding: base64 of little-endian float32."""
    data = base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode()
    out = {"dtype": "f4", "bdata": data}
    if shape is not None:
        out["shape"] = ",".join(map(str, shape))
    return out


@router.get("/surfaces/{name}/grid", responses={404: {"description": "Unknown surface"}})
def read_surface_grid(
    name: str,
    response: Response,
    resolution: int = Query(128, ge=2, le=SETTINGS.max_resolution, description="Points per axis"),
) -> dict[str, object]:
    """Surface values on a resolution × resolution grid, as Plotly typed arrays (float32)."""
    s = _surface(name)
    (x0, x1), (y0, y1) = s.domain
    x, y = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    xx, yy = np.meshgrid(x, y)
    z = s.value(xx, yy)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return {
        "x": typed_array(x),
        "y": typed_array(y),
        "z": typed_array(z, z.shape),
        "zmin": float(z.min()),
        "zmax": float(z.max()),
    }


@router.get("/optimizers")
def list_optimizers() -> list[OptimizerInfo]:
    """The optimizers, named and parametrised as in torch.optim, with their update equations."""
    return [
        OptimizerInfo(
            name=r.name,
            title=r.title,
            torch_name=r.torch_name,
            equations=r.equations,
            defaults={f.name: f.default for f in dataclasses.fields(r.hyper)},
        )
        for r in OPTIMIZERS.values()
    ]


def _surface(name: str) -> Surface:
    if name not in SURFACES:
        raise HTTPException(404, f"unknown surface '{name}'; choose one of: {', '.join(SURFACES)}")
    return SURFACES[name]
