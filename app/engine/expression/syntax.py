"""The syntax tree of a parsed expression, stored as a DAG with one node per distinct subtree.

Nodes live in a tuple in topological order (every node after its inputs) and refer to their
inputs by index. Identical subtrees are built once (hash-consing), so in `(x*y)^2 + sin(x*y)` the
product `x*y` is a single node with two users, and reverse mode sums both paths into it.
"""

import math
from dataclasses import dataclass

from app.engine.expression.errors import DEFAULT_LIMITS, ExpressionError, Limits

UNARY_FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu")
BINARY_FUNCTIONS = ("min", "max")
FUNCTIONS: dict[str, int] = {name: 1 for name in UNARY_FUNCTIONS} | {
    name: 2 for name in BINARY_FUNCTIONS
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
BINARY_OPERATORS = ("add", "sub", "mul", "div", "pow")
OPS = ("const", "var", "neg", *BINARY_OPERATORS, *FUNCTIONS)

_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "neg": "-"}


@dataclass(frozen=True, slots=True)
class Node:
    """One operation of the DAG.

    op: one of `OPS`; inputs: indices of the input nodes, in argument order; value: a
    constant's value; name: a variable's name, or how a constant was written ("0.5", "pi").
    """

    op: str
    inputs: tuple[int, ...] = ()
    value: float = 0.0
    name: str = ""

    @property
    def label(self) -> str:
        """What a drawing of the graph shows: "+", "*", "sin", "x", "0.5", "pi"."""
        if self.op in ("const", "var"):
            return self.name
        return _SYMBOLS.get(self.op, self.op)


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text, its DAG (topologically ordered), the root node's index
    and its variables in alphabetical order."""

    text: str
    nodes: tuple[Node, ...]
    root: int
    variables: tuple[str, ...]


class DagBuilder:
    """Appends nodes in topological order, reusing an existing node for an identical subtree."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.nodes: list[Node] = []
        self._index: dict[tuple[str, tuple[int, ...], str], int] = {}
        self._variables: set[str] = set()

    def const(self, value: float, text: str, column: int) -> int:
        """A constant, written as `text` (the first spelling of a value is kept)."""
        return self._intern(Node("const", (), value, text), value.hex(), column)

    def var(self, name: str, column: int) -> int:
        """A variable; refuses one name too many."""
        if name not in self._variables:
            if len(self._variables) >= self.limits.max_variables:
                limit = self.limits.max_variables
                raise ExpressionError(
                    "expr.too_many_variables", column, name=name, count=limit + 1, limit=limit
                )
            self._variables.add(name)
        return self._intern(Node("var", (), 0.0, name), name, column)

    def op(self, op: str, inputs: tuple[int, ...], column: int) -> int:
        """An operation or function applied to earlier nodes."""
        return self._intern(Node(op, inputs), "", column)

    def build(self, text: str, root: int) -> Expression:
        """The finished, immutable expression."""
        return Expression(text, tuple(self.nodes), root, tuple(sorted(self._variables)))

    def _intern(self, node: Node, extra: str, column: int) -> int:
        key = (node.op, node.inputs, extra)
        found = self._index.get(key)
        if found is not None:
            return found
        if len(self.nodes) >= self.limits.max_nodes:
            raise ExpressionError("expr.too_many_nodes", column, limit=self.limits.max_nodes)
        self.nodes.append(node)
        self._index[key] = len(self.nodes) - 1
        return len(self.nodes) - 1
