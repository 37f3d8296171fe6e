"""Request and reply models. Bounds live here, so every bad field gets a 422 naming its range.

Bounds that an app's settings can change (steps, starts, resolution) are validated here against
fixed ceilings and again against the app's own settings in the engine; the OpenAPI document of
each app states that app's limits (see `app.api.openapi`).
"""

from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from app.api.data_objectives import ModelSpec
from app.api.network_objectives import MAX_PARAMS, HeInit, NetworkSpec, XavierInit, ZerosInit
from app.api.objectives import (
    OBJECTIVE_KINDS,
    ExpressionSpec,
    Model,
    QuadraticSpec,
    SurfaceSpec,
    exactly_one_of,
)
from app.config import CEILINGS
from app.engine import optimizers as opt
from app.engine.errors import EngineError

Ceil = CEILINGS


def objective_kind(value: Any) -> str | None:
    """Which variant an objective is: the name of its one key."""
    if isinstance(value, dict):
        keys = [k for k in OBJECTIVE_KINDS if k in value]
        return keys[0] if len(keys) == 1 else None
    return getattr(value, "kind", None)


ObjectiveSpec = Annotated[
    Annotated[SurfaceSpec, Tag("surface")]
    | Annotated[QuadraticSpec, Tag("quadratic")]
    | Annotated[ExpressionSpec, Tag("expression")]
    | Annotated[ModelSpec, Tag("model")]
    | Annotated[NetworkSpec, Tag("network")],
    Discriminator(
        objective_kind,
        custom_error_type="objective_kind",
        custom_error_message='objective must be one of {"surface": name}, {"quadratic": {...}}, '
        '{"expression": text}, {"model": name, "dataset": {...}} or '
        '{"network": {...}, "dataset": {...}}',
    ),
]

PerRow = Field(min_length=1, max_length=Ceil.max_starts, description="One value per start.")
T = TypeVar("T")


def _count(value: Any) -> str:
    """`many` for a list (one value per start), `one` for a single value."""
    return "many" if isinstance(value, list) else "one"


# A hyperparameter given once, or as a list with one value per start.
PerStart = Annotated[
    Annotated[T, Tag("one")] | Annotated[list[T], Tag("many"), PerRow], Discriminator(_count)
]
LR = Annotated[
    PerStart[Annotated[float, Field(gt=0, le=100)]], Field(description="Step size (torch's `lr`).")
]
Eps = Annotated[
    PerStart[Annotated[float, Field(gt=0, le=1)]],
    Field(description="Added to the denominator for stability."),
]
Decay = Annotated[
    PerStart[Annotated[float, Field(ge=0, le=10)]],
    Field(description="L2 penalty (torch's `weight_decay`)."),
]
Fraction = Annotated[
    PerStart[Annotated[float, Field(ge=0, le=1)]], Field(description="A fraction from 0 to 1.")
]
LRDecay = Annotated[
    PerStart[Annotated[float, Field(ge=0, le=10)]],
    Field(description="Adagrad's learning-rate decay."),
]
Unit = Annotated[float, Field(ge=0, lt=1)]


def _betas_count(value: Any) -> str:
    """`many` for a list of pairs, `one` for a single pair."""
    return "many" if isinstance(value, list) and value and isinstance(value[0], list) else "one"


# A pair as a list of two (not a tuple): JSON Schema's `prefixItems` is not read by every tool,
# and both entries have the same bounds anyway.
Pair = Annotated[list[Unit], Field(min_length=2, max_length=2)]
Betas = Annotated[
    Annotated[Pair, Tag("one")] | Annotated[list[Pair], Tag("many"), PerRow],
    Discriminator(_betas_count),
    Field(description="(β1, β2), or one pair per start."),
]
ADAM_BETAS = Field(default_factory=lambda: list(opt.Adam.betas))


class SGDSpec(Model):
    """torch.optim.SGD: momentum, dampening, Nesterov and weight decay."""

    name: Literal["sgd"]
    lr: LR = opt.SGD.lr
    momentum: Fraction = opt.SGD.momentum
    dampening: Fraction = opt.SGD.dampening
    weight_decay: Decay = opt.SGD.weight_decay
    nesterov: bool = opt.SGD.nesterov


class AdagradSpec(Model):
    """torch.optim.Adagrad."""

    name: Literal["adagrad"]
    lr: LR = opt.Adagrad.lr
    lr_decay: LRDecay = opt.Adagrad.lr_decay
    weight_decay: Decay = opt.Adagrad.weight_decay
    initial_accumulator_value: Annotated[float, Field(ge=0, le=1e6)] = (
        opt.Adagrad.initial_accumulator_value
    )
    eps: Eps = opt.Adagrad.eps


class RMSpropSpec(Model):
    """torch.optim.RMSprop, optionally centered and with momentum."""

    name: Literal["rmsprop"]
    lr: LR = opt.RMSprop.lr
    alpha: Fraction = opt.RMSprop.alpha
    eps: Eps = opt.RMSprop.eps
    weight_decay: Decay = opt.RMSprop.weight_decay
    momentum: Fraction = opt.RMSprop.momentum
    centered: bool = opt.RMSprop.centered


