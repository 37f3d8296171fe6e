"""Runs: the whole result at once, or streamed as Server-Sent Events."""

from typing import Annotated

import orjson
from fastapi import APIRouter, Header, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.api.runs import (
    PreparedRun,
    check_start_count,
    count_starts,
    make_starts,
    prepare,
    run_to_end,
)
from app.api.schemas import RunRequest, RunResult, StartsRequest, StartsResult
from app.api.streaming import parse_last_event_id, sse_events
from app.config import Settings
from app.engine.objectives.surfaces import get_surface

router = APIRouter(prefix="/api/v1", tags=["runs"])


def unprocessable(message: str, loc: tuple[str, ...] = ("body",)) -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors, plus a one-line message."""
    return HTTPException(422, detail=[{"loc": list(loc), "msg": message, "type": "value_error"}])


def prepare_or_422(req: RunRequest, settings: Settings) -> PreparedRun:
    """Build the run; engine ValueErrors become 422s with the engine's message."""
    try:
        return prepare(req, settings)
    except ValueError as exc:
        raise unprocessable(str(exc)) from exc


@router.post("/runs", response_model=RunResult)
def create_run(req: RunRequest, request: Request) -> Response:
    """Run descent to the end and return every trajectory."""
    run = prepare_or_422(req, request.app.state.settings)
    return Response(
        orjson.dumps(run_to_end(run), option=orjson.OPT_SERIALIZE_NUMPY),
        media_type="application/json",
    )


@router.post(
    "/runs/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE frames"}},
)
async def stream_run(
    req: RunRequest,
    request: Request,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Stream the run: one `frame` event per recorded step (id = step), then a `summary`."""
    settings: Settings = request.app.state.settings
    try:
        after = parse_last_event_id(last_event_id)
    except ValueError as exc:
        raise unprocessable(str(exc), ("header", "Last-Event-ID")) from exc
    run = await run_in_threadpool(prepare_or_422, req, settings)
    events = sse_events(
        run,
        after,
        request.app.state.engine_limiter,
        request.app.state.stream_stats,
        settings.frame_batch_seconds,
        request.is_disconnected,
    )
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/starts")
def create_starts(req: StartsRequest, request: Request) -> StartsResult:
    """Generate starts (Gaussian, uniform or grid) for an objective, without running."""
    (x0, x1), (y0, y1) = get_surface(req.objective.surface).domain
    try:
        check_start_count(count_starts(None, req.init), request.app.state.settings)
        w0 = make_starts(None, req.init, [x0, y0], [x1, y1])
    except ValueError as exc:
        raise unprocessable(str(exc), ("body", "init")) from exc
    return StartsResult(starts=w0.tolist())
