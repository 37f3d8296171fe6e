"""Layers of a fully connected network as forward/backward pairs, in CS231n's `layers.py` style.

Everything carries K parameter rows (K networks) at once: weights `W: (K, out, in)`, biases
`b: (K, out)`, activations `(K, N, units)`. The network's input `X: (N, D)` is shared by every
row and may stay 2-D. A forward function returns `(out, cache)`; its backward takes the upstream
gradient and the cache and returns gradients, never writing into the upstream gradient.

In the notes' notation, one layer l computes z^l = W^l a^(l-1) + b^l (`affine_forward`) and
a^l = σ(z^l) (an activation's forward). Backward, δ^l = dC/dz^l, and

    dC/dW^l = δ^l (a^(l-1))^T,  dC/db^l = Σ_samples δ^l       (`affine_backward`)
    (W^l)^T δ^l = dC/da^(l-1)                                   (`affine_backward`'s dx)
    δ^(l-1) = dC/da^(l-1) ⊙ σ'(z^(l-1))                         (an activation's backward)

The output layer ends in a head: the output activation and the loss together
(`mse_forward`, `bce_logits_forward`, `softmax_ce_forward`), whose backward gives δ^L.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from app.engine.types import Array


def bmm(x: Array, y: Array, out: Array | None = None) -> Array:
    """x @ y for every row: (K, n, m) @ (K, m, p) -> (K, n, p); a 2-D operand is shared.

    A single row is done as a plain 2-D product, several times faster than a stack of one.
    `out`, when given, receives the product (a view into a caller's array saves a copy).
    """
    if (x.ndim == 2 or x.shape[0] == 1) and (y.ndim == 2 or y.shape[0] == 1):
        x2, y2 = (x if x.ndim == 2 else x[0]), (y if y.ndim == 2 else y[0])
        one: Array = np.matmul(x2, y2) if out is None else np.matmul(x2, y2, out=out[0])
        return one[None]
    many: Array = np.matmul(x, y) if out is None else np.matmul(x, y, out=out)
    return many


def row_sum(x: Array) -> Array:
    """The sum of every entry of each row: (K, ...) -> (K,)."""
    out: Array = np.add.reduce(x.reshape(x.shape[0], -1), axis=1)  # no `sum` wrapper: hot path
    return out


# --- affine: z = W a + b ---------------------------------------------------------------------


class AffineCache(NamedTuple):
    """What `affine_backward` needs: the layer's input and weights."""

    x: Array  # (N, in) shared, or (K, N, in)
    W: Array  # (K, out, in)


def affine_forward(x: Array, W: Array, b: Array) -> tuple[Array, AffineCache]:
    """z = x W^T + b for every sample and row: x (N, in) or (K, N, in) -> z (K, N, out)."""
    z = bmm(x, W.transpose(0, 2, 1))
    z += b[:, None, :]  # z is our own product
    return z, AffineCache(x, W)


def affine_param_backward(
    dz: Array, cache: AffineCache, out: Array | None = None
) -> tuple[Array, Array]:
    """dW = δ^T x (K, out, in) and db = Σ_samples δ (K, out), for δ = dz: (K, N, out).

    The first layer stops here: nothing needs the gradient of the data. dW goes into `out`
    when given (a view of the caller's gradient row).
    """
    dW = bmm(dz.transpose(0, 2, 1), cache.x, out)
    db: Array = np.add.reduce(dz, axis=1)
    return dW, db


def affine_backward(
    dz: Array, cache: AffineCache, out: Array | None = None
) -> tuple[Array, Array, Array]:
    """dx = δ W, i.e. (W^T δ) per sample (K, N, in), then dW and db as `affine_param_backward`."""
    dW, db = affine_param_backward(dz, cache, out)
    return bmm(dz, cache.W), dW, db


# --- activations: a = σ(z), backward dz = da ⊙ σ'(z) ----------------------------------------


class ActivationCache(NamedTuple):
    """An activation's input and output; each backward uses the one it needs."""

    z: Array
    a: Array


def sigmoid(z: Array) -> Array:
    """1 / (1 + e^-z) = e^min(z, 0) / (1 + e^-|z|): no exponential is ever large."""
    out: Array = np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-np.abs(z)))
    return out


def sigmoid_forward(z: Array) -> tuple[Array, ActivationCache]:
    """a = σ(z) = 1 / (1 + e^-z)."""
    a = sigmoid(z)
    return a, ActivationCache(z, a)


def sigmoid_backward(da: Array, cache: ActivationCache) -> Array:
    """dz = da ⊙ σ(z)(1 - σ(z)); at most da / 4."""
    a = cache.a
    out: Array = da * (a * (1.0 - a))
    return out


def tanh_forward(z: Array) -> tuple[Array, ActivationCache]:
    """a = tanh(z)."""
    a = np.tanh(z)
    return a, ActivationCache(z, a)


def tanh_backward(da: Array, cache: ActivationCache) -> Array:
    """dz = da ⊙ (1 - tanh(z)^2)."""
    a = cache.a
    out: Array = da * (1.0 - a * a)
    return out


def relu_forward(z: Array) -> tuple[Array, ActivationCache]:
    """a = max(z, 0)."""
    a = np.maximum(z, 0.0)
    return a, ActivationCache(z, a)


