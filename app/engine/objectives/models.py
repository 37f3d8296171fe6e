"""Linear models on a data set, with analytic gradients: one objective per loss.

Every model is affine, scores = W x + b with C outputs (C = 1 for `linear` and `logistic`, the
number of classes for `svm` and `softmax`), and its P = C (D + 1) parameters are laid out as W
row-major, then b: `w[0] .. w[D-1], b` for one output, `W[k,j]` (class k, feature j) then
`b[k]` for C outputs. The loss is the data loss, a mean over samples, plus
`l2 * sum(W**2)` (biases are not regularised).

All K parameter rows go through one forward and one backward pass (a matrix product each),
in blocks of rows holding about 2^16 scores each, so the temporaries stay in the CPU cache
and memory stays bounded for any K.

Mini-batches: given `BatchSpec(size, seed)`, `grad(w, step)` and `loss_and_grad(w, step)` use
the batch of that step (see `app.engine.batches`) and `loss_and_grad` returns the batch's loss;
`grad(w, None)`, `loss_and_grad(w, None)` and `loss(w)` always use the full data set.

Cost: one loss-and-gradient row does about 2 n P multiply-adds (forward and backward) for the
n samples it touches; the runner's budget counts it as n P / 2 evaluations of a built-in 2-D
surface. With batches n = B + N: each step also takes the full gradient, on which the runner
judges convergence.

Refusals a student can act on (a model that cannot learn the data set, a bad l2 or margin) are
`EngineError`s with `model.*` catalogue keys; `check_fit` makes the model/data check alone.
"""

from abc import abstractmethod
from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from app.engine.batches import Batches, BatchSpec
from app.engine.datasets import Dataset, Kind
from app.engine.errors import EngineError
from app.engine.objectives import losses
from app.engine.objectives.base import BaseObjective, Box, Landmark
from app.engine.types import Array, IntArray

BLOCK_SCORES = 1 << 16  # scores held at once (512 kB): rows are split into blocks this size


