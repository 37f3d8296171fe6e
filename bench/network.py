"""The engine's network training against PyTorch on the CPU, in one run (needs the bench extra).

    pip install -e '.[bench]' && python -m bench.network [--threads N] [--rounds R]

One training step is a forward pass, a backward pass and an Adam update (lr 1e-3, torch's
defaults otherwise) on one fixed batch, with the same network, the same starting weights and
float64 on both sides. The engine steps `NetworkObjective.loss_and_grad` (or, for 784-128-10,
whose 128 hidden units exceed a request's limit of 64, `Network.loss_and_grad` directly) and
the registry's Adam rule; PyTorch steps `nn.Sequential` of `nn.Linear` layers with
`torch.optim.Adam` (default implementation), `zero_grad`, `loss.backward()` and `opt.step()`.

    2-16-16-1, tanh, sigmoid output, binary cross-entropy: batch 32 and 256 (moons)
    784-128-10, relu, softmax output, cross-entropy: batch 256 (random data)

The whole run is 2,000 Adam steps of 2-16-16-1 at batch 32 on 1,000 moons through the
engine's `Descent` (tol 0, recording only the first and last frames), against a PyTorch loop
that takes the very same batches; the final weights of the two agree to rounding.

Threads: torch is set to NumPy's BLAS thread count (OpenBLAS, read through ctypes), or both to
`--threads`. On a busy machine prefer `--threads 1`: with more threads than idle cores, thread
barriers (torch's OpenMP above all) swamp steps this small. Every figure is the best of R
interleaved rounds, and each ratio is engine time / PyTorch time from the same run.
"""

import argparse
import base64
import ctypes
import glob
import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from app.engine.batches import BatchSpec
from app.engine.datasets import Dataset, make_dataset
from app.engine.nn import NetworkSpec, init_starts
from app.engine.nn.network import Network
from app.engine.objectives.network import NetworkObjective
from app.engine.optimizers import Adam, get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.types import Array, IntArray

LR = 1e-3
RUN_STEPS, RUN_BATCH = 2000, 32
Step = Callable[[], None]


# --- threads ---------------------------------------------------------------------------------


def _openblas() -> Any | None:
    """NumPy's OpenBLAS, already loaded, as a ctypes library; None when NumPy uses another BLAS."""
    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in glob.glob(str(libs / "*openblas*.so*")):
        return ctypes.CDLL(path)
    return None


def blas_threads(requested: int | None) -> int | None:
    """Set NumPy's BLAS threads to `requested` (when given) and return the count in use."""
    lib = _openblas()
    if lib is None:
        return requested
    for prefix in ("scipy_openblas", "openblas"):
        for suffix in ("64_", ""):
            getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            if getter is not None and setter is not None:
                if requested is not None:
                    setter(requested)
                return int(getter())
    return requested


# --- the two sides of one step ----------------------------------------------------------------


class EngineStep:
    """One engine training step per call: loss_and_grad at w, then the registry's Adam."""

    def __init__(self, loss_and_grad: Callable[[Array], tuple[Array, Array]], w0: Array) -> None:
        self.loss_and_grad, self.rule, self.hp = loss_and_grad, get_rule("adam"), Adam(lr=LR)
        self.w, self.t = np.asfortranarray(w0[None, :]), 0  # the runner's layout
        self.state = self.rule.init(self.w, self.hp)

    def __call__(self) -> None:
        self.t += 1
        _, g = self.loss_and_grad(self.w)
        self.w, self.state = self.rule.step(self.w, g, self.state, self.hp, self.t)


def torch_model(sizes: tuple[int, ...], activation: str, w0: Array, dtype: Any) -> Any:
    """`nn.Sequential` of Linear layers and the activation, weights copied from the row w0."""
    import torch

    modules: list[Any] = []
    at = 0
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        linear = torch.nn.Linear(n_in, n_out)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w0[at : at + n_in * n_out].reshape(n_out, n_in)))
            at += n_in * n_out
            linear.bias.copy_(torch.from_numpy(w0[at : at + n_out]))
            at += n_out
        modules.append(linear)
        if i < len(sizes) - 2:
            modules.append(torch.nn.Tanh() if activation == "tanh" else torch.nn.ReLU())
    return torch.nn.Sequential(*modules).to(dtype)


def torch_step(model: Any, loss_fn: Any, X: Any, y: Any) -> Step:
    """One torch training step per call: zero_grad, forward, loss, backward, Adam."""
    import torch

    opt = torch.optim.Adam(model.parameters(), lr=LR)

    def step() -> None:
        opt.zero_grad()
        loss_fn(model(X), y).backward()
        opt.step()

    return step


