"""Tests for the plain-language explanations of how a trajectory ended."""

import math

import numpy as np
import pytest

from app.engine.hyperparams import SGD, Adam, Hyper
from app.engine.objectives.base import Landmark
from app.engine.objectives.quadratic import QuadraticObjective
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import get_rule
from app.engine.outcomes import Context, coords, describe, describe_all, explain, nearest
from app.engine.runner import STATUSES, Descent, RunConfig, Summary
from app.engine.starts import as_batch
from app.engine.types import Array

TOL = 1e-6
BOUND = 1e6


def _context(name: str, rule: str = "sgd", lr: float = 0.01, hp: Hyper | None = None) -> Context:
    """The context the engine builds for a surface: its known minima are its landmarks."""
    hyper = hp if hp is not None else (SGD(lr=lr) if rule == "sgd" else Adam(lr=lr))
    return Context(SurfaceObjective(get_surface(name)), rule, [hyper], TOL, BOUND, 1e-3)


def _sgd(
    name: str, lr: float, start: tuple[float, float], steps: int, hp: SGD | None = None
) -> tuple[Summary, Array]:
    """Run SGD from one start; return the summary and the start row."""
    w0 = as_batch([start])
    surface = SurfaceObjective(get_surface(name))
    config = RunConfig(steps=steps, every=steps, tol=TOL, bound=BOUND)
    descent = Descent(surface, get_rule("sgd"), hp or SGD(lr=lr), w0, config)
    for _ in descent.frames():
        pass
    return descent.summary(), w0[0].copy()


def _explain(name: str, lr: float, start: tuple[float, float], steps: int) -> tuple[str, str]:
    """Status name and explanation of a one-start SGD run, as the API builds them."""
    summary, w0 = _sgd(name, lr, start, steps)
    status = STATUSES[int(summary.status[0])]
    message = describe_all(summary, w0.reshape(1, -1), _context(name, lr=lr))[0]
    return status, message


# --- coords and nearest -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "text"),
    [
        ((1.0, -0.5), "(1, -0.5)"),
        ((3, 2), "(3, 2)"),
        ((0.0, -0.0), "(0, -0)"),
        ((0.123456, 2.0 / 3.0), "(0.1235, 0.6667)"),
        ((12345.678, -1e-7), "(1.235e+04, -1e-07)"),
        ((1.0, 2.0, 3.0), "(1, 2, 3)"),
        ((-1.029895985051,), "(-1.03)"),
    ],
)
def test_coords_formatting(point: tuple[float, ...], text: str) -> None:
    assert coords(point) == text
    assert coords(np.array(point, dtype=np.float64)) == text


LANDMARKS = [
    Landmark((3.0, 2.0), 0.0, "global"),
    Landmark((-2.805118086953, 3.131312518251), 0.0, "global"),
    Landmark((-3.779310253378, -3.283185991286), 0.0, "global"),
    Landmark((3.584428340330, -1.848126526964), 1.0, "local"),
]


@pytest.mark.parametrize(
    "point", [(3.1, 2.2), (-2.0, 2.0), (-4.0, -4.0), (3.5, -1.0), (0.0, 0.0), (10.0, -10.0)]
)
def test_nearest_picks_the_closest_landmark(point: tuple[float, float]) -> None:
    found = nearest(np.array(point), LANDMARKS)
    assert found is not None
    landmark, dist = found
    dists = [math.dist(point, lm.point) for lm in LANDMARKS]
    assert landmark is LANDMARKS[dists.index(min(dists))]
    assert dist == pytest.approx(min(dists), rel=1e-12)


def test_nearest_without_landmarks_is_none() -> None:
    assert nearest(np.array([1.0, 2.0]), []) is None


def test_nearest_on_a_landmark_is_at_distance_zero() -> None:
    found = nearest(np.array([3.0, 2.0]), LANDMARKS)
    assert found == (LANDMARKS[0], 0.0)


# --- converged --------------------------------------------------------------------------


