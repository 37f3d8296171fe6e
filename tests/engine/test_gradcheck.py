"""Gradient checks: the notes' formulas and verdicts, sweeps over h, a wrong gradient caught."""

import json
import math

import numpy as np
import pytest

from app.engine.expression import ExpressionObjective
from app.engine.gradcheck import (
    WeightedSquares,
    check_gradient,
    gradient_cost,
    relative_error,
    verdict,
)
from app.engine.objectives.base import BaseObjective
from app.engine.objectives.surfaces import SURFACES, SurfaceObjective
from app.engine.types import Array


class Square(BaseObjective):
    """f(w) = sum w², with a gradient that may be deliberately wrong in one coordinate."""

    def __init__(self, p: int, factor: float = 2.0, broken: int | None = None) -> None:
        self.names = tuple(f"w{i}" for i in range(p))
        self.factor, self.broken = factor, broken
        self.loss_calls: list[Array] = []
        self.grad_calls = 0

    def loss(self, w: Array) -> Array:
        self.loss_calls.append(w)
        out: Array = np.sum(w * w, axis=1)
        return out

    def grad(self, w: Array, step: int | None = None) -> Array:
        self.grad_calls += 1
        dw = 2.0 * w
        if self.broken is not None:
            dw[:, self.broken] *= self.factor / 2.0
        return dw


def test_relative_error_and_verdicts() -> None:
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(-2.0, 2.0) == 2.0
    assert relative_error(math.inf, math.inf) == 0.0
    assert relative_error(math.nan, math.nan) == math.inf
    assert relative_error(1.0, math.inf) == math.inf
    assert [verdict(e) for e in (0.0, 9e-8, 1e-7, 1e-4, 1e-2, 0.011, math.inf)] == [
        "fine",
        "fine",
        "suspect",
        "suspect",
        "suspect",
        "wrong",
        "wrong",
    ]


def test_the_notes_formulas() -> None:
    h = 1e-3
    report = check_gradient(Square(1), [1.0], h)
    (param,) = report.steps[0].parameters
    assert param.analytic == 2.0
    assert param.forward.numerical == pytest.approx(((1 + h) ** 2 - 1) / h, rel=1e-12)  # 2 + h
    assert param.centred.numerical == pytest.approx(2.0, rel=1e-9)
    assert param.forward.error == pytest.approx(h / (2 + h), rel=1e-6)
    assert (param.forward.verdict, param.centred.verdict) == ("suspect", "fine")


def test_a_correct_gradient_is_fine_and_the_costs_are_counted() -> None:
    objective = ExpressionObjective("sigmoid(a*x + b) * log(1 + c^2) + a^3")
    report = check_gradient(objective, [0.3, -1.2, 0.8, 0.5])
    assert report.names == ("a", "b", "c", "x")
    assert report.verdict == "fine"
    assert report.steps[0].centred_verdict == "fine"
    assert (report.evaluations.analytic, report.evaluations.forward) == (1, 5)
    assert report.evaluations.centred == 8


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_built_in_surfaces_pass(name: str) -> None:
    surface = SURFACES[name]
    (x0, x1), (y0, y1) = surface.domain
    point = [x0 + 0.37 * (x1 - x0), y0 + 0.61 * (y1 - y0)]
    report = check_gradient(SurfaceObjective(surface), point, [1e-4, 1e-5, 1e-6])
    assert report.verdict == "fine"


def test_a_deliberately_wrong_gradient_is_flagged() -> None:
    report = check_gradient(Square(3, factor=1.0, broken=1), [0.5, -1.0, 2.0])  # forgot the 2
    assert report.verdict == "wrong"
    verdicts = [p.centred.verdict for p in report.steps[0].parameters]
    assert verdicts == ["fine", "wrong", "fine"]
    assert report.steps[0].parameters[1].centred.error == pytest.approx(0.5, rel=1e-6)
    slightly = check_gradient(Square(2, factor=2.0 * (1 + 1e-5), broken=0), [1.0, 1.0])
    assert slightly.verdict == "suspect"


