"""Share with the class and Export in a real browser: the dialog is labelled, traps focus and
closes on Escape; its QR code and links follow the state, and a shared link opens the same
state in a fresh browser; charts download as PNG and SVG through Plotly, and a run's
trajectories as CSV and JSON holding the numbers the API gives."""

import csv
import io
import json
import math
from typing import Any
from xml.etree import ElementTree

import httpx
from playwright.sync_api import Download, Page

from tests.browser.conftest import Console, PageFactory, screenshot
from tests.browser.helpers import DESCENT, open_descent, role, set_range, starts, wait_finished

SHARE = "[data-share-dialog]"
EXPORT = "[data-export-dialog]"
PNG = b"\x89PNG\r\n\x1a\n"
LINK = "#descent?surface=booth&opt=adam&lr=0.02&starts=1,1;-1,2&steps=60"


def open_share(page: Page) -> None:
    page.click("[data-role=share-open]")
    page.wait_for_selector(f"{SHARE}[open]:not([aria-busy]) [data-role=share-qr] svg")


def focus_inside(page: Page, dialog: str) -> bool:
    inside: bool = page.evaluate(
        "sel => document.querySelector(sel).contains(document.activeElement)", dialog
    )
    return inside


def test_the_share_dialog_shows_the_link_the_lan_links_and_a_qr_code(
    page: Page, server_url: str, console: Console
) -> None:
    open_descent(page, server_url, LINK)
    open_share(page)
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null")
    labelled_by = page.get_attribute(SHARE, "aria-labelledby")
    assert page.inner_text(f"#{labelled_by}") == "Share with the class"
    assert page.get_attribute("[data-role=share-open]", "aria-expanded") == "true"

    link = page.input_value(f"{SHARE} [data-role=share-link]")
    assert link == page.url
    reply = httpx.get(f"{server_url}/api/v1/share", params={"url": link}).json()
    lan = page.eval_on_selector_all(f"{SHARE} [data-role=share-lan] a", "as => as.map(a => a.href)")
    assert lan == reply["lan_urls"]
    assert page.inner_text(f"{SHARE} [data-role=share-qr-url]") == reply["qr_url"]
    svg = page.locator(f"{SHARE} [data-role=share-qr] svg")
    assert svg.get_attribute("viewBox") == reply["qr_svg"].split('viewBox="')[1].split('"')[0]
    assert svg.evaluate("el => el.namespaceURI") == "http://www.w3.org/2000/svg"
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] >= 200  # big enough to scan from a desk
    assert "HOST=0.0.0.0 ./scripts/serve.sh" in page.inner_text(SHARE)
    screenshot(page, "share-en")

    for _ in range(12):  # focus goes round inside the dialog, both ways
        page.keyboard.press("Tab")
        assert focus_inside(page, SHARE)
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert focus_inside(page, SHARE)

    # The state changes (Back, Forward, a typed hash): the link and the code follow.
    bowl = "#descent?surface=bowl&starts=0.5,0.5"
    page.evaluate("hash => { location.hash = hash }", bowl)
    page.wait_for_function(
        "([sel, hash]) => document.querySelector(sel).dataset.url.endsWith(hash)", arg=[SHARE, bowl]
    )
    assert page.input_value(f"{SHARE} [data-role=share-link]").endswith(bowl)

    page.keyboard.press("Escape")
    page.wait_for_selector(f"{SHARE}:not([open])", state="attached")
    assert page.evaluate("() => document.activeElement.dataset.role") == "share-open"
    assert console.errors == []


def test_copy_puts_the_link_on_the_clipboard(page: Page, server_url: str, console: Console) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    open_descent(page, server_url, LINK)
    open_share(page)
    page.click(f"{SHARE} [data-role=share-copy]")
    page.wait_for_selector(f"{SHARE} [data-role=share-copied]:text('Copied.')")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    assert console.errors == []


