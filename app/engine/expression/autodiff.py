"""Reverse-mode differentiation of an expression, compiled once into flat NumPy programs.

Compiling an `Expression` takes three steps:

1. Lower the DAG onto a `Tape` (constants folded, x^2 as x*x, shared ops computed once).
2. Run reverse mode over the tape, symbolically: seed d(out)/d(out) = 1, then visit the ops in
   reverse topological order, and for each op whose adjoint is known add "adjoint x local
   derivative" into the adjoint of every argument. A value used twice receives the sum of both
   paths. The adjoints are themselves tape values, so they are simplified and shared too
   (this is source transformation, as in Tapenade or JAX: the backward pass is written once,
   not re-interpreted per call).
3. Build three `Program`s from the tape: the value, the gradient, and both in one pass.

Each program is then a flat list of NumPy calls over preallocated buffers and runs on arrays of
any broadcastable shapes: a (K,) column per variable for K trajectories, or a row and a column
for a whole plotting grid. Derivatives at kinks and domain edges are torch's (see `kernels`).
"""

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from app.engine.expression.errors import DEFAULT_LIMITS, ExpressionError, Limits
from app.engine.expression.parser import parse
from app.engine.expression.program import build_program, scratch
from app.engine.expression.syntax import Expression, Node
from app.engine.expression.tape import Op, Tape
from app.engine.types import Array

Rule = Callable[[Tape, Op, int, int], list[tuple[int, int]]]


class CompiledExpression:
    """An expression compiled for fast evaluation with gradients.

    `variables` fixes the order of the inputs (default: alphabetical). Every method takes one
    array-like per variable, in that order, of broadcastable shapes, and returns float64 arrays
    of the broadcast shape.
    """

    def __init__(self, expression: Expression, variables: Sequence[str] | None = None) -> None:
        self.expression = expression
        self.variables = order_variables(expression, variables)
        tape, root = lower(expression, self.variables)
        grads = backward(tape, root, len(self.variables))
        p = len(self.variables)
        self.value_program = build_program(tape, [root], p)
        self.gradient_program = build_program(tape, grads, p)
        self.value_and_gradient_program = build_program(tape, [root, *grads], p)

    def value(self, *inputs: npt.ArrayLike) -> Array:
        """f at every point."""
        xs = self._inputs(inputs)
        out = np.empty(np.broadcast_shapes(*(x.shape for x in xs)))
        self.value_program.run(xs, [out])
        return out

    def gradient(self, *inputs: npt.ArrayLike) -> tuple[Array, ...]:
        """df/d(variable) for each variable, at every point."""
        xs = self._inputs(inputs)
        grads = scratch(len(xs), np.broadcast_shapes(*(x.shape for x in xs)))
        self.gradient_program.run(xs, grads)
        return tuple(grads)

    def value_and_gradient(self, *inputs: npt.ArrayLike) -> tuple[Array, tuple[Array, ...]]:
        """f and its gradient from one forward and backward pass."""
        xs = self._inputs(inputs)
        outs = scratch(len(xs) + 1, np.broadcast_shapes(*(x.shape for x in xs)))
        self.value_and_gradient_program.run(xs, outs)
        return outs[0], tuple(outs[1:])

    def _inputs(self, inputs: Sequence[npt.ArrayLike]) -> list[Array]:
        if len(inputs) != len(self.variables):
            names = ", ".join(self.variables)
            raise ValueError(f"expected {len(self.variables)} inputs ({names}), got {len(inputs)}")
        return [np.asarray(x, dtype=np.float64) for x in inputs]


