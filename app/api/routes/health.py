"""Liveness for the container HEALTHCHECK and load balancers."""

from fastapi import APIRouter, Request

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def read_health(request: Request) -> dict[str, object]:
    """Cheap and never blocked by engine work: answers from the event loop."""
    stats = request.app.state.stream_stats
    return {"status": "ok", "active_streams": stats.active, "frames_sent": stats.frames_sent}
