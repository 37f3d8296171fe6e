"""Translate a RunRequest into one engine call, and engine output into replies.

Two reply formats: `lists` (JSON lists per trajectory, the default) and `arrays` (typed arrays,
base64 of little-endian values, as Plotly reads them). Neither ever holds NaN or Infinity.
With `explain` false the sentences are left out, and so is their cost: `messages` is empty in
the arrays format, and each trajectory's `message` is "" in lists and in a stream's summary.
"""

import base64
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from app.api.schemas import RunRequest
from app.config import Settings
from app.engine.runner import STATUSES, Frame
from app.engine.session import Collected, Limits, Run, RunPlan, start_run
from app.engine.types import Array
from app.i18n import Lang


def limits_of(settings: Settings) -> Limits:
    """The engine's caps for one app."""
    return Limits(
        max_starts=settings.max_starts,
        max_steps=settings.max_steps,
        max_work=settings.max_point_steps,
        max_recorded_points=settings.max_recorded_points,
    )


def plan_of(req: RunRequest) -> RunPlan:
    """The engine's plan for a request."""
    init = req.init.model_dump() if req.init is not None else None
    return RunPlan(
        objective=req.objective.build(),
        optimizer=req.optimizer.name,
        hyper=req.optimizer.model_dump(exclude={"name"}),
        points=req.starts,
        init=init,
        steps=req.steps,
        every=req.every,
        tol=req.tol,
        bound=req.bound,
        record_grad=req.include_grad,
    )


def prepare(req: RunRequest, settings: Settings) -> Run:
    """The run a request asks for; EngineError (a ValueError) when it must be refused."""
    return start_run(plan_of(req), limits_of(settings))


def typed(
    values: npt.ArrayLike, dtype: str, shape: tuple[int, ...] | None = None
) -> dict[str, str]:
    """Plotly's typed-array form: base64 of little-endian `dtype` values (f8, f4, i4, u1)."""
    data = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<"))
    out = {"dtype": dtype, "bdata": base64.b64encode(data.tobytes()).decode()}
    if shape is not None:
        out["shape"] = ",".join(map(str, shape))
    return out


def _finite(values: Array) -> Array:
    """Non-finite values replaced by -1 (used for norms, which are never negative)."""
    return np.where(np.isfinite(values), values, -1.0)


def _loss_arrays(loss: Array) -> dict[str, dict[str, str]]:
    """`loss` with non-finite entries as 0, and `loss_finite` flagging the real ones."""
    finite = np.isfinite(loss)
    return {"loss": typed(np.where(finite, loss, 0.0), "f8"), "loss_finite": typed(finite, "u1")}


def _maybe(values: Array) -> list[float | None]:
    """A list with None where a value is not finite."""
    return [v if np.isfinite(v) else None for v in values.tolist()]


def frame_payload(frame: Frame, arrays: bool = False) -> dict[str, Any]:
    """One stream frame, as arrays to encode as JSON lists, or as typed arrays."""
    n, p = frame.points.shape
    if arrays:
        out: dict[str, Any] = {
            "step": frame.step,
            "index": typed(frame.index, "i4"),
            "points": typed(frame.points, "f8", (n, p)),
            **_loss_arrays(frame.loss),
        }
        if frame.grad is not None:
            out["grad"] = typed(frame.grad, "f8", (n, p))
    else:  # NumPy arrays, for orjson's OPT_SERIALIZE_NUMPY (NaN and infinities become null)
        out = {
            "step": frame.step,
            "index": np.ascontiguousarray(frame.index),
            "points": np.ascontiguousarray(frame.points),
            "loss": np.ascontiguousarray(frame.loss),
        }
        if frame.grad is not None:
            out["grad"] = np.ascontiguousarray(frame.grad)
    _add_extras(out, frame, arrays)
    return out


def encode_frame(frame: Frame, arrays: bool = False) -> bytes:
    """One frame as a line of JSON, straight from its arrays."""
    return orjson.dumps(frame_payload(frame, arrays), option=orjson.OPT_SERIALIZE_NUMPY)


def _add_extras(out: dict[str, Any], frame: Frame, arrays: bool) -> None:
    """A mini-batch's loss and an objective's diagnostics, when the frame has them."""
    batch_loss = getattr(frame, "batch_loss", None)
    if batch_loss is not None:
        out["batch_loss"] = typed(batch_loss, "f8") if arrays else _maybe(batch_loss)
    diagnostics = getattr(frame, "diagnostics", None) or {}
    if diagnostics:
        out["diagnostics"] = {
            name: typed(_finite(v), "f8", v.shape) if arrays else _finite(v).tolist()
            for name, v in diagnostics.items()
        }


def summary_payload(run: Run, lang: Lang, explain: bool = True) -> list[dict[str, Any]]:
    """How each trajectory ended, with its explanation in `lang` (or "" without `explain`)."""
    summary = run.summary()
    messages = run.explain(lang) if explain else [""] * len(summary.status)
    statuses = [STATUSES[code] for code in summary.status.tolist()]
    return [
        {
            "status": status,
            "steps_taken": taken,
            "point": point,
            "loss": loss if np.isfinite(loss) else None,
            "grad_norm": norm if np.isfinite(norm) else None,
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


def run_lists(run: Run, lang: Lang, explain: bool = True) -> dict[str, Any]:
    """The whole run, one entry per trajectory with JSON lists."""
    got = run.collect()
    cuts = got.offsets[1:-1]

    def split(values: npt.NDArray[Any]) -> list[Any]:
        return [chunk.tolist() for chunk in np.split(values, cuts)]

    columns: dict[str, list[Any]] = {
        "steps": split(got.steps),
        "points": split(got.points),
        "loss": [_maybe(chunk) for chunk in np.split(got.loss, cuts)],
    }
    if got.grad is not None:
        columns["grad"] = split(got.grad)
    trajectories = []
    for i, end in enumerate(summary_payload(run, lang, explain)):
        item = {name: values[i] for name, values in columns.items()}
        item.update((key, end[key]) for key in ("status", "steps_taken", "grad_norm", "message"))
        trajectories.append(item)
    return {"trajectories": trajectories}


def run_arrays(run: Run, lang: Lang, explain: bool = True) -> dict[str, Any]:
    """The whole run as typed arrays (see `schemas.RunArrays`)."""
    got: Collected = run.collect()
    s = got.summary
    n, p = got.points.shape
    out: dict[str, Any] = {
        "format": "arrays",
        "dim": p,
        "offsets": typed(got.offsets, "i4"),
        "steps": typed(got.steps, "i4"),
        "points": typed(got.points, "f8", (n, p)),
        **_loss_arrays(got.loss),
        "statuses": list(STATUSES),
        "status": typed(s.status, "u1"),
        "steps_taken": typed(s.steps_taken, "i4"),
        "grad_norm": typed(_finite(s.grad_norm), "f8"),
        "messages": run.explain(lang) if explain else [],
    }
    if got.grad is not None:
        out["grad"] = typed(got.grad, "f8", (n, p))
    return out
