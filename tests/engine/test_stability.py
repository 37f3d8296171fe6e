"""The SGD family's stable step sizes, checked against the linear recursions themselves."""

import numpy as np
import pytest

from app.engine.hyperparams import SGD, Adam
from app.engine.optimizers import get_rule
from app.engine.stability import plain_rate, sgd_limit


def _grows(hp: SGD, lam: float, steps: int = 3000) -> bool:
    """Whether torch's SGD recursion on f = λ/2 x² blows up from x = 1."""
    rule = get_rule("sgd")
    w = np.ones((1, 1))
    state = rule.init(w, hp)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            w, state = rule.step(w, lam * w, state, hp, t)
    return not bool(np.abs(w[0, 0]) < 1.0)


@pytest.mark.parametrize(
    "hp",
    [
        SGD(lr=1.0),
        SGD(lr=1.0, momentum=0.7),
        SGD(lr=1.0, momentum=0.7, dampening=0.4),
        SGD(lr=1.0, momentum=0.7, nesterov=True),
        SGD(lr=1.0, momentum=0.3, weight_decay=0.5),
    ],
)
@pytest.mark.parametrize("lam", [0.5, 3.0])
def test_the_limit_separates_convergence_from_divergence(hp: SGD, lam: float) -> None:
    limit = sgd_limit(hp, lam)
    assert limit is not None
    # The recursion is linear in x: decay and growth depend on lr·λ only, through the limit.
    below = SGD(**{**hp.__dict__, "lr": 0.98 * limit.lr_max, "weight_decay": 0.0})
    above = SGD(**{**hp.__dict__, "lr": 1.02 * limit.lr_max, "weight_decay": 0.0})
    assert not _grows(below, limit.curvature)
    assert _grows(above, limit.curvature)


def test_adaptive_rules_have_no_such_limit() -> None:
    assert sgd_limit(Adam(lr=0.1), 3.0) is None
    assert sgd_limit(SGD(lr=0.1), 0.0) is None


def test_plain_rate() -> None:
    assert plain_rate(0.01, [1.0, 100.0]) == pytest.approx(0.99)
    assert plain_rate(2 / 101, [1.0, 100.0]) == pytest.approx(99 / 101)
