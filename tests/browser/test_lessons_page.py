"""The Lessons view and presentation mode in a real browser: the page opens on the course, every
lesson reads in both languages and opens its view in the lesson's state, answers stay hidden
until asked for, progress is remembered, and presentation mode goes through the lessons by key."""

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from playwright.sync_api import Page, Route

from tests.browser.conftest import Console, PageFactory, screenshot
from tests.browser.helpers import DESCENT, role

LESSONS = "[data-view=lessons]"
CARD = f"{LESSONS} [data-role=card]"
PANEL = "[data-present-panel]"


def api(server_url: str, path: str, lang: str) -> Any:
    return httpx.get(f"{server_url}/api/v1{path}", headers={"Accept-Language": lang}).json()


def card_part(name: str, card: str = CARD) -> str:
    return f"{card} [data-role={name}]"


def wait_for_lesson(page: Page, lesson_id: str, lang: str = "en") -> None:
    """Wait until the Lessons view shows `lesson_id` in `lang`."""
    page.wait_for_selector(
        f"{LESSONS}[data-lesson='{lesson_id}'][data-shown-lang={lang}]", state="attached"
    )


def hash_state(page: Page) -> tuple[str, dict[str, str]]:
    """The view and its params as the URL holds them."""
    text: str = page.evaluate("() => location.hash.slice(1)")
    view, _, query = text.partition("?")
    return view, dict(parse_qsl(query))


def same_value(a: str, b: str) -> bool:
    """Equal as text, or as numbers, or as lists of numbers ("0,0.25" and "0, 0.25")."""
    if a == b:
        return True
    try:
        return [float(x) for x in a.split(",")] == [float(x) for x in b.split(",")]
    except ValueError:
        return False


def state_gaps(lesson: dict[str, Any], page: Page) -> list[str]:
    """The lesson's params that the view's URL holds with another value (a view may leave a
    value out when it is its default; the controls are checked for those)."""
    view, query = lesson["state"][1:].partition("?")[::2]
    shown_view, shown = hash_state(page)
    gaps = [] if shown_view == view else [f"view {shown_view} != {view}"]
    for name, value in parse_qsl(query):
        if name in shown and not same_value(shown[name], value):
            gaps.append(f"{name}: {shown[name]} != {value}")
    return gaps


def _descent(page: Page, p: dict[str, str]) -> bool:
    return (
        page.input_value(role("surface")) == p["surface"]
        and page.input_value(role("optimizer")) == p["opt"]
        and float(page.input_value(role("lr-value"))) == float(p["lr"])
    )


def _experiments(page: Page, p: dict[str, str]) -> bool:
    v = "[data-view=experiments]"
    return page.input_value(role("objective", v)) == p["obj"] and same_value(
        page.input_value(role("spreads", v)), p["spreads"]
    )


def _gradcheck(page: Page, p: dict[str, str]) -> bool:
    v = "[data-view=gradcheck]"
    return all(same_value(page.input_value(role(n, v)), p[n]) for n in ("surface", "point", "h"))


def _backprop(page: Page, p: dict[str, str]) -> bool:
    return page.input_value(role("expr", "[data-view=backprop]")) == p["expr"]


def _data(page: Page, p: dict[str, str]) -> bool:
    v = "[data-view=data]"
    named = {"set": "set", "model": "model", "opt": "optimizer", "lr": "lr", "batch": "batch"}
    return all(same_value(page.input_value(role(r, v)), p[n]) for n, r in named.items() if n in p)


# What a view's controls show for a lesson's params (views the lessons open today).
CONTROLS: dict[str, Callable[[Page, dict[str, str]], bool]] = {
    "data": _data,
    "descent": _descent,
    "experiments": _experiments,
    "gradcheck": _gradcheck,
    "backprop": _backprop,
}


