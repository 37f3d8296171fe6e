"""The Gradient check view in a real browser: the check itself, the sweep over h and the cost
of numerical gradients, for surfaces, the quadratic and typed formulas, in both languages."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, PageFactory, screenshot
from tests.browser.helpers import GRADCHECK, hash_params, open_gradcheck, role

ZH = json.loads(
    (Path(__file__).resolve().parents[2] / "app" / "i18n" / "zh.json").read_text(encoding="utf-8")
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def table(page: Page) -> list[dict[str, Any]]:
    """One row per parameter: its name, the cells' text and the verdicts shown."""
    rows: list[dict[str, Any]] = page.eval_on_selector_all(
        role("table", GRADCHECK) + " tbody tr",
        """rows => rows.map(r => ({ name: r.dataset.param,
               cells: [...r.querySelectorAll('td')].map(td => td.textContent),
               verdicts: [...r.querySelectorAll('[data-verdict]')]
                           .map(v => v.dataset.verdict) }))""",
    )
    return rows


def traces(page: Page, plot: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = page.evaluate(
        """sel => document.querySelector(sel).data.map(t => ({
               meta: t.meta ?? null, name: t.name, x: Array.from(t.x), y: Array.from(t.y) }))""",
        role(plot, GRADCHECK),
    )
    return data


def wait_checked(page: Page, after: str | None) -> None:
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel).dataset.checked !== n",
        arg=[GRADCHECK, after or ""],
        timeout=30_000,
    )


def test_the_check_the_sweep_and_the_cost(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    page = new_page()
    open_gradcheck(
        page, server_url, "#gradcheck?kind=surface&surface=rosenbrock&point=-1,1.5&h=1e-5"
    )
    # (a) the check. Rosenbrock's gradient at (-1, 1.5):
    # (-2(1 - x) - 400x(y - x²), 200(y - x²)) = (196, 100).
    rows = table(page)
    assert [r["name"] for r in rows] == ["x", "y"]
    assert [r["cells"][0] for r in rows] == ["196", "100"]
    assert all(r["verdicts"][1] == "fine" for r in rows)  # centred difference at h = 1e-5
    badge = page.locator(f"{role('table', GRADCHECK)} [data-verdict=fine]").first
    assert "fine" in badge.inner_text()
    assert "✓" in badge.inner_text()
    assert "evaluations" in page.inner_text(role("summary", GRADCHECK))

    # (b) the sweep: 25 step sizes from 1e-12 to 1, both methods, the best h starred.
    sweep = traces(page, "plot-sweep")
    lines = {t["meta"]: t for t in sweep}
    assert set(lines) == {"forward", "forward-best", "centred", "centred-best"}
    hs = lines["centred"]["x"]
    assert len(hs) == 25
    assert (hs[0], hs[-1]) == pytest.approx((1e-12, 1.0))
    [best] = lines["centred-best"]["x"]
    assert 1e-9 <= best <= 1e-3  # a smooth function: round-off left of it, truncation right
    errors = dict(zip(hs, lines["centred"]["y"], strict=True))
    assert errors[best] == min(errors.values())
    assert errors[best] < 1e-8 < errors[hs[0]]
    assert errors[best] < errors[1.0]
    layout = page.evaluate(
        f"() => document.querySelector('{role('plot-sweep', GRADCHECK)}').layout"
    )
    assert layout["xaxis"]["type"] == layout["yaxis"]["type"] == "log"
    words = [a["text"] for a in layout["annotations"]]
    assert any("round-off" in w for w in words)
    assert any("truncation" in w for w in words)

    # (c) the cost, measured live: numerical against analytic up to n = 10,000.
    cost = {t["meta"]: t for t in traces(page, "plot-cost")}
    assert cost["numerical"]["x"][-1] == 10_000
    assert cost["numerical"]["y"][-1] > cost["analytic"]["y"][-1]
    last = page.eval_on_selector_all(
        role("cost", GRADCHECK) + " tbody tr:last-child td", "tds => tds.map(td => td.textContent)"
    )
    assert last[:3] == ["10,000", "20,000", "1"]  # 2n evaluations against one backward pass
    assert "slow but simple" in page.inner_text(GRADCHECK)
    assert "fast but error-prone" in page.inner_text(GRADCHECK)
    screenshot(page, "gradcheck-rosenbrock")

    # Both languages: the page's words and the verdicts follow the switch.
    page.click("[data-lang=zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    page.wait_for_function(
        "([sel, word]) => document.querySelector(sel).textContent.includes(word)",
        arg=[role("table", GRADCHECK), ZH["page.gc.verdict_fine"]],
    )
    assert "慢但简单" in page.inner_text(GRADCHECK)
    assert "快但容易出错" in page.inner_text(GRADCHECK)
    assert page.inner_text(role("check", GRADCHECK)) == ZH["page.gc.check"]
    sweep_title = page.evaluate(
        f"() => document.querySelector('{role('plot-sweep', GRADCHECK)}').layout.title.text"
    )
    assert sweep_title == ZH["page.gc.sweep_title"]
    assert HAN.search(page.inner_text(role("cost-status", GRADCHECK)))
    screenshot(page, "gradcheck-zh")
    assert console.errors == []


def test_a_typed_formula_and_the_quadratic(page: Page, server_url: str, console: Console) -> None:
    open_gradcheck(page, server_url, "#gradcheck?kind=expression&expr=x%5E2*y%2Bsin(x*y)&point=1,2")
    rows = table(page)  # d/dx = 2xy + y cos(xy) = 4 + 2 cos 2, d/dy = x² + x cos(xy) = 1 + cos 2
    assert [r["name"] for r in rows] == ["x", "y"]
    assert float(rows[0]["cells"][0]) == pytest.approx(4 + 2 * -0.4161468365471424, rel=1e-9)
    assert float(rows[1]["cells"][0]) == pytest.approx(1 - 0.4161468365471424, rel=1e-9)
    assert all(r["verdicts"][1] == "fine" for r in rows)  # centred, at h = 1e-5

    # A kink: at x = 1e-7 the centred difference with h = 1e-5 straddles relu's kink (the
    # forward one does not), and the check says so in words and in colour.
    checked = page.get_attribute(GRADCHECK, "data-checked")
    page.fill(role("expr", GRADCHECK), "relu(x) + y")
    wait_checked(page, checked)
    checked = page.get_attribute(GRADCHECK, "data-checked")
    page.fill(role("point", GRADCHECK), "1e-7, 0")
    page.press(role("point", GRADCHECK), "Enter")
    wait_checked(page, checked)
    [x, y] = table(page)
    assert x["verdicts"] == ["fine", "wrong"]
    assert y["verdicts"] == ["fine", "fine"]
    colour = page.eval_on_selector(
        f"{role('table', GRADCHECK)} tbody tr [data-verdict=wrong]",
        "el => getComputedStyle(el).borderTopColor",
    )
    assert colour == "rgb(213, 94, 0)"  # Okabe-Ito vermillion
    assert hash_params(page)["point"] == "1e-7,0"

    checked = page.get_attribute(GRADCHECK, "data-checked")
    page.select_option(role("kind", GRADCHECK), "quadratic")
    wait_checked(page, checked)
    assert len(table(page)) == 10  # P = 10 parameters by default
    assert hash_params(page)["kind"] == "quadratic"
    assert [e for e in console.errors if "422" not in e] == []
