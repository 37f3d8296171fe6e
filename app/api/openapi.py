"""Each app's OpenAPI document, stating that app's own limits.

The request schemas accept up to fixed ceilings (`config.CEILINGS`); an app enforces its own,
smaller settings. This writes those settings into the document wherever a ceiling appears, so
the document says exactly what the app accepts.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.config import CEILINGS, Settings


def _limits(settings: Settings) -> dict[int, int]:
    """Each ceiling and the app's limit that replaces it."""
    return {
        CEILINGS.max_steps: settings.max_steps,
        CEILINGS.max_starts: settings.max_starts,
        CEILINGS.max_resolution: settings.max_resolution,
    }


def _patch(node: Any, limits: dict[int, int]) -> None:
    """Replace ceilings in `maximum` and `maxItems` throughout a schema, in place."""
    if isinstance(node, dict):
        for key in ("maximum", "maxItems"):
            value = node.get(key)
            if isinstance(value, int | float) and value in limits:
                node[key] = limits[int(value)]
        for child in node.values():
            _patch(child, limits)
    elif isinstance(node, list):
        for child in node:
            _patch(child, limits)


def _drop_automatic_422(schema: dict[str, Any]) -> None:
    """Remove the 422 FastAPI adds to every operation that has parameters.

    Operations that can answer 422 declare it themselves, with `ErrorReply`; the automatic one
    (`HTTPValidationError`) is left only where nothing can be invalid, such as a surface's name,
    which is answered with 404 when unknown.
    """
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        reply = operation["responses"].get("422", {})
        if "HTTPValidationError" in str(reply.get("content", "")):
            del operation["responses"]["422"]
    components = schema.get("components", {}).get("schemas", {})
    if "HTTPValidationError" not in str(schema["paths"]):
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)


def document(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The app's OpenAPI document (built once)."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        _patch(schema, _limits(settings))
        _drop_automatic_422(schema)
        app.openapi_schema = schema
    return app.openapi_schema
