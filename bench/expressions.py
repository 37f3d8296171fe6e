"""Typed Rosenbrock against the hand-written one: a 512 x 512 grid, and 65,536 Adam runs.

    python -m bench.expressions              # both figures, best of 3 (interleaved)
    python -m bench.expressions --repeat 5

The expression `(1-x)^2 + 100*(y-x^2)^2` is parsed and compiled once; the reference is the
built-in surface's hand-written NumPy (`surface_functions.rosenbrock` and `rosenbrock_grad`).

1. Grid: value and gradient at every point of a 512 x 512 grid (x and y given as full grids to
   both sides), one pass each.
2. Descent: 65,536 starts x 1000 torch-style Adam steps (lr 1e-3) through the engine's runner
   (`runner.Descent`, recording only the ends), the typed `ExpressionObjective` against the
   built-in `SurfaceObjective`. Everything but the objective is the same code.

Ratios are expression time / hand-written time; the goal is at most 2. Both sides run
alternately and the best of the repeats is kept, so a busy machine slows both alike.
"""

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from app.engine.expression import ExpressionObjective, compile_expression
from app.engine.objectives import surface_functions as fn
from app.engine.objectives.base import Objective
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import Adam, get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.types import Array

TEXT = "(1-x)^2 + 100*(y-x^2)^2"
GRID = 512
STARTS = 65_536
STEPS = 1000
LR = 1e-3


def grid() -> tuple[Array, Array]:
    """Rosenbrock's plotting domain as two full 512 x 512 grids."""
    return np.meshgrid(np.linspace(-2, 2, GRID), np.linspace(-1, 3, GRID))


def starts(k: int = STARTS) -> Array:
    """K starts around the valley, the same for both contenders."""
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(-2, 2, k), rng.uniform(-1, 3, k)])


def descend(objective: Objective, w0: Array) -> Array:
    """1000 Adam steps from every start through the runner; the end points."""
    config = RunConfig(steps=STEPS, every=STEPS, tol=0.0, bound=1e12)
    run = Descent(objective, get_rule("adam"), Adam(lr=LR), w0, config)
    for _ in run.frames():
        pass
    return run.summary().point


def best_of(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best wall time of each contender, running them alternately `repeat` times."""
    best = dict.fromkeys(contenders, math.inf)
    for _ in range(repeat):
        for name, action in contenders.items():
            t0 = time.perf_counter()
            action()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def bench_grid(repeat: int) -> tuple[float, float]:
    """Seconds for value + gradient on the grid: (hand-written, expression)."""
    x, y = grid()
    compiled = compile_expression(TEXT)
    f, (dx, dy) = compiled.value_and_gradient(x, y)
    gx, gy = fn.rosenbrock_grad(x, y)
    assert np.allclose(f, fn.rosenbrock(x, y), rtol=1e-12)
    assert np.allclose(dx, gx, rtol=1e-9, atol=1e-9)
    assert np.allclose(dy, gy, rtol=1e-9, atol=1e-9)
    times = best_of(
        {
            "hand": lambda: (fn.rosenbrock(x, y), fn.rosenbrock_grad(x, y)),
            "expr": lambda: compiled.value_and_gradient(x, y),
        },
        repeat,
    )
    return times["hand"], times["expr"]


def bench_descent(repeat: int) -> tuple[float, float, float]:
    """Seconds for the Adam runs (hand-written, expression) and the share of equal end points."""
    w0 = starts()
    hand, expr = SurfaceObjective(get_surface("rosenbrock")), ExpressionObjective(TEXT)
    ends = {"hand": descend(hand, w0), "expr": descend(expr, w0)}
    same = float(np.mean(np.all(np.isclose(ends["hand"], ends["expr"], rtol=1e-9), axis=1)))
    times = best_of({"hand": lambda: descend(hand, w0), "expr": lambda: descend(expr, w0)}, repeat)
    return times["hand"], times["expr"], same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best kept)")
    args = parser.parse_args()
    compiled = compile_expression(TEXT)
    print(f"expression: {TEXT}")
    print(
        f"NumPy calls per evaluation: value {compiled.value_program.size}, gradient "
        f"{compiled.gradient_program.size}, both {compiled.value_and_gradient_program.size}"
        " (hand-written: 7, 7, 14)"
    )
    print(f"{'benchmark':<44} {'hand-written':>13} {'expression':>11} {'ratio':>6}")
    hand, expr = bench_grid(args.repeat)
    label = f"value + gradient, {GRID} x {GRID} grid"
    print(f"{label:<44} {hand * 1e3:>10.2f} ms {expr * 1e3:>8.2f} ms {expr / hand:>6.2f}")
    hand, expr, same = bench_descent(args.repeat)
    label = f"Adam, {STARTS:,} starts x {STEPS} steps (runner)"
    print(f"{label:<44} {hand:>11.2f} s {expr:>9.2f} s {expr / hand:>6.2f}")
    print(f"end points equal to 1e-9: {same:.2%}")


if __name__ == "__main__":
    main()
