"""The quadratic objective through /runs and /runs/stream, against its closed forms.

On f(w) = 1/2 Σ λ_i (w_i - c_i)², gradient descent multiplies w_i - c_i by (1 - lr·λ_i) at every
step. With λ = 1, 2, 4 and lr = 1/4 the factors are 3/4, 1/2 and 0, so every recorded point is
a dyadic fraction and must come back exactly.
"""

import math
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest

from app.api.replies import ObjectiveInfo, RunResult
from tests.api.helpers import RUNS, post_json, split_stream, stream_events

LAMBDA = np.array([1.0, 2.0, 4.0])
LR = 0.25
F64 = npt.NDArray[np.float64]


def run(client: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    reply = post_json(client, RUNS, body)
    RunResult.model_validate(reply)
    trajectories: list[dict[str, Any]] = reply["trajectories"]
    return trajectories


def axis_body(center: list[float] | None = None, **overrides: Any) -> dict[str, Any]:
    quadratic: dict[str, Any] = {"eigenvalues": LAMBDA.tolist()}
    if center is not None:
        quadratic["center"] = center
    return {
        "objective": {"quadratic": quadratic},
        "optimizer": {"name": "sgd", "lr": LR},
        "starts": [[1.0, -2.0, 3.0], [0.5, 0.5, -0.5]],
        "steps": 8,
        "tol": 0,
        "include_grad": True,
        **overrides,
    }


@pytest.mark.parametrize("center", [None, [1.0, 0.0, -1.0]])
def test_gd_scales_each_coordinate_by_one_minus_lr_lambda(
    client: httpx.Client, center: list[float] | None
) -> None:
    body = axis_body(center)
    c = np.zeros(3) if center is None else np.array(center)
    factor = 1.0 - LR * LAMBDA  # 3/4, 1/2, 0
    for t, start in zip(run(client, body), body["starts"], strict=True):
        assert t["steps"] == list(range(9))
        error = np.array(start) - c
        for n, (point, loss, grad) in enumerate(
            zip(t["points"], t["loss"], t["grad"], strict=True)
        ):
            assert point == (c + error).tolist(), n  # exactly
            assert grad == (LAMBDA * error).tolist(), n
            assert loss == pytest.approx(0.5 * float(np.sum(LAMBDA * error**2)), rel=1e-15)
            error = error * factor
        assert t["status"] == "max_steps"
        assert t["steps_taken"] == 8
        last = (np.array(start) - c) * factor**8
        assert t["grad_norm"] == pytest.approx(float(np.linalg.norm(LAMBDA * last)), rel=1e-15)


def test_the_stream_sends_the_same_points(client: httpx.Client) -> None:
    body = axis_body([1.0, 0.0, -1.0], every=3)
    expected = run(client, body)
    frames, summary = split_stream(stream_events(client, body))
    assert [f.id for f in frames] == ["0", "3", "6", "8"]
    for frame in frames:
        data = frame.json()
        assert data["index"] == [0, 1]
        for k, point, loss, grad in zip(
            data["index"], data["points"], data["loss"], data["grad"], strict=True
        ):
            i = expected[k]["steps"].index(data["step"])
            assert point == expected[k]["points"][i]
            assert loss == expected[k]["loss"][i]
            assert grad == expected[k]["grad"][i]
    for end, t in zip(summary["trajectories"], expected, strict=True):
        assert end["point"] == t["points"][-1]
        assert end["message"] == t["message"]


def describe(client: httpx.Client, objective: dict[str, Any]) -> tuple[F64, F64]:
    """The eigenvectors (rows) and eigenvalues from POST /objectives/describe."""
    info = ObjectiveInfo.model_validate(
        post_json(client, "/api/v1/objectives/describe", {"objective": objective})
    )
    assert info.curvature is not None
    assert info.curvature.eigenvectors is not None
    return np.array(info.curvature.eigenvectors), np.array(info.curvature.eigenvalues)


def test_rotated_quadratic_loss_is_the_quadratic_form(client: httpx.Client) -> None:
    c = np.array([0.1, -0.2, 0.3, 0.05])
    objective = {
        "quadratic": {"eigenvalues": [1, 3, 10, 0.5], "rotation_seed": 5, "center": c.tolist()}
    }
    q, lam = describe(client, objective)
    a = q.T @ np.diag(lam) @ q
    lr = 0.1
    body = {
        "objective": objective,
        "optimizer": {"name": "sgd", "lr": lr},
        "init": {"kind": "gaussian", "count": 5, "seed": 2},
        "steps": 30,
        "tol": 0,
        "include_grad": True,
    }
    for t in run(client, body):
        w = np.array(t["points"])
        d = w - c
        np.testing.assert_allclose(
            t["loss"], 0.5 * np.einsum("kp,pq,kq->k", d, a, d), rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(t["grad"], d @ a, rtol=1e-12, atol=1e-14)
        # Along eigen-direction i the error shrinks by (1 - lr·λ_i) at every step.
        e = d @ q.T
        steps = np.array(t["steps"])
        expected = e[0] * (1.0 - lr * lam)[None, :] ** steps[:, None]
        np.testing.assert_allclose(e, expected, rtol=1e-9, atol=1e-13)


def test_divergence_step_and_message_follow_the_closed_form(client: httpx.Client) -> None:
    # λ = 1, 4 and lr = 0.6 > 2/4: w[1] is multiplied by 1 - 2.4 = -1.4 at every step, and
    # leaves the default bound 1e3 × max|domain| = 1000 at the first n with 1.4^n > 1000.
    body = {
        "objective": {"quadratic": {"eigenvalues": [1, 4]}},
        "optimizer": {"name": "sgd", "lr": 0.6},
        "starts": [[1.0, 1.0]],
        "steps": 100,
    }
    [t] = run(client, body)
    n = math.ceil(math.log(1000) / math.log(1.4))
    assert t["status"] == "diverged"
    assert t["steps_taken"] == n == 21
    assert t["message"].startswith(f"diverged at step {n}: that step left the finite range ±1000.")
    assert "The step size 0.6 is too large" in t["message"]
    assert "stable there only for lr < 2/4 = 0.5" in t["message"]


def test_convergence_step_and_advice_follow_the_closed_form(client: httpx.Client) -> None:
    # lr = 0.3: the errors shrink by 0.7 and -0.2 per step; |∇f| < 1e-6 once 0.7^n < 1e-6.
    body = {
        "objective": {"quadratic": {"eigenvalues": [1, 4]}},
        "optimizer": {"name": "sgd", "lr": [0.3, 0.01]},
        "starts": [[1.0, 1.0], [1.0, 1.0]],
        "steps": 50,
        "every": 50,
    }
    fast, slow = run(client, body)
    n = math.ceil(math.log(1e-6) / math.log(0.7))
    assert fast["status"] == "converged"
    assert fast["steps_taken"] == n == 39
    assert "at the global minimum (0, 0)" in fast["message"]
    assert slow["status"] == "max_steps"
    # The advice names lr_best = 2/(1 + 4) = 0.4 and its rate (4 - 1)/(4 + 1) = 0.6.
    assert (
        "The step size 2/(λ_min + λ_max) = 0.4 would make every direction shrink" in slow["message"]
    )
    assert "at least 0.6" in slow["message"]
    assert "the slowest direction shrinks by only 0.99 per step" in slow["message"]


def test_a_thousand_parameters(client: httpx.Client) -> None:
    lam = np.geomspace(1.0, 100.0, 1000)
    start = np.ones(1000)
    body = {
        "objective": {"quadratic": {"dim": 1000, "condition": 100}},
        "optimizer": {"name": "sgd", "lr": 0.01},
        "starts": [start.tolist()],
        "steps": 20,
        "every": 20,
        "tol": 0,
    }
    [t] = run(client, body)
    assert t["steps"] == [0, 20]
    np.testing.assert_allclose(t["points"][-1], start * (1 - 0.01 * lam) ** 20, rtol=1e-12)
