"""The descent view in a real browser: starts, runs, race mode, errors, offline assets."""

import math
import re

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, screenshot
from tests.browser.helpers import (
    DESCENT,
    STARTS,
    TRAJECTORY,
    choose_surface,
    click_contour,
    count_tagged,
    hash_params,
    open_descent,
    role,
    set_range,
    starts,
    trajectories,
    wait_finished,
    wait_for_outcomes,
)


def test_click_start_and_run_draws_the_trajectory(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url)
    choose_surface(page, "rosenbrock")
    page.select_option(role("optimizer"), "adam")
    set_range(page, role("lr"), -1.7)  # lr = 0.02
    click_contour(page, 0.2, 0.25)
    page.wait_for_function(f"() => {count_tagged(page, STARTS)} === 1")
    page.wait_for_function(
        f"""() => document.querySelector('{role("plot-contour")}').data
                   .find(t => t.meta === '{STARTS}').x.length === 1"""
    )
    start = starts(page)[0]
    assert -2 <= start[0] <= 0  # upper left of Rosenbrock's domain
    assert 1 <= start[1] <= 3
    page.fill(role("steps"), "150")
    set_range(page, role("speed"), 3)
    page.click(role("run"))
    texts = wait_for_outcomes(page, 1)
    assert "steps" in texts[0]
    wait_finished(page)
    [path] = trajectories(page)
    assert len(path) == 151  # start plus one point per step, every step recorded
    assert path[0] == pytest.approx(start)
    arrows = page.evaluate(
        f"() => document.querySelector('{role('plot-contour')}').layout.annotations.length"
    )
    assert arrows == 1
    screenshot(page, "descent-rosenbrock")
    assert console.errors == []


def test_race_on_the_bowl_follows_the_closed_form(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url)
    choose_surface(page, "bowl")
    page.fill(role("g-count"), "3")
    page.click(role("gaussian"))
    page.wait_for_function(
        f"""() => document.querySelector('{role("plot-contour")}').data
                   .find(t => t.meta === '{STARTS}').x.length === 3"""
    )
    points = starts(page)
    page.check(role("race"))
    page.eval_on_selector_all(
        role("race-list") + " input",
        "els => els.forEach(el => { el.checked = ['sgd', 'adam'].includes(el.value); })",
    )
    set_range(page, role("lr"), -1)  # lr = 0.1
    page.fill(role("steps"), "40")
    set_range(page, role("speed"), 3)
    page.click(role("run"))
    texts = wait_for_outcomes(page, 6)
    assert sum(t.startswith("SGD") for t in texts) == 3
    assert sum(t.startswith("Adam") for t in texts) == 3
    wait_finished(page)
    paths = trajectories(page)
    for (x0, y0), path in zip(points, paths[:3], strict=True):  # SGD on x² + y²
        for n, (x, y) in enumerate(path):  # w_n = (1 - 2 lr)^n w_0
            assert (x, y) == pytest.approx((x0 * 0.8**n, y0 * 0.8**n), rel=1e-9, abs=1e-12)
    screenshot(page, "descent-race-bowl")
    assert console.errors == []


def test_bad_input_is_said_in_words(page: Page, server_url: str, console: Console) -> None:
    open_descent(page, server_url)
    page.fill(role("steps"), "0")
    page.click(role("run"))
    page.wait_for_selector("#toast:not([hidden])")
    assert "steps" in page.inner_text("#toast")
    assert "greater than or equal to 1" in page.inner_text("#toast")
    assert [e for e in console.errors if "422" not in e] == []


def test_page_needs_no_other_host_and_sends_a_strict_csp(
    page: Page, server_url: str, console: Console
) -> None:
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(httpx.URL(r.url).host))
    open_descent(page, server_url)
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
    open_descent(page, server_url)
    for name in ("bowl", "ravine", "booth"):
        choose_surface(page, name)
    click_contour(page, 0.5, 0.5)
    page.wait_for_function(
        f"""() => document.querySelector('{role("plot-contour")}').data
                   .find(t => t.meta === '{STARTS}').x.length > 0"""
    )
    page.wait_for_timeout(300)
    assert len(starts(page)) == 1
    assert console.errors == []


def contour_points(page: Page, n: int) -> str:
    """A JS condition: the first trajectory on the contour map has `n` points."""
    return f"""() => {{ const t = (document.querySelector('{role("plot-contour")}').data || [])
                         .filter(t => t.meta === '{TRAJECTORY}')[0];
                       return t !== undefined && t.x.length === {n}; }}"""


