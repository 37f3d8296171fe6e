"""Gradient checks: compare any objective's analytic gradient with finite differences.

As in the CS231n notes, for each parameter i at a point w (perturbing a float64 copy):

    forward difference:  (f(w + h e_i) - f(w)) / h              P + 1 evaluations of f, error O(h)
    centred difference:  (f(w + h e_i) - f(w - h e_i)) / (2h)   2P evaluations of f, error O(h²)
    relative error:      |a - n| / max(|a|, |n|)                0 when both are 0

and the notes' verdicts: below 1e-7 "fine", above 1e-2 "wrong", "suspect" in between (fine for
an objective with kinks, worrying for a smooth one). A non-finite error is "wrong". With several
h (a sweep) every h gets its own entry and the h with the smallest error is marked: too large an
h has truncation error, too small an h has cancellation error.

Every probe of a check is evaluated in one batched `loss` call (in a few chunks when P is
large); nothing is printed. `gradient_cost` measures why backprop matters: the numerical
gradient needs 2P evaluations, the analytic one a single pass.
"""

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from app.engine.errors import EngineError
from app.engine.objectives.base import BaseObjective, Objective
from app.engine.types import Array

Verdict = Literal["fine", "suspect", "wrong"]
FINE_BELOW = 1e-7
WRONG_ABOVE = 1e-2
MAX_STEPS = 64  # h values per sweep
MAX_COST_PARAMS = 10_000
_PROBE_FLOATS = 1 << 22  # floats per batched loss call of a check (32 MB)
_COST_FLOATS = 1 << 18  # floats per probe batch when timing: 2 MB stays in cache, 3x faster


@dataclass(frozen=True)
class Comparison:
    """One numerical derivative against the analytic one."""

    numerical: float
    error: float
    verdict: Verdict


@dataclass(frozen=True)
class ParameterCheck:
    """One parameter at one h: the analytic derivative and both numerical ones."""

    index: int
    name: str
    analytic: float
    forward: Comparison
    centred: Comparison


@dataclass(frozen=True)
class StepCheck:
    """All parameters at one h; the errors and verdicts are the worst over the parameters."""

    h: float
    parameters: tuple[ParameterCheck, ...]
    forward_error: float
    centred_error: float
    forward_verdict: Verdict
    centred_verdict: Verdict
    best_forward: bool
    best_centred: bool


@dataclass(frozen=True)
class Evaluations:
    """What each gradient cost: gradient calls (analytic) or loss evaluations (numerical)."""

    analytic: int
    forward: int
    centred: int


@dataclass(frozen=True)
class GradCheckReport:
    """A gradient check at one point, one `StepCheck` per h in the order given."""

    point: tuple[float, ...]
    names: tuple[str, ...]
    loss: float
    analytic: tuple[float, ...]
    evaluations: Evaluations
    steps: tuple[StepCheck, ...]
    best_forward_h: float
    best_centred_h: float
    verdict: Verdict

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON: non-finite numbers become None."""
        data = _finite(asdict(self))
        assert isinstance(data, dict)
        return data


def relative_error(a: float, n: float) -> float:
    """|a - n| / max(|a|, |n|); 0 when both are 0; inf when they differ and one is not finite."""
    if a == n:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(n)):
        return math.inf
    return abs(a - n) / max(abs(a), abs(n))


def verdict(error: float) -> Verdict:
    """CS231n's bands: fine below 1e-7, wrong above 1e-2 (or not a number), else suspect."""
    if error < FINE_BELOW:
        return "fine"
    if error <= WRONG_ABOVE:
        return "suspect"
    return "wrong"


