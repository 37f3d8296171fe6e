"""Neural networks as objectives: runs, streams, starts, describe and gradient checks.

The oracle is a forward pass written here from the documented layout (W1 row-major, b1, W2,
b2, ...; `W1[i,j]` is unit i's weight from input j) on the samples of `/datasets/sample`, never
the engine's own network code.
"""

import itertools
from collections.abc import Sequence
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
from tests.api.test_data import ZH
from tests.api.test_languages import is_chinese
from tests.api.test_models import data_of

F64 = npt.NDArray[np.float64]
XOR = {"name": "xor", "n": 200, "seed": 0}
MOONS = {"name": "moons", "n": 100, "noise": 0.1, "seed": 2}
DESCRIBE = "/api/v1/objectives/describe"
STARTS = "/api/v1/starts"
ADAM = {"name": "adam", "lr": 0.03}


def network(dataset: dict[str, Any] = XOR, **arch: Any) -> dict[str, Any]:
    """A network objective: 2-16-16-1 tanh unless `arch` says otherwise."""
    return {"network": {"hidden": [16, 16], "activation": "tanh", **arch}, "dataset": dataset}


def act(name: str, z: F64) -> F64:
    """An activation, from its definition."""
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        out: F64 = e / e.sum(axis=1, keepdims=True)
        return out
    return z


def layers_of(point: Sequence[float], sizes: Sequence[int]) -> list[tuple[F64, F64]]:
    """(W^l, b^l) of a parameter vector in the documented layout."""
    w, out, at = np.asarray(point, dtype=np.float64), [], 0
    for n_in, n_out in itertools.pairwise(sizes):
        W = w[at : at + n_out * n_in].reshape(n_out, n_in)
        b = w[at + n_out * n_in : at + n_out * (n_in + 1)]
        out.append((W, b))
        at += n_out * (n_in + 1)
    assert at == len(w)
    return out