def best_times(steps: dict[str, Step], count: int, rounds: int) -> dict[str, float]:
    """Best time per step of each contender over `rounds` interleaved rounds of `count` steps."""
    best = dict.fromkeys(steps, float("inf"))
    for step in steps.values():  # warm up: allocations, torch's first-call paths
        for _ in range(max(3, count // 10)):
            step()
    for _ in range(rounds):
        for name, step in steps.items():
            t0 = time.perf_counter()
            for _ in range(count):
                step()
            best[name] = min(best[name], (time.perf_counter() - t0) / count)
    return best


# --- the cases ------------------------------------------------------------------------------


def small_case(batch: int) -> tuple[Callable[[Array], tuple[Array, Array]], Array, Dataset]:
    """2-16-16-1 on `batch` moons: the objective's full pass is the step's batch."""
    data = make_dataset("moons", batch, 0.1, 0)
    obj = NetworkObjective(data, NetworkSpec((16, 16), "tanh", "sigmoid", "cross_entropy"))
    w0 = init_starts(obj, "xavier", 1, seed=0)[0]
    return (lambda w: obj.loss_and_grad(w)), w0, data


def mnist_sized_case() -> tuple[Callable[[Array], tuple[Array, Array]], Array, Array, IntArray]:
    """784-128-10 on 256 random samples (Network directly: 128 units exceed a request's 64)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 784))
    labels = rng.integers(0, 10, 256)
    Y = np.eye(10)[labels]
    net = Network((784, 128, 10), ("relu",), "softmax", "cross_entropy", 0.0)
    fan_in = np.concatenate([np.full(128 * 785, 784.0), np.full(10 * 129, 128.0)])
    w0 = rng.standard_normal(net.dim) * np.sqrt(2.0 / fan_in)  # He-like
    return (lambda w: net.loss_and_grad(w, X, Y)), w0, X, labels


def time_steps(rounds: int) -> list[tuple[str, float, float, float]]:
    """(case, engine s, torch float64 s, torch float32 s) per training step."""
    import torch

    rows = []
    for batch in (32, 256):
        loss_and_grad, w0, data = small_case(batch)
        y = data.targets()[:, None]
        steps: dict[str, Step] = {"engine": EngineStep(loss_and_grad, w0)}
        for name, dtype in (("torch64", torch.float64), ("torch32", torch.float32)):
            model = torch_model((2, 16, 16, 1), "tanh", w0, dtype)
            X_t, y_t = torch.tensor(data.X, dtype=dtype), torch.tensor(y, dtype=dtype)
            steps[name] = torch_step(model, torch.nn.BCEWithLogitsLoss(), X_t, y_t)
        best = best_times(steps, 2000, rounds)
        rows.append((f"2-16-16-1, batch {batch}", best["engine"], best["torch64"], best["torch32"]))
    loss_and_grad, w0, X, labels = mnist_sized_case()
    steps = {"engine": EngineStep(loss_and_grad, w0)}
    for name, dtype in (("torch64", torch.float64), ("torch32", torch.float32)):
        model = torch_model((784, 128, 10), "relu", w0, dtype)
        X_t, y_t = torch.tensor(X, dtype=dtype), torch.from_numpy(labels)
        steps[name] = torch_step(model, torch.nn.CrossEntropyLoss(), X_t, y_t)
    best = best_times(steps, 50, rounds)
    rows.append(("784-128-10, batch 256", best["engine"], best["torch64"], best["torch32"]))
    return rows


# --- the whole run ------------------------------------------------------------------------------


def engine_run(obj: NetworkObjective, w0: Array) -> Array:
    """2,000 Adam steps through Descent; the final weights."""
    config = RunConfig(steps=RUN_STEPS, every=RUN_STEPS, tol=0.0, bound=1e6)
    run = Descent(obj, get_rule("adam"), Adam(lr=LR), w0[None, :], config)
    for _ in run.frames():
        pass
    end: Array = run.summary().point[0]
    return end


def torch_run(obj: NetworkObjective, w0: Array) -> Array:
    """The same 2,000 steps in PyTorch, on the engine's batches; the final weights as a row."""
    import torch

    assert obj.batches is not None
    model = torch_model((2, 16, 16, 1), "tanh", w0, torch.float64)
    X, y = torch.tensor(obj.data.X), torch.tensor(obj.data.targets()[:, None])
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=LR), torch.nn.BCEWithLogitsLoss()
    for t in range(1, RUN_STEPS + 1):
        idx = torch.tensor(obj.batches.indices(t))
        opt.zero_grad()
        loss_fn(model(X[idx]), y[idx]).backward()
        opt.step()
    out: Array = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    return out


def api_body() -> dict[str, Any]:
    """The same run as a request: moons (n 1000), 2-16-16-1 tanh, batch 32, Xavier seed 0."""
    return {
        "objective": {
            "network": {"hidden": [16, 16], "activation": "tanh", "output": "sigmoid"},
            "dataset": {"name": "moons", "n": 1000, "noise": 0.1, "seed": 0},
            "batch": {"size": RUN_BATCH, "seed": 0},
        },
        "optimizer": {"name": "adam", "lr": LR},
        "init": {"kind": "xavier", "count": 1, "seed": 0},
        "steps": RUN_STEPS,
        "every": RUN_STEPS,
        "tol": 0,
        "format": "arrays",
    }


def time_api_run(rounds: int) -> tuple[float, Array]:
    """Seconds for the whole run through POST /api/v1/runs on a live server, and its end."""
    import httpx

    from app.api.replies import RunArrays
    from bench.runs_api import server

    best = float("inf")
    with server() as url, httpx.Client(base_url=url, timeout=600) as client:
        client.post("/api/v1/runs", json=api_body()).raise_for_status()  # warm-up
        for _ in range(rounds):
            t0 = time.perf_counter()
            reply = client.post("/api/v1/runs", json=api_body())
            reply.raise_for_status()
            best = min(best, time.perf_counter() - t0)
    got = RunArrays.model_validate(reply.json())
    points = np.frombuffer(base64.b64decode(got.points.bdata), dtype="<f8")
    return best, points.reshape(2, -1)[-1]


def time_run(rounds: int) -> tuple[float, float, float]:
    """(engine s, torch s, largest |difference| of the final weights) for the whole run."""
    data = make_dataset("moons", 1000, 0.1, 0)
    spec = NetworkSpec((16, 16), "tanh", "sigmoid", "cross_entropy")
    obj = NetworkObjective(data, spec, BatchSpec(RUN_BATCH, 0))
    w0 = init_starts(obj, "xavier", 1, seed=0)[0]
    best = {"engine": float("inf"), "torch": float("inf")}
    ends: dict[str, Array] = {}
    for _ in range(rounds):
        for name, fn in (("engine", engine_run), ("torch", torch_run)):
            t0 = time.perf_counter()
            ends[name] = fn(obj, w0)
            best[name] = min(best[name], time.perf_counter() - t0)
    return best["engine"], best["torch"], float(np.max(np.abs(ends["engine"] - ends["torch"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, help="threads for NumPy's BLAS and torch")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (best kept)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        raise SystemExit("torch is not installed: pip install -e '.[bench]'") from None
    threads = blas_threads(args.threads) or os.cpu_count() or 1
    torch.set_num_threads(threads)
    print(f"threads: NumPy BLAS {threads}, torch {torch.get_num_threads()} (set equal)")
    print(
        f"{'training step':24} {'engine µs':>10} {'torch64 µs':>11} {'engine/torch64':>15}", end=""
    )
    print(f" {'torch32 µs':>11} {'engine/torch32':>15}")
    for case, ours, t64, t32 in time_steps(args.rounds):
        print(f"{case:24} {ours * 1e6:>10.1f} {t64 * 1e6:>11.1f} {ours / t64:>15.2f}", end="")
        print(f" {t32 * 1e6:>11.1f} {ours / t32:>15.2f}")
    ours, theirs, diff = time_run(max(1, args.rounds // 2))
    print(
        f"whole run, {RUN_STEPS:,} steps of 2-16-16-1 at batch {RUN_BATCH}: engine (Descent) "
        f"{ours:.3f} s, torch {theirs:.3f} s, engine/torch {ours / theirs:.2f}; "
        f"final weights differ by at most {diff:.1e}"
    )
    api, end = time_api_run(max(1, args.rounds // 2))
    data = make_dataset("moons", 1000, 0.1, 0)
    spec = NetworkSpec((16, 16), "tanh", "sigmoid", "cross_entropy")
    obj = NetworkObjective(data, spec, BatchSpec(RUN_BATCH, 0))
    same = float(np.max(np.abs(end - torch_run(obj, init_starts(obj, "xavier", 1, seed=0)[0]))))
    print(
        f"the same run through POST /api/v1/runs over HTTP: {api:.3f} s, "
        f"API/torch in-process {api / theirs:.2f}; final weights differ from torch's by {same:.1e}"
    )


if __name__ == "__main__":
    main()
