"""The data view in a real browser: logistic regression learns the moons (its decision regions
change as it trains and end above 80% right), linear regression on the line ends at the
least-squares slope, a broken CSV file is refused with its line and column, the mini-batch
comparison shows a noisy batch loss beside a smooth full loss, and Chinese after switching."""

import base64
import json
import re
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page, Response

from tests.browser.conftest import Console, PageFactory, screenshot
from tests.browser.helpers import hash_params, role

DATA = "[data-view=data]"
ZH = json.loads(
    (Path(__file__).resolve().parents[2] / "app" / "i18n" / "zh.json").read_text(encoding="utf-8")
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def q(name: str) -> str:
    return role(name, DATA)


def open_data(page: Page, server_url: str, hash_: str, *, animate: bool = False) -> None:
    """Open the data view at `hash_` and wait until its run has been played and drawn; without
    `animate`, as for a person who prefers reduced motion (each run is shown whole at once)."""
    if not animate:
        page.emulate_media(reduced_motion="reduce")
    page.goto(f"{server_url}/{hash_}")
    wait_finished(page)


def wait_finished(page: Page) -> None:
    page.wait_for_selector(f"{DATA}[data-progress=finished]", state="attached", timeout=60_000)


def traces(page: Page, plot: str) -> list[dict[str, Any]]:
    """A plot's traces: tag, name and values (z for a heatmap)."""
    data: list[dict[str, Any]] = page.evaluate(
        """sel => (document.querySelector(sel).data || []).map(t => ({
               type: t.type, meta: t.meta ?? null, name: t.name ?? null,
               x: Array.from(t.x ?? []), y: Array.from(t.y ?? []),
               z: Array.isArray(t.z) ? t.z.map(row => Array.from(row)) : null }))""",
        q(plot),
    )
    return data


def tagged(page: Page, plot: str, tag: str) -> list[dict[str, Any]]:
    return [t for t in traces(page, plot) if t["meta"] == f"gdviz:data:{tag}"]


def sample(server_url: str, dataset: dict[str, Any]) -> dict[str, Any]:
    reply = httpx.post(
        f"{server_url}/api/v1/datasets/sample", json={"dataset": dataset}, timeout=30
    )
    reply.raise_for_status()
    data: dict[str, Any] = reply.json()
    return data


def decode(typed: dict[str, Any]) -> np.ndarray[Any, Any]:
    """A Plotly typed array of the API as a NumPy array of its shape."""
    dtype = {"f4": "<f4", "f8": "<f8", "i4": "<i4", "u1": "u1"}[typed["dtype"]]
    flat = np.frombuffer(base64.b64decode(typed["bdata"]), dtype=dtype)
    shape = typed.get("shape")
    if shape is None:
        return flat
    dims = shape if isinstance(shape, list) else [int(s) for s in str(shape).split(",")]
    return flat.reshape(dims)


def roughness(values: list[float]) -> float:
    """The mean step-to-step change of a curve."""
    return float(np.mean(np.abs(np.diff(np.asarray(values, dtype=float)))))


def test_logistic_regression_learns_the_moons(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    page = new_page()
    replies: list[dict[str, Any]] = []
    asked: list[dict[str, Any]] = []

    def keep(response: Response) -> None:
        if response.url.endswith("/api/v1/predict") and response.ok:
            asked.append(json.loads(response.request.post_data or "{}"))
            replies.append(response.json())

    page.on("response", keep)
    open_data(page, server_url, "#data?set=moons&model=logistic", animate=True)
    assert len(replies) >= 2
    # The first regions are those of the start (all weights 0: p = 1/2 everywhere); the last,
    # of the final point. Training moved them.
    first, last = decode(replies[0]["proba"]), decode(replies[-1]["proba"])
    assert np.allclose(first, 0.5)
    assert np.abs(last - first).max() > 0.4
    assert (first.argmax(axis=2) != last.argmax(axis=2)).any()
    assert asked[0]["point"] == [0, 0, 0]
    # The regions drawn are the last ones; the class each sample's cell shows is right for
    # more than 80% of the samples.
    regions = tagged(page, "plot-data", "regions")[0]
    xs, ys, z = np.array(regions["x"]), np.array(regions["y"]), np.floor(np.array(regions["z"]))
    data = sample(server_url, {"name": "moons"})
    X, y = np.array(data["X"]), np.array(data["y"])
    cols = np.abs(xs[None, :] - X[:, :1]).argmin(axis=1)
    rows = np.abs(ys[None, :] - X[:, 1:2]).argmin(axis=1)
    accuracy = float(np.mean(z[rows, cols] == y))
    assert accuracy > 0.8
    shown = float(page.eval_on_selector(DATA, "el => Number(el.dataset.accuracy)"))
    assert shown == pytest.approx(accuracy, abs=0.03)
    # The samples in two classes, the loss falling, the path on the surface.
    points = tagged(page, "plot-data", "points")
    assert [len(t["x"]) for t in points] == [100, 100]
    loss = tagged(page, "plot-loss", "loss")[0]["y"]
    assert loss[0] == pytest.approx(np.log(2))
    assert loss[-1] < 0.3
    assert tagged(page, "plot-loss", "batch") == []
    assert tagged(page, "plot-landscape", "landscape")
    path = tagged(page, "plot-landscape", "path")[0]
    assert len(path["x"]) == len(loss)
    final = tagged(page, "plot-landscape", "final")[0]  # where the slice holds the rest
    assert (final["x"], final["y"]) == ([path["x"][-1]], [path["y"][-1]])
    assert hash_params(page)["set"] == "moons"
    screenshot(page, "data-logistic-moons")
    assert console.errors == []


def test_linear_regression_finds_the_least_squares_line(
    page: Page, server_url: str, console: Console
) -> None:
    open_data(page, server_url, "#data?set=line")
    assert page.eval_on_selector(q("model"), "el => el.value") == "linear"
    outcome = page.eval_on_selector(q("outcomes") + " li", "el => el.className")
    assert outcome == "status-converged"
    fit = tagged(page, "plot-data", "fit")[0]
    slope = (fit["y"][1] - fit["y"][0]) / (fit["x"][1] - fit["x"][0])
    data = sample(server_url, {"name": "line"})
    x, y = np.array(data["X"])[:, 0], np.array(data["y"])
    lstsq = np.polyfit(x, y, 1)
    assert slope == pytest.approx(lstsq[0], rel=1e-3)
    assert fit["y"][0] - slope * fit["x"][0] == pytest.approx(lstsq[1], abs=1e-3)
    assert console.errors == []


def test_a_broken_csv_file_names_its_line_and_column(
    page: Page, server_url: str, console: Console, tmp_path: Path
) -> None:
    open_data(page, server_url, "#data?set=moons&steps=20")
    good = tmp_path / "good.csv"
    rows = [f"{x:.3f},{x * x:.3f},{int(x > 0)}" for x in np.linspace(-1, 1, 40)]
    good.write_text("a,b,label\n" + "\n".join(rows) + "\n")
    page.set_input_files(q("file"), str(good))
    page.wait_for_function(
        "sel => document.querySelector(sel).dataset.progress === 'finished' "
        "&& location.hash.includes('set=csv')",
        arg=DATA,
        timeout=60_000,
    )
    params = hash_params(page)
    assert params["set"] == "csv"
    assert params["target"] == "label"
    assert "1.000" not in page.evaluate("location.hash")  # the file's values stay out of the URL
    assert page.eval_on_selector(q("model"), "el => el.value") == "logistic"
    # A file with a word where a number belongs, on line 3 (the header is line 1).
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0.5,1.0,0\n-1.2,oops,1\n0.3,0.2,1\n")
    page.set_input_files(q("file"), str(bad))
    page.wait_for_selector(q("data-error") + ":not([hidden])")
    message = page.text_content(q("data-error")) or ""
    assert "line 3" in message
    assert '"x2"' in message
    assert "oops" in message
    # Dropped on the view, the same file is refused the same way, in Chinese after switching.
    page.click("[data-lang=zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    page.evaluate(
        """([sel, text]) => {
             const transfer = new DataTransfer();
             transfer.items.add(new File([text], 'bad.csv', { type: 'text/csv' }));
             const root = document.querySelector(sel);
             const drag = (type) => new DragEvent(type,
               { dataTransfer: transfer, bubbles: true, cancelable: true });
             root.dispatchEvent(drag('dragover'));
             root.querySelector('[data-role=drop]').dispatchEvent(drag('drop'));
           }""",
        [DATA, "x1,x2,label\n0.5,1.0,0\n-1.2,oops,1\n"],
    )
    page.wait_for_function(
        "sel => (document.querySelector(sel).textContent || '').includes('第 3 行')",
        arg=q("data-error"),
    )
    assert "x2" in (page.text_content(q("data-error")) or "")
    # Chromium logs each refused request; nothing else went wrong.
    assert [e for e in console.errors if "status of 422" not in e] == []


def test_mini_batches_are_noisy_and_the_full_loss_is_smooth(
    page: Page, server_url: str, console: Console
) -> None:
    open_data(page, server_url, "#data?tab=compare&set=moons&batch=8&steps=200")
    full = tagged(page, "plot-compare-loss", "loss")
    batch = tagged(page, "plot-compare-loss", "batch")
    assert len(full) == 3  # full batch, B = 8 and B = 1: a full loss each
    assert len(batch) == 2  # and the loss of each mini-batch for the two that take them
    assert [len(t["y"]) for t in full] == [201, 201, 201]
    assert full[0]["y"][0] == full[1]["y"][0] == full[2]["y"][0]  # one start
    for curve in batch:
        assert roughness(curve["y"]) > 3 * roughness(full[0]["y"])
    assert roughness(batch[1]["y"]) > roughness(full[2]["y"])  # B = 1's own full loss is smoother
    assert roughness(batch[1]["y"]) > roughness(batch[0]["y"])  # smaller batches, more noise
    paths = tagged(page, "plot-compare-landscape", "path")
    assert len(paths) == 3
    assert tagged(page, "plot-compare-landscape", "landscape")
    assert page.is_visible(q("compare-noise"))
    assert len(page.query_selector_all(q("compare-outcomes") + " li")) == 3
    screenshot(page, "data-compare")
    assert console.errors == []


def test_chinese_after_switching(page: Page, server_url: str, console: Console) -> None:
    open_data(page, server_url, "#data?set=moons&steps=60")
    english = page.text_content(q("outcomes")) or ""
    assert "steps" in english
    page.click("[data-lang=zh]")
    page.wait_for_function(
        "sel => /[\\u4e00-\\u9fff]/.test(document.querySelector(sel + ' li').textContent)",
        arg=q("outcomes"),
    )
    assert page.text_content("[data-view-link=data]") == ZH["page.nav.data"]
    assert (
        page.eval_on_selector(q("model"), "el => el.selectedOptions[0].text")
        == ZH["page.data.model_logistic"]
    )
    assert page.eval_on_selector(q("set"), "el => el.selectedOptions[0].text") == "双月"
    loss = page.eval_on_selector(q("plot-loss"), "el => el.layout.title.text")
    assert loss == ZH["page.data.loss_title"]
    names = [t["name"] for t in tagged(page, "plot-data", "points")]
    assert names == ["类别 0", "类别 1"]
    assert HAN.search(page.text_content(q("description")) or "")
    screenshot(page, "data-zh")
    assert console.errors == []


def test_a_diverging_run_says_why_in_both_languages(
    page: Page, server_url: str, console: Console
) -> None:
    open_data(page, server_url, "#data?set=line&lr=3&steps=50")
    item = q("outcomes") + " li"
    assert page.eval_on_selector(item, "el => el.className") == "status-diverged"
    english = page.text_content(item) or ""
    assert "diverged" in english
    assert "lr < 2/" in english  # the why: the step size against the curvature
    page.click("[data-lang=zh]")
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('发散')", arg=item
    )
    assert console.errors == []


def test_a_hidden_view_stops_and_runs_again_when_shown(
    page: Page, server_url: str, console: Console
) -> None:
    predicts: list[str] = []
    page.on("request", lambda r: predicts.append(r.url) if r.url.endswith("/predict") else None)
    page.goto(f"{server_url}/#data?set=moons&steps=2000")
    page.wait_for_selector(f"{DATA}[data-progress=running]", state="attached", timeout=30_000)
    page.click("[data-view-link=descent]")
    page.wait_for_selector(f"{DATA}[data-progress=paused]", state="attached")
    asked = len(predicts)
    page.wait_for_timeout(800)
    assert len(predicts) == asked  # nothing is asked for while hidden
    page.click("[data-view-link=data]")
    wait_finished(page)
    assert len(predicts) > asked
    assert hash_params(page)["steps"] == "2000"
    assert console.errors == []


def test_the_state_lives_in_the_url(page: Page, server_url: str, console: Console) -> None:
    hash_ = "#data?set=blobs&classes=4&noise=0.3&model=svm&lr=0.2&steps=40&batch=8&ax=W[1,0];b[1]"
    open_data(page, server_url, hash_)
    values = page.evaluate(
        """sel => Object.fromEntries([...document.querySelectorAll(sel + ' [data-role]')]
               .filter(el => 'value' in el && el.type !== 'file' && el.tagName !== 'BUTTON')
               .map(el => [el.dataset.role, el.value]))""",
        DATA,
    )
    assert values["set"] == "blobs"
    assert values["model"] == "svm"
    assert (values["lr"], values["steps"], values["batch"]) == ("0.2", "40", "8")
    assert (values["axis-x"], values["axis-y"]) == ("W[1,0]", "b[1]")
    classes = page.input_value(f"{DATA} [data-param=classes]")
    assert classes == "4"
    assert len(tagged(page, "plot-data", "points")) == 4
    assert page.get_attribute(q("svm-link"), "href") == (
        "#svm?set=blobs&noise=0.3&classes=4&from=trained&opt=sgd&lr=0.2&steps=40&l2=0&batch=8"
    )
    page.select_option(q("model"), "softmax")
    page.wait_for_function("() => location.hash.includes('model=softmax')")
    wait_finished(page)
    page.go_back()
    page.wait_for_function(
        "sel => document.querySelector(sel).value === 'svm'", arg=q("model"), timeout=30_000
    )
    wait_finished(page)
    assert hash_params(page)["ax"] == "W[1,0];b[1]"
    assert console.errors == []
