"""A student's own data: a CSV file with a header row, numeric feature columns and a target.

Rules, each failure a `DataError` naming the line (the header is line 1; blank lines count but
hold no data) and, where there is one, the column by its header name. One problem is
reported at a time, in this order: the header row, the CSV syntax of the rest, the data rows
from the top, the number of rows:

- the text reads as CSV (commas, double quotes around a value that holds a comma);
- the header names are non-empty and distinct, the target is one of them, and 1 to 20 other
  columns remain as features (in file order);
- every data row has as many values as the header, each value a plain finite decimal number
  (`3`, `-0.5`, `1e-3`; not `nan`, `inf`, `1_000` or an empty cell), and there are at most
  10,000 data rows.

The target decides the task. If every target value is written as an integer (no decimal point,
no exponent) and there are at most 10 distinct values, the target holds class labels and the
task is classification; the labels must then be 0 .. C-1 with C >= 2. Otherwise the task is
regression. So a numeric target with few integer values (counts, ratings) becomes regression
once it is written with a decimal point: `3.0` instead of `3`.
"""

import csv
import io
import itertools
import math
import re
from collections.abc import Iterator

import numpy as np

from app.engine.datasets import Dataset
from app.engine.errors import EngineError
from app.engine.types import Array

MAX_ROWS = 10_000
MAX_FEATURES = 20
MAX_CLASSES = 10
SHOWN = 24  # characters of a bad value quoted back in a message

_PLAIN = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = re.compile(_PLAIN)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


class DataError(EngineError):
    """A file the engine refuses: `key` names its `csv.*` message in the catalogues.

    A ValueError (through EngineError, so the web edge renders it like any engine error);
    `str(err)` is the English sentence, `err.render("zh")` the Chinese one.
    """


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, values) of every non-blank CSV record."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError("csv.malformed", line=reader.line_num, reason=str(exc)) from None
        start, end = end + 1, reader.line_num
        if len(row) > 1 or (row and row[0].strip()):
            yield start, row


def _shown(value: str) -> str:
    """A value as quoted back to the student: at most SHOWN characters."""
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"


def _number(value: str, line: int, column: str) -> float:
    """The finite number a cell holds, or DataError naming the line and column."""
    cell = value.strip()
    if not cell:
        raise DataError("csv.missing_value", line=line, column=column)
    if _NON_FINITE.fullmatch(cell):
        raise DataError("csv.not_finite", line=line, column=column, value=_shown(cell))
    if not _NUMBER.fullmatch(cell):
        raise DataError("csv.not_a_number", line=line, column=column, value=_shown(cell))
    number = float(cell)
    if not math.isfinite(number):  # e.g. 1e999
        raise DataError("csv.not_finite", line=line, column=column, value=_shown(cell))
    return number


def _header(line: int, row: list[str], target: str) -> tuple[list[str], int]:
    """The column names and the target's position, after checking them."""
    names = [name.strip() for name in row]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            raise DataError("csv.header_blank", line=line, position=position)
        if name in seen:
            raise DataError("csv.header_duplicate", line=line, column=name)
        seen.add(name)
    if target.strip() not in seen:
        columns = ", ".join(f'"{name}"' for name in names)
        raise DataError("csv.target_missing", target=target.strip(), columns=columns)
    features = len(names) - 1
    if features < 1:
        raise DataError("csv.no_features", line=line, target=target.strip())
    if features > MAX_FEATURES:
        raise DataError("csv.too_many_features", line=line, count=features, limit=MAX_FEATURES)
    return names, names.index(target.strip())


def parse_csv(text: str, target: str) -> Dataset:
    """The data set in CSV `text`, with the column named `target` as y (see the module rules)."""
    rows = _rows(text)
    first = next(rows, None)
    if first is None:
        raise DataError("csv.empty")
    names, t = _header(*first, target)
    body = list(itertools.islice(rows, MAX_ROWS + 1))
    records, extra = body[:MAX_ROWS], body[MAX_ROWS:]
    if not records:
        raise DataError("csv.no_rows")
    table = _table(records, names)
    if extra:
        raise DataError("csv.too_many_rows", line=extra[0][0], limit=MAX_ROWS)
    X = np.delete(table, t, axis=1)
    features = tuple(name for k, name in enumerate(names) if k != t)
    y = table[:, t]
    lines = [line for line, _ in records]
    if _is_labels([row[t].strip() for _, row in records], y):
        classes = _check_labels(y, lines, names[t])
        return Dataset(X, y.astype(np.int64), "classification", classes, features, names[t])
    return Dataset(X, y, "regression", 0, features, names[t])


def _table(records: list[tuple[int, list[str]]], names: list[str]) -> Array:
    """Every value as a float, (rows, columns), or DataError at the first bad cell in the file."""
    fast = _fast_table(records, names)
    if fast is not None:
        return fast
    table = np.empty((len(records), len(names)))
    for r, (line, row) in enumerate(records):
        if len(row) != len(names):
            raise DataError("csv.ragged", line=line, found=len(row), expected=len(names))
        table[r] = [_number(value, line, name) for value, name in zip(row, names, strict=True)]
    return table


def _fast_table(records: list[tuple[int, list[str]]], names: list[str]) -> Array | None:
    """The table from one conversion of every cell, or None to look cell by cell.

    NumPy reads text as Python's float() does. On ASCII text without underscores, float()
    takes a number around ASCII whitespace, which `_number` takes too, or nan and inf, which
    are refused here; so this accepts a subset of what `_number` accepts, with the same values
    (10,000 rows x 21 columns: about 40 ms, a tenth of a regular expression per column).
    """
    if any(len(row) != len(names) for _, row in records):
        return None
    cells = [cell for _, row in records for cell in row]
    text = "".join(cells)
    if not text.isascii() or "_" in text:  # float() also reads other digits, and 1_000
        return None
    try:
        table: Array = np.array(cells, dtype=np.float64).reshape(len(records), len(names))
    except ValueError:
        return None
    return table if np.all(np.isfinite(table)) else None


def _is_labels(tokens: list[str], y: Array) -> bool:
    """Integers written without a point or exponent, with at most MAX_CLASSES distinct values.

    The tokens are numbers already (`_table` checked them), so an integer is one with no
    `.`, `e` or `E` in it.
    """
    written = "".join(tokens)
    return not any(mark in written for mark in ".eE") and np.unique(y).size <= MAX_CLASSES


def _check_labels(y: Array, lines: list[int], column: str) -> int:
    """C, after checking that the labels are exactly 0 .. C-1 with C >= 2."""
    classes = int(np.unique(y).size)
    if classes == 1:
        raise DataError("csv.one_class", column=column, value=int(y[0]))
    outside = np.flatnonzero((y < 0) | (y >= classes))
    if outside.size:
        k = int(outside[0])
        raise DataError(
            "csv.label_range",
            line=lines[k],
            column=column,
            value=int(y[k]),
            top=classes - 1,
            classes=classes,
        )
    return classes
