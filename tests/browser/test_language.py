"""Chinese and English: the browser's language by default, a switch that re-renders every view
in place, remembered across reloads, and the server's sentences in the chosen language."""

import json
import re
from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import Console, PageFactory, screenshot
from tests.browser.helpers import (
    CONDITIONING,
    DESCENT,
    open_descent,
    role,
    set_range,
    wait_finished,
    wait_for_outcomes,
)

CATALOGUES = Path(__file__).resolve().parents[2] / "app" / "i18n"
ZH = json.loads((CATALOGUES / "zh.json").read_text(encoding="utf-8"))
EN = json.loads((CATALOGUES / "en.json").read_text(encoding="utf-8"))
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_switch_to_chinese_and_run(page: Page, server_url: str, console: Console) -> None:
    open_descent(page, server_url, "#descent?surface=bowl&steps=30")
    page.click("[data-lang=zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    assert page.inner_text(role("run")) == ZH["page.run"] == "运行"
    assert page.inner_text("[data-view-link=conditioning]") == ZH["page.nav.conditioning"]
    assert page.get_attribute(role("steps"), "title") == ZH["page.steps_title"]
    set_range(page, role("speed"), 3)
    page.click(role("run"))
    [text] = wait_for_outcomes(page, 1)
    wait_finished(page)
    assert text.startswith("起点 1")  # the page's own words
    sentence = text.split("：", 1)[1]
    assert HAN.search(sentence), sentence  # the server's sentence, in Chinese
    assert page.inner_text(role("progress")) == "第 30 步，共 30 步 · 已结束"
    screenshot(page, "descent-zh")
    assert console.errors == []


def test_a_chinese_browser_opens_in_chinese(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    page = new_page(locale="zh-CN")
    open_descent(page, server_url)
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.get_attribute("[data-lang=zh]", "aria-pressed") == "true"
    assert page.inner_text(role("reset")) == ZH["page.reset"]
    assert console.errors == []


def test_the_switch_rerenders_in_place_and_is_remembered(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url, "#descent?surface=bowl&steps=20")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text(role("run")) == "Run"
    set_range(page, role("speed"), 3)
    page.click(role("run"))
    wait_finished(page)
    page.evaluate("() => { window.__stillHere = true; }")

    page.click("[data-lang=zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    assert page.evaluate("() => window.__stillHere") is True  # no reload
    assert page.inner_text(role("run")) == ZH["page.run"]
    assert page.inner_text(role("progress")).startswith("第 20 步")
    assert page.title() == ZH["page.title"]
    loss_title = page.evaluate(
        f"() => document.querySelector('{role('plot-loss')}').layout.title.text"
    )
    assert loss_title == ZH["page.plot.loss_title"]
    # Server-provided names follow the language too.
    page.wait_for_function(
        f"() => document.querySelector('{role('surface')}').selectedOptions[0].text === '碗形'"
    )
    assert page.get_attribute(role("plot-contour"), "aria-label") == ZH["page.plot.contour_label"]
    zoom = ZH["page.plotly.zoom"]  # Plotly's own tooltips follow the page
    page.wait_for_selector(
        f"{role('plot-contour')} .modebar-btn[data-title='{zoom}']", state="attached"
    )
    # The finished run's sentence is told again, in Chinese.
    page.wait_for_function(
        """sel => /[\\u4e00-\\u9fff]/.test(
                      document.querySelector(sel).textContent.split('：')[1] || '')""",
        arg=role("outcomes") + " li",
    )

    page.reload()
    page.wait_for_selector(f"{DESCENT}[data-mounted][data-surface]", state="attached")
    assert page.get_attribute("html", "lang") == "zh-CN"  # remembered

    page.click("[data-lang=en]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.inner_text(role("run")) == EN["page.run"]
    assert console.errors == []


def test_a_422_comes_back_in_chinese(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    page = new_page(locale="zh-CN")
    open_descent(page, server_url)
    page.fill(role("steps"), "0")
    page.click(role("run"))
    page.wait_for_selector("#toast:not([hidden])")
    assert HAN.search(page.inner_text("#toast")), page.inner_text("#toast")
    assert [e for e in console.errors if "422" not in e] == []


def test_the_conditioning_view_speaks_chinese(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    page = new_page(locale="zh-CN")
    page.goto(server_url + "/#conditioning?dim=10&k=100")
    page.wait_for_selector(f"{CONDITIONING}[data-drawn]", state="attached")
    assert page.inner_text(role("best-lr", CONDITIONING)) == ZH["page.cond.best_lr"]
    page.click(role("best-lr", CONDITIONING))
    page.wait_for_selector(f"{role('why', CONDITIONING)}:not([hidden])")
    assert "(κ − 1)/(κ + 1)" in page.inner_text(role("why", CONDITIONING))
    assert HAN.search(page.inner_text(role("why", CONDITIONING)))
    screenshot(page, "conditioning-zh")
    assert console.errors == []