def forward(
    point: Sequence[float],
    sizes: Sequence[int],
    hidden: Sequence[str],
    output: str,
    X: F64,
    nudge: tuple[int, int, float] | None = None,
) -> tuple[list[F64], list[F64]]:
    """z^l and a^l (N, n_l) of every layer for samples X (N, D); `nudge` (layer index from 0,
    unit, amount) adds the amount to that unit's z before its activation."""
    a, zs, acts = X, [], []
    names = [*hidden, output]
    for k, ((W, b), name) in enumerate(zip(layers_of(point, sizes), names, strict=True)):
        z = a @ W.T + b
        if nudge is not None and nudge[0] == k:
            z[:, nudge[1]] += nudge[2]
        a = act(name, z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def bce(p: F64, y: F64) -> float:
    """Binary cross-entropy of probabilities p (N,) against labels y (N,)."""
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def trajectories(client: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    reply: list[dict[str, Any]] = post_json(client, RUNS, body)["trajectories"]
    return reply


def test_a_tanh_network_learns_xor_with_adam(client: httpx.Client) -> None:
    body = run_body(objective=network(), optimizer=ADAM, starts=None, steps=400, every=100)
    [traj] = trajectories(client, body)  # neither starts nor init: one Xavier start
    assert traj["steps"] == [0, 100, 200, 300, 400]
    X, y = data_of(client, XOR)
    end = traj["points"][-1]
    assert len(end) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    _, acts = forward(end, [2, 16, 16, 1], ["tanh", "tanh"], "sigmoid", X)
    p = acts[-1][:, 0]
    assert np.mean((p > 0.5) == (y == 1)) >= 0.95
    assert traj["loss"][-1] == pytest.approx(bce(p, y), rel=1e-9)  # the layout as documented
    assert traj["loss"][-1] < traj["loss"][0] / 10


def test_he_times_four_trains_four_seeded_networks(client: httpx.Client) -> None:
    init = {"kind": "he", "count": 4, "seed": 1}
    body = run_body(
        objective=network(MOONS), optimizer=ADAM, starts=None, init=init, steps=300, every=300
    )
    got = post_json(client, RUNS, {**body, "format": "arrays"})
    assert post_json(client, RUNS, {**body, "format": "arrays"}) == got  # seeded: the same
    offsets, points = decode(got["offsets"]), decode(got["points"])
    assert offsets.tolist() == [0, 2, 4, 6, 8]
    starts = points[offsets[:-1]]
    assert len({tuple(row) for row in starts}) == 4  # four different initializations
    info = post_json(client, DESCRIBE, {"objective": network(MOONS)})
    groups = {g["name"]: (g["start"], g["stop"]) for g in info["groups"]}
    w1, w2 = starts[:, slice(*groups["W1"])], starts[:, slice(*groups["W2"])]
    assert np.std(w1) == pytest.approx(np.sqrt(2 / 2), rel=0.2)  # N(0, 2 / fan_in)
    assert np.std(w2) == pytest.approx(np.sqrt(2 / 16), rel=0.1)
    for name in ("b1", "b2", "b3"):
        assert not np.any(starts[:, slice(*groups[name])])
    X, y = data_of(client, MOONS)
    for end in points[offsets[1:] - 1]:
        _, acts = forward(end, [2, 16, 16, 1], ["tanh", "tanh"], "sigmoid", X)
        assert np.mean((acts[-1][:, 0] > 0.5) == (y == 1)) >= 0.95


def test_zero_init_keeps_the_hidden_units_identical(client: httpx.Client) -> None:
    curve = {"name": "curve", "n": 60, "seed": 1}  # targets with a nonzero mean: the output moves
    objective = network(curve, hidden=[4, 3], activation="sigmoid")
    init = {"kind": "zeros", "count": 1, "seed": 0}
    body = run_body(
        objective=objective,
        optimizer={"name": "sgd", "lr": 0.5},
        starts=None,
        init=init,
        steps=60,
        every=10,
        tol=0,
    )
    [traj] = trajectories(client, body)
    assert len(traj["points"]) == 7
    for point in traj["points"]:
        (W1, b1), (W2, b2), (W3, _) = layers_of(point, [1, 4, 3, 1])
        for rows in (W1, b1[:, None], W2, b2[:, None], W3.T):
            np.testing.assert_array_equal(rows, np.repeat(rows[:1], len(rows), axis=0))
        np.testing.assert_array_equal(W2, W2[0, 0])  # one value for every weight of layer 2
    (W1, _), (W2, _), (W3, _) = layers_of(traj["points"][-1], [1, 4, 3, 1])
    assert np.all(W1 != 0)  # they moved, all together
    assert np.all(W2 != 0)
    assert np.all(W3 != 0)


@pytest.mark.parametrize("fmt", ["lists", "arrays"])
def test_stream_frames_carry_diagnostics_per_layer(client: httpx.Client, fmt: str) -> None:
    objective = {**network(MOONS, hidden=[8, 8]), "batch": {"size": 16, "seed": 3}}
    init = {"kind": "xavier", "count": 3, "seed": 2}
    body = run_body(objective=objective, optimizer=ADAM, starts=None, init=init, steps=30, every=10)
    frames, summary = split_stream(stream_events(client, {**body, "format": fmt}))
    assert [int(f.id or -1) for f in frames] == [0, 10, 20, 30]
    assert len(summary["trajectories"]) == 3
    for frame in frames:
        data = frame.json()
        diagnostics = data["diagnostics"]
        assert set(diagnostics) == {"activation_norm", "delta_norm", "grad_norm"}
        for values in diagnostics.values():
            table = decode(values) if fmt == "arrays" else np.array(values)
            assert table.shape == (3, 3)  # three networks, three layers
            assert np.all(table > 0)
        assert "batch_loss" in data


def test_a_training_stream_resumes_with_identical_frames(client: httpx.Client) -> None:
    objective = {**network(XOR, hidden=[8]), "batch": {"size": 32, "seed": 0}}
    body = run_body(objective=objective, optimizer=ADAM, starts=None, steps=40, every=5)
    frames, _ = split_stream(stream_events(client, body))
    resumed, _ = split_stream(stream_events(client, body, {"Last-Event-ID": "20"}))
    assert [f.id for f in resumed] == ["25", "30", "35", "40"]
    assert [f.data for f in resumed] == [f.data for f in frames[-4:]]


def test_neither_starts_nor_init_is_one_xavier_start_with_seed_0(client: httpx.Client) -> None:
    base = run_body(objective=network(MOONS), optimizer=ADAM, starts=None, steps=2)
    [default] = trajectories(client, base)
    xavier = {"kind": "xavier", "count": 1, "seed": 0}
    [explicit] = trajectories(client, {**base, "init": xavier})
    assert default["points"] == explicit["points"]
    [made] = post_json(client, STARTS, {"objective": network(MOONS), "init": xavier})["starts"]
    assert default["points"][0] == made
    surface = client.post(RUNS, json=run_body(starts=None))
    assert surface.status_code == 422
    assert "exactly one of 'starts'" in surface.json()["message"]


def test_explicit_starts_are_whole_parameter_vectors(client: httpx.Client) -> None:
    objective = network(MOONS, hidden=[3])
    point = np.linspace(-0.5, 0.5, 13).tolist()  # 2*3 + 3 + 3 + 1
    body = run_body(objective=objective, optimizer=ADAM, starts=[point], steps=1)
    [traj] = trajectories(client, body)
    assert traj["points"][0] == point
    short = client.post(RUNS, json={**body, "starts": [point[:-1]]})
    assert short.status_code == 422
    assert "starts[0] must have 13 coordinates, got 12" in short.json()["message"]


def _starts(client: httpx.Client, init: dict[str, Any], **kw: Any) -> tuple[F64, dict[str, Any]]:
    objective = network(MOONS, hidden=[16, 16])
    info = post_json(client, DESCRIBE, {"objective": objective})
    got = post_json(client, STARTS, {"objective": objective, "init": init}, **kw)
    return np.array(got["starts"]), {g["name"]: (g["start"], g["stop"]) for g in info["groups"]}


def test_init_kinds(client: httpx.Client) -> None:
    zeros, _ = _starts(client, {"kind": "zeros", "count": 2, "seed": 5})
    assert zeros.shape == (2, 337)
    assert not zeros.any()
    xavier, groups = _starts(client, {"kind": "xavier", "count": 3, "seed": 1})
    for name, fan_in, fan_out in (("W1", 2, 16), ("W2", 16, 16), ("W3", 16, 1)):
        w = xavier[:, slice(*groups[name])]
        bound = np.sqrt(6 / (fan_in + fan_out))
        assert np.abs(w).max() <= bound
        assert np.abs(w).max() > 0.5 * bound
    gaussian, _ = _starts(client, {"kind": "gaussian", "std": 0.1, "count": 4, "seed": 1})
    assert np.std(gaussian[:, slice(*groups["W2"])]) == pytest.approx(0.1, rel=0.1)
    assert not gaussian[:, slice(*groups["b2"])].any()
    uniform, _ = _starts(client, {"kind": "uniform", "low": [-0.2], "high": [0.2], "count": 4})
    assert np.abs(uniform).max() <= 0.2
    assert uniform[:, slice(*groups["b1"])].any()  # uniform draws the biases too
    again, _ = _starts(client, {"kind": "xavier", "count": 3, "seed": 1})
    np.testing.assert_array_equal(again, xavier)


@pytest.mark.parametrize(
    ("init", "field", "zh"),
    [
        ({"kind": "grid", "shape": [2, 2]}, "init", "未知的初始化"),
        ({"kind": "gaussian", "std": 1, "mean": [0.5]}, "init", "均值为 0"),
    ],
    ids=["grid", "gaussian mean"],
)
def test_inits_a_network_cannot_take_are_422s(
    client: httpx.Client, init: dict[str, Any], field: str, zh: str
) -> None:
    body = run_body(objective=network(MOONS), optimizer=ADAM, starts=None, init=init, steps=2)
    reply = client.post(RUNS, json=body, headers=ZH)
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"] == ["body", field]
    assert zh in reply.json()["message"]


def test_layered_inits_need_a_network(client: httpx.Client) -> None:
    body = run_body(starts=None, init={"kind": "he", "count": 2})
    reply = client.post(RUNS, json=body)
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"] == ["body", "init"]
    assert "needs a neural network" in reply.json()["message"]
    zeros = run_body(starts=None, init={"kind": "zeros", "count": 2, "seed": 3}, steps=1)
    assert [t["points"][0] for t in trajectories(client, zeros)] == [[0.0, 0.0], [0.0, 0.0]]


def test_describe_names_the_parameters_and_their_layers(client: httpx.Client) -> None:
    objective = network(MOONS, hidden=[3, 2], activation=["relu", "tanh"])
    info = post_json(client, DESCRIBE, {"objective": objective})
    assert (info["kind"], info["dim"]) == ("network", 9 + 8 + 3)
    assert info["names"][:3] == ["W1[0,0]", "W1[0,1]", "W1[1,0]"]
    assert info["names"][6:9] == ["b1[0]", "b1[1]", "b1[2]"]
    assert info["names"][-3:] == ["W3[0,0]", "W3[0,1]", "b3[0]"]
    assert info["groups"] == [
        {"name": "W1", "layer": 1, "start": 0, "stop": 6},
        {"name": "b1", "layer": 1, "start": 6, "stop": 9},
        {"name": "W2", "layer": 2, "start": 9, "stop": 15},
        {"name": "b2", "layer": 2, "start": 15, "stop": 17},
        {"name": "W3", "layer": 3, "start": 17, "stop": 19},
        {"name": "b3", "layer": 3, "start": 19, "stop": 20},
    ]
    assert info["title"] == "Network 3-2 (relu, tanh) on Moons"
    assert info["log_scale"] is True
    assert info["domain"] is None
    assert info["landmarks"] == []
    zh = post_json(client, DESCRIBE, {"objective": objective}, headers=ZH)
    assert is_chinese(zh["title"])
    surface = post_json(client, DESCRIBE, {"objective": {"surface": "bowl"}})
    assert surface["groups"] is None


def test_gradcheck_of_a_network_agrees(client: httpx.Client) -> None:
    objective = network(MOONS, hidden=[6, 5])
    xavier = {"kind": "xavier", "count": 1, "seed": 4}
    [point] = post_json(client, STARTS, {"objective": objective, "init": xavier})["starts"]
    body = {"objective": objective, "point": point, "h": [1e-3, 1e-4, 1e-5, 1e-6]}
    got = post_json(client, "/api/v1/gradcheck", body)
    assert got["verdict"] in ("fine", "suspect")
    best = next(step for step in got["steps"] if step["best_centred"])
    assert best["centred_error"] < 1e-6
    assert got["names"][:2] == ["W1[0,0]", "W1[0,1]"]
    assert got["evaluations"]["centred"] == 2 * len(point)


def test_divergence_is_explained_from_the_loss(client: httpx.Client) -> None:
    objective = network({"name": "curve", "n": 100, "seed": 0}, activation="relu")
    body = run_body(
        objective=objective, optimizer={"name": "sgd", "lr": 50}, starts=None, steps=300
    )
    for headers, words in (
        ({}, "the loss stopped being a finite number"),
        (ZH, "损失不再是有限的数"),
    ):
        [traj] = post_json(client, RUNS, {**body, "every": 300}, headers=headers)["trajectories"]
        assert traj["status"] == "diverged"
        assert words in traj["message"]
        assert traj["loss"][-1] is None  # the last point's loss overflowed; its weights did not
        assert all(np.isfinite(traj["points"][-1]))
        assert "±" not in traj["message"]


BAD = [
    ({"hidden": [4, 4], "activation": ["tanh"]}, XOR, "1 activations for 2 hidden layers"),
    ({"hidden": [4] * 7}, XOR, "at most 6 items"),
    ({"hidden": [65]}, XOR, "less than or equal to 64"),
    ({"output": "softmax"}, {"name": "line", "n": 20}, "a softmax output needs class labels"),
    ({"output": "identity", "loss": "cross_entropy"}, XOR, "cross-entropy needs a sigmoid"),
    ({"output": "sigmoid"}, {"name": "blobs", "n": 30}, "this data set has 3 classes"),
    ({"activation": "swish"}, XOR, "'sigmoid', 'tanh' or 'relu'"),
]


@pytest.mark.parametrize(("arch", "dataset", "words"), BAD, ids=[b[2] for b in BAD])
def test_bad_networks_are_422s_naming_the_field(
    client: httpx.Client, arch: dict[str, Any], dataset: dict[str, Any], words: str
) -> None:
    objective = {"network": arch, "dataset": dataset}
    reply = client.post(RUNS, json=run_body(objective=objective, starts=None))
    assert reply.status_code == 422, reply.text
    message = reply.json()["message"]
    assert message.startswith("objective.network"), message
    assert words in message
    zh = client.post(RUNS, json=run_body(objective=objective, starts=None), headers=ZH)
    assert is_chinese(zh.json()["message"])
