"""The backprop graph over HTTP: a formula and a value per variable in, every gate out."""

from pydantic import Field

from app.api.objectives import ExpressionText, Model, VariableName
from app.engine.expression import DEFAULT_LIMITS


class GraphRequest(Model):
    """A formula, and the point to evaluate it at: one finite number per variable."""

    expression: ExpressionText
    values: dict[VariableName, float] = Field(
        max_length=DEFAULT_LIMITS.max_variables,
        description="Exactly the formula's variables, each with a finite value.",
        examples=[{"x": -2, "y": 5, "z": -4}],
    )


class GraphNodeInfo(Model):
    """One gate: its value, d(gate)/d(input) for each input, and d(output)/d(gate)."""

    id: int
    op: str = Field(description="const, var, neg, add, sub, mul, div, pow, or a function.")
    label: str = Field(description="What a drawing shows: +, *, sin, x, 0.5, pi.")
    inputs: list[int] = Field(description="The input gates' ids, in argument order.")
    value: float | None = Field(description="The forward value; null when not finite.")
    local_grads: list[float | None]
    grad: float | None = Field(description="d(output)/d(this gate), summed over its users.")


class GraphEdgeInfo(Model):
    """A wire from gate `from` into argument `slot` of gate `to`, and what flows back on it."""

    source: int = Field(alias="from")
    target: int = Field(alias="to")
    slot: int
    upstream: float | None = Field(description="d(output)/d(to).")
    local: float | None = Field(description="d(to)/d(from) through this argument.")
    contribution: float | None = Field(description="upstream × local, added into from's grad.")


class GraphResult(Model):
    """Every gate of the formula at the point, in forward (topological) order."""

    expression: str
    variables: list[str]
    nodes: list[GraphNodeInfo]
    edges: list[GraphEdgeInfo]
    output: int = Field(description="The id of the gate whose value is f.")
    forward: list[int] = Field(description="The order of the forward pass.")
    backward: list[int] = Field(description="The order of the backward pass.")