def _blocks(k: int, per_row: int) -> Iterator[slice]:
    """Slices of the K rows, each holding at most BLOCK_SCORES scores (at least one row)."""
    rows = max(1, BLOCK_SCORES // max(1, per_row))
    for lo in range(0, k, rows):
        yield slice(lo, min(lo + rows, k))


class AffineModel(BaseObjective):
    """An affine model with C outputs on a data set; subclasses pick the loss and the data kind."""

    name: ClassVar[str]  # the key in MODELS
    kind: ClassVar[Kind]
    title: ClassVar[str]
    formula: ClassVar[str]

    def __init__(self, data: Dataset, l2: float = 0.0, batch: BatchSpec | None = None) -> None:
        """The model on `data` with weight decay `l2` >= 0 and optional mini-batches."""
        check_fit(self.name, data.kind, data.classes)
        if not (np.isfinite(l2) and l2 >= 0):
            raise EngineError("model.l2", value=l2)
        self.data, self.l2 = data, float(l2)
        self.outputs = self._outputs(data)
        self.y = data.targets() if self.outputs == 1 else data.labels()  # as the loss wants it
        self.n_weights = self.outputs * data.d
        self.names = self._names()
        self.batches = None if batch is None or batch.size >= data.n else Batches(data.n, batch)
        self.stochastic = self.batches is not None
        samples = data.n if self.batches is None else self.batches.size
        self.cost = max(1.0, samples * self.dim / 2.0)

    def _outputs(self, data: Dataset) -> int:
        """C, the number of scores per sample."""
        return 1

    def _names(self) -> tuple[str, ...]:
        """`w[j]` and `b` for one output; `W[k,j]` and `b[k]` for several."""
        d = self.data.d
        if self.outputs == 1:
            return (*(f"w[{j}]" for j in range(d)), "b")
        weights = (f"W[{k},{j}]" for k in range(self.outputs) for j in range(d))
        return (*weights, *(f"b[{k}]" for k in range(self.outputs)))

    @property
    def start_region(self) -> Box:
        """The box [-1, 1]^P."""
        return (-1.0,) * self.dim, (1.0,) * self.dim

    # --- the data loss of scores (K, C, N), set by subclasses ---------------------------------

    @abstractmethod
    def _data_loss(self, scores: Array, y: Array | IntArray) -> Array:
        """Mean loss over the samples per row: (K, C, N) -> (K,)."""

    @abstractmethod
    def _data_loss_grad(self, scores: Array, y: Array | IntArray) -> tuple[Array, Array]:
        """`_data_loss` and dscores (K, C, N), d(loss) / d(scores)."""

    # --- the objective ---------------------------------------------------------------------

    def split(self, w: Array) -> tuple[Array, Array]:
        """W (K, C, D) and b (K, C) of parameter rows `w: (K, P)`."""
        if w.ndim != 2 or w.shape[1] != self.dim:
            raise ValueError(f"parameters must be (K, {self.dim}), got {w.shape}")
        k = w.shape[0]
        return w[:, : self.n_weights].reshape(k, self.outputs, self.data.d), w[:, self.n_weights :]

    def _data(self, step: int | None) -> tuple[Array, Array | IntArray]:
        """The full data set, or the batch of `step` when there are batches and a step."""
        X, y = self.data.X, self.y
        if self.batches is None or step is None:
            return X, y
        idx = self.batches.indices(step)
        return X[idx], y[idx]

    def _loss_on(self, w: Array, X: Array, y: Array | IntArray) -> Array:
        """Loss per row on (X, y): (K, P) -> (K,)."""
        out = np.empty(w.shape[0])
        for rows in _blocks(w.shape[0], self.outputs * X.shape[0]):
            W, b = self.split(w[rows])
            scores, _ = losses.affine_forward(W, b, X)
            out[rows] = self._data_loss(scores, y) + self.l2 * np.einsum("kcd,kcd->k", W, W)
        return out

    def _loss_grad_on(self, w: Array, X: Array, y: Array | IntArray) -> tuple[Array, Array]:
        """Loss (K,) and gradient (K, P) per row on (X, y), from one forward pass."""
        loss, dw = np.empty(w.shape[0]), np.empty_like(w, dtype=np.float64)  # w's memory order
        for rows in _blocks(w.shape[0], self.outputs * X.shape[0]):
            W, b = self.split(w[rows])
            scores, cache = losses.affine_forward(W, b, X)
            data_loss, dscores = self._data_loss_grad(scores, y)
            dW, db = losses.affine_backward(dscores, cache)
            loss[rows] = data_loss + self.l2 * np.einsum("kcd,kcd->k", W, W)
            dw[rows, : self.n_weights] = (dW + 2.0 * self.l2 * W).reshape(len(db), -1)
            dw[rows, self.n_weights :] = db
        return loss, dw

    def loss(self, w: Array) -> Array:
        """Full loss per row: (K, P) -> (K,)."""
        X, y = self._data(None)
        return self._loss_on(w, X, y)

    def grad(self, w: Array, step: int | None = None) -> Array:
        """Gradient per row, on the batch of `step` (full when step is None): (K, P) -> (K, P)."""
        return self.loss_and_grad(w, step)[1]

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        """Loss and gradient from one pass, on the batch of `step` or the full data set."""
        X, y = self._data(step)
        return self._loss_grad_on(w, X, y)

    def scores(self, w: Array, X: Array) -> Array:
        """The C scores of one parameter vector `w: (P,)` at points `X: (M, D)`: (M, C)."""
        W, b = self.split(np.asarray(w, dtype=np.float64)[None, :])
        if X.ndim != 2 or X.shape[1] != self.data.d:
            raise ValueError(f"points must be (M, {self.data.d}), got {X.shape}")
        scores, _ = losses.affine_forward(W, b, X)
        out: Array = scores[0].T
        return out


class LinearRegression(AffineModel):
    """Least squares: mean_n (w . x_n + b - y_n)^2 + l2 |w|^2 (torch's MSELoss plus l2).

    A quadratic: its Hessian H = 2/N [X 1]^T [X 1] + 2 l2 diag(1, .., 1, 0) is the same
    everywhere, and its global minimum is the least-squares (ridge, when l2 > 0) solution.
    """

    name = "linear"
    kind = "regression"
    title = "Linear regression"
    formula = "L = mean((Xw + b − y)²) + l2·|w|²"

    def __init__(self, data: Dataset, l2: float = 0.0, batch: BatchSpec | None = None) -> None:
        """The model, its exact Hessian and minimum."""
        super().__init__(data, l2, batch)
        A = np.hstack([data.X, np.ones((data.n, 1))])
        decay = np.diag(np.r_[np.ones(data.d), 0.0])
        self.hessian: Array = (2.0 / data.n) * (A.T @ A) + 2.0 * self.l2 * decay
        self.hessian_eigenvalues = np.asarray(np.linalg.eigvalsh(self.hessian), dtype=np.float64)
        # ridge is least squares on A stacked over sqrt(N l2) diag(1, .., 1, 0)
        rows = np.vstack([A, np.sqrt(data.n * self.l2) * decay])
        rhs = np.r_[data.targets(), np.zeros(self.dim)]
        self.solution: Array = np.linalg.lstsq(rows, rhs, rcond=None)[0]
        self.minimum = float(self.loss(self.solution[None, :])[0])
        self.landmarks = (Landmark(tuple(self.solution.tolist()), self.minimum, "global"),)
        if self.dim == 2:
            half = np.maximum(1.5, np.abs(self.solution) + 1.25)  # holds [-1, 1]^2 too
            lo, hi = self.solution - half, self.solution + half
            self.domain = ((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])))

    def _data_loss(self, scores: Array, y: Array | IntArray) -> Array:
        return losses.mse(scores[:, 0], np.asarray(y, dtype=np.float64))

    def _data_loss_grad(self, scores: Array, y: Array | IntArray) -> tuple[Array, Array]:
        loss, dscores = losses.mse_grad(scores[:, 0], np.asarray(y, dtype=np.float64))
        return loss, dscores[:, None, :]

    def predict(self, w: Array, X: Array) -> Array:
        """The prediction w . x + b of one parameter vector `w: (P,)` at `X: (M, D)`: (M,)."""
        out: Array = self.scores(w, X)[:, 0]
        return out


