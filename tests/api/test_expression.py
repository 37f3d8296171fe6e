"""A typed formula is an objective like any other: runs, streams, starts, grids, descriptions.

The oracles are the built-in surfaces written as text (`x^2 + y^2` is the bowl, bit for bit;
Rosenbrock agrees to rounding) and closed forms.
"""

from typing import Any

import httpx
import numpy as np
import pytest

from app.api.replies import GridResult, ObjectiveInfo
from tests.api.helpers import RUNS, decode, post_json, split_stream, stream_events

DESCRIBE = "/api/v1/objectives/describe"
GRID = "/api/v1/objectives/grid"
STARTS = "/api/v1/starts"
BOWL = {"expression": "x^2 + y^2", "domain": [[-2, 2], [-2, 2]]}  # the bowl's own domain
ROSENBROCK = {"expression": "(1-x)^2 + 100*(y-x^2)^2", "domain": [[-2, 2], [-1, 3]]}
RACE: list[dict[str, Any]] = [
    {"name": "sgd", "lr": 0.1},
    {"name": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"name": "adam", "lr": 0.05},
    {"name": "rmsprop", "lr": 0.01, "momentum": 0.5},
    {"name": "adagrad", "lr": 0.5},
]
RACE_IDS = [f"{o['name']}-{k}" for k, o in enumerate(RACE)]


def without_messages(reply: Any) -> Any:
    """A reply without its sentences: the bowl knows its Hessian and gives step-size advice
    that a typed formula cannot; every number and outcome must still agree."""
    if isinstance(reply, dict):
        return {
            k: without_messages(v) for k, v in reply.items() if k not in ("message", "messages")
        }
    if isinstance(reply, list):
        return [without_messages(v) for v in reply]
    return reply


def run(client: httpx.Client, objective: dict[str, Any], **fields: Any) -> Any:
    """The reply to POST /runs for `objective` and the other fields."""
    body = {"objective": objective, "optimizer": {"name": "sgd", "lr": 0.1}, **fields}
    return post_json(client, RUNS, body)


@pytest.mark.parametrize("optimizer", RACE, ids=RACE_IDS)
def test_x2_plus_y2_runs_exactly_like_the_bowl(
    client: httpx.Client, optimizer: dict[str, Any]
) -> None:
    fields = {
        "optimizer": optimizer,
        "starts": [[1.5, -0.5], [-1.0, 2.0]],
        "steps": 300,
        "include_grad": True,
    }
    typed = run(client, BOWL, **fields)
    surface = run(client, {"surface": "bowl"}, **fields)
    assert without_messages(typed) == without_messages(surface)  # bit for bit
    assert {t["status"] for t in typed["trajectories"]} <= {"converged", "max_steps"}


def test_typed_arrays_of_an_expression_equal_the_bowls(client: httpx.Client) -> None:
    fields = {"init": {"kind": "grid", "shape": [4, 3]}, "steps": 40, "every": 7}
    typed = run(client, BOWL, format="arrays", **fields)
    surface = run(client, {"surface": "bowl"}, format="arrays", **fields)
    assert without_messages(typed) == without_messages(surface)
    points = decode(typed["points"])
    assert points.shape[1] == 2
    assert typed["dim"] == 2


