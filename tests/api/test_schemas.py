"""The request schemas mirror the engine: one spec per optimizer, with the engine's defaults."""

import dataclasses
import typing

import pytest
from pydantic import BaseModel

from app.api.schemas import OptimizerSpec
from app.engine.optimizers import OPTIMIZERS


def spec_classes() -> dict[str, type[BaseModel]]:
    union = typing.get_args(OptimizerSpec)[0]
    classes: dict[str, type[BaseModel]] = {}
    for cls in typing.get_args(union):
        (name,) = typing.get_args(cls.model_fields["name"].annotation)
        classes[name] = cls
    return classes


def test_every_engine_optimizer_has_exactly_one_spec() -> None:
    assert sorted(spec_classes()) == sorted(OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_spec_defaults_are_the_engine_defaults(name: str) -> None:
    spec = spec_classes()[name].model_validate({"name": name})
    engine = dataclasses.asdict(OPTIMIZERS[name].hyper())
    as_json = {k: list(v) if isinstance(v, tuple) else v for k, v in engine.items()}
    assert spec.model_dump(exclude={"name"}) == as_json  # a pair such as betas is a JSON list
