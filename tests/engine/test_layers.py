"""Tests for the network layers: every backward against centred differences of its forward.

Each check perturbs a copy of one input entry at a time, in float64, and compares the
analytic gradient with CS231n's relative error. The upstream gradient is random, so a
backward that ignores it, or writes into it, is caught too.
"""

from collections.abc import Callable

import numpy as np
import pytest

from app.engine.nn import layers
from app.engine.types import Array

H = 1e-6


def numerical_gradient(f: Callable[[Array], float], x: Array, h: float = H) -> Array:
    """Centred differences of the scalar f at x, one entry at a time, on copies of x."""
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2.0 * h)
    return grad


def rel_error(a: Array, b: Array) -> float:
    """|a - b| / max(1e-8, |a| + |b|) in the Euclidean norm.

    Entry by entry (CS231n's form) this fails wherever a saturated unit makes an entry about
    1e-11: a difference quotient of a loss near 1 cannot resolve less than ~1e-10.
    """
    scale = float(np.linalg.norm(a) + np.linalg.norm(b))
    return float(np.linalg.norm(a - b)) / max(1e-8, scale)


def _rng() -> np.random.Generator:
    return np.random.default_rng(231)


def test_bmm_equals_matmul_for_one_row_and_many() -> None:
    rng = _rng()
    x, shared = rng.standard_normal((3, 4, 5)), rng.standard_normal((4, 5))
    y = rng.standard_normal((3, 5, 2))
    np.testing.assert_allclose(layers.bmm(x, y), np.matmul(x, y), rtol=1e-14)
    np.testing.assert_allclose(layers.bmm(shared, y), np.matmul(shared, y), rtol=1e-14)
    np.testing.assert_allclose(layers.bmm(x[:1], y[:1]), np.matmul(x[:1], y[:1]), rtol=1e-14)
    np.testing.assert_allclose(layers.bmm(shared, y[:1]), np.matmul(shared, y[:1]), rtol=1e-14)


@pytest.mark.parametrize("shared", [True, False], ids=["shared-input", "per-row-input"])
@pytest.mark.parametrize("k", [1, 3])
def test_affine_backward(k: int, shared: bool) -> None:
    rng = _rng()
    x = rng.standard_normal((5, 4) if shared else (k, 5, 4))
    W, b = rng.standard_normal((k, 3, 4)), rng.standard_normal((k, 3))
    dz = rng.standard_normal((k, 5, 3))
    z, cache = layers.affine_forward(x, W, b)
    xs = np.broadcast_to(x, (k, 5, 4))
    np.testing.assert_allclose(z, np.einsum("kni,koi->kno", xs, W) + b[:, None, :], rtol=1e-13)
    before = dz.copy()
    dx, dW, db = layers.affine_backward(dz, cache)
    np.testing.assert_array_equal(dz, before)  # never written into

    def f_weights(v: Array) -> float:
        return float(np.sum(layers.affine_forward(x, v, b)[0] * dz))

    def f_bias(v: Array) -> float:
        return float(np.sum(layers.affine_forward(x, W, v)[0] * dz))

    def f_input(v: Array) -> float:
        return float(np.sum(layers.affine_forward(v, W, b)[0] * dz))

    assert rel_error(dW, numerical_gradient(f_weights, W)) < 1e-7
    assert rel_error(db, numerical_gradient(f_bias, b)) < 1e-7
    if shared:  # one x feeds every row: its gradient is the sum over rows
        assert rel_error(dx.sum(axis=0), numerical_gradient(f_input, x)) < 1e-7
    else:
        assert rel_error(dx, numerical_gradient(f_input, x)) < 1e-7
    dW1, db1 = layers.affine_param_backward(dz, cache)
    np.testing.assert_array_equal(dW1, dW)
    np.testing.assert_array_equal(db1, db)


@pytest.mark.parametrize("name", sorted(layers.ACTIVATIONS))
def test_activation_backward(name: str) -> None:
    rng = _rng()
    z = rng.standard_normal((2, 6, 4)) * 2.0
    da = rng.standard_normal(z.shape)
    act = layers.ACTIVATIONS[name]
    _a, cache = act.forward(z)
    before = da.copy()
    dz = act.backward(da, cache)
    np.testing.assert_array_equal(da, before)

    def f(v: Array) -> float:
        return float(np.sum(act.forward(v)[0] * da))

    assert rel_error(dz, numerical_gradient(f, z)) < 1e-7


