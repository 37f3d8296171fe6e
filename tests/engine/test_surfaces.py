"""Tests for the 2-D test surfaces and their `Objective` adapter."""

import math

import numpy as np
import pytest

from app.engine.curvature import hessian
from app.engine.objectives.base import Objective
from app.engine.objectives.surfaces import (
    SURFACES,
    Surface,
    SurfaceObjective,
    get_surface,
)
from app.engine.types import Array
from app.i18n import LANGS, translate

ALL = list(SURFACES.values())
WITH_MINIMA = [s for s in ALL if s.minima]
IDS = [s.name for s in ALL]
H = 1e-6


def _at(surface: Surface, x: float, y: float) -> float:
    """Surface value at one point."""
    return float(surface.value(np.array([x]), np.array([y]))[0])


def _grad_at(surface: Surface, x: float, y: float) -> tuple[float, float]:
    """Surface gradient at one point."""
    dx, dy = surface.gradient(np.array([x]), np.array([y]))
    return float(dx[0]), float(dy[0])


def _random_points(surface: Surface, n: int, seed: int) -> tuple[Array, Array]:
    """n uniform random points in the surface's domain."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.domain
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


def _grid(surface: Surface, n: int) -> tuple[Array, Array]:
    """An n x n grid covering the surface's domain."""
    (x0, x1), (y0, y1) = surface.domain
    x, y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return x, y


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_gradient_matches_centred_differences(surface: Surface) -> None:
    x, y = _random_points(surface, 400, seed=1234)
    dx, dy = surface.gradient(x, y)
    nx = (surface.value(x + H, y) - surface.value(x - H, y)) / (2 * H)
    ny = (surface.value(x, y + H) - surface.value(x, y - H)) / (2 * H)
    # Rounding in the difference quotient is about eps * |f| / h, so allow an absolute slack
    # proportional to |f| on top of a tight relative tolerance.
    slack = 1e-7 * (1.0 + np.abs(surface.value(x, y)))
    for a, n in ((dx, nx), (dy, ny)):
        assert a.shape == x.shape
        err = np.abs(a - n)
        rel = err / np.maximum(1e-8, np.abs(a) + np.abs(n))
        ok = (rel < 1e-5) | (err < slack)
        assert ok.all(), f"worst: a={a[~ok][:3]}, numeric={n[~ok][:3]}"


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_value_and_gradient_work_on_grids_and_leave_inputs_alone(surface: Surface) -> None:
    x, y = _grid(surface, 7)
    x_before, y_before = x.copy(), y.copy()
    f = surface.value(x, y)
    dx, dy = surface.gradient(x, y)
    assert f.shape == dx.shape == dy.shape == (7, 7)
    assert f.dtype == dx.dtype == dy.dtype == np.float64
    assert np.isfinite(f).all()
    assert np.isfinite(dx).all()
    assert np.isfinite(dy).all()
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(y, y_before)


@pytest.mark.parametrize("surface", WITH_MINIMA, ids=[s.name for s in WITH_MINIMA])
def test_listed_minima_are_minima(surface: Surface) -> None:
    theta = np.linspace(0.0, 2.0 * np.pi, 64, endpoint=False)
    for m in surface.minima:
        x, y = m.point
        assert _at(surface, x, y) == pytest.approx(m.value, abs=1e-4), m
        assert math.hypot(*_grad_at(surface, x, y)) < 1e-3, m
        for radius in (1e-3, 1e-2):
            ring = surface.value(x + radius * np.cos(theta), y + radius * np.sin(theta))
            assert _at(surface, x, y) <= ring.min(), (m, radius)


@pytest.mark.parametrize("surface", WITH_MINIMA, ids=[s.name for s in WITH_MINIMA])
def test_global_minima_are_lowest(surface: Surface) -> None:
    kinds = [m.kind for m in surface.minima]
    assert kinds[0] == "global", "global minima come first"
    assert kinds == sorted(kinds), "global minima come first"
    best = min(m.value for m in surface.minima)
    for m in surface.minima:
        if m.kind == "global":
            assert m.value == pytest.approx(best, abs=1e-9)
        else:
            assert m.value > best + 1e-6
    x, y = _grid(surface, 801)
    assert best <= float(surface.value(x, y).min()) + 1e-9


@pytest.mark.parametrize(
    ("name", "x", "y", "expected"),
    [
        ("rosenbrock", 0.0, 0.0, 1.0),
        ("rosenbrock", 1.0, 1.0, 0.0),
        ("himmelblau", 0.0, 0.0, 170.0),
        ("beale", 0.0, 0.0, 14.203125),
        ("booth", 0.0, 0.0, 74.0),
        ("rastrigin", 1.0, 1.0, 2.0),
        ("ackley", 0.0, 0.0, 0.0),
        ("bowl", 1.0, -2.0, 5.0),
        ("ravine", 2.0, 1.0, 12.0),
        ("matyas", 1.0, 1.0, 0.04),
        ("saddle", 1.0, 2.0, -3.0),
        ("styblinski_tang", 0.0, 0.0, 0.0),
        ("double_well", 1.0, 0.0, 0.25),
    ],
)
def test_closed_form_values(name: str, x: float, y: float, expected: float) -> None:
    assert _at(get_surface(name), x, y) == pytest.approx(expected, abs=1e-12)


