"""Look a name up in one of the engine's registries, with an error a student can act on."""

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def lookup(table: Mapping[str, T], name: str, kind: str) -> T:
    """`table[name]`, or ValueError("unknown <kind> 'x'; choose one of: a, b, ...")."""
    try:
        return table[name]
    except KeyError:
        choices = ", ".join(table)
        raise ValueError(f"unknown {kind} {name!r}; choose one of: {choices}") from None
