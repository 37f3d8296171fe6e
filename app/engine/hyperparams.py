"""Hyperparameters of the optimizers: one frozen dataclass per rule, checks, per-start values.

Names and defaults are those of PyTorch 2.x (`torch.optim.SGD`, `Adagrad`, `RMSprop`, `Adam`,
`AdamW`). The dataclasses are frozen, hence hashable: a runner groups the starts that share
equal hyperparameters. `validate` rejects what torch would reject; `per_row` turns one
request's values (each a number, or a list with one number per start) into one validated
`Hyper` per start.
"""

import dataclasses
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeGuard, TypeVar

from app.engine.errors import EngineError


@dataclasses.dataclass(frozen=True)
class SGD:
    """Hyperparameters of `torch.optim.SGD`."""

    lr: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False


@dataclasses.dataclass(frozen=True)
class Adagrad:
    """Hyperparameters of `torch.optim.Adagrad`."""

    lr: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10


@dataclasses.dataclass(frozen=True)
class RMSprop:
    """Hyperparameters of `torch.optim.RMSprop`."""

    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False


@dataclasses.dataclass(frozen=True)
class Adam:
    """Hyperparameters of `torch.optim.Adam`."""

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False


@dataclasses.dataclass(frozen=True)
class AdamW:
    """Hyperparameters of `torch.optim.AdamW` (not a subclass of Adam: the decay differs)."""

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 1e-2
    amsgrad: bool = False


Hyper = SGD | Adagrad | RMSprop | Adam | AdamW
H = TypeVar("H", SGD, Adagrad, RMSprop, Adam, AdamW)


# --- checks -------------------------------------------------------------------------------


def _at_least_zero(field: str, value: float) -> None:
    # `not 0 <= value` also rejects NaN, as torch's checks do; infinities are rejected too.
    if not 0.0 <= value < math.inf:
        raise EngineError("error.hyper_min", field=field, value=repr(value))


def _check_betas(betas: tuple[float, float]) -> None:
    if len(betas) != 2:
        raise EngineError("error.betas_pair", value=repr(betas))
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise EngineError("error.beta_range", index=i, value=repr(beta))


def validate(hp: Hyper) -> None:
    """Reject hyperparameters torch would reject, with a message naming the field to fix."""
    _at_least_zero("lr", hp.lr)
    if not isinstance(hp, SGD):
        _at_least_zero("eps", hp.eps)
    _at_least_zero("weight_decay", hp.weight_decay)
    if isinstance(hp, SGD | RMSprop):
        _at_least_zero("momentum", hp.momentum)
    if isinstance(hp, SGD) and hp.nesterov and (hp.momentum <= 0 or hp.dampening != 0):
        raise EngineError(
            "error.nesterov", momentum=repr(hp.momentum), dampening=repr(hp.dampening)
        )
    if isinstance(hp, Adagrad):
        _at_least_zero("lr_decay", hp.lr_decay)
        _at_least_zero("initial_accumulator_value", hp.initial_accumulator_value)
    if isinstance(hp, RMSprop):
        _at_least_zero("alpha", hp.alpha)
    if isinstance(hp, Adam | AdamW):
        _check_betas(hp.betas)


# --- one Hyper per start -------------------------------------------------------------------


def per_row(rule_hyper: type[Hyper], values: Mapping[str, object], k: int) -> list[Hyper]:
    """One validated `rule_hyper` per start, from values given once or once per start.

    Each numeric field of `values` is a number (the same for every start) or a list of k
    numbers; `betas` is a pair or a list of k pairs; booleans (`nesterov`, `amsgrad`,
    `centered`) are single values. Fields left out keep torch's defaults. Starts with equal
    values share one `Hyper` object. ValueError names the field to fix; a list of the wrong
    length raises EngineError("error.hyper_length"): "optimizer.lr has 2 values but there are
    3 starts: give one value per start, or a single number".
    """
    fields = {f.name: f for f in dataclasses.fields(rule_hyper)}
    unknown = [name for name in values if name not in fields]
    if unknown:
        choices = ", ".join(fields)
        raise EngineError(
            "error.hyper_unknown", rule=rule_hyper.__name__, name=repr(unknown[0]), choices=choices
        )
    names = list(values)
    columns = [_column(name, fields[name].type, values[name], k) for name in names]
    keys: Iterable[tuple[object, ...]] = zip(*columns, strict=True) if columns else [()] * k
    made: dict[tuple[object, ...], Hyper] = {}
    rows: list[Hyper] = []
    for i, key in enumerate(keys):
        if key not in made:
            made[key] = _make(rule_hyper, dict(zip(names, key, strict=True)), i, k)
        rows.append(made[key])
    return rows


def _make(rule_hyper: type[Hyper], kwargs: dict[str, Any], i: int, k: int) -> Hyper:
    """`rule_hyper(**kwargs)`, validated; the message says which start when there are several."""
    hp = rule_hyper(**kwargs)
    try:
        validate(hp)
    except EngineError as error:
        if k == 1:
            raise
        raise EngineError("error.for_start", start=i, error=error) from None
    return hp


def _column(name: str, kind: object, value: object, k: int) -> list[object]:
    """The k values of one field: a broadcast single value, or a checked per-start list."""
    if kind in (bool, "bool"):
        if not isinstance(value, bool):
            raise EngineError("error.hyper_bool", field=name)
        return [value] * k
    if name == "betas":
        return _betas_column(value, k)
    if _is_number(value):
        return [float(value)] * k
    if not _is_list(value) or not all(_is_number(x) for x in value):
        raise EngineError("error.hyper_number", field=name)
    _check_length(name, value, k)
    return [float(x) for x in value if _is_number(x)]  # all are, checked above


def _betas_column(value: object, k: int) -> list[object]:
    """The k (beta1, beta2) pairs: a pair for every start, or one pair per start."""
    if _is_pair(value):
        return [_pair(value)] * k
    if not _is_list(value) or not all(_is_pair(x) for x in value):
        raise EngineError("error.betas_per_start")
    _check_length("betas", value, k)
    return [_pair(x) for x in value if _is_pair(x)]  # all are, checked above


def _check_length(name: str, value: Sequence[object], k: int) -> None:
    if len(value) != k:
        key = "error.betas_length" if name == "betas" else "error.hyper_length"
        raise EngineError(key, field=name, got=len(value), count=k)


def _is_number(x: object) -> TypeGuard[numbers.Real]:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _is_list(x: object) -> TypeGuard[Sequence[object]]:
    return isinstance(x, list | tuple)


def _is_pair(x: object) -> TypeGuard[Sequence[numbers.Real]]:
    return _is_list(x) and len(x) == 2 and all(_is_number(b) for b in x)


def _pair(x: Sequence[numbers.Real]) -> tuple[float, float]:
    beta1, beta2 = x
    return float(beta1), float(beta2)
