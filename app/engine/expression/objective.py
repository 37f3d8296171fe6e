"""A typed expression as an `Objective`: the runner minimises it like any built-in surface."""

import math
from collections.abc import Sequence

import numpy as np

from app.engine.expression.autodiff import CompiledExpression
from app.engine.expression.errors import DEFAULT_LIMITS, ExpressionError, Limits
from app.engine.expression.landmarks import find_minima
from app.engine.expression.parser import parse
from app.engine.objectives.base import BaseObjective, Box, Domain, Landmark
from app.engine.types import Array

DEFAULT_DOMAIN: Domain = ((-3.0, 3.0), (-3.0, 3.0))
START_HALF_WIDTH = 3.0  # generated starts fill [-3, 3]^P when there is no plotting domain


class ExpressionObjective(BaseObjective):
    """f(w) given as text, e.g. "(1-x)^2 + 100*(y-x^2)^2", with its exact gradient.

    variables: the parameter order, exactly the names the text uses (default alphabetical);
    domain: the plotting box for two variables (default ((-3, 3), (-3, 3))), refused otherwise.
    For two variables, `landmarks` are the minima found numerically on the domain (see
    `landmarks.find_minima`); for other counts there are none. `cost` is the number of NumPy
    calls of one loss-and-gradient pass over 10 (at least 1: a built-in surface costs 1).
    Raises `ExpressionError` for bad text, an expression without variables ("expr.no_variables"),
    wrong variables ("expr.variables") or a bad domain ("expr.domain").
    """

    def __init__(
        self,
        text: str,
        variables: Sequence[str] | None = None,
        domain: Domain | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        expression = parse(text, limits)
        if not expression.variables:
            raise ExpressionError("expr.no_variables", 1)
        self.text = text
        self.compiled = CompiledExpression(expression, variables)
        self.names = self.compiled.variables
        self.domain = _check_domain(domain, len(self.names))
        self.cost = max(1.0, self.compiled.value_and_gradient_program.size / 10)
        self._landmarks: tuple[Landmark, ...] | None = None

    @property
    def landmarks(self) -> tuple[Landmark, ...]:  # type: ignore[override]
        """The minima found numerically on the domain (searched once, when first asked for)."""
        if self._landmarks is None:
            self._landmarks = find_minima(self.compiled, self.domain) if self.domain else ()
        return self._landmarks

    @property
    def start_region(self) -> Box:
        """The plotting domain for two variables, else [-3, 3]^P."""
        if self.domain is not None:
            (x0, x1), (y0, y1) = self.domain
            return (x0, y0), (x1, y1)
        return (-START_HALF_WIDTH,) * self.dim, (START_HALF_WIDTH,) * self.dim

    def loss(self, w: Array) -> Array:
        """f for each row: `w: (K, P) -> (K,)`."""
        columns = self._columns(w)
        out = np.empty(len(w))
        self.compiled.value_program.run(columns, [out])
        return out

    def grad(self, w: Array, step: int | None = None) -> Array:
        """The gradient for each row, in the memory order of `w`: `(K, P) -> (K, P)`."""
        columns = self._columns(w)
        dw = np.empty_like(w, dtype=np.float64)
        self.compiled.gradient_program.run(columns, [dw[:, j] for j in range(self.dim)])
        return dw

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        """f and its gradient for each row, from one forward and backward pass."""
        columns = self._columns(w)
        out = np.empty(len(w))
        dw = np.empty_like(w, dtype=np.float64)
        outputs = [out, *(dw[:, j] for j in range(self.dim))]
        self.compiled.value_and_gradient_program.run(columns, outputs)
        return out, dw

    def _columns(self, w: Array) -> list[Array]:
        """One float64 column per parameter (views when w is already float64)."""
        if w.ndim != 2 or w.shape[1] != self.dim:
            raise ValueError(f"w must have shape (K, {self.dim}), got {w.shape}")
        w = np.asarray(w, dtype=np.float64)
        return [w[:, j] for j in range(self.dim)]


def _check_domain(domain: Domain | None, dim: int) -> Domain | None:
    """The plotting domain: given or default for two variables; refused for other counts."""
    if dim != 2:
        if domain is not None:
            raise ExpressionError("expr.domain")
        return None
    if domain is None:
        return DEFAULT_DOMAIN
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in domain)
    except (TypeError, ValueError):
        raise ExpressionError("expr.domain") from None
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1)) or not (x0 < x1 and y0 < y1):
        raise ExpressionError("expr.domain")
    return (x0, x1), (y0, y1)
