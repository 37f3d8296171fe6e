"""The Network view in a real browser: a 2-16-16-1 network learns XOR live; zero initialization
keeps every hidden unit identical; six sigmoid layers starve the first layer of δ; the gradient
check of every layer says fine; pausing (and hiding the view) stops the stream and resumes it;
a sample and a unit chosen by keyboard read out the API's z, a and δ; Chinese labels after a
switch; no console errors."""

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, screenshot
from tests.browser.helpers import hash_params, role

NETWORK = "[data-view=network]"


def q(name: str) -> str:
    return role(name, NETWORK)


def open_network(page: Page, server_url: str, hash_: str) -> None:
    """Open the view at `hash_` and wait until its runs have streamed to the end."""
    page.goto(f"{server_url}/{hash_}")
    wait_finished(page)


def wait_finished(page: Page) -> None:
    page.wait_for_selector(f"{NETWORK}[data-progress=finished]", state="attached", timeout=60_000)


def wait_drawn_at(page: Page, step: int) -> None:
    """Wait until the drawn network shows the weights of `step`."""
    page.wait_for_selector(f"{q('network')}[data-step='{step}']", state="attached")


def metric(page: Page, name: str, step: int) -> float:
    """A number of the metrics bar once it describes `step` (a probe of that step came back)."""
    selector = f"{q('metrics')} [data-role={name}][data-step='{step}']"
    page.wait_for_selector(selector, state="attached", timeout=30_000)
    value: str = page.eval_on_selector(selector, "el => el.dataset.value")
    return float(value)


def weights(page: Page, layer: int) -> list[list[float]]:
    """W^layer as drawn: one row per unit, from the lines' data-w."""
    rows: list[list[float]] = page.eval_on_selector_all(
        f"{q('network')} line[data-layer='{layer}']",
        """lines => { const rows = [];
                      for (const l of lines) {
                        const i = Number(l.dataset.i), j = Number(l.dataset.j);
                        (rows[i] ??= [])[j] = Number(l.dataset.w);
                      }
                      return rows; }""",
    )
    return rows


