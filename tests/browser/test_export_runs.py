"""Export of runs from every view that runs something: the data view (Train and the mini-batch
comparison), the network view, the conditioning race and the experiments. Each downloaded JSON
holds the request it was made from; the test posts that request to the API itself and checks
that the JSON and the CSV hold the API's numbers, in the columns the README describes, with the
parameter names that POST /objectives/describe gives."""

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page

from tests.browser.conftest import Console
from tests.browser.helpers import CONDITIONING, role

EXPORT = "[data-export-dialog]"
RUNS = f"{EXPORT} [data-role=export-runs]"
EN = json.loads(
    (Path(__file__).resolve().parents[2] / "app" / "i18n" / "en.json").read_text(encoding="utf-8")
)
KEYS = ("steps", "points", "loss", "status", "steps_taken")


def open_export(page: Page) -> list[str]:
    """Open the Export dialog; the names of the runs it offers."""
    page.click("[data-role=export-open]")
    page.wait_for_selector(f"{EXPORT}[open]")
    names: list[str] = page.eval_on_selector_all(
        f"{RUNS} li .export-name", "s => s.map(e => e.textContent)"
    )
    return names


def download(page: Page, run: int, fmt: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(f"{RUNS} button[data-run='{run}'][data-format={fmt}]")
    path = info.value.path()
    assert path is not None
    return info.value.suggested_filename, path.read_bytes()


def post(server_url: str, path: str, body: dict[str, Any]) -> Any:
    reply = httpx.post(f"{server_url}{path}", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def cell(text: str) -> float | None:
    return None if text == "" else float(text)


def check_run(
    page: Page, server_url: str, run: int, file: str, *, final: bool = False
) -> dict[str, Any]:
    """Download run `run` as JSON and CSV (named gdviz-`file`.*), replay its request against the
    API and compare; returns the request."""
    name, data = download(page, run, "json")
    assert name == f"gdviz-{file}.json"
    got = json.loads(data)
    request: dict[str, Any] = got["request"]
    assert request["format"] == "lists"  # the request the numbers were asked with
    expected = post(server_url, "/api/v1/runs", request)["trajectories"]
    assert len(got["trajectories"]) == len(expected) > 0
    for mine, theirs in zip(got["trajectories"], expected, strict=True):
        for key in KEYS:
            assert mine[key] == theirs[key], key

    names = post(server_url, "/api/v1/objectives/describe", {"objective": request["objective"]})[
        "names"
    ]
    per_start = [  # settings given one per start get a column each
        (key, value)
        for key, value in request["optimizer"].items()
        if isinstance(value, list) and len(value) == len(expected) and key != "betas"
    ]
    name, data = download(page, run, "csv")
    assert name == f"gdviz-{file}.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    own = [key for key, _ in per_start]
    if final:
        assert rows[0] == ["trajectory", *own, "step", "loss", *names]
    else:
        assert rows[0] == ["trajectory", *own, "step", *names, "loss"]
    want: list[list[Any]] = []
    for k, traj in enumerate(expected):
        settings = [value[k] for _, value in per_start]
        last = len(traj["steps"]) - 1
        for i, step in enumerate(traj["steps"]):
            point = traj["points"][i] if not final or i == last else [None] * len(names)
            loss = traj["loss"][i]
            want.append([k + 1, *settings, step, *([loss, *point] if final else [*point, loss])])
    got_rows = [[cell(v) for v in row] for row in rows[1:]]
    assert got_rows == want  # the same doubles, not just close ones; empty where left out
    assert all(v is None or math.isfinite(v) for row in got_rows for v in row)
    return request


def test_the_data_view_exports_its_run(page: Page, server_url: str, console: Console) -> None:
    page.emulate_media(reduced_motion="reduce")  # each run shown whole as soon as it has streamed
    page.goto(f"{server_url}/#data?set=moons&n=60&model=logistic&lr=0.5&steps=40")
    page.wait_for_selector("[data-view=data][data-progress=finished]", state="attached")
    assert open_export(page) == ["All trajectories"]
    request = check_run(page, server_url, 0, "data-trajectories")
    objective = request["objective"]
    assert (objective["model"], objective["dataset"]["name"]) == ("logistic", "moons")
    assert (request["optimizer"]["lr"], request["steps"]) == (0.5, 40)
    assert console.errors == []


def test_the_mini_batch_comparison_exports_its_three_runs(
    page: Page, server_url: str, console: Console
) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{server_url}/#data?tab=compare&set=moons&n=60&batch=8&steps=30")
    page.wait_for_selector("[data-view=data][data-progress=finished]", state="attached")
    assert open_export(page) == [
        EN["page.data.run_full"],
        EN["page.data.run_mini"].replace("{B}", "8"),
        EN["page.data.run_one"],
    ]
    full = check_run(page, server_url, 0, "data-full-batch")
    assert "batch" not in full["objective"]
    mini = check_run(page, server_url, 1, "data-mini-batch-8")
    assert mini["objective"]["batch"]["size"] == 8
    assert console.errors == []


def test_the_network_view_exports_the_loss_per_step_and_the_final_weights(
    page: Page, server_url: str, console: Console
) -> None:
    page.goto(f"{server_url}/#network?set=xor&n=40&hidden=3&steps=30&count=2")
    page.wait_for_selector(
        "[data-view=network][data-progress=finished]", state="attached", timeout=60_000
    )
    assert open_export(page) == ["All trajectories"]
    request = check_run(page, server_url, 0, "network-trajectories", final=True)
    assert request["objective"]["network"]["hidden"] == [3]
    assert request["init"]["count"] == 2
    assert console.errors == []


def test_the_conditioning_race_exports_its_two_requests(
    page: Page, server_url: str, console: Console
) -> None:
    page.goto(f"{server_url}/#conditioning?dim=3&k=10&steps=40")
    page.wait_for_function(
        "sel => Number(document.querySelector(sel).dataset.drawn || 0) > 0",
        arg=CONDITIONING,
        timeout=60_000,
    )
    assert open_export(page) == ["Gradient descent and Heavy-ball momentum (one SGD run)", "Adam"]
    sgd = check_run(page, server_url, 0, "conditioning-sgd")  # lr and momentum columns
    assert sgd["optimizer"]["momentum"][0] == 0
    adam = check_run(page, server_url, 1, "conditioning-adam")
    assert adam["starts"] == sgd["starts"][:1]
    assert console.errors == []


def test_the_learning_rate_sweep_exports_a_rate_per_trajectory(
    page: Page, server_url: str, console: Console
) -> None:
    page.goto(f"{server_url}/#experiments?exp=sweep&obj=bowl&opt=sgd&steps=30")
    page.wait_for_function(
        "sel => document.querySelector(sel).dataset.drawn === 'sweep'",
        arg="[data-view=experiments]",
        timeout=60_000,
    )
    assert open_export(page) == ["All trajectories"]
    request = check_run(page, server_url, 0, "experiments-sweep")
    assert len(request["optimizer"]["lr"]) == len(request["starts"]) > 1
    page.keyboard.press("Escape")
    assert page.is_visible(role("plot-sweep", "[data-view=experiments]"))
    assert console.errors == []
