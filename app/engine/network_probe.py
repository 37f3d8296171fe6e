"""What a network at one parameter vector does, for a page to draw once per frame: its class
probabilities over a box of its two features, and its loss and accuracy on a data set (its own,
or a held-out one from the same generator).
"""

from dataclasses import dataclass

import numpy as np

from app.engine.datasets import Dataset
from app.engine.errors import EngineError
from app.engine.objectives.network import NetworkObjective
from app.engine.predictions import Interval, feature_box
from app.engine.types import Array

BLOCK_POINTS = 1 << 15  # grid points per forward pass: (points x units) activations stay small


@dataclass(frozen=True)
class Fit:
    """The data loss (l2 left out) and, for classification, the accuracy on a data set."""

    loss: float
    accuracy: float | None


def fit_on(objective: NetworkObjective, w: Array, data: Dataset) -> Fit:
    """The network with parameters `w: (P,)` on `data` (the objective's own or another set of
    the same task and shape)."""
    row = np.asarray(w, dtype=np.float64).reshape(1, -1)
    loss = float(objective.data_loss(row, data.X, data.y)[0])
    if data.kind != "classification":
        return Fit(loss, None)
    return Fit(loss, float(objective.accuracy(row, data.X, data.labels())[0]))


def penalty(objective: NetworkObjective, w: Array) -> float:
    """l2 · Σ_l |W^l|² at `w: (P,)`: what the loss adds to the data loss."""
    row = np.asarray(w, dtype=np.float64).reshape(1, -1)
    return float(objective.net.penalty(objective.net.unpack(row))[0])


def regions(
    objective: NetworkObjective,
    w: Array,
    box: tuple[Interval, Interval] | None,
    resolution: int,
) -> tuple[Array, Array, Array]:
    """xs (R,), ys (R,) and the class probabilities proba (R, R, C) at (xs[j], ys[i]) over `box`
    (default: the data's bounding box with a margin). Needs a classifier on 2 features."""
    if objective.data.d != 2:
        raise EngineError("predict.needs_two_features", features=objective.data.d)
    (x0, x1), (y0, y1) = box if box is not None else feature_box(objective.data)
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    proba = np.concatenate(
        [
            objective.predict_proba(w, points[lo : lo + BLOCK_POINTS])
            for lo in range(0, len(points), BLOCK_POINTS)
        ]
    )
    return xs, ys, proba.reshape(resolution, resolution, -1)
