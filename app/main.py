"""create_app(): wiring only."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from app.api import assets, errors
from app.api.middleware import BodyLimit, NegotiatedGZip, SecurityHeaders
from app.api.openapi import document
from app.api.routes import (
    catalogue,
    data,
    gradients,
    health,
    landscape,
    lessons,
    models,
    network,
    objectives,
    pages,
    runs,
    share,
    vendor,
)
from app.api.static import FileCache, StaticAssets
from app.api.streaming import StreamStats
from app.config import SETTINGS, Settings

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTION = """Gradient descent on any objective, with the optimizers of `torch.optim`.

`POST /api/v1/runs` returns whole trajectories; `POST /api/v1/runs/stream` sends the same run
as Server-Sent Events and resumes from `Last-Event-ID`. Every run is a pure function of its
request: the same request gives the same numbers on any server. An objective is a surface, a
quadratic, or a typed formula; `POST /api/v1/graph` shows a formula's backprop graph, and
`POST /api/v1/gradcheck` checks any objective's gradient against finite differences.
"""


def warm(files: FileCache) -> None:
    """Read and compress the page, its files and Plotly.js before the first visitor asks."""
    files.warm()
    pages.warm()
    assets.load(assets.PLOTLY_JS)


def create_app(settings: Settings = SETTINGS) -> FastAPI:
    """The gdviz application."""
    files = FileCache(ROOT / "static")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine_limiter = anyio.CapacityLimiter(settings.engine_threads)
        app.state.timing_limiter = anyio.CapacityLimiter(1)  # live timings, one at a time
        await anyio.to_thread.run_sync(warm, files)
        yield

    app = FastAPI(
        title="gdviz",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.stream_stats = StreamStats()
    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_exception_handler(HTTPException, errors.http_error)
    routers = (pages, catalogue, objectives, runs, gradients, data, landscape, models, network)
    for module in (*routers, health, vendor):
        app.include_router(module.router)
    app.include_router(lessons.router)
    app.include_router(share.router)
    app.add_middleware(NegotiatedGZip, minimum_size=1024, compresslevel=5)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(StaticAssets, files=files)  # the page's files skip routing and gzip
    app.add_middleware(SecurityHeaders)
    app.openapi = lambda: document(app, settings)  # type: ignore[method-assign]
    return app


app = create_app()
