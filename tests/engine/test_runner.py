"""Tests for `Descent`: recorded frames, stopping rules, shards, purity and the summary.

Expected values come from closed forms (SGD on x² + y² multiplies w by 1 − 2·lr each step),
from hand-written gradients, or from a second run with different settings, never from the
runner's own helpers.
"""

import math
from collections.abc import Sequence

import numpy as np
import pytest

from app.engine.objectives.base import Objective
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import SGD, Adam, Hyper, get_rule
from app.engine.runner import CONVERGED, DIVERGED, MAX_STEPS, Descent, Frame, RunConfig, Summary
from app.engine.starts import as_batch, gaussian
from app.engine.types import Array

BOWL = SurfaceObjective(get_surface("bowl"))
SADDLE = SurfaceObjective(get_surface("saddle"))
ROSENBROCK = SurfaceObjective(get_surface("rosenbrock"))
HIMMELBLAU = SurfaceObjective(get_surface("himmelblau"))


def _run(
    objective: Objective, rule: str, hp: Hyper, starts: Array, config: RunConfig
) -> tuple[list[Frame], Summary]:
    """All frames of one run, then its summary."""
    descent = Descent(objective, get_rule(rule), hp, starts, config)
    frames = list(descent.frames())
    return frames, descent.summary()


def _first_below(r0: float, q: float, tol: float) -> int:
    """First n with 2·r0·|q|ⁿ < tol: the step at which SGD on the bowl converges.

    The threshold must not be within rounding of the boundary, or the oracle would be fragile.
    """
    n = 0
    while 2.0 * r0 * abs(q) ** n >= tol:
        n += 1
    for m in (n - 1, n):
        if m >= 0:
            assert abs(2.0 * r0 * abs(q) ** m - tol) > 1e-9 * tol, "marginal test case"
    return n


def _first_outside(m0: float, growth: float, bound: float) -> int:
    """First n with m0·growthⁿ > bound (m0 is the largest |coordinate| of the start)."""
    n = 0
    while m0 * growth**n <= bound:
        n += 1
    assert abs(m0 * growth**n - bound) > 1e-9 * bound, "marginal test case"
    assert abs(m0 * growth ** (n - 1) - bound) > 1e-9 * bound, "marginal test case"
    return n


def _rows(frames: Sequence[Frame], i: int) -> list[tuple[int, Array]]:
    """The (step, point) pairs recorded for trajectory i, in order."""
    out: list[tuple[int, Array]] = []
    for f in frames:
        hits = np.flatnonzero(f.index == i)
        assert hits.size <= 1
        if hits.size:
            out.append((f.step, f.points[hits[0]]))
    return out


def _assert_frames_equal(a: Sequence[Frame], b: Sequence[Frame]) -> None:
    """Bit-for-bit equal frame sequences."""
    assert [f.step for f in a] == [f.step for f in b]
    for fa, fb in zip(a, b, strict=True):
        np.testing.assert_array_equal(fa.index, fb.index)
        np.testing.assert_array_equal(fa.points, fb.points)
        np.testing.assert_array_equal(fa.loss, fb.loss)
        if fa.grad is None or fb.grad is None:
            assert fa.grad is None
            assert fb.grad is None
        else:
            np.testing.assert_array_equal(fa.grad, fb.grad)


