"""The descent view in a real browser: starts, runs, race mode, errors, offline assets."""

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, screenshot


def open_view(page: Page, server_url: str) -> None:
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=descent]")


def set_range(page: Page, selector: str, value: float) -> None:
    page.eval_on_selector(
        selector,
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }",
        value,
    )


def trace_points(page: Page, index: int) -> list[list[float]]:
    xy: list[list[float]] = page.evaluate(
        """i => { const t = document.getElementById('plot-contour').data[i];
                  return t.x.map((x, k) => [x, t.y[k]]); }""",
        index,
    )
    return xy


def wait_for_outcomes(page: Page, count: int) -> list[str]:
    page.wait_for_function(
        """n => { const items = [...document.querySelectorAll('#outcomes li')];
                  return items.length === n
                    && items.every(li => /^status-/.test(li.className)); }""",
        arg=count,
        timeout=60_000,
    )
    texts: list[str] = page.eval_on_selector_all(
        "#outcomes li", "els => els.map(e => e.textContent)"
    )
    return texts


def test_click_start_and_run_draws_the_trajectory(
    page: Page, server_url: str, console: Console
) -> None:
    open_view(page, server_url)
    page.select_option("#surface", "rosenbrock")
    page.wait_for_function("() => document.getElementById('formula').textContent.includes('100')")
    page.select_option("#optimizer", "adam")
    set_range(page, "#lr", -1.7)  # lr = 0.02
    box = page.locator("#plot-contour .nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.25)
    page.wait_for_function("() => document.getElementById('plot-contour').data[1].x.length === 1")
    start = trace_points(page, 1)[0]
    assert -2 <= start[0] <= 0  # upper left of Rosenbrock's domain
    assert 1 <= start[1] <= 3
    page.fill("#steps", "150")
    set_range(page, "#speed", 3)
    page.click("#run")
    texts = wait_for_outcomes(page, 1)
    assert "steps" in texts[0]
    path = trace_points(page, 2)
    assert len(path) == 151  # start plus one point per step, every step recorded
    assert path[0] == pytest.approx(start)
    arrows = page.evaluate(
        "() => document.getElementById('plot-contour').layout.annotations.length"
    )
    assert arrows == 1
    screenshot(page, "descent-rosenbrock")
    assert console.errors == []


def test_race_on_the_bowl_follows_the_closed_form(
    page: Page, server_url: str, console: Console
) -> None:
    open_view(page, server_url)
    page.select_option("#surface", "bowl")
    page.wait_for_function("() => document.getElementById('formula').textContent.includes('x')")
    page.fill("#g-count", "3")
    page.click("#gaussian")
    page.wait_for_function("() => document.getElementById('plot-contour').data[1].x.length === 3")
    starts = trace_points(page, 1)
    page.check("#race")
    page.eval_on_selector_all(
        "#race-list input",
        "els => els.forEach(el => { el.checked = ['sgd', 'adam'].includes(el.value); })",
    )
    set_range(page, "#lr", -1)  # lr = 0.1
    page.fill("#steps", "40")
    set_range(page, "#speed", 3)
    page.click("#run")
    texts = wait_for_outcomes(page, 6)
    assert sum(t.startswith("SGD") for t in texts) == 3
    assert sum(t.startswith("Adam") for t in texts) == 3
    for j, (x0, y0) in enumerate(starts):  # SGD on x² + y²: w_n = (1 - 2 lr)^n w_0
        path = trace_points(page, 2 + j)
        for n, (x, y) in enumerate(path):
            assert (x, y) == pytest.approx((x0 * 0.8**n, y0 * 0.8**n), rel=1e-9, abs=1e-12)
    screenshot(page, "descent-race-bowl")
    assert console.errors == []


def test_bad_input_is_said_in_words(page: Page, server_url: str, console: Console) -> None:
    open_view(page, server_url)
    page.fill("#steps", "0")
    page.click("#run")
    page.wait_for_selector("#toast:not([hidden])")
    assert "steps" in page.inner_text("#toast")
    assert "greater than or equal to 1" in page.inner_text("#toast")
    assert [e for e in console.errors if "422" not in e] == []


def test_page_needs_no_other_host_and_sends_a_strict_csp(
    page: Page, server_url: str, console: Console
) -> None:
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(httpx.URL(r.url).host))
    open_view(page, server_url)
    assert hosts == {"127.0.0.1"}
    csp = httpx.get(server_url + "/").headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert console.errors == []


def test_api_docs_render_offline(page: Page, server_url: str, console: Console) -> None:
    page.goto(server_url + "/docs")
    page.wait_for_selector("[data-path='/api/v1/runs/stream']")
    assert console.errors == []


def test_switching_surfaces_keeps_one_click_one_start(
    page: Page, server_url: str, console: Console
) -> None:
    open_view(page, server_url)
    titles = {s["name"]: s["title"] for s in httpx.get(server_url + "/api/v1/surfaces").json()}
    for name in ("bowl", "ravine", "booth"):
        page.select_option("#surface", name)
        page.wait_for_function(
            "t => document.getElementById('plot-surface').layout.title.text === t",
            arg=titles[name],
        )
    box = page.locator("#plot-contour .nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.getElementById('plot-contour').data[1].x.length > 0")
    page.wait_for_timeout(300)
    assert len(trace_points(page, 1)) == 1
    assert console.errors == []


def test_step_pause_and_finish(page: Page, server_url: str, console: Console) -> None:
    open_view(page, server_url)
    page.select_option("#surface", "bowl")
    page.wait_for_function("() => document.getElementById('formula').textContent.includes('x²')")
    page.fill("#steps", "30")
    page.click("#step")  # no run yet: starts one, paused at step 0
    page.wait_for_function("() => document.getElementById('plot-contour').data.length === 3")
    page.wait_for_function("() => document.getElementById('plot-contour').data[2].x.length === 1")
    assert "paused" in page.inner_text("#progress")
    assert page.inner_text("#pause") == "Resume"
    page.wait_for_function(
        "() => /streaming/.test(document.getElementById('progress').textContent) === false"
    )
    page.click("#step")
    page.wait_for_function("() => document.getElementById('plot-contour').data[2].x.length === 2")
    x0, y0 = trace_points(page, 2)[0]
    x1, y1 = trace_points(page, 2)[1]  # SGD, lr 0.01, on x² + y²: one step scales by 0.98
    assert (x1, y1) == pytest.approx((0.98 * x0, 0.98 * y0), rel=1e-12)
    set_range(page, "#speed", 3)
    page.click("#pause")  # resume
    page.wait_for_function("() => /finished/.test(document.getElementById('progress').textContent)")
    assert page.is_disabled("#pause")
    assert len(trace_points(page, 2)) == 31
    assert console.errors == []


def test_keys_step_and_pause(page: Page, server_url: str, console: Console) -> None:
    open_view(page, server_url)
    page.select_option("#surface", "bowl")
    page.wait_for_function("() => document.getElementById('formula').textContent.includes('x²')")
    page.fill("#steps", "20")
    page.locator("h2").first.click()  # focus leaves the form fields
    page.keyboard.press("ArrowRight")  # starts a paused run at step 0
    page.wait_for_function("() => document.getElementById('plot-contour').data.length === 3")
    page.wait_for_function(
        "() => !/streaming/.test(document.getElementById('progress').textContent)"
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('plot-contour').data[2].x.length === 2")
    set_range(page, "#speed", 3)
    page.locator("h2").first.click()
    page.keyboard.press(" ")
    page.wait_for_function("() => /finished/.test(document.getElementById('progress').textContent)")
    assert len(trace_points(page, 2)) == 21
    assert console.errors == []
