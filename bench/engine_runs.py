"""Seconds for one big run: the NumPy floor, the engine with tol 0 and with the default tol.

    python -m bench.engine_runs                  # 65,536 starts x 1000 Adam steps, Rosenbrock
    python -m bench.engine_runs --k 8192 --repeat 5 --cpu

All contenders run in the same process on the same starts (bench.descent's), recording only
every 1000th step, in interleaved rounds; each reports its best round: wall time, or with
--cpu the process's CPU time, steadier on a machine shared with other work. The floor is
bench.descent's preallocated in-place NumPy loop. tol 0 never stops a trajectory early; the
default tol (1e-6) stops the few that converge, which must cost (almost) nothing. A last run
with tol 1, where a fifth of the rows stop at scattered steps, shows what stopping costs when
it happens at almost every step.
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
BUSY_TOL = 1.0


def engine_summary(w0: Array, tol: float) -> Summary:
    """The engine's run of bench.descent's workload, recording every STEPS-th step."""
    objective = SurfaceObjective(get_surface("rosenbrock"))
    config = RunConfig(steps=STEPS, every=STEPS, tol=tol)
    run = Descent(objective, get_rule("adam"), Adam(lr=LR), w0, config)
    for _ in run.frames():
        pass
    return run.summary()


def outcomes(summary: Summary) -> str:
    """How many rows ended in each status."""
    return ", ".join(
        f"{name} {int(np.sum(summary.status == code)):,}" for code, name in enumerate(STATUSES)
    )


def best_seconds(
    contenders: dict[str, Callable[[], object]], repeat: int, clock: Callable[[], float]
) -> dict[str, float]:
    """The best time of each contender over `repeat` interleaved rounds."""
    best = dict.fromkeys(contenders, math.inf)
    for _ in range(repeat):
        for name, fn in contenders.items():
            t0 = clock()
            fn()
            best[name] = min(best[name], clock() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=65_536, help="number of starts")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many rounds")
    parser.add_argument(
        "--cpu", action="store_true", help="time CPU seconds, not wall (for a busy machine)"
    )
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    w0 = starts(args.k)
    print(f"K={args.k:,} x {STEPS} Adam steps (lr {LR:g}) on Rosenbrock, every {STEPS}")
    for tol in (DEFAULT_TOL, BUSY_TOL):
        print(f"  tol {tol:g}: {outcomes(engine_summary(w0, tol))}")
    t = best_seconds(
        {
            "floor": lambda: numpy_floor_run(w0),
            "tol 0": lambda: engine_summary(w0, 0.0),
            f"tol {DEFAULT_TOL:g}": lambda: engine_summary(w0, DEFAULT_TOL),
            f"tol {BUSY_TOL:g}": lambda: engine_summary(w0, BUSY_TOL),
        },
        args.repeat,
        clock,
    )
    floor, free = t["floor"], t["tol 0"]
    print(f"{'run':>10} {'cpu s' if args.cpu else 'seconds':>8} {'/ tol 0':>8} {'/ floor':>8}")
    for name, seconds in t.items():
        print(f"{name:>10} {seconds:>8.3f} {seconds / free:>8.2f} {seconds / floor:>8.2f}")


if __name__ == "__main__":
    main()