def test_step_pause_and_finish(page: Page, server_url: str, console: Console) -> None:
    open_descent(page, server_url, "#descent?surface=bowl")
    page.fill(role("steps"), "30")
    page.click(role("step"))  # no run yet: starts one, paused at step 0
    page.wait_for_function(contour_points(page, 1))
    assert "paused" in page.inner_text(role("progress"))
    assert page.inner_text(role("pause")) == "Resume"
    page.wait_for_function(
        f"() => !/streaming/.test(document.querySelector('{role('progress')}').textContent)"
    )
    page.click(role("step"))
    page.wait_for_function(contour_points(page, 2))
    (x0, y0), (x1, y1) = trajectories(page)[0][:2]  # SGD, lr 0.01, on x² + y²: scales by 0.98
    assert (x1, y1) == pytest.approx((0.98 * x0, 0.98 * y0), rel=1e-12)
    set_range(page, role("speed"), 3)
    page.click(role("pause"))  # resume
    wait_finished(page)
    assert "finished" in page.inner_text(role("progress"))
    assert page.is_disabled(role("pause"))
    assert len(trajectories(page)[0]) == 31
    assert console.errors == []


def test_keys_step_and_pause(page: Page, server_url: str, console: Console) -> None:
    open_descent(page, server_url, "#descent?surface=bowl")
    page.fill(role("steps"), "20")
    page.locator(f"{DESCENT} h2").first.click()  # focus leaves the form fields
    page.keyboard.press("ArrowRight")  # starts a paused run at step 0
    page.wait_for_function(contour_points(page, 1))
    page.wait_for_function(
        f"() => !/streaming/.test(document.querySelector('{role('progress')}').textContent)"
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function(contour_points(page, 2))
    set_range(page, role("speed"), 3)
    page.locator(f"{DESCENT} h2").first.click()
    page.keyboard.press(" ")
    wait_finished(page)
    assert len(trajectories(page)[0]) == 21
    assert console.errors == []


def test_progress_agrees_with_a_divergence_at_the_first_step(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url, "#descent?surface=rosenbrock&opt=sgd&lr=10")
    page.click(role("run"))
    [text] = wait_for_outcomes(page, 1)
    wait_finished(page)
    diverged = re.search(r"diverged at step (\d+)", text)
    assert diverged is not None, text
    n = diverged.group(1)
    assert page.inner_text(role("progress")).startswith(f"Step {n} of {n}")
    assert console.errors == []


def sent_lr(page: Page) -> float:
    """The learning rate of the run the page asks the server for when Run is clicked."""
    with page.expect_request(lambda r: r.url.endswith("/api/v1/runs/stream")) as info:
        page.click(role("run"))
    body = info.value.post_data_json
    assert isinstance(body, dict)
    lr: float = body["optimizer"]["lr"]
    return lr


def test_a_learning_rate_from_the_url_or_typed_is_kept_exactly(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url, "#descent?surface=booth&opt=sgd&lr=0.05&starts=1,1&steps=20")
    assert page.input_value(role("lr-value")) == "0.05"  # not 0.0501, the slider's nearest step
    assert float(page.input_value(role("lr"))) == pytest.approx(-1.3)  # the slider points near it
    page.fill(role("steps"), "30")
    page.dispatch_event(role("steps"), "change")  # another control saves the state
    page.wait_for_function("() => location.hash.includes('steps=30')")
    assert hash_params(page)["lr"] == "0.05"
    assert sent_lr(page) == 0.05

    page.fill(role("lr-value"), "0.037")  # typed: kept to the digit, the slider follows
    page.press(role("lr-value"), "Enter")
    page.wait_for_function("() => location.hash.includes('lr=0.037')")
    assert float(page.input_value(role("lr"))) == pytest.approx(math.log10(0.037), abs=0.005)
    assert sent_lr(page) == 0.037

    set_range(page, role("lr"), -1)  # dragged: the rate is where the slider points
    assert page.input_value(role("lr-value")) == "0.1"
    assert hash_params(page)["lr"] == "0.1"

    page.fill(role("lr-value"), "-2")  # no rate: the last one stays
    page.press(role("lr-value"), "Enter")
    assert page.input_value(role("lr-value")) == "0.1"
    page.fill(role("lr-value"), "50")  # beyond the slider's range: its end
    page.press(role("lr-value"), "Enter")
    assert page.input_value(role("lr-value")) == "10"

    page.reload()
    page.wait_for_selector(f"{DESCENT}[data-mounted][data-surface=booth]", state="attached")
    assert page.input_value(role("lr-value")) == "10"
    assert console.errors == []
