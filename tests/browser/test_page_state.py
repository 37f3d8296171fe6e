"""The shell in a real browser: state in the URL, Back, hidden views asleep, stale replies
dropped, failed views retried."""

import httpx
import pytest
from playwright.sync_api import Page, Route

from tests.browser.conftest import Console
from tests.browser.helpers import (
    CONDITIONING,
    COUNT_PLAYBACK_FRAMES,
    DESCENT,
    STARTS,
    TRAJECTORY,
    choose_surface,
    click_contour,
    count_tagged,
    hash_params,
    open_descent,
    playback_frames,
    role,
    set_range,
    starts,
    trajectories,
    wait_finished,
    wait_for_surface,
)


def test_reload_restores_surface_optimizer_lr_and_starts(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url)
    choose_surface(page, "rosenbrock")
    page.select_option(role("optimizer"), "adam")
    set_range(page, role("lr"), -1.7)  # lr = 0.02
    click_contour(page, 0.2, 0.25)
    click_contour(page, 0.7, 0.6)
    page.wait_for_function("() => new URLSearchParams(location.hash.split('?')[1]).has('starts')")
    page.wait_for_function("() => location.hash.split(';').length === 2")
    before = starts(page)
    params = hash_params(page)
    assert params["surface"] == "rosenbrock"
    assert params["opt"] == "adam"
    assert float(params["lr"]) == pytest.approx(0.02)
    assert page.url.split("#")[1].startswith("descent?")

    page.reload()
    wait_for_surface(page, "rosenbrock")
    page.wait_for_function(
        f"""() => (document.querySelector('{role("plot-contour")}').data || [])
                   .some(t => t.meta === '{STARTS}' && t.x.length === 2)"""
    )
    assert page.input_value(role("surface")) == "rosenbrock"
    assert page.input_value(role("optimizer")) == "adam"
    assert page.input_value(role("lr-value")) == "0.02"
    assert starts(page) == before
    assert console.errors == []


def test_a_shared_link_opens_the_same_state_and_back_returns(
    page: Page, server_url: str, console: Console
) -> None:
    link = "#descent?surface=booth&opt=sgd&lr=0.05&momentum=0.9&starts=-1.5,2;1.5,-0.5&steps=60"
    open_descent(page, server_url, link)
    wait_for_surface(page, "booth")
    assert page.input_value(role("optimizer")) == "sgd"
    assert page.input_value(f"{role('hyper')} [data-hyper=momentum]") == "0.9"
    assert page.input_value(role("steps")) == "60"
    assert starts(page) == [[-1.5, 2.0], [1.5, -0.5]]

    choose_surface(page, "bowl")
    choose_surface(page, "matyas")
    page.go_back()
    wait_for_surface(page, "bowl")
    assert page.input_value(role("surface")) == "bowl"
    assert hash_params(page)["surface"] == "bowl"
    page.go_back()
    wait_for_surface(page, "booth")
    assert starts(page) == [[-1.5, 2.0], [1.5, -0.5]]  # the starts come back with the surface
    assert console.errors == []


def test_quick_surface_switch_shows_only_the_last_surface(
    page: Page, server_url: str, console: Console
) -> None:
    # Himmelblau's grid is held back, so it arrives after Rosenbrock's, as on a slow network.
    page.add_init_script(
        """(() => { const fetch0 = window.fetch;
             window.fetch = (url, options) => String(url).includes('/surfaces/himmelblau/grid')
               ? new Promise(r => setTimeout(r, 1500)).then(() => fetch0(url, options))
               : fetch0(url, options); })();"""
    )
    open_descent(page, server_url, "#descent?surface=bowl")
    page.fill(role("steps"), "50")
    set_range(page, role("speed"), 3)
    page.click(role("run"))  # a run on the bowl is streaming when the surface changes
    page.select_option(role("surface"), "himmelblau")
    page.select_option(role("surface"), "rosenbrock")
    page.click(role("run"))
    wait_for_surface(page, "rosenbrock")
    wait_finished(page)
    page.wait_for_timeout(2000)  # Himmelblau's grid has come and must have been ignored

    grid = httpx.get(server_url + "/api/v1/surfaces/rosenbrock/grid?resolution=128").json()
    plotted = page.evaluate(
        f"""() => {{ const c = document.querySelector('{role("plot-contour")}');
                    const t = c.data[0];
                    return {{ uirevision: c.layout.uirevision, x0: t.x[0], x1: t.x.at(-1),
                              y1: t.y.at(-1), rows: t.z.length,
                              title: document.querySelector('{role("plot-surface")}')
                                       .layout.title.text }}; }}"""
    )
    assert plotted["uirevision"] == "rosenbrock"
    assert plotted["title"] == "Rosenbrock"
    assert plotted["rows"] == 128
    rosenbrock = next(
        s for s in httpx.get(server_url + "/api/v1/surfaces").json() if s["name"] == "rosenbrock"
    )
    (x0, x1), (y0, y1) = rosenbrock["domain"]
    assert (plotted["x0"], plotted["x1"], plotted["y1"]) == pytest.approx((x0, x1, y1))
    assert grid["zmax"] > 1000  # Rosenbrock's walls, far above Himmelblau's

    paths = trajectories(page)
    assert len(paths) == 1  # one run, on Rosenbrock; nothing left of the bowl's
    default = [x0 + 0.15 * (x1 - x0), y1 - 0.15 * (y1 - y0)]
    assert paths[0][0] == pytest.approx(default, rel=1e-4)
    assert hash_params(page)["surface"] == "rosenbrock"
    assert console.errors == []


