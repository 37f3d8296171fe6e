"""POST /api/v1/landscape along two directions: filter-normalized random ones (Li et al., 2018)
or a training path's principal components, against the forward pass of test_network."""

import re
import time
from typing import Any

import httpx
import numpy as np
import pytest

from tests.api.helpers import RUNS, decode, post_json, run_body
from tests.api.test_data import ZH
from tests.api.test_languages import is_chinese
from tests.api.test_models import data_of
from tests.api.test_network import ADAM, DESCRIBE, MOONS, XOR, bce, forward, network

LANDSCAPE = "/api/v1/landscape"
SMALL = network(MOONS, hidden=[6, 4])
SIZES = [2, 6, 4, 1]


def trajectory(client: httpx.Client, objective: dict[str, Any], steps: int = 100) -> list[Any]:
    """The recorded points of a short Adam run from the default Xavier start."""
    body = run_body(objective=objective, optimizer=ADAM, starts=None, steps=steps, every=10)
    points: list[Any] = post_json(client, RUNS, body)["trajectories"][0]["points"]
    return points


def loss_at(client: httpx.Client, w: Any) -> float:
    X, y = data_of(client, MOONS)
    _, acts = forward(list(w), SIZES, ["tanh", "tanh"], "sigmoid", X)
    return bce(acts[-1][:, 0], y)


def filters(client: httpx.Client, objective: dict[str, Any]) -> list[list[int]]:
    """The positions of each unit's incoming weights, from describe's names."""
    names = post_json(client, DESCRIBE, {"objective": objective})["names"]
    rows: dict[tuple[str, str], list[int]] = {}
    for k, name in enumerate(names):
        match = re.fullmatch(r"W(\d+)\[(\d+),\d+\]", name)
        if match:
            rows.setdefault((match[1], match[2]), []).append(k)
    return list(rows.values())


def test_filter_normalized_directions_keep_each_filters_norm(client: httpx.Client) -> None:
    point = np.array(trajectory(client, SMALL)[-1])
    body = {
        "objective": SMALL,
        "point": point.tolist(),
        "directions": {"kind": "filter_normalized", "seed": 7},
        "ranges": [[-1, 1], [-0.5, 0.5]],
        "resolution": 5,
    }
    got = post_json(client, LANDSCAPE, body)
    assert got["basis"] == "filter_normalized"
    assert "path" not in got
    d = decode(got["directions"])
    assert d.shape == (2, len(point))
    rows = filters(client, SMALL)
    assert len(rows) == 6 + 4 + 1
    for direction in d:
        for row in rows:
            norm = np.linalg.norm(direction[row])
            assert norm == pytest.approx(np.linalg.norm(point[row]), rel=1e-12)
    weights = sorted(k for row in rows for k in row)
    biases = sorted(set(range(len(point))) - set(weights))
    assert not d[:, biases].any()
    xs, ys, z = decode(got["x"]), decode(got["y"]), decode(got["z"])
    np.testing.assert_allclose(xs, np.linspace(-1, 1, 5), rtol=1e-6)
    np.testing.assert_allclose(ys, np.linspace(-0.5, 0.5, 5), rtol=1e-6)
    assert z[2, 2] == pytest.approx(loss_at(client, point), rel=1e-6)  # the point is (0, 0)
    for i, j in [(0, 0), (1, 4), (4, 3)]:
        w = point + xs[j] * d[0] + ys[i] * d[1]
        assert z[i, j] == pytest.approx(loss_at(client, w), rel=1e-5)
    again = post_json(client, LANDSCAPE, body)
    assert again == got
    other = post_json(client, LANDSCAPE, {**body, "directions": {"kind": "filter_normalized"}})
    assert other["directions"] != got["directions"]


def test_a_straight_line_path_projects_onto_one_axis(client: httpx.Client) -> None:
    rng = np.random.default_rng(3)
    dim = 6 * 3 + 4 * 7 + 5
    point, v = 0.3 * rng.standard_normal(dim), rng.standard_normal(dim)
    t = np.array([-2.0, -1.0, -0.25, 0.5, 1.0])
    path = point + t[:, None] * v
    body = {
        "objective": SMALL,
        "point": point.tolist(),
        "directions": {"kind": "filter_normalized", "seed": 0},
        "path": path.tolist(),
        "ranges": [[-20, 20], [-1, 1]],
        "resolution": 3,
    }
    got = post_json(client, LANDSCAPE, body)
    assert got["basis"] == "pca"
    projection = got["path"]
    np.testing.assert_allclose(projection["y"], 0.0, atol=1e-9)
    x = np.array(projection["x"])
    np.testing.assert_allclose(np.abs(x), np.abs(t) * np.linalg.norm(v), rtol=1e-9)
    assert projection["explained"][0] == pytest.approx(1.0, abs=1e-12)
    d = decode(got["directions"])
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-12)
    z = decode(got["z"])
    w = point + 20 * d[0] + 1 * d[1]  # the grid's top-right corner
    assert z[2, 2] == pytest.approx(loss_at(client, w), rel=1e-5)