def test_converged_at_himmelblau_global_minimum() -> None:
    status, message = _explain("himmelblau", 0.01, (2.5, 2.5), 2000)
    assert status == "converged"
    assert message.startswith("converged at step ")
    assert "global minimum (3, 2)" in message
    assert "local" not in message
    assert "lower" not in message


def test_converged_message_names_the_step_and_gradient_norm() -> None:
    ctx = _context("himmelblau")
    message = describe("converged", 37, np.array([2.5, 2.5]), np.array([3.0, 2.0]), 4.2e-7, ctx)
    assert "converged at step 37" in message
    assert "4.2e-07" in message
    assert "global minimum (3, 2)" in message


def test_converged_at_double_well_local_minimum() -> None:
    status, message = _explain("double_well", 0.05, (1.5, 0.3), 2000)
    assert status == "converged"
    assert "local minimum (0.9671, 0)" in message
    assert "the global minimum is lower" in message
    assert "(-1.03, 0)" in message
    assert f"{-0.253791237220:.4g}" in message


def test_converged_at_the_saddle_point() -> None:
    ctx = _context("saddle")
    message = describe("converged", 0, np.zeros(2), np.zeros(2), 0.0, ctx)
    assert "converged at step 0" in message
    assert "saddle point (0, 0)" in message
    assert "minimum" not in message
    # A real run that starts on y = 0 walks into the saddle and stops there.
    status, message = _explain("saddle", 0.1, (0.5, 0.0), 500)
    assert status == "converged"
    assert "saddle point" in message


def test_converged_at_a_local_maximum() -> None:
    ctx = _context("himmelblau")
    point = np.array([-0.270845, -0.923039])
    message = describe("converged", 12, point, point, 1e-7, ctx)
    assert "local maximum (-0.2708, -0.923)" in message


# --- diverged ---------------------------------------------------------------------------


def test_diverged_on_bowl_blames_the_step_size_with_the_stability_limit() -> None:
    status, message = _explain("bowl", 1.5, (1.0, 1.0), 100)
    assert status == "diverged"
    # |w| doubles each step: 2²⁰ is the first power of two above 1e6.
    assert "diverged at step 20" in message
    assert "1.5" in message
    assert "lr < 2/2 = 1" in message


def test_diverged_on_saddle_says_the_surface_falls_away() -> None:
    status, message = _explain("saddle", 0.1, (0.5, 0.5), 200)
    assert status == "diverged"
    # y grows by 1.2 per step: 0.5·1.2ⁿ first exceeds 1e6 at n = 80.
    assert "diverged at step 80" in message
    assert "without bound" in message or "no floor" in message
    assert "lr < 2/" not in message


def test_diverged_with_adam_gives_no_sgd_stability_limit() -> None:
    ctx = _context("bowl", rule="adam", lr=3.0)
    message = describe("diverged", 5, np.array([1.0, 1.0]), np.array([40.0, -40.0]), 80.0, ctx)
    assert "diverged at step 5" in message
    assert "lr < 2/" not in message


# --- max_steps --------------------------------------------------------------------------


def test_max_steps_reports_gradient_norm_and_nearest_minimum() -> None:
    summary, w0 = _sgd("rosenbrock", 1e-3, (-1.5, 2.0), 200)
    assert STATUSES[int(summary.status[0])] == "max_steps"
    point = summary.point[0]
    grad_norm = float(summary.grad_norm[0])
    message = describe("max_steps", 200, w0, point, grad_norm, _context("rosenbrock", lr=1e-3))
    assert "stopped after 200 steps" in message
    assert f"{grad_norm:.2g}" in message
    dist = math.dist(point.tolist(), (1.0, 1.0))
    assert f"{dist:.2g} away from the global minimum (1, 1)" in message


def test_max_steps_names_the_nearest_of_several_minima() -> None:
    ctx = _context("styblinski_tang")
    point = np.array([2.0, -2.5])
    message = describe("max_steps", 50, point, point, 3.5, ctx)
    assert "stopped after 50 steps" in message
    assert "3.5" in message
    low, high = -2.903534027771, 2.746802770991
    dist = math.dist((2.0, -2.5), (high, low))
    assert f"{dist:.2g} away from the local minimum {coords((high, low))}" in message


