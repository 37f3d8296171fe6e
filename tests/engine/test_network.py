"""Tests for the network objective: losses against their definitions, backprop against centred
differences, training that learns, symmetry that never breaks, and diagnostics that show the
vanishing gradient.

The oracle for every loss is its definition written out per sample in plain Python (math, no
NumPy); gradients are checked against centred differences of the objective's own loss.
"""

import math
from collections.abc import Sequence

import numpy as np
import pytest

from app.engine.batches import BatchSpec
from app.engine.datasets import Dataset, make_dataset
from app.engine.nn import NetworkError, NetworkSpec, init_starts
from app.engine.nn.spec import head_of, most_params
from app.engine.objectives import network as network_module
from app.engine.objectives.network import NetworkObjective, make_network
from app.engine.optimizers import Adam, get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.types import Array
from app.i18n import LANGS, catalogue
from tests.engine.test_layers import numerical_gradient, rel_error

# (data set, output, loss): every head on the kind of data it takes
HEADS = [
    ("moons", "sigmoid", "cross_entropy"),
    ("blobs", "softmax", "cross_entropy"),
    ("line", "identity", "mse"),
    ("line", "sigmoid", "mse"),
    ("moons", "sigmoid", "mse"),
    ("blobs", "softmax", "mse"),
    ("blobs", "identity", "mse"),
]
HEAD_IDS = [f"{d}-{o}-{loss}" for d, o, loss in HEADS]
ACTIVATIONS: list[str | tuple[str, ...]] = ["sigmoid", "tanh", "relu", ("relu", "sigmoid")]
MESSAGES = {
    lang: {k: v for k, v in catalogue(lang).items() if k.startswith("network.")} for lang in LANGS
}


def _objective(
    data: str,
    hidden: tuple[int, ...] = (5, 4),
    activation: str | tuple[str, ...] = "tanh",
    output: str | None = None,
    loss: str | None = None,
    l2: float = 0.0,
    n: int = 10,
    batch: BatchSpec | None = None,
) -> NetworkObjective:
    ds = make_dataset(data, n, 0.3, 4)
    return NetworkObjective(ds, NetworkSpec(hidden, activation, output, loss, l2), batch)


# --- the definitions, one sample at a time -------------------------------------------------


def _act(name: str, z: list[float]) -> list[float]:
    if name == "sigmoid":
        return [1.0 / (1.0 + math.exp(-v)) for v in z]
    if name == "tanh":
        return [math.tanh(v) for v in z]
    if name == "relu":
        return [max(v, 0.0) for v in z]
    if name == "softmax":
        total = sum(math.exp(v) for v in z)
        return [math.exp(v) / total for v in z]
    return list(z)


def _naive_loss(obj: NetworkObjective, w: Sequence[float]) -> float:
    """The loss at one parameter vector, sample by sample, straight from the definitions."""
    net, ds = obj.net, obj.data
    layers_: list[tuple[list[list[float]], list[float]]] = []
    at = 0
    for n_in, n_out in zip(net.sizes, net.sizes[1:], strict=False):
        W = [[w[at + i * n_in + j] for j in range(n_in)] for i in range(n_out)]
        at += n_in * n_out
        layers_.append((W, [w[at + i] for i in range(n_out)]))
        at += n_out
    acts = [*net.hidden, net.output]
    total = 0.0
    for x, y in zip(ds.X.tolist(), ds.y.tolist(), strict=True):
        a = x
        for (W, b), name in zip(layers_, acts, strict=True):
            z = [sum(Wi[j] * a[j] for j in range(len(a))) + bi for Wi, bi in zip(W, b, strict=True)]
            a = _act(name, z)
        target = [float(y)] if net.outputs == 1 else [float(c == y) for c in range(net.outputs)]
        if net.loss_name == "mse":
            total += sum((ai - ti) ** 2 for ai, ti in zip(a, target, strict=True)) / net.outputs
        elif net.outputs == 1:
            total += -(target[0] * math.log(a[0]) + (1 - target[0]) * math.log(1 - a[0]))
        else:
            total += -math.log(a[int(y)])
    penalty = sum(v * v for W, _ in layers_ for row in W for v in row)
    return total / ds.n + net.l2 * penalty