def test_saddle_gradient_and_no_minima() -> None:
    saddle = get_surface("saddle")
    assert saddle.minima == ()
    x, y = _random_points(saddle, 50, seed=7)
    dx, dy = saddle.gradient(x, y)
    np.testing.assert_allclose(dx, 2 * x)
    np.testing.assert_allclose(dy, -2 * y)
    assert _grad_at(saddle, 0.0, 0.0) == (0.0, 0.0)


def test_ackley_gradient_at_origin_is_zero_without_warnings() -> None:
    ackley = get_surface("ackley")
    x = np.array([0.0, 0.0, 1e-300])
    y = np.array([0.0, -0.0, 0.0])
    dx, dy = ackley.gradient(x, y)
    np.testing.assert_array_equal(dx[:2], 0.0)
    np.testing.assert_array_equal(dy, 0.0)
    assert np.isfinite(dx).all()


def test_ravine_condition_number() -> None:
    ravine = get_surface("ravine")
    dx, dy = _grad_at(ravine, 1.0, 1.0)
    assert dy / dx == pytest.approx(20.0)
    assert "0.1" in translate("en", "surface.ravine.lesson")


@pytest.mark.parametrize("surface", ALL, ids=IDS)
@pytest.mark.parametrize("k", [1, 5])
def test_surface_objective_shapes(surface: Surface, k: int) -> None:
    objective = SurfaceObjective(surface)
    assert objective.surface is surface
    assert objective.dim == 2
    x, y = _random_points(surface, k, seed=k)
    w = np.stack([x, y], axis=1)
    loss = objective.loss(w)
    g = objective.grad(w)
    assert loss.shape == (k,)
    assert g.shape == (k, 2)
    np.testing.assert_array_equal(loss, surface.value(x, y))
    dx, dy = surface.gradient(x, y)
    np.testing.assert_array_equal(g[:, 0], dx)
    np.testing.assert_array_equal(g[:, 1], dy)


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_surface_objective_memory_order(surface: Surface) -> None:
    objective = SurfaceObjective(surface)
    x, y = _random_points(surface, 9, seed=3)
    w_c = np.ascontiguousarray(np.stack([x, y], axis=1))
    w_f = np.asfortranarray(w_c)
    g_f = objective.grad(w_f, step=5)
    assert g_f.flags.f_contiguous
    np.testing.assert_array_equal(g_f, objective.grad(w_c))
    np.testing.assert_array_equal(objective.loss(w_f), objective.loss(w_c))


def test_surface_objective_satisfies_protocol() -> None:
    objective: Objective = SurfaceObjective(get_surface("rosenbrock"))
    assert objective.dim == 2


def test_unknown_surface_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="unknown surface 'nope'") as info:
        get_surface("nope")
    message = str(info.value)
    for name in SURFACES:
        assert name in message


REQUIRED_SURFACES = {
    "bowl",
    "ravine",
    "rosenbrock",
    "himmelblau",
    "beale",
    "booth",
    "matyas",
    "three_hump_camel",
    "six_hump_camel",
    "rastrigin",
    "ackley",
    "saddle",
    "styblinski_tang",
    "double_well",
}  # the surfaces the issue names, and the two added for the course


def test_registry_shape() -> None:
    assert len(SURFACES) >= 12
    names = [s.name for s in SURFACES.values()]
    assert len(set(names)) == len(names)
    assert set(SURFACES) >= REQUIRED_SURFACES
    assert next(iter(SURFACES)) == "bowl"


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_surface_metadata(surface: Surface) -> None:
    assert SURFACES[surface.name] is surface
    assert get_surface(surface.name) is surface
    assert surface.name.isidentifier()
    assert surface.name == surface.name.lower()
    for lang in LANGS:
        assert translate(lang, f"surface.{surface.name}.title")
        assert len(translate(lang, f"surface.{surface.name}.lesson")) > 20
    assert surface.latex.startswith("f(x,y)")
    assert surface.formula.startswith("f(x, y)")
    (x0, x1), (y0, y1) = surface.domain
    assert x0 < x1
    assert y0 < y1
    for m in surface.minima:
        assert x0 <= m.point[0] <= x1, m
        assert y0 <= m.point[1] <= y1, m
        assert m.kind in ("global", "local")


def test_minimum_counts() -> None:
    def count(name: str, kind: str) -> int:
        return sum(m.kind == kind for m in get_surface(name).minima)

    assert count("himmelblau", "global") == 4
    assert count("three_hump_camel", "local") == 2
    assert (count("six_hump_camel", "global"), count("six_hump_camel", "local")) == (2, 4)
    assert count("styblinski_tang", "local") == 3
    assert (count("double_well", "global"), count("double_well", "local")) == (1, 1)
    assert get_surface("rastrigin").minima[0].point == (0.0, 0.0)
    assert get_surface("rosenbrock").log_scale


@pytest.mark.parametrize("name", ["bowl", "ravine", "booth", "matyas"])
def test_constant_curvature_matches_the_hessian(name: str) -> None:
    objective = SurfaceObjective(get_surface(name))
    assert objective.hessian_eigenvalues is not None
    rng = np.random.default_rng(3)
    for point in rng.uniform(-2, 2, (5, 2)):
        lam = np.linalg.eigvalsh(hessian(objective, point))
        np.testing.assert_allclose(lam, objective.hessian_eigenvalues, rtol=1e-6, atol=1e-6)
