"""Request and reply models. Bounds live here, so every bad field gets a 422 naming its range."""

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.config import SETTINGS
from app.engine import optimizers as opt
from app.engine.objectives.surfaces import SURFACES, get_surface

LR = Field(gt=0, le=100, description="Step size (learning rate), torch's `lr`.")
EPS = Field(gt=0, le=1, description="Added to the denominator for numerical stability.")
DECAY = Field(ge=0, le=10, description="L2 penalty (torch's `weight_decay`).")
Unit = Annotated[float, Field(ge=0, lt=1)]


class Model(BaseModel):
    """Strict base: unknown fields and non-finite numbers are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SurfaceSpec(Model):
    """A 2-D test surface from the catalogue (`GET /api/v1/surfaces`)."""

    surface: str = Field(examples=["rosenbrock"], json_schema_extra={"enum": list(SURFACES)})

    @field_validator("surface")
    @classmethod
    def known_surface(cls, name: str) -> str:
        return get_surface(name).name  # ValueError names the choices


class SGDSpec(Model):
    """torch.optim.SGD: momentum, dampening, Nesterov and weight decay."""

    name: Literal["sgd"]
    lr: Annotated[float, LR] = opt.SGD.lr
    momentum: float = Field(opt.SGD.momentum, ge=0, le=1)
    dampening: float = Field(opt.SGD.dampening, ge=0, le=1)
    weight_decay: Annotated[float, DECAY] = opt.SGD.weight_decay
    nesterov: bool = opt.SGD.nesterov


class AdagradSpec(Model):
    """torch.optim.Adagrad."""

    name: Literal["adagrad"]
    lr: Annotated[float, LR] = opt.Adagrad.lr
    lr_decay: float = Field(opt.Adagrad.lr_decay, ge=0, le=10)
    weight_decay: Annotated[float, DECAY] = opt.Adagrad.weight_decay
    initial_accumulator_value: float = Field(opt.Adagrad.initial_accumulator_value, ge=0, le=1e6)
    eps: Annotated[float, EPS] = opt.Adagrad.eps


class RMSpropSpec(Model):
    """torch.optim.RMSprop, optionally centered and with momentum."""

    name: Literal["rmsprop"]
    lr: Annotated[float, LR] = opt.RMSprop.lr
    alpha: float = Field(opt.RMSprop.alpha, ge=0, le=1)
    eps: Annotated[float, EPS] = opt.RMSprop.eps
    weight_decay: Annotated[float, DECAY] = opt.RMSprop.weight_decay
    momentum: float = Field(opt.RMSprop.momentum, ge=0, le=1)
    centered: bool = opt.RMSprop.centered


class AdamSpec(Model):
    """torch.optim.Adam, optionally AMSGrad."""

    name: Literal["adam"]
    lr: Annotated[float, LR] = opt.Adam.lr
    betas: tuple[Unit, Unit] = opt.Adam.betas
    eps: Annotated[float, EPS] = opt.Adam.eps
    weight_decay: Annotated[float, DECAY] = opt.Adam.weight_decay
    amsgrad: bool = opt.Adam.amsgrad


class AdamWSpec(AdamSpec):
    """torch.optim.AdamW: Adam with decoupled weight decay."""

    name: Literal["adamw"]  # type: ignore[assignment]
    weight_decay: Annotated[float, DECAY] = opt.AdamW.weight_decay


OptimizerSpec = Annotated[
    SGDSpec | AdagradSpec | RMSpropSpec | AdamSpec | AdamWSpec, Field(discriminator="name")
]
Count = Annotated[int, Field(ge=1, le=SETTINGS.max_starts, description="Number of starts.")]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1, description="Seed: same seed, same starts.")]
Coord = Annotated[float, Field(ge=-1e6, le=1e6)]
Point = Annotated[list[Coord], Field(min_length=1, max_length=64)]


class GaussianInit(Model):
    """Starts drawn from N(mean, std² I), the initialisation the course recommends."""

    kind: Literal["gaussian"]
    mean: Point | None = Field(None, description="Default: the centre of the domain.")
    std: float = Field(1.0, ge=0, le=1e4)
    count: Count = 8
    seed: Seed = 0


class BoxInit(Model):
    """A box for starts, [low, high] per coordinate; the default is the plotting domain."""

    low: Point | None = None
    high: Point | None = None


class UniformInit(BoxInit):
    """Starts drawn uniformly from a box (default: the plotting domain)."""

    kind: Literal["uniform"]
    count: Count = 8
    seed: Seed = 0


class GridInit(BoxInit):
    """Starts on a regular grid over a box (default: the plotting domain)."""

    kind: Literal["grid"]
    shape: list[Annotated[int, Field(ge=1, le=1024)]] = Field(
        default_factory=lambda: [16, 16],
        min_length=1,
        max_length=64,
        description="Points along each axis, e.g. [256, 256].",
    )


InitSpec = Annotated[GaussianInit | UniformInit | GridInit, Field(discriminator="kind")]


class RunRequest(Model):
    """One run: an objective, an optimizer, where to start, and how long."""

    objective: SurfaceSpec
    optimizer: OptimizerSpec
    starts: list[Point] | None = Field(
        None, max_length=SETTINGS.max_starts, description="Explicit starts [[x, y], ...]."
    )
    init: InitSpec | None = Field(None, description="Generated starts, instead of `starts`.")
    steps: int = Field(500, ge=1, le=SETTINGS.max_steps, description="Most steps to take.")
    every: int = Field(1, ge=1, le=SETTINGS.max_steps, description="Record every k-th step.")
    tol: float = Field(
        1e-6, ge=0, le=1e3, description="Converged when |∇f| < tol; 0 runs every step."
    )
    bound: float | None = Field(
        None, gt=0, le=1e100, description="Diverged when a coordinate passes ±bound."
    )
    include_grad: bool = Field(False, description="Also record the gradient at each point.")

    @model_validator(mode="after")
    def one_source_of_starts(self) -> Self:
        if (self.starts is None) == (self.init is None):
            raise ValueError("give exactly one of 'starts' (a list of points) or 'init'")
        return self


class StartsRequest(Model):
    """Generate starts for an objective without running anything."""

    objective: SurfaceSpec
    init: InitSpec


class StartsResult(Model):
    """The generated starts, [[x, y], ...]."""

    starts: list[list[float]]


class TrajectoryResult(Model):
    """One trajectory: recorded points (points[0] is the start) and how it ended."""

    steps: list[int]
    points: list[list[float]]
    loss: list[float | None]
    grad: list[list[float]] | None = None
    status: Literal["converged", "diverged", "max_steps"]
    steps_taken: int
    grad_norm: float | None
    message: str


class RunResult(Model):
    """All trajectories of a run, in the order of their starts."""

    trajectories: list[TrajectoryResult]


class SurfaceInfo(Model):
    """A catalogue entry."""

    name: str
    title: str
    latex: str
    formula: str
    lesson: str
    domain: tuple[tuple[float, float], tuple[float, float]]
    minima: list[dict[str, object]]
    log_scale: bool


class OptimizerInfo(Model):
    """An optimizer: its torch name, update equations and hyperparameter defaults."""

    name: str
    title: str
    torch_name: str
    equations: str
    defaults: dict[str, object]
