"""Every sentence an expression error can say, in English and Chinese, looked up by key.

Templates name their parameters (`{column}`, `{name}`), so a translation may reorder them;
`ExpressionError.params` holds exactly the values a template needs, all language-neutral (numbers,
the offending text, comma-separated names). `str(err)` is the English sentence.
"""

from collections.abc import Mapping
from typing import Protocol

_OPERAND = 'a number, a variable, a function or "("'
_OPERAND_ZH = "数字、变量、函数或“(”"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "expr.empty": "the expression is empty: type a formula such as x^2 + y^2",
        "expr.too_long": "the expression has {length} characters; at most {limit} are allowed",
        "expr.too_deep": "the expression nests more than {limit} levels deep at column {column}",
        "expr.too_many_nodes": "the expression has more than {limit} distinct parts",
        "expr.too_many_variables": 'too many variables: "{name}" at column {column} would be '
        "number {count}; at most {limit} are allowed",
        "expr.unknown_character": 'unknown character "{char}" at column {column}',
        "expr.bad_number": 'malformed number "{text}" at column {column}',
        "expr.number_too_large": 'the number "{text}" at column {column} is too large',
        "expr.bad_name": 'the name "{name}" at column {column} must start with a letter',
        "expr.name_too_long": 'the name "{name}" at column {column} is longer than {limit} '
        "characters",
        "expr.unexpected": f'unexpected "{{token}}" at column {{column}}: expected {_OPERAND}',
        "expr.unexpected_end": f"the expression ends too early at column {{column}}: "
        f"expected {_OPERAND}",
        "expr.expected_operator": 'unexpected "{token}" at column {column}: expected an '
        "operator or the end of the expression",
        "expr.expected_close": 'unexpected "{token}" at column {column}: expected an operator '
        'or ")"',
        "expr.unclosed": 'the "(" at column {open_column} is never closed',
        "expr.implicit_product": 'missing operator before "{token}" at column {column}: write '
        '"*" for a product',
        "expr.unknown_function": 'unknown function "{name}" at column {column}; the functions '
        "are {allowed}",
        "expr.missing_call": 'the function "{name}" at column {column} needs its argument in '
        "parentheses, e.g. {name}(x)",
        "expr.arity": "{name}() at column {column} takes {expected} argument(s), not {got}",
        "expr.no_variables": "the expression has no variables: use at least one, e.g. x",
        "expr.variables": "the variables must be exactly those the expression uses ({used}), "
        "given: {given}",
        "expr.domain": "the domain must be two finite intervals ((x0, x1), (y0, y1)) with "
        "x0 < x1 and y0 < y1, for an expression of two variables",
        "expr.values": "give one finite value for each variable ({expected}), given: {given}",
    },
    "zh": {
        "expr.empty": "表达式为空：请输入公式，例如 x^2 + y^2",
        "expr.too_long": "表达式有 {length} 个字符，最多允许 {limit} 个",
        "expr.too_deep": "表达式在第 {column} 列嵌套超过 {limit} 层",
        "expr.too_many_nodes": "表达式的不同部分超过 {limit} 个",
        "expr.too_many_variables": "变量太多：第 {column} 列的“{name}”将是第 {count} 个变量，"
        "最多允许 {limit} 个",
        "expr.unknown_character": "第 {column} 列有未知字符“{char}”",
        "expr.bad_number": "第 {column} 列的数字“{text}”格式不正确",
        "expr.number_too_large": "第 {column} 列的数字“{text}”太大",
        "expr.bad_name": "第 {column} 列的名称“{name}”必须以字母开头",
        "expr.name_too_long": "第 {column} 列的名称“{name}”超过 {limit} 个字符",
        "expr.unexpected": f"第 {{column}} 列出现意外的“{{token}}”：应为{_OPERAND_ZH}",
        "expr.unexpected_end": f"表达式在第 {{column}} 列过早结束：应为{_OPERAND_ZH}",
        "expr.expected_operator": "第 {column} 列出现意外的“{token}”：应为运算符或表达式结尾",
        "expr.expected_close": "第 {column} 列出现意外的“{token}”：应为运算符或“)”",
        "expr.unclosed": "第 {open_column} 列的“(”没有闭合",
        "expr.implicit_product": "第 {column} 列的“{token}”之前缺少运算符：乘积请写“*”",
        "expr.unknown_function": "第 {column} 列有未知函数“{name}”；可用的函数有 {allowed}",
        "expr.missing_call": "第 {column} 列的函数“{name}”需要用括号写参数，例如 {name}(x)",
        "expr.arity": "第 {column} 列的 {name}() 需要 {expected} 个参数，而不是 {got} 个",
        "expr.no_variables": "表达式没有变量：请至少使用一个，例如 x",
        "expr.variables": "变量必须与表达式使用的变量（{used}）完全一致，给出的是：{given}",
        "expr.domain": "对于两个变量的表达式，定义域必须是两个有限区间 ((x0, x1), (y0, y1))，"
        "且 x0 < x1、y0 < y1",
        "expr.values": "请为每个变量（{expected}）各给一个有限值，给出的是：{given}",
    },
}


class _Keyed(Protocol):
    """What `message` needs from an error: its key and parameters."""

    @property
    def key(self) -> str: ...

    @property
    def params(self) -> Mapping[str, object]: ...


def render(key: str, params: Mapping[str, object], lang: str = "en") -> str:
    """The sentence for `key` in `lang` (English when the language is unknown)."""
    table = MESSAGES.get(lang, MESSAGES["en"])
    return table[key].format_map(dict(params))


def message(err: _Keyed, lang: str) -> str:
    """The sentence for an `ExpressionError` in `lang` ("en" or "zh"; others fall back to "en")."""
    return render(err.key, err.params, lang)
