"""The quadratic bowl: values, gradients and the closed forms of descent on it."""

import math

import numpy as np
import pytest

from app.engine.hyperparams import SGD
from app.engine.objectives.quadratic import QuadraticObjective, log_spaced, random_rotation, theory
from app.engine.optimizers import get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.starts import as_batch


def _numerical_grad(q: QuadraticObjective, w: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Centred differences of the loss, coordinate by coordinate."""
    out = np.empty_like(w)
    for j in range(w.shape[1]):
        e = np.zeros(w.shape[1])
        e[j] = h
        out[:, j] = (q.loss(w + e) - q.loss(w - e)) / (2 * h)
    return out


@pytest.mark.parametrize("seed", [None, 0, 7])
def test_gradient_matches_numerical_and_the_explicit_matrix(seed: int | None) -> None:
    lam = [0.5, 2.0, 3.0, 40.0]
    c = [1.0, -2.0, 0.5, 0.0]
    q = QuadraticObjective(lam, seed, c)
    w = np.random.default_rng(1).standard_normal((6, 4))
    np.testing.assert_allclose(q.grad(w), _numerical_grad(q, w), rtol=1e-6, atol=1e-6)
    rotation = np.eye(4) if seed is None else random_rotation(4, seed)
    a = rotation.T @ np.diag(lam) @ rotation
    expected = 0.5 * np.einsum("ki,ij,kj->k", w - c, a, w - c)
    np.testing.assert_allclose(q.loss(w), expected, rtol=1e-12)
    loss, grad = q.loss_and_grad(w)
    np.testing.assert_allclose(loss, expected, rtol=1e-12)
    np.testing.assert_allclose(grad, (w - c) @ a, rtol=1e-12, atol=1e-12)


def test_rotation_is_orthogonal_and_eigenvectors_diagonalise_the_hessian() -> None:
    q = QuadraticObjective([3.0, 1.0, 2.0], rotation_seed=4)
    np.testing.assert_allclose(q.eigenvectors @ q.eigenvectors.T, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(q.eigenvalues, [1.0, 2.0, 3.0])
    for lam, v in zip(q.eigenvalues, q.eigenvectors, strict=True):
        np.testing.assert_allclose(q.hessian @ v, lam * v, atol=1e-12)
    assert q.hessian_eigenvalues is not None


def test_log_spaced_eigenvalues() -> None:
    np.testing.assert_allclose(log_spaced(3, 100.0), [1.0, 10.0, 100.0])
    np.testing.assert_allclose(log_spaced(1, 100.0), [1.0])


def test_description() -> None:
    q = QuadraticObjective([1.0, 4.0], center=[2.0, -1.0])
    assert q.dim == 2
    assert q.names == ("w[0]", "w[1]")
    assert q.domain == ((1.0, 3.0), (-2.0, 0.0))
    assert q.start_region == ((1.0, -2.0), (3.0, 0.0))
    assert q.landmarks[0].point == (2.0, -1.0)
    assert QuadraticObjective(np.ones(5)).domain is None


def test_theory_closed_forms() -> None:
    t = theory(np.array([1.0, 100.0]))
    assert t.condition == 100
    assert t.lr_max == pytest.approx(0.02)
    assert t.lr_best == pytest.approx(2 / 101)
    assert t.rate_best == pytest.approx(99 / 101)
    assert t.momentum_lr == pytest.approx((2 / 11) ** 2)
    assert t.momentum_beta == pytest.approx((9 / 11) ** 2)
    assert t.momentum_rate == pytest.approx(9 / 11)


def test_descent_scales_each_eigen_direction_by_one_minus_lr_lambda() -> None:
    lam = np.array([1.0, 10.0, 50.0])
    q = QuadraticObjective(lam, rotation_seed=3)
    w0 = as_batch([[1.0, -1.0, 0.5]])
    lr, steps = 0.03, 40
    config = RunConfig(steps=steps, every=steps, tol=0.0)
    descent = Descent(q, get_rule("sgd"), SGD(lr=lr), w0, config)
    last = list(descent.frames())[-1]
    expected = q.eigen_errors(w0)[0] * (1 - lr * lam) ** steps
    np.testing.assert_allclose(q.eigen_errors(last.points)[0], expected, rtol=1e-9, atol=1e-15)


def test_heavy_ball_at_the_best_pair_reaches_the_optimal_rate() -> None:
    lam = log_spaced(20, 100.0)
    q = QuadraticObjective(lam)
    t = theory(lam)
    hp = SGD(lr=t.momentum_lr, momentum=t.momentum_beta)
    w0 = as_batch(np.ones((1, 20)))
    config = RunConfig(steps=300, every=100, tol=0.0)
    frames = list(Descent(q, get_rule("sgd"), hp, w0, config).frames())
    e100, e300 = (np.linalg.norm(f.points[0]) for f in (frames[1], frames[3]))
    measured = (e300 / e100) ** (1 / 200)
    assert measured <= t.momentum_rate * 1.02
    assert measured >= t.momentum_rate * 0.9
    plain = (99 / 101) ** 200  # the best plain step cannot beat this factor over 200 steps
    assert e300 / e100 < plain * 1e-6
    assert math.isfinite(measured)


@pytest.mark.parametrize(
    ("lam", "center", "key"),
    [([], None, "1 to"), ([1.0, -1.0], None, "> 0"), ([1.0, 2.0], [0.0], "2 coordinates")],
)
def test_bad_quadratics_are_refused(lam: list[float], center: list[float] | None, key: str) -> None:
    with pytest.raises(ValueError, match=key):
        QuadraticObjective(lam, None, center)
