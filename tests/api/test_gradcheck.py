"""POST /api/v1/gradcheck and /gradcheck/cost, against closed forms of the error in h."""

import math
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from app.api.gradcheck import GradCheckResult, GradCostResult
from app.config import Settings
from app.main import create_app
from tests.api.conftest import serve
from tests.api.helpers import post_json

CHECK = "/api/v1/gradcheck"
COST = "/api/v1/gradcheck/cost"
SWEEP = [10.0**-k for k in range(1, 16)]  # 1e-1 ... 1e-15


def check(client: httpx.Client, objective: dict[str, Any], point: list[float], **kw: Any) -> Any:
    """The report, checked against its declared model."""
    reply = post_json(client, CHECK, {"objective": objective, "point": point, **kw})
    GradCheckResult.model_validate(reply)
    return reply


def test_the_bowl_gradient_is_2x(client: httpx.Client) -> None:
    report = check(client, {"surface": "bowl"}, [1.0, 2.0])
    assert report["point"] == [1.0, 2.0]
    assert report["names"] == ["x", "y"]
    assert report["loss"] == 5.0
    assert report["analytic"] == [2.0, 4.0]
    assert report["evaluations"] == {"analytic": 1, "forward": 3, "centred": 4}
    [step] = report["steps"]
    assert step["h"] == 1e-5  # the default
    assert (step["best_forward"], step["best_centred"]) == (True, True)
    for param, exact in zip(step["parameters"], [2.0, 4.0], strict=True):
        assert param["analytic"] == exact
        assert param["centred"]["numerical"] == pytest.approx(exact, rel=1e-9)
        assert param["centred"]["verdict"] == "fine"
        # Forward differences of x² are 2x + h: error h / (2x + h), a "suspect" 5e-6 at most.
        assert param["forward"]["numerical"] == pytest.approx(exact + 1e-5, rel=1e-9)
        assert param["forward"]["verdict"] == "suspect"
    assert report["verdict"] == "fine"
    assert report["best_centred_h"] == report["best_forward_h"] == 1e-5


def test_forward_error_grows_with_large_h_and_with_tiny_h(client: httpx.Client) -> None:
    """Bowl at x = 1: the forward difference is 2 + h, error h/(2 + h) (truncation), until
    round-off (about ε f / h) takes over below h ≈ 1e-8."""
    report = check(client, {"surface": "bowl"}, [1.0, 2.0], h=SWEEP)
    errors = [s["forward_error"] for s in report["steps"]]
    assert [s["h"] for s in report["steps"]] == SWEEP
    for h, error in zip(SWEEP[:4], errors[:4], strict=True):
        assert error == pytest.approx(h / (2 + h), rel=1e-4)  # the worst parameter is x
    best = int(np.argmin(errors))
    assert [s["best_forward"] for s in report["steps"]] == [k == best for k in range(15)]
    assert report["best_forward_h"] == SWEEP[best]
    assert 1e-10 <= SWEEP[best] <= 1e-6
    assert errors[0] > 1e4 * errors[best]  # truncation
    assert errors[-1] > 1e4 * errors[best]  # round-off
    assert report["steps"][0]["forward_verdict"] == "wrong"
    assert report["steps"][-1]["forward_verdict"] == "wrong"


def test_centred_error_is_h_squared_over_6_until_round_off(client: httpx.Client) -> None:
    """sin at x = 1: the centred difference is cos(1) sin(h)/h, error 1 - sin(h)/h ≈ h²/6."""
    report = check(client, {"expression": "sin(x)"}, [1.0], h=SWEEP)
    errors = [s["centred_error"] for s in report["steps"]]
    for h, error in zip(SWEEP[:3], errors[:3], strict=True):
        assert error == pytest.approx(1 - math.sin(h) / h, rel=1e-4)
    best = int(np.argmin(errors))
    assert 1e-7 <= SWEEP[best] <= 1e-3
    assert report["steps"][best]["best_centred"]
    assert sum(s["best_centred"] for s in report["steps"]) == 1
    assert errors[0] > 1e4 * errors[best]
    assert errors[-1] > 1e4 * errors[best]
    assert report["steps"][best]["centred_verdict"] == "fine"
    assert report["steps"][0]["centred_verdict"] == "suspect"  # 1.7e-3
    assert report["verdict"] == "fine"


