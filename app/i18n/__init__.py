"""Message catalogues, one JSON file per language, shared by the page and the API's sentences.

Keys are dotted names (`page.run`, `outcome.converged`, `error.steps_cap`); values are
templates with `{name}` placeholders, filled by name, never by concatenation. The standard
library only, so the engine's callers and the web edge can both use it.
"""

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
DEFAULT: Lang = "en"
HERE = Path(__file__).resolve().parent


@cache
def catalogue(lang: Lang) -> Mapping[str, str]:
    """The catalogue of one language, read once."""
    data: dict[str, str] = json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def translate(lang: Lang, key: str, **params: object) -> str:
    """The message `key` in `lang`, with its `{name}` placeholders filled from `params`."""
    return catalogue(lang)[key].format(**params)


_TAG = re.compile(r"([a-zA-Z]{1,8})(?:-[a-zA-Z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?")


def negotiate(accept_language: str | None) -> Lang:
    """The best of our languages for an `Accept-Language` header; English when none fits."""
    best: tuple[float, Lang] = (0.0, DEFAULT)
    for part in (accept_language or "").split(","):
        match = _TAG.fullmatch(part.strip())
        if not match:
            continue
        primary = match.group(1).lower()
        try:
            q = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            continue
        if primary in LANGS and q > best[0]:
            best = (q, "zh" if primary == "zh" else "en")
    return best[1]
