"""The one protocol every objective satisfies.

Parameters travel as a batch `w: (K, P)`: K independent trajectories, P parameters each.
The runner hands over Fortran-ordered batches so that each column `w[:, j]` is contiguous;
objectives must accept any layout and return arrays of the documented shapes.
"""

from typing import Protocol

from app.engine.types import Array


class Objective(Protocol):
    """A differentiable function of P parameters, evaluated for K parameter vectors at once."""

    @property
    def dim(self) -> int:
        """P, the number of parameters."""
        ...

    def loss(self, w: Array) -> Array:
        """Loss for each row: `w: (K, P) -> (K,)`."""
        ...

    def grad(self, w: Array, step: int = 0) -> Array:
        """Gradient for each row: `w: (K, P) -> dw: (K, P)`, with dw[k] = d loss(w[k]) / d w[k].

        `step` is the optimizer step about to be taken. Deterministic objectives ignore it; a
        mini-batch objective derives its batch from (seed, step), so a run stays a pure function
        of its request and can be replayed from any step on any worker.
        """
        ...
