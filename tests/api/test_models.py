"""Models on data sets as objectives: runs, streams, describe, grid, starts and gradient checks,
each against an oracle computed here from the samples (`/datasets/sample`), not from the engine."""

from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest

from tests.api.helpers import (
    RUNS,
    decode,
    post_json,
    run_body,
    split_stream,
    stream_events,
)
from tests.api.test_data import ZH, sample
from tests.api.test_languages import is_chinese
from tests.api.test_openapi import validator

F64 = npt.NDArray[np.float64]
MOONS = {"name": "moons", "n": 60, "noise": 0.2, "seed": 1}
BLOBS = {"name": "blobs", "n": 60, "seed": 2}
LINE = {"name": "line", "n": 50, "noise": 0.3, "seed": 5}


def data_of(client: httpx.Client, dataset: dict[str, Any]) -> tuple[F64, F64]:
    """X (N, D) and y (N,) of a data set, from the sample endpoint."""
    got = sample(client, dataset)
    return np.array(got["X"], dtype=np.float64), np.array(got["y"], dtype=np.float64)


def model_run(
    objective: dict[str, Any], starts: list[list[float]], **fields: Any
) -> dict[str, Any]:
    """A run body for a model objective."""
    return run_body(objective=objective, starts=starts, **fields)


def test_describe_names_the_weights_and_the_minimum(client: httpx.Client) -> None:
    info = post_json(
        client, "/api/v1/objectives/describe", {"objective": {"model": "linear", "dataset": LINE}}
    )
    X, y = data_of(client, LINE)
    A = np.column_stack([X, np.ones(len(y))])
    best = np.linalg.lstsq(A, y, rcond=None)[0]
    assert (info["kind"], info["dim"], info["names"]) == ("model", 2, ["w[0]", "b"])
    assert info["title"] == "Linear regression on Noisy line"
    [mark] = info["landmarks"]
    np.testing.assert_allclose(mark["point"], best, rtol=1e-10)
    assert mark["value"] == pytest.approx(np.mean((A @ best - y) ** 2), rel=1e-10)
    lam = np.linalg.eigvalsh(2 / len(y) * A.T @ A)
    np.testing.assert_allclose(info["curvature"]["eigenvalues"], lam, rtol=1e-10)
    assert info["log_scale"] is True
    softmax = post_json(
        client,
        "/api/v1/objectives/describe",
        {"objective": {"model": "softmax", "dataset": BLOBS}},
        headers=ZH,
    )
    assert softmax["title"] == "高斯团上的Softmax 分类器"
    assert softmax["names"] == [
        *(f"W[{k},{j}]" for k in range(3) for j in range(2)),
        "b[0]",
        "b[1]",
        "b[2]",
    ]


@pytest.mark.parametrize("fmt", ["lists", "arrays"])
def test_a_linear_model_converges_to_least_squares(client: httpx.Client, fmt: str) -> None:
    objective = {"model": "linear", "dataset": LINE}
    body = model_run(
        objective,
        [[-1.0, 1.0], [2.0, -0.5]],
        optimizer={"name": "sgd", "lr": 0.5},
        steps=2000,
        every=100,
        tol=1e-10,
        format=fmt,
    )
    got = post_json(client, RUNS, body)
    X, y = data_of(client, LINE)
    best = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    if fmt == "arrays":
        points, offsets = decode(got["points"]), decode(got["offsets"])
        ends = points[offsets[1:] - 1]
        assert got["statuses"][decode(got["status"])[0]] == "converged"
    else:
        ends = np.array([t["points"][-1] for t in got["trajectories"]])
        assert [t["status"] for t in got["trajectories"]] == ["converged", "converged"]
        assert "converged" in got["trajectories"][0]["message"]
    np.testing.assert_allclose(ends, [best, best], atol=1e-8)


def softplus(s: F64) -> F64:
    out: F64 = np.logaddexp(0.0, s)
    return out


def logistic_loss(W: F64, b: F64, X: F64, y: F64) -> float:
    s = X @ W[0] + b[0]
    return float(np.mean(softplus(s) - y * s))


def softmax_loss(W: F64, b: F64, X: F64, y: F64) -> float:
    s = X @ W.T + b
    correct = s[np.arange(len(y)), y.astype(int)]
    return float(np.mean(np.log(np.exp(s).sum(axis=1)) - correct))


def svm_loss(W: F64, b: F64, X: F64, y: F64) -> float:
    s = X @ W.T + b
    correct = s[np.arange(len(y)), y.astype(int)][:, None]
    margins = np.maximum(0.0, s - correct + 1.0)
    margins[np.arange(len(y)), y.astype(int)] = 0.0
    return float(margins.sum(axis=1).mean())


