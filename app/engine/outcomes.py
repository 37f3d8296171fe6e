"""Say in words how each trajectory ended, the way a teacher would explain it.

Everything that needs curvature (Hessians, Newton steps) is computed in one batch for all the
trajectories that need it, so explaining 65,536 endings costs a few NumPy calls, not 65,536.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.engine import curvature
from app.engine.objectives.base import Objective
from app.engine.runner import CONVERGED, DIVERGED, STATUSES, Summary
from app.engine.types import Array, IntArray


@dataclass(frozen=True)
class Landmark:
    """A known minimum of an objective."""

    point: tuple[float, ...]
    value: float
    kind: str  # "global" or "local"


@dataclass(frozen=True)
class Context:
    """What the explanation may refer to besides the trajectories themselves."""

    objective: Objective
    rule: str
    lr: float
    tol: float
    bound: float
    landmarks: Sequence[Landmark] = ()
    radius: float = 1e-3
    weight_decay: float = 0.0


def coords(point: Sequence[float] | Array) -> str:
    """Format a point for a sentence: (1, -0.5)."""
    return "(" + ", ".join(f"{float(v):.4g}" for v in point) + ")"


def nearest(point: Array, landmarks: Sequence[Landmark]) -> tuple[Landmark, float] | None:
    """The closest landmark to `point` and its distance, or None if there are none."""
    idx, dist = _nearest_all(point[None, :], landmarks)
    return (landmarks[int(idx[0])], float(dist[0])) if idx[0] >= 0 else None


def describe_all(summary: Summary, starts: Array, ctx: Context) -> list[str]:
    """One or two sentences per trajectory, in the order of `starts`."""
    idx, dist = _nearest_all(summary.point, ctx.landmarks)
    kinds = _stationary_kinds(summary, idx, dist, ctx)
    steep = _steepest_at_start(summary, starts, ctx)
    with np.errstate(all="ignore"):
        f_start = ctx.objective.loss(np.asfortranarray(starts))
    return [
        _sentence(summary, i, _near(idx[i], dist[i], ctx), kinds.get(i), f_start[i], steep[i], ctx)
        for i in range(len(summary.status))
    ]


def _sentence(
    summary: Summary,
    i: int,
    near: tuple[Landmark, float] | None,
    kind: str | None,
    f_start: float,
    steep: float,
    ctx: Context,
) -> str:
    """The explanation for row i of the summary."""
    n, gn = int(summary.steps_taken[i]), float(summary.grad_norm[i])
    if summary.status[i] == CONVERGED:
        where = _place(summary.point[i], near, kind, ctx)
        head = f"converged at step {n}: the gradient norm {gn:.3g} fell below {ctx.tol:g}"
        return f"{head}, at {where}."
    if summary.status[i] == DIVERGED:
        losses = float(f_start), float(summary.loss[i]), float(summary.escape_loss[i])
        cause = _divergence_cause(*losses, float(steep), ctx)
        return f"diverged at step {n}: that step left the finite range ±{ctx.bound:g}. {cause}."
    return _unfinished(n, gn, near, ctx)


def _near(index: int, distance: float, ctx: Context) -> tuple[Landmark, float] | None:
    """The landmark `index` (or None for -1) with its distance."""
    return (ctx.landmarks[int(index)], float(distance)) if index >= 0 else None


def describe(
    status: str,
    steps: int,
    start: Array,
    point: Array,
    grad_norm: float,
    ctx: Context,
    escape_loss: float = float("nan"),
) -> str:
    """The sentence for a single trajectory (see `describe_all`)."""
    with np.errstate(all="ignore"):
        loss = ctx.objective.loss(np.asfortranarray(point[None, :]))
    one = Summary(
        np.array([STATUSES.index(status)]),
        np.array([steps]),
        point[None, :],
        loss,
        np.array([grad_norm]),
        np.array([escape_loss]),
    )
    return describe_all(one, start[None, :], ctx)[0]


def _nearest_all(points: Array, landmarks: Sequence[Landmark]) -> tuple[IntArray, Array]:
    """Index of the nearest landmark to each point (-1 if none) and its distance (inf)."""
    if not landmarks:
        return np.full(len(points), -1), np.full(len(points), np.inf)
    marks = np.array([m.point for m in landmarks], dtype=np.float64)
    with np.errstate(all="ignore"):
        dist = np.linalg.norm(points[:, None, :] - marks[None, :, :], axis=2)
    dist = np.where(np.isfinite(dist), dist, np.inf)
    idx = np.argmin(dist, axis=1)
    return idx, dist[np.arange(len(points)), idx]


def _stationary_kinds(summary: Summary, idx: IntArray, dist: Array, ctx: Context) -> dict[int, str]:
    """For converged rows away from every landmark: the kind of stationary point, if it is one.

    A row whose Newton step is longer than `radius` is not itself stationary (a loose tolerance
    stopped it early) and gets no kind.
    """
    rows = np.flatnonzero((summary.status == CONVERGED) & ~(dist <= ctx.radius))
    if rows.size == 0:
        return {}
    step = np.linalg.norm(curvature.newton_steps(ctx.objective, summary.point[rows]), axis=1)
    flat = rows[step <= ctx.radius]
    spectra = curvature.spectra(ctx.objective, summary.point[flat]) if flat.size else None
    return (
        {int(r): curvature.kind_of(spectra[j]) for j, r in enumerate(flat)}
        if spectra is not None
        else {}
    )


def _steepest_at_start(summary: Summary, starts: Array, ctx: Context) -> Array:
    """The largest Hessian eigenvalue at the start of each diverged plain-SGD row (else 0)."""
    steep = np.zeros(len(starts))
    rows = np.flatnonzero(summary.status == DIVERGED) if ctx.rule == "sgd" else np.empty(0, int)
    if rows.size:
        lam = curvature.spectra(ctx.objective, starts[rows])[:, -1]
        steep[rows] = np.where(np.isfinite(lam), lam, 0.0)
    return steep


def _place(
    point: Array, near: tuple[Landmark, float] | None, kind: str | None, ctx: Context
) -> str:
    """Where a converged trajectory stopped: a known minimum, a stationary point, or near one."""
    if near is not None and near[1] <= ctx.radius:
        return _landmark_text(near[0], ctx)
    if kind is not None:
        text = f"a {kind} {coords(point)}"
        if kind == "saddle point":
            text += ": the gradient vanishes there, yet f still falls along another direction"
        return text
    if near is not None:
        return (
            f"{coords(point)}, {near[1]:.2g} away from {_landmark_text(near[0], ctx)} "
            f"(the tolerance {ctx.tol:g} let it stop short)"
        )
    return f"{coords(point)}, where the slope is below the tolerance {ctx.tol:g} but not zero"


def _landmark_text(m: Landmark, ctx: Context) -> str:
    """`the local minimum (x, y) where f = v`, plus the global one when this one is not it."""
    text = f"the {m.kind} minimum {coords(m.point)} where f = {m.value:.4g}"
    if m.kind != "global":
        best = min(ctx.landmarks, key=lambda lm: lm.value)
        text += f"; the global minimum is lower, f = {best.value:.4g} at {coords(best.point)}"
    return text


def _divergence_cause(f0: float, f_last: float, f_escape: float, steep: float, ctx: Context) -> str:
    """Why a run blew up: overshooting (the loss grew) or a surface with no floor (it fell)."""
    if np.isfinite(f_escape) and f_escape < f_last:
        return (
            f"The loss kept falling, from {f0:.4g} to {f_escape:.4g}, as the parameters grew: "
            "the surface has no floor along this path, so descent runs off to infinity"
        )
    landed = f"{f_escape:.4g}" if np.isfinite(f_escape) else "more than a float can hold"
    text = (
        f"The step size {ctx.lr:g} is too large: the loss grew from {f0:.4g} to {landed}, "
        "each step overshooting the valley it should settle in"
    )
    if ctx.lr * steep > 2:
        text += (
            f". The steepest curvature at the start is {steep:.3g}, and plain gradient descent "
            f"is stable there only for lr < 2/{steep:.3g} = {2 / steep:.3g}"
        )
    return text


def _unfinished(
    steps: int, grad_norm: float, near: tuple[Landmark, float] | None, ctx: Context
) -> str:
    """A trajectory that used up its steps: how far it got, and what held it back."""
    if ctx.tol == 0:
        text = (
            f"ran all {steps} steps (a tolerance of 0 never stops early): the gradient norm is "
            f"now {grad_norm:.3g}."
        )
    else:
        text = (
            f"stopped after {steps} steps without converging: the gradient norm is still "
            f"{grad_norm:.3g}, above the tolerance {ctx.tol:g}."
        )
    if near is not None:
        text += (
            f" It is {near[1]:.2g} away from the {near[0].kind} minimum {coords(near[0].point)}."
        )
    if ctx.weight_decay > 0:
        text += (
            f" weight_decay = {ctx.weight_decay:g} pulls the parameters towards 0, so the "
            "optimizer settles where that pull balances the slope (∇f ≈ -λw), not where ∇f = 0."
        )
    elif ctx.tol > 0:
        text += " Try more steps or another step size."
    return text
