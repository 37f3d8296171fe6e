"""Straight-line NumPy programs: the values a tape computes, as a flat list of kernel calls.

`build_program` keeps only the ops the requested outputs need (dead-code elimination), writes
each output straight into the caller's array, and gives every other value a scratch buffer
that is reused once the value's last user has run, in place where the kernel allows (buffers
are assigned by liveness, so a program of a hundred ops typically needs a handful of buffers).
Running a program is one NumPy call per op, all inside one `np.errstate(all="ignore")`: domain
errors become inf or NaN, never warnings.

Registers, in order: the inputs, the outputs, the constants (Python floats), the buffers.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.engine.expression.kernels import KERNELS, READS_BEFORE_WRITING, Kernel
from app.engine.expression.tape import Tape
from app.engine.types import Array

Instruction = tuple[Kernel, int, tuple[int, ...]]  # kernel, output register, argument registers


@dataclass(frozen=True)
class Program:
    """Compiled code for some outputs of a tape.

    code: the kernel calls in order; constants: the folded constants it reads; n_buffers:
    scratch arrays to allocate per run; copies: (output, register) pairs for outputs that are
    an input, a constant or a duplicate of another output, copied in after the code.
    """

    code: tuple[Instruction, ...]
    n_inputs: int
    n_outputs: int
    constants: tuple[float, ...]
    n_buffers: int
    copies: tuple[tuple[int, int], ...]

    def run(self, inputs: Sequence[Array], outputs: Sequence[Array]) -> None:
        """Compute every output into `outputs`, each shaped like the inputs broadcast together.

        Inputs are float64 arrays of broadcastable shapes (a column of a `(K, P)` batch, a
        row and a column of a grid); they are never written to.
        """
        shape = _shape(inputs)
        regs: list[Array | float] = [*inputs, *outputs, *self.constants]
        regs.extend(scratch(self.n_buffers, shape))
        with np.errstate(all="ignore"):
            for kernel, out, args in self.code:
                if len(args) == 2:  # the common case, without building a list
                    kernel(regs[args[0]], regs[args[1]], out=regs[out])
                elif len(args) == 1:
                    kernel(regs[args[0]], out=regs[out])
                else:
                    kernel(*[regs[a] for a in args], out=regs[out])
            for k, source in self.copies:
                np.copyto(outputs[k], regs[source])

    @property
    def size(self) -> int:
        """The number of kernel calls per run."""
        return len(self.code)


def scratch(n: int, shape: tuple[int, ...]) -> list[Array]:
    """n arrays of `shape`, carved from one allocation: a large block is backed by huge pages,
    so first touching it costs a few page faults instead of thousands."""
    block = np.empty((n, *shape))
    return [block[i, ...] for i in range(n)]  # `...` keeps 0-d arrays arrays, not scalars


def _shape(inputs: Sequence[Array]) -> tuple[int, ...]:
    """The inputs' broadcast shape (cheaply when they already agree, as columns of a batch do)."""
    shape = inputs[0].shape if inputs else ()
    for x in inputs[1:]:
        if x.shape != shape:
            shape = np.broadcast_shapes(shape, x.shape)
    return shape


def build_program(tape: Tape, outputs: Sequence[int], n_inputs: int) -> Program:
    """The program computing tape values `outputs` from `n_inputs` inputs."""
    needed = _needed(tape, outputs)
    reg: dict[int, int] = {}
    constants: list[float] = []
    computed: list[int] = []
    for i in needed:
        op = tape.ops[i]
        if op.kind == "var":
            reg[i] = int(op.value)
        elif op.kind == "const":
            reg[i] = n_inputs + len(outputs) + len(constants)
            constants.append(op.value)
        else:
            computed.append(i)
    direct: dict[int, int] = {}  # computed outputs, written straight into the output array
    for k, i in enumerate(outputs):
        if i not in reg and i not in direct:
            direct[i] = n_inputs + k
    first_buffer = n_inputs + len(outputs) + len(constants)
    code, n_buffers = _allocate(tape, computed, direct, reg, first_buffer)
    copies = tuple((k, reg[i]) for k, i in enumerate(outputs) if reg[i] != n_inputs + k)
    return Program(code, n_inputs, len(outputs), tuple(constants), n_buffers, copies)


def _needed(tape: Tape, outputs: Sequence[int]) -> list[int]:
    """The ids the outputs depend on, in topological (increasing) order."""
    seen: set[int] = set()
    stack = list(outputs)
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            stack.extend(tape.ops[i].args)
    return sorted(seen)


def _allocate(
    tape: Tape, computed: list[int], direct: dict[int, int], reg: dict[int, int], first: int
) -> tuple[tuple[Instruction, ...], int]:
    """Assign registers to computed values by liveness; fills `reg`, returns code and buffers.

    A value's buffer is released after its last user. An elementwise kernel may write over an
    argument it is the last user of (an in-place update keeps the data in cache); any other
    kernel gets its output buffer before its arguments' buffers are released.
    """
    last_use: dict[int, int] = {}
    for position, i in enumerate(computed):
        for a in tape.ops[i].args:
            last_use[a] = position
    free: list[int] = []
    n_buffers = 0
    code: list[Instruction] = []
    for position, i in enumerate(computed):
        op = tape.ops[i]
        dying = sorted({reg[a] for a in op.args if last_use[a] == position and reg[a] >= first})
        if op.kind in READS_BEFORE_WRITING:
            free += dying
            dying = []
        if i in direct:
            reg[i] = direct[i]
        elif free:
            reg[i] = free.pop()
        else:
            reg[i] = first + n_buffers
            n_buffers += 1
        code.append((KERNELS[op.kind], reg[i], tuple(reg[a] for a in op.args)))
        free += dying
    return tuple(code), n_buffers
