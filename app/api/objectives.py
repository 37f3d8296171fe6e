"""One schema variant per kind of objective, each turning itself into an engine objective.

A new kind is one class here (with `build`, `title` and `log_scale`) and its key in
`OBJECTIVE_KINDS`, one engine module, and one line in `schemas.ObjectiveSpec`; runs, streams,
starts, grids, descriptions and gradient checks need nothing else.
"""

from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from app.engine.errors import EngineError
from app.engine.expression import DEFAULT_LIMITS, ExpressionError, ExpressionObjective, parse
from app.engine.expression.autodiff import order_variables
from app.engine.expression.tokens import check_length
from app.engine.objectives.base import Objective
from app.engine.objectives.quadratic import MAX_DIM, QuadraticObjective, log_spaced
from app.engine.objectives.surfaces import SURFACES, SurfaceObjective, get_surface
from app.i18n import Lang, translate

# Each variant's key: its tag.
OBJECTIVE_KINDS = ("surface", "quadratic", "expression", "model", "network")


class Model(BaseModel):
    """Strict base: JSON types as the schema says them (no "1.5" or false for a number), and
    unknown fields and non-finite numbers are errors."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


def exactly_one_of(*shapes: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for "exactly one of these ways to say it" (a null field counts as absent).

    A shape maps fields to their JSON types, e.g. `{"starts": "array"}`. The result is `oneOf`
    with one branch per shape: its fields required with those types, the others absent or null.
    The model's own validator says the same in words; this lets the OpenAPI document say it.
    """
    fields = {name: kind for shape in shapes for name, kind in shape.items()}
    branches = []
    for shape in shapes:
        properties = {name: {"type": kind} for name, kind in shape.items()}
        properties |= {name: {"type": "null"} for name in fields if name not in shape}
        branches.append({"required": list(shape), "properties": properties})
    return {"oneOf": branches}


class SurfaceSpec(Model):
    """A 2-D test surface from the catalogue (`GET /api/v1/surfaces`)."""

    surface: str = Field(examples=["rosenbrock"], json_schema_extra={"enum": list(SURFACES)})

    @field_validator("surface")
    @classmethod
    def known_surface(cls, name: str) -> str:
        return get_surface(name).name  # EngineError names the choices

    def build(self) -> Objective:
        """The engine objective."""
        return SurfaceObjective(get_surface(self.surface))

    def title(self, lang: Lang) -> str:
        """The surface's name, in `lang`."""
        return translate(lang, f"surface.{self.surface}.title")

    @property
    def log_scale(self) -> bool:
        """Whether values span decades (plot them on a log scale)."""
        return get_surface(self.surface).log_scale


# Bounded away from 0 and infinity, so that 2/λ and every closed form stay finite.
Eigenvalue = Annotated[float, Field(ge=1e-8, le=1e8)]


class Quadratic(Model):
    """f(w) = 1/2 (w - c)^T Q^T diag(l) Q (w - c): give `eigenvalues`, or `dim` and `condition`."""

    model_config = ConfigDict(
        json_schema_extra=exactly_one_of(
            {"eigenvalues": "array"}, {"dim": "integer", "condition": "number"}
        )
    )

    eigenvalues: list[Eigenvalue] | None = Field(
        None, min_length=1, max_length=MAX_DIM, description="The Hessian's eigenvalues."
    )
    dim: int | None = Field(None, ge=1, le=MAX_DIM, description="P, the number of parameters.")
    condition: float | None = Field(
        None, ge=1, le=1e8, description="λ_max/λ_min; eigenvalues log-spaced from 1 to it."
    )
    rotation_seed: int | None = Field(
        None, ge=0, le=2**32 - 1, description="A seeded random rotation Q; none: axis-aligned."
    )
    center: list[Annotated[float, Field(ge=-1e4, le=1e4)]] | None = Field(
        None, min_length=1, max_length=MAX_DIM, description="The minimum c; default the origin."
    )

    @model_validator(mode="after")
    def one_source(self) -> Self:
        by_spectrum = self.eigenvalues is not None
        by_condition = self.dim is not None and self.condition is not None
        if by_spectrum == by_condition or (by_spectrum and (self.dim or self.condition)):
            raise EngineError("error.quadratic_source")
        size = len(self.eigenvalues) if self.eigenvalues is not None else self.dim
        if self.center is not None and len(self.center) != size:
            raise EngineError("error.quadratic_center", dim=size, got=len(self.center))
        return self

    def spectrum(self) -> list[float]:
        """The eigenvalues asked for."""
        if self.eigenvalues is not None:
            return self.eigenvalues
        assert self.dim is not None
        assert self.condition is not None
        return list(log_spaced(self.dim, self.condition))