def _rows(obj: NetworkObjective, k: int, seed: int = 5) -> Array:
    """K random parameter rows in the runner's (Fortran) layout."""
    return np.asfortranarray(np.random.default_rng(seed).uniform(-1.0, 1.0, (k, obj.dim)))


# --- loss and gradient ---------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.05])
@pytest.mark.parametrize(("data", "output", "loss"), HEADS, ids=HEAD_IDS)
def test_loss_matches_the_definitions(data: str, output: str, loss: str, l2: float) -> None:
    obj = _objective(data, (3, 4), ("tanh", "sigmoid"), output, loss, l2)
    w = _rows(obj, 3)
    losses = obj.loss(w)
    for k in range(3):
        assert losses[k] == pytest.approx(_naive_loss(obj, w[k].tolist()), rel=1e-12)
    np.testing.assert_allclose(obj.loss_and_grad(w)[0], losses, rtol=1e-14)


@pytest.mark.parametrize("l2", [0.0, 0.1])
@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
@pytest.mark.parametrize(("data", "output", "loss"), HEADS, ids=HEAD_IDS)
def test_backprop_equals_the_numerical_gradient(
    data: str, output: str, loss: str, activation: str | tuple[str, ...], l2: float
) -> None:
    obj = _objective(data, (5, 4), activation, output, loss, l2)
    w = _rows(obj, 3)
    _, grad = obj.loss_and_grad(w)
    assert grad.shape == w.shape
    for k in range(3):

        def f(v: Array) -> float:
            return float(obj.loss(v[None, :])[0])

        assert rel_error(grad[k], numerical_gradient(f, w[k].copy())) < 1e-6
    np.testing.assert_array_equal(obj.grad(w), grad)


def test_one_row_equals_many_rows() -> None:
    obj = _objective("blobs", (6, 5), "relu", "softmax", "cross_entropy", 0.01)
    w = _rows(obj, 4)
    loss, grad = obj.loss_and_grad(w)
    for k in range(4):
        one_loss, one_grad = obj.loss_and_grad(w[k : k + 1])
        assert one_loss[0] == pytest.approx(loss[k], rel=1e-13)
        np.testing.assert_allclose(one_grad[0], grad[k], rtol=1e-12, atol=1e-15)
    c_loss, c_grad = obj.loss_and_grad(np.ascontiguousarray(w))  # dC/dW written in place
    assert c_grad.flags.c_contiguous
    np.testing.assert_allclose(c_loss, loss, rtol=1e-14)
    np.testing.assert_allclose(c_grad, grad, rtol=1e-12, atol=1e-15)


