"""Optimizers: pure update rules that reproduce `torch.optim` step for step.

Every rule advances K independent trajectories at once: parameters `w: (K, P)` and gradients
`dw: (K, P)`. Names, hyperparameters, defaults and update equations are those of PyTorch 2.x
(`torch.optim.SGD`, `Adagrad`, `RMSprop`, `Adam`, `AdamW`, single-tensor code path, including
the first-step special cases), so any trajectory can be replayed in PyTorch.

State is a dict of per-row buffers keyed by torch's own state names; every value is shaped
`(K, P)`, so a runner can drop finished rows with `{k: v[keep] for k, v in state.items()}`.
Like torch, a buffer exists only when the configuration uses it (e.g. `momentum_buffer` only
when momentum is on); `init` creates all of them up front, as zeros (or Adagrad's
`initial_accumulator_value`), shaped and laid out like `w`.

Rules are pure: `w`, `dw` and the incoming state arrays are never written to. Each step returns
a fresh parameter array and a fresh dict of fresh arrays; in-place operations only touch
temporaries created inside the step. Every output is made by a ufunc or `*_like` from `w`, so
the memory layout of `w` (the runner uses Fortran order) is kept.

Hyperparameters (one frozen dataclass per rule), their checks and per-start values live in
`app.engine.hyperparams`; their names are re-exported here.

Floating-point trouble (overflow in a diverging run, 0/0 with `eps = 0`) is not silenced here:
the runner owns `np.errstate`.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.engine.hyperparams import SGD, Adagrad, Adam, AdamW, H, Hyper, RMSprop, per_row, validate
from app.engine.registry import lookup
from app.engine.types import Array

__all__ = [  # the rules and, re-exported from `hyperparams`, their hyperparameters
    "ADAGRAD_EQUATIONS",
    "ADAMW_EQUATIONS",
    "ADAM_EQUATIONS",
    "OPTIMIZERS",
    "RMSPROP_EQUATIONS",
    "SGD",
    "SGD_EQUATIONS",
    "Adagrad",
    "Adam",
    "AdamW",
    "H",
    "Hyper",
    "RMSprop",
    "Rule",
    "State",
    "adagrad_init",
    "adagrad_step",
    "adam_init",
    "adam_step",
    "adamw_step",
    "get_rule",
    "per_row",
    "rmsprop_init",
    "rmsprop_step",
    "sgd_init",
    "sgd_step",
    "validate",
]

State = dict[str, Array]
InitFn = Callable[[Array, Hyper], State]
StepFn = Callable[[Array, Array, State, Hyper, int], tuple[Array, State]]

# The update equations, in torch's notation: the page shows them, each step function names its own.
SGD_EQUATIONS = """\
g ← grad f(θ)
if λ ≠ 0:  g ← g + λ·θ
if μ ≠ 0:
    b ← g                      at t = 1 (no dampening on the first step)
    b ← μ·b + (1 - τ)·g        at t > 1
    g ← g + μ·b  if nesterov, else  g ← b
θ ← θ - γ·g"""

ADAGRAD_EQUATIONS = """\
clr ← γ / (1 + (t - 1)·lr_decay)
g ← grad f(θ)
if λ ≠ 0:  g ← g + λ·θ
s ← s + g²                     s starts at initial_accumulator_value
θ ← θ - clr·g / (√s + ε)"""

RMSPROP_EQUATIONS = """\
g ← grad f(θ)
if λ ≠ 0:  g ← g + λ·θ
v ← α·v + (1 - α)·g²
if centered:
    g_avg ← α·g_avg + (1 - α)·g
    d ← √(v - g_avg²) + ε
else:
    d ← √v + ε
if μ > 0:
    b ← μ·b + g / d
    θ ← θ - γ·b
else:
    θ ← θ - γ·g / d"""

ADAM_EQUATIONS = """\
g ← grad f(θ)
if λ ≠ 0:  g ← g + λ·θ
m ← β1·m + (1 - β1)·g
v ← β2·v + (1 - β2)·g²
if amsgrad:  v_max ← max(v_max, v), and v_max replaces v below
m_hat ← m / (1 - β1^t)
v_hat ← v / (1 - β2^t)
θ ← θ - γ·m_hat / (√v_hat + ε)"""

ADAMW_EQUATIONS = """\
g ← grad f(θ)                  at θ before the decay
θ ← θ·(1 - γ·λ)                decoupled weight decay, never added to g
m ← β1·m + (1 - β1)·g
v ← β2·v + (1 - β2)·g²
if amsgrad:  v_max ← max(v_max, v), and v_max replaces v below
m_hat ← m / (1 - β1^t)
v_hat ← v / (1 - β2^t)
θ ← θ - γ·m_hat / (√v_hat + ε)"""


def _zeros(w: Array) -> Array:
    return np.zeros_like(w, dtype=np.float64)


def _decayed_grad(dw: Array, w: Array, weight_decay: float) -> Array:
    """g = dw + λ·w as torch's `grad.add(param, alpha=λ)`; `dw` itself (not a copy) when λ = 0."""
    if weight_decay == 0:
        return dw
    g = np.multiply(w, weight_decay)
    g += dw
    return g


