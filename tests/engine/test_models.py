"""Tests for the linear models: losses against their definitions, gradients against differences.

The oracle for every loss is its definition written out per sample in plain Python (math, no
NumPy), on small data sets; gradients are checked against centred differences of that oracle.
"""

import math

import numpy as np
import pytest

from app.engine.curvature import hessian
from app.engine.datasets import Dataset, make_dataset
from app.engine.objectives import losses
from app.engine.objectives import models as models_module
from app.engine.objectives.models import (
    MODELS,
    AffineModel,
    Classifier,
    LinearRegression,
    LogisticRegression,
    make_model,
)
from app.engine.types import Array

CASES = [("line", "linear"), ("moons", "logistic"), ("spiral", "svm"), ("blobs", "softmax")]
IDS = [model for _, model in CASES]


def _naive_loss(name: str, w: list[float], X: Array, y: Array, classes: int, l2: float) -> float:
    """The loss at one parameter vector, sample by sample, straight from the definitions."""
    n, d = X.shape
    c = 1 if name in ("linear", "logistic") else classes
    W = [[w[k * d + j] for j in range(d)] for k in range(c)]
    b = w[c * d :]
    total = 0.0
    for i in range(n):
        s = [sum(W[k][j] * float(X[i, j]) for j in range(d)) + b[k] for k in range(c)]
        if name == "linear":
            total += (s[0] - float(y[i])) ** 2
        elif name == "logistic":
            p = 1.0 / (1.0 + math.exp(-s[0]))
            total += -(float(y[i]) * math.log(p) + (1.0 - float(y[i])) * math.log(1.0 - p))
        elif name == "svm":
            yi = int(y[i])
            total += sum(max(0.0, s[k] - s[yi] + 1.0) for k in range(c) if k != yi)
        else:
            yi = int(y[i])
            total += -math.log(math.exp(s[yi]) / sum(math.exp(v) for v in s))
    return float(total / n + l2 * sum(v * v for row in W for v in row))


def _numerical_grad(f: "object", w: list[float], h: float = 1e-6) -> list[float]:
    """Centred differences of f at w, one coordinate at a time (perturbing copies)."""
    assert callable(f)
    out = []
    for j in range(len(w)):
        up, down = list(w), list(w)
        up[j] += h
        down[j] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return out


def _rel_error(a: Array, b: Array) -> float:
    """max |a - b| / max(1e-8, |a| + |b|), CS231n's relative error."""
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


@pytest.mark.parametrize("l2", [0.0, 0.1])
@pytest.mark.parametrize(("data", "name"), CASES, ids=IDS)
def test_loss_and_gradient_match_the_definitions(data: str, name: str, l2: float) -> None:
    ds = make_dataset(data, 12, 0.4, 3)
    model = make_model(name, ds, l2=l2)
    rng = np.random.default_rng(17)
    w = np.asfortranarray(rng.uniform(-1.5, 1.5, (4, model.dim)))  # the runner's layout
    loss, grad = model.loss_and_grad(w)
    for k in range(w.shape[0]):
        row = w[k].tolist()

        def f(v: list[float]) -> float:
            return _naive_loss(name, v, ds.X, ds.targets(), ds.classes, l2)

        assert loss[k] == pytest.approx(f(row), rel=1e-12)
        assert _rel_error(grad[k], np.array(_numerical_grad(f, row))) < 1e-6
    np.testing.assert_allclose(model.loss(w), loss, rtol=1e-14)
    np.testing.assert_allclose(model.grad(w), grad, rtol=1e-14)


