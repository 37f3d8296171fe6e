"""The HTML pages: the visualizer shell and the offline API docs, in the request's language."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api import assets
from app.api.language import request_lang
from app.i18n import Lang, catalogue

ROOT = Path(__file__).resolve().parents[3]
templates = Jinja2Templates(directory=ROOT / "templates")
router = APIRouter(include_in_schema=False)


def page_words(lang: Lang) -> Callable[[str], str]:
    """`t(key)` for templates: the page's text in `lang` (the page re-renders it on a switch)."""
    words = catalogue(lang)
    return lambda key: words.get(key, key)


def render(request: Request, name: str, extra: dict[str, Any] | None = None) -> HTMLResponse:
    """A template in the request's language (`Accept-Language`); the page may switch later."""
    lang = request_lang(request)
    context = {"lang": lang, "t": page_words(lang), **(extra or {})}
    response = templates.TemplateResponse(request, name, context)
    response.headers["Vary"] = "Accept-Language"
    return response


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The visualizer."""
    return render(request, "index.html", {"plotly_version": assets.plotly_version()})


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for the OpenAPI schema, with no CDN and no inline script."""
    return render(request, "docs.html")
