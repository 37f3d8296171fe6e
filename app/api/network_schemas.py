"""Request and reply models of a network looked at closely: its decision regions and accuracy
(`/network/probe`) and one sample's units (`/network/unit`)."""

from typing import Literal, Self

from pydantic import Field, model_validator

from app.api.data_schemas import Interval, check_intervals
from app.api.network_objectives import NetworkSpec, ParamVector
from app.api.objectives import Model
from app.api.replies import TypedArray
from app.api.schemas import Ceil, Coord
from app.engine.csvdata import MAX_FEATURES


class ProbeRequest(Model):
    """A network at parameters `point`: its decision regions over a box, and its accuracy."""

    objective: NetworkSpec
    point: ParamVector
    resolution: int = Field(100, ge=2, le=Ceil.max_resolution, description="Points per axis.")
    box: list[Interval] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="[[x0, x1], [y0, y1]] to cover, in the data's coordinates; default the "
        "data's bounding box with a 10% margin on each side.",
    )
    precision: Literal["u1", "f4"] = Field(
        "u1",
        description="u1: each probability as round(255 p), 4 times smaller; f4: float32.",
    )

    @model_validator(mode="after")
    def ordered_box(self) -> Self:
        check_intervals("box", self.box)
        return self


class Regions(Model):
    """Class probabilities on the grid: proba[i, j, c] at (x[j], y[i]), (R, R, C)."""

    x: TypedArray
    y: TypedArray
    classes: int
    proba: TypedArray = Field(description="p, or round(255 p) as u1 (then divide by `scale`).")
    scale: float = Field(description="255 for u1, 1 for f4.")


class ProbeResult(Model):
    """What a network at `point` does on its data and on a held-out set.

    Losses are the data loss (mean over samples, l2 left out); accuracies are for
    classification only. The held-out set is the same generator with seed + 1 (a CSV file has
    none: its fields are null).
    """

    regions: Regions | None = Field(
        None, description="For a classifier on 2 features; null otherwise."
    )
    train_loss: float | None
    train_accuracy: float | None
    held_out_seed: int | None
    held_out_loss: float | None
    held_out_accuracy: float | None
    penalty: float | None = Field(description="l2 · Σ |W^l|² at the point (the loss adds it).")


class UnitRequest(Model):
    """One sample `x` through the network at `point`: every unit's z, a and δ."""

    objective: NetworkSpec
    point: ParamVector
    x: list[Coord] = Field(
        min_length=1, max_length=MAX_FEATURES, description="The sample: one value per feature."
    )
    y: float | None = Field(
        None,
        ge=-1e6,
        le=1e6,
        description="Its target (a class label); default the target of the nearest sample.",
    )


class UnitResult(Model):
    """z^l, a^l and δ^l = dC/dz^l of every unit for one sample (lists over layers 1 .. L)."""

    x: list[float]
    y: float
    sample: int | None = Field(description="The nearest sample, whose target y is; or null.")
    sizes: list[int] = Field(description="n_0 (the features), n_1, ..., n_L.")
    z: list[list[float | None]]
    a: list[list[float | None]]
    delta: list[list[float | None]]
    loss: float | None = Field(description="This sample's loss (N = 1), l2 left out.")