@pytest.mark.parametrize(("data", "name"), CASES, ids=IDS)
def test_many_rows_in_blocks_equal_one_block(
    data: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = make_dataset(data, 40, 0.3, 1)
    model = make_model(name, ds, l2=0.01)
    w = np.random.default_rng(2).standard_normal((37, model.dim))
    whole = model.loss_and_grad(w)
    monkeypatch.setattr(models_module, "BLOCK_SCORES", 100)  # forces blocks of 1 to 2 rows
    parts = model.loss_and_grad(w)
    np.testing.assert_allclose(parts[0], whole[0], rtol=1e-14)
    np.testing.assert_allclose(parts[1], whole[1], rtol=1e-13, atol=1e-15)


def test_parameter_names_and_layout() -> None:
    line = make_model("linear", make_dataset("line", 20, 0.1, 0))
    assert line.names == ("w[0]", "b")
    moons = make_model("logistic", make_dataset("moons", 20, 0.1, 0))
    assert moons.names == ("w[0]", "w[1]", "b")
    svm = make_model("svm", make_dataset("blobs", 30, 0.1, 0, classes=3))
    assert svm.names == (
        "W[0,0]",
        "W[0,1]",
        "W[1,0]",
        "W[1,1]",
        "W[2,0]",
        "W[2,1]",
        "b[0]",
        "b[1]",
        "b[2]",
    )
    W, b = svm.split(np.arange(9.0)[None, :])
    assert W[0].tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert b[0].tolist() == [6.0, 7.0, 8.0]


@pytest.mark.parametrize(("data", "name"), CASES, ids=IDS)
def test_protocol_facts(data: str, name: str) -> None:
    ds = make_dataset(data, 100, 0.2, 0)
    model = make_model(name, ds)
    assert model.start_region == ((-1.0,) * model.dim, (1.0,) * model.dim)
    assert model.cost == pytest.approx(100 * model.dim / 2)
    assert not model.stochastic
    assert (model.domain is not None) == (model.dim == 2)


def test_linear_regression_knows_its_minimum_and_curvature() -> None:
    ds = make_dataset("line", 200, 0.3, 5)
    model = make_model("linear", ds)
    assert isinstance(model, LinearRegression)
    A = np.hstack([ds.X, np.ones((200, 1))])
    best = np.linalg.lstsq(A, ds.targets(), rcond=None)[0]
    (mark,) = model.landmarks
    assert mark.kind == "global"
    np.testing.assert_allclose(mark.point, best, rtol=1e-10)
    assert mark.value == pytest.approx(float(np.mean((A @ best - ds.targets()) ** 2)), rel=1e-12)
    np.testing.assert_allclose(model.grad(np.asarray(best)[None, :]), 0.0, atol=1e-12)
    lam = np.linalg.eigvalsh(2.0 / 200 * A.T @ A)
    assert model.hessian_eigenvalues is not None
    np.testing.assert_allclose(model.hessian_eigenvalues, lam, rtol=1e-12)
    np.testing.assert_allclose(hessian(model, np.array([0.3, -0.2])), model.hessian, atol=1e-6)
    assert model.domain is not None
    (x0, x1), (y0, y1) = model.domain
    assert max(x0, y0) <= -1  # holds the start box
    assert min(x1, y1) >= 1
    assert (x0 + x1) / 2 == pytest.approx(best[0])
    assert (y0 + y1) / 2 == pytest.approx(best[1])


def test_ridge_minimum_and_curvature() -> None:
    ds = make_dataset("curve", 80, 0.1, 2)
    l2 = 0.3
    model = make_model("linear", ds, l2=l2)
    A = np.hstack([ds.X, np.ones((80, 1))])
    decay = np.diag([1.0, 0.0])
    best = np.linalg.solve(A.T @ A / 80 + l2 * decay, A.T @ ds.targets() / 80)
    np.testing.assert_allclose(model.landmarks[0].point, best, rtol=1e-10)
    assert model.hessian_eigenvalues is not None
    np.testing.assert_allclose(
        model.hessian_eigenvalues, np.linalg.eigvalsh(2 * A.T @ A / 80 + 2 * l2 * decay)
    )


def test_gradient_descent_converges_to_least_squares() -> None:
    ds = make_dataset("line", 300, 0.5, 9)
    model = make_model("linear", ds)
    best = np.linalg.lstsq(np.hstack([ds.X, np.ones((300, 1))]), ds.targets(), rcond=None)[0]
    assert model.hessian_eigenvalues is not None
    lr = 1.0 / float(model.hessian_eigenvalues[-1])  # safely below 2 / l_max
    w = np.asfortranarray([[-1.0, 1.0], [1.0, -1.0], [0.5, 0.5]])
    for t in range(1, 2001):
        w = w - lr * model.grad(w, t)  # plain gradient descent
    np.testing.assert_allclose(w, np.broadcast_to(best, w.shape), atol=1e-9)


def test_stable_at_huge_scores() -> None:
    X = np.array([[1.0], [-1.0], [2.0]])
    ds = Dataset(X, np.array([1, 0, 0]), "classification", 2, ("x",))
    model = make_model("logistic", ds)
    w = np.array([[1000.0, 0.0]])  # scores 1000, -1000, 2000: the last is 2000 nats wrong
    loss, grad = model.loss_and_grad(w)
    assert loss[0] == pytest.approx(2000.0 / 3)
    np.testing.assert_allclose(grad[0], [2.0 / 3, 1.0 / 3])
    soft = make_model("softmax", ds)
    w = np.array([[0.0, 800.0, 0.0, 0.0]])  # class 1 scores 800 x: right, right, 1600 wrong
    loss, grad = soft.loss_and_grad(w)
    assert loss[0] == pytest.approx(1600.0 / 3)
    np.testing.assert_allclose(grad[0], [-2.0 / 3, 2.0 / 3, -1.0 / 3, 1.0 / 3])


def test_logistic_keeps_tiny_losses_and_gradients() -> None:
    # scores +-40 on the right side: each loss and gradient is about e^-40 = 4e-18, far below
    # the rounding of softplus(40) = 40 + 4e-18; they must not come out as 0
    ds = Dataset(np.array([[1.0], [-1.0]]), np.array([1, 0]), "classification", 2, ("x",))
    loss, grad = make_model("logistic", ds).loss_and_grad(np.array([[40.0, 0.0]]))
    tiny = np.log1p(np.exp(-40.0))
    assert loss[0] == pytest.approx(tiny, rel=1e-14)
    sig = np.exp(-40.0) / (1 + np.exp(-40.0))
    np.testing.assert_allclose(grad[0], [-sig, 0.0], rtol=1e-14, atol=1e-40)


def test_loss_functions_against_definitions() -> None:
    rng = np.random.default_rng(4)
    s = rng.normal(0, 3, (2, 6))
    y01 = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    sig = 1 / (1 + np.exp(-s))
    bce = -(y01 * np.log(sig) + (1 - y01) * np.log(1 - sig)).mean(axis=1)
    np.testing.assert_allclose(losses.bce_logits(s, y01), bce, rtol=1e-12)
    np.testing.assert_allclose(losses.bce_logits_grad(s, y01)[1], (sig - y01) / 6, rtol=1e-12)
    np.testing.assert_allclose(losses.sigmoid(s), sig, rtol=1e-14)
    np.testing.assert_allclose(losses.softplus(s), np.log(1 + np.exp(s)), rtol=1e-13)
    np.testing.assert_allclose(losses.mse(s, y01), ((s - y01) ** 2).mean(axis=1), rtol=1e-14)
    scores = rng.normal(0, 2, (2, 4, 6))
    labels = np.array([0, 3, 1, 1, 2, 0])
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    ce = -np.log(p[:, labels, np.arange(6)]).mean(axis=1)
    np.testing.assert_allclose(losses.cross_entropy(scores, labels), ce, rtol=1e-12)
    np.testing.assert_allclose(losses.softmax(scores, axis=1), p, rtol=1e-13)


def test_svm_sample_reproduces_the_notes_example() -> None:
    # CS231n: scores [13, -7, 11], correct class 0, delta 10 -> 0 + 8 = 8
    x = np.array([2.0, -1.0])
    walk = losses.svm_sample(np.zeros((3, 2)), np.array([13.0, -7.0, 11.0]), x, 0, delta=10.0)
    assert walk["scores"] == [13.0, -7.0, 11.0]
    assert walk["margins"] == [0.0, -10.0, 8.0]
    assert walk["active"] == [False, False, True]
    assert walk["count"] == 1
    assert walk["loss"] == 8.0
    assert walk["dW"] == [[-2.0, 1.0], [0.0, 0.0], [2.0, -1.0]]
    assert walk["db"] == [-1.0, 0.0, 1.0]


def test_svm_sample_gradient_rule() -> None:
    rng = np.random.default_rng(8)
    for _ in range(20):
        W, b, x = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
        y = int(rng.integers(4))
        walk = losses.svm_sample(W, b, x, y)
        s = W @ x + b
        active = [j != y and s[j] - s[y] + 1 > 0 for j in range(4)]
        expected = np.array([x if a else 0 * x for a in active])
        expected[y] = -sum(active) * x
        assert walk["active"] == active
        np.testing.assert_allclose(walk["dW"], expected)
        assert walk["loss"] == pytest.approx(sum(s[j] - s[y] + 1 for j in range(4) if active[j]))
    with pytest.raises(ValueError, match="0 <= y < C"):
        losses.svm_sample(np.zeros((3, 2)), np.zeros(3), np.zeros(2), 3)


@pytest.mark.parametrize(("data", "name"), CASES[1:], ids=IDS[1:])
def test_probabilities_and_classes(data: str, name: str) -> None:
    ds = make_dataset(data, 50, 0.2, 3)
    model = make_model(name, ds)
    assert isinstance(model, Classifier)
    w = np.random.default_rng(1).standard_normal(model.dim)
    grid = np.random.default_rng(2).uniform(-2, 2, (30, 2))
    p = model.probabilities(w, grid)
    assert p.shape == (30, ds.classes)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    scores = model.scores(w, grid)
    if isinstance(model, LogisticRegression):
        np.testing.assert_allclose(p[:, 1], 1 / (1 + np.exp(-scores[:, 0])))
        assert np.array_equal(model.classify(w, grid), (scores[:, 0] > 0).astype(np.int64))
    else:
        assert np.array_equal(model.classify(w, grid), np.argmax(scores, axis=1))


def test_predict() -> None:
    model = make_model("linear", make_dataset("line", 20, 0.1, 0))
    assert isinstance(model, LinearRegression)
    np.testing.assert_allclose(
        model.predict(np.array([2.0, 1.0]), np.array([[0.0], [3.0]])), [1, 7]
    )


def test_refusals() -> None:
    line, moons = make_dataset("line", 20, 0.1, 0), make_dataset("moons", 20, 0.1, 0)
    with pytest.raises(ValueError, match="unknown model 'ols'"):
        make_model("ols", line)
    with pytest.raises(ValueError, match="needs a regression data set"):
        make_model("linear", moons)
    for name in ("logistic", "svm", "softmax"):
        with pytest.raises(ValueError, match="needs a classification data set"):
            make_model(name, line)
    with pytest.raises(ValueError, match="needs 2 classes"):
        make_model("logistic", make_dataset("blobs", 30, 0.1, 0, classes=3))
    with pytest.raises(ValueError, match="l2"):
        make_model("svm", moons, l2=-1.0)
    with pytest.raises(ValueError, match=r"\(K, 6\), got \(2, 5\)"):
        make_model("svm", moons).loss(np.zeros((2, 5)))


def test_registry_holds_every_model() -> None:
    assert set(MODELS) == {"linear", "logistic", "svm", "softmax"}
    for cls in MODELS.values():
        assert issubclass(cls, AffineModel)
        assert cls.title
        assert cls.formula