class Classifier(AffineModel):
    """A classification model: class probabilities and predicted labels for decision regions."""

    kind = "classification"

    def probabilities(self, w: Array, X: Array) -> Array:
        """Class probabilities of one parameter vector `w: (P,)` at `X: (M, D)`: (M, C)."""
        return losses.softmax(self.scores(w, X), axis=1)

    def classify(self, w: Array, X: Array) -> IntArray:
        """The predicted class (highest probability) at each point of `X: (M, D)`: (M,)."""
        labels: IntArray = np.argmax(self.probabilities(w, X), axis=1).astype(np.int64)
        return labels


class LogisticRegression(Classifier):
    """Two classes: mean_n [softplus(s_n) - y_n s_n] + l2 |w|^2 with s_n = w . x_n + b.

    torch's binary_cross_entropy_with_logits (mean) plus l2, computed stably for any score.
    """

    name = "logistic"
    title = "Logistic regression"
    formula = "L = mean(log(1 + e^s) − y·s) + l2·|w|², s = Xw + b"

    def __init__(self, data: Dataset, l2: float = 0.0, batch: BatchSpec | None = None) -> None:
        """The model; the data set must have exactly two classes."""
        super().__init__(data, l2, batch)
        if self.dim == 2:
            self.domain = ((-4.0, 4.0), (-4.0, 4.0))

    def _data_loss(self, scores: Array, y: Array | IntArray) -> Array:
        return losses.bce_logits(scores[:, 0], np.asarray(y, dtype=np.float64))

    def _data_loss_grad(self, scores: Array, y: Array | IntArray) -> tuple[Array, Array]:
        loss, dscores = losses.bce_logits_grad(scores[:, 0], np.asarray(y, dtype=np.float64))
        return loss, dscores[:, None, :]

    def probabilities(self, w: Array, X: Array) -> Array:
        """[1 - sigma(s), sigma(s)] at each point of `X: (M, D)`: (M, 2)."""
        s = self.scores(w, X)[:, 0]
        return np.stack([losses.sigmoid(-s), losses.sigmoid(s)], axis=1)


