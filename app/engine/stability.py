"""How large a step the SGD family can take on curvature λ, in closed form.

On a quadratic with Hessian eigenvalue λ (and locally on any smooth surface), each optimizer
of the SGD family is a linear recursion; it is stable when both roots of its characteristic
polynomial lie inside the unit circle. With γ = lr, μ = momentum, τ = dampening and the
effective curvature λ' = λ + weight_decay (torch adds λ_wd·θ to the gradient):

- plain descent, θ ← θ - γ g: stable iff γ λ' < 2;
- heavy ball (torch's buffer b ← μ b + (1 - τ) g, θ ← θ - γ b): iff γ (1 - τ) λ' < 2 (1 + μ);
- Nesterov (torch: g ← g + μ b): iff γ λ' < 2 (1 + μ) / (1 + 2 μ).

Adaptive rules (Adagrad, RMSprop, Adam) rescale every coordinate as they go: no such bound.
"""

from dataclasses import dataclass
from typing import Literal

from app.engine.hyperparams import SGD, Hyper

Method = Literal["sgd", "momentum", "nesterov"]


@dataclass(frozen=True)
class Limit:
    """The largest stable learning rate on curvature `curvature`, and which recursion gave it."""

    method: Method
    curvature: float  # λ + weight_decay
    lr_max: float


def sgd_limit(hp: Hyper, curvature: float) -> Limit | None:
    """The stable step-size limit for `hp` on Hessian eigenvalue `curvature` (> 0), if any."""
    if not isinstance(hp, SGD) or not curvature > 0:
        return None
    lam = curvature + hp.weight_decay
    if hp.momentum == 0:
        return Limit("sgd", lam, 2.0 / lam)
    if hp.nesterov:
        return Limit("nesterov", lam, 2.0 * (1 + hp.momentum) / ((1 + 2 * hp.momentum) * lam))
    damp = 1.0 - hp.dampening
    if damp <= 0:
        return None
    return Limit("momentum", lam, 2.0 * (1 + hp.momentum) / (damp * lam))


def plain_rate(lr: float, eigenvalues: list[float]) -> float:
    """Plain descent's rate on a quadratic: the error shrinks by max |1 - lr λ| per step."""
    return max(abs(1.0 - lr * lam) for lam in eigenvalues)
