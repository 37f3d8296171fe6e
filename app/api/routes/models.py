"""A model on a data set, looked at closely: what it predicts, and the SVM's one-sample example.

Both build the model from the request (the data is drawn or parsed again: a pure function of
the body) and run in FastAPI's worker threads; a page calls predict once per frame.
"""

import numpy as np
from fastapi import APIRouter, Request

from app.api.data_schemas import (
    PredictLine,
    PredictRegions,
    PredictRequest,
    SampleGradientCheck,
    SvmSampleReport,
    SvmSampleRequest,
)
from app.api.errors import BODY_ERRORS, built_at, refusal
from app.api.language import Language
from app.api.replies import TypedArray
from app.api.runs import typed
from app.config import Settings
from app.engine import predictions
from app.engine.errors import EngineError
from app.engine.objectives.models import (
    Classifier,
    LinearRegression,
    SVMClassifier,
)
from app.engine.types import Array
from app.engine.walkthrough import svm_walkthrough

router = APIRouter(prefix="/api/v1", tags=["models"])
Box = tuple[tuple[float, float], tuple[float, float]]


def _f4(values: Array, shape: tuple[int, ...] | None = None) -> TypedArray:
    return TypedArray.model_validate(typed(values, "f4", shape))


def line_reply(model: LinearRegression, w: Array, box: Box | None, r: int) -> PredictLine:
    """ŷ along the feature (box[0] when given); null where it overflows."""
    xs, yhat = predictions.fitted_line(model, w, box[0] if box else None, r)
    return PredictLine(x=xs.tolist(), yhat=[v if np.isfinite(v) else None for v in yhat.tolist()])


def regions_reply(model: Classifier, w: Array, box: Box | None, r: int) -> PredictRegions:
    """Probabilities (float32) or, for the SVM, predicted classes (uint8) over the box."""
    grid = predictions.regions(model, w, box, r)
    out = PredictRegions(x=_f4(grid.xs), y=_f4(grid.ys), classes=grid.classes)
    if grid.proba is not None:
        out.proba = _f4(grid.proba, grid.proba.shape)
    if grid.labels is not None:
        out.labels = TypedArray.model_validate(typed(grid.labels, "u1", grid.labels.shape))
    return out


@router.post(
    "/predict",
    response_model=PredictRegions | PredictLine,
    responses=BODY_ERRORS,
    response_model_exclude_none=True,
)
def predict(req: PredictRequest, request: Request, lang: Language) -> PredictRegions | PredictLine:
    """Decision regions of a classifier on two features, or the fitted line of a regression."""
    settings: Settings = request.app.state.settings
    model, w = built_at(req.objective.build, req.point, lang)
    r = req.resolution
    if r > settings.max_resolution:
        capped = EngineError("error.resolution_cap", resolution=r, limit=settings.max_resolution)
        raise refusal(capped, lang, ("body", "resolution"))
    box = (
        None
        if req.box is None
        else ((req.box[0][0], req.box[0][1]), (req.box[1][0], req.box[1][1]))
    )
    try:
        with np.errstate(all="ignore"):  # huge weights give NaN in a plot, never an error
            if isinstance(model, LinearRegression):
                return line_reply(model, w, box, r)
            assert isinstance(model, Classifier)
            return regions_reply(model, w, box, r)
    except EngineError as exc:  # a model on too many (or too few) features to draw
        raise refusal(exc, lang, ("body", "objective")) from exc


@router.post("/svm/sample", responses=BODY_ERRORS)
def svm_sample(req: SvmSampleRequest, lang: Language) -> SvmSampleReport:
    """The notes' SVM example on one sample: scores, margins, loss, dW, db, and their check."""
    model, w = built_at(req.objective.build, req.point, lang)
    assert isinstance(model, SVMClassifier)  # the request's validator asks for an svm
    try:
        walk = svm_walkthrough(model, w, req.index)
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "index")) from exc
    [step] = walk.check.steps
    sample = walk.sample
    return SvmSampleReport(
        index=walk.index,
        x=list(walk.x),
        y=walk.y,
        delta=model.delta,
        scores=sample["scores"],
        margins=sample["margins"],
        active=sample["active"],
        loss=sample["loss"],
        dW=sample["dW"],
        db=sample["db"],
        rows_touched=list(walk.rows_touched),
        h=step.h,
        gradcheck=[
            SampleGradientCheck(
                name=c.name,
                analytic=c.analytic,
                numerical=_finite(c.centred.numerical),
                rel_error=_finite(c.centred.error),
                verdict=c.centred.verdict,
            )
            for c in step.parameters
        ],
        verdict=step.centred_verdict,
    )


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None
