"""The HTML pages: the visualizer shell and the offline API docs."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api import assets

ROOT = Path(__file__).resolve().parents[3]
templates = Jinja2Templates(directory=ROOT / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The visualizer."""
    return templates.TemplateResponse(
        request, "index.html", {"plotly_version": assets.plotly_version()}
    )


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for the OpenAPI schema, with no CDN and no inline script."""
    return templates.TemplateResponse(request, "docs.html", {})
