"""Tests for what a network at one point does: decision regions over a box, and its loss and
accuracy on a data set, against the objective's own predictions one point at a time."""

import numpy as np
import pytest

from app.engine import network_probe
from app.engine.datasets import make_dataset
from app.engine.errors import EngineError
from app.engine.nn import NetworkSpec
from app.engine.objectives.network import NetworkObjective
from app.engine.types import Array


def _net(name: str = "blobs", l2: float = 0.0, n: int = 40) -> NetworkObjective:
    return NetworkObjective(make_dataset(name, n, 0.3, 2), NetworkSpec((5,), "tanh", l2=l2))


def _point(net: NetworkObjective, seed: int = 3) -> Array:
    w = net.initialize({"kind": "he", "count": 1, "seed": seed})
    assert w is not None
    row: Array = w[0]
    return row


def test_regions_are_the_class_probabilities_at_each_grid_point() -> None:
    net = _net()
    w = _point(net)
    xs, ys, proba = network_probe.regions(net, w, ((-2.0, 2.0), (-1.0, 3.0)), 7)
    np.testing.assert_allclose(xs, np.linspace(-2, 2, 7))
    np.testing.assert_allclose(ys, np.linspace(-1, 3, 7))
    assert proba.shape == (7, 7, 3)
    np.testing.assert_allclose(proba.sum(axis=2), 1.0, rtol=1e-12)
    for i, j in [(0, 0), (2, 5), (6, 3)]:
        one = net.predict_proba(w, np.array([[xs[j], ys[i]]]))[0]
        np.testing.assert_allclose(proba[i, j], one, rtol=1e-12)


def test_regions_cover_the_data_by_default_and_need_two_features() -> None:
    net = _net("moons")
    xs, ys, proba = network_probe.regions(net, _point(net), None, 5)
    assert proba.shape == (5, 5, 2)  # a sigmoid output gives [1 - p, p]
    assert xs[0] < net.data.X[:, 0].min() < net.data.X[:, 0].max() < xs[-1]
    assert ys[0] < net.data.X[:, 1].min() < net.data.X[:, 1].max() < ys[-1]
    line = NetworkObjective(make_dataset("line", 20, 0.2, 0), NetworkSpec((3,)))
    with pytest.raises(EngineError) as info:
        network_probe.regions(line, _point(line), None, 5)
    assert info.value.key == "predict.needs_two_features"


def test_fit_on_a_data_set_is_its_data_loss_and_accuracy() -> None:
    net = _net(l2=0.5)
    w = _point(net)
    fit = network_probe.fit_on(net, w, net.data)
    penalty = network_probe.penalty(net, w)
    assert fit.loss + penalty == pytest.approx(float(net.loss(w[None, :])[0]), rel=1e-12)
    guesses = net.predict_proba(w, net.data.X).argmax(axis=1)
    assert fit.accuracy == pytest.approx(float(np.mean(guesses == net.data.labels())))
    held = make_dataset("blobs", 40, 0.3, 3)
    other = network_probe.fit_on(net, w, held)
    assert other.loss != fit.loss
    line = NetworkObjective(make_dataset("line", 20, 0.2, 0), NetworkSpec((3,)))
    assert network_probe.fit_on(line, _point(line), line.data).accuracy is None