def test_a_sweep_marks_the_best_h() -> None:
    hs = [1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-11, 1e-13]
    objective = ExpressionObjective("exp(x) * sin(3*y)")
    report = check_gradient(objective, [0.4, 0.7], hs)
    assert [s.h for s in report.steps] == hs
    assert sum(s.best_centred for s in report.steps) == 1
    assert sum(s.best_forward for s in report.steps) == 1
    best = min(report.steps, key=lambda s: s.centred_error)
    assert best.best_centred
    assert report.best_centred_h == best.h
    assert 1e-7 <= report.best_centred_h <= 1e-3  # truncation error above, cancellation below
    assert report.steps[0].centred_error > best.centred_error * 100
    assert report.steps[-1].centred_error > best.centred_error * 100
    forward_best = min(s.forward_error for s in report.steps)
    assert forward_best > best.centred_error  # centred differences are more accurate


def test_all_probes_go_in_one_batched_float64_loss_call() -> None:
    objective = Square(3)
    point = np.array([1, 2, 3], dtype=np.int64)
    check_gradient(objective, point, [1e-3, 1e-5])
    assert objective.grad_calls == 1
    assert len(objective.loss_calls) == 1
    (probes,) = objective.loss_calls
    assert probes.dtype == np.float64
    assert probes.shape == (1 + 2 * 3 * 2, 3)
    w = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(probes[0], w)
    np.testing.assert_array_equal(probes[1 + 1], w + np.array([0.0, 1e-3, 0.0]))  # h = 1e-3, +e_1
    np.testing.assert_array_equal(
        probes[1 + 3 + 2], w - np.array([0.0, 0.0, 1e-3])
    )  # h = 1e-3, -e_2
    np.testing.assert_array_equal(
        probes[1 + 6 + 0], w + np.array([1e-5, 0.0, 0.0])
    )  # h = 1e-5, +e_0
    np.testing.assert_array_equal(point, [1, 2, 3])


def test_large_checks_are_split_into_blocks_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point = np.linspace(-1.0, 1.0, 7)
    whole = check_gradient(Square(7), point, [1e-4, 1e-6])
    monkeypatch.setattr("app.engine.gradcheck._PROBE_FLOATS", 20)  # 2 rows per call
    blocks = Square(7)
    assert check_gradient(blocks, point, [1e-4, 1e-6]) == whole
    assert len(blocks.loss_calls) == 15  # 29 rows, 2 per call


def test_reports_are_json_without_nan() -> None:
    report = check_gradient(ExpressionObjective("sqrt(x) + y"), [0.0, 1.0], [1e-4, 1e-6])
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert '"verdict": "wrong"' in text  # sqrt'(0) = inf: no finite difference matches it


@pytest.mark.parametrize(
    ("point", "h"),
    [
        ([1.0], 1e-5),
        ([1.0, math.nan], 1e-5),
        ([1.0, 2.0], 0.0),
        ([1.0, 2.0], []),
        ([1.0, 2.0], [-1e-3]),
    ],
)
def test_bad_arguments(point: list[float], h: float | list[float]) -> None:
    with pytest.raises(ValueError, match=r"point|step"):
        check_gradient(Square(2), point, h)


def test_gradient_cost_counts_and_times() -> None:
    points = gradient_cost([1, 10, 1000], repeats=1)
    assert [p.n for p in points] == [1, 10, 1000]
    assert [p.numerical_evaluations for p in points] == [2, 20, 2000]
    assert all(p.analytic_evaluations == 1 for p in points)
    assert all(p.max_error < 1e-4 for p in points)
    assert points[-1].numerical_seconds > points[-1].analytic_seconds
    with pytest.raises(ValueError, match="10,000"):
        gradient_cost([10_001])


def test_weighted_squares() -> None:
    objective = WeightedSquares(3)
    w = np.array([[1.0, 1.0, 1.0], [2.0, 0.0, -1.0]])
    np.testing.assert_allclose(objective.loss(w), [4.5, 6.0])
    np.testing.assert_allclose(objective.grad(w), [[2.0, 3.0, 4.0], [4.0, 0.0, -4.0]])
