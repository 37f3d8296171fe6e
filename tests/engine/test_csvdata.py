"""Tests for CSV data: what is accepted, and errors that name the right line and column."""

import string

import numpy as np
import pytest

from app.engine.csvdata import MAX_FEATURES, MAX_ROWS, DataError, parse_csv
from app.engine.errors import EngineError
from app.i18n import LANGS, catalogue

MESSAGES = {
    lang: {k: v for k, v in catalogue(lang).items() if k.startswith("csv.")} for lang in LANGS
}


def _error(text: str, target: str = "y") -> DataError:
    """The DataError parse_csv raises for `text`."""
    with pytest.raises(DataError) as info:
        parse_csv(text, target)
    return info.value


def test_regression_file() -> None:
    ds = parse_csv("x1, x2 ,price\n1,2,3.5\n-4,5e-1,6\n.5,+7,-8.25\n", "price")
    assert ds.kind == "regression"
    assert ds.classes == 0
    assert ds.feature_names == ("x1", "x2")
    assert ds.target_name == "price"
    np.testing.assert_array_equal(ds.X, [[1, 2], [-4, 0.5], [0.5, 7]])
    np.testing.assert_array_equal(ds.y, [3.5, 6.0, -8.25])
    assert ds.y.dtype == np.float64


def test_target_may_be_any_column() -> None:
    ds = parse_csv("label,a,b\n1,0.5,2\n0,1.5,3\n2,2.5,4\n", "label")
    assert ds.kind == "classification"
    assert ds.classes == 3
    assert ds.feature_names == ("a", "b")
    np.testing.assert_array_equal(ds.X, [[0.5, 2], [1.5, 3], [2.5, 4]])
    np.testing.assert_array_equal(ds.y, [1, 0, 2])
    assert ds.y.dtype == np.int64


def test_integer_targets_rule() -> None:
    # integers with at most 10 distinct values: class labels
    assert parse_csv("x,y\n1,0\n2,1\n3,1\n", "y").kind == "classification"
    # a decimal point anywhere makes the target a regression target
    assert parse_csv("x,y\n1,0.0\n2,1\n3,1\n", "y").kind == "regression"
    assert parse_csv("x,y\n1,0\n2,1e0\n", "y").kind == "regression"
    # more than 10 distinct integers: regression (ages, counts)
    rows = "".join(f"{k},{k * 3}\n" for k in range(11))
    assert parse_csv("x,y\n" + rows, "y").kind == "regression"
    # exactly 10 classes 0 .. 9
    rows = "".join(f"{k},{k}\n" for k in range(10))
    assert parse_csv("x,y\n" + rows, "y").classes == 10


def test_other_whitespace_around_numbers_is_accepted() -> None:
    ds = parse_csv("x,y\n\xa01\u2003,0.5\n2\t, 1.5 \n", "y")
    np.testing.assert_array_equal(ds.X[:, 0], [1, 2])
    np.testing.assert_array_equal(ds.y, [0.5, 1.5])


def test_fast_and_cell_by_cell_paths_agree() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=(50, 3)) * 10.0 ** rng.integers(-5, 6, size=(50, 3))
    body = "".join(",".join(repr(float(v)) for v in row) + "\n" for row in values)
    fast = parse_csv("a,b,y\n" + body, "y")
    slow = parse_csv("a,b,y\n" + body.replace("\n", "\xa0\n"), "y")  # not on the fast path
    np.testing.assert_array_equal(fast.X, values[:, :2])
    np.testing.assert_array_equal(slow.X, fast.X)
    np.testing.assert_array_equal(slow.y, fast.y)


