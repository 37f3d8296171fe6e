"""The expression language: tokens, precedence, the shared DAG, limits, errors and messages."""

import pickle
import re
import string

import pytest

from app.engine.expression import (
    Expression,
    ExpressionError,
    Limits,
    parse,
)
from app.engine.expression.tokens import tokenize
from app.i18n import LANGS, catalogue

MESSAGES = {
    lang: {k: v for k, v in catalogue(lang).items() if k.startswith("expr.")} for lang in LANGS
}


def show(expr: Expression) -> str:
    """The tree fully parenthesised, to read precedence off the structure."""
    texts: list[str] = []
    for node in expr.nodes:
        args = [texts[i] for i in node.inputs]
        if node.op in ("const", "var"):
            texts.append(node.name)
        elif node.op == "neg":
            texts.append(f"(-{args[0]})")
        elif len(args) == 2 and node.label in "+-*/^":
            texts.append(f"({args[0]}{node.label}{args[1]})")
        else:
            texts.append(f"{node.op}({', '.join(args)})")
    return texts[expr.root]


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("x", "x"),
        ("-x^2", "(-(x^2))"),
        ("-x**2", "(-(x^2))"),
        ("2^3^2", "(2^(3^2))"),
        ("x**y**z", "(x^(y^z))"),
        ("a-b-c", "((a-b)-c)"),
        ("a/b*c", "((a/b)*c)"),
        ("a+b*c", "(a+(b*c))"),
        ("(a+b)*c", "((a+b)*c)"),
        ("-x*y", "((-x)*y)"),
        ("x^-y", "(x^(-y))"),
        ("x^-y^z", "(x^(-(y^z)))"),
        ("2*-x", "(2*(-x))"),
        ("--x", "(-(-x))"),
        ("+x", "x"),
        ("x - -y", "(x-(-y))"),
        ("2^-1*x", "((2^(-1))*x)"),
        ("max(x, y^2) / min(1, x)", "(max(x, (y^2))/min(1, x))"),
        ("sigmoid(w0*x0 + w1*x1 + w2)", "sigmoid((((w0*x0)+(w1*x1))+w2))"),
        ("\tx +\n y ", "(x+y)"),
        ("pi*e", "(pi*e)"),
    ],
)
def test_precedence_and_associativity(text: str, tree: str) -> None:
    assert show(parse(text)) == tree


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3.0), ("0.5", 0.5), (".5", 0.5), ("2.", 2.0), ("1e-3", 1e-3), ("1E+2", 100.0)],
)
def test_numbers(text: str, value: float) -> None:
    expr = parse(f"x + {text}")
    const = expr.nodes[expr.nodes[expr.root].inputs[1]]
    assert const.op == "const"
    assert const.value == value
    assert const.name == text


def test_constants_and_functions() -> None:
    expr = parse("pi + e + sqrt(x)")
    consts = {n.name: n.value for n in expr.nodes if n.op == "const"}
    assert consts == {"pi": pytest.approx(3.141592653589793), "e": pytest.approx(2.718281828459045)}
    for name in ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu"):
        assert parse(f"{name}(x)").nodes[-1].op == name
    assert parse("min(x, y)").nodes[-1].inputs == (0, 1)


def test_variables_are_sorted_and_distinct() -> None:
    assert parse("y + x*b + x").variables == ("b", "x", "y")
    assert parse("theta_1 + W2").variables == ("W2", "theta_1")


def test_identical_subtrees_are_one_node() -> None:
    expr = parse("(x*y)^2 + sin(x*y)")
    products = [i for i, n in enumerate(expr.nodes) if n.op == "mul"]
    assert len(products) == 1
    users = [n for n in expr.nodes if products[0] in n.inputs]
    assert {n.op for n in users} == {"pow", "sin"}
    assert len(parse("x + x").nodes) == 2  # one x, one add with the same input twice
    assert parse("x + x").nodes[-1].inputs == (0, 0)
    assert sum(n.op == "const" for n in parse(".5*x + 0.5*y").nodes) == 1
    assert len(parse("(x+1)^2 + (x+1)^2").nodes) == 6  # x, 1, x+1, 2, ^, +


def test_nodes_are_topological() -> None:
    expr = parse("exp(-(x-1)^2) * cos(3*y) + max(x, y)")
    for i, node in enumerate(expr.nodes):
        assert all(j < i for j in node.inputs)
    assert expr.root == len(expr.nodes) - 1


