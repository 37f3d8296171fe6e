"""POST /api/v1/runs against oracles: closed forms, NumPy's generator, known minima."""

import math
from typing import Any

import httpx
import numpy as np
import pytest

from app.api.replies import RunArrays, RunResult, StartsResult
from tests.api.helpers import RUNS, assert_all_finite, decode, run_body, strict_json

START = np.array([1.0, -2.0])


def post_run(client: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Run and return the trajectories; the reply must be a 200 of strict (finite) JSON."""
    reply = client.post(RUNS, json=body)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    data = strict_json(reply.text)
    RunResult.model_validate(data)
    trajectories: list[dict[str, Any]] = data["trajectories"]
    return trajectories


def test_sgd_on_bowl_is_geometric(client: httpx.Client) -> None:
    [t] = post_run(client, run_body())
    assert t["steps"] == [0, 1, 2, 3, 4, 5]
    assert len(t["points"]) == 6
    for n, point in enumerate(t["points"]):
        # w ← w − 0.1·2w = 0.8·w
        np.testing.assert_allclose(point, START * 0.8**n, rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["loss"], [5.0 * 0.64**n for n in range(6)], atol=1e-12)
    assert t["status"] == "max_steps"
    assert t["steps_taken"] == 5
    assert t["grad_norm"] == pytest.approx(2 * math.sqrt(5.0) * 0.8**5, rel=1e-12)
    assert "grad" not in t
    assert t["message"].startswith("stopped after 5 steps without converging")


def test_include_grad_records_the_gradient(client: httpx.Client) -> None:
    [t] = post_run(client, run_body(include_grad=True, steps=3))
    np.testing.assert_allclose(t["grad"], 2.0 * np.array(t["points"]), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "starts",
    [[[1.0, -2.0]], [[0.25, 0.5], [-1.5, 1.75], [3.0, -3.0]], [[1e-3, 123.456]]],
)
def test_first_point_is_the_start(client: httpx.Client, starts: list[list[float]]) -> None:
    trajectories = post_run(client, run_body(starts=starts, steps=3))
    assert len(trajectories) == len(starts)
    for t, start in zip(trajectories, starts, strict=True):
        assert t["steps"][0] == 0
        assert t["points"][0] == start


@pytest.mark.parametrize(
    ("steps", "every", "expected"),
    [
        (5, 2, [0, 2, 4, 5]),
        (4, 2, [0, 2, 4]),
        (10, 3, [0, 3, 6, 9, 10]),
        (5, 10, [0, 5]),
        (5, 1, [0, 1, 2, 3, 4, 5]),
        (1, 1, [0, 1]),
    ],
)
def test_every_records_multiples_and_the_last_step(
    client: httpx.Client, steps: int, every: int, expected: list[int]
) -> None:
    [t] = post_run(client, run_body(steps=steps, every=every))
    assert t["steps"] == expected
    for n, point in zip(t["steps"], t["points"], strict=True):
        np.testing.assert_allclose(point, START * 0.8**n, rtol=0, atol=1e-12)


def test_every_also_records_the_step_a_trajectory_stops_at(client: httpx.Client) -> None:
    [t] = post_run(client, run_body(steps=500, every=7))
    assert t["status"] == "converged"
    last = t["steps_taken"]
    assert t["steps"] == [*range(0, last, 7), last] if last % 7 else list(range(0, last + 1, 7))
    np.testing.assert_allclose(t["points"][-1], START * 0.8**last, rtol=0, atol=1e-12)


def test_gaussian_init_is_reproducible_and_matches_numpy(client: httpx.Client) -> None:
    mean, std, count, seed = [0.5, -0.25], 0.7, 5, 1234
    body = run_body(
        starts=None,
        init={"kind": "gaussian", "mean": mean, "std": std, "count": count, "seed": seed},
        steps=2,
    )
    first, second = client.post(RUNS, json=body), client.post(RUNS, json=body)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    z = np.random.default_rng(seed).standard_normal((count, 2))
    expected = np.asarray(mean) + std * z
    starts = [t["points"][0] for t in first.json()["trajectories"]]
    assert len(starts) == count
    np.testing.assert_array_equal(starts, expected)
    other = post_run(client, {**body, "init": {**body["init"], "seed": seed + 1}})
    assert [t["points"][0] for t in other] != starts


def test_gaussian_init_defaults_to_the_domain_centre(client: httpx.Client) -> None:
    body = run_body(
        objective={"surface": "rosenbrock"},
        starts=None,
        init={"kind": "gaussian", "count": 3, "seed": 9},
        steps=1,
    )
    starts = [t["points"][0] for t in post_run(client, body)]
    # Rosenbrock's domain is [-2, 2] × [-1, 3]; std defaults to 1.
    expected = np.array([0.0, 1.0]) + np.random.default_rng(9).standard_normal((3, 2))
    np.testing.assert_array_equal(starts, expected)


def test_uniform_init_matches_numpy(client: httpx.Client) -> None:
    low, high = [-1.0, 0.5], [2.0, 1.5]
    body = run_body(
        starts=None,
        init={"kind": "uniform", "low": low, "high": high, "count": 4, "seed": 42},
        steps=1,
    )
    starts = [t["points"][0] for t in post_run(client, body)]
    lo, hi = np.asarray(low), np.asarray(high)
    expected = lo + (hi - lo) * np.random.default_rng(42).random((4, 2))
    np.testing.assert_array_equal(starts, expected)


def test_grid_init_shape_3_by_2_gives_6_starts(client: httpx.Client) -> None:
    body = run_body(starts=None, init={"kind": "grid", "shape": [3, 2]}, steps=1)
    starts = [t["points"][0] for t in post_run(client, body)]
    # The bowl's domain is [-2, 2]²; x varies fastest.
    assert starts == [[-2.0, -2.0], [0.0, -2.0], [2.0, -2.0], [-2.0, 2.0], [0.0, 2.0], [2.0, 2.0]]
    box = {"kind": "grid", "shape": [2, 3], "low": [0.0, 10.0], "high": [1.0, 11.0]}
    starts = [t["points"][0] for t in post_run(client, run_body(starts=None, init=box, steps=1))]
    assert starts == [[0.0, 10.0], [1.0, 10.0], [0.0, 10.5], [1.0, 10.5], [0.0, 11.0], [1.0, 11.0]]


def test_diverging_run_is_an_ordinary_result(client: httpx.Client) -> None:
    reply = client.post(RUNS, json=run_body(optimizer={"name": "sgd", "lr": 1.5}, steps=100))
    assert reply.status_code == 200
    data = strict_json(reply.text)  # no NaN / Infinity literals anywhere
    assert_all_finite(data)  # and no nulls standing in for them
    [t] = data["trajectories"]
    assert t["status"] == "diverged"
    # w ← w − 1.5·2w = −2·w: |w| doubles until a coordinate passes the default bound
    # 1e3 · max|domain| = 2000, which −2·w = (−512, 1024)·(−2) = (1024, −2048) does at step 10.
    assert t["steps_taken"] == 10
    assert t["steps"] == list(range(10))
    for n, point in enumerate(t["points"]):
        np.testing.assert_allclose(point, START * (-2.0) ** n, rtol=0, atol=1e-12)
    assert "diverged at step 10" in t["message"]
    assert "lr < 2/2 = 1" in t["message"]
    assert "1.5" in t["message"]


def test_divergence_with_a_huge_bound_still_gives_finite_json(client: httpx.Client) -> None:
    body = run_body(
        objective={"surface": "rosenbrock"},
        optimizer={"name": "sgd", "lr": 1.0},
        bound=1e100,
        steps=50,
        include_grad=True,
    )
    reply = client.post(RUNS, json=body)
    assert reply.status_code == 200
    data = strict_json(reply.text)
    assert_all_finite(data)
    [t] = data["trajectories"]
    assert t["status"] == "diverged"
    assert t["message"].startswith(f"diverged at step {t['steps_taken']}")
    assert max(abs(v) for p in t["points"] for v in p) <= 1e100


def first_step_below(start: np.ndarray[Any, np.dtype[np.float64]], tol: float) -> int:
    """First n with |∇f(w_n)| = 2·|w0|·0.8ⁿ < tol (SGD lr = 0.1 on the bowl)."""
    g0 = 2.0 * float(np.linalg.norm(start))
    n = 0
    while not g0 * 0.8**n < tol:
        n += 1
    # Keep clear of the boundary, so rounding in the engine cannot move the answer.
    assert g0 * 0.8**n < 0.99 * tol < 0.99 * g0 * 0.8 ** (n - 1)
    return n


@pytest.mark.parametrize("tol", [1e-6, 1e-3])
def test_convergence_step_matches_closed_form(client: httpx.Client, tol: float) -> None:
    [t] = post_run(client, run_body(steps=1000, tol=tol))
    n = first_step_below(START, tol)
    assert t["status"] == "converged"
    assert t["steps_taken"] == n
    assert t["steps"] == list(range(n + 1))
    assert t["grad_norm"] == pytest.approx(2 * math.sqrt(5.0) * 0.8**n, rel=1e-9)
    assert t["grad_norm"] < tol
    assert t["message"].startswith(f"converged at step {n}:")
    assert "global minimum (0, 0)" in t["message"]


def test_loose_tolerance_does_not_invent_a_local_minimum(client: httpx.Client) -> None:
    [t] = post_run(client, run_body(steps=1000, tol=0.5))
    n = first_step_below(START, 0.5)
    assert t["status"] == "converged"
    assert t["steps_taken"] == n == 10
    assert "local minimum" not in t["message"]
    assert "(0, 0)" in t["message"]


def test_fewer_steps_than_needed_is_max_steps(client: httpx.Client) -> None:
    n = first_step_below(START, 1e-6)
    [t] = post_run(client, run_body(steps=n - 1, every=1000))
    assert t["status"] == "max_steps"
    assert t["steps_taken"] == n - 1
    assert t["steps"] == [0, n - 1]


def test_starting_at_the_minimum_converges_at_step_0(client: httpx.Client) -> None:
    [t] = post_run(client, run_body(starts=[[0.0, 0.0]]))
    assert t["status"] == "converged"
    assert t["steps_taken"] == 0
    assert t["points"] == [[0.0, 0.0]]
    assert t["message"].startswith("converged at step 0")


HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118086953, 3.131312518251),
    (-3.779310253378, -3.283185991286),
    (3.584428340330, -1.848126526964),
]


@pytest.mark.parametrize("minimum", HIMMELBLAU_MINIMA)
def test_himmelblau_converges_to_the_nearest_minimum(
    client: httpx.Client, minimum: tuple[float, float]
) -> None:
    x, y = minimum
    starts = [[x + 0.2, y - 0.2], [x - 0.15, y + 0.1]]
    body = run_body(
        objective={"surface": "himmelblau"},
        optimizer={"name": "sgd", "lr": 0.01},
        starts=starts,
        steps=10_000,
        every=10_000,
    )
    for t in post_run(client, body):
        assert t["status"] == "converged"
        assert t["steps_taken"] < 1000
        px, py = t["points"][-1]
        assert math.hypot(px - x, py - y) < 1e-5
        f = (px**2 + py - 11) ** 2 + (px + py**2 - 7) ** 2
        assert t["loss"][-1] == pytest.approx(f, abs=1e-15)
        assert f < 1e-12
        assert f"the global minimum ({x:.4g}, {y:.4g})" in t["message"]


def rosenbrock_grad(x: float, y: float) -> tuple[float, float]:
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)


@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_adam_first_step_moves_each_coordinate_by_lr(client: httpx.Client, name: str) -> None:
    lr = 0.01
    starts = [[-1.5, 2.0], [0.3, -0.7], [1.2, 1.0], [-0.5, -0.5]]
    opt: dict[str, Any] = {"name": name, "lr": lr}
    if name == "adamw":
        opt["weight_decay"] = 0.0
    body = run_body(objective={"surface": "rosenbrock"}, optimizer=opt, starts=starts, steps=1)
    for t, (x, y) in zip(post_run(client, body), starts, strict=True):
        g = rosenbrock_grad(x, y)
        assert min(abs(v) for v in g) > 0.1  # so that eps = 1e-8 is negligible
        (x0, y0), (x1, y1) = t["points"]
        # m_hat = g and v_hat = g² at t = 1, so the step is lr·g/(|g| + eps) ≈ lr·sign(g).
        assert x1 - x0 == pytest.approx(-lr * math.copysign(1.0, g[0]), rel=1e-6)
        assert y1 - y0 == pytest.approx(-lr * math.copysign(1.0, g[1]), rel=1e-6)


def test_256_by_256_grid_of_starts_for_1000_adam_steps(client: httpx.Client) -> None:
    """The README's promise, as typed arrays (a JSON list per trajectory is the slow part)."""
    body = {
        "objective": {"surface": "rosenbrock"},
        "optimizer": {"name": "adam", "lr": 0.01},
        "init": {"kind": "grid", "shape": [256, 256]},
        "steps": 1000,
        "every": 1000,
        "format": "arrays",
    }
    reply = client.post(RUNS, json=body)
    assert reply.status_code == 200
    a = RunArrays.model_validate(reply.json()).model_dump()
    k = 256 * 256
    offsets, steps, points = decode(a["offsets"]), decode(a["steps"]), decode(a["points"])
    taken, status = decode(a["steps_taken"]), decode(a["status"])
    assert offsets.shape == (k + 1,)
    first, last = offsets[:-1], offsets[1:] - 1
    assert np.all(last > first)  # the start and at least one more record each
    assert np.all(steps[first] == 0)
    np.testing.assert_array_equal(steps[last], taken)
    assert {a["statuses"][code] for code in np.unique(status)} <= {"converged", "max_steps"}
    (x0, x1), (y0, y1) = (-2.0, 2.0), (-1.0, 3.0)
    i = np.arange(k)
    expected = np.column_stack(
        [x0 + (x1 - x0) * (i % 256) / 255, y0 + (y1 - y0) * (i // 256) / 255]
    )
    np.testing.assert_allclose(points[first], expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "init",
    [
        {"kind": "gaussian", "count": 5, "std": 0.5, "seed": 3},
        {"kind": "uniform", "count": 4, "seed": 8, "low": [0, 0], "high": [1, 2]},
        {"kind": "grid", "shape": [3, 2]},
    ],
)
def test_starts_alone_are_the_starts_of_the_run(client: httpx.Client, init: dict[str, Any]) -> None:
    objective = {"surface": "himmelblau"}
    reply = client.post("/api/v1/starts", json={"objective": objective, "init": init})
    assert reply.status_code == 200
    starts = StartsResult.model_validate(reply.json()).starts
    body = run_body(objective=objective, starts=None, init=init, steps=1)
    assert [t["points"][0] for t in post_run(client, body)] == starts


def test_starts_for_a_quadratic_fill_its_start_region(client: httpx.Client) -> None:
    objective = {"quadratic": {"dim": 4, "condition": 10, "center": [5, 5, 5, 5]}}
    init = {"kind": "uniform", "count": 50, "seed": 1}
    reply = client.post("/api/v1/starts", json={"objective": objective, "init": init})
    assert reply.status_code == 200
    starts = np.array(reply.json()["starts"])
    assert starts.shape == (50, 4)
    assert starts.min() >= 4.0  # the centre ± 1
    assert starts.max() <= 6.0
