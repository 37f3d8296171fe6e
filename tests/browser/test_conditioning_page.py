"""The conditioning view in a real browser: the race on a quadratic, its charts, the best
settings and their reasons, and the contour map when P = 2."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, screenshot
from tests.browser.helpers import CONDITIONING, hash_params, role, wait_for_outcomes

COND = CONDITIONING


def open_conditioning(page: Page, server_url: str, hash_: str) -> None:
    page.goto(server_url + "/" + hash_)
    wait_drawn(page)


def wait_drawn(page: Page, after: int = 0) -> int:
    """Wait for a race drawn after generation `after`; returns the generation drawn."""
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel).dataset.drawn || 0) > n",
        arg=[COND, after],
        timeout=60_000,
    )
    drawn: int = page.evaluate("sel => Number(document.querySelector(sel).dataset.drawn)", COND)
    return drawn


def traces(page: Page, plot: str) -> list[dict[str, object]]:
    data: list[dict[str, object]] = page.evaluate(
        """sel => (document.querySelector(sel).data || []).map(t => ({
              type: t.type, name: t.name ?? null, x: t.x ? t.x.length : 0,
              rows: Array.isArray(t.z) ? t.z.length : 0 }))""",
        role(plot, COND),
    )
    return data


def test_p10_k100_race_draws_the_charts_and_the_best_step(
    page: Page, server_url: str, console: Console
) -> None:
    open_conditioning(page, server_url, "#conditioning?dim=10&k=100")
    assert page.is_hidden(role("planar", COND))  # no contour map for ten parameters
    loss = [t for t in traces(page, "plot-loss") if t["type"] == "scatter"]
    assert len(loss) == 3  # plain descent, heavy ball, Adam
    assert all(int(str(t["x"])) > 10 for t in loss)
    eigen = [t for t in traces(page, "plot-eigen") if t["type"] == "heatmap"]
    assert len(eigen) == 3
    assert all(t["rows"] == 10 for t in eigen)  # one row per eigen-direction
    assert len(traces(page, "plot-directions")) == 6  # stiffest and flattest, per racer
    texts = wait_for_outcomes(page, 3, COND)
    assert all(texts)
    rates = page.eval_on_selector_all(
        role("rates", COND) + " tbody tr", "rows => rows.map(r => r.textContent)"
    )
    assert len(rates) == 3
    assert "0.99" in rates[0]  # 1/λmax: the flattest direction shrinks by 1 − 1/κ per step

    drawn = int(page.get_attribute(COND, "data-drawn") or 0)
    page.click(role("best-lr", COND))
    assert float(page.input_value(role("gd-lr", COND))) == pytest.approx(2 / 101, rel=1e-5)
    why = page.inner_text(role("why", COND))
    assert "2/(λmin + λmax)" in why
    assert "0.9802" in why  # (κ − 1)/(κ + 1)
    drawn = wait_drawn(page, drawn)
    assert float(hash_params(page)["lr"]) == pytest.approx(2 / 101, rel=1e-5)
    rate = page.inner_text(role("rates", COND) + " tbody tr:first-child td:nth-child(4)")
    assert rate == "0.9802"  # theory at these settings is now the best rate

    page.click(role("best-momentum", COND))
    assert float(page.input_value(role("hb-beta", COND))) == pytest.approx((9 / 11) ** 2, rel=1e-5)
    assert float(page.input_value(role("hb-lr", COND))) == pytest.approx((2 / 11) ** 2, rel=1e-5)
    wait_drawn(page, drawn)
    measured = page.inner_text(role("rates", COND) + " tbody tr:nth-child(2) td:nth-child(3)")
    assert 0.75 < float(measured) < 0.9  # near (√κ − 1)/(√κ + 1) = 0.818
    screenshot(page, "conditioning-p10")
    assert console.errors == []


def test_p2_shows_the_contour_and_the_surface(
    page: Page, server_url: str, console: Console
) -> None:
    open_conditioning(page, server_url, "#conditioning?dim=2&k=10")
    assert page.is_visible(role("planar", COND))
    contour = traces(page, "plot-contour")
    assert contour[0]["type"] == "contour"
    assert [t["type"] for t in contour[1:]] == ["scatter"] * 3  # one path per racer
    assert traces(page, "plot-surface")[0]["type"] == "surface"
    assert len([t for t in traces(page, "plot-eigen") if t["rows"] == 2]) == 3
    screenshot(page, "conditioning-p2")
    assert console.errors == []


def test_changing_p_and_back(page: Page, server_url: str, console: Console) -> None:
    open_conditioning(page, server_url, "#conditioning?dim=2&k=10")
    drawn = int(page.get_attribute(COND, "data-drawn") or 0)
    page.fill(role("dim", COND), "30")
    page.press(role("dim", COND), "Enter")
    page.locator(f"{COND} h2").first.click()
    wait_drawn(page, drawn)
    assert hash_params(page)["dim"] == "30"
    assert page.is_hidden(role("planar", COND))
    assert all(t["rows"] == 30 for t in traces(page, "plot-eigen") if t["type"] == "heatmap")
    page.go_back()
    page.wait_for_function(
        "sel => document.querySelector(sel).value === '2'", arg=role("dim", COND)
    )
    wait_drawn(page, drawn)
    assert page.is_visible(role("planar", COND))
    assert console.errors == []
