"""Outcome sentences for the edge cases a student meets with the sliders, checked over HTTP."""

from typing import Any

import httpx
import numpy as np

from tests.api.helpers import RUNS, run_body


def run_one(client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    reply = client.post(RUNS, json=run_body(**overrides))
    assert reply.status_code == 200, reply.text
    trajectory: dict[str, Any] = reply.json()["trajectories"][0]
    return trajectory


def test_divergence_on_the_first_step_reports_where_it_landed(client: httpx.Client) -> None:
    t = run_one(
        client,
        objective={"surface": "beale"},
        optimizer={"name": "sgd", "lr": 1.0},
        starts=[[-3.15, 3.15]],
        steps=50,
    )
    assert t["status"] == "diverged"
    assert t["steps_taken"] == 1
    x, y = -3.15, 3.15  # Beale at the start, computed here
    f0 = (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    assert f"the loss grew from {f0:.4g} to " in t["message"]
    assert f"grew from {f0:.4g} to {f0:.4g}" not in t["message"]


def test_loose_tolerance_never_invents_a_stationary_point(client: httpx.Client) -> None:
    t = run_one(
        client,
        objective={"surface": "rosenbrock"},
        optimizer={"name": "sgd", "lr": 1e-4},
        starts=[[-1.4, 2.4]],
        tol=300,
        steps=100,
    )
    assert t["status"] == "converged"
    assert "saddle" not in t["message"]
    assert "local minimum" not in t["message"]
    assert "global minimum (1, 1)" in t["message"]
    assert "stop short" in t["message"]


def test_loose_tolerance_names_the_nearby_minimum(client: httpx.Client) -> None:
    t = run_one(
        client,
        objective={"surface": "himmelblau"},
        optimizer={"name": "sgd", "lr": 0.01},
        starts=[[1.0, 1.0]],
        tol=20,
        steps=100,
    )
    assert t["status"] == "converged"
    assert "global minimum (3, 2)" in t["message"]
    distance = float(np.hypot(t["points"][-1][0] - 3, t["points"][-1][1] - 2))
    assert f"{distance:.2g} away" in t["message"]


def test_weight_decay_is_named_when_it_keeps_the_gradient_from_vanishing(
    client: httpx.Client,
) -> None:
    t = run_one(
        client,
        objective={"surface": "himmelblau"},
        optimizer={"name": "adamw", "lr": 0.05},
        starts=[[1.0, 1.0]],
        steps=3000,
        every=3000,
    )
    assert t["status"] == "max_steps"
    assert "weight_decay = 0.01 pulls the parameters towards 0" in t["message"]


def test_zero_tolerance_says_every_step_ran(client: httpx.Client) -> None:
    t = run_one(client, starts=[[0.0, 0.0]], tol=0, steps=7)
    assert t["status"] == "max_steps"
    assert t["steps_taken"] == 7
    assert t["message"].startswith("ran all 7 steps (a tolerance of 0 never stops early)")


def test_starts_outside_the_bound_are_refused(client: httpx.Client) -> None:
    reply = client.post(RUNS, json=run_body(starts=[[1e5, 0.0]]))
    assert reply.status_code == 422
    assert "±bound = ±2000" in reply.json()["message"]


def test_recorded_gradients_match_the_surface_at_scale(client: httpx.Client) -> None:
    body = run_body(
        init={"kind": "grid", "shape": [128, 128]},
        starts=None,
        steps=3,
        include_grad=True,
    )
    reply = client.post(RUNS, json=body)
    assert reply.status_code == 200
    trajectories = reply.json()["trajectories"]
    assert len(trajectories) == 128 * 128
    for t in trajectories[::997]:  # the bowl's gradient is 2w
        np.testing.assert_allclose(t["grad"], 2 * np.array(t["points"]), rtol=1e-12)
