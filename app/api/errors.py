"""Error replies that name the field and say what is allowed, in the request's language.

Every error body is `{"detail": ..., "message": "one readable line"}`. Validation errors keep
FastAPI's `detail` list (location, type, English text) and add `message`, rendered from the
catalogue of the request's language (`pydantic.<type>` keys, or the engine's own key). A typed
expression's error also says where: `column` (1-based, or null) and its message `key`.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.language import request_lang
from app.api.objectives import OBJECTIVE_KINDS
from app.engine.errors import EngineError
from app.engine.expression import ExpressionError
from app.engine.objectives.base import Objective
from app.engine.optimizers import OPTIMIZERS
from app.engine.types import Array
from app.i18n import Lang, catalogue, translate

Obj = TypeVar("Obj", bound=Objective)


class ErrorReply(BaseModel):
    """An error: FastAPI's `detail`, and `message`, one line a student can act on."""

    detail: Any
    message: str
    column: int | None = Field(
        None, description="For a typed expression: the 1-based column of the problem, or null."
    )
    key: str | None = Field(None, description="For a typed expression: the message's key.")


Responses = dict[int | str, dict[str, Any]]
INVALID: Responses = {
    422: {"model": ErrorReply, "description": "A field is out of range or inconsistent"},
}
BODY_ERRORS: Responses = {
    413: {"model": ErrorReply, "description": "The body is larger than the limit"},
    **INVALID,
}
NOT_FOUND: Responses = {404: {"model": ErrorReply, "description": "Unknown surface"}}


