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
            f"{_divergence_cause(start, point, ctx)}."
        )
    near = nearest(point, ctx.landmarks)
    where = ""
    if near is not None:
        m, dist = near
        where = f" It is {dist:.2g} away from the {m.kind} minimum {coords(m.point)}."
    return (
        f"stopped after {steps} steps without converging: the gradient norm is still "
        f"{grad_norm:.2g}, above the tolerance {ctx.tol:g}.{where} "
        "Try more steps or another step size."
    )


def _place(point: Array, ctx: Context) -> str:
    """Name where a converged trajectory stopped: a known minimum or a kind of stationary point."""
    near = nearest(point, ctx.landmarks)
    if near is not None and near[1] <= ctx.radius:
        return _landmark_text(near[0], ctx)
    target = curvature.newton_target(ctx.objective, point)
    aim = nearest(target, ctx.landmarks) if target is not None else None
    if aim is not None and aim[1] <= ctx.radius and near is not None:
        return (
            f"{coords(point)}, {near[1]:.2g} away from {_landmark_text(aim[0], ctx)} "
            f"(the tolerance {ctx.tol:g} let it stop short)"
        )
    kind = curvature.stationary_kind(ctx.objective, point)
    text = f"a {kind} {coords(point)}"
    if kind == "saddle point":
        text += ": the gradient vanishes there, yet f still falls along another direction"
    return text


def _landmark_text(m: Landmark, ctx: Context) -> str:
    """`the local minimum (x, y) where f = v`, plus the global one when this one is not it."""
    text = f"the {m.kind} minimum {coords(m.point)} where f = {m.value:.4g}"
    if m.kind != "global":
        best = min(ctx.landmarks, key=lambda lm: lm.value)
        text += f"; the global minimum is lower, f = {best.value:.4g} at {coords(best.point)}"
    return text


def _divergence_cause(start: Array, last: Array, ctx: Context) -> str:
    """Why a run blew up: overshooting (the loss grew) or a surface with no floor (it fell)."""
    f0, f1 = ctx.objective.loss(np.stack([start, last]))
    if f1 < f0:
        return (
            f"The loss kept falling, from {f0:.4g} to {f1:.4g}, as the parameters grew: the "
            "surface has no floor along this path, so descent runs off to infinity"
        )
    text = (
        f"The step size {ctx.lr:g} is too large: the loss grew from {f0:.4g} to {f1:.4g}, "
        "each step overshooting the valley it should settle in"
    )
    lam = _steepest(start, ctx)
    if ctx.rule == "sgd" and ctx.lr * lam > 2:
        text += (
            f". The steepest curvature at the start is {lam:.3g}, and plain gradient descent "
            f"is stable there only for lr < 2/{lam:.3g} = {2 / lam:.3g}"
        )
    return text


def _steepest(point: Array, ctx: Context) -> float:
    """The largest Hessian eigenvalue at `point`, or 0 if it cannot be computed."""
    lam = curvature.eigenvalues(ctx.objective, point)
    return float(lam[-1]) if lam.size else 0.0