def _lerp(start: Array, end: Array, weight: float) -> Array:
    """torch.lerp: start + weight·(end - start) in a fresh array, with torch's two branches."""
    out = np.subtract(end, start)
    if weight < 0.5:
        out *= weight
        out += start
    else:  # end - (end - start)·(1 - weight)
        out *= weight - 1.0
        out += end
    return out


def _descend(w: Array, update: Array, lr: float) -> Array:
    """w - lr·update, written over `update`, which must be a temporary of the caller."""
    if lr != 1.0:
        update *= lr
    return np.subtract(w, update, out=update)


def sgd_init(w: Array, hp: SGD) -> State:
    """Zero momentum buffer (only when momentum is on), shaped like w."""
    return {"momentum_buffer": _zeros(w)} if hp.momentum != 0 else {}


def sgd_step(w: Array, dw: Array, state: State, hp: SGD, t: int) -> tuple[Array, State]:
    """One torch.optim.SGD step for every row (γ = lr, λ = weight_decay, μ = momentum,
    τ = dampening, b = momentum_buffer, t = 1-based step number).

    The update is `SGD_EQUATIONS`, shown on the page beside the optimizer.
    """
    g = _decayed_grad(dw, w, hp.weight_decay)
    new_state: State = {}
    if hp.momentum != 0:
        if t == 1:  # torch: the buffer starts as a copy of g, undamped
            buf = g.copy(order="K") if g is dw else g
        else:
            buf = np.multiply(state["momentum_buffer"], hp.momentum)
            buf += g if hp.dampening == 0 else g * (1.0 - hp.dampening)
        new_state["momentum_buffer"] = buf
        if hp.nesterov:
            nesterov = np.multiply(buf, hp.momentum)
            nesterov += g
            g = nesterov
        else:
            g = buf
    update = np.multiply(g, hp.lr)
    return np.subtract(w, update, out=update), new_state


def adagrad_init(w: Array, hp: Adagrad) -> State:
    """Accumulator `sum` filled with initial_accumulator_value, shaped like w."""
    return {"sum": np.full_like(w, hp.initial_accumulator_value, dtype=np.float64)}


def adagrad_step(w: Array, dw: Array, state: State, hp: Adagrad, t: int) -> tuple[Array, State]:
    """One torch.optim.Adagrad step for every row (γ = lr, λ = weight_decay, ε = eps,
    s = sum, t = 1-based step number).

    The update is `ADAGRAD_EQUATIONS`, shown on the page beside the optimizer.
    """
    clr = hp.lr / (1.0 + (t - 1) * hp.lr_decay)
    g = _decayed_grad(dw, w, hp.weight_decay)
    total = np.multiply(g, g)
    total += state["sum"]
    std = np.sqrt(total)
    if hp.eps != 0:
        std += hp.eps
    return _descend(w, np.divide(g, std, out=std), clr), {"sum": total}


def rmsprop_init(w: Array, hp: RMSprop) -> State:
    """Zero square_avg, plus momentum_buffer (momentum > 0) and grad_avg (centered)."""
    state = {"square_avg": _zeros(w)}
    if hp.momentum > 0:
        state["momentum_buffer"] = _zeros(w)
    if hp.centered:
        state["grad_avg"] = _zeros(w)
    return state


def rmsprop_step(w: Array, dw: Array, state: State, hp: RMSprop, t: int) -> tuple[Array, State]:
    """One torch.optim.RMSprop step for every row (γ = lr, α = alpha, λ = weight_decay,
    μ = momentum, ε = eps, v = square_avg, b = momentum_buffer; eps is added after the root).

    The update is `RMSPROP_EQUATIONS`, shown on the page beside the optimizer.
    """
    g = _decayed_grad(dw, w, hp.weight_decay)
    sq = np.multiply(state["square_avg"], hp.alpha)
    g2 = np.multiply(g, g)
    g2 *= 1.0 - hp.alpha
    sq += g2
    new_state = {"square_avg": sq}
    if hp.centered:
        g_avg = new_state["grad_avg"] = _lerp(state["grad_avg"], g, 1.0 - hp.alpha)
        avg = np.multiply(g_avg, g_avg)
        np.sqrt(np.subtract(sq, avg, out=avg), out=avg)
    else:
        avg = np.sqrt(sq)
    if hp.eps != 0:
        avg += hp.eps
    step = np.divide(g, avg, out=avg)
    if hp.momentum > 0:
        step += np.multiply(state["momentum_buffer"], hp.momentum)
        new_state["momentum_buffer"] = step
        return np.subtract(w, np.multiply(step, hp.lr)), new_state
    return _descend(w, step, hp.lr), new_state


def adam_init(w: Array, hp: Adam | AdamW) -> State:
    """Zero exp_avg and exp_avg_sq, plus max_exp_avg_sq when amsgrad, shaped like w."""
    state = {"exp_avg": _zeros(w), "exp_avg_sq": _zeros(w)}
    if hp.amsgrad:
        state["max_exp_avg_sq"] = _zeros(w)
    return state