def traces(page: Page, plot: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = page.evaluate(
        """sel => (document.querySelector(sel).data || []).map(t => ({
               meta: t.meta ?? null, x: Array.from(t.x ?? []), y: Array.from(t.y ?? []) }))""",
        q(plot),
    )
    return data


def test_a_2_16_16_1_network_learns_xor(page: Page, server_url: str, console: Console) -> None:
    open_network(page, server_url, "#network?set=xor&hidden=16,16&act=tanh")
    units = page.eval_on_selector_all(
        f"{q('network')} circle.net-unit", "cs => cs.map(c => Number(c.dataset.layer))"
    )
    assert [units.count(layer) for layer in range(4)] == [2, 16, 16, 1]
    assert metric(page, "train-acc", 500) >= 0.95
    assert metric(page, "test-acc", 500) >= 0.9
    assert 0 < metric(page, "train-loss", 500) < 0.05
    images = page.eval_on_selector(
        q("plot-regions"), "el => (el.layout.images || []).map(i => i.name)"
    )
    assert images == ["net:regions"]  # the probabilities, under the data
    assert {t["meta"] for t in traces(page, "plot-curves")} >= {
        "net:loss:0",
        "net:test-loss",
        "net:train-acc",
        "net:test-acc",
    }
    # Point at a sample, then at a unit: its z, a and δ for that sample.
    box = page.locator(f"{q('plot-regions')} .nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.wait_for_selector(f"{q('network')} circle.net-unit[style*=fill]", state="attached")
    page.hover(f"{q('network')} circle[data-layer='2'][data-unit='5']")
    readout = page.text_content(q("unit-readout")) or ""
    assert "z = " in readout
    assert "δ = " in readout
    assert hash_params(page)["set"] == "xor"
    screenshot(page, "network-xor")
    assert console.errors == []


def test_zero_initialization_keeps_the_hidden_units_identical(
    page: Page, server_url: str, console: Console
) -> None:
    page.goto(f"{server_url}/#network?steps=50")
    wait_finished(page)
    page.click(f"{NETWORK} [data-lesson=symmetry]")
    page.wait_for_function("() => location.hash.includes('lesson=symmetry')")
    wait_finished(page)
    wait_drawn_at(page, 400)
    for layer in (1, 2):
        rows = weights(page, layer)
        assert len(rows) == 8
        assert all(row == rows[0] for row in rows), f"layer {layer}: {rows}"
    assert any(w != 0 for w in weights(page, 1)[0])  # they moved, together
    page.wait_for_selector(f"{q('lesson-result')} li[data-variant=a][data-flag=same]")
    page.wait_for_selector(f"{q('lesson-result')} li[data-variant=b][data-flag=differ]")
    screenshot(page, "network-symmetry")
    assert console.errors == []


def test_six_sigmoid_layers_starve_the_first_layer_of_delta(
    page: Page, server_url: str, console: Console
) -> None:
    open_network(page, server_url, "#network?lesson=depth")
    wait_drawn_at(page, 400)
    norms = {t["meta"]: t["y"] for t in traces(page, "plot-norms")}
    first, last = norms["net:delta_norm:1"], norms["net:delta_norm:7"]
    assert len(first) == len(last) > 10
    assert all(a < b for a, b in zip(first, last, strict=True))  # at every recorded step
    assert first[-1] < 1e-3 * last[-1]
    page.wait_for_selector(f"{q('lesson-result')} li[data-variant=a][data-flag=vanishing]")
    page.wait_for_selector(f"{q('lesson-result')} li[data-variant=b][data-flag=flowing]")
    assert console.errors == []


def test_the_gradient_check_of_every_layer_is_fine(
    page: Page, server_url: str, console: Console
) -> None:
    open_network(page, server_url, "#network?set=xor&steps=100&tab=gradcheck")
    page.click(q("gradcheck"))
    page.wait_for_selector(f"{NETWORK}[data-checked='100']", state="attached", timeout=30_000)
    verdicts = page.eval_on_selector_all(
        f"{q('gc-table')} tbody tr", "rows => rows.map(r => [r.dataset.layer, r.dataset.verdict])"
    )
    assert verdicts == [["1", "fine"], ["2", "fine"], ["3", "fine"]]
    assert "fine" in (page.text_content(q("gc-status")) or "")
    assert console.errors == []


def test_the_landscape_shows_the_path_on_its_pca_plane(
    page: Page, server_url: str, console: Console
) -> None:
    open_network(page, server_url, "#network?set=xor&steps=200")
    page.click(q("landscape"))
    page.wait_for_selector(f"{NETWORK}[data-landscape='200']", state="attached", timeout=30_000)
    path = next(t for t in traces(page, "plot-land-contour") if t["meta"] == "net:land-path")
    assert len(path["x"]) > 10
    extent = max(map(abs, path["x"] + path["y"]))
    assert abs(path["x"][-1]) < 1e-4 * extent  # the plane's (0, 0) is the last point
    assert abs(path["y"][-1]) < 1e-4 * extent
    assert any(t["meta"] == "net:land-surface" for t in traces(page, "plot-land-surface"))
    assert console.errors == []


# Runs take well under a second, so a person can pause them but a test must be quicker: this
# acts (once) the moment the drawn network first shows a step, from inside the page.
ON_FIRST_STEP = """
(action) => {
  const target = document.querySelector('[data-view=network] [data-role=network]');
  const seen = target.dataset.step;
  const watch = new MutationObserver(() => {
    if (target.dataset.step === seen) return;
    watch.disconnect();
    if (action === 'pause') document.querySelector('[data-view=network] [data-role=pause]').click();
    else location.hash = '#descent';
  });
  watch.observe(target, { attributes: true, attributeFilter: ['data-step'] });
}
"""


def shown_step(page: Page) -> int:
    step: int = page.eval_on_selector(q("network"), "el => Number(el.dataset.step)")
    return step


def test_pause_and_a_hidden_view_stop_the_stream(
    page: Page, server_url: str, console: Console
) -> None:
    open_network(page, server_url, "#network?set=xor&n=100&steps=50")
    page.evaluate(ON_FIRST_STEP, "pause")
    page.fill(q("steps"), "3900")
    page.dispatch_event(q("steps"), "change")
    page.click(q("run"))
    page.wait_for_selector(f"{NETWORK}[data-progress=paused]", state="attached")
    paused = shown_step(page)
    assert 0 <= paused < 3900
    page.wait_for_timeout(300)
    assert shown_step(page) == paused
    page.evaluate(ON_FIRST_STEP, "hide")
    page.click(q("pause"))  # resume: the server replays the run and sends the frames after `paused`
    page.wait_for_url("**/#descent")
    page.wait_for_selector(f"{NETWORK}[data-progress=paused]", state="attached")
    hidden = shown_step(page)
    page.wait_for_timeout(300)
    assert shown_step(page) == hidden < 3900
    page.go_back()  # shown again: it goes on by itself
    wait_finished(page)
    steps = next(t for t in traces(page, "plot-curves") if t["meta"] == "net:loss:0")["x"]
    assert steps == sorted(set(steps))  # nothing twice, nothing missing at the ends
    assert steps[0] == 0
    assert steps[-1] == 3900
    assert console.errors == []


def test_chinese_labels_after_switching(page: Page, server_url: str, console: Console) -> None:
    open_network(page, server_url, "#network?set=xor&steps=100")
    page.click("[data-lang=zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    assert page.text_content("[data-view-link=network]") == "神经网络"
    assert page.text_content(f"{NETWORK} [data-lesson=depth]") == "6 层深：sigmoid 与 ReLU"
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('训练准确率')", arg=q("metrics")
    )
    labels = page.eval_on_selector_all(
        f"{q('network')} .net-layer-label",
        "els => els.map(e => [...e.querySelectorAll('tspan')].map(s => s.textContent))",
    )
    assert labels[0] == ["输入", "2 个特征"]
    assert labels[-1] == ["输出", "1 × sigmoid"]
    assert "损失与准确率" in page.eval_on_selector(q("plot-curves"), "el => el.layout.title.text")
    text = page.text_content(NETWORK) or ""
    assert "page.net." not in text
    screenshot(page, "network-zh")
    assert console.errors == []


def test_a_lesson_link_opens_the_network_it_describes(
    page: Page, server_url: str, console: Console
) -> None:
    # The link of the lesson "A sigmoid network and its four equations" (app/lessons/*/10-*.md).
    open_network(page, server_url, "#network?set=moons&hidden=8&act=sigmoid&init=gaussian")
    assert page.input_value(q("dataset")) == "moons"
    layers = page.eval_on_selector_all(
        f"{q('layers')} li",
        """rows => rows.map(r => [r.querySelector('[data-role=units]').value,
                                   r.querySelector('[data-role=activation]').value])""",
    )
    assert layers == [["8", "sigmoid"]]
    assert page.input_value(q("init")) == "gaussian"
    assert len(weights(page, 1)) == 8
    assert console.errors == []


SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def readout_number(text: str) -> float:
    """A number as the readout writes it: "0.1234", "-1,234", "1.23×10⁻⁴"."""
    mantissa, _, exponent = text.replace(",", "").partition("×10")
    return float(mantissa) * 10.0 ** int(exponent.translate(SUPERSCRIPT) or 0)


def post(server_url: str, path: str, body: dict[str, Any]) -> Any:
    reply = httpx.post(f"{server_url}{path}", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def focused(page: Page) -> dict[str, str]:
    """The data attributes of the element with the focus, and whether its focus shows."""
    found: dict[str, str] = page.evaluate(
        """() => ({ ...document.activeElement.dataset,
                   visible: String(document.activeElement.matches(':focus-visible')) })"""
    )
    return found


def wait_readout(page: Page, *parts: str) -> list[str]:
    """The readout's lines once they contain each of `parts`."""
    page.wait_for_function(
        "([sel, parts]) => parts.every(p => document.querySelector(sel).innerText.includes(p))",
        arg=[q("unit-readout"), list(parts)],
    )
    return page.inner_text(q("unit-readout")).splitlines()


def test_a_sample_and_a_unit_chosen_by_keyboard_read_as_the_api_says(
    page: Page, server_url: str, console: Console
) -> None:
    open_network(page, server_url, "#network?set=xor&n=60&hidden=4&act=tanh&steps=80")
    # The oracle: the page's request run again by the API, its last point, and the sample's
    # units there as /network/unit gives them.
    body = page.evaluate(
        "() => import('/static/js/network.js').then(m => m.exportRuns().runs[0].body)"
    )
    run = post(server_url, "/api/v1/runs", {**body, "format": "lists"})
    point = run["trajectories"][0]["points"][-1]
    objective = body["objective"]
    X = post(server_url, "/api/v1/datasets/sample", {"dataset": objective["dataset"]})["X"]
    index = 7  # the eighth sample: typed 7, then one press of the up arrow
    unit = post(
        server_url, "/api/v1/network/unit", {"objective": objective, "point": point, "x": X[index]}
    )
    # The sample box: type a number, step with the arrow.
    page.focus(q("sample"))
    page.keyboard.type("7")
    page.keyboard.press("ArrowUp")
    assert page.input_value(q("sample")) == "8"
    # Tab goes on to the network's units: the first input, read out.
    page.keyboard.press("Tab")
    assert focused(page) == {"layer": "0", "unit": "0", "visible": "true"}
    lines = wait_readout(page, "Input x0", "x = ")
    assert readout_number(lines[1].removeprefix("x = ")) == pytest.approx(X[index][0], rel=5e-3)
    # Right to the hidden layer, down to its second unit: z, a and δ of the eighth sample.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert focused(page) == {"layer": "1", "unit": "1", "visible": "true"}
    lines = wait_readout(page, "Layer 1, unit 1", "z = ", "sample 8")
    found = re.fullmatch(r"z = (\S+) · a = (\S+) · δ = (\S+)", lines[1])
    assert found is not None, lines
    for text, key in zip(found.groups(), ("z", "a", "delta"), strict=True):
        expected = unit[key][0][1]
        assert readout_number(text) == pytest.approx(expected, rel=5e-3, abs=1e-12), key
    assert f"at step {run['trajectories'][0]['steps'][-1]}" in lines[2]
    # The weights into that unit, as the run ended: W1[1, :] and b1[1].
    hidden = 4
    w = point[2:4]
    b = point[2 * hidden + 1]
    weights = re.fullmatch(r"weights in: (\S+), (\S+); bias (\S+)", lines[3])
    assert weights is not None, lines
    assert [readout_number(v) for v in weights.groups()] == pytest.approx([*w, b], rel=5e-3)
    # The units are one stop of Tab: back to the box and on again lands on the unit last read.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.dataset.role") == "sample"
    page.keyboard.press("Tab")
    assert focused(page) == {"layer": "1", "unit": "1", "visible": "true"}
    # Leaving the units puts the readout back to the chosen sample.
    page.keyboard.press("Shift+Tab")
    wait_readout(page, "Sample 8 chosen")
    assert console.errors == []
