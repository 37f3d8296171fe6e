"""Tests for the seeded toy data sets and their catalogue."""

import json
from dataclasses import asdict

import numpy as np
import pytest

from app.engine.datasets import DATASETS, Dataset, make_dataset

NAMES = list(DATASETS)
CLASSIFICATION = [name for name, spec in DATASETS.items() if spec.kind == "classification"]
REGRESSION = [name for name, spec in DATASETS.items() if spec.kind == "regression"]


def _classes(name: str) -> int | None:
    """A non-default class count where the set takes one, else None."""
    return 4 if DATASETS[name].param("classes") is not None else None


def test_catalogue_lists_the_issue_sets() -> None:
    assert set(REGRESSION) == {"line", "curve"}
    assert set(CLASSIFICATION) == {"blobs", "moons", "circles", "xor", "spiral"}
    for spec in DATASETS.values():
        for p in spec.params:
            assert p.low <= p.default <= p.high, (spec.name, p.name)
        n = spec.param("n")
        assert n is not None
        assert (n.low, n.high) == (10, 10_000)
    with_classes = {name for name, s in DATASETS.items() if s.param("classes") is not None}
    assert with_classes == {"blobs", "spiral"}
    for name in with_classes:
        classes = DATASETS[name].param("classes")
        assert classes is not None
        assert (classes.low, classes.high) == (2, 5)


def test_catalogue_is_plain_data() -> None:
    listing = json.loads(json.dumps([asdict(spec) for spec in DATASETS.values()]))
    blobs = next(entry for entry in listing if entry["name"] == "blobs")
    assert blobs["kind"] == "classification"
    assert [p["name"] for p in blobs["params"]] == ["n", "noise", "seed", "classes"]


@pytest.mark.parametrize("name", NAMES)
def test_shapes_types_and_kinds(name: str) -> None:
    spec = DATASETS[name]
    ds = make_dataset(name, 57, 0.1, 3, _classes(name))
    assert ds.X.shape == (57, spec.dim)
    assert ds.X.dtype == np.float64
    assert ds.y.shape == (57,)
    assert ds.kind == spec.kind
    assert len(ds.feature_names) == spec.dim
    if spec.kind == "regression":
        assert ds.y.dtype == np.float64
        assert ds.classes == 0
    else:
        c = _classes(name) or 2
        assert ds.y.dtype == np.int64
        assert ds.classes == c
        assert np.array_equal(np.unique(ds.y), np.arange(c))
        counts = np.bincount(ds.labels())
        assert counts.max() - counts.min() <= 1  # balanced


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    a = make_dataset(name, 100, 0.2, 7, _classes(name))
    b = make_dataset(name, 100, 0.2, 7, _classes(name))
    c = make_dataset(name, 100, 0.2, 8, _classes(name))
    assert np.array_equal(a.X, b.X)
    assert np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", NAMES)
def test_noise_moves_points_but_never_flips_a_label(name: str) -> None:
    clean = make_dataset(name, 300, 0.0, 11, _classes(name))
    small = make_dataset(name, 300, 0.1, 11, _classes(name))
    big = make_dataset(name, 300, 0.9, 11, _classes(name))
    if clean.kind == "classification":
        assert np.array_equal(clean.y, small.y)
        assert np.array_equal(clean.y, big.y)
        jitter_small, jitter_big = small.X - clean.X, big.X - clean.X
    else:
        assert np.array_equal(clean.X, small.X)
        assert np.array_equal(clean.X, big.X)
        jitter_small, jitter_big = (
            small.targets() - clean.targets(),
            big.targets() - clean.targets(),
        )
    # one and the same Gaussian draw, scaled by the noise
    np.testing.assert_allclose(jitter_small / 0.1, jitter_big / 0.9, rtol=1e-9, atol=1e-12)
    assert 0.7 < np.std(jitter_big) / 0.9 < 1.3


def test_clean_sets_follow_their_definitions() -> None:
    line = make_dataset("line", 50, 0.0, 1)
    np.testing.assert_allclose(line.y, 2.0 * line.X[:, 0] + 1.0)
    curve = make_dataset("curve", 50, 0.0, 1)
    np.testing.assert_allclose(curve.y, np.sin(np.pi * curve.X[:, 0]))
    circles = make_dataset("circles", 50, 0.0, 1)
    radius = np.hypot(circles.X[:, 0], circles.X[:, 1])
    np.testing.assert_allclose(radius, np.where(circles.y == 0, 1.0, 0.5))
    xor = make_dataset("xor", 200, 0.0, 1)
    assert np.array_equal(xor.y, (np.sign(xor.X[:, 0]) != np.sign(xor.X[:, 1])).astype(np.int64))
    blobs = make_dataset("blobs", 60, 0.0, 1, classes=3)
    assert len(np.unique(blobs.X.round(12), axis=0)) == 3


def test_arrays_are_read_only() -> None:
    ds = make_dataset("moons", 20, 0.1, 0)
    with pytest.raises(ValueError, match="read-only"):
        ds.X[0, 0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "nope"}, "unknown data set 'nope'"),
        ({"n": 9}, "n must be between 10 and 10000"),
        ({"n": 10_001}, "n must be between 10 and 10000"),
        ({"noise": -0.1}, "noise must be between"),
        ({"noise": float("nan")}, "noise must be between"),
        ({"seed": -1}, "seed must be between"),
        ({"name": "blobs", "classes": 6}, "classes must be between 2 and 5"),
        ({"name": "moons", "classes": 3}, "moons has 2 classes"),
        ({"name": "line", "classes": 2}, "line has 0 classes"),
    ],
)
def test_requests_out_of_range_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"name": "moons", "n": 100, "noise": 0.1, "seed": 0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        make_dataset(**args)  # type: ignore[arg-type]


def test_dataset_checks_labels() -> None:
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"0 \.\. 1"):
        Dataset(X, np.array([0, 2, 2]), "classification", 2, ("a", "b"))
    with pytest.raises(ValueError, match="feature names"):
        Dataset(X, np.array([0, 1, 1]), "classification", 2, ("a",))
    with pytest.raises(ValueError, match="finite"):
        Dataset(X, np.array([0.0, np.inf, 1.0]), "regression", 0, ("a", "b"))
