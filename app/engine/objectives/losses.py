"""Data losses of a batch of scores and their gradients, in CS231n's forward/backward style.

Scores carry K parameter rows at once: `(K, N)` for one output per sample, `(K, C, N)` for C
class scores per sample (classes on axis 1 and samples last, so every reduction over classes is
C elementwise passes over contiguous rows). Every loss is a mean over the N samples, so each
`*_grad` returns `dscores` = d(loss)/d(scores), already divided by N.

The affine layer maps parameters to scores: `scores = W X^T + b`, W: (K, C, D), b: (K, C).
"""

from typing import NamedTuple, TypedDict

import numpy as np

from app.engine.types import Array, IntArray


class AffineCache(NamedTuple):
    """What `affine_backward` needs: the inputs of the forward pass."""

    X: Array  # (N, D)


def affine_forward(W: Array, b: Array, X: Array) -> tuple[Array, AffineCache]:
    """scores[k, c, n] = W[k, c] . X[n] + b[k, c]: W (K, C, D), b (K, C), X (N, D) -> (K, C, N).

    One matrix product for all K rows: (K C, D) @ (D, N).
    """
    k, c, d = W.shape
    scores = (W.reshape(k * c, d) @ X.T).reshape(k, c, X.shape[0]) + b[:, :, None]
    return scores, AffineCache(X)


def affine_backward(dscores: Array, cache: AffineCache) -> tuple[Array, Array]:
    """dW (K, C, D) = dscores @ X and db (K, C) = sum over samples, for dscores (K, C, N)."""
    k, c, n = dscores.shape
    dW = (dscores.reshape(k * c, n) @ cache.X).reshape(k, c, cache.X.shape[1])
    db = dscores.sum(axis=2)
    return dW, db


# --- one output per sample: scores (K, N), targets (N,) -------------------------------------


def mse(scores: Array, y: Array) -> Array:
    """Mean squared error per row (torch's MSELoss): mean_n (s_n - y_n)^2, (K, N) -> (K,)."""
    r = scores - y
    out: Array = np.einsum("kn,kn->k", r, r) / y.size
    return out


def mse_grad(scores: Array, y: Array) -> tuple[Array, Array]:
    """`mse` and dscores = 2 (s - y) / N."""
    r = scores - y
    return np.einsum("kn,kn->k", r, r) / y.size, (2.0 / y.size) * r


def softplus(s: Array) -> Array:
    """log(1 + e^s), computed without overflow: max(s, 0) + log1p(e^-|s|)."""
    out: Array = np.maximum(s, 0.0) + np.log1p(np.exp(-np.abs(s)))
    return out


def sigmoid(s: Array) -> Array:
    """1 / (1 + e^-s), without overflow: e^-|s| is never large."""
    e = np.exp(-np.abs(s))
    out: Array = np.where(s >= 0, 1.0, e) / (1.0 + e)
    return out


def bce_logits(scores: Array, y: Array) -> Array:
    """torch's binary_cross_entropy_with_logits, mean over samples: (K, N), y in {0, 1} -> (K,).

    -[y log sigma(s) + (1 - y) log(1 - sigma(s))] = softplus(s) - y s, summed as
    (max(s, 0) - y s) + log1p(e^-|s|): the first part is exact for 0/1 labels, so a loss of
    1e-20 is not lost against a score of 40.
    """
    e = np.exp(-np.abs(scores))
    out: Array = ((np.maximum(scores, 0.0) - scores * y) + np.log1p(e)).mean(axis=1)
    return out


def bce_logits_grad(scores: Array, y: Array) -> tuple[Array, Array]:
    """`bce_logits` and dscores = (sigma(s) - y) / N = ((1 - y) sigma(s) - y sigma(-s)) / N.

    Both sigmoids come from the same e^-|s| and neither is rounded to 1 before subtracting.
    """
    e = np.exp(-np.abs(scores))
    loss = ((np.maximum(scores, 0.0) - scores * y) + np.log1p(e)).mean(axis=1)
    positive = scores >= 0
    p = np.where(positive, 1.0, e) / (1.0 + e)  # sigma(s)
    q = np.where(positive, e, 1.0) / (1.0 + e)  # sigma(-s) = 1 - sigma(s)
    return loss, ((1.0 - y) * p - y * q) / y.size


