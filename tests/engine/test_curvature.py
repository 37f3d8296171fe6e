"""Tests for the finite-difference Hessian and the classification of stationary points."""

import numpy as np
import pytest

from app.engine import curvature
from app.engine.objectives.base import BaseObjective
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.types import Array


def _surface(name: str) -> SurfaceObjective:
    return SurfaceObjective(get_surface(name))


class _Quadratic(BaseObjective):
    """f(w) = ½ wᵀ A w for a symmetric matrix A, so the Hessian is A everywhere."""

    def __init__(self, a: Array) -> None:
        self.a = a
        self.names = tuple(f"w{i}" for i in range(a.shape[0]))

    def loss(self, w: Array) -> Array:
        out: Array = 0.5 * np.einsum("ki,ij,kj->k", w, self.a, w)
        return out

    def grad(self, w: Array, step: int | None = None) -> Array:
        out: Array = w @ self.a
        return out


class _InfGrad(BaseObjective):
    """A two-parameter objective whose gradient is infinite everywhere."""

    names = ("x", "y")

    def loss(self, w: Array) -> Array:
        out: Array = np.zeros(w.shape[0])
        return out

    def grad(self, w: Array, step: int | None = None) -> Array:
        out: Array = np.full(w.shape, np.inf)
        return out


NEG_BOWL = _Quadratic(np.array([[-2.0, 0.0], [0.0, -2.0]]))


def _rosenbrock_hessian(x: float, y: float) -> Array:
    """The analytic Hessian of (1 - x)² + 100 (y - x²)²."""
    return np.array([[2.0 - 400.0 * (y - x * x) + 800.0 * x * x, -400.0 * x], [-400.0 * x, 200.0]])


@pytest.mark.parametrize(
    ("name", "point", "expected"),
    [
        ("bowl", (0.0, 0.0), [[2.0, 0.0], [0.0, 2.0]]),
        ("bowl", (1.5, -0.7), [[2.0, 0.0], [0.0, 2.0]]),
        ("ravine", (0.0, 0.0), [[1.0, 0.0], [0.0, 20.0]]),
        ("ravine", (-3.0, 1.0), [[1.0, 0.0], [0.0, 20.0]]),
        ("saddle", (0.0, 0.0), [[2.0, 0.0], [0.0, -2.0]]),
        ("booth", (1.0, 3.0), [[10.0, 8.0], [8.0, 10.0]]),
    ],
)
def test_hessian_of_quadratic_surfaces(
    name: str, point: tuple[float, float], expected: list[list[float]]
) -> None:
    hess = curvature.hessian(_surface(name), np.array(point))
    assert hess.shape == (2, 2)
    np.testing.assert_allclose(hess, expected, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("point", [(1.0, 1.0), (-1.2, 1.0), (0.5, -0.3)])
def test_hessian_of_rosenbrock_matches_closed_form(point: tuple[float, float]) -> None:
    hess = curvature.hessian(_surface("rosenbrock"), np.array(point))
    np.testing.assert_allclose(hess, _rosenbrock_hessian(*point), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(hess, hess.T)


def test_hessian_at_rosenbrock_minimum_is_the_textbook_matrix() -> None:
    hess = curvature.hessian(_surface("rosenbrock"), np.array([1.0, 1.0]))
    np.testing.assert_allclose(hess, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-5)


def test_hessian_in_three_dimensions_and_point_untouched() -> None:
    a = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, -2.0], [0.0, -2.0, 5.0]])
    point = np.array([0.3, -1.0, 2.0])
    before = point.copy()
    hess = curvature.hessian(_Quadratic(a), point)
    np.testing.assert_allclose(hess, a, rtol=1e-8, atol=1e-8)
    np.testing.assert_array_equal(point, before)


def test_eigenvalues_ascending_and_empty_when_not_finite() -> None:
    lam = curvature.eigenvalues(_surface("ravine"), np.array([0.0, 0.0]))
    np.testing.assert_allclose(lam, [1.0, 20.0], rtol=1e-8)
    lam = curvature.eigenvalues(_surface("rosenbrock"), np.array([1.0, 1.0]))
    # Roots of λ² − 1002 λ + (802·200 − 400²) = 0.
    disc = np.sqrt(1002.0**2 - 4.0 * (802.0 * 200.0 - 400.0**2))
    np.testing.assert_allclose(lam, [(1002.0 - disc) / 2.0, (1002.0 + disc) / 2.0], rtol=1e-5)
    with np.errstate(invalid="ignore"):  # inf - inf inside the difference quotient
        empty = curvature.eigenvalues(_InfGrad(), np.array([0.0, 0.0]))
    assert empty.size == 0


@pytest.mark.parametrize(
    ("name", "point", "kind"),
    [
        ("bowl", (0.0, 0.0), "local minimum"),
        ("ravine", (0.0, 0.0), "local minimum"),
        ("rosenbrock", (1.0, 1.0), "local minimum"),
        ("himmelblau", (3.0, 2.0), "local minimum"),
        ("himmelblau", (-0.270845, -0.923039), "local maximum"),
        ("saddle", (0.0, 0.0), "saddle point"),
        ("double_well", (0.0, 0.0), "saddle point"),
    ],
)
def test_stationary_kind_of_surfaces(name: str, point: tuple[float, float], kind: str) -> None:
    assert curvature.stationary_kind(_surface(name), np.array(point)) == kind


def test_stationary_kind_of_custom_objectives() -> None:
    origin = np.array([0.0, 0.0])
    assert curvature.stationary_kind(NEG_BOWL, origin) == "local maximum"
    flat = _Quadratic(np.array([[2.0, 0.0], [0.0, 0.0]]))
    assert curvature.stationary_kind(flat, origin) == "flat stationary point"
    assert curvature.stationary_kind(_Quadratic(np.zeros((2, 2))), origin) == (
        "flat stationary point"
    )
    with np.errstate(invalid="ignore"):
        assert curvature.stationary_kind(_InfGrad(), origin) == "point"


def test_non_finite_curvature_is_reported_quietly() -> None:
    # No errstate here: pytest turns any RuntimeWarning into an error.
    assert curvature.eigenvalues(_InfGrad(), np.array([0.0, 0.0])).size == 0


def test_many_points_are_taken_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    a = np.array([[3.0, 1.0], [1.0, 2.0]])
    objective = _Quadratic(a)
    points = np.random.default_rng(0).standard_normal((37, 2))
    whole = curvature.spectra(objective, points)
    steps = curvature.newton_steps(objective, points)
    monkeypatch.setattr(curvature, "PROBE_VALUES", 8 * 5)  # five points a block
    np.testing.assert_allclose(curvature.spectra(objective, points), whole)
    np.testing.assert_allclose(curvature.newton_steps(objective, points), steps)
    np.testing.assert_allclose(steps, points, rtol=1e-6)  # H⁻¹∇f = w for f = ½ wᵀAw
