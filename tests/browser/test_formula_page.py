"""A function of one's own in the descent view: checked as it is typed (errors with their
column), plotted from the server's grid, run like any surface, and kept in the URL."""

import math
import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, PageFactory, screenshot
from tests.browser.helpers import (
    DESCENT,
    formula_error,
    hash_params,
    open_descent,
    role,
    set_range,
    wait_finished,
    wait_for_expression,
    wait_for_outcomes,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


def no_errors_but_422(console: Console) -> list[str]:
    """Console errors other than the 422s a formula with a typo is answered with."""
    return [e for e in console.errors if "422" not in e]


def test_a_typo_shows_its_column_and_a_valid_formula_redraws_the_surface(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url)
    page.select_option(role("surface"), "expression")
    wait_for_expression(page, "x^2 + 3*sin(y)")  # the box opens with an example, plotted
    assert page.is_visible(role("expr"))

    page.fill(role("expr"), "x +")
    error = formula_error(page)
    assert error["column"] == 4  # the formula ends where an operand should be
    assert error["caret"].split("\n")[1] == "   ^"  # the caret sits under column 4
    assert "column 4" in error["message"]
    assert page.get_attribute(role("expr"), "aria-invalid") == "true"
    assert page.is_disabled(role("run"))  # nothing to run until the formula is right

    page.fill(role("expr"), "sin(x))")
    page.wait_for_function(
        "sel => document.querySelector(sel).dataset.column === '7'", arg=role("expr-error")
    )
    error = formula_error(page)
    assert error["marked"] == ")"  # the offending character, marked
    assert error["caret"].split("\n") == ["sin(x))", "      ^"]
    screenshot(page, "formula-typo")

    # A "(" never closed: the mark goes under that "(", the column its sentence names.
    page.fill(role("expr"), "x * sin(y + 1")
    page.wait_for_function(
        "sel => document.querySelector(sel).dataset.column === '8'", arg=role("expr-error")
    )
    error = formula_error(page)
    assert error["marked"] == "("
    assert error["caret"].split("\n") == ["x * sin(y + 1", "       ^"]
    assert "column 8" in error["message"]

    # A valid formula redraws both plots from the server's grid.
    formula = "sin(x)*cos(y) + 0.1*(x^2+y^2)"
    page.fill(role("expr"), formula)
    wait_for_expression(page, formula)
    assert page.is_hidden(role("expr-error"))
    assert page.get_attribute(role("expr"), "aria-invalid") == "false"
    assert page.is_enabled(role("run"))
    plotted = page.evaluate(
        f"""() => {{ const c = document.querySelector('{role("plot-contour")}').data[0];
                     const s = document.querySelector('{role("plot-surface")}');
                     return {{ x: Array.from(c.x), y: Array.from(c.y),
                               z: c.z.map(r => Array.from(r)),
                               surface: s.data[0].z.map(r => Array.from(r)),
                               zTitle: s.layout.scene.zaxis.title.text }}; }}"""
    )
    assert plotted["zTitle"] == "f"  # plotted as it is, not on a log scale
    x, y, z = plotted["x"], plotted["y"], plotted["z"]
    assert (x[0], x[-1], y[0], y[-1]) == pytest.approx((-3, 3, -3, 3))
    for i, j in [(17, 90), (100, 5), (64, 64)]:  # z[j][i] is f at (x[i], y[j])
        expected = math.sin(x[i]) * math.cos(y[j]) + 0.1 * (x[i] ** 2 + y[j] ** 2)
        assert z[j][i] == pytest.approx(expected, rel=1e-5, abs=1e-6)
        assert plotted["surface"][j][i] == z[j][i]
    assert hash_params(page)["expr"] == formula  # a link reopens the formula
    assert "surface" not in hash_params(page)
    lesson = page.inner_text(role("lesson"))
    assert "minima found numerically" in lesson
    assert no_errors_but_422(console) == []


def test_a_run_on_a_typed_formula_streams_and_tells_how_it_ended(
    page: Page, server_url: str, console: Console
) -> None:
    link = "#descent?expr=(1-x)%5E2%2B100*(y-x%5E2)%5E2&opt=adam&lr=0.02&starts=-1,1.5&steps=300"
    open_descent(page, server_url, link)
    wait_for_expression(page, "(1-x)^2+100*(y-x^2)^2")
    assert page.input_value(role("surface")) == "expression"
    assert page.input_value(role("expr")) == "(1-x)^2+100*(y-x^2)^2"
    z_title = page.evaluate(
        f"() => document.querySelector('{role('plot-surface')}').layout.scene.zaxis.title.text"
    )
    assert z_title == "log₁₀(1 + f − min)"  # its values span decades, as Rosenbrock's do
    set_range(page, role("speed"), 3)
    page.click(role("run"))
    [text] = wait_for_outcomes(page, 1)
    wait_finished(page)
    assert text.startswith("start 1 (-1, 1.5): ")
    assert re.search(r"(converged|stopped|diverged)", text), text
    loss = page.evaluate(
        f"""() => document.querySelector('{role("plot-loss")}').data
                   .filter(t => t.meta === 'gdviz:trajectory').map(t => t.x.length)"""
    )
    assert loss
    assert loss[0] > 100
    screenshot(page, "formula-run")
    assert console.errors == []


def test_other_numbers_of_variables_are_explained(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    page = new_page()
    open_descent(page, server_url)
    page.select_option(role("surface"), "expression")
    wait_for_expression(page, "x^2 + 3*sin(y)")
    page.fill(role("expr"), "x^2 + y^2 + z^2")
    page.wait_for_selector(f"{role('expr-note')}:not([hidden])")
    note = page.inner_text(role("expr-note"))
    assert "3 variables (x, y and z)" in note
    assert "API" in note
    assert page.is_disabled(role("run"))
    page.fill(role("expr"), "x^2 - 1")
    page.wait_for_function(
        "sel => /only 1 variable/.test(document.querySelector(sel).textContent)",
        arg=role("expr-note"),
    )

    page.click("[data-lang=zh]")  # the note and the errors follow the language
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    page.wait_for_function(
        "sel => /只有 1 个变量/.test(document.querySelector(sel).textContent)",
        arg=role("expr-note"),
    )
    page.fill(role("expr"), "x * (y")
    error = formula_error(page)
    page.wait_for_function(
        "sel => /[\\u4e00-\\u9fff]/.test(document.querySelector(sel).textContent)",
        arg=role("expr-error") + " .expr-message",
    )
    assert error["column"] is not None
    page.click(f"{DESCENT} [data-expr='max(x, y)^2 + 0.1*(x+y)^2']")
    wait_for_expression(page, "max(x, y)^2 + 0.1*(x+y)^2")
    assert HAN.search(page.inner_text(role("lesson")))
    assert page.is_hidden(role("expr-note"))
    screenshot(page, "formula-zh")
    assert no_errors_but_422(console) == []
