"""The SVM view in a real browser: one sample's scores, active margins and the rows of W its
gradient touches (row j gets +x for each active margin, row y gets -(count) x), checked against
the sample itself; the gradient check is fine; a click on a point chooses it; Chinese."""

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, screenshot
from tests.browser.helpers import hash_params, role

SVM = "[data-view=svm]"
ZH = json.loads(
    (Path(__file__).resolve().parents[2] / "app" / "i18n" / "zh.json").read_text(encoding="utf-8")
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def q(name: str) -> str:
    return role(name, SVM)


def open_svm(page: Page, server_url: str, hash_: str) -> int:
    page.goto(f"{server_url}/{hash_}")
    return wait_walked(page)


def wait_walked(page: Page, other_than: int | None = None) -> int:
    """Wait until a sample's walkthrough is shown (another than `other_than`); its index."""
    page.wait_for_function(
        "([sel, n]) => { const w = document.querySelector(sel).dataset.walked;"
        " return w !== undefined && w !== n; }",
        arg=[SVM, "" if other_than is None else str(other_than)],
        timeout=30_000,
    )
    index: int = page.eval_on_selector(SVM, "el => Number(el.dataset.walked)")
    return index


def walkthrough(page: Page) -> dict[str, Any]:
    """What the walkthrough shows: per class its activity and touch, dW rows, the checks."""
    shown: dict[str, Any] = page.evaluate(
        """sel => {
             const root = document.querySelector(sel);
             const rows = [...root.querySelectorAll('[data-role=scores] tbody tr')];
             const grad = [...root.querySelectorAll('[data-role=grad] tbody tr')];
             const checks = [...root.querySelectorAll('[data-role=check] tbody tr')];
             return {
               correct: rows.findIndex(r => r.classList.contains('svm-correct')),
               active: rows.map(r => r.dataset.active === 'true'),
               touched: rows.map(r => r.dataset.touched === 'true'),
               effects: rows.map(r => r.querySelector('[data-role=effect]').textContent),
               dW: grad.map(r => JSON.parse(r.dataset.values)),
               dWtouched: grad.map(r => r.dataset.touched === 'true'),
               checks: checks.map(r => r.dataset.verdict),
               verdict: root.querySelector('[data-role=verdict]').dataset.verdict,
               rows: root.querySelector('[data-role=touched]').dataset.rows,
             };
           }""",
        SVM,
    )
    return shown


def features(server_url: str, dataset: dict[str, Any], index: int) -> tuple[list[float], int]:
    reply = httpx.post(
        f"{server_url}/api/v1/datasets/sample", json={"dataset": dataset}, timeout=30
    )
    reply.raise_for_status()
    data = reply.json()
    return data["X"][index], data["y"][index]


def check_rows(shown: dict[str, Any], x: list[float], y: int) -> None:
    """The notes' gradient: +x on each active row, -(count) x on row y, 0 elsewhere."""
    assert shown["correct"] == y
    active = [j for j, on in enumerate(shown["active"]) if on]
    assert y not in active
    expected = set(active) | ({y} if active else set())
    touched = {j for j, on in enumerate(shown["touched"]) if on}
    assert touched == expected
    assert {j for j, on in enumerate(shown["dWtouched"]) if on} == expected
    assert shown["rows"] == ",".join(str(j) for j in sorted(expected))
    for j, row in enumerate(shown["dW"]):
        scale = -len(active) if j == y else (1 if j in active else 0)
        assert row == pytest.approx([scale * v for v in x], abs=1e-12)


def test_walkthrough_of_a_trained_svm(page: Page, server_url: str, console: Console) -> None:
    index = open_svm(page, server_url, "#svm?set=blobs")
    shown = walkthrough(page)
    x, y = features(server_url, {"name": "blobs"}, index)
    assert any(shown["active"])  # the first sample with a loss is chosen
    check_rows(shown, x, y)
    assert shown["verdict"] == "fine"
    assert shown["checks"] == ["fine"] * 9  # W is 3 x 2, b has 3
    count = sum(shown["active"])
    assert shown["effects"][y] == f"−{count}·x (one −x per active margin)"
    assert hash_params(page)["sample"] == str(index)
    screenshot(page, "svm-trained")
    assert console.errors == []


def test_random_parameters_and_a_typed_index(page: Page, server_url: str, console: Console) -> None:
    open_svm(page, server_url, "#svm?set=spiral&from=random&rseed=3&std=2&sample=5")
    assert page.eval_on_selector(SVM, "el => el.dataset.walked") == "5"
    x, y = features(server_url, {"name": "spiral"}, 5)
    shown = walkthrough(page)
    check_rows(shown, x, y)
    assert shown["verdict"] == "fine"
    page.fill(q("index"), "17")
    page.press(q("index"), "Enter")
    wait_walked(page, 5)
    x, y = features(server_url, {"name": "spiral"}, 17)
    check_rows(walkthrough(page), x, y)
    assert hash_params(page)["sample"] == "17"
    page.click(q("prev"))  # step through the samples
    assert wait_walked(page, 17) == 16
    x, y = features(server_url, {"name": "spiral"}, 16)
    check_rows(walkthrough(page), x, y)
    assert console.errors == []


def test_a_click_on_a_point_walks_through_it(page: Page, server_url: str, console: Console) -> None:
    index = open_svm(page, server_url, "#svm?set=blobs&sample=0")
    assert index == 0
    # Where sample 42 is drawn, in page pixels, from the plot's own axes.
    target = 42
    xy = page.evaluate(
        """([sel, i]) => {
             const div = document.querySelector(sel);
             const L = div._fullLayout, box = div.getBoundingClientRect();
             for (const t of div.data) {
               if (t.meta !== 'gdviz:data:points') continue;
               const k = t.customdata.indexOf(i);
               if (k >= 0) return [box.left + L._size.l + L.xaxis.l2p(t.x[k]),
                                   box.top + L._size.t + L.yaxis.l2p(t.y[k])];
             }
             return null;
           }""",
        [q("plot-data"), target],
    )
    page.mouse.move(xy[0], xy[1])
    page.mouse.click(xy[0], xy[1])
    assert wait_walked(page, 0) == target
    assert page.input_value(q("index")) == str(target)
    x, y = features(server_url, {"name": "blobs"}, target)
    check_rows(walkthrough(page), x, y)
    assert console.errors == []


def test_chinese_after_switching(page: Page, server_url: str, console: Console) -> None:
    open_svm(page, server_url, "#svm?set=blobs&sample=3")
    page.click("[data-lang=zh]")
    page.wait_for_function(
        "sel => /[\\u4e00-\\u9fff]/.test(document.querySelector(sel).textContent)", arg=q("touched")
    )
    wait_walked(page)
    assert page.text_content("[data-view-link=svm]") == ZH["page.nav.svm"]
    assert page.text_content(q("verdict") + " [data-verdict]") == ZH["page.svm.verdict_fine"]
    assert HAN.search(page.text_content(q("params-note")) or "")  # the run's sentence, again
    assert HAN.search(page.text_content(q("heading")) or "")
    screenshot(page, "svm-zh")
    assert console.errors == []