def test_a_shared_link_opens_the_same_state_in_a_fresh_browser(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    teacher = new_page()
    open_descent(teacher, server_url, LINK + "&present=1&course=descent")
    open_share(teacher)
    link = teacher.input_value(f"{SHARE} [data-role=share-link]")
    assert "present" not in link  # students get the ordinary page, controls and all
    assert "course=descent" in link

    student = new_page(locale="zh-CN")  # another context: nothing shared but the link
    student.goto(link)
    student.wait_for_selector(f"{DESCENT}[data-mounted][data-surface=booth]", state="attached")
    assert student.input_value(role("surface")) == "booth"
    assert student.input_value(role("optimizer")) == "adam"
    assert student.input_value(role("lr-value")) == "0.02"
    assert student.input_value(role("steps")) == "60"
    student.wait_for_function(
        f"""() => (document.querySelector('{role("plot-contour")}').data || [])
                   .some(t => t.meta === 'gdviz:starts' && t.x.length === 2)"""
    )
    assert starts(student) == [[1.0, 1.0], [-1.0, 2.0]]
    assert student.is_hidden("[data-present-panel]")
    assert console.errors == []


# ---- export ----------------------------------------------------------------------------------

RUN_LINK = "#descent?surface=booth&opt=sgd&lr=0.02&momentum=0.9&starts=1,1;-1,2&steps=40"
RUN_BODY = {  # what the view asks for, written out independently
    "objective": {"surface": "booth"},
    "optimizer": {"name": "sgd", "lr": 0.02, "momentum": 0.9},
    "starts": [[1, 1], [-1, 2]],
    "steps": 40,
    "every": 1,
    "include_grad": True,
    "tol": 1e-4,
}


def download(page: Page, selector: str) -> tuple[Download, bytes]:
    with page.expect_download() as info:
        page.click(selector)
    file = info.value
    path = file.path()
    assert path is not None
    return file, path.read_bytes()


def run_and_open_export(page: Page, server_url: str) -> None:
    open_descent(page, server_url, RUN_LINK)
    set_range(page, role("speed"), 3)  # play the run back at once
    page.click(role("run"))
    wait_finished(page)
    page.click("[data-role=export-open]")
    page.wait_for_selector(f"{EXPORT}[open]")


def test_charts_download_as_png_and_svg(page: Page, server_url: str, console: Console) -> None:
    run_and_open_export(page, server_url)
    names = page.eval_on_selector_all(
        f"{EXPORT} [data-role=export-charts] li .export-name", "s => s.map(e => e.textContent)"
    )
    assert names == ["3-D surface", "Contour map: click to add a start", "Loss per step"]
    assert focus_inside(page, EXPORT)
    screenshot(page, "export-en")
    buttons = f"{EXPORT} [data-role=export-charts] button"
    for index, name in [(0, "plot-surface"), (1, "plot-contour"), (2, "plot-loss")]:
        file, data = download(page, f"{buttons}[data-chart='{index}'][data-format=png]")
        assert file.suggested_filename == f"gdviz-descent-{name}.png"
        assert data.startswith(PNG)
        file, data = download(page, f"{buttons}[data-chart='{index}'][data-format=svg]")
        assert file.suggested_filename == f"gdviz-descent-{name}.svg"
        assert ElementTree.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"
    # Plotly's own camera button stays in each chart's mode bar.
    assert page.locator(f"{role('plot-contour')} .modebar-btn[data-title]").count() > 0
    page.keyboard.press("Escape")
    assert console.errors == []


def api_run(server_url: str) -> dict[str, Any]:
    reply: dict[str, Any] = httpx.post(
        f"{server_url}/api/v1/runs", json=RUN_BODY, timeout=60
    ).json()
    return reply


def test_trajectories_download_as_csv_and_json_with_the_apis_numbers(
    page: Page, server_url: str, console: Console
) -> None:
    run_and_open_export(page, server_url)
    expected = api_run(server_url)["trajectories"]
    runs = f"{EXPORT} [data-role=export-runs]"

    file, data = download(page, f"{runs} button[data-format=json]")
    assert file.suggested_filename == "gdviz-descent-trajectories.json"
    got = json.loads(data)
    assert got["request"]["objective"] == RUN_BODY["objective"]
    assert got["request"]["starts"] == RUN_BODY["starts"]
    assert len(got["trajectories"]) == len(expected) == 2
    for mine, theirs in zip(got["trajectories"], expected, strict=True):
        for key in ("steps", "points", "loss", "status", "steps_taken"):
            assert mine[key] == theirs[key], key

    file, data = download(page, f"{runs} button[data-format=csv]")
    assert file.suggested_filename == "gdviz-descent-trajectories.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["trajectory", "step", "x", "y", "loss"]
    want = [
        [k + 1, step, *traj["points"][i], traj["loss"][i]]
        for k, traj in enumerate(expected)
        for i, step in enumerate(traj["steps"])
    ]
    got_rows = [[int(r[0]), int(r[1]), float(r[2]), float(r[3]), float(r[4])] for r in rows[1:]]
    assert got_rows == want  # the same doubles, not just close ones
    assert all(math.isfinite(v) for row in got_rows for v in row)
    assert console.errors == []


def test_export_copies_the_link_and_offers_no_runs_where_a_view_has_none(
    page: Page, server_url: str, console: Console
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    open_descent(page, server_url, RUN_LINK)
    page.click("[data-role=export-open]")
    assert page.is_visible(f"{EXPORT} [data-role=export-no-runs]")  # nothing run yet
    page.click(f"{EXPORT} [data-role=export-copy-link]")
    page.wait_for_selector(f"{EXPORT} [data-role=export-copied]:text('Copied.')")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    page.keyboard.press("Escape")

    page.evaluate("() => { location.hash = '#gradcheck' }")
    page.wait_for_selector("[data-view=gradcheck][data-checked]", state="attached", timeout=60_000)
    page.click("[data-role=export-open]")
    assert page.is_hidden(f"{EXPORT} [data-role=export-runs-section]")
    assert page.locator(f"{EXPORT} [data-role=export-charts] li").count() >= 1
    assert console.errors == []
