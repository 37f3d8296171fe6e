"""422 replies that name the field and say what is allowed, in one readable line too."""

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


def _line(error: dict[str, Any]) -> str:
    """`optimizer.lr: Input should be less than or equal to 100`."""
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
    msg = str(error.get("msg", "invalid"))
    if error.get("type") == "json_invalid":
        return f"the body is not valid JSON ({msg} at character {loc[-1] if loc else '?'})"
    return f"{'.'.join(loc)}: {msg}" if loc else msg


def _clean(error: dict[str, Any]) -> dict[str, Any]:
    """Drop the echo of the input (it may hold NaN) and pydantic's internal context."""
    return {k: v for k, v in error.items() if k in ("loc", "msg", "type")}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's validation errors, with a `message` summarising them."""
    assert isinstance(exc, RequestValidationError)
    errors = [_clean(dict(e)) for e in exc.errors()]
    message = "; ".join(_line(e) for e in errors)
    return JSONResponse({"detail": errors, "message": message}, status_code=422)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """HTTP errors as JSON with a `message`; 422 details keep FastAPI's list shape."""
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    message = "; ".join(_line(e) for e in detail) if isinstance(detail, list) else str(detail)
    return JSONResponse(
        {"detail": detail, "message": message}, status_code=exc.status_code, headers=exc.headers
    )
