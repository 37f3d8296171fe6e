"""The notes' SVM example on one sample of a data set, and its gradient check."""

import numpy as np
import pytest

from app.engine.datasets import Dataset, make_dataset
from app.engine.errors import EngineError
from app.engine.objectives.models import SVMClassifier, make_model
from app.engine.walkthrough import svm_walkthrough

# x = (2, 1), W = [[5, 3], [-3, -1], [4, 3]], b = 0: the notes' scores [13, -7, 11] for y = 0.
X = np.array([[2.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
W = np.array([5.0, 3.0, -3.0, -1.0, 4.0, 3.0, 0.0, 0.0, 0.0])


def example(delta: float) -> SVMClassifier:
    data = Dataset(X, np.array([0, 1, 2]), "classification", 3, ("x1", "x2"))
    model = make_model("svm", data, delta=delta)
    assert isinstance(model, SVMClassifier)
    return model


def test_the_notes_example() -> None:
    walk = svm_walkthrough(example(10.0), W, 0)
    assert walk.sample["scores"] == [13.0, -7.0, 11.0]
    assert walk.sample["margins"] == [0.0, -10.0, 8.0]
    assert walk.sample["loss"] == 8.0
    assert walk.rows_touched == (0, 2)
    assert walk.check.verdict == "fine"
    np.testing.assert_allclose(walk.check.analytic, [-2, -1, 0, 0, 2, 1, -1, 0, 1])


def test_the_check_is_of_the_one_sample_loss_without_l2() -> None:
    data = make_dataset("blobs", 30, 0.5, 1)
    model = make_model("svm", data, l2=5.0)
    assert isinstance(model, SVMClassifier)
    w = np.random.default_rng(0).standard_normal(model.dim)
    walk = svm_walkthrough(model, w, 7)
    assert walk.check.loss == pytest.approx(walk.sample["loss"], rel=1e-12)
    assert walk.check.analytic == (*np.ravel(walk.sample["dW"]), *walk.sample["db"])


def test_a_kink_is_no_longer_fine() -> None:
    # A margin of exactly 0 at class 2 (s_2 - s_0 + 10 = 0): the hinge has a kink there, and
    # a centred difference straddling it sees half a slope.
    kinked = W.copy()
    kinked[8] = -8.0
    walk = svm_walkthrough(example(10.0), kinked, 0)
    assert walk.sample["margins"][2] == 0.0
    assert walk.check.verdict == "wrong"


def test_an_index_outside_the_data_is_refused() -> None:
    with pytest.raises(EngineError, match="index 3 is not a sample: choose 0 to 2"):
        svm_walkthrough(example(1.0), W, 3)