def test_a_hidden_descent_view_asks_for_no_frames(
    page: Page, server_url: str, console: Console
) -> None:
    page.add_init_script(COUNT_PLAYBACK_FRAMES)
    open_descent(page, server_url, "#descent?surface=bowl&steps=400")
    set_range(page, role("speed"), 1)  # 10 steps per second: still playing when we leave
    page.click(role("run"))
    page.wait_for_function("() => window.__playbackFrames > 10")

    width = f"() => document.querySelector('{role('plot-contour')}')._fullLayout.width"
    shown_width = page.evaluate(width)

    page.click("[data-view-link=conditioning]")
    page.wait_for_selector(f"{CONDITIONING}[data-mounted]", state="attached")
    assert page.is_hidden(DESCENT)
    page.wait_for_timeout(200)
    asleep = playback_frames(page)
    page.wait_for_timeout(1000)
    assert playback_frames(page) == asleep  # no animation loop while another view shows
    page.click("[data-lang=zh]")  # the hidden view's plots are drawn again, without a size
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")

    page.click("[data-view-link=descent]")
    page.wait_for_function("n => window.__playbackFrames > n + 5", arg=asleep)
    assert "暂停" not in page.inner_text(role("progress"))  # it carries on where it was
    page.wait_for_function(f"w => Math.abs(({width})() - w) < 2", arg=shown_width)

    set_range(page, role("speed"), 3)
    wait_finished(page)
    page.wait_for_timeout(200)
    done = playback_frames(page)
    page.wait_for_timeout(1000)
    assert playback_frames(page) == done  # a finished run is not redrawn every frame
    assert console.errors == []


def test_a_view_that_failed_to_mount_can_be_retried(
    page: Page, server_url: str, console: Console
) -> None:
    failures = {"left": 1}

    def flaky(route: Route) -> None:
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=503, json={"message": "The server is busy; try again."})
        else:
            route.continue_()

    page.route("**/api/v1/optimizers", flaky)
    page.goto(server_url + "/#descent")
    page.wait_for_selector(f"{DESCENT} .view-error")
    assert "busy" in page.inner_text(f"{DESCENT} .view-error")
    page.click(f"{DESCENT} [data-role=retry]")
    page.wait_for_selector(f"{DESCENT}[data-mounted][data-surface]", state="attached")
    assert page.locator(f"{DESCENT} .view-error").count() == 0
    page.wait_for_function(f"() => {count_tagged(page, STARTS)} === 1")
    assert [e for e in console.errors if "503" not in e] == []


def test_trajectory_traces_are_found_by_tag_not_offset(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url, "#descent?surface=bowl&starts=1,1;-1,0.5&steps=5")
    page.click(role("run"))
    wait_finished(page)
    loss = page.evaluate(
        f"""() => document.querySelector('{role("plot-loss")}').data
                   .filter(t => t.meta === '{TRAJECTORY}').map(t => t.x.length)"""
    )
    assert loss == [6, 6]
    assert [len(p) for p in trajectories(page)] == [6, 6]
    assert console.errors == []
