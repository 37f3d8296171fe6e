"""Optimizers against independent oracles: closed forms, hand-computed torch sequences and a
scalar pure-Python transcription of the torch.optim docs pseudo-code."""

import dataclasses
import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest

from app.engine import hyperparams
from app.engine import optimizers as opt
from app.engine.optimizers import SGD, Adagrad, Adam, AdamW, Hyper, RMSprop, State
from app.engine.types import Array
from app.i18n import catalogue
from tests.torch_defaults import TORCH_DEFAULTS

GradFn = Callable[[Array], Array]
ScalarState = dict[str, float]

# Several hyperparameter combinations per rule, covering every branch of every update.
CONFIGS: list[Hyper] = [
    SGD(lr=0.1),
    SGD(lr=0.05, momentum=0.9),
    SGD(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
    SGD(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
    Adagrad(lr=0.3),
    Adagrad(lr=0.3, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.1, eps=1e-6),
    RMSprop(lr=0.01),
    RMSprop(lr=0.01, momentum=0.9),
    RMSprop(lr=0.01, centered=True),
    RMSprop(lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.5, centered=True),
    Adam(lr=0.05),
    Adam(lr=0.05, amsgrad=True),
    Adam(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
    Adam(lr=0.0),
    AdamW(lr=0.05),
    AdamW(lr=0.05, weight_decay=0.3, amsgrad=True),
    AdamW(lr=0.02, betas=(0.0, 0.5), weight_decay=0.0),
    AdamW(lr=0.1, weight_decay=12.0),  # 1 - lr·λ < 0: torch allows it
]


def _rule_of(hp: Hyper) -> opt.Rule:
    return next(rule for rule in opt.OPTIMIZERS.values() if isinstance(hp, rule.hyper))


def _run(hp: Hyper, w: Array, grad: GradFn, steps: int) -> list[Array]:
    rule = _rule_of(hp)
    state = rule.init(w, hp)
    path = [w]
    for t in range(1, steps + 1):
        w, state = rule.step(w, grad(w), state, hp, t)
        path.append(w)
    return path


def _quadratic_field(k: int, p: int, seed: int) -> GradFn:
    """dw = H_k w_k + c_k per row, H_k symmetric positive definite, minimum away from 0."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((k, p, p))
    h = np.einsum("kij,klj->kil", a, a) / p + 0.5 * np.eye(p)
    c = rng.standard_normal((k, p)) * 2.0

    def grad(w: Array) -> Array:
        out: Array = np.einsum("kij,kj->ki", h, w) + c
        return out

    return grad


# --- scalar reference: the torch.optim docs pseudo-code, one float at a time ----------------


def _ref_init(hp: Hyper) -> ScalarState:
    if isinstance(hp, SGD):
        return {}
    if isinstance(hp, Adagrad):
        return {"sum": hp.initial_accumulator_value}
    if isinstance(hp, RMSprop):
        st = {"square_avg": 0.0}
        if hp.momentum > 0:
            st["momentum_buffer"] = 0.0
        if hp.centered:
            st["grad_avg"] = 0.0
        return st
    st = {"exp_avg": 0.0, "exp_avg_sq": 0.0}
    if hp.amsgrad:
        st["max_exp_avg_sq"] = 0.0
    return st


def _ref_sgd(hp: SGD, theta: float, g: float, st: ScalarState, t: int) -> float:
    if hp.weight_decay != 0:
        g = g + hp.weight_decay * theta
    if hp.momentum != 0:
        b = hp.momentum * st["momentum_buffer"] + (1 - hp.dampening) * g if t > 1 else g
        st["momentum_buffer"] = b
        g = g + hp.momentum * b if hp.nesterov else b
    return theta - hp.lr * g


def _ref_adagrad(hp: Adagrad, theta: float, g: float, st: ScalarState, t: int) -> float:
    clr = hp.lr / (1 + (t - 1) * hp.lr_decay)
    if hp.weight_decay != 0:
        g = g + hp.weight_decay * theta
    st["sum"] = st["sum"] + g * g
    return theta - clr * g / (math.sqrt(st["sum"]) + hp.eps)


def _ref_rmsprop(hp: RMSprop, theta: float, g: float, st: ScalarState, t: int) -> float:
    if hp.weight_decay != 0:
        g = g + hp.weight_decay * theta
    st["square_avg"] = hp.alpha * st["square_avg"] + (1 - hp.alpha) * g * g
    v = st["square_avg"]
    if hp.centered:
        st["grad_avg"] = hp.alpha * st["grad_avg"] + (1 - hp.alpha) * g
        v = v - st["grad_avg"] ** 2
    if hp.momentum > 0:
        st["momentum_buffer"] = hp.momentum * st["momentum_buffer"] + g / (math.sqrt(v) + hp.eps)
        return theta - hp.lr * st["momentum_buffer"]
    return theta - hp.lr * g / (math.sqrt(v) + hp.eps)


def _ref_adam(hp: Adam | AdamW, theta: float, g: float, st: ScalarState, t: int) -> float:
    beta1, beta2 = hp.betas
    if isinstance(hp, AdamW):
        theta = theta * (1 - hp.lr * hp.weight_decay)
    elif hp.weight_decay != 0:
        g = g + hp.weight_decay * theta
    st["exp_avg"] = beta1 * st["exp_avg"] + (1 - beta1) * g
    st["exp_avg_sq"] = beta2 * st["exp_avg_sq"] + (1 - beta2) * g * g
    m_hat = st["exp_avg"] / (1 - beta1**t)
    v = st["exp_avg_sq"]
    if hp.amsgrad:
        st["max_exp_avg_sq"] = max(st["max_exp_avg_sq"], v)
        v = st["max_exp_avg_sq"]
    v_hat = v / (1 - beta2**t)
    return theta - hp.lr * m_hat / (math.sqrt(v_hat) + hp.eps)


def _ref_step(hp: Hyper, theta: float, g: float, st: ScalarState, t: int) -> float:
    if isinstance(hp, SGD):
        return _ref_sgd(hp, theta, g, st, t)
    if isinstance(hp, Adagrad):
        return _ref_adagrad(hp, theta, g, st, t)
    if isinstance(hp, RMSprop):
        return _ref_rmsprop(hp, theta, g, st, t)
    return _ref_adam(hp, theta, g, st, t)


def _ref_run(hp: Hyper, w0: Array, grad: GradFn, steps: int) -> tuple[list[Array], State]:
    k, p = w0.shape
    theta = [[float(x) for x in row] for row in w0]
    states = [[_ref_init(hp) for _ in range(p)] for _ in range(k)]
    path = [np.array(theta)]
    for t in range(1, steps + 1):
        g = grad(np.array(theta))
        theta = [
            [_ref_step(hp, theta[i][j], float(g[i, j]), states[i][j], t) for j in range(p)]
            for i in range(k)
        ]
        path.append(np.array(theta))
    final = {
        key: np.array([[states[i][j][key] for j in range(p)] for i in range(k)])
        for key in states[0][0]
    }
    return path, final


@pytest.mark.parametrize("hp", CONFIGS, ids=repr)
def test_matches_scalar_reference_for_50_steps(hp: Hyper) -> None:
    k, p, steps = 5, 3, 50
    grad = _quadratic_field(k, p, seed=7)
    w0 = np.random.default_rng(3).standard_normal((k, p)) * 3.0
    rule = _rule_of(hp)
    state = rule.init(np.asfortranarray(w0), hp)
    expected, ref_state = _ref_run(hp, w0, grad, steps)
    w = np.asfortranarray(w0)
    for t in range(1, steps + 1):
        w, state = rule.step(w, grad(w), state, hp, t)
        np.testing.assert_allclose(w, expected[t], rtol=1e-12, err_msg=f"t={t}")
    assert state.keys() == ref_state.keys()
    for key, value in ref_state.items():
        # Buffers can cancel to near zero (a momentum sum), so relative to the buffer's scale.
        scale = float(np.max(np.abs(value)))
        np.testing.assert_allclose(state[key], value, rtol=1e-12, atol=1e-12 * scale, err_msg=key)


# --- closed forms and hand-computed torch sequences ------------------------------------------


def test_plain_gd_on_half_square_scales_by_one_minus_lr() -> None:
    w0 = np.array([[1.0, -2.0], [0.5, 3.0]])
    lr, n = 0.1, 20
    path = _run(SGD(lr=lr), w0, lambda w: w, n)
    for i, w in enumerate(path):
        np.testing.assert_allclose(w, w0 * (1 - lr) ** i, rtol=1e-13)


def _constant_grad_path(hp: SGD, steps: int) -> list[float]:
    path = _run(hp, np.zeros((1, 1)), lambda w: np.ones_like(w), steps)
    return [float(w[0, 0]) for w in path[1:]]


def test_sgd_momentum_first_step_is_undamped() -> None:
    # g = 1, μ = 0.9, τ = 0.5: b = 1, then 0.9·1 + 0.5 = 1.4, then 0.9·1.4 + 0.5 = 1.76.
    path = _constant_grad_path(SGD(lr=0.1, momentum=0.9, dampening=0.5), 3)
    np.testing.assert_allclose(path, [-0.1, -0.24, -0.416], rtol=1e-14)


def test_sgd_nesterov_sequence() -> None:
    # b = 1, 1.9, 2.71; g + μ·b = 1.9, 2.71, 3.439.
    path = _constant_grad_path(SGD(lr=0.1, momentum=0.9, nesterov=True), 3)
    np.testing.assert_allclose(path, [-0.19, -0.461, -0.8049], rtol=1e-14)


def test_sgd_first_step_rule_follows_t_not_the_buffer() -> None:
    rule, hp = opt.get_rule("sgd"), SGD(lr=1.0, momentum=0.5, dampening=0.25)
    w, g = np.zeros((1, 2)), np.array([[2.0, -4.0]])
    stale = {"momentum_buffer": np.array([[100.0, 100.0]])}
    _, first = rule.step(w, g, stale, hp, 1)
    np.testing.assert_array_equal(first["momentum_buffer"], g)
    _, later = rule.step(w, g, rule.init(w, hp), hp, 2)
    np.testing.assert_array_equal(later["momentum_buffer"], 0.75 * g)
    assert rule.init(w, hp)["momentum_buffer"].shape == w.shape


def test_adam_first_step_is_lr_times_sign() -> None:
    hp = Adam(lr=0.01)
    w = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]])
    g = np.array([[3.0, -1e-3, 1e-9], [-2.0, 0.0, 7.0]])
    w1, state = opt.get_rule("adam").step(w, g, opt.get_rule("adam").init(w, hp), hp, 1)
    np.testing.assert_allclose(w1, w - hp.lr * g / (np.abs(g) + hp.eps), rtol=1e-15, atol=1e-17)
    np.testing.assert_allclose(state["exp_avg"], 0.1 * g, rtol=1e-15)
    np.testing.assert_allclose(state["exp_avg_sq"], 1e-3 * g * g, rtol=1e-15)


def test_amsgrad_keeps_vmax_non_decreasing() -> None:
    hp = Adam(lr=0.01, betas=(0.9, 0.5), amsgrad=True)  # v forgets fast, v_max does not
    rule = opt.get_rule("adam")
    w = np.zeros((2, 2))
    state = rule.init(w, hp)
    previous = state["max_exp_avg_sq"]
    grads = [10.0, 5.0, 1.0, 0.1, 0.0, 3.0, 0.0]
    for t, scale in enumerate(grads, start=1):
        w, state = rule.step(w, np.full((2, 2), scale), state, hp, t)
        assert np.all(state["max_exp_avg_sq"] >= previous)
        assert np.all(state["max_exp_avg_sq"] >= state["exp_avg_sq"])
        previous = state["max_exp_avg_sq"]
    assert np.all(state["max_exp_avg_sq"] > state["exp_avg_sq"])


def test_adamw_with_zero_gradient_only_decays() -> None:
    hp = AdamW(lr=0.1, weight_decay=0.5)
    w0 = np.array([[1.0, -3.0], [0.25, 8.0]])
    path = _run(hp, w0, np.zeros_like, 10)
    expected = w0
    for i, w in enumerate(path[1:], start=1):
        expected = expected * (1 - hp.lr * hp.weight_decay)
        np.testing.assert_array_equal(w, expected)
        np.testing.assert_allclose(w, w0 * 0.95**i, rtol=1e-14)


def test_adam_weight_decay_is_added_to_the_gradient() -> None:
    rng = np.random.default_rng(1)
    w, g = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    rule, wd = opt.get_rule("adam"), 0.3
    coupled = Adam(lr=0.01, weight_decay=wd)
    plain = Adam(lr=0.01)
    got, got_state = rule.step(w, g, rule.init(w, coupled), coupled, 1)
    want, _ = rule.step(w, g + wd * w, rule.init(w, plain), plain, 1)
    np.testing.assert_allclose(got, want, rtol=1e-15)
    np.testing.assert_allclose(got_state["exp_avg"], 0.1 * (g + wd * w), rtol=1e-15)


def test_adagrad_first_step_and_lr_decay() -> None:
    hp = Adagrad(lr=0.5, lr_decay=0.2)
    rule = opt.get_rule("adagrad")
    g = np.array([[2.0, -0.5]])
    w = np.zeros((1, 2))
    state = rule.init(w, hp)
    for t in range(1, 6):
        w_next, state = rule.step(w, g, state, hp, t)
        clr = hp.lr / (1 + (t - 1) * hp.lr_decay)
        expected = w - clr * g / (np.sqrt(t * g * g) + hp.eps)
        np.testing.assert_allclose(w_next, expected, rtol=1e-14)
        if t == 1:
            np.testing.assert_allclose(w_next, -hp.lr * g / (np.abs(g) + hp.eps), rtol=1e-15)
        w = w_next
    np.testing.assert_allclose(state["sum"], 5 * g * g, rtol=1e-15)


def test_adagrad_initial_accumulator() -> None:
    hp = Adagrad(lr=1.0, initial_accumulator_value=3.0, eps=0.0)
    rule = opt.get_rule("adagrad")
    w = np.zeros((2, 2), order="F")
    state = rule.init(w, hp)
    np.testing.assert_array_equal(state["sum"], np.full((2, 2), 3.0))
    w1, _ = rule.step(w, np.ones((2, 2)), state, hp, 1)
    np.testing.assert_allclose(w1, np.full((2, 2), -0.5), rtol=1e-15)


def test_rmsprop_first_step() -> None:
    hp = RMSprop(lr=0.01, alpha=0.9)
    rule = opt.get_rule("rmsprop")
    w, g = np.array([[1.0, 2.0]]), np.array([[4.0, -0.1]])
    w1, state = rule.step(w, g, rule.init(w, hp), hp, 1)
    v = 0.1 * g * g
    np.testing.assert_allclose(state["square_avg"], v, rtol=1e-15)
    np.testing.assert_allclose(w1, w - hp.lr * g / (np.sqrt(v) + hp.eps), rtol=1e-15)


def test_rmsprop_centered_first_step() -> None:
    hp = RMSprop(lr=0.01, alpha=0.9, centered=True)
    rule = opt.get_rule("rmsprop")
    w, g = np.array([[1.0, 2.0]]), np.array([[4.0, -0.1]])
    w1, state = rule.step(w, g, rule.init(w, hp), hp, 1)
    np.testing.assert_allclose(state["grad_avg"], 0.1 * g, rtol=1e-15)
    denom = np.sqrt(0.9 * 0.1) * np.abs(g) + hp.eps  # √(0.1 g² - 0.01 g²) + ε
    np.testing.assert_allclose(w1, w - hp.lr * g / denom, rtol=1e-14)


# --- purity, shapes and layout ----------------------------------------------------------------


def _arrays(w: Array, dw: Array, state: State) -> list[Array]:
    return [w, dw, *state.values()]


@pytest.mark.parametrize("hp", CONFIGS, ids=repr)
def test_step_is_pure(hp: Hyper) -> None:
    rng = np.random.default_rng(5)
    rule = _rule_of(hp)
    w = np.asfortranarray(rng.standard_normal((6, 3)))
    state = rule.init(w, hp)
    for t in (1, 2):  # make every buffer non-trivial first
        w, state = rule.step(w, rng.standard_normal(w.shape), state, hp, t)
    dw = rng.standard_normal(w.shape)
    inputs = _arrays(w, dw, state)
    before = [a.copy() for a in inputs]
    w_next, state_next = rule.step(w, dw, state, hp, 3)
    for a, b in zip(inputs, before, strict=True):
        np.testing.assert_array_equal(a, b)
    outputs = [w_next, *state_next.values()]
    for out in outputs:
        assert not any(np.shares_memory(out, a) for a in inputs)
    for x, y in itertools.combinations(outputs, 2):
        assert not np.shares_memory(x, y)


@pytest.mark.parametrize("hp", CONFIGS, ids=repr)
def test_state_shapes_and_fortran_layout(hp: Hyper) -> None:
    rng = np.random.default_rng(9)
    rule = _rule_of(hp)
    w_c = rng.standard_normal((7, 2))
    grads = [rng.standard_normal((7, 2)) for _ in range(3)]
    w_f = np.asfortranarray(w_c)
    state_c, state_f = rule.init(w_c, hp), rule.init(w_f, hp)
    for t, g in enumerate(grads, start=1):
        w_c, state_c = rule.step(w_c, g, state_c, hp, t)
        w_f, state_f = rule.step(w_f, np.asfortranarray(g), state_f, hp, t)
        assert w_f.flags.f_contiguous
        np.testing.assert_array_equal(w_f, w_c)
        assert state_f.keys() == state_c.keys()
        for key, value in state_f.items():
            assert value.shape == (7, 2)
            assert value.dtype == np.float64
            assert value.flags.f_contiguous
            np.testing.assert_array_equal(value, state_c[key])


def test_state_rows_can_be_sliced() -> None:
    hp = Adam(lr=0.05, amsgrad=True)
    rule, grad = opt.get_rule("adam"), _quadratic_field(4, 2, seed=2)
    w = np.asfortranarray(np.ones((4, 2)))
    state = rule.init(w, hp)
    w, state = rule.step(w, grad(w), state, hp, 1)
    keep = np.array([True, False, True, False])
    w_kept, state_kept = w[keep], {k: v[keep] for k, v in state.items()}
    w_all, _ = rule.step(w, grad(w), state, hp, 2)
    g_kept = grad(w)[keep]
    w_sub, _ = rule.step(w_kept, g_kept, state_kept, hp, 2)
    np.testing.assert_array_equal(w_sub, w_all[keep])


def test_lr_zero_adam_leaves_parameters_but_updates_moments() -> None:
    hp = Adam(lr=0.0)
    rule = opt.get_rule("adam")
    w, g = np.array([[1.0, -1.0]]), np.array([[2.0, 3.0]])
    w1, state = rule.step(w, g, rule.init(w, hp), hp, 1)
    np.testing.assert_array_equal(w1, w)
    np.testing.assert_allclose(state["exp_avg"], 0.1 * g, rtol=1e-15)


# --- registry, defaults, re-exports -----------------------------------------------------------


def test_registry_names_titles_and_torch_defaults() -> None:
    titles = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}
    titles["adamw"] = "AdamW"
    assert list(opt.OPTIMIZERS) == list(titles)
    for name, rule in opt.OPTIMIZERS.items():
        assert rule.name == name
        assert opt.get_rule(name) is rule
        assert rule.title == titles[name]
        assert rule.torch_name == f"torch.optim.{titles[name]}"
        assert rule.hyper.__name__ == titles[name]
        defaults = {f.name: f.default for f in dataclasses.fields(rule.hyper)}
        assert defaults == TORCH_DEFAULTS[name]
        opt.validate(rule.hyper())


def test_get_rule_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="nope") as info:
        opt.get_rule("nope")
    for name in opt.OPTIMIZERS:
        assert name in str(info.value)


TYPED_STEPS = {
    "sgd": opt.sgd_step,
    "adagrad": opt.adagrad_step,
    "rmsprop": opt.rmsprop_step,
    "adam": opt.adam_step,
    "adamw": opt.adamw_step,
}


@pytest.mark.parametrize("name", list(opt.OPTIMIZERS))
def test_equations_are_plain_multiline_text_and_documented(name: str) -> None:
    eq = opt.get_rule(name).equations
    assert eq.count("\n") >= 3
    assert "\\" not in eq
    assert "$" not in eq
    assert "θ ← θ" in eq
    assert "γ" in eq
    doc = TYPED_STEPS[name].__doc__
    if doc is not None:  # python -OO strips docstrings
        assert f"{name.upper()}_EQUATIONS" in doc
        assert getattr(opt, f"{name.upper()}_EQUATIONS") == eq


def test_generic_step_checks_hyper_class_and_step_number() -> None:
    rule = opt.get_rule("adam")
    w = np.zeros((1, 2))
    with pytest.raises(TypeError, match="Adam"):
        rule.step(w, w, rule.init(w, Adam()), AdamW(), 1)
    with pytest.raises(TypeError, match="SGD"):
        opt.get_rule("sgd").init(w, Adam())
    with pytest.raises(ValueError, match="1-based"):
        rule.step(w, w, rule.init(w, Adam()), Adam(), 0)


def test_hyperparameters_are_re_exported_from_hyperparams() -> None:
    for name in ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "validate", "per_row"):
        assert getattr(opt, name) is getattr(hyperparams, name)
    assert opt.Hyper == hyperparams.Hyper
    for hp in CONFIGS:
        opt.validate(hp)


def test_the_english_catalogue_shows_the_engine_equations() -> None:
    for name, rule in opt.OPTIMIZERS.items():
        assert catalogue("en")[f"optimizer.{name}.equations"] == rule.equations
        assert catalogue("zh")[f"optimizer.{name}.equations"].count("\n") == rule.equations.count(
            "\n"
        )