class AdamSpec(Model):
    """torch.optim.Adam, optionally AMSGrad."""

    name: Literal["adam"]
    lr: LR = opt.Adam.lr
    betas: Betas = ADAM_BETAS
    eps: Eps = opt.Adam.eps
    weight_decay: Decay = opt.Adam.weight_decay
    amsgrad: bool = opt.Adam.amsgrad


class AdamWSpec(AdamSpec):
    """torch.optim.AdamW: Adam with decoupled weight decay."""

    name: Literal["adamw"]  # type: ignore[assignment]
    weight_decay: Decay = opt.AdamW.weight_decay


OptimizerSpec = Annotated[
    SGDSpec | AdagradSpec | RMSpropSpec | AdamSpec | AdamWSpec, Field(discriminator="name")
]
Count = Annotated[int, Field(ge=1, le=Ceil.max_starts, description="Number of starts.")]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1, description="Seed: same seed, same starts.")]
Coord = Annotated[float, Field(ge=-1e6, le=1e6)]
# A quadratic has up to 1,000 parameters, the largest network MAX_PARAMS (about 23,000).
Point = Annotated[list[Coord], Field(min_length=1, max_length=MAX_PARAMS)]


class GaussianInit(Model):
    """Starts drawn from N(mean, std² I), the initialisation the course recommends."""

    kind: Literal["gaussian"]
    mean: Point | None = Field(None, description="Default: the centre of the start region.")
    std: float = Field(1.0, ge=0, le=1e4)
    count: Count = 8
    seed: Seed = 0


class BoxInit(Model):
    """A box for starts, [low, high] per coordinate; the default is the start region."""

    low: Point | None = None
    high: Point | None = None


class UniformInit(BoxInit):
    """Starts drawn uniformly from a box (default: the objective's start region)."""

    kind: Literal["uniform"]
    count: Count = 8
    seed: Seed = 0


class GridInit(BoxInit):
    """Starts on a regular grid over a box (default: the objective's start region)."""

    kind: Literal["grid"]
    shape: list[Annotated[int, Field(ge=1, le=1024)]] | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description="Points along each axis, e.g. [256, 256]; default 16 per axis.",
    )


InitSpec = Annotated[
    GaussianInit | UniformInit | GridInit | ZerosInit | XavierInit | HeInit,
    Field(discriminator="kind"),
]
# A network may give neither starts nor init: one Xavier start, seed 0 (its `default_init`).
STARTS_SCHEMA = exactly_one_of({"starts": "array"}, {"init": "object"})
STARTS_SCHEMA["oneOf"].append(
    {
        "properties": {
            "objective": {"required": ["network"]},
            "starts": {"type": "null"},
            "init": {"type": "null"},
        }
    }
)


class RunRequest(Model):
    """One run: an objective, an optimizer, where to start (`starts` or `init`; a network may
    give neither), and how long."""

    model_config = ConfigDict(json_schema_extra=STARTS_SCHEMA)

    objective: ObjectiveSpec
    optimizer: OptimizerSpec
    starts: Annotated[list[Point], Field(min_length=1, max_length=Ceil.max_starts)] | None = Field(
        None,
        description="Explicit starts [[x, y], ...] (a network's: whole parameter vectors); "
        "give this or `init`.",
    )
    init: InitSpec | None = Field(
        None,
        description="Generated starts; give this or `starts`. A network with neither gets "
        '{"kind": "xavier", "count": 1, "seed": 0}.',
    )
    steps: int = Field(500, ge=1, le=Ceil.max_steps, description="Most steps to take.")
    every: int = Field(1, ge=1, le=Ceil.max_steps, description="Record every k-th step.")
    tol: float = Field(
        1e-6, ge=0, le=1e3, description="Converged when |∇f| < tol; 0 runs every step."
    )
    bound: float | None = Field(
        None, gt=0, le=1e100, description="Diverged when a coordinate passes ±bound."
    )
    include_grad: bool = Field(False, description="Also record the gradient at each point.")
    explain: bool = Field(
        True,
        description="Say in words how each trajectory ended; false leaves the sentences out "
        '(`messages` is empty, each `message` ""): faster for many starts.',
    )
    format: Literal["lists", "arrays"] = Field(
        "lists", description="`lists`: JSON lists per trajectory; `arrays`: typed arrays."
    )

    @model_validator(mode="after")
    def one_source_of_starts(self) -> Self:
        neither = self.starts is None and self.init is None
        both = self.starts is not None and self.init is not None
        if both or (neither and not isinstance(self.objective, NetworkSpec)):
            raise EngineError("error.one_source")
        return self


class ObjectiveRequest(Model):
    """An objective to describe."""

    objective: ObjectiveSpec


class GridRequest(Model):
    """An objective of two parameters, to evaluate on a grid over its plotting domain."""

    objective: ObjectiveSpec
    resolution: int = Field(128, ge=2, le=Ceil.max_resolution, description="Points per axis.")


class StartsRequest(Model):
    """Generate starts for an objective without running anything."""

    objective: ObjectiveSpec
    init: InitSpec
