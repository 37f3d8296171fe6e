"""The catalogues: surfaces (with plotting grids), optimizers, and the message catalogues."""

import dataclasses
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from app.api import cached
from app.api.errors import INVALID, NOT_FOUND
from app.api.grids import check_resolution, grid_values_of
from app.api.language import Language
from app.api.objectives import SurfaceSpec
from app.api.replies import GridResult, LandmarkInfo, OptimizerInfo, SurfaceInfo
from app.config import CEILINGS
from app.engine.objectives.surfaces import SURFACES, Surface, SurfaceObjective
from app.engine.optimizers import OPTIMIZERS
from app.i18n import LANGS, Lang, catalogue, translate

router = APIRouter(prefix="/api/v1", tags=["catalogue"])

# 14 surfaces at a few resolutions (1.4 MB each at most), and the catalogues in each language
SHELF = cached.Shelf(64)
SurfaceName = Annotated[str, Path(json_schema_extra={"enum": list(SURFACES)})]


def surface_info(s: Surface, lang: Lang) -> SurfaceInfo:
    """The public description of a surface, in `lang`."""
    return SurfaceInfo(
        name=s.name,
        title=translate(lang, f"surface.{s.name}.title"),
        latex=s.latex,
        formula=s.formula,
        lesson=translate(lang, f"surface.{s.name}.lesson"),
        domain=[list(s.domain[0]), list(s.domain[1])],
        minima=[LandmarkInfo(point=list(m.point), value=m.value, kind=m.kind) for m in s.minima],
        log_scale=s.log_scale,
    )


def surfaces_reply(lang: Lang) -> cached.Encoded:
    return cached.encode([surface_info(s, lang) for s in SURFACES.values()])


@router.get("/surfaces", response_model=list[SurfaceInfo], responses=cached.NOT_MODIFIED)
async def list_surfaces(request: Request, lang: Language) -> Response:
    """The 2-D test surfaces: formula, plotting domain and known minima."""
    reply = await SHELF.get(("surfaces", lang), lambda: surfaces_reply(lang))
    return cached.send(request, reply, "no-cache", vary=cached.BY_LANGUAGE)


@router.get("/surfaces/{name}", responses=NOT_FOUND)
def read_surface(name: SurfaceName, lang: Language) -> SurfaceInfo:
    """One surface of the catalogue."""
    return surface_info(_surface(name, lang), lang)


def grid_encoded(name: str, resolution: int) -> cached.Encoded:
    """A surface's grid, computed and encoded: every student asks for the same."""
    return cached.encode(grid_values_of(SurfaceObjective(SURFACES[name]), resolution), True)


@router.get(
    "/surfaces/{name}/grid",
    responses={**NOT_FOUND, **INVALID, **cached.NOT_MODIFIED},
    response_model=GridResult,
    response_model_exclude_none=True,
)
async def read_surface_grid(
    name: SurfaceName,
    request: Request,
    lang: Language,
    resolution: int = Query(128, ge=2, le=CEILINGS.max_resolution, description="Points per axis."),
) -> Response:
    """Surface values on a resolution × resolution grid, as Plotly typed arrays (float32)."""
    _surface(name, lang)
    check_resolution(resolution, request.app.state.settings, lang)
    reply = await SHELF.get(("grid", name, resolution), lambda: grid_encoded(name, resolution))
    return cached.send(request, reply, "public, max-age=86400")


def optimizers_reply(lang: Lang) -> cached.Encoded:
    return cached.encode(
        [
            OptimizerInfo(
                name=r.name,
                title=r.title,
                torch_name=r.torch_name,
                equations=translate(lang, f"optimizer.{r.name}.equations"),
                defaults={f.name: _default(f.default) for f in dataclasses.fields(r.hyper)},
            )
            for r in OPTIMIZERS.values()
        ]
    )


@router.get("/optimizers", response_model=list[OptimizerInfo], responses=cached.NOT_MODIFIED)
async def list_optimizers(request: Request, lang: Language) -> Response:
    """The optimizers, named and parametrised as in torch.optim, with their update equations."""
    reply = await SHELF.get(("optimizers", lang), lambda: optimizers_reply(lang))
    return cached.send(request, reply, "no-cache", vary=cached.BY_LANGUAGE)


def messages_reply(lang: Lang) -> cached.Encoded:
    return cached.encode(dict(catalogue(lang)))


@router.get(
    "/i18n/{lang}",
    responses={**INVALID, **cached.NOT_MODIFIED},
    response_model=dict[str, str],
)
async def read_messages(
    request: Request, lang: Annotated[Lang, Path(description="A language: en or zh.")]
) -> Response:
    """The message catalogue of one language: every string of the page and the API's sentences."""
    reply = await SHELF.get(("messages", lang), lambda: messages_reply(lang))
    return cached.send(request, reply, "public, max-age=300")


def _default(value: object) -> float | bool | list[float]:
    """A hyperparameter default as JSON."""
    if isinstance(value, tuple):
        return [float(v) for v in value]
    assert isinstance(value, float | bool | int)
    return value


def _surface(name: str, lang: Lang) -> Surface:
    """The catalogue entry, or a 404 naming the choices in `lang`."""
    if name not in SURFACES:
        choices = ", ".join(SURFACES)
        raise HTTPException(
            404, translate(lang, "error.unknown_surface", name=name, choices=choices)
        )
    return SURFACES[name]


__all__ = ["LANGS", "SurfaceSpec", "router"]