def _adam_update(
    w: Array, g: Array, state: State, hp: Adam | AdamW, t: int, decay: float = 1.0
) -> tuple[Array, State]:
    """The moment updates and `decay·w - lr·m_hat / (√v_hat + eps)`: 12 array ops (13 with a
    decay), 3 allocations.

    torch computes denom = √v / √bc2 + eps and decay·w - (lr / bc1)·m / denom. With s =
    lr / (bc1·decay), that is decay·(w - m / (denom / s)), and denom / s = √(v / (bc2·s²)) + eps / s
    needs only one array multiply, one root and one add (scalars folded); equal up to rounding.
    The one scratch array `d` ends up holding the new parameters.
    """
    beta1, beta2 = hp.betas
    m = np.multiply(state["exp_avg"], beta1)
    d = np.multiply(g, 1.0 - beta1)
    m += d
    v = np.multiply(state["exp_avg_sq"], beta2)
    np.multiply(g, g, out=d)
    d *= 1.0 - beta2
    v += d
    new_state = {"exp_avg": m, "exp_avg_sq": v}
    if hp.amsgrad:
        v = new_state["max_exp_avg_sq"] = np.maximum(state["max_exp_avg_sq"], v)
    bc1, bc2 = 1.0 - beta1**t, 1.0 - beta2**t
    s = hp.lr / bc1 / decay if decay > 0 else 0.0
    scale = bc2 * s * s
    if 1e-300 < scale < 1e300:
        np.sqrt(np.multiply(v, 1.0 / scale, out=d), out=d)
        if hp.eps != 0:
            d += hp.eps / s
        np.subtract(w, np.divide(m, d, out=d), out=d)
        if decay != 1.0:
            d *= decay
        return d, new_state
    # lr = 0 or extreme scalars: torch's literal order, so nothing under- or overflows early.
    np.sqrt(v, out=d)
    d /= math.sqrt(bc2)
    d += hp.eps
    base = w if decay == 1.0 else np.multiply(w, decay)
    return _descend(base, np.divide(m, d, out=d), hp.lr / bc1), new_state


def adam_step(w: Array, dw: Array, state: State, hp: Adam, t: int) -> tuple[Array, State]:
    """One torch.optim.Adam step for every row (γ = lr, β1, β2 = betas, λ = weight_decay,
    ε = eps, m = exp_avg, v = exp_avg_sq, v_max = max_exp_avg_sq, t = 1-based step number).

    The update is `ADAM_EQUATIONS`, shown on the page beside the optimizer.
    """
    return _adam_update(w, _decayed_grad(dw, w, hp.weight_decay), state, hp, t)


def adamw_step(w: Array, dw: Array, state: State, hp: AdamW, t: int) -> tuple[Array, State]:
    """One torch.optim.AdamW step for every row (γ = lr, β1, β2 = betas, λ = weight_decay,
    ε = eps, m = exp_avg, v = exp_avg_sq, v_max = max_exp_avg_sq, t = 1-based step number).

    The update is `ADAMW_EQUATIONS`, shown on the page beside the optimizer.
    """
    return _adam_update(w, dw, state, hp, t, decay=1.0 - hp.lr * hp.weight_decay)


@dataclass(frozen=True)
class Rule:
    """One optimizer: its names, hyperparameter class, equations and pure init/step functions."""

    name: str
    title: str
    torch_name: str
    hyper: type[Hyper]
    equations: str
    init: InitFn
    step: StepFn


def _expect(hp: Hyper, cls: type[H]) -> H:
    if not isinstance(hp, cls):
        raise TypeError(f"this rule takes {cls.__name__} hyperparameters, got {type(hp).__name__}")
    return hp


def _rule(
    name: str,
    cls: type[H],
    equations: str,
    init: Callable[[Array, H], State],
    step: Callable[[Array, Array, State, H, int], tuple[Array, State]],
) -> Rule:
    """Wrap typed init/step into the registry's generic signature, checking hp's class and t."""

    def generic_init(w: Array, hp: Hyper) -> State:
        return init(w, _expect(hp, cls))

    def generic_step(w: Array, dw: Array, state: State, hp: Hyper, t: int) -> tuple[Array, State]:
        if t < 1:
            raise ValueError(f"t is the 1-based step number, got {t}")
        return step(w, dw, state, _expect(hp, cls), t)

    title = cls.__name__
    return Rule(name, title, f"torch.optim.{title}", cls, equations, generic_init, generic_step)


OPTIMIZERS: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        _rule("sgd", SGD, SGD_EQUATIONS, sgd_init, sgd_step),
        _rule("adagrad", Adagrad, ADAGRAD_EQUATIONS, adagrad_init, adagrad_step),
        _rule("rmsprop", RMSprop, RMSPROP_EQUATIONS, rmsprop_init, rmsprop_step),
        _rule("adam", Adam, ADAM_EQUATIONS, adam_init, adam_step),
        _rule("adamw", AdamW, ADAMW_EQUATIONS, adam_init, adamw_step),
    )
}


def get_rule(name: str) -> Rule:
    """The rule registered as `name`; ValueError listing the valid names otherwise."""
    return lookup(OPTIMIZERS, name, "optimizer")
