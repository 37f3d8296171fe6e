"""Typed expressions: our own parser, reverse-mode autodiff, a backprop graph, an objective.

    parse(text) -> Expression                       the DAG (identical subtrees shared)

Every problem with the text is an `ExpressionError` (a `ValueError`) with a message key, its
parameters and a column; `message(err, "zh")` says it in Chinese.
"""

from app.engine.expression.errors import DEFAULT_LIMITS, ExpressionError, Limits
from app.engine.expression.messages import MESSAGES, message
from app.engine.expression.parser import parse
from app.engine.expression.syntax import CONSTANTS, FUNCTIONS, Expression, Node

__all__ = [
    "CONSTANTS",
    "DEFAULT_LIMITS",
    "FUNCTIONS",
    "MESSAGES",
    "Expression",
    "ExpressionError",
    "Limits",
    "Node",
    "message",
    "parse",
]