ERRORS = [
    ("", "expr.empty", 1, {}),
    ("   ", "expr.empty", 1, {}),
    ("sin(x+)", "expr.unexpected", 7, {"token": ")"}),
    ("x +", "expr.unexpected_end", 4, {}),
    ("x y", "expr.implicit_product", 3, {"token": "y"}),
    ("2x", "expr.implicit_product", 2, {"token": "x"}),
    ("(x)(y)", "expr.implicit_product", 4, {"token": "("}),
    ("x)", "expr.expected_operator", 2, {"token": ")"}),
    ("(x", "expr.unclosed", 1, {"open_column": 1}),  # the column is the "(" never closed
    ("sin(x + 1", "expr.unclosed", 4, {"open_column": 4}),
    ("((x)", "expr.unclosed", 1, {"open_column": 1}),
    ("x * (y + (1", "expr.unclosed", 10, {"open_column": 10}),
    ("(x,y)", "expr.expected_close", 3, {"token": ","}),
    ("foo(x)", "expr.unknown_function", 1, {"name": "foo"}),
    ("sin x", "expr.missing_call", 1, {"name": "sin"}),
    ("max(x)", "expr.arity", 1, {"name": "max", "expected": 2, "got": 1}),
    ("sin(x, y)", "expr.arity", 1, {"name": "sin", "expected": 1, "got": 2}),
    ("exp()", "expr.arity", 1, {"name": "exp", "expected": 1, "got": 0}),
    ("1.2.3", "expr.bad_number", 1, {"text": "1.2."}),
    ("x + 1e", "expr.bad_number", 5, {"text": "1e"}),
    ("1e999*x", "expr.number_too_large", 1, {"text": "1e999"}),
    ("x # 1", "expr.unknown_character", 3, {"char": "#"}),
    ("x + é", "expr.unknown_character", 5, {"char": "é"}),
    ('x + "1"', "expr.unknown_character", 5, {"char": "U+0022"}),
    ("_x", "expr.bad_name", 1, {"name": "_x"}),
    ("a" * 17, "expr.name_too_long", 1, {"limit": 16}),
]


@pytest.mark.parametrize(("text", "key", "column", "params"), ERRORS)
def test_errors_say_what_and_where(
    text: str, key: str, column: int, params: dict[str, object]
) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    err = info.value
    assert (err.key, err.column) == (key, column)
    assert params.items() <= err.params.items()
    assert isinstance(err, ValueError)
    assert str(err) == err.render("en")
    assert err.render("zh") != str(err)


def test_english_message_example() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("sin(x+)")
    expected = 'unexpected ")" at column 7: expected a number, a variable, a function or "("'
    assert str(info.value) == expected


def test_unknown_function_lists_the_allowed_ones() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("log2(x)")
    for name in ("sin", "cos", "tanh", "sigmoid", "relu", "min", "max"):
        assert name in str(info.value)


def test_length_is_checked_first() -> None:
    parse("x" + "+x" * 249)  # 499 characters
    with pytest.raises(ExpressionError) as info:
        parse("x" + "+x" * 250)
    assert info.value.key == "expr.too_long"
    assert info.value.params["length"] == 501
    with pytest.raises(ExpressionError) as info:
        parse("é" * 501)
    assert info.value.key == "expr.too_long"  # the length is checked before any character


def test_depth_limit() -> None:
    parse("(" * 50 + "x" + ")" * 50)
    with pytest.raises(ExpressionError) as info:
        parse("(" * 51 + "x" + ")" * 51)
    assert info.value.key == "expr.too_deep"
    assert info.value.column == 52
    parse("-" * 50 + "x")
    with pytest.raises(ExpressionError, match="50 levels"):
        parse("x" + "^x" * 51)
    parse("x" + "+x" * 200)  # a long sum is not deep: it is parsed in a loop


def test_node_limit_counts_distinct_nodes() -> None:
    small = Limits(max_nodes=5)
    parse("x*x + x*x", small)  # x, *, + : 3 distinct nodes
    with pytest.raises(ExpressionError) as info:
        parse("a + b + c + d", small)
    assert info.value.key == "expr.too_many_nodes"
    assert info.value.params["limit"] == 5


def test_variable_limits() -> None:
    names = [f"v{i}" for i in range(16)]
    assert len(parse("+".join(names)).variables) == 16
    with pytest.raises(ExpressionError) as info:
        parse("+".join([*names, "w"]))
    assert info.value.key == "expr.too_many_variables"
    assert info.value.params["name"] == "w"
    assert parse("a" * 16).variables == ("a" * 16,)


def test_tokens_have_columns() -> None:
    tokens = tokenize("x**2 + .5")
    assert [(t.kind, t.text, t.column) for t in tokens] == [
        ("name", "x", 1),
        ("op", "**", 2),
        ("number", "2", 4),
        ("op", "+", 6),
        ("number", ".5", 8),
        ("end", "", 10),
    ]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    assert set(MESSAGES) == {"en", "zh"}
    assert MESSAGES["en"].keys() == MESSAGES["zh"].keys()
    for key, template in MESSAGES["en"].items():
        assert placeholders(template) == placeholders(MESSAGES["zh"][key]), key
        assert re.fullmatch(r"expr\.[a-z_]+", key)


def test_every_raised_key_is_in_the_catalogues() -> None:
    for _, key, _, _ in ERRORS:
        assert key in MESSAGES["en"]


def test_message_falls_back_to_english_and_errors_pickle() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("x +")
    err = info.value
    assert err.render("en") == str(err)
    assert "第 4 列" in err.render("zh")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.key, copy.column, dict(copy.params), str(copy)) == (
        err.key,
        err.column,
        dict(err.params),
        str(err),
    )