def _assert_summaries_equal(a: Summary, b: Summary) -> None:
    """Bit-for-bit equal summaries."""
    for name in ("status", "steps_taken", "point", "loss", "grad_norm"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


class _Paraboloid:
    """x² + y²: the loss the broken-gradient objectives below share."""

    @property
    def dim(self) -> int:
        return 2

    def loss(self, w: Array) -> Array:
        out: Array = w[:, 0] * w[:, 0] + w[:, 1] * w[:, 1]
        return out


class _Overflowing(_Paraboloid):
    """x² + y² with a gradient that overflows to ±inf ("inf") or to NaN = inf − inf ("nan")."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def grad(self, w: Array, step: int = 0) -> Array:
        huge: Array = 2.0 * w * 1e300 * 1e300  # overflows for any nonzero coordinate
        if self.kind == "nan":
            return huge - huge
        return huge


class _NanLeft(_Paraboloid):
    """x² + y² whose gradient is NaN (at finite points) wherever x < 0."""

    def grad(self, w: Array, step: int = 0) -> Array:
        out: Array = np.where(w[:, :1] < 0.0, np.nan, 2.0 * w)
        return out


# --- closed forms on the bowl -----------------------------------------------------------


@pytest.mark.parametrize("lr", [0.1, 0.3, 0.75])
def test_sgd_on_bowl_matches_closed_form_in_every_frame(lr: float) -> None:
    w0 = as_batch([[1.0, -2.0], [0.5, 0.25], [-3.0, 1.5], [0.0, 4.0]])
    q = 1.0 - 2.0 * lr
    frames, summary = _run(BOWL, "sgd", SGD(lr=lr), w0, RunConfig(steps=25, tol=1e-300))
    assert [f.step for f in frames] == list(range(26))
    for f in frames:
        np.testing.assert_array_equal(f.index, np.arange(4))
        expected = q**f.step * np.asarray(w0)
        np.testing.assert_allclose(f.points, expected, rtol=1e-12, atol=0.0)
        np.testing.assert_allclose(f.loss, np.sum(expected**2, axis=1), rtol=1e-12, atol=0.0)
        assert f.grad is None
    assert np.all(summary.status == MAX_STEPS)
    np.testing.assert_array_equal(summary.steps_taken, np.full(4, 25))
    np.testing.assert_allclose(summary.point, q**25 * w0, rtol=1e-12, atol=0.0)
    norms = 2.0 * np.abs(q) ** 25 * np.linalg.norm(w0, axis=1)
    np.testing.assert_allclose(summary.grad_norm, norms, rtol=1e-12, atol=0.0)


@pytest.mark.parametrize("every", [1, 3, 7, 50])
def test_every_k_records_multiples_of_k_and_each_final_step(every: int) -> None:
    lr, tol, steps = 0.1, 1e-3, 40
    q = 1.0 - 2.0 * lr
    w0 = as_batch([[3e-4, 0.0], [0.01, 0.0], [0.3, -0.2], [1.0, 1.0], [-3.0, 2.0], [5.0, 5.0]])
    frames, summary = _run(BOWL, "sgd", SGD(lr=lr), w0, RunConfig(steps, every, tol))
    ends = []
    for i, r0 in enumerate(np.linalg.norm(w0, axis=1)):
        n = _first_below(float(r0), q, tol)
        end = min(n, steps)
        ends.append(end)
        status = CONVERGED if n <= steps else MAX_STEPS
        assert summary.status[i] == status
        assert summary.steps_taken[i] == end
        recorded = sorted({s for s in range(0, end + 1, every)} | {end})
        assert [s for s, _ in _rows(frames, i)] == recorded
        for s, p in _rows(frames, i):
            np.testing.assert_allclose(p, q**s * w0[i], rtol=1e-12, atol=0.0)
    # The outcome mix the test is meant to cover: converged at 0, later, and not at all.
    assert 0 in ends
    assert steps in ends
    assert len(set(ends)) >= 4
    expected_steps = sorted({s for end in ends for s in range(0, end + 1, every)} | set(ends))
    assert [f.step for f in frames] == expected_steps
    for f in frames:
        assert np.all(np.diff(f.index) > 0)


def test_converged_rows_stop_at_the_closed_form_step() -> None:
    lr, tol = 0.2, 1e-8
    q = 1.0 - 2.0 * lr
    w0 = as_batch([[1.0, 0.0], [0.0, -0.02], [2.0, 3.0]])
    frames, summary = _run(BOWL, "sgd", SGD(lr=lr), w0, RunConfig(steps=500, tol=tol))
    for i in range(3):
        r0 = float(np.linalg.norm(w0[i]))
        n = _first_below(r0, q, tol)
        rows = _rows(frames, i)
        assert rows[-1][0] == n
        assert [s for s, _ in rows] == list(range(n + 1))
        assert summary.status[i] == CONVERGED
        assert summary.steps_taken[i] == n
        np.testing.assert_allclose(summary.point[i], q**n * w0[i], rtol=1e-12, atol=0.0)
        np.testing.assert_allclose(summary.grad_norm[i], 2.0 * r0 * q**n, rtol=1e-12)
        np.testing.assert_allclose(summary.loss[i], (r0 * q**n) ** 2, rtol=1e-12)
        assert summary.grad_norm[i] < tol
    assert frames[-1].step == max(
        _first_below(float(r), q, tol) for r in np.linalg.norm(w0, axis=1)
    )


@pytest.mark.parametrize("every", [1, 4])
@pytest.mark.parametrize("bound", [1e6, 1e3, 7.5])
def test_divergence_stops_at_the_closed_form_step(bound: float, every: int) -> None:
    w0 = as_batch([[1.0, 0.5], [0.3, -0.2], [-2.0, 1.0]])
    config = RunConfig(steps=200, every=every, tol=1e-6, bound=bound, record_grad=True)
    frames, summary = _run(BOWL, "sgd", SGD(lr=1.5), w0, config)
    for i in range(3):
        n = _first_outside(float(np.max(np.abs(w0[i]))), 2.0, bound)
        assert summary.status[i] == DIVERGED
        assert summary.steps_taken[i] == n
        last_in_bound = (-2.0) ** (n - 1) * w0[i]
        np.testing.assert_allclose(summary.point[i], last_in_bound, rtol=1e-12, atol=0.0)
        assert np.all(np.abs(summary.point[i]) <= bound)
        rows = _rows(frames, i)
        assert [s for s, _ in rows] == sorted(set(range(0, n, every)) | {n - 1})
        for s, p in rows:
            np.testing.assert_allclose(p, (-2.0) ** s * w0[i], rtol=1e-12, atol=0.0)
    for f in frames:
        assert f.grad is not None
        assert np.all(np.isfinite(f.points))
        assert np.all(np.isfinite(f.loss))
        assert np.all(np.isfinite(f.grad))
    for name in ("point", "loss", "grad_norm"):
        assert np.all(np.isfinite(getattr(summary, name))), name


@pytest.mark.parametrize("kind", ["inf", "nan"])
def test_overflowing_gradient_is_a_quiet_divergence(kind: str) -> None:
    w0 = as_batch([[1.0, 2.0], [0.5, -1.0], [-3.0, 0.0]])
    frames, summary = _run(_Overflowing(kind), "sgd", SGD(lr=0.1), w0, RunConfig(steps=10))
    # The gradient at the start is already non-finite, so the first step leaves the range.
    assert [f.step for f in frames] == [0]
    np.testing.assert_array_equal(frames[0].points, w0)
    assert np.all(np.isfinite(frames[0].loss))
    assert np.all(summary.status == DIVERGED)
    np.testing.assert_array_equal(summary.steps_taken, np.ones(3, dtype=np.int64))
    np.testing.assert_array_equal(summary.point, w0)
    np.testing.assert_array_equal(summary.loss, np.sum(np.asarray(w0) ** 2, axis=1))


def test_nan_after_some_steps_is_a_divergence_with_finite_frames() -> None:
    # SGD with lr = 0.75 on a bowl whose gradient is NaN left of the y-axis: w flips sign each
    # step, so the first point left of x = 0 has a NaN gradient, hence a NaN step: divergence.
    w0 = as_batch([[0.05, 0.0]])
    frames, summary = _run(_NanLeft(), "sgd", SGD(lr=0.75), w0, RunConfig(steps=10))
    # w1 = -0.5·w0 is finite (recorded); its gradient is NaN, so the next step is not finite.
    assert [f.step for f in frames] == [0, 1]
    np.testing.assert_allclose(frames[1].points, -0.5 * np.asarray(w0), rtol=1e-15)
    assert summary.status[0] == DIVERGED
    assert summary.steps_taken[0] == 2
    np.testing.assert_allclose(summary.point[0], -0.5 * w0[0], rtol=1e-15)
    for f in frames:
        assert np.all(np.isfinite(f.points))
        assert np.all(np.isfinite(f.loss))


# --- shards -----------------------------------------------------------------------------

# Saddle x² − y² with SGD lr = 0.1: x shrinks by 0.8 per step and y grows by 1.2, so starts
# on y = 0 converge, large |y| diverges before 100 steps and tiny |y| runs out of steps.
MIXED = [
    [0.0, 0.0],
    [1e-5, 0.0],
    [1.0, 0.0],
    [1.0, 1.0],
    [-0.5, 0.0],
    [0.3, -0.5],
    [0.1, 1e-4],
    [0.02, 0.0],
    [-1.0, -1e-3],
    [2.0, 1e-6],
]


@pytest.mark.parametrize("every", [1, 7])
@pytest.mark.parametrize("hp", [SGD(lr=0.1), SGD(lr=0.05, momentum=0.5)], ids=["sgd", "momentum"])
def test_shard_size_does_not_change_the_run(every: int, hp: SGD) -> None:
    w0 = as_batch(MIXED)
    results = {
        rows: _run(SADDLE, "sgd", hp, w0, RunConfig(100, every, 1e-6, 1e6, True, rows))
        for rows in (1, 3, 4, 16384)
    }
    ref_frames, ref_summary = results[16384]
    assert set(ref_summary.status.tolist()) == {CONVERGED, DIVERGED, MAX_STEPS}
    for frames, summary in results.values():
        _assert_frames_equal(frames, ref_frames)
        _assert_summaries_equal(summary, ref_summary)


def test_mixed_outcomes_on_saddle_match_closed_forms() -> None:
    w0 = as_batch(MIXED)
    frames, summary = _run(SADDLE, "sgd", SGD(lr=0.1), w0, RunConfig(100, 1, 1e-6, 1e6, False, 3))
    for i, (x, y) in enumerate(MIXED):
        if y == 0.0:
            n = _first_below(abs(x), 0.8, 1e-6)
            assert (summary.status[i], summary.steps_taken[i]) == (CONVERGED, n)
        elif abs(y) * 1.2**100 > 1e6:
            n = _first_outside(abs(y), 1.2, 1e6)
            assert (summary.status[i], summary.steps_taken[i]) == (DIVERGED, n)
        else:
            assert (summary.status[i], summary.steps_taken[i]) == (MAX_STEPS, 100)
        for s, p in _rows(frames, i):
            np.testing.assert_allclose(p, [x * 0.8**s, y * 1.2**s], rtol=1e-12, atol=0.0)


def test_nan_row_does_not_delay_convergence_of_its_shard_mates() -> None:
    w0 = as_batch([[-1.0, 0.0], [0.0, 0.0]])  # row 0: NaN gradient; row 1: at the minimum
    one = _run(_NanLeft(), "sgd", SGD(lr=0.1), w0, RunConfig(steps=5, shard_rows=1))
    both = _run(_NanLeft(), "sgd", SGD(lr=0.1), w0, RunConfig(steps=5, shard_rows=2))
    for frames, summary in (one, both):
        assert summary.status.tolist() == [DIVERGED, CONVERGED]
        assert summary.steps_taken.tolist() == [1, 0]
        assert [f.step for f in frames] == [0]
    _assert_frames_equal(one[0], both[0])
    _assert_summaries_equal(one[1], both[1])


# --- purity and aliasing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "hp"),
    [("sgd", SGD(lr=1e-3, momentum=0.9, nesterov=True)), ("adam", Adam(lr=0.05))],
    ids=["nesterov", "adam"],
)
def test_runs_are_pure_and_leave_starts_alone(rule: str, hp: Hyper) -> None:
    w0 = gaussian([0.0, 0.0], 2.0, 12, seed=7)
    before = w0.copy(order="K")
    config = RunConfig(steps=60, every=4, tol=1e-3, record_grad=True, shard_rows=5)
    a = _run(HIMMELBLAU, rule, hp, w0, config)
    b = _run(HIMMELBLAU, rule, hp, w0, config)
    _assert_frames_equal(a[0], b[0])
    _assert_summaries_equal(a[1], b[1])
    np.testing.assert_array_equal(w0, before)
    assert w0.flags.f_contiguous


def test_frames_never_alias_each_other() -> None:
    w0 = as_batch([[1.0, 2.0], [-0.5, 0.5], [3.0, -1.0]])
    frames, _ = _run(BOWL, "sgd", SGD(lr=0.1, momentum=0.5), w0, RunConfig(30, record_grad=True))
    arrays = [a for f in frames for a in (f.points, f.loss, f.grad) if a is not None]
    copies = [a.copy() for a in arrays]
    for i, a in enumerate(arrays):
        for b in arrays[i + 1 :]:
            assert not np.shares_memory(a, b)
    frames[0].points[...] = 123.0
    frames[0].loss[...] = 123.0
    assert frames[0].grad is not None
    frames[0].grad[...] = 123.0
    for a, c in zip(arrays[3:], copies[3:], strict=True):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_allclose(frames[1].points, 0.8 * np.asarray(w0), rtol=1e-15)


@pytest.mark.parametrize(
    "k",
    [
        3,
        1,
    ],
)
def test_frames_do_not_alias_the_starts(k: int) -> None:
    w0 = as_batch([[1.0, 2.0], [0.5, 0.5], [-1.0, 0.0]][:k])
    before = w0.copy()
    frames, _ = _run(BOWL, "sgd", SGD(lr=0.1), w0, RunConfig(steps=3))
    for f in frames:
        assert not np.shares_memory(f.points, w0)
    frames[0].points[...] = 99.0
    np.testing.assert_array_equal(w0, before)


# --- gradients, summary and edge cases ----------------------------------------------------


def test_recorded_gradients_match_the_analytic_gradient() -> None:
    w0 = as_batch([[-1.5, 2.0], [0.0, 0.0], [1.2, 1.0], [0.5, -0.5]])
    frames, summary = _run(ROSENBROCK, "sgd", SGD(lr=1e-4), w0, RunConfig(20, 3, record_grad=True))
    for f in frames:
        assert f.grad is not None
        assert f.grad.shape == f.points.shape
        x, y = f.points[:, 0], f.points[:, 1]
        dx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x)
        dy = 200.0 * (y - x * x)
        np.testing.assert_allclose(f.grad, np.stack([dx, dy], axis=1), rtol=1e-11, atol=1e-11)
        loss = (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2
        np.testing.assert_allclose(f.loss, loss, rtol=1e-12, atol=0.0)
    last = frames[-1]
    assert last.grad is not None
    np.testing.assert_allclose(summary.grad_norm, np.linalg.norm(last.grad, axis=1), rtol=1e-12)


def test_summary_before_the_end_raises() -> None:
    w0 = as_batch([[1.0, 1.0]])
    descent = Descent(BOWL, get_rule("sgd"), SGD(lr=0.1), w0, RunConfig(steps=5))
    with pytest.raises(RuntimeError, match="exhaust frames"):
        descent.summary()
    frames = descent.frames()
    next(frames)
    next(frames)
    with pytest.raises(RuntimeError, match="exhaust frames"):
        descent.summary()
    rest = list(frames)
    assert [f.step for f in rest] == [2, 3, 4, 5]
    assert descent.summary().steps_taken.tolist() == [5]


def test_starting_at_the_minimum_gives_one_frame() -> None:
    w0 = as_batch([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    frames, summary = _run(BOWL, "adam", Adam(lr=0.1), w0, RunConfig(steps=100, every=10))
    assert len(frames) == 1
    assert frames[0].step == 0
    np.testing.assert_array_equal(frames[0].index, [0, 1, 2])
    np.testing.assert_array_equal(frames[0].points, np.zeros((3, 2)))
    assert summary.status.tolist() == [CONVERGED] * 3
    assert summary.steps_taken.tolist() == [0] * 3
    np.testing.assert_array_equal(summary.grad_norm, np.zeros(3))


def test_zero_steps_records_only_the_starts() -> None:
    w0 = as_batch([[1.0, 0.0], [0.0, 0.0]])
    frames, summary = _run(BOWL, "sgd", SGD(lr=0.1), w0, RunConfig(steps=0))
    assert [f.step for f in frames] == [0]
    assert summary.status.tolist() == [MAX_STEPS, CONVERGED]
    assert summary.steps_taken.tolist() == [0, 0]
    np.testing.assert_array_equal(summary.grad_norm, [2.0, 0.0])


def test_starts_of_the_wrong_width_are_rejected() -> None:
    with pytest.raises(ValueError, match="2 coordinates"):
        Descent(BOWL, get_rule("sgd"), SGD(), as_batch([[1.0, 2.0, 3.0]]), RunConfig(5))


def test_adam_finds_the_rosenbrock_minimum() -> None:
    w0 = as_batch([[-1.5, 2.0]])
    _, summary = _run(ROSENBROCK, "adam", Adam(lr=0.02), w0, RunConfig(steps=3000, every=100))
    assert math.dist(summary.point[0].tolist(), [1.0, 1.0]) < 1e-2
    assert summary.status[0] in (CONVERGED, MAX_STEPS)


def test_ticks_yield_once_per_step_and_frames_only_when_recorded() -> None:
    objective = SurfaceObjective(get_surface("bowl"))
    w0 = as_batch([[1.0, -2.0]])
    run = Descent(objective, get_rule("sgd"), SGD(lr=0.1), w0, RunConfig(steps=12, every=5))
    ticks = list(run.ticks())
    assert len(ticks) == 13  # steps 0..12, one tick each
    recorded = [(s, t.step) for s, t in enumerate(ticks) if t is not None]
    assert recorded == [(0, 0), (5, 5), (10, 10), (12, 12)]
    fifth = ticks[5]
    assert fifth is not None
    np.testing.assert_allclose(fifth.points, np.array([[0.8**5, -2 * 0.8**5]]))
