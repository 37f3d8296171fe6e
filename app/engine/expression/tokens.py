"""Split expression text into tokens: numbers, names, operators, parentheses and commas.

Only printable ASCII is understood; anything else (quotes, brackets, dots outside numbers,
semicolons, backticks, non-ASCII letters) is an `ExpressionError` at its column. `**` is read as
the power operator `^`, as in Python.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from app.engine.expression.errors import DEFAULT_LIMITS, ExpressionError, Limits

TokenKind = Literal["number", "name", "op", "(", ")", ",", "end"]

_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_SPACE = frozenset(" \t\r\n")
_OPERATORS = frozenset("+-*/^")
_PUNCTUATION: dict[str, TokenKind] = {"(": "(", ")": ")", ",": ","}


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text as typed, its 1-based column, and a number's value."""

    kind: TokenKind
    text: str
    column: int
    value: float = 0.0


def check_length(text: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse empty or over-long text before any other work is done."""
    if len(text) > limits.max_length:
        raise ExpressionError(
            "expr.too_long", limits.max_length + 1, length=len(text), limit=limits.max_length
        )
    if not text.strip(" \t\r\n"):
        raise ExpressionError("expr.empty", 1)


def tokenize(text: str, limits: Limits = DEFAULT_LIMITS) -> list[Token]:
    """All the tokens of `text`, ending with an "end" token one column past the last character."""
    return list(iter_tokens(text, limits))


def iter_tokens(text: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Token]:
    """The tokens of `text`, scanned lazily, so a parser that stops early reads no further.

    The length is checked at once, before the first token is asked for.
    """
    check_length(text, limits)
    return _scan(text, limits)


def _scan(text: str, limits: Limits) -> Iterator[Token]:
    i = 0
    while i < len(text):
        char = text[i]
        if char in _SPACE:
            i += 1
        elif char in _OPERATORS:
            width = 2 if text.startswith("**", i) else 1
            yield Token("op", text[i : i + width], i + 1)
            i += width
        elif char in _PUNCTUATION:
            yield Token(_PUNCTUATION[char], char, i + 1)
            i += 1
        elif (number := _NUMBER.match(text, i)) is not None:
            yield _number(text, number)
            i = number.end()
        elif (name := _NAME.match(text, i)) is not None:
            yield _name(name, limits)
            i = name.end()
        else:
            raise ExpressionError("expr.unknown_character", i + 1, char=_printable(char))
    yield Token("end", "", len(text) + 1)


def _number(text: str, match: re.Match[str]) -> Token:
    """A number token; "1.2.3", "1e" and "1e999" are errors, "2x" is left to the parser."""
    start, end = match.span()
    if end < len(text) and text[end] in ".eE":
        raise ExpressionError("expr.bad_number", start + 1, text=text[start : end + 1])
    value = float(match.group())
    if not math.isfinite(value):
        raise ExpressionError("expr.number_too_large", start + 1, text=match.group())
    return Token("number", match.group(), start + 1, value)


def _name(match: re.Match[str], limits: Limits) -> Token:
    """A name token: it starts with a letter (so never a dunder) and is short."""
    name, column = match.group(), match.start() + 1
    if name.startswith("_"):
        raise ExpressionError("expr.bad_name", column, name=name[: limits.max_name + 1])
    if len(name) > limits.max_name:
        raise ExpressionError(
            "expr.name_too_long", column, name=name[: limits.max_name] + "…", limit=limits.max_name
        )
    return Token("name", name, column)


def _printable(char: str) -> str:
    """The character itself when printable, else its code point (U+0007) so it shows."""
    return char if char.isprintable() and char != '"' else f"U+{ord(char):04X}"
