"""POST /api/v1/predict and /api/v1/svm/sample: what a model predicts, and the notes' SVM
example for one sample, against values computed here."""

import time
from typing import Any

import httpx
import numpy as np
import pytest

from app.api.data_schemas import PredictLine, PredictRegions, SvmSampleReport
from tests.api.helpers import decode, post_json
from tests.api.test_data import ZH
from tests.api.test_languages import is_chinese
from tests.api.test_models import BLOBS, LINE, MOONS, data_of

PREDICT = "/api/v1/predict"
SVM = "/api/v1/svm/sample"


def predict(client: httpx.Client, **body: Any) -> dict[str, Any]:
    got: dict[str, Any] = post_json(client, PREDICT, body)
    return got


def softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


def test_softmax_probabilities_over_the_data_box(client: httpx.Client) -> None:
    w = np.random.default_rng(3).standard_normal(9)
    got = predict(
        client, objective={"model": "softmax", "dataset": BLOBS}, point=w.tolist(), resolution=20
    )
    PredictRegions.model_validate(got)
    assert set(got) == {"x", "y", "classes", "proba"}
    x, y, proba = decode(got["x"]), decode(got["y"]), decode(got["proba"])
    assert got["classes"] == 3
    assert proba.shape == (20, 20, 3)
    np.testing.assert_allclose(proba.sum(axis=2), 1.0, rtol=1e-6)
    X, _ = data_of(client, BLOBS)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low)
    np.testing.assert_allclose([x[0], x[-1]], [low[0] - pad[0], high[0] + pad[0]], rtol=1e-6)
    np.testing.assert_allclose([y[0], y[-1]], [low[1] - pad[1], high[1] + pad[1]], rtol=1e-6)
    W, b = w[:6].reshape(3, 2), w[6:]
    for i, j in [(0, 0), (7, 13), (19, 4)]:
        expected = softmax(W @ np.array([x[j], y[i]]) + b)
        np.testing.assert_allclose(proba[i, j], expected, rtol=1e-5, atol=1e-7)


def test_logistic_probabilities_in_a_given_box(client: httpx.Client) -> None:
    got = predict(
        client,
        objective={"model": "logistic", "dataset": MOONS},
        point=[2.0, -1.0, 0.5],
        resolution=3,
        box=[[-1, 1], [0, 2]],
    )
    x, y, proba = decode(got["x"]), decode(got["y"]), decode(got["proba"])
    np.testing.assert_allclose(x, [-1, 0, 1])
    np.testing.assert_allclose(y, [0, 1, 2])
    np.testing.assert_allclose(proba.sum(axis=2), 1.0, rtol=1e-6)
    s = 2.0 * x[None, :] - 1.0 * y[:, None] + 0.5
    np.testing.assert_allclose(proba[:, :, 1], 1 / (1 + np.exp(-s)), rtol=1e-6)


def test_an_svm_predicts_classes(client: httpx.Client) -> None:
    w = np.random.default_rng(4).standard_normal(9)
    got = predict(
        client, objective={"model": "svm", "dataset": BLOBS}, point=w.tolist(), resolution=8
    )
    assert set(got) == {"x", "y", "classes", "labels"}
    x, y, labels = decode(got["x"]), decode(got["y"]), decode(got["labels"])
    assert labels.shape == (8, 8)
    scores = np.einsum("kd,ijd->ijk", w[:6].reshape(3, 2), np.stack(np.meshgrid(x, y), axis=-1))
    np.testing.assert_array_equal(labels, np.argmax(scores + w[6:], axis=2))