def test_rosenbrock_as_text_matches_the_surface(client: httpx.Client) -> None:
    fields = {
        "optimizer": {"name": "adam", "lr": 0.02},
        "starts": [[-1.5, 2.0], [1.5, -0.5]],
        "steps": 3000,
        "every": 10,
    }
    typed = run(client, ROSENBROCK, **fields)["trajectories"]
    surface = run(client, {"surface": "rosenbrock"}, **fields)["trajectories"]
    for a, b in zip(typed, surface, strict=True):
        assert (a["status"], a["steps_taken"], a["steps"]) == (
            b["status"],
            b["steps_taken"],
            b["steps"],
        )
        np.testing.assert_allclose(a["points"], b["points"], rtol=0, atol=1e-12)
        np.testing.assert_allclose(a["loss"], b["loss"], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("optimizer", RACE[:3], ids=RACE_IDS[:3])
def test_a_race_of_streams_on_an_expression_equals_the_surfaces(
    client: httpx.Client, optimizer: dict[str, Any]
) -> None:
    """Race mode streams one run per optimizer from the same starts."""
    body = {
        "optimizer": optimizer,
        "init": {"kind": "gaussian", "count": 5, "std": 1, "seed": 11},
        "steps": 120,
        "every": 5,
    }
    typed = stream_events(client, {"objective": BOWL, **body})
    surface = stream_events(client, {"objective": {"surface": "bowl"}, **body})
    assert [e.id for e in typed] == [e.id for e in surface]
    assert [without_messages(e.json()) for e in typed] == [
        without_messages(e.json()) for e in surface
    ]
    frames, summary = split_stream(typed)
    assert frames[0].json()["step"] == 0
    assert len(summary["trajectories"]) == 5


def test_a_stream_of_an_expression_in_typed_arrays(client: httpx.Client) -> None:
    body = {
        "objective": {"expression": "(x - 1)^2 + (y + 0.5)^2 + z^2"},
        "optimizer": {"name": "sgd", "lr": 0.25},
        "starts": [[0.0, 0.0, 2.0]],
        "steps": 3,
        "format": "arrays",
    }
    frames, summary = split_stream(stream_events(client, body))
    # GD with lr 1/4 on a sum of squares halves the distance to (1, -0.5, 0) at every step.
    for frame in frames:
        k = frame.json()["step"]
        point = decode(frame.json()["points"])[0]
        np.testing.assert_allclose(point, np.array([1, -0.5, 0]) + 0.5**k * np.array([-1, 0.5, 2]))
    assert summary["trajectories"][0]["status"] == "max_steps"


def test_variables_give_the_parameter_order(client: httpx.Client) -> None:
    objective = {"expression": "x^2 + 3*y", "variables": ["y", "x"]}
    info = describe(client, objective)
    assert info["names"] == ["y", "x"]
    # One SGD step from (y, x) = (1, 2): the gradient is (3, 2x) = (3, 4), in that order.
    [t] = run(client, objective, starts=[[1.0, 2.0]], steps=1, tol=0)["trajectories"]
    assert t["points"] == [[1.0, 2.0], [1.0 - 0.1 * 3, 2.0 - 0.1 * 4]]
    [default] = run(client, {"expression": "x^2 + 3*y"}, starts=[[2.0, 1.0]], steps=1)[
        "trajectories"
    ]
    assert default["points"][1] == [2.0 - 0.1 * 4, 1.0 - 0.1 * 3]  # alphabetical: (x, y)


def describe(client: httpx.Client, objective: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The describe reply, checked against its declared model."""
    info: dict[str, Any] = post_json(client, DESCRIBE, {"objective": objective}, **kwargs)
    ObjectiveInfo.model_validate(info)
    return info


def test_describe_an_expression(client: httpx.Client) -> None:
    info = describe(client, {"expression": "x^2 + 3*sin(y)"})
    assert info["kind"] == "expression"
    assert info["title"] == "x^2 + 3*sin(y)"
    assert (info["dim"], info["names"]) == (2, ["x", "y"])
    assert info["domain"] == [[-3.0, 3.0], [-3.0, 3.0]]  # the default
    assert info["start_region"] == {"low": [-3.0, -3.0], "high": [3.0, 3.0]}
    assert info["log_scale"] is False
    assert info["curvature"] is None
    assert info["cost"] >= 1
    # The minimum on the domain: x = 0, y = -π/2, f = -3.
    [mark] = info["landmarks"]
    np.testing.assert_allclose(mark["point"], [0.0, -np.pi / 2], atol=1e-6)
    assert mark["value"] == pytest.approx(-3.0, abs=1e-12)
    assert mark["kind"] == "global"
    zh = describe(client, {"expression": "x^2 + 3*sin(y)"}, headers={"Accept-Language": "zh"})
    assert zh["title"] == "x^2 + 3*sin(y)"  # a formula reads the same in both languages


def test_describe_an_expression_of_three_variables(client: httpx.Client) -> None:
    info = describe(client, {"expression": "a*b - c"})
    assert (info["dim"], info["names"], info["domain"], info["landmarks"]) == (
        3,
        ["a", "b", "c"],
        None,
        [],
    )
    assert info["start_region"] == {"low": [-3.0] * 3, "high": [3.0] * 3}


def test_a_domain_sets_the_plot_and_the_starts(client: httpx.Client) -> None:
    objective = {"expression": "sin(x)*y", "domain": [[0, 2], [-1, 1]]}
    info = describe(client, objective)
    assert info["domain"] == [[0.0, 2.0], [-1.0, 1.0]]
    assert info["start_region"] == {"low": [0.0, -1.0], "high": [2.0, 1.0]}
    starts = post_json(client, STARTS, {"objective": objective, "init": {"kind": "grid"}})
    xs, ys = np.linspace(0, 2, 16), np.linspace(-1, 1, 16)  # 16 per axis by default
    points = np.array(starts["starts"])
    assert points.shape == (256, 2)
    assert set(points[:, 0].tolist()) == set(xs.tolist())
    assert set(points[:, 1].tolist()) == set(ys.tolist())
    r = 21
    reply = post_json(client, GRID, {"objective": objective, "resolution": r})
    GridResult.model_validate(reply)
    x, y, z = decode(reply["x"]), decode(reply["y"]), decode(reply["z"])
    np.testing.assert_array_equal(x, np.linspace(0, 2, r).astype(np.float32))
    np.testing.assert_array_equal(y, np.linspace(-1, 1, r).astype(np.float32))
    xx, yy = np.meshgrid(np.linspace(0, 2, r), np.linspace(-1, 1, r))
    np.testing.assert_allclose(z, np.sin(xx) * yy, rtol=2.0**-23, atol=1e-7)


def test_the_grid_of_x2_plus_y2_is_the_bowls(client: httpx.Client) -> None:
    typed = post_json(client, GRID, {"objective": BOWL, "resolution": 33})
    surface = client.get("/api/v1/surfaces/bowl/grid", params={"resolution": 33}).json()
    assert typed == surface


def test_starts_for_an_expression_equal_the_bowls(client: httpx.Client) -> None:
    init = {"kind": "gaussian", "count": 6, "std": 0.5, "seed": 3}
    typed = post_json(client, STARTS, {"objective": BOWL, "init": init})
    surface = post_json(client, STARTS, {"objective": {"surface": "bowl"}, "init": init})
    assert typed == surface


def test_a_grid_of_three_variables_is_422(client: httpx.Client) -> None:
    reply = client.post(GRID, json={"objective": {"expression": "x+y+z"}, "resolution": 8})
    assert reply.status_code == 422
    assert (
        reply.json()["message"] == "this objective has 3 parameters; plots and grids need exactly 2"
    )


def test_a_start_of_the_wrong_length_is_422(client: httpx.Client) -> None:
    reply = client.post(
        RUNS,
        json={
            "objective": {"expression": "x*y*z"},
            "optimizer": {"name": "sgd"},
            "starts": [[1.0, 2.0]],
        },
    )
    assert reply.status_code == 422
    assert "3 coordinates, got 2" in reply.json()["message"]
