"""A Pratt parser from expression text to an `Expression` DAG.

Grammar, loosest binding first:
    sum      := product (("+" | "-") product)*              left-associative
    product  := signed (("*" | "/") signed)*                left-associative
    signed   := ("-" | "+") signed | power                  so -x^2 = -(x^2)
    power    := atom (("^" | "**") signed)?                 right-associative: 2^3^2 = 2^9
    atom     := number | constant | variable | function "(" sum ("," sum)* ")" | "(" sum ")"

Numbers are written like 3, 0.5, .5 or 1e-3; constants are pi and e; functions are listed in
`FUNCTIONS`. Nothing is ever handed to Python's `eval`. The text's length is checked before
tokenizing, and every construct that nests (parentheses, calls, signs, powers) counts one level
of depth, so the parser's recursion is bounded by `Limits.max_depth`. Tokens are scanned
lazily: a parse that stops at an error (or at the depth bound) reads no further.
"""

from collections.abc import Iterator

from app.engine.expression.errors import DEFAULT_LIMITS, ExpressionError, Limits
from app.engine.expression.syntax import CONSTANTS, FUNCTIONS, DagBuilder, Expression
from app.engine.expression.tokens import Token, iter_tokens

# operator text -> (node op, left binding power, right binding power)
_INFIX: dict[str, tuple[str, int, int]] = {
    "+": ("add", 10, 11),
    "-": ("sub", 10, 11),
    "*": ("mul", 20, 21),
    "/": ("div", 20, 21),
    "^": ("pow", 40, 39),
    "**": ("pow", 40, 39),
}
_SIGN_BP = 30  # a sign takes in powers but not products: -x^2 = -(x^2), -x*y = (-x)*y
_STARTS_OPERAND = frozenset(("number", "name", "("))


def parse(text: str, limits: Limits = DEFAULT_LIMITS) -> Expression:
    """Parse `text` into an `Expression`, or raise `ExpressionError` saying where and why."""
    return _Parser(text, iter_tokens(text, limits), limits).parse()


class _Parser:
    """One parse: a cursor over the tokens and the DAG being built."""

    def __init__(self, text: str, tokens: Iterator[Token], limits: Limits) -> None:
        self.text = text
        self.tokens = tokens
        self.current = next(tokens)
        self.limits = limits
        self.dag = DagBuilder(limits)

    def parse(self) -> Expression:
        root = self.expression(0, 0)
        token = self.peek()
        if token.kind != "end":
            raise ExpressionError("expr.expected_operator", token.column, token=token.text)
        return self.dag.build(self.text, root)

    def peek(self) -> Token:
        return self.current

    def advance(self) -> Token:
        token = self.current
        if token.kind != "end":
            self.current = next(self.tokens)
        return token

    def expression(self, min_bp: int, depth: int) -> int:
        """Parse operators binding tighter than `min_bp`; `depth` counts enclosing nestings."""
        left = self.prefix(depth)
        while True:
            token = self.peek()
            if token.kind in _STARTS_OPERAND:
                raise ExpressionError("expr.implicit_product", token.column, token=token.text)
            if token.kind != "op":
                return left
            op, left_bp, right_bp = _INFIX[token.text]
            if left_bp <= min_bp:
                return left
            self.advance()
            right = self.expression(right_bp, depth + 1 if op == "pow" else depth)
            left = self.dag.op(op, (left, right), token.column)

    def prefix(self, depth: int) -> int:
        """An operand: a number, name, call, parenthesised expression or signed operand."""
        token = self.advance()
        if depth > self.limits.max_depth:
            raise ExpressionError("expr.too_deep", token.column, limit=self.limits.max_depth)
        if token.kind == "number":
            return self.dag.const(token.value, token.text, token.column)
        if token.kind == "name":
            return self.name(token, depth)
        if token.kind == "(":
            inner = self.expression(0, depth + 1)
            self.close(token)
            return inner
        if token.kind == "op" and token.text in "+-":
            operand = self.expression(_SIGN_BP, depth + 1)
            return operand if token.text == "+" else self.dag.op("neg", (operand,), token.column)
        if token.kind == "end":
            raise ExpressionError("expr.unexpected_end", token.column)
        raise ExpressionError("expr.unexpected", token.column, token=token.text)

    def name(self, token: Token, depth: int) -> int:
        """A constant, a variable or a function call."""
        name, calls = token.text, self.peek().kind == "("
        if name in FUNCTIONS:
            if not calls:
                raise ExpressionError("expr.missing_call", token.column, name=name)
            return self.call(token, depth)
        if name in CONSTANTS:
            return self.dag.const(CONSTANTS[name], name, token.column)
        if calls:
            allowed = ", ".join(FUNCTIONS)
            raise ExpressionError("expr.unknown_function", token.column, name=name, allowed=allowed)
        return self.dag.var(name, token.column)

    def call(self, token: Token, depth: int) -> int:
        """`name(arg, ...)` with the function's number of arguments."""
        opening = self.advance()
        args: list[int] = []
        if self.peek().kind != ")":
            args.append(self.expression(0, depth + 1))
            while self.peek().kind == ",":
                self.advance()
                args.append(self.expression(0, depth + 1))
        self.close(opening)
        expected = FUNCTIONS[token.text]
        if len(args) != expected:
            raise ExpressionError(
                "expr.arity", token.column, name=token.text, expected=expected, got=len(args)
            )
        return self.dag.op(token.text, tuple(args), token.column)

    def close(self, opening: Token) -> None:
        """Consume the ")" matching `opening`."""
        token = self.advance()
        if token.kind == ")":
            return
        if token.kind == "end":  # the mistake is the "(", so the caret goes under it
            raise ExpressionError("expr.unclosed", opening.column, open_column=opening.column)
        raise ExpressionError("expr.expected_close", token.column, token=token.text)
