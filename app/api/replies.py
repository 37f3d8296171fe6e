"""Reply models: what the API sends back, as the OpenAPI document describes it."""

from typing import Literal

from pydantic import Field

from app.api.objectives import Model


class StartsResult(Model):
    """The generated starts, [[x, y], ...]."""

    starts: list[list[float]]


class TypedArray(Model):
    """Plotly's typed-array form: base64 of little-endian values, with a shape for matrices."""

    dtype: Literal["f8", "f4", "i4", "u1"]
    bdata: str
    shape: str | None = Field(None, description="Rows and columns, e.g. `128,128`.")


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
    """All trajectories of a run, in the order of their starts (`"format": "lists"`)."""

    trajectories: list[TrajectoryResult]


class RunArrays(Model):
    """All trajectories as typed arrays (`"format": "arrays"`).

    Trajectory k's records are rows offsets[k] to offsets[k + 1] of `steps`, `points`, `loss`
    and `grad`. `status` codes index `statuses`. Non-finite values never appear: a loss or
    gradient norm that is not finite is sent as NaN-free -1 in `grad_norm` and flagged in
    `loss_finite` (1 where the loss is a finite number).
    """

    format: Literal["arrays"]
    dim: int
    offsets: TypedArray
    steps: TypedArray
    points: TypedArray
    loss: TypedArray
    loss_finite: TypedArray
    grad: TypedArray | None = None
    statuses: list[str]
    status: TypedArray
    steps_taken: TypedArray
    grad_norm: TypedArray
    messages: list[str] = Field(
        description="One sentence per trajectory; none when the request's `explain` is false."
    )


class GridResult(Model):
    """Values on a grid, z[i][j] at (x[j], y[i]), as typed arrays (float32)."""

    x: TypedArray
    y: TypedArray
    z: TypedArray
    zmin: float
    zmax: float


class LandmarkInfo(Model):
    """A known stationary point."""

    point: list[float]
    value: float
    kind: Literal["global", "local", "saddle"]


class Box(Model):
    """A box, one low and one high per parameter."""

    low: list[float]
    high: list[float]


class CurvatureInfo(Model):
    """A constant Hessian's spectrum, and what it means for gradient descent."""

    eigenvalues: list[float]
    eigenvectors: list[list[float]] | None = Field(
        None, description="Row i is the unit eigenvector of eigenvalues[i] (up to P = 100)."
    )
    condition: float
    lr_max: float = Field(description="Plain descent is stable only for lr < 2/λ_max.")
    lr_best: float = Field(description="2/(λ_min + λ_max): the fastest plain step.")
    rate_best: float = Field(description="(k - 1)/(k + 1): the error factor per step at lr_best.")
    momentum_lr: float = Field(description="Heavy ball's best step, (2/(√λ_min + √λ_max))².")
    momentum_beta: float = Field(description="Heavy ball's best momentum, ((√k - 1)/(√k + 1))².")
    momentum_rate: float = Field(description="(√k - 1)/(√k + 1).")


class ParamGroupInfo(Model):
    """A network layer's weights (`W1`) or biases (`b1`): parameters start .. stop - 1."""

    name: str
    layer: int = Field(description="l, from 1 (the first hidden layer) to L (the output).")
    start: int
    stop: int


class ObjectiveInfo(Model):
    """What an objective is: its parameters, where to plot and start, and what is known."""

    kind: str
    title: str
    dim: int
    names: list[str]
    domain: list[list[float]] | None = Field(
        None, description="[[x0, x1], [y0, y1]] for two-parameter objectives."
    )
    start_region: Box
    landmarks: list[LandmarkInfo]
    log_scale: bool
    cost: float
    curvature: CurvatureInfo | None = None
    groups: list[ParamGroupInfo] | None = Field(
        None,
        description="A network's parameters by layer, in order (W1, b1, W2, ...); null for "
        "other objectives.",
    )


class SurfaceInfo(Model):
    """A catalogue entry."""

    name: str
    title: str
    latex: str
    formula: str
    lesson: str
    domain: list[list[float]] = Field(description="[[x0, x1], [y0, y1]].")
    minima: list[LandmarkInfo]
    log_scale: bool


class OptimizerInfo(Model):
    """An optimizer: its torch name, update equations and hyperparameter defaults."""

    name: str
    title: str
    torch_name: str
    equations: str
    defaults: dict[str, float | bool | list[float]]
