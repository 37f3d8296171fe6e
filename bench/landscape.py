"""Milliseconds per 256 x 256 loss surface: each shortcut against its naive form, in one run.

    python -m bench.landscape                  # default sizes
    python -m bench.landscape --grid 128       # a smaller grid

Two models, two parameters varying, the others held at a random point:
- linear regression on `line`, N = 10,000, over (w[0], b): the quadratic form around the
  least-squares minimum;
- logistic regression on `moons`, N = 1,000, over (w[0], b): log1p of two exponential tables,
  in tiles, on 1 thread and on the default number of threads.

Each is timed against, in the same run, the generic path (the objective's `loss` on blocks of
grid rows) and the naive form: every grid point times every sample, scores = W X^T + b for all
R^2 points (a grid row at a time, so it fits in memory), then the loss elementwise. Engine
times are the best of 20 calls, the generic and naive ones of a single call (they take
seconds); ratios are naive / engine wall time. "max rel diff" is the largest relative
difference from the naive values. The load average is printed too: on a shared machine
threads only help when a core is free, and CPU time (summed over threads) shows the work.
"""

import argparse
import os
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from app.engine.datasets import make_dataset
from app.engine.landscape import generic_slice, grid_points, landscape
from app.engine.objectives.losses import softplus
from app.engine.objectives.models import AffineModel, make_model
from app.engine.types import Array

ROWS_PER_BLOCK = 1  # naive form: grid rows per block (256 x 10,000 scores = 20 MB)


def best_ms(fn: Callable[[], Array], repeats: int) -> tuple[float, float, Array]:
    """Wall and CPU milliseconds of the fastest of `repeats` calls, and the last result.

    CPU time is the process's, summed over threads. With more than one repeat, a first call
    warms caches and starts threads untimed.
    """
    if repeats > 1:
        fn()
    best, cpu, out = float("inf"), float("inf"), np.empty(0)
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    return best * 1e3, cpu * 1e3, out


def naive(model: AffineModel, point: Array, xs: Array, ys: Array) -> Array:
    """Every grid point times every sample, the loss written out directly."""
    X, y, d = model.data.X, model.y, model.data.d
    z = np.empty((ys.size, xs.size))
    for lo in range(0, ys.size, ROWS_PER_BLOCK):
        hi = min(lo + ROWS_PER_BLOCK, ys.size)
        w = grid_points((0, d), point, xs, ys[lo:hi])
        scores = w[:, :d] @ X.T + w[:, d:]  # (block R, N)
        if model.kind == "regression":
            loss = np.mean((scores - y) ** 2, axis=1)
        else:
            loss = np.mean(softplus(scores) - y * scores, axis=1)
        loss += model.l2 * np.sum(w[:, :d] ** 2, axis=1)
        z[lo:hi] = loss.reshape(hi - lo, xs.size)
    return z


Surface = Callable[[Array, Array, Array], Array]  # (point, xs, ys) -> z


def report(label: str, model: AffineModel, grid: int, engines: dict[str, Surface]) -> None:
    """Time the engines, the generic path and the naive form on one model; print a table."""
    rng = np.random.default_rng(0)
    point = rng.uniform(-1, 1, model.dim)
    xs, ys = np.linspace(-3, 5, grid), np.linspace(-3, 4, grid)
    d = model.data.d
    naive_ms, naive_cpu, reference = best_ms(lambda: naive(model, point, xs, ys), 1)
    generic = best_ms(lambda: generic_slice(model, (0, d), point, xs, ys), 1)
    print(f"\n{label}: {grid} x {grid} grid over (w[0], b), N = {model.data.n:,}")
    print(f"  {'':34s} {'wall ms':>10s} {'cpu ms':>10s} {'naive/this':>11s} {'max rel diff':>13s}")
    rows = [(name, *best_ms(partial(f, point, xs, ys), 20)) for name, f in engines.items()]
    rows += [("generic path (objective.loss)", *generic)]
    rows += [("naive (grid x N broadcast)", naive_ms, naive_cpu, reference)]
    for name, ms, cpu, z in rows:
        diff = float(np.max(np.abs(z - reference) / np.abs(reference)))
        print(f"  {name:34s} {ms:10.3f} {cpu:10.3f} {naive_ms / ms:11.1f} {diff:13.1e}")


def main() -> None:
    """Print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=256)
    args = parser.parse_args()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}; numpy {np.__version__}")

    linear = make_model("linear", make_dataset("line", 10_000, 0.3, 1), l2=0.01)
    report(
        "linear regression",
        linear,
        args.grid,
        {"engine: quadratic form": lambda p, xs, ys: landscape(linear, (0, 1), p, xs, ys)},
    )
    logistic = make_model("logistic", make_dataset("moons", 1_000, 0.2, 1), l2=0.01)
    threads = min(4, os.cpu_count() or 1)
    report(
        "logistic regression",
        logistic,
        args.grid,
        {
            "engine: log1p tiles, 1 thread": partial(_logistic, logistic, 1),
            f"engine: log1p tiles, {threads} threads": partial(_logistic, logistic, threads),
        },
    )


def _logistic(model: AffineModel, workers: int, point: Array, xs: Array, ys: Array) -> Array:
    """The engine's logistic surface over (w[0], b) on `workers` threads."""
    return landscape(model, (0, model.data.d), point, xs, ys, workers=workers)


if __name__ == "__main__":
    main()
