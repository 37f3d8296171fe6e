"""POST /api/v1/network/probe and /network/unit: a network's decision regions, accuracy and
held-out accuracy, and one sample's units, against the forward pass written in test_network."""

import time
from typing import Any

import httpx
import numpy as np
import pytest

from tests.api.helpers import RUNS, decode, post_json, run_body
from tests.api.test_data import ZH
from tests.api.test_languages import is_chinese
from tests.api.test_models import data_of
from tests.api.test_network import (
    ADAM,
    F64,
    MOONS,
    XOR,
    bce,
    forward,
    network,
)

PROBE = "/api/v1/network/probe"
UNIT = "/api/v1/network/unit"
BLOBS = {"name": "blobs", "n": 90, "seed": 4}


def trained(client: httpx.Client, objective: dict[str, Any], steps: int = 150) -> list[float]:
    """The end point of a short Adam run from the default Xavier start."""
    body = run_body(objective=objective, optimizer=ADAM, starts=None, steps=steps, every=steps)
    point: list[float] = post_json(client, RUNS, body)["trajectories"][0]["points"][-1]
    return point


def test_probe_draws_the_class_probabilities_over_the_box(client: httpx.Client) -> None:
    objective = network(MOONS, hidden=[8])
    point = trained(client, objective)
    box = [[-2.0, 2.0], [-1.0, 1.5]]
    body = {"objective": objective, "point": point, "resolution": 11, "box": box}
    got = post_json(client, PROBE, {**body, "precision": "f4"})
    regions = got["regions"]
    xs, ys, proba = decode(regions["x"]), decode(regions["y"]), decode(regions["proba"])
    np.testing.assert_allclose(xs, np.linspace(-2, 2, 11), rtol=1e-6)
    np.testing.assert_allclose(ys, np.linspace(-1, 1.5, 11), rtol=1e-6)
    assert proba.shape == (11, 11, 2)
    assert (regions["classes"], regions["scale"]) == (2, 1.0)
    for i, j in [(0, 0), (4, 7), (10, 10)]:
        _, acts = forward(point, [2, 8, 1], ["tanh"], "sigmoid", np.array([[xs[j], ys[i]]]))
        p = float(acts[-1][0, 0])
        np.testing.assert_allclose(proba[i, j], [1 - p, p], atol=1e-6)
    small = post_json(client, PROBE, body)  # u1 by default: round(255 p)
    as_bytes = decode(small["regions"]["proba"])
    assert small["regions"]["scale"] == 255.0
    assert as_bytes.dtype == np.uint8
    np.testing.assert_array_equal(as_bytes, np.rint(proba.astype(np.float64) * 255))


def test_probe_gives_train_and_held_out_accuracy_and_loss(client: httpx.Client) -> None:
    objective = network(MOONS, hidden=[8])
    point = trained(client, objective)
    got = post_json(client, PROBE, {"objective": objective, "point": point})
    assert got["held_out_seed"] == 3  # MOONS's seed + 1
    for prefix, dataset in (("train", MOONS), ("held_out", {**MOONS, "seed": 3})):
        X, y = data_of(client, dataset)
        _, acts = forward(point, [2, 8, 1], ["tanh"], "sigmoid", X)
        p = acts[-1][:, 0]
        assert got[f"{prefix}_accuracy"] == pytest.approx(np.mean((p > 0.5) == (y == 1)))
        assert got[f"{prefix}_loss"] == pytest.approx(bce(p, y), rel=1e-9)
    assert got["train_accuracy"] >= 0.9
    assert got["penalty"] == 0.0
    assert got["regions"]["proba"]["shape"] == "100,100,2"


def test_probe_of_three_classes_regression_and_a_file(client: httpx.Client) -> None:
    blobs = network(BLOBS, hidden=[5], l2=0.1)
    point = trained(client, blobs, 20)
    got = post_json(client, PROBE, {"objective": blobs, "point": point, "resolution": 5})
    proba = decode(got["regions"]["proba"])
    assert proba.shape == (5, 5, 3)
    assert np.all(np.abs(proba.astype(int).sum(axis=2) - 255) <= 2)  # rounding each of three
    w = np.array(point)
    weights = np.r_[w[:10], w[15:30]]  # W1 (5 x 2) and W2 (3 x 5), not the biases
    assert got["penalty"] == pytest.approx(0.1 * float(weights @ weights), rel=1e-12)
    line = network({"name": "line", "n": 30, "seed": 1}, hidden=[4])
    point = trained(client, line, 10)
    reply = post_json(client, PROBE, {"objective": line, "point": point})
    assert reply["regions"] is None
    assert reply["train_accuracy"] is None
    assert reply["held_out_accuracy"] is None
    assert reply["held_out_seed"] == 2
    assert reply["held_out_loss"] > 0
    csv = {"csv": "a,b,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n", "target": "label"}
    file = network(csv, hidden=[2])
    point = trained(client, file, 5)
    reply = post_json(client, PROBE, {"objective": file, "point": point, "resolution": 4})
    assert (reply["held_out_seed"], reply["held_out_loss"], reply["held_out_accuracy"]) == (
        None,
        None,
        None,
    )
    assert reply["train_accuracy"] in (0.0, 0.25, 0.5, 0.75, 1.0)