LOSSES = [
    ("logistic", MOONS, 1, logistic_loss),
    ("softmax", BLOBS, 3, softmax_loss),
    ("svm", {"name": "spiral", "n": 45, "seed": 3}, 3, svm_loss),
]


@pytest.mark.parametrize(
    ("model", "dataset", "classes", "loss"), LOSSES, ids=[m[0] for m in LOSSES]
)
def test_the_loss_at_the_start_is_the_definition(
    client: httpx.Client, model: str, dataset: dict[str, Any], classes: int, loss: Any
) -> None:
    X, y = data_of(client, dataset)
    p = classes * (X.shape[1] + 1)
    starts = np.random.default_rng(0).uniform(-2, 2, (3, p))
    l2 = 0.1
    body = model_run({"model": model, "dataset": dataset, "l2": l2}, starts.tolist(), steps=1)
    got = post_json(client, RUNS, body)
    for w, t in zip(starts, got["trajectories"], strict=True):
        W, b = w[: classes * X.shape[1]].reshape(classes, -1), w[classes * X.shape[1] :]
        expected = loss(W, b, X, y) + l2 * np.sum(W * W)
        assert t["loss"][0] == pytest.approx(expected, rel=1e-12)


BATCHED = {"model": "logistic", "dataset": MOONS, "batch": {"size": 8, "seed": 4}}


def batched_stream(client: httpx.Client, objective: dict[str, Any], **headers: str) -> Any:
    body = model_run(
        objective,
        [[0.5, -0.5, 0.0], [1.0, 1.0, 1.0]],
        optimizer={"name": "sgd", "lr": 0.3},
        steps=12,
    )
    return split_stream(stream_events(client, body, headers))


def test_mini_batch_streams_repeat_from_the_seed_and_resume(client: httpx.Client) -> None:
    frames, summary = batched_stream(client, BATCHED)
    again, summary_again = batched_stream(client, BATCHED)
    assert [f.data for f in frames] == [f.data for f in again]
    assert summary == summary_again
    first = frames[0].json()
    X, y = data_of(client, MOONS)
    full = [logistic_loss(np.array([w[:2]]), np.array(w[2:]), X, y) for w in first["points"]]
    np.testing.assert_allclose(first["loss"], full, rtol=1e-12)  # the loss is the full loss
    batch = [f.json()["batch_loss"] for f in frames]
    assert all(len(b) == 2 for b in batch)
    assert any(abs(b[0] - f.json()["loss"][0]) > 1e-6 for b, f in zip(batch, frames, strict=True))
    resumed, _ = batched_stream(client, BATCHED, **{"Last-Event-ID": "5"})
    assert [f.id for f in resumed] == [str(s) for s in range(6, 13)]
    assert [f.data for f in resumed] == [f.data for f in frames[6:]]
    other, _ = batched_stream(client, {**BATCHED, "batch": {"size": 8, "seed": 5}})
    assert [f.json()["batch_loss"] for f in other] != batch


def test_mini_batch_frames_carry_the_batch_loss_as_typed_arrays(client: httpx.Client) -> None:
    body = model_run(BATCHED, [[0.0, 0.0, 0.0]], steps=3, format="arrays")
    frames, _ = split_stream(stream_events(client, body))
    for frame in frames:
        data = frame.json()
        assert decode(data["batch_loss"]).shape == (1,)
    full = model_run({**BATCHED, "batch": None}, [[0.0, 0.0, 0.0]], steps=3)
    frames, _ = split_stream(stream_events(client, full))
    assert all("batch_loss" not in f.json() for f in frames)


