"""Plotly.js and Swagger UI, straight from their Python packages: compressed and cacheable."""

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response

from app.api import assets, cached

router = APIRouter(prefix="/vendor", include_in_schema=False)
IMMUTABLE = "public, max-age=31536000, immutable"
SWAGGER_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
}


def serve(request: Request, path: Path, media_type: str, cache_control: str) -> Response:
    """Send a compressed asset, or 304 when the client already has this version."""
    return cached.send(request, assets.load(path), cache_control, media_type)


@router.api_route("/plotly-{version}.min.js", methods=["GET", "HEAD"])
def plotly_js(version: str, request: Request) -> Response:
    """Plotly.js; the version in the URL makes it safe to cache forever."""
    if version != assets.plotly_version():
        raise HTTPException(404, f"this server has plotly.js {assets.plotly_version()}")
    return serve(request, assets.PLOTLY_JS, "text/javascript", IMMUTABLE)


@router.api_route("/swagger/{name}", methods=["GET", "HEAD"])
def swagger_file(name: str, request: Request) -> Response:
    """Swagger UI's script and stylesheet, for the offline API docs."""
    if name not in SWAGGER_FILES:
        raise HTTPException(404, "no such file")
    return serve(request, assets.SWAGGER_DIR / name, SWAGGER_FILES[name], "public, max-age=86400")