def test_max_steps_without_landmarks_omits_the_distance() -> None:
    ctx = _context("saddle")
    message = describe("max_steps", 10, np.ones(2), np.ones(2), 2.0, ctx)
    assert "stopped after 10 steps" in message
    assert "away from" not in message


# --- stability with momentum, Nesterov and weight decay; the quadratic; Chinese --------------


@pytest.mark.parametrize(
    ("hp", "limit"),
    [
        # On the bowl (curvature 2): heavy ball is stable for lr < 2(1 + μ)/λ, Nesterov for
        # lr < 2(1 + μ)/((1 + 2μ)λ), and weight decay adds to the curvature.
        (SGD(lr=2.5, momentum=0.5), 2 * 1.5 / 2),
        (SGD(lr=1.2, momentum=0.5, nesterov=True), 2 * 1.5 / (2 * 2)),
        (SGD(lr=0.9, weight_decay=0.5), 2 / 2.5),
    ],
)
def test_divergence_advice_accounts_for_momentum_and_weight_decay(hp: SGD, limit: float) -> None:
    summary, w0 = _sgd("bowl", hp.lr, (1.0, 1.0), 400, hp)
    assert STATUSES[int(summary.status[0])] == "diverged"
    message = describe_all(summary, w0[None, :], _context("bowl", hp=hp))[0]
    assert f"= {limit:.3g}" in message
    # The limit is real: just below it the same run converges.
    below = SGD(**{**hp.__dict__, "lr": 0.95 * limit})
    summary, _ = _sgd("bowl", below.lr, (1.0, 1.0), 5000, below)
    assert STATUSES[int(summary.status[0])] == "converged"


def test_quadratic_divergence_names_the_exact_limit_and_unfinished_runs_the_rate() -> None:
    q = QuadraticObjective([1.0, 10.0, 100.0])
    w0 = as_batch([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    hps = [SGD(lr=0.021), SGD(lr=0.001)]
    ctx = Context(q, "sgd", hps, TOL, BOUND, 1e-3)
    config = RunConfig(steps=300, every=300, tol=TOL, bound=BOUND)
    descent = Descent(q, get_rule("sgd"), hps, w0, config)
    for _ in descent.frames():
        pass
    fast, slow = explain(descent.summary(), w0, ctx)
    assert fast.startswith("diverged at step ")
    assert "lr < 2/100 = 0.02" in fast
    assert slow.startswith("stopped after 300 steps")
    assert "shrinks by only 0.999 per step" in slow  # max |1 - 0.001 λ| = 1 - 0.001
    assert "2/(λ_min + λ_max) = 0.0198" in slow


def test_sentences_in_chinese() -> None:
    summary, w0 = _sgd("bowl", 1.5, (1.0, 1.0), 100)
    zh = explain(summary, w0[None, :], _context("bowl", lr=1.5), "zh")[0]
    assert zh.startswith("在第 20 步发散")
    assert "步长 1.5 太大了" in zh
    assert "lr < 2/2 = 1" in zh


def test_long_points_are_shortened() -> None:
    assert coords(np.arange(10.0)) == "(0, 1, 2, 3, 4, 5, … +4)"


def test_unfinished_momentum_on_a_quadratic_names_the_best_pair() -> None:
    q = QuadraticObjective([1.0, 100.0])
    w0 = as_batch([[1.0, 1.0]])
    hp = SGD(lr=0.001, momentum=0.5)
    config = RunConfig(steps=50, every=50, tol=TOL, bound=BOUND)
    descent = Descent(q, get_rule("sgd"), hp, w0, config)
    for _ in descent.frames():
        pass
    (text,) = explain(descent.summary(), w0, Context(q, "sgd", [hp], TOL, BOUND, 1e-3))
    # (2/(1 + 10))² = 0.0331, ((10 - 1)/(10 + 1))² = 0.669, rate 9/11, plain 99/101.
    assert "lr = 0.0331 with momentum 0.669" in text
    assert "shrinks by 0.8182 per step" in text
    assert "only 0.9802" in text
