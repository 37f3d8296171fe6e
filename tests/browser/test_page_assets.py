"""The load benchmark's model of a page load is what Chromium really fetches."""

from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page

from bench.page_assets import discover
from tests.browser.conftest import Console


def test_the_load_benchmark_fetches_what_a_browser_fetches(
    page: Page, server_url: str, console: Console
) -> None:
    fetched: set[str] = set()
    page.on("requestfinished", lambda r: fetched.add(urlsplit(r.url).path))
    page.goto(server_url + "/#descent")
    page.wait_for_selector("body[data-ready=descent]", state="attached")
    page.wait_for_function("() => performance.getEntriesByName('gdviz:first-plot').length > 0")
    page.wait_for_load_state("networkidle")
    waves = discover(lambda path: httpx.get(server_url + path).text)
    modelled = {"/", *(path for wave in waves for path in wave)}
    grid = {p for p in fetched if p.endswith("/grid")}
    assert grid == {"/api/v1/surfaces/himmelblau/grid"}  # the benchmark asks for it separately
    assert fetched - grid == modelled
    first = set(waves[0])  # what the HTML names: the shell, its styles and Plotly.js
    assert {"/static/js/app.js", "/static/css/app.css"} <= first
    assert any(p.startswith("/vendor/plotly-") for p in first)
    assert console.errors == []