class QuadraticSpec(Model):
    """A quadratic bowl in 1 to 1000 dimensions, for seeing conditioning."""

    quadratic: Quadratic

    def build(self) -> Objective:
        """The engine objective."""
        q = self.quadratic
        return QuadraticObjective(q.spectrum(), q.rotation_seed, q.center)

    def title(self, lang: Lang) -> str:
        """`Quadratic, P = 10, κ = 100`."""
        lam = self.quadratic.spectrum()
        return translate(
            lang, "objective.quadratic.title", dim=len(lam), condition=f"{max(lam) / min(lam):.4g}"
        )

    @property
    def log_scale(self) -> bool:
        """Quadratic losses fall by decades: plot them on a log scale."""
        return True


def _short_enough(text: str) -> str:
    """Refuse empty or over-long text (`expr.too_long` at the first column past the limit)
    before anything reads it."""
    check_length(text)
    return text


# The schema states the limit; the check itself is the engine's, so the error has its column.
ExpressionText = Annotated[
    str,
    Field(
        json_schema_extra={"maxLength": DEFAULT_LIMITS.max_length},
        description="A formula such as `x^2 + 3*sin(y)`: numbers, variables, + - * / ^ "
        "(or **), parentheses, pi, e and the functions sin cos tan exp log sqrt abs tanh "
        "sigmoid relu min max.",
        examples=["x^2 + 3*sin(y)"],
    ),
    AfterValidator(_short_enough),
]
VariableName = Annotated[str, Field(min_length=1, max_length=DEFAULT_LIMITS.max_name)]
DomainEnd = Annotated[float, Field(ge=-1e6, le=1e6)]
Interval = Annotated[list[DomainEnd], Field(min_length=2, max_length=2)]


class ExpressionSpec(Model):
    """A formula typed by the student, minimised like any surface, with its exact gradient."""

    expression: ExpressionText
    variables: list[VariableName] | None = Field(
        None,
        min_length=1,
        max_length=DEFAULT_LIMITS.max_variables,
        description="The parameter order, exactly the names the formula uses; "
        "default alphabetical.",
        examples=[["y", "x"]],
    )
    domain: list[Interval] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="[[x0, x1], [y0, y1]] to plot, for two variables only; "
        "default [[-3, 3], [-3, 3]].",
    )

    @model_validator(mode="after")
    def well_formed(self) -> Self:
        """Parse (cheap: the text is short and nesting is bounded) and check the variables and
        the domain, so a bad formula is a 422 before any NumPy work is queued."""
        expression = parse(self.expression)
        if not expression.variables:
            raise ExpressionError("expr.no_variables", 1)
        names = order_variables(expression, self.variables)
        if self.domain is not None:
            (x0, x1), (y0, y1) = self.domain
            if len(names) != 2 or not (x0 < x1 and y0 < y1):
                raise ExpressionError("expr.domain")
        return self

    def build(self) -> Objective:
        """The engine objective (it finds the minima on the domain: a few milliseconds)."""
        domain = None
        if self.domain is not None:
            (x0, x1), (y0, y1) = self.domain
            domain = ((x0, x1), (y0, y1))
        return ExpressionObjective(self.expression, self.variables, domain)

    def title(self, lang: Lang) -> str:
        """The formula as typed."""
        return self.expression

    @property
    def log_scale(self) -> bool:
        """A typed formula may be negative: plot it on a linear scale."""
        return False
