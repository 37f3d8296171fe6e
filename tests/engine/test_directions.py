"""Tests for the directions of a loss landscape: filter-normalized random directions (Li et al.,
2018) keep each filter's norm, and a path's principal components hold the path.

The oracles are the definitions: a filter's norm summed by a Python loop over its entries, a
straight line's direction, and the loss evaluated one grid point at a time.
"""

import math
import re

import numpy as np
import pytest

from app.engine.datasets import make_dataset
from app.engine.directions import (
    filter_ids,
    filter_normalized,
    pca_plane,
    plane_slice,
)
from app.engine.errors import EngineError
from app.engine.nn import NetworkSpec
from app.engine.objectives.network import NetworkObjective
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.types import Array


def _network(hidden: tuple[int, ...] = (5, 4)) -> NetworkObjective:
    return NetworkObjective(make_dataset("moons", 20, 0.2, 3), NetworkSpec(hidden, "tanh"))


def _norm(values: Array, start: int, stop: int) -> float:
    return math.sqrt(sum(float(v) ** 2 for v in values[start:stop]))


def test_each_filter_of_a_direction_has_the_norm_of_the_same_filter_in_the_point() -> None:
    net = _network()
    point = net.initialize({"kind": "he", "count": 1, "seed": 5})
    assert point is not None
    theta = point[0]
    d = filter_normalized(theta, net.filters, seed=9)
    assert d.shape == (2, net.dim)
    assert len(net.filters) == 5 + 4 + 1  # one filter per unit: its row of W^l
    for row in d:
        for start, stop in net.filters:
            assert _norm(row, start, stop) == pytest.approx(_norm(theta, start, stop), rel=1e-12)
    assert not np.any(d[:, net.is_bias])  # bias directions are zero
    assert not np.allclose(d[0], d[1])  # two different directions


def test_the_filters_are_the_rows_of_each_weight_matrix() -> None:
    net = _network((3,))
    names = net.names
    for start, stop in net.filters:
        units = {re.match(r"W(\d+)\[(\d+),", name) for name in names[start:stop]}
        assert None not in units  # weights only
        assert len({m.groups() for m in units if m}) == 1  # one unit's incoming weights
    covered = sorted(i for start, stop in net.filters for i in range(start, stop))
    assert covered == [i for i, bias in enumerate(net.is_bias) if not bias]
    ids = filter_ids(net.filters, net.dim)
    assert ids[net.is_bias].tolist() == [-1] * int(net.is_bias.sum())


def test_directions_are_seeded() -> None:
    net = _network()
    theta = np.linspace(-1, 1, net.dim)
    a, b = filter_normalized(theta, net.filters, 3), filter_normalized(theta, net.filters, 3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, filter_normalized(theta, net.filters, 4))


def test_a_zero_filter_stays_zero() -> None:
    net = _network()
    theta = np.linspace(-1, 1, net.dim)
    start, stop = net.filters[2]
    theta[start:stop] = 0.0
    d = filter_normalized(theta, net.filters, 1)
    assert not np.any(d[:, start:stop])
    assert np.all(np.isfinite(d))


def test_a_straight_line_path_lies_on_the_first_axis() -> None:
    rng = np.random.default_rng(0)
    point, v = rng.standard_normal(50), rng.standard_normal(50)
    t = np.array([-3.0, -2.0, -0.5, 0.0, 1.0, 2.5])
    plane = pca_plane(point + t[:, None] * v, point)
    assert plane.kind == "pca"
    assert plane.path is not None
    assert plane.explained is not None
    unit = v / np.linalg.norm(v)
    assert abs(plane.basis[0] @ unit) == pytest.approx(1.0, abs=1e-12)  # d1 is the line
    sign = np.sign(plane.basis[0] @ unit)
    np.testing.assert_allclose(plane.path[:, 0], sign * t * np.linalg.norm(v), atol=1e-10)
    np.testing.assert_allclose(plane.path[:, 1], 0.0, atol=1e-10)  # nothing off the axis
    assert plane.explained[0] == pytest.approx(1.0, abs=1e-12)


def test_pca_directions_are_orthonormal_and_hold_a_planar_path() -> None:
    rng = np.random.default_rng(1)
    point = rng.standard_normal(30)
    u, v = rng.standard_normal(30), rng.standard_normal(30)
    a, b = rng.standard_normal(12), rng.standard_normal(12)
    path = point + a[:, None] * u + b[:, None] * v
    plane = pca_plane(path, point)
    np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-12)
    assert plane.path is not None
    assert plane.explained is not None
    rebuilt = point + plane.path @ plane.basis  # a path in a plane is its own projection
    np.testing.assert_allclose(rebuilt, path, atol=1e-10)
    assert plane.explained.sum() == pytest.approx(1.0, abs=1e-12)
    assert plane.explained[0] >= plane.explained[1]
    for d in plane.basis:  # signed: the largest entry in magnitude is positive
        assert d[np.abs(d).argmax()] > 0


def test_a_path_that_never_moves_has_no_plane() -> None:
    point = np.ones(4)
    with pytest.raises(EngineError) as err:
        pca_plane(np.stack([point, point, point]), point)
    assert err.value.key == "landscape.path_still"


def test_the_plane_slice_is_the_loss_at_each_grid_point() -> None:
    net = _network()
    theta = np.linspace(-0.5, 0.5, net.dim)
    d = filter_normalized(theta, net.filters, 2)
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-0.5, 1.5, 4)
    z = plane_slice(net, theta, d, xs, ys)
    assert z.shape == (4, 5)
    for i, beta in enumerate(ys):
        for j, alpha in enumerate(xs):
            w = theta + alpha * d[0] + beta * d[1]
            assert z[i, j] == pytest.approx(float(net.loss(w[None, :])[0]), rel=1e-12)
    assert z[2, 2] != z[0, 0]


def test_the_centre_of_the_plane_is_the_point() -> None:
    surface = SurfaceObjective(get_surface("rosenbrock"))
    point = np.array([0.3, -0.2])
    basis = np.array([[1.0, 0.0], [0.0, 1.0]])
    z = plane_slice(surface, point, basis, np.array([-1.0, 0.0, 1.0]), np.array([0.0]))
    assert z[0, 1] == pytest.approx(float(surface.loss(point[None, :])[0]))