def unprocessable(message: str, loc: tuple[str, ...] = ("body",)) -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors."""
    return HTTPException(422, detail=[{"loc": list(loc), "msg": message, "type": "value_error"}])


class Refusal(HTTPException):
    """A 422 with more to say at the top level of its body (an expression's column and key)."""

    def __init__(self, message: str, loc: tuple[str, ...], extra: dict[str, Any]) -> None:
        super().__init__(422, detail=[{"loc": list(loc), "msg": message, "type": "value_error"}])
        self.extra = extra


# The field of a typed objective (or of a graph request) that each expression error is about.
EXPRESSION_FIELDS = {
    "expr.variables": "variables",
    "expr.domain": "domain",
    "expr.values": "values",
}


def expression_field(err: ExpressionError) -> str:
    """`expression` for a problem with the text, else the field at fault (`variables`, ...)."""
    return EXPRESSION_FIELDS.get(err.key, "expression")


def refusal(exc: EngineError, lang: Lang, loc: tuple[str, ...] = ("body",)) -> HTTPException:
    """A 422 for an engine refusal about `loc`, in `lang`.

    An expression's error is about a field under `loc` (`objective.expression`,
    `objective.variables`, ...) and also gives its column and key.
    """
    if isinstance(exc, ExpressionError):
        where = (*loc, expression_field(exc))
        return Refusal(exc.render(lang), where, {"column": exc.column, "key": exc.key})
    return unprocessable(exc.render(lang), loc)


# Tags of the request's unions: optimizer names, kinds of init, a hyperparameter given once or
# once per start, and a generated data set. The objective's tag is its own key, and a CSV
# file's is its `csv` field, so they show as repeats.
TAGS = frozenset(OPTIMIZERS) | {
    *("gaussian", "uniform", "grid", "zeros", "xavier", "he"),
    *("one", "many", "generated"),
}


def _where(error: dict[str, Any]) -> str:
    """`optimizer.lr` from FastAPI's location (no body/query/header, no union tags).

    A tagged union puts its tag in the location: `optimizer.sgd.lr`, `init.gaussian.std`,
    `optimizer.lr.many.0`, and `objective.surface.surface` (the objective's tag is its key),
    `objective.expression.variables.0` (a field beside the key), `objective.expression` (the
    whole formula). List indices are kept: `starts.0.0` is the first coordinate of the first
    start.
    """
    kept: list[str] = []
    parts = error.get("loc", ())[1:]  # [0] is body, query, path or header
    for i, part in enumerate(parts):
        if isinstance(part, str) and (part in TAGS or (kept and kept[-1] == part)):
            continue
        following = parts[i + 1] if i + 1 < len(parts) else part
        if kept[-1:] == ["objective"] and part in OBJECTIVE_KINDS and following != part:
            continue  # the objective's tag, followed by a field other than its key
        kept.append(str(part))
    return ".".join(kept)


def _text(error: dict[str, Any], lang: Lang) -> str:
    """The message of one validation error in `lang`."""
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    loc = [str(p).lower() for p in error.get("loc", ())]
    if loc[:2] == ["header", "last-event-id"]:
        return translate(lang, "error.last_event_id", value=repr(error.get("input")))
    if kind == "json_invalid":
        position = loc[-1] if len(loc) > 1 else "?"
        return translate(lang, "error.json_invalid", error=ctx.get("error", ""), position=position)
    if kind == "objective_kind":
        return translate(lang, "error.objective_kind")
    err = ctx.get("error")
    if isinstance(err, EngineError):
        return err.render(lang)
    key = f"pydantic.{kind}"
    if key in catalogue(lang):
        try:
            return translate(lang, key, **{k: _plain(v) for k, v in ctx.items()})
        except (KeyError, IndexError):
            pass
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def _plain(value: object) -> str:
    """A context value as text."""
    return str(value)


def _line(error: dict[str, Any], lang: Lang) -> str:
    """`optimizer.lr: Input should be less than or equal to 100`.

    A message that already starts with the field's name is not prefixed again.
    """
    where, text = _where(error), _text(error, lang)
    if (
        error.get("type") == "json_invalid"
        or not where
        or text.startswith((f"{where} ", f"{where}:", f"{where}："))  # "：" in Chinese
    ):
        return text
    return f"{where}: {text}"


def _clean(error: dict[str, Any]) -> dict[str, Any]:
    """Drop the echo of the input (it may hold NaN) and pydantic's internal context."""
    return {k: v for k, v in error.items() if k in ("loc", "msg", "type")}


def _expression_error(error: dict[str, Any]) -> ExpressionError | None:
    """The typed expression's error behind a validation error, if that is what it is."""
    err = (error.get("ctx") or {}).get("error")
    return err if isinstance(err, ExpressionError) else None


def _at_expression_field(error: dict[str, Any], err: ExpressionError) -> dict[str, Any]:
    """The error located at the field it is about: the variant's tag and its text field share
    the name `expression`, so `objective.expression.expression` becomes `objective.expression`,
    and a check of the whole variant lands on `objective.variables` or `objective.domain`."""
    loc: list[Any] = []
    for part in error.get("loc", ()):
        if not (loc and loc[-1] == part == "expression"):
            loc.append(part)
    if loc and loc[-1] == "expression":
        loc[-1] = expression_field(err)
    return {**error, "loc": tuple(loc)}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's validation errors, with a `message` summarising them in the request's language.

    When a typed expression is at fault, the body also has the first such error's `column` and
    `key`, so a page can point at the character.
    """
    assert isinstance(exc, RequestValidationError)
    lang = request_lang(request)
    errors = [dict(e) for e in exc.errors()]
    found = [(i, err) for i, e in enumerate(errors) if (err := _expression_error(e)) is not None]
    for i, err in found:
        errors[i] = _at_expression_field(errors[i], err)
    message = "; ".join(_line(e, lang) for e in errors)
    body: dict[str, Any] = {"detail": [_clean(e) for e in errors], "message": message}
    if found:
        body |= {"column": found[0][1].column, "key": found[0][1].key}
    return JSONResponse(body, 422)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """HTTP errors as JSON with a `message`; 422 details keep FastAPI's list shape."""
    assert isinstance(exc, StarletteHTTPException)
    lang = request_lang(request)
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        return _not_utf8(exc.__cause__, lang)
    detail = exc.detail
    lines = [_line(e, lang) for e in detail] if isinstance(detail, list) else [str(detail)]
    body = {"detail": detail, "message": "; ".join(lines), **getattr(exc, "extra", {})}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def _not_utf8(cause: UnicodeDecodeError, lang: Lang) -> JSONResponse:
    """A body that is not UTF-8 is malformed JSON: a 422 like any other, not FastAPI's 400."""
    message = translate(lang, "error.body_not_utf8", position=cause.start)
    detail = [{"loc": ["body", cause.start], "msg": message, "type": "json_invalid"}]
    return JSONResponse({"detail": detail, "message": message}, status_code=422)


def built_at(build: Callable[[], Obj], point: Sequence[float], lang: Lang) -> tuple[Obj, Array]:
    """An objective built from its spec, and a point of it as an array; a 422 naming the field
    at fault (`objective`, or `point` when its length is not the objective's dimension)."""
    try:
        objective = build()
    except EngineError as exc:
        raise refusal(exc, lang, ("body", "objective")) from exc
    if len(point) != objective.dim:
        wrong = EngineError("error.coordinates", field="point", dim=objective.dim, got=len(point))
        raise refusal(wrong, lang, ("body", "point"))
    return objective, np.array(point, dtype=np.float64)