def test_linear_regression_draws_its_line(client: httpx.Client) -> None:
    got = predict(
        client, objective={"model": "linear", "dataset": LINE}, point=[2.0, 1.0], resolution=5
    )
    PredictLine.model_validate(got)
    X, _ = data_of(client, LINE)
    pad = 0.1 * (X.max() - X.min())
    np.testing.assert_allclose(got["x"], np.linspace(X.min() - pad, X.max() + pad, 5))
    np.testing.assert_allclose(got["yhat"], 2.0 * np.array(got["x"]) + 1.0)
    boxed = predict(
        client,
        objective={"model": "linear", "dataset": LINE},
        point=[2.0, 1.0],
        resolution=3,
        box=[[0, 4], [-10, 10]],
    )
    assert boxed == {"x": [0.0, 2.0, 4.0], "yhat": [1.0, 5.0, 9.0]}


def test_predict_is_fast_enough_for_every_frame(client: httpx.Client) -> None:
    body = {
        "objective": {"model": "softmax", "dataset": {"name": "spiral", "n": 1000}},
        "point": [0.1] * 9,
    }
    post_json(client, PREDICT, body)
    start = time.perf_counter()
    for _ in range(10):
        post_json(client, PREDICT, body)
    assert (time.perf_counter() - start) / 10 < 0.1


@pytest.mark.parametrize(
    ("body", "en", "zh"),
    [
        (
            {
                "objective": {
                    "model": "linear",
                    "dataset": {"csv": "a,b,y\n1,2,0.5\n2,3,1.5\n", "target": "y"},
                },
                "point": [0, 0, 0],
            },
            "objective: a fitted line needs linear regression on 1 feature; this data set has 2",
            "只有 1 个特征",
        ),
        (
            {
                "objective": {
                    "model": "logistic",
                    "dataset": {"csv": "a,y\n1,0\n2,1\n", "target": "y"},
                },
                "point": [0, 0],
            },
            "objective: decision regions need a classifier on 2 features; this data set has 1",
            "2 个特征",
        ),
        (
            {"objective": {"model": "logistic", "dataset": MOONS}, "point": [0, 0]},
            "point must have 3 coordinates, got 2",
            "必须有 3 个坐标",
        ),
        (
            {"objective": {"surface": "bowl"}, "point": [0, 0]},
            "objective.model: Field required",
            "objective.model",
        ),
        (
            {
                "objective": {"model": "logistic", "dataset": MOONS},
                "point": [0, 0, 0],
                "box": [[1, 0], [0, 1]],
            },
            "box[0]: the low end 1.0 must be below the high end 0.0",
            "下端",
        ),
    ],
)
def test_what_cannot_be_drawn_is_a_422_in_both_languages(
    client: httpx.Client, body: dict[str, Any], en: str, zh: str
) -> None:
    reply = client.post(PREDICT, json=body)
    assert reply.status_code == 422, reply.text
    assert en in reply.json()["message"]
    assert zh in client.post(PREDICT, json=body, headers=ZH).json()["message"]


# The notes' worked example: scores [13, -7, 11] for a sample of class 0 and a margin Δ = 10.
# x = (2, 1) with W = [[5, 3], [-3, -1], [4, 3]] and b = 0 gives exactly those scores.
EXAMPLE_CSV = "x1,x2,label\n2,1,0\n0,1,1\n1,0,2\n"
EXAMPLE_W = [5.0, 3.0, -3.0, -1.0, 4.0, 3.0, 0.0, 0.0, 0.0]


def walkthrough(client: httpx.Client, point: list[float], **objective: Any) -> dict[str, Any]:
    dataset = {"csv": EXAMPLE_CSV, "target": "label"}
    body = {
        "objective": {"model": "svm", "dataset": dataset, **objective},
        "point": point,
        "index": 0,
    }
    got: dict[str, Any] = post_json(client, SVM, body)
    SvmSampleReport.model_validate(got)
    return got