def check_gradient(
    objective: Objective, point: npt.ArrayLike, h: float | Sequence[float] = 1e-5
) -> GradCheckReport:
    """Check `objective.grad` at `point: (P,)` with step `h`, or with each of a list of steps."""
    w = _point(objective, point)
    steps = _steps(h)
    p = len(w)
    f = _probe_losses(objective, w, steps)
    analytic = np.asarray(objective.grad(w[None, :].copy(), None), dtype=np.float64)[0]
    names = tuple(objective.names) or tuple(f"w[{i}]" for i in range(p))
    checks = []
    with np.errstate(all="ignore"):
        for s, step in enumerate(steps):
            plus = f[1 + 2 * p * s : 1 + 2 * p * s + p]
            minus = f[1 + 2 * p * s + p : 1 + 2 * p * (s + 1)]
            forward, centred = (plus - f[0]) / step, (plus - minus) / (2 * step)
            checks.append(_step_check(step, names, analytic, forward, centred))
    return _report(w, names, float(f[0]), analytic, _mark_best(checks))


def _point(objective: Objective, point: npt.ArrayLike) -> Array:
    w = np.array(point, dtype=np.float64).reshape(-1)  # a copy: the caller's array is never touched
    if len(w) != objective.dim:
        raise EngineError("error.coordinates", field="point", dim=objective.dim, got=len(w))
    if not np.all(np.isfinite(w)):
        raise EngineError("error.point_finite")
    return w


def _steps(h: float | Sequence[float]) -> tuple[float, ...]:
    steps = (float(h),) if isinstance(h, int | float) else tuple(float(v) for v in h)
    if not 1 <= len(steps) <= MAX_STEPS:
        raise EngineError("error.h_count", limit=MAX_STEPS, got=len(steps))
    if not all(0.0 < v < math.inf for v in steps):
        raise EngineError("error.h_positive")
    return steps


