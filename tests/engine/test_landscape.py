"""Tests for loss surfaces: every shortcut equals the loss evaluated point by point."""

import numpy as np
import pytest

from app.engine import landscape as landscape_module
from app.engine.datasets import Dataset, make_dataset
from app.engine.landscape import generic_slice, grid_points, landscape
from app.engine.objectives.base import Objective
from app.engine.objectives.models import make_model
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.types import Array

XS = np.linspace(-2.5, 3.0, 7)
YS = np.linspace(-1.5, 2.0, 5)


def _pointwise(objective: Objective, params: tuple[int, int], point: Array) -> Array:
    """z[a, b] = loss at x = XS[b], y = YS[a], one parameter vector at a time."""
    i, j = params
    z = np.empty((YS.size, XS.size))
    for a, y in enumerate(YS):
        for b, x in enumerate(XS):
            w = point.copy()
            w[i], w[j] = x, y
            z[a, b] = objective.loss(w[None, :])[0]
    return z


def _regression(n: int, d: int, seed: int) -> Dataset:
    """A random linear regression problem with d features."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.7 + 0.3 * rng.normal(size=n)
    return Dataset(X, y, "regression", 0, tuple(f"x{k}" for k in range(d)))


def test_grid_layout_rows_follow_y() -> None:
    w = grid_points(
        (0, 2), np.array([9.0, 8.0, 7.0]), np.array([1.0, 2.0, 3.0]), np.array([5.0, 6.0])
    )
    assert w.tolist() == [
        [1.0, 8.0, 5.0],
        [2.0, 8.0, 5.0],
        [3.0, 8.0, 5.0],
        [1.0, 8.0, 6.0],
        [2.0, 8.0, 6.0],
        [3.0, 8.0, 6.0],
    ]


def test_surface_objective_goes_through_its_loss() -> None:
    surface = SurfaceObjective(get_surface("rosenbrock"))
    z = landscape(surface, (0, 1), np.zeros(2), XS, YS)
    X, Y = np.meshgrid(XS, YS)
    np.testing.assert_allclose(z, (1 - X) ** 2 + 100 * (Y - X**2) ** 2, rtol=1e-14)
    swapped = landscape(surface, (1, 0), np.zeros(2), XS, YS)
    np.testing.assert_allclose(swapped, (1 - Y) ** 2 + 100 * (X - Y**2) ** 2, rtol=1e-14)


@pytest.mark.parametrize("name", ["svm", "softmax"])
def test_generic_path_for_multiclass_models(name: str) -> None:
    model = make_model(name, make_dataset("spiral", 40, 0.1, 2), l2=0.05)
    point = np.random.default_rng(3).normal(size=model.dim)
    for params in ((0, 1), (8, 2), (5, 0)):
        z = landscape(model, params, point, XS, YS)
        np.testing.assert_allclose(z, _pointwise(model, params, point), rtol=1e-13)


@pytest.mark.parametrize("l2", [0.0, 0.4])
@pytest.mark.parametrize("params", [(0, 1), (1, 0), (0, 3), (3, 2), (2, 1)])
def test_least_squares_from_sufficient_statistics_equals_the_direct_sum(
    params: tuple[int, int], l2: float
) -> None:
    ds = _regression(60, 3, 5)
    model = make_model("linear", ds, l2=l2)
    point = np.array([0.3, -1.2, 2.0, 0.5])
    z = landscape(model, params, point, XS, YS)
    # the direct sum: residuals of every sample at every grid point
    w = grid_points(params, point, XS, YS)
    residual = w[:, :3] @ ds.X.T + w[:, 3:] - ds.targets()
    direct = np.mean(residual**2, axis=1) + l2 * np.sum(w[:, :3] ** 2, axis=1)
    np.testing.assert_allclose(z, direct.reshape(YS.size, XS.size), rtol=1e-12)
    np.testing.assert_allclose(z, _pointwise(model, params, point), rtol=1e-12)


def test_least_squares_surface_has_its_minimum_at_the_solution() -> None:
    model = make_model("linear", make_dataset("line", 500, 0.3, 1))
    (w_best, b_best) = model.landmarks[0].point
    xs = w_best + np.linspace(-1, 1, 11)
    ys = b_best + np.linspace(-1, 1, 11)
    z = landscape(model, (0, 1), np.zeros(2), xs, ys)
    assert [int(k) for k in np.unravel_index(np.argmin(z), z.shape)] == [5, 5]
    assert z[5, 5] == pytest.approx(model.landmarks[0].value, rel=1e-12)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("l2", [0.0, 0.2])
@pytest.mark.parametrize("params", [(0, 2), (2, 1), (0, 1), (1, 0)])
def test_logistic_shortcut_equals_the_loss(
    params: tuple[int, int], l2: float, workers: int
) -> None:
    model = make_model("logistic", make_dataset("moons", 80, 0.2, 6), l2=l2)
    point = np.array([0.4, -0.8, 0.3])
    z = landscape(model, params, point, XS, YS, workers=workers)
    np.testing.assert_allclose(z, generic_slice(model, params, point, XS, YS), rtol=1e-12)
    np.testing.assert_allclose(z, _pointwise(model, params, point), rtol=1e-12)


def test_logistic_shortcut_keeps_tiny_losses_accurate() -> None:
    # separable data and large weights: losses near 1e-20, where log(1 + tiny) would round to 0
    X = np.array([[-3.0], [-2.0], [2.0], [3.0]])
    model = make_model("logistic", Dataset(X, np.array([0, 0, 1, 1]), "classification", 2, ("x",)))
    xs, ys = np.linspace(20.0, 25.0, 6), np.linspace(-1.0, 1.0, 3)
    z = landscape(model, (0, 1), np.zeros(2), xs, ys)
    assert np.all(z > 0)
    np.testing.assert_allclose(z, generic_slice(model, (0, 1), np.zeros(2), xs, ys), rtol=1e-12)


def test_logistic_huge_scores_take_the_stable_path(monkeypatch: pytest.MonkeyPatch) -> None:
    model = make_model("logistic", make_dataset("xor", 50, 0.1, 0))
    point = np.array([1.0, 2.0, 0.5])
    xs = np.array([-400.0, 0.0, 500.0])  # e^(x c) overflows: the product form is not safe here
    z = landscape(model, (0, 2), point, xs, YS)
    assert np.all(np.isfinite(z))
    np.testing.assert_allclose(z, generic_slice(model, (0, 2), point, xs, YS), rtol=1e-12)
    monkeypatch.setattr(landscape_module, "EXP_LIMIT", 0.0)  # force it for ordinary scores
    z = landscape(model, (1, 0), point, XS, YS)
    np.testing.assert_allclose(z, generic_slice(model, (1, 0), point, XS, YS), rtol=1e-12)


def test_small_tiles_and_more_workers_than_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    model = make_model("logistic", make_dataset("circles", 30, 0.1, 0), l2=0.1)
    point = np.array([0.2, 0.1, -0.3])
    expected = generic_slice(model, (0, 1), point, XS, YS)
    monkeypatch.setattr(landscape_module, "TILE", 1)  # one column per tile
    z = landscape(model, (0, 1), point, XS, YS, workers=8)
    np.testing.assert_allclose(z, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("params", "point", "xs", "message"),
    [
        ((0, 0), np.zeros(2), XS, "two different parameters"),
        ((0, 2), np.zeros(2), XS, "from 0 to 1"),
        ((0, 1), np.zeros(3), XS, "2 finite coordinates"),
        ((0, 1), np.array([0.0, np.nan]), XS, "finite coordinates"),
        ((0, 1), np.zeros(2), np.array([]), "xs must be"),
        ((0, 1), np.zeros(2), np.array([0.0, np.inf]), "xs must be"),
    ],
)
def test_refusals(params: tuple[int, int], point: Array, xs: Array, message: str) -> None:
    model = make_model("linear", make_dataset("line", 20, 0.1, 0))
    with pytest.raises(ValueError, match=message):
        landscape(model, params, point, xs, YS)
