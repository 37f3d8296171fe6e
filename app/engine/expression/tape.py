"""The tape: straight-line code in SSA form, simplified as it is written.

Every value is an integer id naming one `Op`; ids are topological (an op comes after its
arguments). Writing an op through `Tape` folds constants, shares identical ops (so `x*x`
written twice is computed once), keeps scalar factors at the outside of products (so a chain
of constant factors collapses into one multiplication), and turns small integer powers into
multiplications (x^6 = x^4 * x^2 with x^2 shared). Folding never drops an operation whose
result could differ in IEEE arithmetic except by rounding: `0 * x` stays, since x may be inf.
"""

import math
from dataclasses import dataclass

from app.engine.expression.kernels import fold

MAX_EXPANDED_POWER = 16


@dataclass(frozen=True, slots=True)
class Op:
    """One SSA operation: a kernel name (or "const", "var") and argument ids.

    value: a constant's value, or a variable's position among the inputs.
    """

    kind: str
    args: tuple[int, ...] = ()
    value: float = 0.0


class Tape:
    """A growing list of simplified, shared SSA operations."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self._index: dict[tuple[str, tuple[int, ...], str], int] = {}

    def is_const(self, i: int) -> bool:
        """Whether value `i` is a compile-time constant."""
        return self.ops[i].kind == "const"

    def value(self, i: int) -> float:
        """The value of constant `i`."""
        return self.ops[i].value

    def const(self, value: float) -> int:
        """A constant (0.0 and -0.0 stay distinct)."""
        return self._intern(Op("const", (), value), value.hex())

    def var(self, position: int) -> int:
        """The input at `position`."""
        return self._intern(Op("var", (), float(position)), str(position))

    def emit(self, kind: str, *args: int) -> int:
        """A kernel applied to `args`, folded when they are all constants."""
        if all(self.is_const(a) for a in args):
            return self.const(fold(kind, tuple(self.value(a) for a in args)))
        return self._intern(Op(kind, args), "")

    def scaled(self, i: int) -> tuple[float, int]:
        """(c, r) with value i = c * r: the constant factor of a scaled value, else (1, i)."""
        op = self.ops[i]
        if op.kind == "mul" and self.is_const(op.args[1]):
            return self.value(op.args[1]), op.args[0]
        return 1.0, i

    def add(self, a: int, b: int) -> int:
        """a + b, merging like terms (x + x = 2x, 2x + 3x = 5x) and signs (a + -b = a - b)."""
        if self.is_const(a) and not self.is_const(b):
            a, b = b, a
        if self.is_const(b) and not self.is_const(a):
            return a if self.value(b) == 0.0 else self.emit("add", a, b)
        ca, ra = self.scaled(a)
        cb, rb = self.scaled(b)
        if ra == rb and not self.is_const(ra):
            return self.mul(ra, self.const(ca + cb))
        if cb == -1.0:
            return self.sub(a, rb)
        if ca == -1.0:
            return self.sub(b, ra)
        return self.emit("add", min(a, b), max(a, b))

    def sub(self, a: int, b: int) -> int:
        """a - b; subtracting a constant adds its negation, and a - (-b) = a + b."""
        if self.is_const(b) and not self.is_const(a):
            return self.add(a, self.const(-self.value(b)))
        cb, rb = self.scaled(b)
        if cb == -1.0:
            return self.add(a, rb)
        ca, ra = self.scaled(a)
        if ra == rb and a != b and not self.is_const(ra):
            return self.mul(ra, self.const(ca - cb))
        return self.emit("sub", a, b)

    def mul(self, a: int, b: int) -> int:
        """a * b with constant factors gathered outside: (2x)(3y) = 6(xy)."""
        if self.is_const(a) and not self.is_const(b):
            a, b = b, a
        if self.is_const(b) and not self.is_const(a):
            c = self.value(b)
            ca, ra = self.scaled(a)
            if ca != 1.0:
                return self.mul(ra, self.const(ca * c))
            return a if c == 1.0 else self.emit("mul", a, b)
        ca, ra = self.scaled(a)
        cb, rb = self.scaled(b)
        if ca != 1.0 or cb != 1.0:
            return self.mul(self.mul(ra, rb), self.const(ca * cb))
        return self.emit("mul", min(a, b), max(a, b))

    def div(self, a: int, b: int) -> int:
        """a / b, with a constant factor of the numerator moved outside."""
        if self.is_const(b) and self.value(b) == 1.0:
            return a
        ca, ra = self.scaled(a)
        if ca != 1.0 and not self.is_const(b):
            return self.mul(self.div(ra, b), self.const(ca))
        return self.emit("div", a, b)

    def neg(self, a: int) -> int:
        """-a, as a factor of -1 that merges with other factors."""
        return self.mul(a, self.const(-1.0))

    def pow(self, a: int, b: int) -> int:
        """a^b; constant exponents 0, 1, 1/2 and small integers become cheaper ops, e^b is exp."""
        if self.is_const(b) and not self.is_const(a):
            n = self.value(b)
            if n == 0.0:
                return self.const(1.0)  # as numpy and torch: x^0 = 1, even for NaN
            if n == 0.5:
                return self.emit("sqrt", a)
            if 1 <= abs(n) <= MAX_EXPANDED_POWER and n == int(n):
                p = self._power(a, int(abs(n)))
                return p if n > 0 else self.div(self.const(1.0), p)
        elif self.is_const(a) and not self.is_const(b) and self.value(a) == math.e:
            return self.emit("exp", b)
        return self.emit("pow", a, b)

    def minmax(self, kind: str, a: int, b: int) -> int:
        """max(a, b) or min(a, b); max(x, x) = x."""
        if a == b:
            return a
        if self.is_const(a):
            a, b = b, a
        return self.emit(kind, a, b)

    def _power(self, a: int, n: int) -> int:
        """a^n for an integer n >= 1 by repeated squaring, sharing the squares."""
        result: int | None = None
        base = a
        while True:
            if n & 1:
                result = base if result is None else self.mul(result, base)
            n >>= 1
            if not n:
                assert result is not None
                return result
            base = self.mul(base, base)

    def _intern(self, op: Op, extra: str) -> int:
        key = (op.kind, op.args, extra)
        found = self._index.get(key)
        if found is None:
            found = len(self.ops)
            self.ops.append(op)
            self._index[key] = found
        return found
