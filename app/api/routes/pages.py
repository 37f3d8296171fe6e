"""The HTML pages: the visualizer shell and the offline API docs, in the request's language.

A page depends only on its language, so each is rendered and compressed once per process
(`warm` does it at start-up) and served from memory, with an ETag for revalidation.
"""

from collections.abc import Callable
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.api import assets, cached
from app.api.language import request_lang
from app.i18n import LANGS, Lang, catalogue

ROOT = Path(__file__).resolve().parents[3]
templates = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape())
router = APIRouter(include_in_schema=False)
PAGES = ("index.html", "docs.html")


def page_words(lang: Lang) -> Callable[[str], str]:
    """`t(key)` for templates: the page's text in `lang` (the page re-renders it on a switch)."""
    words = catalogue(lang)
    return lambda key: words.get(key, key)


@cache
def rendered(name: str, lang: Lang) -> cached.Encoded:
    """A template rendered in `lang` and compressed."""
    context = {"lang": lang, "t": page_words(lang), "plotly_version": assets.plotly_version()}
    return cached.pack(templates.get_template(name).render(context).encode(), level=9)


def warm() -> None:
    """Render every page in every language now, before the first visitor asks."""
    for name in PAGES:
        for lang in LANGS:
            rendered(name, lang)


def render(request: Request, name: str) -> Response:
    """A page in the request's language (`Accept-Language`); the page may switch later."""
    page = rendered(name, request_lang(request))
    return cached.send(request, page, "no-cache", "text/html; charset=utf-8", cached.BY_LANGUAGE)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> Response:
    """The visualizer."""
    return render(request, "index.html")


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> Response:
    """Swagger UI for the OpenAPI schema, with no CDN and no inline script."""
    return render(request, "docs.html")