def test_the_svm_walkthrough_is_the_notes_example(client: httpx.Client) -> None:
    got = walkthrough(client, EXAMPLE_W, delta=10)
    assert (got["index"], got["x"], got["y"], got["delta"]) == (0, [2.0, 1.0], 0, 10.0)
    assert got["scores"] == [13.0, -7.0, 11.0]
    assert got["margins"] == [0.0, -10.0, 8.0]  # -7 - 13 + 10 and 11 - 13 + 10
    assert got["active"] == [False, False, True]  # only class 2's margin counts
    assert got["loss"] == 8.0  # max(0, -10) + max(0, 8)
    assert got["dW"] == [[-2.0, -1.0], [0.0, 0.0], [2.0, 1.0]]  # row y: -x; active row: +x
    assert got["db"] == [-1.0, 0.0, 1.0]
    assert got["rows_touched"] == [0, 2]
    assert got["verdict"] == "fine"
    names = [c["name"] for c in got["gradcheck"]]
    assert names == [
        "W[0,0]",
        "W[0,1]",
        "W[1,0]",
        "W[1,1]",
        "W[2,0]",
        "W[2,1]",
        "b[0]",
        "b[1]",
        "b[2]",
    ]
    analytic = [c["analytic"] for c in got["gradcheck"]]
    assert analytic == [*np.ravel(got["dW"]).tolist(), *got["db"]]
    for c in got["gradcheck"]:
        assert c["numerical"] == pytest.approx(c["analytic"], abs=1e-6)
        assert c["rel_error"] < 1e-7


def test_the_default_margin_is_one(client: httpx.Client) -> None:
    got = walkthrough(client, [w / 10 for w in EXAMPLE_W])  # scores [1.3, -0.7, 1.1], Δ = 1
    assert got["delta"] == 1.0
    np.testing.assert_allclose(got["scores"], [1.3, -0.7, 1.1])
    assert got["active"] == [False, False, True]
    assert got["loss"] == pytest.approx(0.8)
    none = walkthrough(client, [0, 0, 0, 0, 0, 0, 5, 0, 0])  # class 0 wins by 5 > Δ: no loss
    assert (none["loss"], none["active"], none["rows_touched"]) == (0.0, [False] * 3, [])
    assert none["dW"] == [[0.0, 0.0]] * 3


def test_the_walkthrough_checks_what_it_shows(client: httpx.Client) -> None:
    dataset = {"name": "spiral", "n": 30, "classes": 4, "seed": 2}
    point = np.random.default_rng(5).standard_normal(12).tolist()
    body = {"objective": {"model": "svm", "dataset": dataset}, "point": point, "index": 17}
    got = post_json(client, SVM, body)
    X, y = data_of(client, dataset)
    W, b = np.array(point[:8]).reshape(4, 2), np.array(point[8:])
    s = W @ X[17] + b
    assert got["x"] == X[17].tolist()
    assert got["y"] == int(y[17])
    np.testing.assert_allclose(got["scores"], s, rtol=1e-12)
    margins = s - s[int(y[17])] + 1
    margins[int(y[17])] = 0
    assert got["loss"] == pytest.approx(np.maximum(margins, 0).sum(), rel=1e-12)
    assert got["verdict"] in ("fine", "suspect")


@pytest.mark.parametrize(
    ("change", "en", "zh"),
    [
        ({"index": 3}, "index 3 is not a sample: choose 0 to 2", "不是样本编号"),
        ({"model": "softmax"}, "the SVM walkthrough needs model 'svm', not 'softmax'", "逐步演示"),
        ({"point": [0.0] * 8}, "point must have 9 coordinates, got 8", "必须有 9 个坐标"),
    ],
)
def test_walkthrough_refusals_in_both_languages(
    client: httpx.Client, change: dict[str, Any], en: str, zh: str
) -> None:
    objective = {
        "model": change.get("model", "svm"),
        "dataset": {"csv": EXAMPLE_CSV, "target": "label"},
    }
    body = {
        "objective": objective,
        "point": change.get("point", EXAMPLE_W),
        "index": change.get("index", 0),
    }
    reply = client.post(SVM, json=body)
    assert reply.status_code == 422, reply.text
    assert en in reply.json()["message"]
    chinese = client.post(SVM, json=body, headers=ZH).json()["message"]
    assert zh in chinese
    assert is_chinese(chinese)