def test_blank_lines_bom_crlf_and_quotes() -> None:
    text = '\ufeff"x, first",y\r\n\r\n1,0\r\n"2",1\r\n\r\n'
    ds = parse_csv(text, "y")
    assert ds.feature_names == ("x, first",)
    np.testing.assert_array_equal(ds.X[:, 0], [1, 2])


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("", "csv.empty", {}),
        ("\n\n  \n", "csv.empty", {}),
        ("x,y\n", "csv.no_rows", {}),
        ("x,,y\n1,2,3\n", "csv.header_blank", {"line": 1, "position": 2}),
        ("\nx,y,x\n1,2,3\n", "csv.header_duplicate", {"line": 2, "column": "x"}),
        ("a,b\n1,2\n", "csv.target_missing", {"target": "y", "columns": '"a", "b"'}),
        ("y\n1\n", "csv.no_features", {"line": 1, "target": "y"}),
        ("x,y\n1,2\n3\n", "csv.ragged", {"line": 3, "found": 1, "expected": 2}),
        ("x,y\n1,2\n\n3,4,5\n", "csv.ragged", {"line": 4, "found": 3, "expected": 2}),
        ("x,y\n1,\n", "csv.missing_value", {"line": 2, "column": "y"}),
        ("x,y\n1,0.5\n2,0.5\n3,abc\n", "csv.not_a_number", {"line": 4, "column": "y"}),
        ("x,y\n1_000,1\n", "csv.not_a_number", {"line": 2, "column": "x", "value": "1_000"}),
        ("x,y\nNaN,1\n", "csv.not_finite", {"line": 2, "column": "x", "value": "NaN"}),
        ("x,y\n-inf,1\n", "csv.not_finite", {"line": 2, "column": "x", "value": "-inf"}),
        ("x,y\n1e999,1\n", "csv.not_finite", {"line": 2, "column": "x", "value": "1e999"}),
        ("x,y\n1,1\n2,1\n", "csv.one_class", {"column": "y", "value": 1}),
        ("x,y\n1,1\n2,2\n3,1\n", "csv.label_range", {"line": 3, "value": 2, "top": 1}),
        ("x,y\n1,0\n2,-1\n", "csv.label_range", {"line": 3, "value": -1, "classes": 2}),
        ("x,y\n1,0\n2,0\n3,2\n", "csv.label_range", {"line": 4, "value": 2, "top": 1}),
        ('x,y\n1,"2"3\n', "csv.malformed", {"line": 2}),
        ('x,y\n1,2\n3,"4\n', "csv.malformed", {"line": 3}),
    ],
)
def test_errors_name_the_line_and_column(text: str, key: str, params: dict[str, object]) -> None:
    err = _error(text)
    assert err.key == key
    for name, value in params.items():
        assert err.params[name] == value, name


def test_the_issue_example_sentence() -> None:
    text = "x1,x2,y\n" + "1,2,0.5\n" * 5 + "3,abc,1.5\n"
    err = _error(text)
    assert str(err) == 'line 7, column "x2": "abc" is not a number'
    assert err.render("zh") == "第 7 行，“x2”列：“abc”不是数字"


def test_quoted_newlines_count_as_lines() -> None:
    err = _error('"x\nsecond line",y\n1,0.5\n4,oops\n')
    assert err.params == {"line": 4, "column": "y", "value": "oops"}


def test_long_values_are_shortened_in_messages() -> None:
    err = _error("x,y\n" + "z" * 500 + ",1\n")
    assert len(str(err)) < 100
    assert str(err).endswith('"zzzzzzzzzzzzzzzzzzzzzzz…" is not a number')


def test_limits() -> None:
    wide = ",".join(f"f{k}" for k in range(MAX_FEATURES)) + ",y\n"
    ok = parse_csv(wide + ",".join(["1"] * MAX_FEATURES) + ",0.5\n", "y")
    assert ok.d == MAX_FEATURES
    too_wide = ",".join(f"f{k}" for k in range(MAX_FEATURES + 1)) + ",y\n1\n"
    err = _error(too_wide)
    assert (err.key, err.params) == (
        "csv.too_many_features",
        {"line": 1, "count": MAX_FEATURES + 1, "limit": MAX_FEATURES},
    )
    rows = "x,y\n" + "1,0.5\n" * MAX_ROWS
    assert parse_csv(rows, "y").n == MAX_ROWS
    err = _error(rows + "2,0.5\n")
    assert (err.key, err.params) == ("csv.too_many_rows", {"line": MAX_ROWS + 2, "limit": MAX_ROWS})


def test_error_type() -> None:
    err = _error("")
    assert isinstance(err, ValueError)
    assert isinstance(err, EngineError)  # the web edge renders it in the request's language


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["zh"])
    fields = string.Formatter()
    for key, english in MESSAGES["en"].items():
        names_en = {f for _, f, _, _ in fields.parse(english) if f}
        names_zh = {f for _, f, _, _ in fields.parse(MESSAGES["zh"][key]) if f}
        assert names_en == names_zh, key
