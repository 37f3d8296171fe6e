"""The elementwise operations a compiled expression runs, each writing into a given buffer.

Every kernel is called as `kernel(*args, out=buffer)`: args are arrays or Python floats that
broadcast to `buffer`; `out` may be one of the args only for the kernels in
`READS_BEFORE_WRITING`. The same kernels fold constants at
compile time (on 0-d arrays), so a folded constant equals what the program would have computed.

Kinks follow PyTorch's derivatives: abs'(0) = sign(0) = 0, relu'(0) = 0, and at a tie
`max(a, b)` and `min(a, b)` send half the gradient to each argument (torch.maximum).
"""

from collections.abc import Callable

import numpy as np

from app.engine.types import Array

Kernel = Callable[..., object]
Operand = Array | float


def sigmoid(a: Operand, *, out: Array) -> None:
    """1 / (1 + exp(-a)); exp overflows to inf for very negative a, giving exactly 0."""
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


def relu(a: Operand, *, out: Array) -> None:
    """max(a, 0), NaN staying NaN."""
    np.maximum(a, 0.0, out=out)


def relu_grad(y: Operand, *, out: Array) -> None:
    """relu'(a) from y = relu(a): 0 where y <= 0 (so relu'(0) = 0), else 1 (torch's rule)."""
    np.less_equal(y, 0.0, out=out)
    np.subtract(1.0, out, out=out)


def tie(a: Operand, b: Operand, *, out: Array) -> None:
    """d max(a, b) / da as torch.maximum: 1 where a > b, 0.5 where a == b, 0 where a < b.

    The same weight with the arguments swapped is d max / db, and d min(a, b) / da = tie(b, a).
    NaN compares false, so a NaN argument gets weight 1, as in torch.
    """
    np.less(a, b, out=out)
    np.subtract(1.0, out, out=out)
    np.subtract(out, 0.5, out=out, where=np.equal(a, b))


def pow_grad_base(a: Operand, b: Operand, *, out: Array) -> None:
    """d a^b / da = b a^(b-1), and 0 where b == 0 (torch's pow_backward)."""
    np.subtract(b, 1.0, out=out)
    np.power(a, out, out=out)
    np.multiply(out, b, out=out)
    np.copyto(out, 0.0, where=np.equal(b, 0.0))


def pow_grad_exponent(a: Operand, b: Operand, y: Operand, *, out: Array) -> None:
    """d a^b / db = a^b log(a) from y = a^b, and 0 where a == 0 and b >= 0 (torch's rule)."""
    np.log(a, out=out)
    np.multiply(out, y, out=out)
    np.copyto(out, 0.0, where=np.logical_and(np.equal(a, 0.0), np.greater_equal(b, 0.0)))


KERNELS: dict[str, Kernel] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "pow": np.power,
    "max": np.maximum,
    "min": np.minimum,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.absolute,
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "relu": relu,
    "sign": np.sign,
    "relu_grad": relu_grad,
    "tie": tie,
    "pow_grad_base": pow_grad_base,
    "pow_grad_exponent": pow_grad_exponent,
}


# Kernels that read each argument before writing any part of `out`, elementwise, so `out` may be
# one of their arguments (an in-place update); the others read arguments after writing `out`.
READS_BEFORE_WRITING = frozenset(KERNELS) - {"tie", "pow_grad_base", "pow_grad_exponent"}


def fold(kind: str, args: tuple[float, ...]) -> float:
    """The kernel `kind` applied to constants, silently giving inf or NaN on domain errors."""
    out = np.empty(())
    with np.errstate(all="ignore"):
        KERNELS[kind](*(np.float64(a) for a in args), out=out)
    return float(out)