def relu_backward(da: Array, cache: ActivationCache) -> Array:
    """dz = da where z > 0, else 0 (relu'(0) = 0, as torch).

    A product with the mask, several times faster than np.where with a scalar.
    """
    out: Array = np.multiply(da, cache.z > 0)
    return out


def identity_forward(z: Array) -> tuple[Array, ActivationCache]:
    """a = z (the same array)."""
    return z, ActivationCache(z, z)


def identity_backward(da: Array, cache: ActivationCache) -> Array:
    """dz = da (the same array: callers never write into gradients)."""
    return da


def softmax_forward(z: Array) -> tuple[Array, ActivationCache]:
    """a_j = e^{z_j} / Σ_i e^{z_i} over the units (last axis), the max shifted out first."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    a = e / e.sum(axis=-1, keepdims=True)
    return a, ActivationCache(z, a)


def softmax_backward(da: Array, cache: ActivationCache) -> Array:
    """dz = J^T da = a ⊙ (da - Σ_j da_j a_j): softmax's σ' is a Jacobian, not a diagonal."""
    a = cache.a
    out: Array = a * (da - (da * a).sum(axis=-1, keepdims=True))
    return out


class Activation(NamedTuple):
    """One nonlinearity: its forward and backward functions."""

    forward: Callable[[Array], tuple[Array, ActivationCache]]
    backward: Callable[[Array, ActivationCache], Array]


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(sigmoid_forward, sigmoid_backward),
    "tanh": Activation(tanh_forward, tanh_backward),
    "relu": Activation(relu_forward, relu_backward),
    "identity": Activation(identity_forward, identity_backward),
    "softmax": Activation(softmax_forward, softmax_backward),
}


# --- heads: the output activation and the loss, from z^L to C and back to δ^L ----------------


class HeadCache(NamedTuple):
    """What `head_backward` needs. δ^L = residual · scale, times σ'(z^L) when `chain`."""

    act: ActivationCache  # the output activation's z^L and a^L
    residual: Array  # a^L - y (K, N, outputs), for the logit heads without cancellation
    scale: float  # 1 / N for the logit heads; 2 / (N outputs) for MSE
    chain: bool  # True for MSE: ∇_a C still goes through σ'(z^L)
    activation: str  # the output activation's name


def mse_forward(z: Array, Y: Array, activation: str) -> tuple[Array, HeadCache]:
    """torch's MSELoss of a = σ(z): C = mean over samples and outputs of (a - y)^2, (K,).

    Y: (N, outputs), one-hot rows for several outputs.
    """
    a, act = ACTIVATIONS[activation].forward(z)
    r = a - Y
    loss = row_sum(r * r) / Y.size
    return loss, HeadCache(act, r, 2.0 / Y.size, True, activation)


def bce_logits_forward(z: Array, Y: Array) -> tuple[Array, HeadCache]:
    """torch's binary cross-entropy of a = σ(z), from the logits z: (K, N, 1), Y: (N, 1).

    C = mean_n [softplus(z) - y z], summed as (max(z, 0) - y z) + log1p(e^-|z|): the first part
    is exact for 0/1 labels, so no loss is lost against a large logit. σ(z) = e^min(z, 0) r and
    σ(-z) = e^-max(z, 0) r with r = 1 / (1 + e^-|z|), so the residual
    (1 - y) σ(z) - y σ(-z) = σ(z) - y never cancels and no exponential is ever large.
    """
    positive = np.maximum(z, 0.0)
    p = np.exp(np.minimum(z, 0.0))
    q = np.exp(np.negative(positive))
    e = p * q  # e^-|z|, exactly: one factor is 1
    loss = row_sum((positive - z * Y) + np.log1p(e)) / Y.shape[0]
    r = 1.0 / (1.0 + e)
    p *= r  # σ(z)
    q *= r  # σ(-z) = 1 - σ(z)
    residual = (1.0 - Y) * p - Y * q
    return loss, HeadCache(ActivationCache(z, p), residual, 1.0 / Y.shape[0], False, "sigmoid")


def softmax_ce_forward(z: Array, Y: Array) -> tuple[Array, HeadCache]:
    """torch's cross_entropy of the logits z (K, N, C) with one-hot Y (N, C), (K,).

    C = mean_n [logsumexp(z_n) - z_{n, y_n}], with the max shifted out so exp never overflows.
    """
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=-1, keepdims=True)
    logp = shifted - np.log(total)
    loss = -row_sum(logp * Y) / Y.shape[0]
    a = e / total
    return loss, HeadCache(ActivationCache(z, a), a - Y, 1.0 / Y.shape[0], False, "softmax")


def head_backward(cache: HeadCache) -> Array:
    """δ^L = dC/dz^L.

    MSE: δ^L = ∇_a C ⊙ σ'(z^L) with ∇_a C = 2 (a - y) / (N outputs). Sigmoid with binary
    cross-entropy and softmax with cross-entropy: σ' cancels against the loss's derivative and
    δ^L = (a - y) / N.
    """
    g = cache.residual * cache.scale
    if cache.chain:
        return ACTIVATIONS[cache.activation].backward(g, cache.act)
    return g