def test_probe_is_fast_enough_for_every_frame(client: httpx.Client) -> None:
    objective = network(XOR)  # 2-16-16-1 on 200 samples
    point = trained(client, objective, 1)
    body = {"objective": objective, "point": point}
    post_json(client, PROBE, body)
    start = time.perf_counter()
    for _ in range(5):
        post_json(client, PROBE, body)
    assert (time.perf_counter() - start) / 5 < 0.5


@pytest.mark.parametrize(
    ("extra", "loc", "words"),
    [
        ({"point": [0.1] * 5}, ["body", "point"], "point must have 33 coordinates, got 5"),
        ({"resolution": 513}, ["body", "resolution"], "513 is more than the limit of 512"),
        ({"box": [[1, 0], [0, 1]]}, ["body"], "box[0]: the low end 1.0 must be below"),
    ],
    ids=["short point", "resolution", "box"],
)
def test_bad_probes_are_422s(
    client: httpx.Client, extra: dict[str, Any], loc: list[str], words: str
) -> None:
    body = {"objective": network(MOONS, hidden=[8]), "point": [0.1] * 33, **extra}
    reply = client.post(PROBE, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"][0]["loc"] == loc
    assert words in reply.json()["message"]
    assert is_chinese(client.post(PROBE, json=body, headers=ZH).json()["message"])


def _numerical_delta(
    point: list[float], x: F64, y: float, layer: int, unit: int, h: float = 1e-6
) -> float:
    """dC/dz of one unit for one sample's binary cross-entropy, by centred differences on z."""

    def loss(shift: float) -> float:
        nudge = (layer, unit, shift)
        _, acts = forward(point, [2, 5, 4, 1], ["tanh", "relu"], "sigmoid", x[None, :], nudge)
        return bce(acts[-1][:, 0], np.array([y]))

    return (loss(h) - loss(-h)) / (2 * h)


def test_unit_gives_z_a_and_delta_of_every_unit(client: httpx.Client) -> None:
    objective = network(MOONS, hidden=[5, 4], activation=["tanh", "relu"])
    point = trained(client, objective, 30)
    X, y = data_of(client, MOONS)
    x = X[17] + 0.01
    got = post_json(client, UNIT, {"objective": objective, "point": point, "x": x.tolist()})
    assert got["sample"] == 17  # the nearest sample gives the target
    assert got["y"] == y[17]
    assert got["sizes"] == [2, 5, 4, 1]
    zs, acts = forward(point, [2, 5, 4, 1], ["tanh", "relu"], "sigmoid", x[None, :])
    for layer in range(3):
        np.testing.assert_allclose(got["z"][layer], zs[layer][0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got["a"][layer], acts[layer][0], rtol=1e-12, atol=1e-14)
        for unit in range(len(got["delta"][layer])):
            expected = _numerical_delta(point, x, y[17], layer, unit)
            assert got["delta"][layer][unit] == pytest.approx(expected, rel=1e-5, abs=1e-9)
    assert got["loss"] == pytest.approx(bce(acts[-1][:, 0], np.array([y[17]])), rel=1e-12)
    other = post_json(
        client, UNIT, {"objective": objective, "point": point, "x": x.tolist(), "y": 1 - y[17]}
    )
    assert other["sample"] is None
    assert other["delta"][-1][0] == pytest.approx(acts[-1][0, 0] - (1 - y[17]))


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"x": [0.1, 0.2, 0.3]}, "x", "x must have 2 coordinates, got 3"),
        ({"y": 2}, "y", "from 0 to 1, not 2"),
        ({"y": 0.5}, "y", "from 0 to 1, not 0.5"),
        ({"point": [0.0] * 3}, "point", "point must have 33 coordinates"),
    ],
    ids=["x", "label", "half a label", "point"],
)
def test_bad_units_are_422s(
    client: httpx.Client, extra: dict[str, Any], field: str, words: str
) -> None:
    body = {"objective": network(MOONS, hidden=[8]), "point": [0.1] * 33, "x": [0, 0], **extra}
    reply = client.post(UNIT, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"][0]["loc"] == ["body", field]
    assert words in reply.json()["message"]
    assert is_chinese(client.post(UNIT, json=body, headers=ZH).json()["message"])