def _probe_losses(objective: Objective, w: Array, steps: tuple[float, ...]) -> Array:
    """f at w, then at w + h e_i and w - h e_i for each h and each i: (1 + 2 P S,) values.

    Row 1 + 2Ps + i is w + h_s e_i, row 1 + 2Ps + P + i is w - h_s e_i. All rows go to `loss`
    in one call, or in blocks of at most `_PROBE_FLOATS` numbers when P is large.
    """
    p, hs = len(w), np.array(steps)
    n_rows = 1 + 2 * p * len(steps)
    rows_per_call = max(1, _PROBE_FLOATS // p)
    out = np.empty(n_rows)
    for lo in range(0, n_rows, rows_per_call):
        r = np.arange(lo, min(lo + rows_per_call, n_rows))
        block = np.tile(w, (len(r), 1))
        probe = r >= 1
        s, rest = np.divmod(r[probe] - 1, 2 * p)
        sign = np.where(rest < p, 1.0, -1.0)
        block[np.nonzero(probe)[0], rest % p] += sign * hs[s]
        out[r] = objective.loss(block)
    return out


def _step_check(
    h: float, names: tuple[str, ...], analytic: Array, forward: Array, centred: Array
) -> StepCheck:
    params = []
    for i, a in enumerate(analytic.tolist()):
        fwd, cen = float(forward[i]), float(centred[i])
        fe, ce = relative_error(a, fwd), relative_error(a, cen)
        params.append(
            ParameterCheck(
                i, names[i], a, Comparison(fwd, fe, verdict(fe)), Comparison(cen, ce, verdict(ce))
            )
        )
    fe = max(_orderable(c.forward.error) for c in params)
    ce = max(_orderable(c.centred.error) for c in params)
    return StepCheck(h, tuple(params), fe, ce, verdict(fe), verdict(ce), False, False)


def _mark_best(checks: list[StepCheck]) -> tuple[StepCheck, ...]:
    """Mark the first h with the smallest worst-case error, for each method (NaN never wins)."""
    best_f = min(range(len(checks)), key=lambda k: _orderable(checks[k].forward_error))
    best_c = min(range(len(checks)), key=lambda k: _orderable(checks[k].centred_error))
    return tuple(
        replace(c, best_forward=k == best_f, best_centred=k == best_c) for k, c in enumerate(checks)
    )


def _orderable(error: float) -> float:
    return math.inf if math.isnan(error) else error


def _report(
    w: Array, names: tuple[str, ...], loss: float, analytic: Array, steps: tuple[StepCheck, ...]
) -> GradCheckReport:
    p = len(w)
    best_f = next(s for s in steps if s.best_forward)
    best_c = next(s for s in steps if s.best_centred)
    return GradCheckReport(
        tuple(w.tolist()),
        names,
        loss,
        tuple(analytic.tolist()),
        Evaluations(analytic=1, forward=p + 1, centred=2 * p),
        steps,
        best_f.h,
        best_c.h,
        best_c.centred_verdict,
    )


def _finite(data: object) -> object:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


# --- the cost of numerical gradients ------------------------------------------------------------


@dataclass(frozen=True)
class CostPoint:
    """Time (best of the repeats, in seconds) and evaluations of both gradients of an n-term sum;
    max_error is the worst relative error between them."""

    n: int
    analytic_seconds: float
    numerical_seconds: float
    analytic_evaluations: int
    numerical_evaluations: int
    max_error: float


class WeightedSquares(BaseObjective):
    """f(w) = sum_i c_i w_i², with c_i evenly spaced from 1 to 2: the simplest n-parameter loss."""

    def __init__(self, n: int) -> None:
        self.names = tuple(f"w[{i}]" for i in range(n))
        self.c = np.linspace(1.0, 2.0, n)

    def loss(self, w: Array) -> Array:
        """f for each row: `(K, n) -> (K,)`."""
        out: Array = (w * w) @ self.c
        return out

    def grad(self, w: Array, step: int | None = None) -> Array:
        """2 c_i w_i for each row: `(K, n) -> (K, n)`."""
        return 2.0 * w * self.c


def gradient_cost(
    n_params: Sequence[int], repeats: int = 3, h: float = 1e-5
) -> tuple[CostPoint, ...]:
    """Time the analytic gradient of `WeightedSquares(n)` against its centred numerical gradient,
    for each n in `n_params` (1 <= n <= 10,000), at a fixed random point."""
    sizes = [int(n) for n in n_params]
    if not all(1 <= n <= MAX_COST_PARAMS for n in sizes) or repeats < 1:
        raise ValueError(f"each n must be between 1 and {MAX_COST_PARAMS:,}, repeats >= 1")
    rng = np.random.default_rng(0)
    return tuple(_cost_point(n, rng.standard_normal(n), repeats, h) for n in sizes)


def _cost_point(n: int, w: Array, repeats: int, h: float) -> CostPoint:
    objective = WeightedSquares(n)
    t_a, analytic = _best_time(lambda: objective.grad(w[None, :])[0], repeats)
    t_n, numerical = _best_time(lambda: _centred_gradient(objective, w, h), repeats)
    pairs = zip(analytic.tolist(), numerical.tolist(), strict=True)
    return CostPoint(n, t_a, t_n, 1, 2 * n, max(relative_error(a, b) for a, b in pairs))


def _centred_gradient(objective: Objective, w: Array, h: float) -> Array:
    """(f(w + h e_i) - f(w - h e_i)) / 2h for every i, batched in chunks of probe rows."""
    n = len(w)
    rows = max(1, _COST_FLOATS // n)
    grad = np.empty(n)
    for lo in range(0, n, rows):
        idx = np.arange(lo, min(lo + rows, n))
        plus = np.tile(w, (len(idx), 1))
        minus = plus.copy()
        plus[np.arange(len(idx)), idx] += h
        minus[np.arange(len(idx)), idx] -= h
        grad[idx] = (objective.loss(plus) - objective.loss(minus)) / (2 * h)
    return grad


def _best_time(fn: Callable[[], Array], repeats: int) -> tuple[float, Array]:
    best, result = math.inf, np.empty(0)
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result
