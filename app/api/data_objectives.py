"""Models on data sets as objectives: `{"model": ..., "dataset": ..., "l2", "batch"}`.

A data set is a generated one from the catalogue (`GET /api/v1/datasets`), named with its
parameters, or a CSV file sent in the body. Checks that need no data (ranges, which model can
learn which generated set, the SVM's margin) run while the body is validated. Drawing the data
and parsing a file run in `build()`, which every route calls in a worker thread; a refusal
there is an EngineError, a 422 in the request's language. Nothing of a request is kept.
"""

from typing import Annotated, Any, Literal, Self

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from app.api.objectives import Model
from app.engine.batches import BatchSpec
from app.engine.csvdata import MAX_FEATURES, MAX_ROWS, parse_csv
from app.engine.datasets import (
    DATASETS,
    MAX_N,
    MAX_SEED,
    MIN_N,
    Dataset,
    Kind,
    check_request,
    dataset_spec,
    make_dataset,
)
from app.engine.errors import EngineError
from app.engine.objectives.models import AffineModel, check_fit, make_model
from app.i18n import Lang, translate


def _bounds(param: str) -> tuple[float, float]:
    """The widest range any data set allows for `param`; each set's own is checked after."""
    found = [p for spec in DATASETS.values() if (p := spec.param(param)) is not None]
    return min(p.low for p in found), max(p.high for p in found)


NOISE_LOW, NOISE_HIGH = _bounds("noise")
CLASSES_LOW, CLASSES_HIGH = _bounds("classes")


class GeneratedData(Model):
    """A data set of the catalogue, drawn from its seed: the same request, the same points."""

    name: str = Field(examples=["moons"], json_schema_extra={"enum": list(DATASETS)})
    n: int = Field(200, ge=MIN_N, le=MAX_N, description="Number of samples.")
    noise: float | None = Field(
        None,
        ge=NOISE_LOW,
        le=NOISE_HIGH,
        description="The jitter's standard deviation, within the set's own range "
        "(`GET /api/v1/datasets`); default the set's own.",
    )
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Another seed gives a held-out set.")
    classes: int | None = Field(
        None,
        ge=int(CLASSES_LOW),
        le=int(CLASSES_HIGH),
        description="Number of classes, for blobs and spiral only (default 3).",
    )

    @field_validator("name")
    @classmethod
    def known(cls, name: str) -> str:
        return dataset_spec(name).name  # EngineError names the choices

    @model_validator(mode="after")
    def in_range(self) -> Self:
        """Each set's own ranges (noise, classes): cheap, nothing is drawn."""
        check_request(self.name, self.n, self.noise_value, self.seed, self.classes)
        return self

    @property
    def noise_value(self) -> float:
        """The noise asked for, or the set's default."""
        if self.noise is not None:
            return self.noise
        param = DATASETS[self.name].param("noise")
        assert param is not None
        return param.default

    def load(self) -> Dataset:
        """Draw the points (at most 10,000: a millisecond)."""
        return make_dataset(self.name, self.n, self.noise_value, self.seed, self.classes)

    def known_kind(self) -> tuple[Kind, int]:
        """Its task and number of classes, known before anything is drawn."""
        classes = check_request(self.name, self.n, self.noise_value, self.seed, self.classes)
        return DATASETS[self.name].kind, classes

    def title(self, lang: Lang) -> str:
        """The set's name, in `lang`."""
        return translate(lang, f"dataset.{self.name}.title")


class CsvData(Model):
    """A CSV file with a header row: numeric feature columns and the target column `target`."""

    csv: str = Field(
        description=f"The file's text: a header row, then at most {MAX_ROWS:,} rows of plain "
        f"numbers, 1 to {MAX_FEATURES} feature columns besides the target. A target written "
        "as integers with at most 10 values is class labels 0 .. C-1 (classification); "
        "otherwise it is a number to fit (regression). The body limit applies.",
        examples=["x1,x2,label\n0.5,1.0,0\n-1.2,0.3,1\n"],
    )
    target: str = Field(
        min_length=1, max_length=200, description="The target's column name.", examples=["label"]
    )

    def load(self) -> Dataset:
        """Parse the file (EngineError naming the line and column of the first problem)."""
        return parse_csv(self.csv, self.target)

    def known_kind(self) -> None:
        """A file's task is known only once it is parsed."""
        return None

    def title(self, lang: Lang) -> str:
        """`CSV file, target "y"`, in `lang`."""
        return translate(lang, "dataset.csv.title", target=self.target)


def data_kind(value: Any) -> str | None:
    """`generated` for `{"name": ...}`, `csv` for `{"csv": ...}`."""
    if isinstance(value, dict):
        keys = [k for k in ("name", "csv") if k in value]
        return None if len(keys) != 1 else "generated" if keys[0] == "name" else "csv"
    if isinstance(value, GeneratedData | CsvData):
        return "generated" if isinstance(value, GeneratedData) else "csv"
    return None


DataSpec = Annotated[
    Annotated[GeneratedData, Tag("generated")] | Annotated[CsvData, Tag("csv")],
    Discriminator(
        data_kind,
        custom_error_type="dataset_kind",
        custom_error_message='dataset must be {"name": ..., "n", "noise", "seed"} or '
        '{"csv": text, "target": column}',
    ),
]


class Batch(Model):
    """Mini-batches: `size` samples per step, a fresh shuffle from `seed` every epoch."""

    size: int = Field(ge=1, le=MAX_N, description="Samples per step; N or more is full batch.")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Same seed, same batches.")


ModelName = Literal["linear", "logistic", "svm", "softmax"]


class ModelSpec(Model):
    """A linear model on a data set; its parameters are the weights `w[0]..`, `b` (one output)
    or `W[k,j]`, `b[k]` (one row per class), and its loss the mean loss plus l2 |W|²."""

    model: ModelName = Field(
        description="linear: squared error (regression); logistic: binary cross-entropy "
        "(2 classes); softmax: cross-entropy; svm: the multiclass hinge loss."
    )
    dataset: DataSpec
    l2: float = Field(0.0, ge=0, le=100, description="Weight decay λ on the weights (not b).")
    batch: Batch | None = Field(None, description="Mini-batches; none: the full data set.")
    delta: float | None = Field(
        None, gt=0, le=1000, description="The SVM's margin Δ (svm only; default 1)."
    )

    @model_validator(mode="after")
    def fits(self) -> Self:
        """The margin belongs to the SVM; a generated set's task is known before drawing it."""
        if self.delta is not None and self.model != "svm":
            raise EngineError("model.delta_svm_only", model=self.model)
        known = self.dataset.known_kind()
        if known is not None:
            check_fit(self.model, *known)
        return self

    def build(self) -> AffineModel:
        """Load the data and make the model (EngineError when the file or the pair is wrong)."""
        batch = None if self.batch is None else BatchSpec(self.batch.size, self.batch.seed)
        return make_model(self.model, self.dataset.load(), self.l2, batch, self.delta)

    def title(self, lang: Lang) -> str:
        """`Logistic regression on Moons`, in `lang`."""
        model = translate(lang, f"model.{self.model}.title")
        return translate(
            lang, "objective.model.title", model=model, dataset=self.dataset.title(lang)
        )

    @property
    def log_scale(self) -> bool:
        """Squared and cross-entropy losses fall by decades; a hinge loss reaches 0 exactly."""
        return self.model != "svm"
