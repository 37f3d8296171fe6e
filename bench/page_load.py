"""Milliseconds from navigation to the first plot, in headless Chromium.

    python -m bench.page_load [--runs 5]

Starts a uvicorn server, opens the page in a fresh browser context (cold cache) and then again
(warm cache: Plotly.js comes from the HTTP cache), and reads the `gdviz:first-plot` mark the page
sets once the contour map is drawn. The baseline in the same run is a bare page that loads
Plotly.js alone and draws nothing: the floor any page built on Plotly.js pays.
"""

import argparse
import statistics

from playwright.sync_api import Browser, sync_playwright

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.conftest import start_server


def first_plot_ms(browser: Browser, url: str, warm: bool) -> float:
    """Time to the first plot of the descent view, cold or warm cache."""
    context = browser.new_context()
    page = context.new_page()
    if warm:
        page.goto(url)
        page.wait_for_selector("body[data-ready=descent]")
    page.goto(url)
    page.wait_for_function("() => performance.getEntriesByName('gdviz:first-plot').length > 0")
    ms: float = page.evaluate("() => performance.getEntriesByName('gdviz:first-plot')[0].startTime")
    context.close()
    return ms


def plotly_only_ms(browser: Browser, url: str) -> float:
    """Time for a page whose only work is loading and running Plotly.js (cold cache)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/healthz")
    version = page.evaluate("() => fetch('/').then(r => r.text())")
    version = version.split("/vendor/plotly-")[1].split(".min.js")[0]
    page.set_content(f"<script src='{url}/vendor/plotly-{version}.min.js'></script>")
    page.wait_for_function("() => typeof window.Plotly === 'object'")
    ms: float = page.evaluate("() => performance.now()")
    context.close()
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    proc, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            base = statistics.median(plotly_only_ms(browser, url) for _ in range(args.runs))
            cold = statistics.median(first_plot_ms(browser, url, False) for _ in range(args.runs))
            warm = statistics.median(first_plot_ms(browser, url, True) for _ in range(args.runs))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"baseline: Plotly.js alone, cold cache: {base:,.0f} ms (median of {args.runs})")
    print(f"first plot, cold cache: {cold:,.0f} ms ({cold / base:.2f} x baseline)")
    print(f"first plot, warm cache: {warm:,.0f} ms ({warm / base:.2f} x baseline)")


if __name__ == "__main__":
    main()