# --- C scores per sample: scores (K, C, N), labels (N,) in 0 .. C-1 ------------------------


def _correct(scores: Array, y: IntArray) -> Array:
    """The correct class's score of every sample: (K, C, N) -> (K, N)."""
    out: Array = scores[:, y, np.arange(y.size)]
    return out


def _margins(scores: Array, y: IntArray, delta: float) -> Array:
    """s_j - s_y + delta for j != y, and 0 at j = y: (K, C, N)."""
    margins = scores - _correct(scores, y)[:, None, :] + delta
    margins[:, y, np.arange(y.size)] = 0.0  # our own temporary, never an input
    return margins


def hinge(scores: Array, y: IntArray, delta: float = 1.0) -> Array:
    """The notes' multiclass SVM loss: mean_n sum_{j != y_n} max(0, s_j - s_{y_n} + delta)."""
    out: Array = np.maximum(_margins(scores, y, delta), 0.0).sum(axis=(1, 2)) / y.size
    return out


def hinge_grad(scores: Array, y: IntArray, delta: float = 1.0) -> tuple[Array, Array]:
    """`hinge` and dscores: +1 / N for each active margin, -(active count) / N at the label."""
    margins = _margins(scores, y, delta)
    loss = np.maximum(margins, 0.0).sum(axis=(1, 2)) / y.size
    active = (margins > 0).astype(np.float64)
    active[:, y, np.arange(y.size)] = -active.sum(axis=1)
    return loss, active / y.size


def _log_softmax(scores: Array) -> Array:
    """log p_j = s_j - logsumexp(s): shift by the max so exp never overflows. (K, C, N)."""
    z = scores - scores.max(axis=1, keepdims=True)
    out: Array = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return out


def cross_entropy(scores: Array, y: IntArray) -> Array:
    """torch's cross_entropy on logits, mean over samples: mean_n (logsumexp(s_n) - s_{n, y_n})."""
    out: Array = -_correct(_log_softmax(scores), y).mean(axis=1)
    return out


def cross_entropy_grad(scores: Array, y: IntArray) -> tuple[Array, Array]:
    """`cross_entropy` and dscores = (softmax(s) - onehot(y)) / N."""
    logp = _log_softmax(scores)
    loss = -_correct(logp, y).mean(axis=1)
    p = np.exp(logp)
    p[:, y, np.arange(y.size)] -= 1.0
    return loss, p / y.size


def softmax(scores: Array, axis: int = -1) -> Array:
    """Class probabilities from scores along `axis`, with the max shifted out first."""
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    out: Array = e / e.sum(axis=axis, keepdims=True)
    return out


class SvmSample(TypedDict):
    """The notes' SVM walkthrough for one sample, as plain numbers for a page."""

    scores: list[float]  # s_j = W_j . x + b_j
    margins: list[float]  # s_j - s_y + delta, and 0 at j = y (left out of the sum)
    active: list[bool]  # the indicator 1(s_j - s_y + delta > 0), False at j = y
    count: int  # how many margins are active
    loss: float  # the sum of the active margins
    dW: list[list[float]]  # (C, D): row j != y is x if active; row y is -count x
    db: list[float]  # (C,): the same with 1 in place of x


def svm_sample(W: Array, b: Array, x: Array, y: int, delta: float = 1.0) -> SvmSample:
    """Scores, margins, indicators, loss and gradient of the hinge loss at one sample.

    W: (C, D), b: (C,), x: (D,), y in 0 .. C-1. The same code as `hinge_grad`, with N = 1.
    """
    c, d = W.shape
    if b.shape != (c,) or x.shape != (d,) or not 0 <= y < c:
        raise ValueError(f"need W (C, D), b (C,), x (D,) and 0 <= y < C; C = {c}, D = {d}")
    scores, cache = affine_forward(W[None], b[None], x[None, :])
    label = np.array([y], dtype=np.int64)
    loss, dscores = hinge_grad(scores, label, delta)
    dW, db = affine_backward(dscores, cache)
    margins = _margins(scores, label, delta)[0, :, 0]
    active = (margins > 0) & (np.arange(c) != y)
    return SvmSample(
        scores=scores[0, :, 0].tolist(),
        margins=margins.tolist(),
        active=active.tolist(),
        count=int(active.sum()),
        loss=float(loss[0]),
        dW=dW[0].tolist(),
        db=db[0].tolist(),
    )
