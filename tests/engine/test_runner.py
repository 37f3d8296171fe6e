"""Tests for `Descent`: recorded frames, stopping rules, shards, purity and the summary.

Expected values come from closed forms (SGD on x² + y² multiplies w by 1 − 2·lr each step),
from hand-written gradients, or from a second run with different settings, never from the
runner's own helpers.
"""

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from app.engine import runner
from app.engine.objectives.base import BaseObjective, Objective
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import SGD, Adam, Hyper, get_rule, per_row
from app.engine.runner import CONVERGED, DIVERGED, MAX_STEPS, Descent, Frame, RunConfig, Summary
from app.engine.starts import as_batch, gaussian
from app.engine.types import Array, IntArray

BOWL = SurfaceObjective(get_surface("bowl"))
SADDLE = SurfaceObjective(get_surface("saddle"))
ROSENBROCK = SurfaceObjective(get_surface("rosenbrock"))
HIMMELBLAU = SurfaceObjective(get_surface("himmelblau"))


def _run(
    objective: Objective,
    rule: str,
    hp: Hyper | Sequence[Hyper],
    starts: Array,
    config: RunConfig,
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


class _Paraboloid(BaseObjective):
    """x² + y²: the loss the broken-gradient objectives below share."""

    names = ("x", "y")

    def loss(self, w: Array) -> Array:
        out: Array = w[:, 0] * w[:, 0] + w[:, 1] * w[:, 1]
        return out


class _Overflowing(_Paraboloid):
    """x² + y² with a gradient that overflows to ±inf ("inf") or to NaN = inf − inf ("nan")."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def grad(self, w: Array, step: int | None = None) -> Array:
        huge: Array = 2.0 * w * 1e300 * 1e300  # overflows for any nonzero coordinate
        if self.kind == "nan":
            return huge - huge
        return huge


class _NanLeft(_Paraboloid):
    """x² + y² whose gradient is NaN (at finite points) wherever x < 0."""

    def grad(self, w: Array, step: int | None = None) -> Array:
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


# --- one set of hyperparameters per start -------------------------------------------------


class _HalfSquare(BaseObjective):
    """|w|²/2 in two parameters: gradient w, so GD with rate lr scales w by (1 − lr) per step."""

    names = ("x", "y")

    def loss(self, w: Array) -> Array:
        out: Array = 0.5 * (w[:, 0] * w[:, 0] + w[:, 1] * w[:, 1])
        return out

    def grad(self, w: Array, step: int | None = None) -> Array:
        return np.array(w, order="K")


HALF_SQUARE = _HalfSquare()


def _expected_end(w0: Array, q: float, config: RunConfig) -> tuple[int, int]:
    """(status, steps_taken) of GD with w_s = qˢ·w0 on |w|²/2, from the closed form alone.

    Converges at the first s with |w_s| < tol; diverges at the first step s + 1 that takes a
    coordinate past the bound, unless it converged at s first.
    """
    r0, m0 = float(np.linalg.norm(w0)), float(np.max(np.abs(w0)))
    for s in range(config.steps + 1):
        if r0 * abs(q) ** s < config.tol:
            return CONVERGED, s
        if s < config.steps and m0 * abs(q) ** (s + 1) > config.bound:
            return DIVERGED, s + 1
    return MAX_STEPS, config.steps


def test_a_learning_rate_sweep_follows_the_closed_form_of_each_start() -> None:
    lrs = [0.1, 0.5, 1.0, 1.9, 2.5, 0.5, 0.1]
    k = len(lrs)
    w0 = as_batch([[1.0, -2.0]] * k)
    hps = per_row(SGD, {"lr": lrs}, k)
    config = RunConfig(steps=40, every=3, tol=1e-6, bound=1e3, shard_rows=2)
    frames, summary = _run(HALF_SQUARE, "sgd", hps, w0, config)
    ends = [_expected_end(w0[i], 1.0 - lr, config) for i, lr in enumerate(lrs)]
    assert {status for status, _ in ends} == {CONVERGED, DIVERGED, MAX_STEPS}
    for i, lr in enumerate(lrs):
        status, taken = ends[i]
        assert (summary.status[i], summary.steps_taken[i]) == (status, taken)
        last = taken - 1 if status == DIVERGED else taken
        rows = _rows(frames, i)
        assert [s for s, _ in rows] == sorted(set(range(0, last + 1, 3)) | {last})
        for s, p in rows:
            np.testing.assert_allclose(p, (1.0 - lr) ** s * w0[i], rtol=1e-12, atol=0.0)
    for f in frames:
        assert np.all(np.diff(f.index) > 0)


def _row_of(frames: Sequence[Frame], i: int) -> list[tuple[int, Array, Array, Array | None]]:
    """(step, point, loss, grad) of trajectory i in every frame that records it."""
    out: list[tuple[int, Array, Array, Array | None]] = []
    for f in frames:
        hits = np.flatnonzero(f.index == i)
        if hits.size:
            grad = None if f.grad is None else f.grad[hits]
            out.append((f.step, f.points[hits], f.loss[hits], grad))
    return out


@pytest.mark.parametrize("shard_rows", [1, 3, 8192])
def test_each_start_runs_exactly_as_if_alone(shard_rows: int) -> None:
    lrs = [0.002, 0.01, 0.002, 0.03, 0.05, 0.01, 0.002, 0.05, 0.03, 0.01, 0.002, 0.05]
    hps = [SGD(lr=lr, momentum=0.5) for lr in lrs]  # equal but distinct objects
    w0 = gaussian([0.0, 0.0], 2.5, len(lrs), seed=11)
    config = RunConfig(60, 4, 1e-2, 40.0, True, shard_rows)
    frames, summary = _run(HIMMELBLAU, "sgd", hps, w0, config)
    assert set(summary.status.tolist()) == {CONVERGED, DIVERGED, MAX_STEPS}
    for f in frames:
        assert np.all(np.diff(f.index) > 0)
    for i, hp in enumerate(hps):
        alone_frames, alone = _run(HIMMELBLAU, "sgd", hp, w0[i : i + 1], config)
        mine, theirs = _row_of(frames, i), _row_of(alone_frames, 0)
        assert [step for step, *_ in mine] == [step for step, *_ in theirs]
        for a, b in zip(mine, theirs, strict=True):
            for x, y in zip(a[1:], b[1:], strict=True):
                np.testing.assert_array_equal(x, y)
        for name in ("status", "steps_taken", "point", "loss", "grad_norm", "escape_loss"):
            np.testing.assert_array_equal(getattr(summary, name)[i], getattr(alone, name)[0])


def test_one_hyper_per_start_or_none() -> None:
    w0 = as_batch([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with pytest.raises(ValueError, match="one set of hyperparameters per start: 2 for 3"):
        Descent(BOWL, get_rule("sgd"), [SGD(), SGD()], w0, RunConfig(5))
    same = _run(BOWL, "sgd", [SGD(lr=0.1)] * 3, w0, RunConfig(20, tol=1e-3, shard_rows=2))
    one = _run(BOWL, "sgd", SGD(lr=0.1), w0, RunConfig(20, tol=1e-3, shard_rows=2))
    _assert_frames_equal(same[0], one[0])
    _assert_summaries_equal(same[1], one[1])


# --- stopped rows stay in place until compaction ---------------------------------------------


@pytest.mark.parametrize("fraction", [0.0, 1 / 16, 0.5, 1.0])
def test_when_stopped_rows_are_dropped_does_not_change_the_run(
    fraction: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saddle rows diverge, converge and run out of steps; at fraction 1 a shard keeps its dead
    # rows (whose every step would leave the range again) until all of them have stopped.
    w0 = as_batch(MIXED * 3)
    config = RunConfig(100, 5, 1e-6, 1e6, True, 16)
    reference = _run(SADDLE, "sgd", SGD(lr=0.1), w0, config)
    monkeypatch.setattr(runner, "DEAD_FRACTION", fraction)
    frames, summary = _run(SADDLE, "sgd", SGD(lr=0.1), w0, config)
    _assert_frames_equal(frames, reference[0])
    _assert_summaries_equal(summary, reference[1])
    for i in range(len(w0)):
        steps = [s for s, _ in _rows(frames, i)]
        assert len(steps) == len(set(steps))
        end = summary.steps_taken[i] - (summary.status[i] == DIVERGED)
        assert steps[-1] == end
        single = _run(SADDLE, "sgd", SGD(lr=0.1), w0[i : i + 1], config)
        assert [s for s, _ in _rows(single[0], 0)] == steps
        np.testing.assert_array_equal(single[1].escape_loss, summary.escape_loss[i : i + 1])


def test_a_converged_row_whose_next_step_would_leave_the_range_stays_converged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Adam's first step has length lr whatever the gradient, so the row that converges at once
    # would step from 0.9 to 1.05, past the bound of 1, if it were stepped and tested again.
    monkeypatch.setattr(runner, "DEAD_FRACTION", 1.0)
    w0 = as_batch([[0.9, 0.0]] + [[0.1 * j, -0.05 * j] for j in range(1, 4)])
    config = RunConfig(steps=30, tol=1e-6, bound=1.0)
    frames, summary = _run(_Ledge(), "adam", Adam(lr=0.15), w0, config)
    assert (summary.status[0], summary.steps_taken[0]) == (CONVERGED, 0)
    assert [s for s, _ in _rows(frames, 0)] == [0]
    assert math.isnan(summary.escape_loss[0])
    assert summary.status[1:].tolist() == [MAX_STEPS] * 3
    for i in range(1, 4):
        alone = _run(_Ledge(), "adam", Adam(lr=0.15), w0[i : i + 1], config)
        _assert_summaries_equal(alone[1], _pick(summary, i))


class _Ledge(_Paraboloid):
    """x² + y², except a nearly flat ledge (gradient (−1e-9, 0)) where x > 0.5."""

    def grad(self, w: Array, step: int | None = None) -> Array:
        out: Array = np.where(w[:, :1] > 0.5, np.array([[-1e-9, 0.0]]), 2.0 * w)
        return out


def _pick(summary: Summary, i: int) -> Summary:
    """Row i of a summary, as a summary of one trajectory."""
    fields = ("status", "steps_taken", "point", "loss", "grad_norm", "escape_loss")
    return Summary(*(getattr(summary, name)[i : i + 1] for name in fields))


# --- stochastic objectives and diagnostics ---------------------------------------------------


class _TwoBatches(BaseObjective):
    """|w|²/2 as the mean of two mini-batches, |w|² at even steps and 0 at odd ones.

    Full gradient w; the batch gradient is 2w at even steps and exactly 0 at odd steps, so SGD
    with rate lr gives w_s = (1 − 2·lr)^⌊s/2⌋·w0 (the step from s uses the batch of s + 1).
    """

    names = ("x", "y")
    stochastic = True

    def loss(self, w: Array) -> Array:
        out: Array = 0.5 * (w[:, 0] * w[:, 0] + w[:, 1] * w[:, 1])
        return out

    def grad(self, w: Array, step: int | None = None) -> Array:
        return self.loss_and_grad(w, step)[1]

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        full = self.loss(w)
        if step is None:
            return full, np.array(w, order="K")
        scale = 2.0 if step % 2 == 0 else 0.0
        return scale * full, scale * w


class _LeastSquares(BaseObjective):
    """Fit y ≈ a·x + b to 24 noisy points; each step's 6-point batch is drawn from (seed, step).

    Loss: mean of r²/2 with r = a·x + b − y. Diagnostics: the residual's mean and RMS, (K, 2).
    """

    names = ("a", "b")
    stochastic = True

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.seed = seed
        self.x = np.linspace(-1.0, 1.0, 24)
        self.y = 2.0 * self.x - 1.0 + 0.1 * rng.standard_normal(24)

    def _batch(self, step: int | None) -> slice | IntArray:
        if step is None:
            return slice(None)
        return np.random.default_rng((self.seed, step)).choice(24, size=6, replace=False)

    def _residuals(self, w: Array, rows: slice | IntArray) -> tuple[Array, Array]:
        x = self.x[rows]
        r: Array = w[:, :1] * x + w[:, 1:] - self.y[rows]
        return x, r

    def loss(self, w: Array) -> Array:
        return self.loss_and_grad(w, None)[0]

    def grad(self, w: Array, step: int | None = None) -> Array:
        return self.loss_and_grad(w, step)[1]

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        x, r = self._residuals(w, self._batch(step))
        loss: Array = 0.5 * np.mean(r * r, axis=1)
        return loss, np.column_stack([np.mean(r * x, axis=1), np.mean(r, axis=1)])

    def diagnostics(self, w: Array) -> Mapping[str, Array]:
        _, r = self._residuals(w, slice(None))
        mean, rms = np.mean(r, axis=1), np.sqrt(np.mean(r * r, axis=1))
        return {"residual": np.column_stack([mean, rms])}


def test_stochastic_steps_follow_the_batches_and_frames_carry_batch_loss() -> None:
    objective, lr, steps = _LeastSquares(seed=3), 0.3, 25
    w0 = as_batch([[0.0, 0.0], [3.0, 1.0], [-1.0, 2.0]])
    config = RunConfig(steps, 2, 1e-12, record_grad=True, shard_rows=2)
    frames, _ = _run(objective, "sgd", SGD(lr=lr), w0, config)
    w = np.array(w0)
    expected: dict[int, Array] = {}
    for s in range(steps + 1):  # the oracle: plain SGD on each step's batch gradient
        expected[s] = w
        w = w - objective.grad(w, s + 1) * lr
    assert [f.step for f in frames] == [*range(0, steps, 2), steps]
    for f in frames:
        points = expected[f.step]
        batch_loss, batch_grad = objective.loss_and_grad(points, f.step + 1)
        np.testing.assert_allclose(f.points, points, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(f.loss, objective.loss(points), rtol=1e-12)
        assert f.batch_loss is not None
        assert f.grad is not None
        np.testing.assert_allclose(f.batch_loss, batch_loss, rtol=1e-12)
        np.testing.assert_allclose(f.grad, batch_grad, rtol=1e-12, atol=1e-15)
        assert not np.allclose(f.batch_loss, f.loss)  # the batch is not the full data set
        assert list(f.diagnostics) == ["residual"]
        assert f.diagnostics["residual"].shape == (3, 2)
        diag = objective.diagnostics(points)["residual"]
        np.testing.assert_allclose(f.diagnostics["residual"], diag, rtol=1e-12)


def _first_below_in_pairs(r0: float, q: float, tol: float) -> int:
    """First s with r0·q^⌊s/2⌋ < tol: when GD on `_TwoBatches` converges."""
    s = 0
    while r0 * q ** (s // 2) >= tol:
        s += 1
    return s


def test_stochastic_convergence_is_judged_on_the_full_gradient() -> None:
    # Every frame at an even step draws the zero batch next: judged on that batch, every row
    # would converge at step 0. The full gradient is w, which halves every second step.
    w0 = as_batch([[1.0, 0.0], [0.3, -0.4], [2e-3, 0.0]])
    tol = 1e-3 * math.sqrt(3.0)  # far from every |w_s|
    frames, summary = _run(_TwoBatches(), "sgd", SGD(lr=0.25), w0, RunConfig(40, tol=tol))
    for i in range(3):
        r0 = float(np.linalg.norm(w0[i]))
        n = _first_below_in_pairs(r0, 0.5, tol)
        assert (summary.status[i], summary.steps_taken[i]) == (CONVERGED, n)
        assert [s for s, _ in _rows(frames, i)] == list(range(n + 1))
        np.testing.assert_allclose(summary.grad_norm[i], r0 * 0.5 ** (n // 2), rtol=1e-12)
    assert summary.steps_taken.tolist() == [20, 18, 2]
    for f in frames:
        assert f.batch_loss is not None
        expected = 0.0 if f.step % 2 == 0 else 2.0
        np.testing.assert_array_equal(f.batch_loss, expected * f.loss)


def test_a_zero_batch_gradient_never_stops_a_stochastic_run() -> None:
    w0 = as_batch([[1.0, 1.0]])
    frames, summary = _run(_TwoBatches(), "sgd", SGD(lr=0.25), w0, RunConfig(9, tol=1e-3))
    assert [f.step for f in frames] == list(range(10))
    assert (summary.status[0], summary.steps_taken[0]) == (MAX_STEPS, 9)
    np.testing.assert_allclose(summary.point[0], 0.5**4 * w0[0], rtol=1e-15)
    np.testing.assert_allclose(summary.grad_norm[0], 0.5**4 * math.sqrt(2.0), rtol=1e-15)


def test_stochastic_divergence_reports_the_full_gradient_norm() -> None:
    # lr = 1.5: the even batches multiply w by 1 − 3 = −2, the odd ones leave it alone.
    w0 = as_batch([[1.0, 0.5]])
    config = RunConfig(steps=60, tol=0.0, bound=100.0)
    frames, summary = _run(_TwoBatches(), "sgd", SGD(lr=1.5), w0, config)
    # |x| = 2^⌊s/2⌋ passes 100 with the step into s = 14 (x = −128), from s = 13 (x = 64).
    assert (summary.status[0], summary.steps_taken[0]) == (DIVERGED, 14)
    np.testing.assert_array_equal(summary.point[0], [64.0, 32.0])
    np.testing.assert_allclose(summary.grad_norm[0], math.hypot(64.0, 32.0), rtol=1e-15)
    np.testing.assert_allclose(summary.escape_loss[0], 0.5 * (128.0**2 + 64.0**2), rtol=1e-15)
    assert frames[-1].step == 13


class _Tagged(_HalfSquare):
    """|w|²/2 with two diagnostics: |w| per coordinate (K, 2) and the loss (K, 1)."""

    def diagnostics(self, w: Array) -> Mapping[str, Array]:
        return {"abs": np.abs(w), "loss": self.loss(w)[:, None]}


def test_diagnostics_follow_their_rows_through_shards_and_stops() -> None:
    lrs = [0.5, 0.1, 0.9, 0.1, 0.5, 2.5, 0.3]
    w0 = as_batch([[1.0, -2.0], [0.5, 0.5], [-3.0, 1.0], [2.0, 2.0], [0.1, 0.0], [1, 1], [4, 0]])
    hps = per_row(SGD, {"lr": lrs}, len(lrs))
    config = RunConfig(steps=30, every=4, tol=1e-3, bound=50.0, shard_rows=2)
    frames, summary = _run(_Tagged(), "sgd", hps, w0, config)
    assert len(set(summary.status.tolist())) == 3
    for f in frames:
        assert f.batch_loss is None
        assert np.all(np.diff(f.index) > 0)
        np.testing.assert_array_equal(f.diagnostics["abs"], np.abs(f.points))
        np.testing.assert_array_equal(f.diagnostics["loss"], f.loss[:, None])
    plain, _ = _run(HALF_SQUARE, "sgd", hps, w0, config)
    assert all(f.diagnostics == {} for f in plain)
    _assert_frames_equal(plain, frames)


def test_frames_made_without_the_new_fields_have_defaults() -> None:
    frame = Frame(3, np.arange(2), np.zeros((2, 2)), np.zeros(2), None)
    assert frame.batch_loss is None
    assert frame.diagnostics == {}


@pytest.mark.parametrize("p", [1, 2, 8, 9, 300])
def test_row_norms_for_few_and_many_parameters(p: int) -> None:
    from app.engine.shards import row_sq_norm

    g = np.asfortranarray(np.random.default_rng(p).standard_normal((5, p)))
    np.testing.assert_allclose(row_sq_norm(g), np.sum(g * g, axis=1), rtol=1e-13)
