"""Compiled reverse mode: values against closed forms, gradients against centred differences;
and the ExpressionObjective that puts it behind the Objective protocol."""

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from app.engine.expression import (
    ExpressionError,
    ExpressionObjective,
    compile_expression,
    value_and_grad,
)
from app.engine.objectives import Objective
from app.engine.objectives import surface_functions as fn
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import Adam, get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.types import Array

Ref = Callable[[Array, Array, Array], Array]


def sig(t: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-t))


# (text, closed form in NumPy, low, high): points are drawn uniformly from [low, high]^3.
CASES: list[tuple[str, Ref, float, float]] = [
    ("x + y", lambda x, y, z: x + y, -2, 2),
    ("x - y*z", lambda x, y, z: x - y * z, -2, 2),
    ("x * y * z", lambda x, y, z: x * y * z, -2, 2),
    ("x / (y^2 + 1)", lambda x, y, z: x / (y**2 + 1), -2, 2),
    ("x^3 - 2*x*y + y^4", lambda x, y, z: x**3 - 2 * x * y + y**4, -2, 2),
    ("x^y", lambda x, y, z: x**y, 0.3, 2),
    ("2^x + x^0.5", lambda x, y, z: 2**x + np.sqrt(x), 0.3, 2),
    ("x**-2 + y^1.5 - z^-1", lambda x, y, z: x**-2.0 + y**1.5 - 1 / z, 0.3, 2),
    ("sin(x)*cos(y)", lambda x, y, z: np.sin(x) * np.cos(y), -2, 2),
    ("tan(x/2)", lambda x, y, z: np.tan(x / 2), -2, 2),
    ("exp(-(x^2 + y^2))", lambda x, y, z: np.exp(-(x**2 + y**2)), -2, 2),
    ("log(x^2 + 1) + log(y)", lambda x, y, z: np.log(x**2 + 1) + np.log(y), 0.3, 2),
    ("sqrt(x^2 + y^2 + 1)", lambda x, y, z: np.sqrt(x**2 + y**2 + 1), -2, 2),
    ("abs(x - y) * z", lambda x, y, z: np.abs(x - y) * z, -2, 2),
    ("tanh(x*y)", lambda x, y, z: np.tanh(x * y), -2, 2),
    ("sigmoid(3*x - y)", lambda x, y, z: sig(3 * x - y), -2, 2),
    ("relu(x) + relu(-y)*z", lambda x, y, z: np.maximum(x, 0) + np.maximum(-y, 0) * z, -2, 2),
    ("max(x, y) + min(x, z)", lambda x, y, z: np.maximum(x, y) + np.minimum(x, z), -2, 2),
    (
        "max(x^2, 1) - min(y, 0)*z",
        lambda x, y, z: np.maximum(x**2, 1) - np.minimum(y, 0) * z,
        -2,
        2,
    ),
    ("-x^2 + e^x - pi*y", lambda x, y, z: -(x**2) + np.exp(x) - np.pi * y, -2, 2),
    ("(x*y)^2 + sin(x*y)", lambda x, y, z: (x * y) ** 2 + np.sin(x * y), -2, 2),
    ("(1-x)^2 + 100*(y-x^2)^2", lambda x, y, z: (1 - x) ** 2 + 100 * (y - x**2) ** 2, -2, 2),
    ("x/y/z", lambda x, y, z: x / y / z, 0.3, 2),
    (
        "exp(sin(x)) * sqrt(abs(y) + 1) / (1 + z^2)",
        lambda x, y, z: np.exp(np.sin(x)) * np.sqrt(np.abs(y) + 1) / (1 + z**2),
        -2,
        2,
    ),
    ("1/(1+exp(-(x*y+z)))", lambda x, y, z: sig(x * y + z), -2, 2),
    ("x^2 + x^2 + 3*x^2 - x*x*y", lambda x, y, z: 5 * x**2 - x * x * y, -2, 2),
    (
        "x^6/6 - 1.05*x^4 + y^7 - 2^-3*z",
        lambda x, y, z: x**6 / 6 - 1.05 * x**4 + y**7 - z / 8,
        -2,
        2,
    ),
    ("(x + y)^-3 + x^2.5", lambda x, y, z: (x + y) ** -3.0 + x**2.5, 0.3, 2),
    ("log(sigmoid(x)) - tanh(y)^2", lambda x, y, z: np.log(sig(x)) - np.tanh(y) ** 2, -2, 2),
    ("cos(x)^2 + sin(x)^2 + z", lambda x, y, z: np.cos(x) ** 2 + np.sin(x) ** 2 + z, -2, 2),
]


def points(low: float, high: float, n: int = 200, seed: int = 0) -> tuple[Array, Array, Array]:
    rng = np.random.default_rng(seed)
    x, y, z = rng.uniform(low, high, (3, n))
    return x, y, z


