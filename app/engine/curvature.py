"""Second-order facts about an objective at a point, from its gradient alone."""

import numpy as np

from app.engine.objectives.base import Objective
from app.engine.types import Array


def hessian(objective: Objective, point: Array, h: float = 1e-5) -> Array:
    """Symmetrised Hessian at `point: (P,)` by centred differences of the gradient: (P, P).

    Column j is (∇f(w + h e_j) − ∇f(w − h e_j)) / 2h; all 2P probes go through one batched call.
    """
    p = point.size
    probes = np.repeat(point[None, :], 2 * p, axis=0)
    steps = h * np.eye(p)
    probes[:p] += steps
    probes[p:] -= steps
    with np.errstate(all="ignore"):  # a non-finite Hessian is reported by `eigenvalues`
        g = objective.grad(np.asfortranarray(probes))
        cols = (g[:p] - g[p:]) / (2 * h)
    hess: Array = 0.5 * (cols + cols.T)
    return hess


def eigenvalues(objective: Objective, point: Array) -> Array:
    """Eigenvalues of the Hessian at `point`, ascending; NaN-free or empty if it is not finite."""
    hess = hessian(objective, point)
    if not np.all(np.isfinite(hess)):
        return np.empty(0)
    return np.linalg.eigvalsh(hess).astype(np.float64)


def stationary_kind(objective: Objective, point: Array, rtol: float = 1e-6) -> str:
    """Name a stationary point from its curvature: minimum, maximum, saddle or flat."""
    lam = eigenvalues(objective, point)
    if lam.size == 0:
        return "point"
    scale = max(float(np.abs(lam).max()), 1e-12)
    pos, neg = bool(np.any(lam > rtol * scale)), bool(np.any(lam < -rtol * scale))
    if pos and neg:
        return "saddle point"
    if neg:
        return "local maximum"
    if pos and lam.min() > rtol * scale:
        return "local minimum"
    return "flat stationary point"


def newton_target(objective: Objective, point: Array) -> Array | None:
    """The stationary point a Newton step from `point` points to, w - H⁻¹∇f, or None."""
    hess = hessian(objective, point)
    g = objective.grad(np.asfortranarray(point[None, :]))[0]
    if not (np.all(np.isfinite(hess)) and np.all(np.isfinite(g))):
        return None
    try:
        step = np.linalg.solve(hess, g)
    except np.linalg.LinAlgError:
        return None
    target: Array = point - step
    return target if np.all(np.isfinite(target)) else None
