"""The computational graph of an expression at one point, for the Backprop view.

This is backpropagation as the CS231n notes draw it, one gate at a time and in plain sight:
a forward pass computes every node's value in topological order; a backward pass starts from
d(out)/d(out) = 1 and, in reverse order, sends each node's gradient back along its input
edges, multiplied by the gate's local gradient. A node with several users sums what arrives
(the notes' "gradients add up at forks"). Each edge keeps its three numbers: the upstream
gradient, the local gradient and their product, the contribution.

It evaluates the same DAG as the compiled programs, node by node, so it doubles as an
independent reference for them (tests compare the two).
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from app.engine.expression.errors import ExpressionError
from app.engine.expression.kernels import fold
from app.engine.expression.parser import parse
from app.engine.expression.syntax import Expression, Node

Local = Callable[
    [tuple[float, ...], float], tuple[float, ...]
]  # (inputs, value) -> d value/d inputs


@dataclass(frozen=True)
class GraphNode:
    """One gate: its value, its local gradient w.r.t. each input, and d(output)/d(node)."""

    id: int
    op: str
    label: str
    inputs: tuple[int, ...]
    value: float
    local_grads: tuple[float, ...]
    grad: float


@dataclass(frozen=True)
class GraphEdge:
    """An input wire `source -> target` (argument `slot` of the target) and what flows back
    along it: upstream = d(output)/d(target), local = d(target)/d(source) through this input,
    contribution = upstream * local."""

    source: int
    target: int
    slot: int
    upstream: float
    local: float
    contribution: float


@dataclass(frozen=True)
class Graph:
    """The whole graph at one point: nodes in forward (topological) order, the output node's id,
    the edges, and the order of the forward and backward passes."""

    expression: str
    variables: tuple[str, ...]
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    output: int
    forward: tuple[int, ...]
    backward: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready data: edges use "from"/"to", and inf or NaN becomes None."""
        data = asdict(self)
        data["edges"] = [
            {"from": e.pop("source"), "to": e.pop("target"), **e} for e in data["edges"]
        ]
        result = _finite(data)
        assert isinstance(result, dict)
        return result


def graph(expression: str | Expression, values: Mapping[str, float]) -> Graph:
    """The graph of `expression` with its forward values and gradients at `values`.

    values: one finite number per variable of the expression, and no others, else
    `ExpressionError("expr.values")`.
    """
    if isinstance(expression, str):
        expression = parse(expression)
    point = _check_values(expression, values)
    nodes = expression.nodes
    forward: list[float] = []
    local: list[tuple[float, ...]] = []
    for node in nodes:
        args = tuple(forward[i] for i in node.inputs)
        value = _forward(node, args, point)
        forward.append(value)
        local.append(LOCAL[node.op](args, value) if node.inputs else ())
    grads = [0.0] * len(nodes)
    grads[expression.root] = 1.0
    edges: list[GraphEdge] = []
    for i in range(len(nodes) - 1, -1, -1):
        for slot, source in enumerate(nodes[i].inputs):
            contribution = grads[i] * local[i][slot]
            grads[source] += contribution
            edges.append(GraphEdge(source, i, slot, grads[i], local[i][slot], contribution))
    graph_nodes = tuple(
        GraphNode(i, n.op, n.label, n.inputs, forward[i], local[i], grads[i])
        for i, n in enumerate(nodes)
    )
    order = tuple(range(len(nodes)))
    return Graph(
        expression.text,
        expression.variables,
        graph_nodes,
        tuple(reversed(edges)),
        expression.root,
        order,
        order[::-1],
    )


def _check_values(expression: Expression, values: Mapping[str, float]) -> dict[str, float]:
    given = ", ".join(str(name) for name in values)
    expected = ", ".join(expression.variables)
    if sorted(values) != list(expression.variables):
        raise ExpressionError("expr.values", expected=expected, given=given)
    try:
        point = {name: float(v) for name, v in values.items()}
    except (TypeError, ValueError):
        raise ExpressionError("expr.values", expected=expected, given=given) from None
    if not all(math.isfinite(v) for v in point.values()):
        raise ExpressionError("expr.values", expected=expected, given=given)
    return point


def _forward(node: Node, args: tuple[float, ...], point: Mapping[str, float]) -> float:
    if node.op == "const":
        return node.value
    if node.op == "var":
        return point[node.name]
    if node.op == "neg":
        return fold("mul", (args[0], -1.0))
    return fold(node.op, args)


def _finite(data: object) -> object:
    """`data` with every non-finite float replaced by None, tuples as lists."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def _f(kind: str, *args: float) -> float:
    return fold(kind, args)


# --- local gradients d(value)/d(input k), from the inputs and the node's own value ------------

LOCAL: dict[str, Local] = {
    "add": lambda a, y: (1.0, 1.0),
    "sub": lambda a, y: (1.0, -1.0),
    "mul": lambda a, y: (a[1], a[0]),
    "div": lambda a, y: (_f("div", 1.0, a[1]), -_f("div", y, a[1])),
    "pow": lambda a, y: (
        _f("pow_grad_base", a[0], a[1]),
        _f("pow_grad_exponent", a[0], a[1], y),
    ),
    "neg": lambda a, y: (-1.0,),
    "sin": lambda a, y: (_f("cos", a[0]),),
    "cos": lambda a, y: (-_f("sin", a[0]),),
    "tan": lambda a, y: (1.0 + y * y,),
    "exp": lambda a, y: (y,),
    "log": lambda a, y: (_f("div", 1.0, a[0]),),
    "sqrt": lambda a, y: (_f("div", 0.5, y),),
    "abs": lambda a, y: (_f("sign", a[0]),),
    "tanh": lambda a, y: (1.0 - y * y,),
    "sigmoid": lambda a, y: (y * (1.0 - y),),
    "relu": lambda a, y: (_f("relu_grad", y),),
    "max": lambda a, y: (_f("tie", a[0], a[1]), _f("tie", a[1], a[0])),
    "min": lambda a, y: (_f("tie", a[1], a[0]), _f("tie", a[0], a[1])),
}