def rel_error(a: Array, b: Array) -> Array:
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    result: Array = np.abs(a - b) / scale
    return result


@pytest.mark.parametrize(("text", "ref", "low", "high"), CASES, ids=[c[0] for c in CASES])
def test_values_match_the_closed_form(text: str, ref: Ref, low: float, high: float) -> None:
    x, y, z = points(low, high)
    compiled = compile_expression(text)
    given = {"x": x, "y": y, "z": z}
    f = compiled.value(*(given[name] for name in compiled.variables))
    np.testing.assert_allclose(f, ref(x, y, z), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("text", "ref", "low", "high"), CASES, ids=[c[0] for c in CASES])
def test_gradients_match_centred_differences(text: str, ref: Ref, low: float, high: float) -> None:
    x, y, z = points(low, high, seed=1)
    values = {"x": x, "y": y, "z": z}
    used = compile_expression(text).variables
    f, grads = value_and_grad(text, {name: values[name] for name in used})
    np.testing.assert_allclose(f, ref(x, y, z), rtol=1e-12, atol=1e-12)
    for name, grad in grads.items():
        h = 1e-6
        plus = {**values, name: values[name] + h}
        minus = {**values, name: values[name] - h}
        numerical = (ref(*plus.values()) - ref(*minus.values())) / (2 * h)
        assert np.max(rel_error(grad, numerical)) < 1e-6, name


def test_every_operator_and_function_is_covered() -> None:
    texts = " ".join(c[0] for c in CASES)
    for token in ("+", "-", "*", "/", "^", "**", "pi", "e^"):
        assert token in texts
    for name in ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu"):
        assert f"{name}(" in texts
    assert "min(" in texts
    assert "max(" in texts
    assert len(CASES) >= 20


def test_a_shared_subexpression_sums_both_paths() -> None:
    x, y = np.array([0.3, -1.2, 2.0]), np.array([1.5, 0.7, -0.4])
    _, g = value_and_grad("(x*y)^2 + sin(x*y)", {"x": x, "y": y})
    u = x * y
    np.testing.assert_allclose(g["x"], (2 * u + np.cos(u)) * y, rtol=1e-14)
    np.testing.assert_allclose(g["y"], (2 * u + np.cos(u)) * x, rtol=1e-14)
    _, g = value_and_grad("x*x", {"x": x})
    np.testing.assert_array_equal(g["x"], 2 * x)
    _, g = value_and_grad("x + x", {"x": x})
    np.testing.assert_array_equal(g["x"], 2.0)


def test_kinks_follow_torch() -> None:
    zero = np.array([0.0])
    assert value_and_grad("abs(x)", {"x": zero})[1]["x"][0] == 0.0
    assert value_and_grad("relu(x)", {"x": zero})[1]["x"][0] == 0.0
    _, g = value_and_grad("max(x, y)", {"x": zero, "y": zero})
    assert (g["x"][0], g["y"][0]) == (0.5, 0.5)
    _, g = value_and_grad("min(x, y)", {"x": np.array([1.0]), "y": np.array([1.0])})
    assert (g["x"][0], g["y"][0]) == (0.5, 0.5)
    _, g = value_and_grad("max(x, 0) + min(x, 0)", {"x": zero})
    assert g["x"][0] == 1.0
    f, g = value_and_grad("sqrt(x)", {"x": zero})
    assert f[0] == 0.0
    assert g["x"][0] == np.inf
    f, g = value_and_grad("x^y", {"x": zero, "y": np.array([2.0])})
    assert (f[0], g["x"][0], g["y"][0]) == (0.0, 0.0, 0.0)  # torch: d/dy is 0 where x = 0, y >= 0
    f, g = value_and_grad("x^y", {"x": zero, "y": zero})
    assert (f[0], g["x"][0], g["y"][0]) == (1.0, 0.0, 0.0)


def test_relu_and_max_slopes_away_from_kinks() -> None:
    x = np.array([-1.0, 2.0])
    np.testing.assert_array_equal(value_and_grad("relu(x)", {"x": x})[1]["x"], [0.0, 1.0])
    np.testing.assert_array_equal(value_and_grad("abs(x)", {"x": x})[1]["x"], [-1.0, 1.0])
    _, g = value_and_grad("max(x, y)", {"x": x, "y": np.array([0.0, 0.0])})
    np.testing.assert_array_equal(g["x"], [0.0, 1.0])
    np.testing.assert_array_equal(g["y"], [1.0, 0.0])


