"""Data sets: the catalogue of generated sets, and the samples of one (or of a CSV file)."""

from fastapi import APIRouter

from app.api.data_objectives import CsvData
from app.api.data_schemas import DatasetInfo, ParamInfo, SampleRequest, SampleResult
from app.api.errors import BODY_ERRORS, refusal
from app.api.language import Language
from app.engine.datasets import DATASETS, DatasetSpec
from app.engine.errors import EngineError
from app.i18n import Lang, translate

router = APIRouter(prefix="/api/v1", tags=["data"])


def dataset_info(spec: DatasetSpec, lang: Lang) -> DatasetInfo:
    """A catalogue entry, its title and descriptions in `lang`."""

    def about(name: str) -> str:
        key = f"dataset.param.{name}" + (f".{spec.kind}" if name == "noise" else "")
        return translate(lang, key)

    return DatasetInfo(
        name=spec.name,
        title=translate(lang, f"dataset.{spec.name}.title"),
        kind=spec.kind,
        description=translate(lang, f"dataset.{spec.name}.description"),
        dim=spec.dim,
        params=[
            ParamInfo(
                name=p.name,
                default=p.default,
                low=p.low,
                high=p.high,
                integer=p.integer,
                description=about(p.name),
            )
            for p in spec.params
        ],
    )


@router.get("/datasets")
def list_datasets(lang: Language) -> list[DatasetInfo]:
    """The generated data sets: their task, features and parameters with ranges."""
    return [dataset_info(spec, lang) for spec in DATASETS.values()]


@router.post("/datasets/sample", responses=BODY_ERRORS)
def sample_dataset(req: SampleRequest, lang: Language) -> SampleResult:
    """The samples of a data set (seeded: the same request, the same points), or of a CSV file."""
    where = ("body", "dataset", "csv") if isinstance(req.dataset, CsvData) else ("body", "dataset")
    try:
        data = req.dataset.load()
    except EngineError as exc:
        raise refusal(exc, lang, where) from exc
    y = data.labels().tolist() if data.kind == "classification" else data.targets().tolist()
    return SampleResult(
        X=data.X.tolist(),
        y=y,
        kind=data.kind,
        classes=data.classes,
        feature_names=list(data.feature_names),
        target_name=data.target_name,
    )