def test_a_training_path_and_its_plane(client: httpx.Client) -> None:
    path = trajectory(client, SMALL, 200)
    body = {
        "objective": SMALL,
        "point": path[-1],
        "directions": {"kind": "filter_normalized"},
        "path": path,
        "ranges": [[-5, 5], [-5, 5]],
        "resolution": 9,
    }
    got = post_json(client, LANDSCAPE, body)
    projection = got["path"]
    assert len(projection["x"]) == len(path) == 21
    assert (projection["x"][-1], projection["y"][-1]) == (0.0, 0.0)  # the point itself
    assert sum(projection["explained"]) <= 1 + 1e-12
    assert projection["explained"][0] >= projection["explained"][1] > 0
    d = decode(got["directions"])
    offsets = np.array(path) - np.array(path[-1])
    coords = offsets @ d.T
    np.testing.assert_allclose(coords[:, 0], projection["x"], atol=1e-9)
    np.testing.assert_allclose(coords[:, 1], projection["y"], atol=1e-9)


def test_a_51_by_51_slice_of_the_default_network_takes_less_than_3_seconds(
    client: httpx.Client,
) -> None:
    objective = network(XOR)  # 2-16-16-1 tanh on 200 samples: 337 parameters
    path = trajectory(client, objective, 100)
    body = {
        "objective": objective,
        "point": path[-1],
        "directions": {"kind": "filter_normalized", "seed": 1},
        "ranges": [[-1, 1], [-1, 1]],
        "resolution": 51,
    }
    post_json(client, LANDSCAPE, {**body, "resolution": 3})
    for extra in ({}, {"path": path}):
        start = time.perf_counter()
        got = post_json(client, LANDSCAPE, {**body, **extra})
        assert time.perf_counter() - start < 3.0
        assert decode(got["z"]).shape == (51, 51)


def test_a_surface_takes_a_path_but_no_filters(client: httpx.Client) -> None:
    body = {
        "objective": {"surface": "rosenbrock"},
        "point": [1.0, 1.0],
        "directions": {"kind": "filter_normalized"},
        "ranges": [[-1, 1], [-1, 1]],
        "resolution": 3,
    }
    reply = client.post(LANDSCAPE, json=body)
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"] == ["body", "directions"]
    assert "filter-normalized directions need a network" in reply.json()["message"]
    path = [[-1.0, 1.0], [0.0, 1.0], [0.5, 1.0], [1.0, 1.0]]
    got = post_json(client, LANDSCAPE, {**body, "path": path})
    assert got["basis"] == "pca"
    np.testing.assert_allclose(np.abs(decode(got["directions"])), [[1, 0], [0, 1]], atol=1e-12)
    np.testing.assert_allclose(got["path"]["y"], 0.0, atol=1e-12)


BAD = {
    "params and directions": (
        {"params": ["W1[0,0]", "b1[0]"], "directions": {"kind": "filter_normalized"}},
        "exactly one of 'params'",
        ["body"],
    ),
    "neither": ({}, "exactly one of 'params'", ["body"]),
    "a path with params": (
        {"params": ["W1[0,0]", "b1[0]"], "path": [[0.0] * 51, [1.0] * 51]},
        "'path' goes with 'directions'",
        ["body"],
    ),
    "a path of the wrong length": (
        {"directions": {"kind": "filter_normalized"}, "path": [[0.0] * 51, [1.0] * 50]},
        "path must have 51 coordinates, got 50",
        ["body", "path"],
    ),
    "a path that stays": (
        {"directions": {"kind": "filter_normalized"}, "path": [[0.1] * 51, [0.1] * 51]},
        "the path never leaves the point",
        ["body", "path"],
    ),
    "another kind": ({"directions": {"kind": "random"}}, "", ["body", "directions", "kind"]),
}


@pytest.mark.parametrize(("extra", "words", "loc"), list(BAD.values()), ids=list(BAD))
def test_bad_landscapes_are_422s(
    client: httpx.Client, extra: dict[str, Any], words: str, loc: list[str]
) -> None:
    body = {"objective": SMALL, "point": [0.1] * 51, "ranges": [[-1, 1], [-1, 1]], **extra}
    reply = client.post(LANDSCAPE, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"][0]["loc"] == loc
    assert words in reply.json()["message"]
    assert is_chinese(client.post(LANDSCAPE, json=body, headers=ZH).json()["message"]) or not words


def test_the_landscape_by_parameters_is_unchanged(client: httpx.Client) -> None:
    point = trajectory(client, SMALL, 10)[-1]
    body = {
        "objective": SMALL,
        "params": ["W1[0,0]", "b3[0]"],
        "point": point,
        "ranges": [[-1, 1], [-2, 2]],
        "resolution": 4,
    }
    got = post_json(client, LANDSCAPE, body)
    assert set(got) == {"x", "y", "z", "zmin", "zmax"}
    z, xs, ys = decode(got["z"]), decode(got["x"]), decode(got["y"])
    w = np.array(point)
    w[0], w[-1] = xs[1], ys[2]
    assert z[2, 1] == pytest.approx(loss_at(client, w), rel=1e-5)
