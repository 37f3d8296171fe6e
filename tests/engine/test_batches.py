"""Tests for stateless mini-batches and their use by the models."""

import numpy as np
import pytest

from app.engine.batches import Batches, BatchSpec, batch_indices, epoch_of
from app.engine.datasets import Dataset, make_dataset
from app.engine.objectives.models import make_model
from app.engine.types import IntArray


def test_step_to_epoch_and_position() -> None:
    # N = 10, B = 4: three batches per epoch (4, 4, 2)
    assert [epoch_of(10, 4, t) for t in (1, 2, 3, 4, 6, 7)] == [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 2),
        (2, 0),
    ]
    with pytest.raises(ValueError, match="count from 1"):
        epoch_of(10, 4, 0)


@pytest.mark.parametrize(("n", "size"), [(10, 4), (12, 4), (7, 7), (9, 1), (100, 30)])
def test_every_epoch_covers_every_sample_once(n: int, size: int) -> None:
    m = -(-n // size)
    for epoch in range(3):
        batches = [batch_indices(n, size, 5, epoch * m + i + 1) for i in range(m)]
        assert [len(b) for b in batches[:-1]] == [size] * (m - 1)
        assert len(batches[-1]) == n - size * (m - 1)  # the last one may be smaller
        assert np.array_equal(np.sort(np.concatenate(batches)), np.arange(n))


def test_epochs_reshuffle_and_seeds_differ() -> None:
    first = np.concatenate([batch_indices(50, 10, 1, t) for t in range(1, 6)])
    second = np.concatenate([batch_indices(50, 10, 1, t) for t in range(6, 11)])
    other_seed = np.concatenate([batch_indices(50, 10, 2, t) for t in range(1, 6)])
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, other_seed)


def test_cached_batches_equal_the_stateless_ones_in_any_order() -> None:
    batches = Batches(23, BatchSpec(5, 9))
    steps = [1, 2, 17, 3, 40, 40, 6, 1, 12]  # jumping around epochs, replaying, going back
    for t in steps:
        assert np.array_equal(batches.indices(t), batch_indices(23, 5, 9, t))
    fresh = Batches(23, BatchSpec(5, 9))
    assert np.array_equal(fresh.indices(40), batches.indices(40))  # no history dependence
    with pytest.raises(ValueError, match="read-only"):
        batches.indices(3)[0] = 0


def test_spec_is_checked() -> None:
    assert BatchSpec.from_mapping({"size": 8, "seed": 3}) == BatchSpec(8, 3)
    assert BatchSpec.from_mapping({"size": 8}) == BatchSpec(8, 0)
    with pytest.raises(ValueError, match="size"):
        BatchSpec(0, 1)
    with pytest.raises(ValueError, match="seed"):
        BatchSpec(4, -1)


@pytest.mark.parametrize(
    ("data", "model"),
    [("line", "linear"), ("moons", "logistic"), ("spiral", "svm"), ("blobs", "softmax")],
)
def test_batch_gradients_repeat_and_average_to_the_full_gradient(data: str, model: str) -> None:
    ds = make_dataset(data, 60, 0.3, 4)
    obj = make_model(model, ds, l2=0.05, batch=BatchSpec(15, 7))
    assert obj.stochastic
    w = np.asfortranarray(np.random.default_rng(0).standard_normal((3, obj.dim)))
    # replay: the same step gives the same gradient, from a fresh objective too
    again = make_model(model, ds, l2=0.05, batch=BatchSpec(15, 7))
    for t in (1, 3, 9, 2):
        assert np.array_equal(obj.grad(w, t), again.grad(w, t))
    assert not np.array_equal(obj.grad(w, 1), obj.grad(w, 2))
    # 60 / 15 = 4 equal batches per epoch: their mean gradient is the full gradient
    for epoch in range(2):
        steps = range(4 * epoch + 1, 4 * epoch + 5)
        mean = np.mean([obj.grad(w, t) for t in steps], axis=0)
        np.testing.assert_allclose(mean, obj.grad(w, None), rtol=1e-12, atol=1e-13)
    # the batch loss is the loss on the batch's samples alone; loss(w) stays full
    idx = batch_indices(60, 15, 7, 3)
    sub = make_model(model, _subset(ds, idx), l2=0.05)
    loss, grad = obj.loss_and_grad(w, 3)
    np.testing.assert_allclose(loss, sub.loss(w), rtol=1e-13)
    np.testing.assert_allclose(grad, sub.grad(w), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(obj.loss(w), make_model(model, ds, l2=0.05).loss(w), rtol=1e-14)


def _subset(ds: Dataset, idx: IntArray) -> Dataset:
    """The samples `idx` of a data set, as a data set of their own."""
    return Dataset(ds.X[idx], ds.y[idx], ds.kind, ds.classes, ds.feature_names)


def test_a_batch_as_large_as_the_data_is_full_batch() -> None:
    ds = make_dataset("line", 20, 0.1, 0)
    obj = make_model("linear", ds, batch=BatchSpec(50, 1))
    assert not obj.stochastic
    w = np.ones((1, 2))
    assert np.array_equal(obj.grad(w, 5), obj.grad(w, None))
