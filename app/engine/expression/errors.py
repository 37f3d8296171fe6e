"""The one error an expression can raise, and the bounds that keep parsing cheap."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.engine.errors import EngineError


class ExpressionError(EngineError):
    """A typed expression that cannot be used, with a message a student can act on.

    key: the message id in the catalogues (e.g. "expr.unexpected"); params: the values its
    template names (they include `column` when the template shows one); column: the 1-based
    character position the problem was found at, or None when no single position applies.
    `str(err)` is the English sentence; `err.render("zh")` gives the Chinese one.
    """

    def __init__(self, key: str, column: int | None = None, **params: object) -> None:
        self.column = column
        full: Mapping[str, object] = (
            {**params, "column": column} if column is not None else dict(params)
        )
        super().__init__(key, **full)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by key and params (the default would replay only the message)."""
        params = {k: v for k, v in self.params.items() if k != "column"}
        return (_rebuild, (self.key, self.column, params))


def _rebuild(key: str, column: int | None, params: dict[str, object]) -> ExpressionError:
    return ExpressionError(key, column, **params)


@dataclass(frozen=True)
class Limits:
    """Bounds on what a student may type; each keeps parsing and evaluation cheap.

    max_length: characters, checked before anything else; max_depth: how deeply parentheses,
    function calls, signs and powers may nest (the parser's recursion never goes further);
    max_nodes: distinct nodes of the DAG (identical subexpressions count once);
    max_variables: distinct variable names; max_name: characters in one variable name.
    """

    max_length: int = 500
    max_depth: int = 50
    max_nodes: int = 400
    max_variables: int = 16
    max_name: int = 16


DEFAULT_LIMITS = Limits()
