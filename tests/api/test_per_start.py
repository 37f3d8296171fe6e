"""Hyperparameters with one value per start: each trajectory equals its run made alone."""

from typing import Any

import httpx
import pytest

from app.api.replies import RunResult
from tests.api.helpers import RUNS, STREAM, post_json, run_body, split_stream, stream_events

STARTS = [[-1.5, 2.0], [0.5, -0.5], [1.2, 1.4]]


def trajectories(client: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    reply = post_json(client, RUNS, body)
    RunResult.model_validate(reply)
    out: list[dict[str, Any]] = reply["trajectories"]
    return out


CASES = {
    "sgd lr": ({"name": "sgd"}, {"lr": [0.001, 0.01, 0.1]}),
    "sgd momentum and lr, nesterov": (
        {"name": "sgd", "nesterov": True},
        {"lr": [0.001, 0.002, 0.001], "momentum": [0.9, 0.5, 0.0001]},
    ),
    "adam betas and eps": (
        {"name": "adam", "lr": 0.02},
        {"betas": [[0.9, 0.999], [0.5, 0.9], [0.0, 0.0]], "eps": [1e-8, 1e-3, 0.5]},
    ),
    "rmsprop alpha, centered": (
        {"name": "rmsprop", "lr": 0.01, "centered": True},
        {"alpha": [0.99, 0.5, 0.0], "weight_decay": [0.0, 0.1, 1.0]},
    ),
    "adagrad lr_decay": ({"name": "adagrad", "lr": 0.1}, {"lr_decay": [0.0, 0.01, 1.0]}),
    "adamw weight decay": ({"name": "adamw", "lr": 0.01}, {"weight_decay": [0.0, 0.01, 0.5]}),
}


@pytest.mark.parametrize(("fixed", "per_start"), list(CASES.values()), ids=list(CASES))
def test_each_trajectory_equals_its_run_alone(
    client: httpx.Client, fixed: dict[str, Any], per_start: dict[str, list[Any]]
) -> None:
    body = run_body(objective={"surface": "rosenbrock"}, starts=STARTS, steps=300, every=10)
    together = trajectories(client, {**body, "optimizer": {**fixed, **per_start}})
    assert len(together) == 3
    for i, (start, t) in enumerate(zip(STARTS, together, strict=True)):
        alone_optimizer = {**fixed, **{name: values[i] for name, values in per_start.items()}}
        [alone] = trajectories(client, {**body, "optimizer": alone_optimizer, "starts": [start]})
        assert t == alone, (i, alone_optimizer)


def test_three_learning_rates_give_three_outcomes(client: httpx.Client) -> None:
    body = run_body(
        optimizer={"name": "sgd", "lr": [0.001, 0.01, 1.5]}, starts=[[1.0, -2.0]] * 3, steps=1000
    )
    slow, fast, wild = trajectories(client, body)
    assert slow["status"] == "max_steps"
    assert fast["status"] == "converged"
    assert wild["status"] == "diverged"
    assert "1.5" in wild["message"]
    assert "lr < 2/2 = 1" in wild["message"]


def test_per_start_values_stream_the_same_run(client: httpx.Client) -> None:
    body = run_body(
        objective={"surface": "himmelblau"},
        optimizer={"name": "sgd", "lr": [0.001, 0.01, 0.02], "momentum": [0.0, 0.5, 0.9]},
        init={"kind": "gaussian", "count": 3, "std": 2, "seed": 5},
        starts=None,
        steps=200,
        every=20,
    )
    expected = trajectories(client, body)
    frames, summary = split_stream(stream_events(client, body))
    for end, t in zip(summary["trajectories"], expected, strict=True):
        assert end["point"] == t["points"][-1]
        assert (end["status"], end["steps_taken"], end["message"]) == (
            t["status"],
            t["steps_taken"],
            t["message"],
        )
    for frame in frames:
        data = frame.json()
        for k, point in zip(data["index"], data["points"], strict=True):
            assert point == expected[k]["points"][expected[k]["steps"].index(data["step"])]


@pytest.mark.parametrize("path", [RUNS, STREAM])
@pytest.mark.parametrize(
    ("optimizer", "field", "got"),
    [
        ({"name": "sgd", "lr": [0.1, 0.2]}, "lr", 2),
        ({"name": "sgd", "momentum": [0.1, 0.2, 0.3, 0.4]}, "momentum", 4),
        ({"name": "adam", "betas": [[0.9, 0.99]]}, "betas", 1),
        ({"name": "rmsprop", "alpha": [0.9, 0.9]}, "alpha", 2),
    ],
)
def test_a_list_of_the_wrong_length_is_422_naming_the_field(
    client: httpx.Client, path: str, optimizer: dict[str, Any], field: str, got: int
) -> None:
    body = run_body(optimizer=optimizer, starts=None, init={"kind": "uniform", "count": 3})
    reply = client.post(path, json=body)
    assert reply.status_code == 422
    data = reply.json()
    unit = "pairs" if field == "betas" else "values"
    assert data["message"].startswith(f"optimizer.{field} has {got} {unit} but there are 3 starts")
    assert data["detail"][0]["loc"] == ["body", "optimizer", field]


@pytest.mark.parametrize(
    ("optimizer", "expected"),
    [
        ({"name": "sgd", "lr": []}, "optimizer.lr: should have at least 1 item"),
        ({"name": "sgd", "lr": [0.1, 0.0, 0.1]}, "optimizer.lr.1: Input should be greater than 0"),
        (
            {"name": "adam", "betas": [[0.9, 0.99], [0.9, 1.0], [0.1, 0.1]]},
            "optimizer.betas.1.1: Input should be less than 1",
        ),
        (
            {"name": "sgd", "nesterov": [True, False, True]},
            "optimizer.nesterov: Input should be a valid boolean",
        ),
        (
            {"name": "sgd", "lr": [0.1, "fast", 0.1]},
            "optimizer.lr.1: Input should be a valid number",
        ),
    ],
)
def test_bad_values_in_a_list_are_422(
    client: httpx.Client, optimizer: dict[str, Any], expected: str
) -> None:
    reply = client.post(RUNS, json=run_body(optimizer=optimizer, starts=STARTS))
    assert reply.status_code == 422
    assert reply.json()["message"].startswith(expected)


def test_nesterov_without_momentum_in_one_start_names_it(client: httpx.Client) -> None:
    body = run_body(
        optimizer={"name": "sgd", "nesterov": True, "momentum": [0.9, 0.0, 0.9]}, starts=STARTS
    )
    reply = client.post(RUNS, json=body)
    assert reply.status_code == 422
    assert reply.json()["message"].startswith("start 1: Nesterov momentum requires a momentum")
