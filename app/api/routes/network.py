"""A network looked at closely, once per frame: decision regions and accuracy (`/network/probe`),
and one sample's units (`/network/unit`).

Both build the network from the request (the data is drawn again: a pure function of the body)
and run in FastAPI's worker threads; for the default network on 200 samples each answers in a
few milliseconds.
"""

import numpy as np
from fastapi import APIRouter, Request

from app.api.data_objectives import GeneratedData
from app.api.errors import BODY_ERRORS, built_at, refusal
from app.api.language import Language
from app.api.network_objectives import NetworkSpec
from app.api.network_schemas import (
    ProbeRequest,
    ProbeResult,
    Regions,
    UnitRequest,
    UnitResult,
)
from app.api.replies import TypedArray
from app.api.runs import typed
from app.config import Settings
from app.engine import network_probe
from app.engine.datasets import MAX_SEED
from app.engine.errors import EngineError
from app.engine.objectives.network import NetworkObjective
from app.engine.types import Array
from app.i18n import Lang

router = APIRouter(prefix="/api/v1/network", tags=["network"])


def held_out_seed(spec: NetworkSpec) -> int | None:
    """The held-out set's seed, seed + 1 (wrapping at 2^32); None for a CSV file."""
    data = spec.dataset
    return (data.seed + 1) % (MAX_SEED + 1) if isinstance(data, GeneratedData) else None


def _finite(value: float | None) -> float | None:
    return value if value is None or np.isfinite(value) else None


def _regions(objective: NetworkObjective, w: Array, req: ProbeRequest) -> Regions | None:
    """Class probabilities over the box, for a classifier on two features; else None."""
    if objective.data.kind != "classification" or objective.data.d != 2:
        return None
    b = req.box
    box = None if b is None else ((b[0][0], b[0][1]), (b[1][0], b[1][1]))
    xs, ys, proba = network_probe.regions(objective, w, box, req.resolution)
    proba = np.where(np.isfinite(proba), proba, 0.0)
    scale = 255.0 if req.precision == "u1" else 1.0
    values = np.rint(proba * 255.0) if req.precision == "u1" else proba
    return Regions(
        x=TypedArray.model_validate(typed(xs, "f4")),
        y=TypedArray.model_validate(typed(ys, "f4")),
        classes=proba.shape[2],
        proba=TypedArray.model_validate(typed(values, req.precision, proba.shape)),
        scale=scale,
    )


def check_probe_work(objective: NetworkObjective, req: ProbeRequest, settings: Settings) -> None:
    """EngineError when the grid is finer than the app allows, or the forward passes (grid,
    data and held-out data, each point costing P / 4) would take too long."""
    r = req.resolution
    if r > settings.max_resolution:
        raise EngineError("error.resolution_cap", resolution=r, limit=settings.max_resolution)
    points = r * r + 2 * objective.data.n
    cost = max(1.0, objective.dim / 4.0)
    if points * cost > settings.max_point_steps:
        raise EngineError(
            "network.probe_work",
            points=f"{points:,}",
            cost=f"{cost:g}",
            work=f"{points * cost:,.0f}",
            limit=f"{settings.max_point_steps:,}",
        )


def probe(req: ProbeRequest, settings: Settings, lang: Lang) -> ProbeResult:
    """The probe's work, in a worker thread."""
    objective, w = built_at(req.objective.build, req.point, lang)
    try:
        check_probe_work(objective, req, settings)
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "resolution")) from exc
    seed = held_out_seed(req.objective)
    with np.errstate(all="ignore"):  # huge weights give NaN or null, never an error
        train = network_probe.fit_on(objective, w, objective.data)
        held = None
        if seed is not None:
            assert isinstance(req.objective.dataset, GeneratedData)
            data = req.objective.dataset.model_copy(update={"seed": seed}).load()
            held = network_probe.fit_on(objective, w, data)
        regions = _regions(objective, w, req)
        penalty = network_probe.penalty(objective, w)
    return ProbeResult(
        regions=regions,
        train_loss=_finite(train.loss),
        train_accuracy=train.accuracy,
        held_out_seed=seed,
        held_out_loss=_finite(held.loss) if held else None,
        held_out_accuracy=held.accuracy if held else None,
        penalty=_finite(penalty),
    )


@router.post("/probe", responses=BODY_ERRORS)
def probe_network(req: ProbeRequest, request: Request, lang: Language) -> ProbeResult:
    """A network's class probabilities over its data's box, and its loss and accuracy on its
    data and on a held-out set (the same generator with seed + 1)."""
    return probe(req, request.app.state.settings, lang)


def _check_target(objective: NetworkObjective, y: float | None) -> None:
    """A class label must be one of the data set's labels (EngineError)."""
    data = objective.data
    if y is None or data.kind != "classification":
        return
    if not (float(y).is_integer() and 0 <= y < data.classes):
        raise EngineError("network.unit_label", last=data.classes - 1, y=f"{y:g}")


def _maybe(rows: list[list[float]]) -> list[list[float | None]]:
    return [[v if np.isfinite(v) else None for v in row] for row in rows]


@router.post("/unit", responses=BODY_ERRORS)
def network_unit(req: UnitRequest, lang: Language) -> UnitResult:
    """One sample through the network: z, a and δ = dC/dz of every unit, layer by layer."""
    objective, w = built_at(req.objective.build, req.point, lang)
    if len(req.x) != objective.data.d:
        d = objective.data.d
        wrong = EngineError("error.coordinates", field="x", dim=d, got=len(req.x))
        raise refusal(wrong, lang, ("body", "x"))
    try:
        _check_target(objective, req.y)
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "y")) from exc
    with np.errstate(all="ignore"):
        values = objective.unit_values(w, np.array(req.x, dtype=np.float64), req.y)
    return UnitResult(
        x=values["x"],
        y=values["y"],
        sample=values["sample"],
        sizes=list(objective.net.sizes),
        z=_maybe(values["z"]),
        a=_maybe(values["a"]),
        delta=_maybe(values["delta"]),
        loss=_finite(values["loss"]),
    )