def test_an_expression_checks_in_its_variables_order(client: httpx.Client) -> None:
    objective = {"expression": "x^2 + 3*sin(y)", "variables": ["y", "x"]}
    report = check(client, objective, [1.0, 0.5])
    assert report["names"] == ["y", "x"]
    assert report["analytic"] == [pytest.approx(3 * math.cos(1.0), rel=1e-15), 1.0]
    assert report["verdict"] == "fine"


def test_a_quadratic_gradient_is_lambda_times_offset(client: httpx.Client) -> None:
    objective = {"quadratic": {"eigenvalues": [1, 4, 9], "center": [1, -2, 0.5]}}
    report = check(client, objective, [2.0, 0.0, 1.5])
    assert report["names"] == ["w[0]", "w[1]", "w[2]"]
    assert report["analytic"] == [1.0, 8.0, 9.0]  # λ_i (w_i - c_i)
    assert report["loss"] == 0.5 * (1 + 16 + 9)
    assert report["evaluations"] == {"analytic": 1, "forward": 4, "centred": 6}
    assert report["verdict"] == "fine"


def test_a_sweep_of_64_steps_is_one_report(client: httpx.Client) -> None:
    """The engine checks 32 steps at a time; the reply marks the best over all 64."""
    sweep = np.logspace(-1, -14, 64).tolist()
    report = check(client, {"expression": "exp(x) * y"}, [0.5, 2.0], h=sweep)
    assert [s["h"] for s in report["steps"]] == sweep
    first = check(client, {"expression": "exp(x) * y"}, [0.5, 2.0], h=sweep[:32])
    flags = ("best_forward", "best_centred")
    strip = [{k: v for k, v in s.items() if k not in flags} for s in report["steps"][:32]]
    assert strip == [{k: v for k, v in s.items() if k not in flags} for s in first["steps"]]
    for method in ("forward", "centred"):
        errors = [s[f"{method}_error"] for s in report["steps"]]
        best = int(np.argmin(errors))
        assert [s[f"best_{method}"] for s in report["steps"]] == [k == best for k in range(64)]
        assert report[f"best_{method}_h"] == sweep[best]
    assert report["verdict"] == report["steps"][int(np.argmin(errors))]["centred_verdict"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"point": [1.0, 2.0, 3.0]}, "point must have 2 coordinates, got 3"),
        ({"point": []}, "point: should have at least 1 items, not 0"),
        ({"h": 0}, "h: Input should be greater than or equal to 1e-15"),
        ({"h": 11}, "h: Input should be less than or equal to 10.0"),
        ({"h": [1e-3, 1e-16]}, "h.1: Input should be greater than or equal to 1e-15"),
        ({"h": []}, "h: should have at least 1 items, not 0"),
        ({"h": [1e-3] * 65}, "h: should have at most 64 items, not 65"),
        ({"h": "1e-5"}, "h: Input should be a valid number"),
    ],
)
def test_bad_checks_are_422(client: httpx.Client, fields: dict[str, Any], message: str) -> None:
    body = {"objective": {"surface": "bowl"}, "point": [1.0, 2.0], **fields}
    reply = client.post(CHECK, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["message"] == message


def test_a_check_too_large_to_send_is_422(client: httpx.Client) -> None:
    body = {"objective": {"quadratic": {"dim": 1000, "condition": 10}}, "point": [1.0] * 1000}
    reply = client.post(CHECK, json={**body, "h": [1e-5] * 17})
    assert reply.status_code == 422
    assert reply.json()["message"] == (
        "h: 1000 parameters × 17 step sizes h = 17,000 checks, more than the limit of 16,384: "
        "give fewer step sizes h"
    )
    assert reply.json()["detail"][0]["loc"] == ["body", "h"]
    assert client.post(CHECK, json={**body, "h": [1e-5] * 16}).status_code == 200


def test_a_check_too_costly_to_run_is_422_in_either_language(client: httpx.Client) -> None:
    # A rotated quadratic costs P²/8 per evaluation: 1 + 2 × 700 × 8 = 11,201 evaluations.
    objective = {"quadratic": {"dim": 700, "condition": 10, "rotation_seed": 1}}
    body = {"objective": objective, "point": [1.0] * 700, "h": [1e-5] * 8}
    reply = client.post(CHECK, json=body)
    assert reply.status_code == 422
    assert reply.json()["message"] == (
        "h: this check needs 11,201 evaluations of the objective × cost 61250 each = "
        "686,061,250, more than the limit of 500,000,000: give fewer step sizes h"
    )
    zh = client.post(CHECK, json=body, headers={"Accept-Language": "zh"})
    assert zh.json()["message"] == (
        "h: 这次检验需要对目标函数求值 11,201 次 × 每次代价 61250 = 686,061,250，"
        "超过了上限 500,000,000：请减少步长 h 的个数"
    )


@pytest.fixture(scope="module")
def tight_url() -> Iterator[str]:
    """A server allowing 8 parameter checks and 12 evaluations per gradient check."""
    with serve(create_app(Settings(max_gradcheck_probes=8, max_gradcheck_work=12))) as url:
        yield url


def test_each_app_applies_its_own_gradcheck_limits(tight_url: str) -> None:
    body = {"objective": {"surface": "bowl"}, "point": [1.0, 2.0]}  # a surface costs 1
    with httpx.Client(base_url=tight_url, timeout=10) as client:
        assert client.post(CHECK, json={**body, "h": [1e-5] * 2}).status_code == 200  # 9 evals
        reply = client.post(CHECK, json={**body, "h": [1e-5] * 3})
        assert reply.status_code == 422
        assert reply.json()["message"].startswith("h: this check needs 13 evaluations")
        reply = client.post(CHECK, json={**body, "h": [1e-5] * 5})
        assert reply.status_code == 422
        assert reply.json()["message"].startswith("h: 2 parameters × 5 step sizes h = 10 checks")


def test_numerical_gradients_cost_2n_evaluations(client: httpx.Client) -> None:
    reply = post_json(client, COST, {"sizes": [10, 100, 1000]})
    GradCostResult.model_validate(reply)
    costs = reply["costs"]
    assert [c["n"] for c in costs] == [10, 100, 1000]
    for c in costs:
        assert c["analytic_evaluations"] == 1
        assert c["numerical_evaluations"] == 2 * c["n"]
        assert c["analytic_seconds"] > 0
        assert c["numerical_seconds"] > 0
        assert c["max_error"] < 1e-5  # the two gradients agree
    # 2n evaluations of an n-term sum: about n² work, 10,000 times more at n = 1000 than 10.
    assert costs[2]["numerical_seconds"] > costs[0]["numerical_seconds"]


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([0], "sizes.0: Input should be greater than or equal to 1"),
        ([10_001], "sizes.0: Input should be less than or equal to 10000"),
        ([10] * 9, "sizes: should have at most 8 items, not 9"),
        ([], "sizes: should have at least 1 items, not 0"),
        ([2.5], "sizes.0: Input should be a valid integer"),
    ],
)
def test_cost_sizes_are_bounded(client: httpx.Client, sizes: list[Any], message: str) -> None:
    reply = client.post(COST, json={"sizes": sizes})
    assert reply.status_code == 422
    assert reply.json()["message"] == message


def test_timing_leaves_the_server_responsive(client: httpx.Client) -> None:
    """The timings run in a worker thread: /healthz answers while 4 sums of 10,000 are timed."""
    timing = threading.Thread(target=lambda: client.post(COST, json={"sizes": [10_000] * 4}))
    timing.start()
    try:
        waits: list[float] = []
        while timing.is_alive() and len(waits) < 20:
            start = time.perf_counter()
            assert client.get("/healthz", timeout=5).status_code == 200
            waits.append(time.perf_counter() - start)
            time.sleep(0.02)
    finally:
        timing.join(30)
    assert waits
    assert max(waits) < 0.5, waits
