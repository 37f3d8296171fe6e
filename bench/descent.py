"""Nanoseconds per point-step: K starts x 1000 Adam steps on Rosenbrock.

    python -m bench.descent            # the engine at K = 1, 100, 10,000, 65,536
    python -m bench.descent --torch    # also torch.optim.Adam (pip install -e '.[bench]')

The baseline, in the same run, is a pure-Python per-point loop at K = 100: the same Adam
and the same gradient, written with floats and `math`. Ratios are baseline / engine. A second
reference is the floor: the fewest in-place NumPy operations that can do the run at all.
With --torch it also reports how many end points agree with torch's to 1e-9 (Adam amplifies
rounding differences where the gradient is tiny, so a few in a thousand may drift further).
"""

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import Adam, get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.types import Array
from bench.torch_parity import torch_ends

STEPS = 1000
LR = 1e-3


def starts(k: int) -> Array:
    """K starts around Rosenbrock's valley, the same for every contender."""
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(-2, 2, k), rng.uniform(-1, 3, k)])


def engine_run(w0: Array) -> Array:
    """Run the engine, recording only the ends, and return the final points."""
    objective = SurfaceObjective(get_surface("rosenbrock"))
    config = RunConfig(steps=STEPS, every=STEPS, tol=0.0, bound=1e12)
    run = Descent(objective, get_rule("adam"), Adam(lr=LR), w0, config)
    for _ in run.frames():
        pass
    return run.summary().point


def python_run(w0: Array) -> Array:
    """The same run as a plain loop over points and steps."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    out = np.empty_like(w0)
    for i, (x, y) in enumerate(w0.tolist()):
        m, v = [0.0, 0.0], [0.0, 0.0]
        for t in range(1, STEPS + 1):
            r = y - x * x
            g = [-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r]
            p = [x, y]
            for j in range(2):
                m[j] = b1 * m[j] + (1 - b1) * g[j]
                v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
                denom = math.sqrt(v[j]) / math.sqrt(1 - b2**t) + eps
                p[j] -= LR / (1 - b1**t) * m[j] / denom
            x, y = p
        out[i] = (x, y)
    return out


def numpy_floor_run(w0: Array, rows: int = 8192) -> Array:
    """The fewest NumPy operations that can do this run: in place, no checks, no records.

    The same cache-sized blocks as the engine; it mutates its buffers freely, which the
    engine's pure update rules may not. Its time is the floor for any NumPy float64 engine.
    """
    b1, b2, eps = 0.9, 0.999, 1e-8
    out = np.empty_like(w0)
    for lo in range(0, len(w0), rows):
        w = np.array(w0[lo : lo + rows].T)  # (2, n): each coordinate contiguous
        m, v, g, d, r = (np.zeros_like(w) for _ in range(5))
        r = r[0]
        for t in range(1, STEPS + 1):
            s = LR / (1 - b1**t)
            np.multiply(w[0], w[0], out=r)
            np.subtract(w[1], r, out=r)  # r = y - x²
            np.multiply(r, 200.0, out=g[1])
            np.multiply(r, -400.0, out=g[0])
            g[0] += 2.0
            g[0] *= w[0]
            g[0] -= 2.0
            m -= g
            m *= b1
            m += g
            np.multiply(g, g, out=d)
            v -= d
            v *= b2
            v += d
            np.multiply(v, 1 / ((1 - b2**t) * s * s), out=d)
            np.sqrt(d, out=d)
            d += eps / s
            np.divide(m, d, out=d)
            w -= d
        out[lo : lo + rows] = w.T
    return out


def torch_run(w0: Array) -> Array:
    """torch.optim.Adam on the same batch, float64, gradient by autograd."""
    return torch_ends("adam", {"lr": LR}, w0, STEPS)


def ns_per_point_step(fn: Callable[[Array], Array], k: int, repeat: int) -> tuple[float, Array]:
    """Best of `repeat` wall times, in ns per point-step, and the result."""
    w0 = starts(k)
    best, out = math.inf, w0
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(w0)
        best = min(best, time.perf_counter() - t0)
    return best / (k * STEPS) * 1e9, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch", action="store_true", help="also time torch.optim.Adam")
    args = parser.parse_args()
    base, base_out = ns_per_point_step(python_run, 100, 1)
    print(f"baseline: pure-Python loop, K=100: {base:,.1f} ns per point-step")
    floor, floor_out = ns_per_point_step(numpy_floor_run, 65_536, 3)
    print(f"floor: fewest in-place NumPy operations, K=65,536: {floor:,.2f} ns per point-step")
    print(f"{'K':>8} {'engine ns':>10} {'baseline/engine':>16}", end="")
    print(f" {'torch ns':>10} {'torch/engine':>13} {'same ends':>10}" if args.torch else "")
    note = ""
    for k in (1, 100, 10_000, 65_536):
        ns, out = ns_per_point_step(engine_run, k, 3 if k > 1 else 5)
        if k == 100:
            assert np.allclose(out, base_out, rtol=1e-9, atol=1e-12), "engine != baseline"
        if k == 65_536:
            close = np.all(np.isclose(out, floor_out, rtol=1e-9, atol=1e-12), axis=1).mean()
            note = f"engine/floor at K=65,536: {ns / floor:.2f} (same ends: {close:.2%})"
        line = f"{k:>8,} {ns:>10.2f} {base / ns:>16.1f}"
        if args.torch:
            tns, tout = ns_per_point_step(torch_run, k, 2)
            same = np.mean(np.all(np.isclose(out, tout, rtol=1e-9, atol=1e-12), axis=1))
            line += f" {tns:>10.2f} {tns / ns:>13.2f} {same:>10.2%}"
        print(line)
    print(note)


if __name__ == "__main__":
    main()
