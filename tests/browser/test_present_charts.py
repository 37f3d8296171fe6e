"""Chart text in presentation mode, read from the SVG that Plotly draws: titles, axis titles,
tick labels and legends grow by the same factor while presenting, stay grown when a chart is
drawn again, and return to their sizes after."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console
from tests.browser.helpers import DESCENT, open_descent, role, set_range, wait_finished

SCALE = 1.5  # present-charts.js's factor
LINK = "#descent?surface=booth&opt=adam&lr=0.1&starts=1,1&steps=30"
PARTS = {  # Plotly's SVG classes for each kind of chart text
    "title": ".gtitle",
    "x axis title": ".xtitle",
    "y axis title": ".ytitle",
    "x tick": ".xtick text",
    "legend": ".legendtext",
}

SIZES = """([plot, parts]) => Object.fromEntries(Object.entries(parts).map(([name, sel]) => {
    const el = document.querySelector(`${plot} ${sel}`);
    return [name, el ? parseFloat(el.style.fontSize) : null];
}))"""


def sizes(page: Page, plot: str) -> dict[str, float]:
    """The font size in px of each part of a chart's drawn text (the contour map has no legend)."""
    parts = {k: v for k, v in PARTS.items() if plot == "plot-loss" or k != "legend"}
    found: dict[str, float | None] = page.evaluate(SIZES, [role(plot), parts])
    assert all(v is not None for v in found.values()), found
    return {k: v for k, v in found.items() if v is not None}


def wait_title(page: Page, plot: str, px: float) -> None:
    page.wait_for_function(
        "([sel, px]) => parseFloat(document.querySelector(sel).style.fontSize) === px",
        arg=[f"{role(plot)} .gtitle", px],
    )


def test_chart_text_grows_while_presenting_and_returns_after(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url, LINK)
    set_range(page, role("speed"), 3)
    page.click(role("run"))
    wait_finished(page)  # the loss chart has its legend now
    before = {plot: sizes(page, plot) for plot in ("plot-loss", "plot-contour")}
    assert before["plot-loss"]["title"] > before["plot-loss"]["x tick"]

    page.keyboard.press("p")
    page.wait_for_selector("html[data-present]", state="attached")
    for plot, normal in before.items():
        wait_title(page, plot, normal["title"] * SCALE)
        grown = sizes(page, plot)
        for part, px in normal.items():  # sizes Plotly derives from the base font it rounds
            assert grown[part] == pytest.approx(px * SCALE, abs=1), (plot, part)
        assert grown["title"] == normal["title"] * SCALE  # set by the view: scaled exactly

    # Drawn again while presenting (another surface: every chart gets a fresh layout).
    page.evaluate("() => { location.hash = location.hash.replace('booth', 'bowl') }")
    page.wait_for_selector(f"{DESCENT}[data-surface=bowl]", state="attached")
    wait_title(page, "plot-contour", before["plot-contour"]["title"] * SCALE)
    contour = sizes(page, "plot-contour")
    assert contour["x tick"] == before["plot-contour"]["x tick"] * SCALE

    page.keyboard.press("Escape")
    page.wait_for_selector("html:not([data-present])", state="attached")
    wait_title(page, "plot-contour", before["plot-contour"]["title"])
    assert sizes(page, "plot-contour") == before["plot-contour"]
    assert console.errors == []