def test_activation_values() -> None:
    z = np.array([[[-800.0, -1.0, 0.0, 1.0, 800.0]]])
    a, _ = layers.sigmoid_forward(z)  # no overflow warning: filterwarnings = error
    np.testing.assert_allclose(a[0, 0], [0.0, 1 / (1 + np.e), 0.5, 1 / (1 + 1 / np.e), 1.0])
    np.testing.assert_array_equal(layers.relu_forward(z)[0][0, 0], [0, 0, 0, 1, 800])
    _, cache = layers.relu_forward(z)
    dz = layers.relu_backward(np.ones_like(z), cache)
    np.testing.assert_array_equal(dz[0, 0], [0, 0, 0, 1, 1])  # relu'(0) = 0, as torch
    p, _ = layers.softmax_forward(np.array([[[1000.0, 1000.0, -1000.0]]]))
    np.testing.assert_allclose(p[0, 0], [0.5, 0.5, 0.0])


def test_a_wrong_backward_is_flagged() -> None:
    rng = _rng()
    z, da = rng.standard_normal((1, 5, 3)), rng.standard_normal((1, 5, 3))
    _, cache = layers.tanh_forward(z)
    wrong = layers.sigmoid_backward(da, cache)  # sigmoid's σ' applied to tanh's output

    def f(v: Array) -> float:
        return float(np.sum(layers.tanh_forward(v)[0] * da))

    assert rel_error(wrong, numerical_gradient(f, z)) > 1e-2


def _head(name: str, z: Array, Y: Array) -> tuple[Array, layers.HeadCache]:
    if name == "bce":
        return layers.bce_logits_forward(z, Y)
    if name == "softmax_ce":
        return layers.softmax_ce_forward(z, Y)
    return layers.mse_forward(z, Y, name.removeprefix("mse_"))


HEADS = ["bce", "softmax_ce", "mse_identity", "mse_sigmoid", "mse_softmax", "mse_tanh"]


@pytest.mark.parametrize("name", HEADS)
def test_head_backward_is_the_gradient_of_the_loss(name: str) -> None:
    rng = _rng()
    outputs = 1 if name == "bce" else 3
    z = rng.standard_normal((2, 7, outputs)) * 2.0
    labels = rng.integers(0, 2 if outputs == 1 else outputs, 7)
    Y = labels[:, None].astype(np.float64) if outputs == 1 else np.eye(outputs)[labels]
    _, cache = _head(name, z, Y)
    delta = layers.head_backward(cache)
    for k in range(2):

        def f(v: Array, k: int = k) -> float:
            zz = z.copy()
            zz[k] = v
            return float(_head(name, zz, Y)[0][k])

        assert rel_error(delta[k], numerical_gradient(f, z[k])) < 1e-6


def test_logit_heads_simplify_to_a_minus_y_over_n() -> None:
    rng = _rng()
    z1, z3 = rng.standard_normal((1, 4, 1)), rng.standard_normal((1, 4, 3))
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    Y3 = np.eye(3)[[0, 2, 1, 2]]
    _, c1 = layers.bce_logits_forward(z1, y)
    np.testing.assert_allclose(layers.head_backward(c1), (c1.act.a - y) / 4, rtol=1e-14)
    _, c3 = layers.softmax_ce_forward(z3, Y3)
    np.testing.assert_allclose(layers.head_backward(c3), (c3.act.a - Y3) / 4, rtol=1e-14)


def test_bce_keeps_tiny_losses_and_residuals() -> None:
    z = np.array([[[40.0], [-40.0]]])
    y = np.array([[1.0], [0.0]])
    loss, cache = layers.bce_logits_forward(z, y)
    assert loss[0] == pytest.approx(np.exp(-40.0), rel=1e-12)  # log1p(e^-40), not 0
    np.testing.assert_allclose(cache.residual[0, :, 0], [-np.exp(-40.0), np.exp(-40.0)], rtol=1e-12)
