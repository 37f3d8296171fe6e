"""Typed expressions: our own parser, reverse-mode autodiff, a backprop graph, an objective.

    parse(text) -> Expression                       the DAG (identical subtrees shared)
    compile_expression(text) -> CompiledExpression  value / gradient / both on NumPy arrays
    value_and_grad(text, {"x": ..., "y": ...})      the same, by name, in one call
    graph(text, {"x": -2.0, ...}) -> Graph          every gate's value and gradients, for display
    ExpressionObjective(text)                       an `Objective` the runner can minimise

Every problem with the text is an `ExpressionError` (a `ValueError`) with a message key, its
parameters and a column; `err.render("zh")` says it in Chinese (catalogue keys `expr.*`).
"""

from app.engine.expression.autodiff import CompiledExpression, compile_expression, value_and_grad
from app.engine.expression.errors import DEFAULT_LIMITS, ExpressionError, Limits
from app.engine.expression.graph import Graph, GraphEdge, GraphNode, graph
from app.engine.expression.objective import ExpressionObjective
from app.engine.expression.parser import parse
from app.engine.expression.syntax import CONSTANTS, FUNCTIONS, Expression, Node

__all__ = [
    "CONSTANTS",
    "DEFAULT_LIMITS",
    "FUNCTIONS",
    "CompiledExpression",
    "Expression",
    "ExpressionError",
    "ExpressionObjective",
    "Graph",
    "GraphEdge",
    "GraphNode",
    "Limits",
    "Node",
    "compile_expression",
    "graph",
    "parse",
    "value_and_grad",
]
