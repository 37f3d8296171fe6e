"""Seconds for one big run: the NumPy floor, the engine with tol 0 and with the default tol.

    python -m bench.engine_runs                  # 65,536 starts x 1000 Adam steps, Rosenbrock
    python -m bench.engine_runs --k 8192 --repeat 5

All three contenders run in the same process on the same starts (bench.descent's), recording
only every 1000th step. tol 0 never stops a trajectory early; the default tol (1e-6) stops
the ones that converge, which the engine must make (almost) free. Ratios compare each engine
run with the floor, and the default tol with tol 0.
"""

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import Adam, get_rule
from app.engine.runner import STATUSES, Descent, RunConfig, Summary
from app.engine.types import Array
from bench.descent import LR, STEPS, numpy_floor_run, starts

DEFAULT_TOL = RunConfig(steps=STEPS).tol


def engine_summary(w0: Array, tol: float) -> Summary:
    """The engine's run of bench.descent's workload, recording every STEPS-th step."""
    objective = SurfaceObjective(get_surface("rosenbrock"))
    config = RunConfig(steps=STEPS, every=STEPS, tol=tol)
    run = Descent(objective, get_rule("adam"), Adam(lr=LR), w0, config)
    for _ in run.frames():
        pass
    return run.summary()


def best_seconds(fn: Callable[[], object], repeat: int) -> float:
    """The best wall time of `repeat` calls."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=65_536, help="number of starts")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    w0 = starts(args.k)
    summary = engine_summary(w0, DEFAULT_TOL)
    counts = ", ".join(
        f"{name} {int(np.sum(summary.status == code)):,}" for code, name in enumerate(STATUSES)
    )
    print(f"K={args.k:,} x {STEPS} Adam steps on Rosenbrock, tol {DEFAULT_TOL:g}: {counts}")
    floor = best_seconds(lambda: numpy_floor_run(w0), args.repeat)
    free = best_seconds(lambda: engine_summary(w0, 0.0), args.repeat)
    tol = best_seconds(lambda: engine_summary(w0, DEFAULT_TOL), args.repeat)
    print(f"{'floor s':>9} {'tol 0 s':>9} {'tol s':>9} {'tol/tol0':>9} {'tol0/floor':>11}", end="")
    print(f" {'tol/floor':>10}")
    print(
        f"{floor:>9.3f} {free:>9.3f} {tol:>9.3f} {tol / free:>9.2f} {free / floor:>11.2f}", end=""
    )
    print(f" {tol / floor:>10.2f}")


if __name__ == "__main__":
    main()