def wait_until(check: Callable[[], Any], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        time.sleep(0.05)


def check_opened_in_state(page: Page, lesson: dict[str, Any]) -> None:
    view = lesson["view"]
    page.wait_for_selector(f"body[data-ready={view}]", state="attached")
    page.wait_for_selector(f"[data-view={view}][data-mounted]", state="attached")
    assert page.locator(f"[data-view={view}] .view-error").count() == 0
    wait_until(lambda: not state_gaps(lesson, page), f"{lesson['id']}: {state_gaps(lesson, page)}")
    _, query = lesson["state"][1:].partition("?")[::2]
    params = dict(parse_qsl(query))
    if view in CONTROLS:
        wait_until(lambda: CONTROLS[view](page, params), f"{lesson['id']}: controls")
    assert hash_state(page)[1]["course"] == lesson["id"]


def test_the_page_opens_on_the_lessons_list(page: Page, server_url: str, console: Console) -> None:
    page.goto(server_url + "/")
    wait_for_lesson(page, "")
    page.wait_for_selector("body[data-ready=lessons]", state="attached")
    titles = page.eval_on_selector_all(
        f"{LESSONS} [data-role=course] a", "as => as.map(a => a.textContent)"
    )
    assert titles == [lesson["title"] for lesson in api(server_url, "/lessons", "en")]
    assert page.get_attribute("[data-view-link=lessons]", "aria-current") == "page"
    assert page.is_visible(f"{LESSONS} [data-role=welcome]")
    assert page.is_hidden(CARD)
    assert (
        page.inner_text(f"{LESSONS} [data-role=start]")
        == "Start with lesson 1: Downhill on a surface"
    )
    assert console.errors == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_lesson_reads_and_opens_its_view(
    new_page: PageFactory, server_url: str, console: Console, lang: str
) -> None:
    lessons = api(server_url, "/lessons", lang)
    page = new_page(locale="zh-CN" if lang == "zh" else "en-US")
    page.goto(server_url + "/")
    wait_for_lesson(page, "", lang)
    page.click(f"{LESSONS} [data-role=start]")
    for i, lesson in enumerate(lessons):
        wait_for_lesson(page, lesson["id"], lang)
        detail = api(server_url, f"/lessons/{lesson['id']}", lang)
        assert page.inner_text(card_part("lesson-title")) == detail["title"]
        # The equations are MathML, which the browser draws natively.
        assert page.locator(f"{card_part('lesson-text')} math").count() > 0
        assert page.inner_text(card_part("lesson-try")) == detail["try"]
        assert page.get_attribute(card_part("lesson-answer-toggle"), "aria-expanded") == "false"
        assert page.is_hidden(card_part("lesson-answer"))
        page.click(card_part("lesson-answer-toggle"))
        assert page.is_visible(card_part("lesson-answer"))
        assert page.inner_text(card_part("lesson-answer-text")) == detail["answer"]
        if i == 0:
            screenshot(page, f"lesson-{lang}")
        if page.get_attribute(CARD, "data-built") == "true":
            page.click(card_part("lesson-open"))
            check_opened_in_state(page, lesson)
            page.go_back()
            wait_for_lesson(page, lesson["id"], lang)
        else:  # a view still being built: the lesson says so
            assert page.is_hidden(card_part("lesson-open"))
            assert lesson["view"] in page.inner_text(card_part("lesson-unbuilt"))
        if detail["next"]:
            page.click(card_part("lesson-next"))
    assert console.errors == []


def fake_course(page: Page, server_url: str) -> None:
    """Add a twelfth lesson whose view the page does not have."""
    lessons = api(server_url, "/lessons", "en")
    last = api(server_url, f"/lessons/{lessons[-1]['id']}", "en")
    soon = {
        **lessons[-1],
        "id": "soon",
        "number": 12,
        "title": "A lesson ahead of its view",
        "view": "planned",
        "state": "#planned?x=1",
    }
    detail = {**last, **soon, "previous": last["id"], "next": None}

    def reply(route: Route) -> None:
        path = route.request.url.split("/api/v1")[1]
        if path == "/lessons":
            route.fulfill(json=[*lessons, soon])
        elif path == "/lessons/soon":
            route.fulfill(json=detail)
        elif path == f"/lessons/{last['id']}":
            route.fulfill(json={**last, "next": "soon"})
        else:
            route.continue_()

    page.route("**/api/v1/lessons**", reply)


def test_a_lesson_whose_view_is_not_built_says_so(
    page: Page, server_url: str, console: Console
) -> None:
    fake_course(page, server_url)
    page.goto(server_url + "/#lessons?id=soon")
    wait_for_lesson(page, "soon")
    assert page.is_hidden(card_part("lesson-open"))
    note = page.inner_text(card_part("lesson-unbuilt"))
    assert "planned" in note
    assert "still being built" in note
    assert page.inner_text(f"{LESSONS} [data-lesson=soon] .course-soon") == "view coming soon"
    page.keyboard.press("p")  # presented on the Lessons view, having no view of its own
    page.wait_for_selector("html[data-present]", state="attached")
    assert hash_state(page) == ("lessons", {"id": "soon", "present": "1"})
    page.unroute_all(behavior="wait")
    assert console.errors == []


def test_progress_is_ticked_and_remembered(page: Page, server_url: str, console: Console) -> None:
    page.goto(server_url + "/#lessons?id=descent")
    wait_for_lesson(page, "descent")
    page.check(card_part("lesson-done"))
    assert page.inner_text(f"{LESSONS} [data-role=progress]") == "1 of 11 done"
    assert page.is_visible(f"{LESSONS} [data-lesson=descent] .course-tick")
    assert page.is_hidden(f"{LESSONS} [data-lesson=starts] .course-tick")
    stored = page.evaluate("() => localStorage.getItem('gdviz.lessons.done')")
    assert json.loads(stored) == ["descent"]
    page.goto(server_url + "/#lessons")
    page.reload()
    wait_for_lesson(page, "")
    assert page.is_visible(f"{LESSONS} [data-lesson=descent] .course-tick")
    assert page.inner_text(f"{LESSONS} [data-role=start]").startswith("Continue with lesson 2:")
    assert console.errors == []


def test_the_language_switch_fetches_the_lesson_again(
    page: Page, server_url: str, console: Console
) -> None:
    page.goto(server_url + "/#lessons?id=chain-rule")
    wait_for_lesson(page, "chain-rule")
    page.click(card_part("lesson-answer-toggle"))
    page.click("[data-lang=zh]")
    wait_for_lesson(page, "chain-rule", "zh")
    zh = api(server_url, "/lessons/chain-rule", "zh")
    assert page.inner_text(card_part("lesson-title")) == zh["title"]
    assert page.inner_text(card_part("lesson-answer-text")) == zh["answer"]
    assert page.inner_text(card_part("lesson-answer-toggle")) == "隐藏答案"  # still open
    assert page.inner_text(card_part("lesson-number")) == "第 8 课，共 11 课"
    titles = page.eval_on_selector_all(
        f"{LESSONS} [data-role=course] a", "as => as.map(a => a.textContent)"
    )
    assert titles == [lesson["title"] for lesson in api(server_url, "/lessons", "zh")]
    assert console.errors == []


# ---- presentation mode -----------------------------------------------------------------------


def wait_presenting(page: Page, lesson_id: str) -> None:
    page.wait_for_selector(
        f"html[data-present][data-present-lesson='{lesson_id}']", state="attached"
    )
    page.wait_for_selector(f"{PANEL} [data-role=present-card][data-lesson='{lesson_id}']")


def test_presentation_mode_goes_through_the_lessons_by_key(
    page: Page, server_url: str, console: Console
) -> None:
    lessons = api(server_url, "/lessons", "en")
    page.goto(server_url + "/#lessons?id=descent")
    wait_for_lesson(page, "descent")
    page.keyboard.press("p")
    wait_presenting(page, "descent")
    view, params = hash_state(page)
    assert view == "descent"
    assert params["surface"] == "himmelblau"
    assert (params["present"], params["course"]) == ("1", "descent")
    assert page.get_attribute("[data-role=present-toggle]", "aria-pressed") == "true"
    assert (
        page.inner_text(f"{PANEL} [data-role=present-where]")
        == "Lesson 1 of 11: Downhill on a surface"
    )
    assert page.is_hidden(f"{DESCENT} .controls")  # folded away, one click from view
    assert page.is_visible(role("plot-contour"))
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '20px'")
    page.click(f"{PANEL} [data-role=present-controls]")
    assert page.is_visible(f"{DESCENT} .controls")
    page.click(f"{PANEL} [data-role=present-controls]")
    screenshot(page, "present-en")

    keys = [("ArrowRight", 1), ("PageDown", 2), ("PageUp", 1), ("ArrowLeft", 0), ("PageDown", 1)]
    for key, index in keys:
        page.keyboard.press(key)
        lesson = lessons[index]
        wait_presenting(page, lesson["id"])
        check_opened_in_state(page, lesson)
        assert hash_state(page)[1]["present"] == "1"

    page.reload()  # the mode is in the URL
    wait_presenting(page, lessons[1]["id"])
    page.keyboard.press("Escape")
    page.wait_for_selector("html:not([data-present])", state="attached")
    assert page.is_hidden(PANEL)
    view, params = hash_state(page)
    assert view == "experiments"
    assert "present" not in params
    assert params["course"] == "starts"
    assert page.is_visible("[data-view=experiments] .controls")
    page.keyboard.press("p")  # and back, beside the same lesson
    wait_presenting(page, "starts")
    assert console.errors == []


def test_after_a_click_in_the_view_its_arrow_keys_are_its_own(
    page: Page, server_url: str, console: Console
) -> None:
    page.goto(server_url + "/#descent?surface=bowl&starts=1,1&steps=20&course=descent&present=1")
    wait_presenting(page, "descent")
    page.wait_for_selector(f"{DESCENT}[data-surface=bowl]", state="attached")
    page.click(role("plot-loss"))
    page.keyboard.press("ArrowRight")  # the descent view's Step
    page.wait_for_selector(f"{DESCENT}:not([data-progress=idle])", state="attached")
    assert hash_state(page)[1]["course"] == "descent"
    assert "view you clicked" in page.inner_text(f"{PANEL} [data-role=present-keys]")
    page.keyboard.press("PageDown")  # still the next lesson
    wait_presenting(page, "starts")
    page.click(f"{PANEL} [data-role=present-where]")
    page.keyboard.press("ArrowLeft")
    wait_presenting(page, "descent")
    assert console.errors == []


def test_presentation_in_chinese(new_page: PageFactory, server_url: str, console: Console) -> None:
    page = new_page(locale="zh-CN")
    page.goto(server_url + "/#lessons?id=chain-rule")
    wait_for_lesson(page, "chain-rule", "zh")
    page.click("[data-role=present-toggle]")
    wait_presenting(page, "chain-rule")
    zh = api(server_url, "/lessons/chain-rule", "zh")
    assert page.inner_text(f"{PANEL} [data-role=lesson-title]") == zh["title"]
    assert (
        page.inner_text(f"{PANEL} [data-role=present-where]") == f"第 8 课，共 11 课：{zh['title']}"
    )
    assert page.inner_text(f"{PANEL} [data-role=present-controls]") == "显示控件"
    page.click("[data-lang=en]")
    en = api(server_url, "/lessons/chain-rule", "en")
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent === text",
        arg=[f"{PANEL} [data-role=lesson-title]", en["title"]],
    )
    assert page.inner_text(f"{PANEL} [data-role=present-controls]") == "Show the controls"
    page.click("[data-lang=zh]")
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent === text",
        arg=[f"{PANEL} [data-role=lesson-title]", zh["title"]],
    )
    screenshot(page, "present-zh")
    assert console.errors == []
