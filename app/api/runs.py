"""Turn a RunRequest into an engine run, and engine output into JSON-ready replies."""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.api.schemas import GaussianInit, GridInit, InitSpec, RunRequest, UniformInit
from app.config import Settings
from app.engine import optimizers, starts
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.outcomes import Context, Landmark, describe_all
from app.engine.runner import STATUSES, Descent, Frame, RunConfig
from app.engine.types import Array


@dataclass(frozen=True)
class PreparedRun:
    """A run ready to iterate, with what its explanations need."""

    descent: Descent
    starts: Array
    context: Context


def prepare(req: RunRequest, settings: Settings) -> PreparedRun:
    """Build the run, or raise ValueError with a message a student can act on."""
    surface = get_surface(req.objective.surface)
    objective = SurfaceObjective(surface)
    (x0, x1), (y0, y1) = surface.domain
    _check_budget(count_starts(req.starts, req.init), req, settings)
    w0 = make_starts(req.starts, req.init, [x0, y0], [x1, y1])
    rule = optimizers.get_rule(req.optimizer.name)
    hp = rule.hyper(**req.optimizer.model_dump(exclude={"name"}))
    optimizers.validate(hp)
    bound = req.bound if req.bound is not None else 1e3 * max(abs(x0), abs(x1), abs(y0), abs(y1))
    if np.abs(w0).max() > bound:
        raise ValueError(
            f"every start must lie within ±bound = ±{bound:g}, where a run counts as diverged; "
            "move the start or pass a larger 'bound'"
        )
    config = RunConfig(req.steps, req.every, req.tol, bound, req.include_grad)
    landmarks = [Landmark(m.point, m.value, m.kind) for m in surface.minima]
    radius = 1e-3 * max(x1 - x0, y1 - y0)
    context = Context(
        objective, rule.name, hp.lr, req.tol, bound, landmarks, radius, hp.weight_decay
    )
    return PreparedRun(Descent(objective, rule, hp, w0, config), w0, context)


def count_starts(points: list[list[float]] | None, init: InitSpec | None) -> int:
    """How many starts a request asks for, known before any are made."""
    if init is None:
        return len(points or [])
    if isinstance(init, GridInit):
        return math.prod(init.shape)
    return init.count


def make_starts(
    points: list[list[float]] | None, init: InitSpec | None, low: list[float], high: list[float]
) -> Array:
    """The start batch asked for: explicit points or generated ones (defaults: the domain).

    Every point must have len(low) coordinates; the caller has already bounded the count.
    """
    dim = len(low)
    for field, value in _coordinate_fields(points, init):
        if len(value) != dim:
            raise ValueError(f"{field} must have {dim} coordinates, got {len(value)}")
    if init is None:
        if points is None:
            raise ValueError("give exactly one of 'starts' (a list of points) or 'init'")
        return starts.as_batch(points)
    if isinstance(init, GaussianInit):
        centre = [(a + b) / 2 for a, b in zip(low, high, strict=True)]
        mean = init.mean if init.mean is not None else centre
        return starts.gaussian(mean, init.std, init.count, init.seed)
    lo = init.low if init.low is not None else low
    hi = init.high if init.high is not None else high
    if isinstance(init, UniformInit):
        return starts.uniform(lo, hi, init.count, init.seed)
    assert isinstance(init, GridInit)
    return starts.grid(lo, hi, init.shape)


def _coordinate_fields(
    points: list[list[float]] | None, init: InitSpec | None
) -> Iterator[tuple[str, list[float] | list[int]]]:
    """Each given list that must hold one entry per coordinate, with its field name."""
    for i, point in enumerate(points or []):
        yield f"starts[{i}]", point
    if init is None:
        return
    for field in ("mean", "low", "high", "shape"):
        value = getattr(init, field, None)
        if value is not None:
            yield f"init.{field}", value


def check_start_count(k: int, settings: Settings) -> None:
    """Refuse more starts than the limit, before making any."""
    if k > settings.max_starts:
        raise ValueError(f"{k:,} starts is more than the limit of {settings.max_starts:,}")


def _check_budget(k: int, req: RunRequest, settings: Settings) -> None:
    """Refuse runs whose work or output would be unbounded in practice."""
    check_start_count(k, settings)
    work = k * req.steps
    if work > settings.max_point_steps:
        raise ValueError(
            f"starts × steps = {work:,} is more than the limit of {settings.max_point_steps:,}: "
            "use fewer starts or fewer steps"
        )
    recorded = k * (req.steps // req.every + 2)
    if recorded > settings.max_recorded_points:
        raise ValueError(
            f"this run would record up to {recorded:,} points (starts × (steps/every + 2)), "
            f"more than the limit of {settings.max_recorded_points:,}: raise 'every' to record "
            "less often, or use fewer starts"
        )


def frame_payload(frame: Frame) -> dict[str, Any]:
    """One stream frame as plain lists."""
    out: dict[str, Any] = {
        "step": frame.step,
        "index": frame.index.tolist(),
        "points": frame.points.tolist(),
        "loss": frame.loss.tolist(),
    }
    if frame.grad is not None:
        out["grad"] = frame.grad.tolist()
    return out


def summary_payload(run: PreparedRun) -> list[dict[str, Any]]:
    """How each trajectory ended, with its explanation."""
    summary = run.descent.summary()
    messages = describe_all(summary, run.starts, run.context)
    statuses = [STATUSES[code] for code in summary.status.tolist()]
    return [
        {
            "status": status,
            "steps_taken": taken,
            "point": point,
            "loss": loss,
            "grad_norm": norm,
            "message": message,
        }
        for status, taken, point, loss, norm, message in zip(
            statuses,
            summary.steps_taken.tolist(),
            summary.point.tolist(),
            summary.loss.tolist(),
            summary.grad_norm.tolist(),
            messages,
            strict=True,
        )
    ]


def run_to_end(run: PreparedRun) -> dict[str, Any]:
    """Iterate the whole run and group the recorded frames by trajectory."""
    frames = list(run.descent.frames())
    index = np.concatenate([f.index for f in frames])
    order = np.argsort(index, kind="stable")
    cuts = np.cumsum(np.bincount(index, minlength=run.starts.shape[0]))[:-1]

    def per_trajectory(parts: list[Any]) -> list[Any]:
        return [chunk.tolist() for chunk in np.split(np.concatenate(parts)[order], cuts)]

    columns = {
        "steps": per_trajectory([np.full(f.index.size, f.step) for f in frames]),
        "points": per_trajectory([f.points for f in frames]),
        "loss": per_trajectory([f.loss for f in frames]),
    }
    if frames[0].grad is not None:
        columns["grad"] = per_trajectory([f.grad for f in frames])
    trajectories = []
    for i, end in enumerate(summary_payload(run)):
        item = {name: values[i] for name, values in columns.items()}
        item.update((key, end[key]) for key in ("status", "steps_taken", "grad_norm", "message"))
        trajectories.append(item)
    return {"trajectories": trajectories}