def test_domain_errors_are_values_not_warnings() -> None:
    x = np.array([-1.0, 0.0, 1.0])
    f, g = value_and_grad("log(x)", {"x": x})
    np.testing.assert_array_equal(f, [np.nan, -np.inf, 0.0])
    np.testing.assert_array_equal(g["x"], [-1.0, np.inf, 1.0])
    f, g = value_and_grad("1/x", {"x": x})
    np.testing.assert_array_equal(f, [-1.0, np.inf, 1.0])
    np.testing.assert_array_equal(g["x"], [-1.0, -np.inf, -1.0])
    f, g = value_and_grad("exp(exp(x))", {"x": np.array([1000.0])})
    assert (f[0], g["x"][0]) == (np.inf, np.inf)
    f, g = value_and_grad("x^0.5 + x^1.5", {"x": np.array([-4.0])})
    assert np.isnan(f[0])
    assert np.isnan(g["x"][0])


def test_any_broadcastable_shapes() -> None:
    compiled = compile_expression("(1-x)^2 + 100*(y-x^2)^2")
    xs, ys = np.linspace(-2, 2, 7), np.linspace(-1, 3, 5)
    f, (dx, dy) = compiled.value_and_gradient(xs[:, None], ys[None, :])
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    assert f.shape == dx.shape == dy.shape == (7, 5)
    np.testing.assert_allclose(f, fn.rosenbrock(X, Y), rtol=1e-14)
    gx, gy = fn.rosenbrock_grad(X, Y)
    np.testing.assert_allclose(dx, gx, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(dy, gy, rtol=1e-12, atol=1e-9)
    assert compiled.value(0.5, 0.25).shape == ()
    assert compiled.value(1.0, 1.0) == 0.0


def test_inputs_are_never_written() -> None:
    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    before = x.copy(), y.copy()
    compile_expression("sigmoid(x*y) + max(x, y)^2 + x^y").value_and_gradient(x, y)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(y, before[1])


def test_value_gradient_and_both_agree() -> None:
    compiled = compile_expression("tanh(x - y)^2 + exp(y/3) * sqrt(x^2 + 1)")
    x, y, _ = points(-2, 2)
    f, grads = compiled.value_and_gradient(x, y)
    np.testing.assert_array_equal(f, compiled.value(x, y))
    for a, b in zip(grads, compiled.gradient(x, y), strict=True):
        np.testing.assert_array_equal(a, b)


def test_compiled_code_is_small() -> None:
    rosenbrock = compile_expression("(1-x)^2 + 100*(y-x^2)^2")
    assert rosenbrock.value_program.size == 7
    assert rosenbrock.gradient_program.size <= 8  # a hand-written gradient takes 7
    assert rosenbrock.value_program.n_buffers == 2  # updated in place, like the hand-written one
    assert rosenbrock.value_and_gradient_program.n_buffers <= 4
    assert compile_expression("x^2").gradient_program.size == 1  # 2*x
    assert compile_expression("x * (2^10 - 1000)").value_program.size == 1  # x * 24
    assert compile_expression("x^3").gradient_program.size == 2  # 3 * (x*x)
    assert compile_expression("x + y").gradient_program.size == 0  # two constant fills


def test_constant_gradients_fill_the_outputs() -> None:
    compiled = compile_expression("3*x - y/4")
    dx, dy = compiled.gradient(np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(dx, [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(dy, [-0.25, -0.25, -0.25])
    f, (dx,) = compile_expression("x").value_and_gradient(np.array([2.0, 5.0]))
    np.testing.assert_array_equal(f, [2.0, 5.0])
    np.testing.assert_array_equal(dx, [1.0, 1.0])


def test_variable_order() -> None:
    compiled = compile_expression("x * y^2", variables=("y", "x"))
    dy, dx = compiled.gradient(3.0, 2.0)
    assert (float(dy), float(dx)) == (12.0, 9.0)
    with pytest.raises(ExpressionError) as info:
        compile_expression("x * y^2", variables=("x",))
    assert info.value.key == "expr.variables"
    with pytest.raises(ExpressionError):
        compile_expression("x * y^2", variables=("x", "y", "z"))


def test_value_and_grad_wants_every_variable() -> None:
    with pytest.raises(ExpressionError) as info:
        value_and_grad("x + y", {"x": 1.0})
    assert info.value.key == "expr.values"
    with pytest.raises(ExpressionError):
        value_and_grad("x + y", {"x": 1.0, "y": 2.0, "z": 3.0})


# --- ExpressionObjective: the compiled expression behind the Objective protocol -----------------


def test_objective_matches_the_built_in_rosenbrock() -> None:
    objective: Objective = ExpressionObjective("(1-x)^2 + 100*(y-x^2)^2")
    built_in = SurfaceObjective(get_surface("rosenbrock"))
    w = np.asfortranarray(np.random.default_rng(0).uniform(-2, 2, (50, 2)))
    np.testing.assert_allclose(objective.loss(w), built_in.loss(w), rtol=1e-14)
    dw = objective.grad(w)
    assert dw.flags.f_contiguous
    np.testing.assert_allclose(dw, built_in.grad(w), rtol=1e-12, atol=1e-9)
    loss, both = objective.loss_and_grad(w)
    np.testing.assert_array_equal(loss, objective.loss(w))
    np.testing.assert_array_equal(both, dw)
    assert objective.names == ("x", "y")
    assert objective.dim == 2
    assert objective.cost == pytest.approx(1.2)
    assert not objective.stochastic


def test_objective_runs_in_the_runner_like_the_built_in() -> None:
    starts = np.random.default_rng(1).uniform(-2, 2, (64, 2))
    config = RunConfig(steps=200, every=200, tol=0.0)
    ends = []
    for objective in (
        ExpressionObjective("(1-x)^2 + 100*(y-x^2)^2"),
        SurfaceObjective(get_surface("rosenbrock")),
    ):
        run = Descent(objective, get_rule("adam"), Adam(lr=1e-2), starts, config)
        for _ in run.frames():
            pass
        ends.append(run.summary().point)
    np.testing.assert_allclose(ends[0], ends[1], rtol=1e-7, atol=1e-9)


def test_objective_variables_domain_and_start_region() -> None:
    obj = ExpressionObjective("a*b^2 + c", variables=("c", "b", "a"))
    assert obj.names == ("c", "b", "a")
    assert obj.domain is None
    assert obj.landmarks == ()
    assert obj.start_region == ((-3.0, -3.0, -3.0), (3.0, 3.0, 3.0))
    np.testing.assert_array_equal(obj.grad(np.array([[1.0, 2.0, 3.0]])), [[1.0, 12.0, 4.0]])
    assert ExpressionObjective("x^2 + y").domain == ((-3.0, 3.0), (-3.0, 3.0))
    box = ExpressionObjective("x^2 + y", domain=((-1, 2), (0, 5)))
    assert box.start_region == ((-1.0, 0.0), (2.0, 5.0))
    assert ExpressionObjective("t^2").start_region == ((-3.0,), (3.0,))


@pytest.mark.parametrize(
    ("text", "kwargs", "key"),
    [
        ("2 + pi", {}, "expr.no_variables"),
        ("x + y", {"variables": ("x",)}, "expr.variables"),
        ("x + y", {"variables": ("x", "y", "y")}, "expr.variables"),
        ("x + y + z", {"domain": ((0, 1), (0, 1))}, "expr.domain"),
        ("x + y", {"domain": ((1, 0), (0, 1))}, "expr.domain"),
        ("x + y", {"domain": ((0, math.inf), (0, 1))}, "expr.domain"),
        ("x + y", {"domain": ((0, 1, 2), (0, 1))}, "expr.domain"),
    ],
)
def test_objective_refusals(text: str, kwargs: dict[str, Any], key: str) -> None:
    with pytest.raises(ExpressionError) as info:
        ExpressionObjective(text, **kwargs)
    assert info.value.key == key


def test_objective_wants_a_batch_of_the_right_width() -> None:
    with pytest.raises(ValueError, match=r"\(K, 2\)"):
        ExpressionObjective("x + y").loss(np.zeros((3, 3)))


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "six_hump_camel", "double_well"])
def test_landmarks_find_the_catalogued_minima(name: str) -> None:
    texts = {
        "rosenbrock": "(1-x)^2 + 100*(y-x^2)^2",
        "himmelblau": "(x^2+y-11)^2 + (x+y^2-7)^2",
        "six_hump_camel": "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
        "double_well": "(x^2-1)^2 + 0.25*x + y^2",
    }
    surface = get_surface(name)
    objective = ExpressionObjective(texts[name], domain=surface.domain)
    found = sorted(objective.landmarks, key=lambda lm: lm.point)
    expected = sorted(surface.minima, key=lambda m: m.point)
    assert len(found) == len(expected)
    for lm, m in zip(found, expected, strict=True):
        assert lm.point == pytest.approx(m.point, abs=1e-6)
        assert lm.value == pytest.approx(m.value, abs=1e-9)
        assert lm.kind == m.kind


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("x^2 - y^2", 0),  # a saddle is not a minimum
        ("relu(x) + y^2", 0),  # a flat valley has no single minimum
        ("x + y", 0),  # the lowest point is a corner, not a minimum
        ("abs(x) + abs(y - 1)", 1),  # a kink is
        ("log(x) + y^2", 0),  # NaN on half the domain, no minimum on the rest
    ],
)
def test_landmark_edge_cases(text: str, count: int) -> None:
    objective = ExpressionObjective(text)
    assert len(objective.landmarks) == count
    for lm in objective.landmarks:
        assert lm.kind == "global"
        assert lm.point == pytest.approx((0.0, 1.0), abs=1e-6)