@pytest.mark.parametrize(
    ("objective", "en", "zh"),
    [
        (
            {"model": "linear", "dataset": {"name": "moons"}},
            "objective.model: model 'linear' needs a regression data set",
            "需要回归数据集",
        ),
        (
            {"model": "logistic", "dataset": {"name": "blobs"}},
            "objective.model: model 'logistic' needs 2 classes, not 3",
            "需要恰好 2 个类别",
        ),
        (
            {"model": "svm", "dataset": {"name": "line"}},
            "objective.model: model 'svm' needs a classification data set",
            "需要分类数据集",
        ),
        (
            {"model": "softmax", "dataset": {"name": "moons"}, "delta": 2},
            "objective.model: delta is the SVM's margin",
            "delta 是 SVM 的间隔",
        ),
        (
            {"model": "logistic", "dataset": {"csv": "a,y\n1,0.5\n2,1.5\n", "target": "y"}},
            "objective: model 'logistic' needs a classification data set",
            "需要分类数据集",
        ),
        (
            {"model": "linear", "dataset": {"csv": "a,b,y\n1,2,0.5\n2,,1.5\n", "target": "y"}},
            'objective: line 3, column "b": the value is missing',
            "第 3 行，“b”列：缺少数值",
        ),
    ],
)
@pytest.mark.parametrize("path", [RUNS, "/api/v1/objectives/describe"])
def test_models_that_cannot_learn_their_data_are_422s_in_both_languages(
    client: httpx.Client, objective: dict[str, Any], en: str, zh: str, path: str
) -> None:
    body = model_run(objective, [[0.0, 0.0]]) if path == RUNS else {"objective": objective}
    reply = client.post(path, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["message"].startswith(en)
    chinese = client.post(path, json=body, headers=ZH).json()["message"]
    assert zh in chinese, chinese
    assert is_chinese(chinese), chinese


def test_grid_when_a_model_has_two_parameters(client: httpx.Client) -> None:
    body = {"objective": {"model": "linear", "dataset": LINE}, "resolution": 5}
    grid = post_json(client, "/api/v1/objectives/grid", body)
    X, y = data_of(client, LINE)
    xs, ys, z = decode(grid["x"]), decode(grid["y"]), decode(grid["z"])
    direct = np.mean((xs[None, :, None] * X[:, 0] + ys[:, None, None] - y) ** 2, axis=2)
    np.testing.assert_allclose(z, direct, rtol=1e-6)
    nine = client.post(
        "/api/v1/objectives/grid", json={"objective": {"model": "softmax", "dataset": BLOBS}}
    )
    assert nine.status_code == 422
    assert "9 parameters" in nine.json()["message"]


def test_starts_and_gradient_checks_take_a_model(client: httpx.Client) -> None:
    objective = {"model": "softmax", "dataset": BLOBS, "l2": 0.01}
    got = post_json(
        client, "/api/v1/starts", {"objective": objective, "init": {"kind": "gaussian", "count": 3}}
    )
    assert np.array(got["starts"]).shape == (3, 9)
    point = np.random.default_rng(1).standard_normal(9).tolist()
    check = post_json(client, "/api/v1/gradcheck", {"objective": objective, "point": point})
    assert check["verdict"] == "fine", check


def test_explain_false_leaves_the_sentences_out(client: httpx.Client) -> None:
    body = run_body(init={"kind": "grid", "shape": [3, 3]}, starts=None, steps=20)
    lists = post_json(client, RUNS, {**body, "explain": False})
    assert [t["message"] for t in lists["trajectories"]] == [""] * 9
    arrays = post_json(client, RUNS, {**body, "explain": False, "format": "arrays"})
    assert arrays["messages"] == []
    explained = post_json(client, RUNS, {**body, "format": "arrays"})
    assert len(explained["messages"]) == 9
    assert all(explained["messages"])
    for key in ("points", "loss", "status", "steps_taken"):
        assert arrays[key] == explained[key]
    _, summary = split_stream(stream_events(client, {**body, "explain": False}))
    assert [t["message"] for t in summary["trajectories"]] == [""] * 9
    _, summary = split_stream(stream_events(client, body))
    assert all(t["message"] for t in summary["trajectories"])


SCHEMA_BODIES = {
    "model on a generated set": ({"model": "svm", "dataset": {"name": "xor"}}, True),
    "model on a file": (
        {"model": "linear", "dataset": {"csv": "x,y\n1,2.5\n2,1.5", "target": "y"}},
        True,
    ),
    "with a batch": (
        {"model": "logistic", "dataset": {"name": "moons"}, "batch": {"size": 4}},
        True,
    ),
    "no data set": ({"model": "svm"}, False),
    "unknown model": ({"model": "ols", "dataset": {"name": "line"}}, False),
    "name and csv": ({"model": "svm", "dataset": {"name": "xor", "csv": "x"}}, False),
    "csv without target": ({"model": "linear", "dataset": {"csv": "x,y\n1,2"}}, False),
    "batch of 0": ({"model": "svm", "dataset": {"name": "xor"}, "batch": {"size": 0}}, False),
    "noise as text": ({"model": "svm", "dataset": {"name": "xor", "noise": "0.1"}}, False),
    "model and surface": ({"model": "svm", "dataset": {"name": "xor"}, "surface": "bowl"}, False),
}


@pytest.mark.parametrize(
    ("objective", "valid"), list(SCHEMA_BODIES.values()), ids=list(SCHEMA_BODIES)
)
def test_the_schema_allows_exactly_the_model_bodies_the_server_accepts(
    small: httpx.Client, objective: dict[str, Any], valid: bool
) -> None:
    dim = {"svm": 6, "linear": 2, "logistic": 3}.get(objective["model"], 2)
    body = model_run(objective, [[0.0] * dim], steps=2)
    assert validator("RunRequest").is_valid(body) == valid
    reply = small.post(RUNS, json=body)
    assert reply.status_code == (200 if valid else 422), reply.text
