"""Decision regions and fitted lines, against the models' definitions."""

import numpy as np
import pytest

from app.engine.datasets import Dataset, make_dataset
from app.engine.errors import EngineError
from app.engine.objectives.models import Classifier, LinearRegression, make_model
from app.engine.predictions import feature_box, fitted_line, regions


def test_the_default_box_is_the_data_with_a_margin() -> None:
    data = make_dataset("moons", 50, 0.1, 0)
    (x0, x1), (y0, y1) = feature_box(data)
    low, high = data.X.min(axis=0), data.X.max(axis=0)
    np.testing.assert_allclose(
        [x0, x1], [low[0], high[0]] + np.array([-1, 1]) * 0.1 * (high[0] - low[0])
    )
    np.testing.assert_allclose(
        [y0, y1], [low[1], high[1]] + np.array([-1, 1]) * 0.1 * (high[1] - low[1])
    )


def test_softmax_regions_are_probabilities_and_the_svm_gives_classes() -> None:
    data = make_dataset("blobs", 60, 0.5, 2)
    w = np.random.default_rng(1).standard_normal(9)
    softmax = make_model("softmax", data)
    assert isinstance(softmax, Classifier)
    got = regions(softmax, w, ((-1.0, 1.0), (-2.0, 2.0)), 5)
    assert got.proba is not None
    assert got.labels is None
    assert got.proba.shape == (5, 5, 3)
    np.testing.assert_allclose(got.proba.sum(axis=2), 1.0)
    s = w[:6].reshape(3, 2) @ np.array([got.xs[3], got.ys[1]]) + w[6:]
    np.testing.assert_allclose(got.proba[1, 3], np.exp(s) / np.exp(s).sum())
    svm = make_model("svm", data)
    assert isinstance(svm, Classifier)
    labels = regions(svm, w, ((-1.0, 1.0), (-2.0, 2.0)), 5).labels
    assert labels is not None
    np.testing.assert_array_equal(labels, np.argmax(got.proba, axis=2))  # same scores


def test_the_fitted_line_and_what_cannot_be_drawn() -> None:
    line = make_model("linear", make_dataset("line", 20, 0.1, 0))
    assert isinstance(line, LinearRegression)
    xs, yhat = fitted_line(line, np.array([2.0, 1.0]), (0.0, 2.0), 3)
    np.testing.assert_allclose(xs, [0, 1, 2])
    np.testing.assert_allclose(yhat, [1, 3, 5])
    one = Dataset(np.array([[0.0], [1.0]]), np.array([0, 1]), "classification", 2, ("x",))
    softmax = make_model("softmax", one)
    assert isinstance(softmax, Classifier)
    with pytest.raises(EngineError, match="2 features; this data set has 1"):
        regions(softmax, np.zeros(4), None, 3)
    two = Dataset(np.array([[0.0, 1.0], [1.0, 0.0]]), np.zeros(2), "regression", 0, ("a", "b"))
    plane = make_model("linear", two)
    assert isinstance(plane, LinearRegression)
    with pytest.raises(EngineError, match="1 feature; this data set has 2"):
        fitted_line(plane, np.zeros(3), None, 3)
