"""Request and reply models of learning from data: data sets, loss landscapes, a model's
predictions and the SVM's one-sample walkthrough."""

from typing import Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from app.api.data_objectives import DataSpec, ModelSpec
from app.api.network_objectives import ParamVector
from app.api.objectives import Model
from app.api.planes import MAX_PATH, Directions
from app.api.replies import TypedArray
from app.api.schemas import Ceil, Coord, ObjectiveSpec
from app.engine.datasets import MAX_N
from app.engine.errors import EngineError

MAX_PARAMS = 1000  # coordinates of a point: a softmax on 20 features x 10 classes has 210
Point = Annotated[list[Coord], Field(min_length=1, max_length=MAX_PARAMS)]
End = Annotated[float, Field(ge=-1e6, le=1e6)]
Interval = Annotated[list[End], Field(min_length=2, max_length=2)]


def check_intervals(field: str, intervals: list[list[float]] | None) -> None:
    """EngineError unless each interval's low end is below its high end."""
    for k, (low, high) in enumerate(intervals or []):
        if not low < high:
            raise EngineError("error.interval", field=f"{field}[{k}]", low=low, high=high)


class ParamInfo(Model):
    """One parameter of a data set's generator."""

    name: str
    default: float
    low: float
    high: float
    integer: bool
    description: str


class DatasetInfo(Model):
    """A data set of the catalogue."""

    name: str
    title: str
    kind: Literal["regression", "classification"]
    description: str
    dim: int = Field(description="D, the number of features.")
    params: list[ParamInfo]


class SampleRequest(Model):
    """A data set to draw (or a CSV file to read)."""

    dataset: DataSpec


class SampleResult(Model):
    """The samples: features X (N, D) and targets y (N,), labels 0 .. classes-1 or numbers."""

    X: list[list[float]]
    y: list[int] | list[float]
    kind: Literal["regression", "classification"]
    classes: int = Field(description="C for classification, 0 for regression.")
    feature_names: list[str]
    target_name: str


# Two parameters by name, or two directions (and then perhaps a path to project).
LANDSCAPE_WAYS: dict[str, Any] = {
    "oneOf": [
        {
            "required": ["params"],
            "properties": {
                "params": {"type": "array"},
                "directions": {"type": "null"},
                "path": {"type": "null"},
            },
        },
        {
            "required": ["directions"],
            "properties": {"directions": {"type": "object"}, "params": {"type": "null"}},
        },
    ]
}


class LandscapeRequest(Model):
    """The loss over a grid of two parameters, the others held at `point`; or over the plane
    through `point` along two directions (filter-normalized random ones, or a path's PCA)."""

    model_config = ConfigDict(json_schema_extra=LANDSCAPE_WAYS)

    objective: ObjectiveSpec
    params: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="Two different parameter names from describe: x axis, then y axis; "
        "give this or `directions`.",
        examples=[["w[0]", "b"]],
    )
    directions: Directions | None = Field(
        None, description="Two directions through `point`; give this or `params`."
    )
    path: list[ParamVector] | None = Field(
        None,
        min_length=2,
        max_length=MAX_PATH,
        description="With `directions`: points of a training path, whose first two principal "
        "components (around `point`) replace the random directions; the reply places the path.",
    )
    point: ParamVector = Field(
        description="Every parameter's value: with `params` the two varied ones are ignored; "
        "with `directions` it is the plane's (0, 0)."
    )
    ranges: list[Interval] = Field(
        min_length=2,
        max_length=2,
        description="[[x0, x1], [y0, y1]]: each axis's range (along directions, in their units).",
    )
    resolution: int = Field(64, ge=2, le=Ceil.max_resolution, description="Points per axis.")

    @model_validator(mode="after")
    def two_axes(self) -> Self:
        if (self.params is None) == (self.directions is None):
            raise EngineError("landscape.one_way")
        if self.path is not None and self.directions is None:
            raise EngineError("landscape.path_needs_directions")
        if self.params is not None and self.params[0] == self.params[1]:
            raise EngineError("landscape.same_param", name=self.params[0])
        check_intervals("ranges", self.ranges)
        return self


class PredictRequest(Model):
    """A model's predictions at parameters `point`, for plotting over its data."""

    objective: ModelSpec
    point: Point
    resolution: int = Field(100, ge=2, le=Ceil.max_resolution, description="Points per axis.")
    box: list[Interval] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="[[x0, x1], [y0, y1]] to cover, in the data's coordinates (a line uses "
        "[x0, x1]); default the data's bounding box with a 10% margin on each side.",
    )

    @model_validator(mode="after")
    def ordered_box(self) -> Self:
        check_intervals("box", self.box)
        return self


class PredictRegions(Model):
    """A classifier over a grid: at (x[j], y[i]), proba[i, j, c] or labels[i, j]."""

    x: TypedArray
    y: TypedArray
    classes: int
    proba: TypedArray | None = Field(
        None, description="logistic, softmax: float32 (R, R, C), each [i, j] summing to 1."
    )
    labels: TypedArray | None = Field(
        None, description="svm (scores, not probabilities): the predicted class, uint8 (R, R)."
    )


class PredictLine(Model):
    """Linear regression's fitted line ŷ = w x + b along its feature."""

    x: list[float]
    yhat: list[float | None]


class SvmSampleRequest(Model):
    """The notes' SVM example for sample `index` of an SVM's data, at parameters `point`."""

    objective: ModelSpec
    point: Point
    index: int = Field(0, ge=0, lt=MAX_N, description="The sample, 0 .. N-1.")

    @field_validator("objective")
    @classmethod
    def an_svm(cls, objective: ModelSpec) -> ModelSpec:
        if objective.model != "svm":
            raise EngineError("svm.needs_svm", model=objective.model)
        return objective


class SampleGradientCheck(Model):
    """One parameter: the analytic derivative of the sample's loss and the centred one."""

    name: str
    analytic: float
    numerical: float | None
    rel_error: float | None = Field(description="|a - n| / max(|a|, |n|); null if not finite.")
    verdict: Literal["fine", "suspect", "wrong"]


class SvmSampleReport(Model):
    """Scores, margins, loss and gradient of one sample's hinge loss, and their check.

    L = Σ_{j≠y} max(0, s_j - s_y + Δ) with s = W x + b; row j ≠ y of dW is x where the margin
    is active, row y is -(active count) x; db likewise with 1 for x.
    """

    index: int
    x: list[float]
    y: int
    delta: float
    scores: list[float]
    margins: list[float] = Field(description="s_j - s_y + Δ, and 0 at j = y.")
    active: list[bool]
    loss: float
    dW: list[list[float]]  # noqa: N815 (the notes' name)
    db: list[float]
    rows_touched: list[int] = Field(description="Classes whose row of W gets a gradient.")
    h: float = Field(description="The finite-difference step of the check.")
    gradcheck: list[SampleGradientCheck]
    verdict: Literal["fine", "suspect", "wrong"] = Field(description="The worst over the check.")