class SoftmaxClassifier(Classifier):
    """C classes: mean_n [logsumexp(s_n) - s_{n, y_n}] + l2 |W|^2 (torch's cross_entropy)."""

    name = "softmax"
    title = "Softmax classifier"
    formula = "L = mean(log Σⱼ e^{sⱼ} − s_y) + l2·|W|², s = Wx + b"

    def _outputs(self, data: Dataset) -> int:
        return data.classes

    def _data_loss(self, scores: Array, y: Array | IntArray) -> Array:
        return losses.cross_entropy(scores, np.asarray(y, dtype=np.int64))

    def _data_loss_grad(self, scores: Array, y: Array | IntArray) -> tuple[Array, Array]:
        return losses.cross_entropy_grad(scores, np.asarray(y, dtype=np.int64))


class SVMClassifier(Classifier):
    """C classes: mean_n sum_{j != y_n} max(0, s_j - s_{y_n} + Δ) + l2 |W|^2 (the notes' SVM).

    The margin Δ is 1 by default (the notes' worked example uses 10; with l2 > 0 only the
    ratio of Δ to the weights' scale matters). An SVM has scores, not probabilities:
    `probabilities` is the softmax of the scores, for shading decision regions only; its
    highest class is the SVM's prediction.
    """

    name = "svm"
    title = "Multiclass SVM"
    formula = "L = mean(Σ_{j≠y} max(0, sⱼ − s_y + Δ)) + l2·|W|², s = Wx + b"

    def __init__(
        self, data: Dataset, l2: float = 0.0, batch: BatchSpec | None = None, delta: float = 1.0
    ) -> None:
        """The model with margin `delta` > 0."""
        if not (np.isfinite(delta) and delta > 0):
            raise EngineError("model.delta", value=delta)
        self.delta = float(delta)
        super().__init__(data, l2, batch)

    def _outputs(self, data: Dataset) -> int:
        return data.classes

    def _data_loss(self, scores: Array, y: Array | IntArray) -> Array:
        return losses.hinge(scores, np.asarray(y, dtype=np.int64), self.delta)

    def _data_loss_grad(self, scores: Array, y: Array | IntArray) -> tuple[Array, Array]:
        return losses.hinge_grad(scores, np.asarray(y, dtype=np.int64), self.delta)


MODELS: dict[str, type[AffineModel]] = {
    "linear": LinearRegression,
    "logistic": LogisticRegression,
    "svm": SVMClassifier,
    "softmax": SoftmaxClassifier,
}


def check_fit(name: str, kind: Kind, classes: int) -> None:
    """EngineError unless the model `name` can learn a `kind` data set with `classes` classes.

    Linear regression needs a numeric target; the classifiers need class labels, and logistic
    regression exactly two classes.
    """
    try:
        model = MODELS[name]
    except KeyError:
        raise EngineError("model.unknown", name=name, choices=", ".join(MODELS)) from None
    if model.kind != kind:
        raise EngineError(f"model.needs_{model.kind}", model=name)
    if model is LogisticRegression and classes != 2:
        raise EngineError("model.two_classes", model=name, classes=classes)


def make_model(
    name: str,
    data: Dataset,
    l2: float = 0.0,
    batch: BatchSpec | None = None,
    delta: float | None = None,
) -> AffineModel:
    """The model `name` (linear, logistic, svm, softmax) on `data`, or EngineError.

    `delta` is the SVM's margin (default 1); the other models take None.
    """
    check_fit(name, data.kind, data.classes)
    if name == "svm":
        return SVMClassifier(data, l2, batch, 1.0 if delta is None else delta)
    if delta is not None:
        raise EngineError("model.delta_svm_only", model=name)
    return MODELS[name](data, l2, batch)