def compile_expression(
    expression: str | Expression,
    variables: Sequence[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> CompiledExpression:
    """Parse (if given text) and compile; raises `ExpressionError` for bad text or variables."""
    if isinstance(expression, str):
        expression = parse(expression, limits)
    return CompiledExpression(expression, variables)


def value_and_grad(
    expression: str | Expression, values: Mapping[str, npt.ArrayLike]
) -> tuple[Array, dict[str, Array]]:
    """f and {name: df/dname} at `values` (one array-like per variable, broadcastable)."""
    compiled = compile_expression(expression)
    missing = [name for name in compiled.variables if name not in values]
    if missing or len(values) != len(compiled.variables):
        raise ExpressionError(
            "expr.values", expected=", ".join(compiled.variables), given=", ".join(values)
        )
    f, grads = compiled.value_and_gradient(*(values[name] for name in compiled.variables))
    return f, dict(zip(compiled.variables, grads, strict=True))


def order_variables(expression: Expression, variables: Sequence[str] | None) -> tuple[str, ...]:
    """`variables` if they are exactly the expression's (in any order); alphabetical if None."""
    if variables is None:
        return expression.variables
    given = tuple(variables)
    if sorted(given) != list(expression.variables):
        used, names = ", ".join(expression.variables), ", ".join(given)
        raise ExpressionError("expr.variables", used=used, given=names)
    return given


def lower(expression: Expression, variables: Sequence[str]) -> tuple[Tape, int]:
    """The expression's DAG written onto a fresh tape; returns the tape and the root's id."""
    tape = Tape()
    position = {name: j for j, name in enumerate(variables)}
    ids: list[int] = []
    for node in expression.nodes:
        ids.append(_lower_node(tape, node, [ids[i] for i in node.inputs], position))
    return tape, ids[expression.root]


def _lower_node(tape: Tape, node: Node, args: list[int], position: dict[str, int]) -> int:
    op = node.op
    if op == "const":
        return tape.const(node.value)
    if op == "var":
        return tape.var(position[node.name])
    if op == "neg":
        return tape.neg(args[0])
    if op in _BINARY:
        return _BINARY[op](tape, args[0], args[1])
    if op in ("min", "max"):
        return tape.minmax(op, args[0], args[1])
    return tape.emit(op, args[0])


_BINARY: dict[str, Callable[[Tape, int, int], int]] = {
    "add": Tape.add,
    "sub": Tape.sub,
    "mul": Tape.mul,
    "div": Tape.div,
    "pow": Tape.pow,
}


def backward(tape: Tape, root: int, n_inputs: int) -> list[int]:
    """Reverse mode over the tape: the ids of d(root)/d(input j), for j < n_inputs.

    Adjoints are accumulated in reverse topological order, so each op's adjoint is complete
    (every user has contributed) before it is passed on to the op's arguments.
    """
    adjoint = {root: tape.const(1.0)}
    inputs: dict[int, int] = {}
    for i in range(len(tape.ops) - 1, -1, -1):
        op = tape.ops[i]
        if op.kind == "var":
            inputs[int(op.value)] = i
        g = adjoint.get(i)
        if g is None or op.kind in ("var", "const"):
            continue
        for arg, contribution in RULES[op.kind](tape, op, i, g):
            if not tape.is_const(arg):
                old = adjoint.get(arg)
                adjoint[arg] = contribution if old is None else tape.add(old, contribution)
    zero = tape.const(0.0)
    return [adjoint.get(inputs.get(j, -1), zero) for j in range(n_inputs)]


# --- local derivatives: (tape, op, y = the op's id, g = adjoint of y) -> [(arg, g * dy/darg)] --


def _add(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    return [(op.args[0], g), (op.args[1], g)]


def _sub(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    return [(op.args[0], g), (op.args[1], t.neg(g))]


def _mul(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    a, b = op.args
    return [(a, t.mul(g, b)), (b, t.mul(g, a))]


def _div(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    """d(a/b) = da / b - db * (a/b) / b."""
    a, b = op.args
    return [(a, t.div(g, b)), (b, t.neg(t.div(t.mul(g, y), b)))]


def _pow(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    """d(a^b) = b a^(b-1) da + a^b log(a) db, with torch's zeros where b = 0 or a = 0."""
    a, b = op.args
    if t.is_const(b):
        c = t.value(b)
        return [(a, t.mul(g, t.mul(t.pow(a, t.const(c - 1.0)), b)))]
    if t.is_const(a) and t.value(a) > 0.0:
        return [(b, t.mul(g, t.mul(y, t.const(float(np.log(t.value(a)))))))]
    base = t.mul(g, t.emit("pow_grad_base", a, b))
    return [(a, base), (b, t.mul(g, t.emit("pow_grad_exponent", a, b, y)))]


def _unary(derivative: Callable[[Tape, int, int], int]) -> Rule:
    """A rule for f(a) from f'(a) written in terms of a and y = f(a)."""

    def rule(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
        a = op.args[0]
        return [(a, t.mul(g, derivative(t, a, y)))]

    return rule


def _one_minus(t: Tape, v: int) -> int:
    return t.sub(t.const(1.0), v)


def _log(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    return [(op.args[0], t.div(g, op.args[0]))]


def _sqrt(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    """g / (2 sqrt(a)), infinite at a = 0 as in torch."""
    return [(op.args[0], t.div(t.mul(g, t.const(0.5)), y))]


def _max(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    a, b = op.args
    return [(a, t.mul(g, t.emit("tie", a, b))), (b, t.mul(g, t.emit("tie", b, a)))]


def _min(t: Tape, op: Op, y: int, g: int) -> list[tuple[int, int]]:
    a, b = op.args
    return [(a, t.mul(g, t.emit("tie", b, a))), (b, t.mul(g, t.emit("tie", a, b)))]


RULES: dict[str, Rule] = {
    "add": _add,
    "sub": _sub,
    "mul": _mul,
    "div": _div,
    "pow": _pow,
    "sin": _unary(lambda t, a, y: t.emit("cos", a)),
    "cos": _unary(lambda t, a, y: t.neg(t.emit("sin", a))),
    "tan": _unary(lambda t, a, y: t.add(t.mul(y, y), t.const(1.0))),
    "exp": _unary(lambda t, a, y: y),
    "log": _log,
    "sqrt": _sqrt,
    "abs": _unary(lambda t, a, y: t.emit("sign", a)),
    "tanh": _unary(lambda t, a, y: _one_minus(t, t.mul(y, y))),
    "sigmoid": _unary(lambda t, a, y: t.mul(y, _one_minus(t, y))),
    "relu": _unary(lambda t, a, y: t.emit("relu_grad", y)),
    "max": _max,
    "min": _min,
}
