"""Say in words how a trajectory ended, the way a teacher would explain it."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.engine import curvature
from app.engine.objectives.base import Objective
from app.engine.types import Array


@dataclass(frozen=True)
class Landmark:
    """A known minimum of an objective."""

    point: tuple[float, ...]
    value: float
    kind: str  # "global" or "local"


@dataclass(frozen=True)
class Context:
    """What the explanation may refer to besides the trajectory itself."""

    objective: Objective
    rule: str
    lr: float
    tol: float
    bound: float
    landmarks: Sequence[Landmark] = ()
    radius: float = 1e-3


def coords(point: Sequence[float] | Array) -> str:
    """Format a point for a sentence: (1, -0.5)."""
    return "(" + ", ".join(f"{float(v):.4g}" for v in point) + ")"


def nearest(point: Array, landmarks: Sequence[Landmark]) -> tuple[Landmark, float] | None:
    """The closest landmark to `point` and its distance, or None if there are none."""
    if not landmarks:
        return None
    dist = [float(np.linalg.norm(point - np.asarray(m.point))) for m in landmarks]
    i = int(np.argmin(dist))
    return landmarks[i], dist[i]


def describe(
    status: str, steps: int, start: Array, point: Array, grad_norm: float, ctx: Context
) -> str:
    """One or two sentences on how a trajectory from `start` ended at `point`."""
    if status == "converged":
        return (
            f"converged at step {steps}: the gradient norm {grad_norm:.1e} fell below "
            f"{ctx.tol:g}, at {_place(point, ctx)}."
        )
    if status == "diverged":
        return (
            f"diverged at step {steps}: that step left the finite range ±{ctx.bound:g}. "
            f"{_divergence_cause(start, ctx)}."
        )
    near = nearest(point, ctx.landmarks)
    where = f" It is {near[1]:.2g} away from the {near[0].kind} minimum {coords(near[0].point)}." if near else ""
    return (
        f"stopped after {steps} steps without converging: the gradient norm is still "
        f"{grad_norm:.2g}, above the tolerance {ctx.tol:g}.{where} "
        "Try more steps or a larger step size."
    )


def _place(point: Array, ctx: Context) -> str:
    """Name where a converged trajectory stopped: a known minimum or a kind of stationary point."""
    near = nearest(point, ctx.landmarks)
    if near is not None and near[1] <= ctx.radius:
        m = near[0]
        text = f"the {m.kind} minimum {coords(m.point)} where f = {m.value:.4g}"
        best = min(ctx.landmarks, key=lambda lm: lm.value)
        if m.kind != "global":
            text += f"; the global minimum is lower, f = {best.value:.4g} at {coords(best.point)}"
        return text
    kind = curvature.stationary_kind(ctx.objective, point)
    text = f"a {kind} {coords(point)}"
    if kind == "saddle point":
        text += ": the gradient vanishes there, yet f still falls along another direction"
    return text


def _divergence_cause(start: Array, ctx: Context) -> str:
    """Why a run from `start` blew up: too large a step for the curvature, or no floor at all."""
    lam = curvature.eigenvalues(ctx.objective, start)
    if lam.size and lam[-1] > 0 and ctx.rule == "sgd" and ctx.lr * lam[-1] > 2:
        return (
            f"The step size {ctx.lr:g} is too large for this curvature: the steepest curvature "
            f"at the start is {lam[-1]:.3g}, and plain gradient descent is stable only for "
            f"lr < 2/{lam[-1]:.3g} = {2 / lam[-1]:.3g}"
        )
    if lam.size and lam[0] < 0:
        return (
            "The surface falls away without bound along this path (the curvature at the start "
            f"is {lam[0]:.3g} < 0 in some direction), so descent runs off to infinity"
        )
    return f"The step size {ctx.lr:g} is too large for this surface: try a smaller one"