def test_many_rows_in_blocks_equal_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    obj = _objective("moons", (8, 8), "tanh", n=40)
    w = _rows(obj, 23)
    whole, diag = obj.loss_and_grad(w), obj.diagnostics(w)
    full = obj.loss(w)
    monkeypatch.setattr(network_module, "BLOCK_VALUES", 2000)  # blocks of a few rows
    parts = obj.loss_and_grad(w)
    np.testing.assert_allclose(parts[0], whole[0], rtol=1e-14)
    np.testing.assert_allclose(parts[1], whole[1], rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(obj.loss(w), full, rtol=1e-14)
    for name, value in obj.diagnostics(w).items():
        np.testing.assert_allclose(value, diag[name], rtol=1e-13)


# --- layout, starts and refusals ----------------------------------------------------------


def test_parameter_names_layout_and_fans() -> None:
    obj = _objective("moons", (3,), "relu")
    assert obj.names == (
        *(f"W1[{i},{j}]" for i in range(3) for j in range(2)),
        "b1[0]",
        "b1[1]",
        "b1[2]",
        "W2[0,0]",
        "W2[0,1]",
        "W2[0,2]",
        "b2[0]",
    )
    assert obj.dim == 13
    assert obj.fan_in.tolist() == [2.0] * 9 + [3.0] * 4
    assert obj.fan_out.tolist() == [3.0] * 9 + [1.0] * 4
    assert obj.is_bias.tolist() == [False] * 6 + [True] * 3 + [False] * 3 + [True]
    (W1, b1), (W2, b2) = obj.net.unpack(np.arange(13.0)[None, :])
    assert W1[0].tolist() == [[0, 1], [2, 3], [4, 5]]
    assert b1[0].tolist() == [6, 7, 8]
    assert W2[0].tolist() == [[9, 10, 11]]
    assert b2[0].tolist() == [12]


def test_output_units_follow_the_head() -> None:
    assert _objective("line", (4,)).net.sizes == (1, 4, 1)
    assert _objective("moons", (4,), output="sigmoid").net.sizes == (2, 4, 1)
    assert _objective("moons", (4,), output="softmax").net.sizes == (2, 4, 2)
    assert _objective("blobs", (4,), output="identity", loss="mse").net.sizes == (2, 4, 3)
    assert _objective("blobs", ()).net.sizes == (2, 3)  # no hidden layer: softmax regression


def test_protocol_facts() -> None:
    obj = _objective("moons", (4, 4), n=100)
    assert obj.start_region == ((-1.0,) * obj.dim, (1.0,) * obj.dim)
    assert obj.cost == pytest.approx(0.4 * 100 * obj.dim)
    assert not obj.stochastic
    assert obj.depth == 3
    batched = _objective("moons", (4, 4), n=100, batch=BatchSpec(10, 1))
    assert batched.stochastic
    assert batched.cost == pytest.approx(0.4 * 10 * obj.dim)  # full gradients only when recorded


@pytest.mark.parametrize(
    ("spec", "data", "key"),
    [
        ({"hidden": [4] * 7}, "moons", "network.hidden_count"),
        ({"hidden": [0]}, "moons", "network.hidden_size"),
        ({"hidden": [65]}, "moons", "network.hidden_size"),
        ({"activation": "gelu"}, "moons", "network.activation_unknown"),
        ({"hidden": [4, 4], "activation": ["relu"]}, "moons", "network.activation_count"),
        ({"output": "linear"}, "moons", "network.output_unknown"),
        ({"loss": "hinge"}, "moons", "network.loss_unknown"),
        ({"l2": -1.0}, "moons", "network.l2"),
        ({"l2": math.inf}, "moons", "network.l2"),
        ({"output": "softmax"}, "line", "network.softmax_classes"),
        ({"output": "sigmoid"}, "blobs", "network.sigmoid_classes"),
        ({"output": "identity", "loss": "cross_entropy"}, "moons", "network.cross_entropy_output"),
        ({"loss": "cross_entropy"}, "line", "network.cross_entropy_regression"),
    ],
)
def test_invalid_networks_are_refused_with_a_key(
    spec: dict[str, object], data: str, key: str
) -> None:
    with pytest.raises(NetworkError) as info:
        make_network(make_dataset(data, 20, 0.1, 0), spec)
    assert info.value.key == key
    assert isinstance(info.value, ValueError)
    assert str(info.value) == MESSAGES["en"][key].format(**info.value.params)
    assert info.value.render("zh") == MESSAGES["zh"][key].format(**info.value.params)


def test_messages_have_both_languages_and_the_same_placeholders() -> None:
    import string

    assert MESSAGES["en"].keys() == MESSAGES["zh"].keys()
    for key, en in MESSAGES["en"].items():
        names = {f[1] for f in string.Formatter().parse(en) if f[1]}
        assert names == {f[1] for f in string.Formatter().parse(MESSAGES["zh"][key]) if f[1]}


def test_init_starts() -> None:
    obj = _objective("moons", (64, 32), "relu", n=20)
    bias, fan_in, fan_out = obj.is_bias, obj.fan_in, obj.fan_out
    assert not init_starts(obj, "zeros", 2, 0).any()
    xavier = init_starts(obj, "xavier", 200, 1)
    assert xavier.shape == (200, obj.dim)
    np.testing.assert_array_equal(init_starts(obj, "xavier", 200, 1), xavier)  # seeded
    assert not xavier[:, bias].any()
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    assert np.all(np.abs(xavier) <= bound)
    w2 = ~bias & (fan_in == 64)  # W2: 64 inputs, 32 units
    assert xavier[:, w2].std() == pytest.approx(bound[w2][0] / np.sqrt(3.0), rel=0.02)
    he = init_starts(obj, "he", 200, 2)
    assert not he[:, bias].any()
    assert he[:, w2].std() == pytest.approx(np.sqrt(2.0 / 64), rel=0.02)
    gauss = init_starts(obj, "gaussian", 100, 3, std=0.5)
    assert not gauss[:, bias].any()
    assert gauss[:, ~bias].std() == pytest.approx(0.5, rel=0.02)
    uniform = init_starts(obj, "uniform", 100, 4, low=-0.2, high=0.3)
    assert uniform.min() >= -0.2
    assert uniform.max() < 0.3
    assert uniform[:, bias].any()


@pytest.mark.parametrize(
    ("kind", "extra", "key"),
    [
        ("orthogonal", {}, "network.init_unknown"),
        ("gaussian", {}, "network.init_std"),
        ("gaussian", {"std": -1.0}, "network.init_std"),
        ("uniform", {"low": 1.0}, "network.init_range"),
        ("uniform", {"low": 1.0, "high": 0.0}, "network.init_range"),
    ],
)
def test_init_refusals(kind: str, extra: dict[str, float], key: str) -> None:
    with pytest.raises(NetworkError) as info:
        init_starts(_objective("moons"), kind, 3, 0, **extra)
    assert info.value.key == key
    with pytest.raises(NetworkError) as count:
        init_starts(_objective("moons"), "zeros", 0, 0)
    assert count.value.key == "network.init_count"


# --- training ------------------------------------------------------------------------------


def _train(
    obj: NetworkObjective, starts: Array, steps: int, lr: float, every: int | None = None
) -> tuple[Array, list[Array]]:
    """Adam through the runner: the end points and the recorded points of every frame."""
    config = RunConfig(steps=steps, every=every or steps, tol=0.0, bound=1e6)
    run = Descent(obj, get_rule("adam"), Adam(lr=lr), starts, config)
    frames = [frame.points for frame in run.frames()]
    return run.summary().point, frames


@pytest.mark.parametrize("data", ["xor", "moons"])
def test_a_small_network_learns(data: str) -> None:
    ds = make_dataset(data, 200, 0.1, 0)
    obj = NetworkObjective(ds, NetworkSpec((16, 16), "tanh", "sigmoid", "cross_entropy"))
    ends, _ = _train(obj, init_starts(obj, "xavier", 2, seed=0), steps=600, lr=0.02)
    assert np.all(obj.accuracy(ends, ds.X, ds.labels()) >= 0.95)


def test_zero_initialization_never_breaks_the_symmetry() -> None:
    obj = _objective("moons", (6, 5), "sigmoid", "sigmoid", "cross_entropy", n=50)
    ends, _ = _train(obj, init_starts(obj, "zeros", 1, 0), steps=40, lr=0.05)
    (W1, b1), (W2, b2), _ = obj.net.unpack(ends)
    assert np.abs(W1).max() > 1e-3
    assert np.abs(W2).max() > 1e-3
    # Every hidden unit stays the same as the first, up to rounding: BLAS may sum the last
    # rows of a product in another order than the others.
    for W, b in ((W1, b1), (W2, b2)):
        np.testing.assert_allclose(W[0], np.broadcast_to(W[0, :1], W[0].shape), rtol=1e-9)
        np.testing.assert_allclose(b[0], b[0, 0], rtol=1e-9)


def test_mini_batch_runs_repeat_from_the_seed() -> None:
    ds = make_dataset("moons", 100, 0.2, 0)
    spec = NetworkSpec((8,), "relu")

    def run(seed: int) -> list[Array]:
        obj = NetworkObjective(ds, spec, BatchSpec(16, seed))
        return _train(obj, init_starts(obj, "he", 3, 1), steps=30, lr=0.01, every=5)[1]

    first, again, other = run(7), run(7), run(8)
    assert len(first) == 7
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[-1], other[-1])


