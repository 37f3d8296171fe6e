"""Second-order facts about an objective, from its gradient alone, for many points at once."""

import numpy as np

from app.engine.objectives.base import Objective
from app.engine.types import Array


def hessians(objective: Objective, points: Array, h: float = 1e-5) -> Array:
    """Symmetrised Hessians at `points: (N, P)` by centred differences of the gradient.

    Column j of each is (∇f(w + h e_j) - ∇f(w - h e_j)) / 2h; all 2NP probes go through one
    batched gradient call. Returns (N, P, P); rows may hold non-finite values.
    """
    n, p = points.shape
    steps = h * np.eye(p)
    probes = np.concatenate([points[:, None, :] + steps, points[:, None, :] - steps], axis=1)
    with np.errstate(all="ignore"):  # callers check finiteness
        g = objective.grad(np.asfortranarray(probes.reshape(n * 2 * p, p)))
        g = g.reshape(n, 2 * p, p)
        cols = (g[:, :p] - g[:, p:]) / (2 * h)
    return np.asarray(0.5 * (cols + cols.transpose(0, 2, 1)), dtype=np.float64)


def hessian(objective: Objective, point: Array, h: float = 1e-5) -> Array:
    """The Hessian at one point `(P,)`: (P, P)."""
    one: Array = hessians(objective, point[None, :], h)[0]
    return one


PROBE_VALUES = 4_000_000  # gradient values probed at once: bounds the memory of a batch


def _blocks(points: Array) -> list[Array]:
    """`points` in blocks whose 2P probes each hold at most PROBE_VALUES gradient values."""
    p = points.shape[1]
    rows = max(1, PROBE_VALUES // (2 * p * p))
    return [points[lo : lo + rows] for lo in range(0, len(points), rows)] or [points]


def spectra(objective: Objective, points: Array) -> Array:
    """Hessian eigenvalues at each point, ascending: (N, P), NaN rows where not finite.

    Computed in blocks, so many points or many parameters never need one huge batch.
    """
    if len(points) > 1 and len(_blocks(points)) > 1:
        return np.concatenate([spectra(objective, block) for block in _blocks(points)])
    hess = hessians(objective, points)
    finite = np.all(np.isfinite(hess), axis=(1, 2))
    out = np.full(points.shape, np.nan)
    if finite.any():
        out[finite] = np.linalg.eigvalsh(hess[finite])
    return out


def eigenvalues(objective: Objective, point: Array) -> Array:
    """Eigenvalues of the Hessian at one point, ascending; empty if it is not finite."""
    lam = spectra(objective, point[None, :])[0]
    return lam if np.all(np.isfinite(lam)) else np.empty(0)


def kind_of(lam: Array, rtol: float = 1e-6) -> str:
    """Name a stationary point from its Hessian eigenvalues: minimum, maximum, saddle or flat."""
    if lam.size == 0 or not np.all(np.isfinite(lam)):
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


def stationary_kind(objective: Objective, point: Array, rtol: float = 1e-6) -> str:
    """Name the stationary point at `point` from its curvature."""
    return kind_of(eigenvalues(objective, point), rtol)


def newton_steps(objective: Objective, points: Array) -> Array:
    """H⁻¹∇f at each point (pseudo-inverse where H is singular): (N, P); NaN where not finite.

    `points - newton_steps(...)` estimates the nearest stationary point of each. In blocks.
    """
    if len(points) > 1 and len(_blocks(points)) > 1:
        return np.concatenate([newton_steps(objective, block) for block in _blocks(points)])
    hess = hessians(objective, points)
    with np.errstate(all="ignore"):
        g = objective.grad(np.asfortranarray(points))
    finite = np.all(np.isfinite(hess), axis=(1, 2)) & np.all(np.isfinite(g), axis=1)
    out = np.full(points.shape, np.nan)
    if finite.any():
        out[finite] = np.einsum("nij,nj->ni", np.linalg.pinv(hess[finite]), g[finite])
    return out
