"""The one protocol every objective satisfies, and a base class with its defaults.

Parameters travel as a batch `w: (K, P)`: K independent trajectories, P parameters each.
The runner hands over Fortran-ordered batches so that each column `w[:, j]` is contiguous;
objectives must accept any layout and return arrays of the documented shapes.

Everything outside an objective (the runner, the explanations, the API, the page) learns what
it needs from this protocol alone: parameter names, a plotting domain when there are two
parameters, a default box for generated starts, known landmarks, the cost of one evaluation,
and, for a constant-curvature objective, its Hessian's eigenvalues.

Mini-batch objectives: `grad(w, step)` may estimate the gradient from a batch drawn from
(seed, step), so that a run stays a pure function of its request and replays identically on
any worker; `grad(w, None)` is always the full gradient and `loss(w)` always the full loss.
Such an objective sets `stochastic = True`, and the runner then judges convergence on the full
gradient, never on one lucky batch, at the recorded steps (every `every` steps), since the full
gradient costs a pass over all the data. Its `cost` counts the batch's samples.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from app.engine.types import Array

Box = tuple[tuple[float, ...], tuple[float, ...]]  # (low, high), one entry per parameter
Domain = tuple[tuple[float, float], tuple[float, float]]  # ((x0, x1), (y0, y1))
LandmarkKind = Literal["global", "local", "saddle"]


@dataclass(frozen=True)
class Landmark:
    """A known stationary point of an objective: a global or local minimum, or a saddle."""

    point: tuple[float, ...]
    value: float
    kind: LandmarkKind


class Objective(Protocol):
    """A differentiable function of P parameters, evaluated for K parameter vectors at once."""

    @property
    def dim(self) -> int:
        """P, the number of parameters."""
        ...

    @property
    def names(self) -> tuple[str, ...]:
        """One name per parameter, in order (`x`, `y`; `w[0]`, `b`; ...)."""
        ...

    @property
    def domain(self) -> Domain | None:
        """The box to plot, ((x0, x1), (y0, y1)), for two-parameter objectives; else None."""
        ...

    @property
    def start_region(self) -> Box:
        """Where generated starts go by default: (low, high), P entries each."""
        ...

    @property
    def landmarks(self) -> tuple[Landmark, ...]:
        """Known minima and saddles (possibly none), for explanations and plots."""
        ...

    @property
    def cost(self) -> float:
        """Work of one loss-and-gradient evaluation of one row; a built-in surface costs 1."""
        ...

    @property
    def stochastic(self) -> bool:
        """True when `grad(w, step)` is a mini-batch estimate of the full gradient."""
        ...

    @property
    def hessian_eigenvalues(self) -> Array | None:
        """The Hessian's eigenvalues, ascending, when they are the same everywhere; else None."""
        ...

    def loss(self, w: Array) -> Array:
        """Full loss for each row: `w: (K, P) -> (K,)`."""
        ...

    def grad(self, w: Array, step: int | None = None) -> Array:
        """Gradient for each row: `w: (K, P) -> dw: (K, P)`, with dw[k] = d loss(w[k]) / d w[k].

        `step` is the 1-based optimizer step about to be taken; None asks for the full gradient.
        Deterministic objectives ignore it.
        """
        ...

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        """The loss and gradient of the same evaluation (one forward pass for data objectives).

        For a mini-batch step the loss is the batch's loss; with `step=None` both are full.
        """
        ...

    def diagnostics(self, w: Array) -> Mapping[str, Array]:
        """Named per-row values recorded with each frame, each `(K, L)`; often none."""
        ...

    @property
    def default_init(self) -> Mapping[str, Any] | None:
        """The generator spec to use when a request gives neither starts nor init, if any."""
        ...

    @property
    def default_bound(self) -> float | None:
        """The divergence bound when a request gives none; None: 1000 x `scale_of` (see
        `divergence_bound`). A network's is the largest float: only overflow diverges."""
        ...

    def initialize(self, init: Mapping[str, Any]) -> Array | None:
        """Starts of its own for a generator spec (a network's Xavier or He), or None.

        None leaves the spec to the generic generators of `app.engine.starts`.
        """
        ...


class BaseObjective(ABC):
    """Defaults for the optional parts of `Objective`; subclasses set `names` and the math."""

    names: tuple[str, ...] = ()
    domain: Domain | None = None
    landmarks: tuple[Landmark, ...] = ()
    cost: float = 1.0
    stochastic: bool = False
    hessian_eigenvalues: Array | None = None
    default_init: Mapping[str, Any] | None = None  # starts when a request gives none
    default_bound: float | None = None  # None: 1000 x scale_of(objective)

    @property
    def dim(self) -> int:
        """P, the number of parameters: one per name."""
        return len(self.names)

    @property
    def start_region(self) -> Box:
        """The plotting domain when there is one, else the box [-1, 1]^P."""
        if self.domain is not None:
            (x0, x1), (y0, y1) = self.domain
            return (x0, y0), (x1, y1)
        return (-1.0,) * self.dim, (1.0,) * self.dim

    @abstractmethod
    def loss(self, w: Array) -> Array:
        """Full loss for each row: `w: (K, P) -> (K,)`."""

    @abstractmethod
    def grad(self, w: Array, step: int | None = None) -> Array:
        """Gradient for each row: `w: (K, P) -> (K, P)`."""

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        """Loss and gradient as two calls; data objectives override this with one pass."""
        return self.loss(w), self.grad(w, step)

    def diagnostics(self, w: Array) -> Mapping[str, Array]:
        """No diagnostics by default."""
        return {}

    def initialize(self, init: Mapping[str, Any]) -> Array | None:
        """No starts of its own by default."""
        return None


def domain_box(domain: Domain) -> Box:
    """The start box of a plotting domain."""
    (x0, x1), (y0, y1) = domain
    return (x0, y0), (x1, y1)


def divergence_bound(objective: Objective) -> float:
    """Where a trajectory counts as diverged when a request sets no bound: the objective's own
    bound, else 1000 times the largest |coordinate| of its start region."""
    own = objective.default_bound
    return own if own is not None else 1e3 * scale_of(objective)


def scale_of(objective: Objective) -> float:
    """A length typical of the objective: the largest |coordinate| of its start region."""
    low, high = objective.start_region
    return max(1e-12, float(np.max(np.abs(np.concatenate([low, high])))))
