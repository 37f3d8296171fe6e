"""Check that gdviz's optimizers retrace torch.optim exactly (needs the bench extra).

    pip install -e '.[bench]' && python -m bench.torch_parity

For each optimizer and several hyperparameter settings, it runs 500 steps on Rosenbrock from
64 Gaussian starts with the engine and with torch.optim (float64, gradient by autograd), and
prints the largest relative difference between the two sets of end points.
"""

import dataclasses
from typing import Any

import numpy as np

from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import Hyper, get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.starts import gaussian
from app.engine.types import Array

STEPS = 500
CASES: list[tuple[str, dict[str, Any]]] = [
    ("sgd", {"lr": 1e-4}),
    ("sgd", {"lr": 1e-4, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("sgd", {"lr": 1e-4, "momentum": 0.9, "nesterov": True}),
    ("adagrad", {"lr": 0.05, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("rmsprop", {"lr": 1e-3}),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01, "betas": (0.8, 0.99)}),
    ("adamw", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
]
TORCH_NAMES = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}


def engine_ends(name: str, hp: Hyper, w0: Array) -> Array:
    """End points after STEPS engine steps."""
    config = RunConfig(steps=STEPS, every=STEPS, tol=0.0, bound=1e12)
    run = Descent(SurfaceObjective(get_surface("rosenbrock")), get_rule(name), hp, w0, config)
    for _ in run.frames():
        pass
    return run.summary().point


def torch_ends(name: str, kwargs: dict[str, Any], w0: Array, steps: int = STEPS) -> Array:
    """End points after `steps` torch.optim steps on Rosenbrock (float64, autograd)."""
    import torch

    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    cls = getattr(torch.optim, TORCH_NAMES.get(name, "AdamW"))
    opt = cls([w], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        x, y = w[:, 0], w[:, 1]
        loss = ((1 - x) ** 2 + 100 * (y - x * x) ** 2).sum()
        loss.backward()  # type: ignore[no-untyped-call,unused-ignore]
        opt.step()
    return np.asarray(w.detach().numpy(), dtype=np.float64)


def main() -> None:
    w0 = gaussian([-0.5, 1.0], 0.5, 64, seed=0)
    worst = 0.0
    for name, kwargs in CASES:
        hp = get_rule(name).hyper(**kwargs)
        ours, theirs = engine_ends(name, hp, w0), torch_ends(name, dataclasses.asdict(hp), w0)
        rel = float(np.max(np.abs(ours - theirs) / np.maximum(1e-12, np.abs(theirs))))
        worst = max(worst, rel)
        print(f"{name:8} {kwargs!s:70} max relative difference {rel:.1e}")
    print(f"worst: {worst:.1e}")


if __name__ == "__main__":
    main()
