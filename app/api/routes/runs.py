"""Runs: the whole result at once, or streamed as Server-Sent Events; and starts alone."""

import gzip
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.api.errors import BODY_ERRORS, refusal, unprocessable
from app.api.language import Language, accepts_gzip
from app.api.replies import RunArrays, RunResult, StartsResult
from app.api.runs import prepare, run_arrays, run_lists
from app.api.schemas import RunRequest, StartsRequest
from app.api.streaming import LAST_EVENT_ID, parse_last_event_id, sse_events
from app.config import Settings
from app.engine import starts
from app.engine.errors import EngineError
from app.engine.expression import ExpressionError
from app.engine.session import Run
from app.i18n import Lang

router = APIRouter(prefix="/api/v1", tags=["runs"])
DATA_ERRORS = ("csv", "data", "model", "network")  # key prefixes of errors in the objective


def prepare_or_422(req: RunRequest, settings: Settings, lang: Lang) -> Run:
    """Build the run; the engine's refusals (ValueErrors) become 422s in the request's language."""
    try:
        return prepare(req, settings)
    except EngineError as exc:
        raise refusal(exc, lang, _location(exc, req)) from exc
    except ValueError as exc:  # a check with no catalogue key yet: its English sentence
        raise unprocessable(str(exc)) from exc


def _location(exc: EngineError, req: RunRequest) -> tuple[str, ...]:
    """The field an engine refusal is about (a cap, a per-start list), so the 422 names it."""
    if exc.key.startswith("network.init") or exc.key == "error.init_needs_layers":
        return ("body", "init")  # an init a network cannot take, or one that needs a network
    if isinstance(exc, ExpressionError) or exc.key.split(".")[0] in DATA_ERRORS:
        return ("body", "objective")  # a formula, a data file or a model that cannot fit it
    if exc.key == "error.steps_cap":
        return ("body", "steps")
    if exc.key in ("error.hyper_length", "error.betas_length"):
        return ("body", "optimizer", str(exc.params["field"]))
    if exc.key == "error.starts_cap":
        if req.init is None:
            return ("body", "starts")
        return ("body", "init", "shape" if req.init.kind == "grid" else "count")
    return ("body",)


GZIP_MIN_BYTES = 1024


def _whole_run(req: RunRequest, settings: Settings, lang: Lang, gzip_ok: bool) -> Response:
    """Plan, run, encode and compress, all in this worker thread (never on the event loop)."""
    run = prepare_or_422(req, settings, lang)
    encode = run_arrays if req.format == "arrays" else run_lists
    reply = encode(run, lang, req.explain)
    body = orjson.dumps(reply)
    if gzip_ok and len(body) >= GZIP_MIN_BYTES:
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(gzip.compress(body, 1), media_type="application/json", headers=headers)
    return Response(body, media_type="application/json")


@router.post("/runs", response_model=RunResult | RunArrays, responses=BODY_ERRORS)
def create_run(req: RunRequest, request: Request, lang: Language) -> Response:
    """Run descent to the end and return every trajectory, as lists or typed arrays."""
    gzip_ok = accepts_gzip(request.headers.get("accept-encoding"))
    return _whole_run(req, request.app.state.settings, lang, gzip_ok)


@router.post(
    "/runs/stream",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "SSE frames, then a summary"},
        **BODY_ERRORS,
    },
)
async def stream_run(
    req: RunRequest,
    request: Request,
    lang: Language,
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            description="Resume after this step: the id of the last frame received.",
            pattern=LAST_EVENT_ID,
        ),
    ] = None,
) -> StreamingResponse:
    """Stream the run: one `frame` event per recorded step (id = step), then a `summary`."""
    settings: Settings = request.app.state.settings
    after = parse_last_event_id(last_event_id, lang)
    run = await run_in_threadpool(prepare_or_422, req, settings, lang)
    events = sse_events(
        run,
        after,
        request.app.state.engine_limiter,
        request.app.state.stream_stats,
        settings.frame_batch_seconds,
        request.is_disconnected,
        arrays=req.format == "arrays",
        lang=lang,
        explain=req.explain,
    )
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/starts", responses=BODY_ERRORS)
def create_starts(req: StartsRequest, request: Request, lang: Language) -> StartsResult:
    """Generate starts (Gaussian, uniform or grid) for an objective, without running."""
    init = req.init.model_dump()
    try:
        objective = req.objective.build()
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "objective")) from exc
    try:
        k = starts.count(None, init, objective.dim)
        settings: Settings = request.app.state.settings
        starts.check_count(k, settings.max_starts)
        values = k * objective.dim  # a network's starts are long: bound the reply's numbers
        if values > settings.max_recorded_points:
            limit = f"{settings.max_recorded_points:,}"
            raise EngineError(
                "error.starts_values", count=k, dim=objective.dim, values=f"{values:,}", limit=limit
            )
        w0 = starts.make(None, init, objective.start_region, objective.initialize)
    except EngineError as exc:
        raise unprocessable(exc.render(lang), ("body", "init")) from exc
    return StartsResult(starts=w0.tolist())
