"""Look a name up in one of the engine's registries, with an error a student can act on."""

from collections.abc import Mapping
from typing import TypeVar

from app.engine.errors import EngineError

T = TypeVar("T")


def lookup(table: Mapping[str, T], name: str, kind: str) -> T:
    """`table[name]`, or EngineError("unknown <kind> 'x'; choose one of: a, b, ...").

    `kind` names the registry (surface, optimizer, ...); the message key is `error.unknown_<kind>`.
    """
    try:
        return table[name]
    except KeyError:
        raise EngineError(f"error.unknown_{kind}", name=name, choices=", ".join(table)) from None