def test_a_mini_batch_gradient_is_the_gradient_on_that_batch() -> None:
    ds = make_dataset("blobs", 50, 0.5, 2)
    spec = NetworkSpec((5,), "tanh", l2=0.01)
    obj = NetworkObjective(ds, spec, BatchSpec(8, 3))
    w = _rows(obj, 2)
    idx = obj.batches.indices(9) if obj.batches is not None else None
    assert idx is not None
    sub = Dataset(ds.X[idx], ds.y[idx], "classification", 3, ds.feature_names)
    on_batch = NetworkObjective(sub, spec)
    loss, grad = obj.loss_and_grad(w, 9)
    np.testing.assert_allclose(loss, on_batch.loss(w), rtol=1e-13)
    np.testing.assert_allclose(grad, on_batch.grad(w), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(obj.grad(w, None), NetworkObjective(ds, spec).grad(w), rtol=1e-13)


# --- diagnostics and the page's helpers ----------------------------------------------------


def test_diagnostics_shapes_and_values() -> None:
    obj = _objective("moons", (4, 3), "tanh", n=30, l2=0.1)
    w = _rows(obj, 5)
    diag = obj.diagnostics(w)
    assert set(diag) == {"activation_norm", "delta_norm", "grad_norm"}
    assert all(v.shape == (5, 3) for v in diag.values())
    params = obj.net.unpack(w)
    run = obj.net.backprop(params, obj.data.X, obj.Y)
    assert diag["activation_norm"][2, 1] == pytest.approx(np.sqrt(np.mean(run.a[1][2] ** 2)))
    assert diag["delta_norm"][2, 0] == pytest.approx(np.sqrt(np.mean(run.delta[0][2] ** 2)))
    grad = obj.grad(w)[3]
    w1 = ~obj.is_bias & (obj.fan_out == 4)
    assert diag["grad_norm"][3, 0] == pytest.approx(np.linalg.norm(grad[w1]))


def test_diagnostics_use_a_fixed_probe_of_a_large_set() -> None:
    obj = _objective("moons", (4,), n=1000)
    assert obj.probe.shape == (256,)
    assert np.all(np.diff(obj.probe) > 0)
    np.testing.assert_array_equal(_objective("moons", (4,), n=1000).probe, obj.probe)
    assert _objective("moons", (4,), n=100).probe.tolist() == list(range(100))


def test_deep_sigmoid_gradients_vanish_towards_the_input() -> None:
    ratios = {}
    for name in ("sigmoid", "relu"):
        obj = _objective("spiral", (32,) * 6, name, n=200)
        w = init_starts(obj, "xavier", 4, seed=3)
        delta = obj.diagnostics(w)["delta_norm"]
        if name == "sigmoid":  # shrinks layer after layer, by about σ' <= 1/4 each
            assert np.all(np.diff(delta[:, :-1], axis=1) > 0)
        ratios[name] = delta[:, 0] / delta[:, -2]  # first hidden layer over the last
    assert np.all(ratios["sigmoid"] < 1e-2)
    assert np.all(ratios["relu"] > 10 * ratios["sigmoid"])


def test_predictions_probabilities_and_accuracy() -> None:
    ds = make_dataset("blobs", 60, 0.3, 1)
    obj = NetworkObjective(ds, NetworkSpec((6,), "relu"))
    w = _rows(obj, 3)
    proba = obj.predict_proba(w[0], ds.X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(obj.predict(w[0], ds.X), proba, rtol=1e-14)  # softmax output
    acc = obj.accuracy(w, ds.X, ds.labels())
    assert acc.shape == (3,)
    assert acc[1] == pytest.approx(np.mean(obj.predict_proba(w[1], ds.X).argmax(1) == ds.y))
    moons = _objective("moons", (4,), n=30)
    p = moons.predict_proba(_rows(moons, 1)[0], moons.data.X)
    np.testing.assert_allclose(p[:, 1], moons.predict(_rows(moons, 1)[0], moons.data.X)[:, 0])
    line = _objective("line")
    with pytest.raises(NetworkError) as info:
        line.accuracy(_rows(line, 1), np.zeros((2, 1)), np.zeros(2, dtype=np.int64))
    assert info.value.key == "network.needs_classes"


def test_unit_values_of_one_sample() -> None:
    obj = _objective("blobs", (4, 3), "tanh", n=30)
    w = _rows(obj, 1)[0]
    x, y = obj.data.X[7], int(obj.data.y[7])
    units = obj.unit_values(w, x)  # the nearest sample is x itself
    assert units["y"] == y
    assert [len(z) for z in units["z"]] == [4, 3, 3]
    assert units["a"][-1] == pytest.approx(obj.predict(w, x[None, :])[0].tolist())
    assert units["a"][0] == pytest.approx(np.tanh(units["z"][0]).tolist())
    assert units["delta"][-1] == pytest.approx((np.array(units["a"][-1]) - np.eye(3)[y]).tolist())
    one = Dataset(x[None, :], np.array([y]), "classification", 3, obj.data.feature_names)
    alone = NetworkObjective(one, obj.spec)
    assert units["loss"] == pytest.approx(float(alone.loss(w[None, :])[0]))
    other = obj.unit_values(w, x, y=(y + 1) % 3)
    assert other["y"] == (y + 1) % 3
    assert other["delta"][-1] != units["delta"][-1]


# --- what the web edge asks of a network ---------------------------------------------------


def test_parameter_groups_follow_the_layout_and_the_names() -> None:
    obj = _objective("blobs", (4, 3), n=30)
    groups = obj.parameter_groups
    assert [g.name for g in groups] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert [g.layer for g in groups] == [1, 1, 2, 2, 3, 3]
    assert groups[0].start == 0
    assert groups[-1].stop == obj.dim
    assert [g.start for g in groups[1:]] == [g.stop for g in groups[:-1]]
    for g in groups:
        assert all(name.startswith(g.name + "[") for name in obj.names[g.start : g.stop])
        assert obj.is_bias[g.start : g.stop].all() == g.name.startswith("b")


def test_a_loss_that_overflows_has_a_nan_gradient() -> None:
    obj = _objective("line", (4,), "relu")
    w = _rows(obj, 2)
    w[1] *= 1e80  # the squared error of outputs near 1e160 overflows; the weights do not
    with np.errstate(over="ignore", invalid="ignore"):  # the runner steps under errstate too
        loss, dw = obj.loss_and_grad(w)
    assert np.isfinite(loss[0])
    assert not np.isfinite(loss[1])
    assert np.all(np.isfinite(dw[0]))
    assert np.all(np.isnan(dw[1]))  # a step from there leaves the finite range at once
    assert obj.default_bound == np.finfo(np.float64).max


def test_data_loss_leaves_out_l2() -> None:
    obj = _objective("moons", (4,), l2=0.3, n=20)
    w = _rows(obj, 3)
    penalty = 0.3 * np.array(
        [sum(float(v) ** 2 for v, b in zip(row, obj.is_bias, strict=True) if not b) for row in w]
    )
    np.testing.assert_allclose(
        obj.data_loss(w, obj.data.X, obj.data.y) + penalty, obj.loss(w), rtol=1e-12
    )


def test_initialize_defaults_and_refusals() -> None:
    obj = _objective("moons", (4,), n=20)
    uniform = obj.initialize({"kind": "uniform", "count": 50, "seed": 1})
    assert uniform is not None
    assert uniform.min() >= -1.0
    assert uniform.max() <= 1.0
    assert uniform[:, obj.is_bias].any()  # uniform draws the biases too
    narrow = obj.initialize(
        {"kind": "uniform", "count": 5, "seed": 1, "low": [-0.1], "high": [0.1]}
    )
    assert narrow is not None
    assert np.abs(narrow).max() <= 0.1
    with pytest.raises(NetworkError) as info:
        obj.initialize({"kind": "gaussian", "count": 2, "seed": 1, "std": 1.0, "mean": [0.5]})
    assert info.value.key == "network.init_mean"
    assert set(MESSAGES["en"]) == set(MESSAGES["zh"])
    assert "network.init_mean" in MESSAGES["zh"]


def test_the_head_follows_the_data_and_the_largest_network() -> None:
    assert head_of(NetworkSpec(), 0) == ("identity", "mse")
    assert head_of(NetworkSpec(), 2) == ("sigmoid", "cross_entropy")
    assert head_of(NetworkSpec(), 5) == ("softmax", "cross_entropy")
    with pytest.raises(NetworkError):
        head_of(NetworkSpec(output="sigmoid"), 3)
    assert most_params(2, 2) == 64 * 3 + 5 * 64 * 65 + 2 * 65
    biggest = NetworkObjective(
        make_dataset("spiral", 10, 0.1, 0, classes=5), NetworkSpec((64,) * 6)
    )
    assert biggest.dim == most_params(2, 5)
