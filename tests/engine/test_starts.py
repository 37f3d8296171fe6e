"""Tests for the start generators: explicit batches, Gaussian, uniform and grid starts."""

from collections.abc import Sequence

import numpy as np
import pytest

from app.engine import starts
from app.engine.types import Array


def _assert_batch(w: Array, shape: tuple[int, int]) -> None:
    """A Fortran-ordered float64 batch of the given shape."""
    assert w.shape == shape
    assert w.dtype == np.float64
    assert w.flags.f_contiguous


# --- as_batch ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "points",
    [
        np.empty((0, 2)),
        np.empty((0, 3), order="F"),
        [],
        [[]],
    ],
    ids=["empty-array", "empty-fortran", "empty-list", "list-of-empty"],
)
def test_as_batch_rejects_empty_input(points: Sequence[Sequence[float]] | Array) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        starts.as_batch(points)


@pytest.mark.parametrize(
    "points",
    [
        [[1.0, float("nan")]],
        [[float("inf"), 0.0]],
        [[0.0, 0.0], [1.0, -float("inf")]],
        np.array([[np.nan, np.nan]]),
    ],
)
def test_as_batch_rejects_non_finite_input(points: Sequence[Sequence[float]] | Array) -> None:
    with pytest.raises(ValueError, match="finite"):
        starts.as_batch(points)


def test_as_batch_rejects_ragged_and_deep_input() -> None:
    with pytest.raises(ValueError):  # noqa: PT011 -- NumPy's message, not ours
        starts.as_batch([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="non-empty"):
        starts.as_batch(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("order", ["C", "F"])
def test_as_batch_copies_into_fortran_float64(order: str) -> None:
    src = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], order=order)  # type: ignore[call-overload]
    before = src.copy()
    w = starts.as_batch(src)
    _assert_batch(w, (3, 2))
    np.testing.assert_array_equal(w, before)
    assert not np.shares_memory(w, src)
    w[0, 0] = 99.0
    np.testing.assert_array_equal(src, before)


def test_as_batch_converts_lists_and_integers() -> None:
    w = starts.as_batch([[1, 2], [-3, 4]])
    _assert_batch(w, (2, 2))
    np.testing.assert_array_equal(w, [[1.0, 2.0], [-3.0, 4.0]])
    ints = np.array([[1, 2]], dtype=np.int64)
    w = starts.as_batch(ints)  # type: ignore[arg-type]
    _assert_batch(w, (1, 2))
    single = starts.as_batch([0.5, -0.5])  # type: ignore[list-item]
    _assert_batch(single, (1, 2))


# --- gaussian ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "std", "count", "seed"),
    [([0.0, 0.0], 1.0, 5, 0), ([1.5, -2.0], 0.3, 17, 1234), ([1.0, 2.0, 3.0], 2.0, 4, 2**32 - 1)],
)
def test_gaussian_matches_default_rng(mean: list[float], std: float, count: int, seed: int) -> None:
    w = starts.gaussian(mean, std, count, seed)
    expected = np.asarray(mean) + std * np.random.default_rng(seed).standard_normal(
        (count, len(mean))
    )
    _assert_batch(w, (count, len(mean)))
    np.testing.assert_array_equal(w, expected)


def test_gaussian_same_seed_same_starts_different_seed_different() -> None:
    a = starts.gaussian([0.0, 1.0], 0.5, 8, seed=42)
    b = starts.gaussian([0.0, 1.0], 0.5, 8, seed=42)
    c = starts.gaussian([0.0, 1.0], 0.5, 8, seed=43)
    np.testing.assert_array_equal(a, b)
    assert not np.shares_memory(a, b)
    assert np.all(a != c)


def test_gaussian_zero_std_repeats_the_mean() -> None:
    w = starts.gaussian([1.0, -1.0], 0.0, 3, seed=5)
    np.testing.assert_array_equal(w, [[1.0, -1.0]] * 3)


@pytest.mark.parametrize("std", [-1.0, -1e-12, -float("inf")])
def test_gaussian_rejects_negative_std(std: float) -> None:
    with pytest.raises(ValueError, match="std"):
        starts.gaussian([0.0, 0.0], std, 3, seed=0)


def test_gaussian_rejects_nan_std_and_zero_count() -> None:
    with pytest.raises(ValueError, match="finite"):
        starts.gaussian([0.0, 0.0], float("nan"), 3, seed=0)
    with pytest.raises(ValueError, match="non-empty"):
        starts.gaussian([0.0, 0.0], 1.0, 0, seed=0)


# --- uniform ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 7, 99])
def test_uniform_stays_in_the_box_and_matches_default_rng(seed: int) -> None:
    low, high = [-2.0, 10.0], [3.0, 10.5]
    w = starts.uniform(low, high, 200, seed)
    _assert_batch(w, (200, 2))
    assert np.all(w >= np.asarray(low))
    assert np.all(w <= np.asarray(high))
    r = np.random.default_rng(seed).random((200, 2))
    expected = np.asarray(low) + (np.asarray(high) - np.asarray(low)) * r
    np.testing.assert_array_equal(w, expected)
    np.testing.assert_array_equal(w, starts.uniform(low, high, 200, seed))
    assert np.all(w != starts.uniform(low, high, 200, seed + 1))


def test_uniform_degenerate_box_is_a_point() -> None:
    w = starts.uniform([1.0, 2.0], [1.0, 2.0], 4, seed=3)
    np.testing.assert_array_equal(w, [[1.0, 2.0]] * 4)


@pytest.mark.parametrize(
    ("low", "high"),
    [([0.0, 1.0], [1.0, 0.0]), ([0.0, 0.0], [1.0, 1.0, 1.0])],
    ids=["inverted", "length-mismatch"],
)
def test_uniform_rejects_bad_boxes(low: list[float], high: list[float]) -> None:
    with pytest.raises(ValueError, match="low"):
        starts.uniform(low, high, 3, seed=0)


# --- grid -------------------------------------------------------------------------------


def test_grid_lists_points_with_x_fastest() -> None:
    w = starts.grid([0.0, 0.0], [1.0, 2.0], [3, 2])
    _assert_batch(w, (6, 2))
    expected = [[0.0, 0.0], [0.5, 0.0], [1.0, 0.0], [0.0, 2.0], [0.5, 2.0], [1.0, 2.0]]
    np.testing.assert_array_equal(w, expected)


def test_grid_single_row_and_column() -> None:
    np.testing.assert_array_equal(starts.grid([1.0, -1.0], [5.0, 7.0], [1, 1]), [[1.0, -1.0]])
    np.testing.assert_array_equal(
        starts.grid([0.0, 3.0], [1.0, 4.0], [1, 3]), [[0.0, 3.0], [0.0, 3.5], [0.0, 4.0]]
    )


def test_grid_first_coordinate_fastest_in_three_dimensions() -> None:
    w = starts.grid([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [2, 2, 2])
    expected = [[x, y, z] for z in (0.0, 1.0) for y in (0.0, 1.0) for x in (0.0, 1.0)]
    np.testing.assert_array_equal(w, expected)


def test_grid_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        starts.grid([0.0, 0.0], [1.0, 1.0], [2])
