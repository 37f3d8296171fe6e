"""A quadratic bowl in P dimensions, f(w) = 1/2 (w - c)^T Q^T diag(l) Q (w - c).

The cleanest place to see conditioning: everything about gradient descent on it is known in
closed form. Along eigen-direction i the error is multiplied by (1 - lr l_i) at every step, so
plain descent is stable only for lr < 2 / l_max, converges at the rate max_i |1 - lr l_i|, and
is fastest at lr = 2 / (l_min + l_max), where the rate is (k - 1) / (k + 1) with k = l_max / l_min.
Heavy-ball momentum at its best pair reaches (sqrt(k) - 1) / (sqrt(k) + 1).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.engine.errors import EngineError
from app.engine.objectives.base import BaseObjective, Landmark
from app.engine.types import Array

MAX_DIM = 1000


@dataclass(frozen=True)
class Theory:
    """What is known exactly about descent on a quadratic with eigenvalues in [l_min, l_max]."""

    l_min: float
    l_max: float
    condition: float
    lr_max: float  # plain descent is stable only below this step size
    lr_best: float  # the step size with the fastest worst-direction rate
    rate_best: float  # that rate: the error shrinks by this factor per step
    momentum_lr: float  # heavy-ball's best step size ...
    momentum_beta: float  # ... and momentum
    momentum_rate: float  # and the rate they reach


def theory(eigenvalues: Array) -> Theory:
    """The closed forms for positive eigenvalues (ascending or not)."""
    lo, hi = float(np.min(eigenvalues)), float(np.max(eigenvalues))
    k = hi / lo
    root = math.sqrt(k)
    return Theory(
        l_min=lo,
        l_max=hi,
        condition=k,
        lr_max=2.0 / hi,
        lr_best=2.0 / (lo + hi),
        rate_best=(k - 1.0) / (k + 1.0),
        momentum_lr=(2.0 / (math.sqrt(lo) + math.sqrt(hi))) ** 2,
        momentum_beta=((root - 1.0) / (root + 1.0)) ** 2,
        momentum_rate=(root - 1.0) / (root + 1.0),
    )


def log_spaced(dim: int, condition: float) -> Array:
    """`dim` eigenvalues evenly spaced on a log scale from 1 to `condition`."""
    if dim == 1:
        return np.array([1.0])
    return np.geomspace(1.0, condition, dim)


@lru_cache(maxsize=8)
def random_rotation(dim: int, seed: int) -> Array:
    """A seeded random orthogonal matrix (QR of a Gaussian matrix, signs fixed): (P, P).

    Cached (a 1000 x 1000 QR takes a while) and read-only, since callers share it.
    """
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    signs = np.where(np.diag(r) < 0, -1.0, 1.0)
    rotation: Array = q * signs
    rotation.flags.writeable = False
    return rotation


class QuadraticObjective(BaseObjective):
    """f(w) = 1/2 (w - c)^T A (w - c) with A = Q^T diag(l) Q, for K rows at once."""

    def __init__(
        self,
        eigenvalues: Sequence[float] | Array,
        rotation_seed: int | None = None,
        center: Sequence[float] | Array | None = None,
    ) -> None:
        """Eigenvalues l (all > 0), an optional seeded rotation Q (else the identity), centre c."""
        lam = np.asarray(eigenvalues, dtype=np.float64)
        if lam.ndim != 1 or not 1 <= lam.size <= MAX_DIM:
            raise EngineError("error.quadratic_dim", limit=MAX_DIM)
        if not np.all(np.isfinite(lam) & (lam > 0)):
            raise EngineError("error.quadratic_eigenvalues")
        p = lam.size
        c = np.zeros(p) if center is None else np.asarray(center, dtype=np.float64)
        if c.shape != (p,):
            raise EngineError("error.quadratic_center", dim=p, got=c.size)
        order = np.argsort(lam, kind="stable")
        self.eigenvalues: Array = lam[order]
        q = np.eye(p) if rotation_seed is None else random_rotation(p, rotation_seed)
        self.eigenvectors: Array = q[order]  # row i: the unit eigenvector of eigenvalues[i]
        self.center: Array = c
        self.hessian: Array = (self.eigenvectors.T * self.eigenvalues) @ self.eigenvectors
        self.rotated = rotation_seed is not None
        self.names = tuple(f"w[{i}]" for i in range(p))
        self.hessian_eigenvalues = self.eigenvalues
        self.landmarks = (Landmark(tuple(c.tolist()), 0.0, "global"),)
        self.cost = max(1.0, p * p / 8.0) if self.rotated else max(1.0, p / 2.0)
        if p == 2:
            self.domain = ((c[0] - 1.0, c[0] + 1.0), (c[1] - 1.0, c[1] + 1.0))

    @property
    def start_region(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """The box [-1, 1]^P around the centre."""
        return tuple((self.center - 1.0).tolist()), tuple((self.center + 1.0).tolist())

    def grad(self, w: Array, step: int | None = None) -> Array:
        """A (w - c) per row: (K, P) -> (K, P)."""
        d = w - self.center
        if not self.rotated:
            return d * self.eigenvalues
        out: Array = d @ self.hessian  # A is symmetric
        return out

    def loss(self, w: Array) -> Array:
        """1/2 (w - c)^T A (w - c) per row: (K, P) -> (K,)."""
        d = w - self.center
        out: Array = 0.5 * np.einsum("kp,kp->k", d, self.grad(w))
        return out

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        """Both from one product."""
        d = w - self.center
        g = d * self.eigenvalues if not self.rotated else d @ self.hessian
        return 0.5 * np.einsum("kp,kp->k", d, g), g

    def eigen_errors(self, w: Array) -> Array:
        """The error along each eigen-direction, Q (w - c) per row: (K, P) -> (K, P)."""
        out: Array = (w - self.center) @ self.eigenvectors.T
        return out
