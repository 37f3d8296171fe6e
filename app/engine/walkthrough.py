"""The notes' SVM example for one sample of a data set, and a gradient check of it.

For sample n of an SVM's data, at parameters w: the scores s = W x + b, the margins
s_j - s_y + Δ, which of them are active, the one-sample loss L_n = Σ_{j≠y} max(0, s_j - s_y + Δ)
and its gradient (row j of dW is x for an active margin; row y is -(active count) x), the
rows of W it touches, and the numerical gradient of L_n beside it (centred differences,
`app.engine.gradcheck`). The check is of the data loss of that one sample: no l2, no mean.
"""

from dataclasses import dataclass

import numpy as np

from app.engine.datasets import Dataset
from app.engine.errors import EngineError
from app.engine.gradcheck import GradCheckReport, check_gradient
from app.engine.objectives.losses import SvmSample, svm_sample
from app.engine.objectives.models import SVMClassifier
from app.engine.types import Array


@dataclass(frozen=True)
class SvmWalkthrough:
    """One sample's hinge loss and gradient, its touched rows, and their gradient check."""

    index: int
    x: tuple[float, ...]
    y: int
    sample: SvmSample
    rows_touched: tuple[int, ...]  # classes whose row of W (and entry of b) gets a gradient
    check: GradCheckReport


def svm_walkthrough(model: SVMClassifier, w: Array, index: int, h: float = 1e-5) -> SvmWalkthrough:
    """The walkthrough of sample `index` of the model's data at parameters `w: (P,)`."""
    data = model.data
    if not 0 <= index < data.n:
        raise EngineError("svm.index", index=index, top=data.n - 1)
    W, b = model.split(np.asarray(w, dtype=np.float64)[None, :])
    x, y = data.X[index], int(data.labels()[index])
    sample = svm_sample(W[0], b[0], x, y, model.delta)
    active = [j for j, on in enumerate(sample["active"]) if on]
    touched = tuple(sorted({*active, y})) if active else ()
    one = Dataset(x[None, :], np.array([y]), "classification", data.classes, data.feature_names)
    check = check_gradient(SVMClassifier(one, 0.0, None, model.delta), w, h)
    return SvmWalkthrough(index, tuple(x.tolist()), y, sample, touched, check)
