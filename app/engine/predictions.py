"""What a model on a data set predicts, for plots: a classifier's decision regions over a box
of its two features, and a regression's fitted line along its one feature.

A classifier that gives probabilities (logistic, softmax) reports them, (R, R, C); the SVM has
scores, not probabilities, and reports its predicted class, (R, R). Either way row i is the
i-th y value and column j the j-th x value, as in a heat map.
"""

from dataclasses import dataclass

import numpy as np

from app.engine.datasets import Dataset
from app.engine.errors import EngineError
from app.engine.objectives.models import Classifier, LinearRegression, SVMClassifier
from app.engine.types import Array, IntArray

MARGIN = 0.1  # the default box reaches this fraction of the data's extent past each side
Interval = tuple[float, float]


def feature_box(data: Dataset, margin: float = MARGIN) -> tuple[Interval, ...]:
    """The data's bounding box, widened by `margin` of its extent (by 1 where it is flat)."""
    low, high = data.X.min(axis=0), data.X.max(axis=0)
    pad = np.where(high > low, margin * (high - low), 1.0)
    return tuple((float(lo), float(hi)) for lo, hi in zip(low - pad, high + pad, strict=True))


@dataclass(frozen=True)
class Regions:
    """A classifier over a grid: xs (R,), ys (R,), and proba (R, R, C) or labels (R, R)."""

    xs: Array
    ys: Array
    classes: int
    proba: Array | None
    labels: IntArray | None


def regions(
    model: Classifier, w: Array, box: tuple[Interval, Interval] | None, resolution: int
) -> Regions:
    """The classifier with parameters `w: (P,)` on a resolution x resolution grid over `box`
    (default: `feature_box` of its data). Needs a data set with two features."""
    if model.data.d != 2:
        raise EngineError("predict.needs_two_features", features=model.data.d)
    (x0, x1), (y0, y1) = box if box is not None else feature_box(model.data)
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    c = model.data.classes
    if isinstance(model, SVMClassifier):
        labels = model.classify(w, points).reshape(resolution, resolution)
        return Regions(xs, ys, c, None, labels)
    proba = model.probabilities(w, points).reshape(resolution, resolution, c)
    return Regions(xs, ys, c, proba, None)


def fitted_line(
    model: LinearRegression, w: Array, interval: Interval | None, resolution: int
) -> tuple[Array, Array]:
    """x (R,) along `interval` (default: the feature's range with a margin) and the fitted
    ŷ = w x + b there. Needs a data set with one feature."""
    if model.data.d != 1:
        raise EngineError("predict.needs_one_feature", features=model.data.d)
    x0, x1 = interval if interval is not None else feature_box(model.data)[0]
    xs = np.linspace(x0, x1, resolution)
    return xs, model.predict(w, xs[:, None])
