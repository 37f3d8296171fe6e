"""Hyperparameters: torch's checks, and one validated `Hyper` per start from a request's values."""

import math
import re

import pytest

from app.engine.errors import EngineError
from app.engine.hyperparams import SGD, Adagrad, Adam, AdamW, Hyper, RMSprop, per_row, validate

# --- validate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hp", "field"),
    [
        (SGD(lr=-0.1), "lr"),
        (SGD(lr=math.nan), "lr"),
        (Adam(lr=math.inf), "lr"),
        (SGD(momentum=-0.5), "momentum"),
        (SGD(weight_decay=-1.0), "weight_decay"),
        (Adagrad(lr_decay=-0.1), "lr_decay"),
        (Adagrad(initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (Adagrad(eps=-1e-10), "eps"),
        (RMSprop(alpha=-0.1), "alpha"),
        (RMSprop(momentum=-0.9), "momentum"),
        (RMSprop(eps=-1.0), "eps"),
        (Adam(betas=(1.0, 0.999)), r"betas\[0\]"),
        (Adam(betas=(0.9, -0.1)), r"betas\[1\]"),
        (AdamW(betas=(-0.5, 0.9)), r"betas\[0\]"),
        (AdamW(weight_decay=-0.01), "weight_decay"),
        (Adam(eps=-1e-8), "eps"),
    ],
    ids=repr,
)
def test_validate_names_the_bad_field(hp: Hyper, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        validate(hp)


@pytest.mark.parametrize(
    "hp", [SGD(nesterov=True), SGD(momentum=0.9, dampening=0.1, nesterov=True)], ids=repr
)
def test_validate_nesterov(hp: SGD) -> None:
    message = "Nesterov momentum requires a momentum and zero dampening"
    with pytest.raises(ValueError, match=message):
        validate(hp)


def test_validate_accepts_edge_values() -> None:
    for hp in (
        SGD(lr=0.0, momentum=0.9, nesterov=True),
        Adam(betas=(0.0, 0.0), eps=0.0),
        RMSprop(alpha=0.0),
        Adagrad(lr_decay=0.0, initial_accumulator_value=0.0),
        AdamW(lr=0.1, weight_decay=12.0),
    ):
        validate(hp)


def test_hyperparameters_are_hashable_values() -> None:
    assert {SGD(lr=0.1), SGD(lr=0.1), SGD(lr=0.2)} == {SGD(lr=0.1), SGD(lr=0.2)}
    adam: Hyper = Adam(lr=0.1)
    assert adam != AdamW(lr=0.1, weight_decay=0.0)


# --- per_row -------------------------------------------------------------------------------


def test_single_values_broadcast_to_one_shared_hyper() -> None:
    rows = per_row(SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}, 4)
    assert rows == [SGD(lr=0.1, momentum=0.9, nesterov=True)] * 4
    assert all(row is rows[0] for row in rows)


def test_no_values_give_torch_defaults() -> None:
    assert per_row(Adam, {}, 3) == [Adam()] * 3
    assert per_row(Adam, {}, 0) == []


def test_one_value_per_start() -> None:
    rows = per_row(SGD, {"lr": [0.001, 0.01, 0.1], "momentum": 0.5}, 3)
    assert rows == [
        SGD(lr=0.001, momentum=0.5),
        SGD(lr=0.01, momentum=0.5),
        SGD(lr=0.1, momentum=0.5),
    ]


def test_starts_with_equal_values_share_one_hyper() -> None:
    rows = per_row(RMSprop, {"lr": [0.1, 0.2, 0.1, 0.2], "alpha": [0.9, 0.9, 0.9, 0.5]}, 4)
    assert rows[0] is rows[2]
    assert rows[1] is not rows[3]
    assert rows[3] == RMSprop(lr=0.2, alpha=0.5)
    assert len({id(row) for row in rows}) == 3


def test_integers_become_floats() -> None:
    (row,) = per_row(Adagrad, {"lr": 1, "lr_decay": 0}, 1)
    assert row == Adagrad(lr=1.0, lr_decay=0.0)
    assert isinstance(row.lr, float)


def test_betas_as_one_pair_or_one_pair_per_start() -> None:
    assert per_row(Adam, {"betas": [0.8, 0.9]}, 2) == [Adam(betas=(0.8, 0.9))] * 2
    rows = per_row(AdamW, {"betas": [[0.8, 0.9], (0.5, 0.99)], "amsgrad": True}, 2)
    assert rows == [AdamW(betas=(0.8, 0.9), amsgrad=True), AdamW(betas=(0.5, 0.99), amsgrad=True)]
    assert all(isinstance(row, AdamW) and isinstance(row.betas, tuple) for row in rows)


def test_a_list_of_the_wrong_length_names_the_field() -> None:
    message = (
        "optimizer.lr has 2 values but there are 3 starts: "
        "give one value per start, or a single number"
    )
    with pytest.raises(EngineError, match=re.escape(message)) as caught:
        per_row(SGD, {"lr": [0.1, 0.2]}, 3)
    assert caught.value.key == "error.hyper_length"
    assert caught.value.params == {"field": "lr", "got": 2, "count": 3}
    with pytest.raises(EngineError, match=r"optimizer\.betas has 3 pairs but there are 2 starts"):
        per_row(Adam, {"betas": [[0.9, 0.99]] * 3}, 2)


@pytest.mark.parametrize(
    ("cls", "values", "field"),
    [
        (SGD, {"nesterov": [True, False]}, "nesterov"),
        (Adam, {"amsgrad": 1}, "amsgrad"),
        (RMSprop, {"centered": [False]}, "centered"),
        (SGD, {"lr": "0.1"}, "lr"),
        (SGD, {"lr": True}, "lr"),
        (SGD, {"momentum": [0.1, "x"]}, "momentum"),
        (Adam, {"betas": 0.9}, "betas"),
        (Adam, {"betas": [0.9, 0.99, 0.999]}, "betas"),
        (Adam, {"betas": [[0.9, 0.99], 0.5]}, "betas"),
    ],
    ids=repr,
)
def test_values_of_the_wrong_kind_name_the_field(
    cls: type[Hyper], values: dict[str, object], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"optimizer\.{field} must be"):
        per_row(cls, values, 2)


def test_unknown_fields_are_rejected_with_the_valid_names() -> None:
    with pytest.raises(ValueError, match="SGD has no hyperparameter 'betas'; choose from: lr,"):
        per_row(SGD, {"lr": 0.1, "betas": (0.9, 0.99)}, 1)


def test_each_row_is_validated_and_the_message_names_the_start() -> None:
    with pytest.raises(ValueError, match=r"^start 2: Invalid lr=-1\.0"):
        per_row(SGD, {"lr": [0.1, 0.2, -1.0]}, 3)
    with pytest.raises(ValueError, match=r"^Invalid betas\[0\]=1\.0"):
        per_row(Adam, {"betas": (1.0, 0.5)}, 1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        per_row(SGD, {"momentum": [0.9, 0.0], "nesterov": True}, 2)
