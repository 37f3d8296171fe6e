"""POST /api/v1/runs/stream against the real uvicorn server, read incrementally as SSE."""

import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from tests.api.helpers import (
    RUNS,
    STREAM,
    SSEEvent,
    health,
    long_run_body,
    parse_sse,
    run_body,
    strict_json,
    wait_for_idle,
)
from tests.conftest import start_server


def stream_events(
    client: httpx.Client, body: dict[str, Any], last_event_id: str | None = None
) -> list[SSEEvent]:
    """The whole event stream of a run."""
    headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
    with client.stream("POST", STREAM, json=body, headers=headers) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/event-stream")
        return list(parse_sse(reply.iter_lines()))


def split(events: list[SSEEvent]) -> tuple[list[SSEEvent], dict[str, Any]]:
    """Frames, then the summary, which must be the last event and the only non-frame."""
    *frames, summary = events
    assert summary.event == "summary"
    assert summary.id is None
    for frame in frames:
        assert frame.event == "frame"
        assert frame.id is not None
    data: dict[str, Any] = strict_json(summary.data)
    return frames, data


def by_trajectory(frames: list[SSEEvent], k: int) -> list[dict[str, list[Any]]]:
    """Regroup frames (one per step, rows of several trajectories) into k trajectories."""
    out: list[dict[str, list[Any]]] = [
        {"steps": [], "points": [], "loss": [], "grad": []} for _ in range(k)
    ]
    for frame in frames:
        data = strict_json(frame.data)
        grads = data.get("grad", [None] * len(data["index"]))
        for i, point, loss, grad in zip(
            data["index"], data["points"], data["loss"], grads, strict=True
        ):
            t = out[i]
            t["steps"].append(data["step"])
            t["points"].append(point)
            t["loss"].append(loss)
            if grad is not None:
                t["grad"].append(grad)
    return out


@pytest.fixture(scope="module")
def other_server() -> Iterator[str]:
    """A second, independent server process."""
    proc: subprocess.Popen[bytes]
    proc, url = start_server()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_frames_and_summary_format(client: httpx.Client) -> None:
    body = run_body(starts=[[1.0, -2.0], [0.5, 0.5]], every=2)
    with client.stream("POST", STREAM, json=body) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert reply.headers["cache-control"] == "no-cache"
        lines = list(reply.iter_lines())
    assert lines[:6] == [
        ": gdviz run stream",
        "",
        "id: 0",
        "event: frame",
        'data: {"step":0,"index":[0,1],"points":[[1.0,-2.0],[0.5,0.5]],"loss":[5.0,0.5]}',
        "",
    ]
    frames, summary = split(list(parse_sse(lines)))
    assert [f.id for f in frames] == ["0", "2", "4", "5"]
    for frame in frames:
        data = frame.json()
        assert str(data["step"]) == frame.id
        assert data["index"] == [0, 1]
        expected = np.array([[1.0, -2.0], [0.5, 0.5]]) * 0.8 ** data["step"]
        np.testing.assert_allclose(data["points"], expected, rtol=0, atol=1e-12)
    ends = summary["trajectories"]
    assert len(ends) == 2
    for end, start in zip(ends, ([1.0, -2.0], [0.5, 0.5]), strict=True):
        assert end["status"] == "max_steps"
        assert end["steps_taken"] == 5
        np.testing.assert_allclose(end["point"], np.array(start) * 0.8**5, atol=1e-12)
        assert end["message"].startswith("stopped after 5 steps without converging")


def test_summary_reports_each_trajectory_status(client: httpx.Client) -> None:
    body = run_body(
        objective={"surface": "bowl"},
        optimizer={"name": "sgd", "lr": 0.1},
        starts=[[0.0, 0.0], [1.0, -2.0], [1.0, 1.0]],
        steps=40,
    )
    frames, summary = split(stream_events(client, body))
    statuses = [t["status"] for t in summary["trajectories"]]
    assert statuses == ["converged", "max_steps", "max_steps"]
    assert summary["trajectories"][0]["message"].startswith("converged at step 0")
    # The converged trajectory is recorded once, at step 0, and then leaves the frames.
    assert frames[0].json()["index"] == [0, 1, 2]
    assert frames[1].json()["index"] == [1, 2]
    diverging = run_body(optimizer={"name": "sgd", "lr": 1.5}, steps=100)
    frames, summary = split(stream_events(client, diverging))
    [end] = summary["trajectories"]
    assert end["status"] == "diverged"
    assert "diverged at step 10" in end["message"]
    assert "lr < 2/2 = 1" in end["message"]
    assert [f.id for f in frames] == [str(n) for n in range(10)]


STREAM_CASES = {
    "himmelblau adam gaussian": {
        "objective": {"surface": "himmelblau"},
        "optimizer": {"name": "adam", "lr": 0.05},
        "init": {"kind": "gaussian", "count": 40, "std": 2.5, "seed": 3},
        "steps": 600,
        "every": 3,
        "tol": 1e-4,
        "include_grad": True,
    },
    "mixed outcomes": {
        "objective": {"surface": "double_well"},
        "optimizer": {"name": "sgd", "lr": 0.3, "momentum": 0.5},
        "init": {"kind": "grid", "shape": [7, 5]},
        "steps": 200,
    },
    "rosenbrock rmsprop": {
        "objective": {"surface": "rosenbrock"},
        "optimizer": {"name": "rmsprop", "lr": 0.01, "centered": True, "momentum": 0.3},
        "starts": [[-1.5, 2.0], [0.0, 0.0], [1.5, -0.5]],
        "steps": 1000,
        "every": 7,
    },
}


@pytest.mark.parametrize("body", list(STREAM_CASES.values()), ids=list(STREAM_CASES))
def test_stream_reproduces_the_run_exactly(client: httpx.Client, body: dict[str, Any]) -> None:
    reply = client.post(RUNS, json=body)
    assert reply.status_code == 200
    expected = strict_json(reply.text)["trajectories"]
    frames, summary = split(stream_events(client, body))
    steps = [int(f.id or "") for f in frames]
    assert steps == sorted(set(steps))
    streamed = by_trajectory(frames, len(expected))
    for want, got, end in zip(expected, streamed, summary["trajectories"], strict=True):
        assert got["steps"] == want["steps"]
        assert got["points"] == want["points"]
        assert got["loss"] == want["loss"]
        assert got["grad"] == want.get("grad", [])
        for key in ("status", "steps_taken", "grad_norm", "message"):
            assert end[key] == want[key]
        assert end["point"] == want["points"][-1]
        assert end["loss"] == want["loss"][-1]
    statuses = {t["status"] for t in expected}
    if body["objective"]["surface"] == "double_well":
        assert statuses == {"converged", "diverged"}


def test_first_frame_arrives_while_the_run_is_still_going(client: httpx.Client) -> None:
    wait_for_idle(client)
    body = long_run_body()
    start = time.monotonic()
    with client.stream("POST", STREAM, json=body) as reply:
        assert reply.status_code == 200
        events = parse_sse(reply.iter_lines())
        first = next(events)
        waited = time.monotonic() - start
        state = health(client)
        second = next(events)
    assert state["active_streams"] >= 1
    assert waited < 5.0
    assert (first.event, first.id, second.event, second.id) == ("frame", "0", "frame", "25")
    data = first.json()
    assert data["index"] == list(range(2000))
    # Rastrigin's domain is centred on the origin: the starts are N(0, I) draws with seed 7.
    draws = np.random.default_rng(7).standard_normal((2000, 2))
    np.testing.assert_array_equal(data["points"], draws)
    wait_for_idle(client)


RESUME_BODY = {
    "objective": {"surface": "himmelblau"},
    "optimizer": {"name": "sgd", "lr": 0.001},
    "init": {"kind": "gaussian", "count": 30, "std": 2.0, "seed": 11},
    "steps": 400,
    "tol": 1e-3,
}


def read_until(client: httpx.Client, body: dict[str, Any], k: int) -> list[SSEEvent]:
    """Read frames up to and including step k, then hang up."""
    seen: list[SSEEvent] = []
    with client.stream("POST", STREAM, json=body) as reply:
        assert reply.status_code == 200
        for event in parse_sse(reply.iter_lines()):
            seen.append(event)
            if event.id == str(k):
                break
    return seen


@pytest.mark.parametrize("k", [0, 1, 137, 200, 399])
def test_resume_after_disconnect_continues_exactly(
    client: httpx.Client, other_server: str, k: int
) -> None:
    full = stream_events(client, RESUME_BODY)
    frames, summary = split(full)
    assert len(frames) == 401
    assert {t["status"] for t in summary["trajectories"]} == {"converged", "max_steps"}
    head = read_until(client, RESUME_BODY, k)
    assert [e.data for e in head] == [f.data for f in frames[: k + 1]]
    tail = [e for e in full if e.id is None or int(e.id) > k]
    with httpx.Client(base_url=other_server, timeout=60) as other:
        for resumer in (client, other):
            resumed = stream_events(resumer, RESUME_BODY, last_event_id=str(k))
            assert [e.id for e in resumed] == [e.id for e in tail]
            assert [e.event for e in resumed] == [e.event for e in tail]
            assert [e.data for e in resumed] == [e.data for e in tail]


def test_resume_at_or_past_the_end_sends_only_the_summary(client: httpx.Client) -> None:
    body = run_body(steps=10)
    full = stream_events(client, body)
    for last in ("10", "11", "1000000"):
        assert stream_events(client, body, last_event_id=last) == full[-1:]
    for everything in ("-1", ""):
        assert stream_events(client, body, last_event_id=everything) == full


def test_disconnect_stops_the_work(client: httpx.Client) -> None:
    wait_for_idle(client)
    with client.stream("POST", STREAM, json=long_run_body()) as reply:
        assert reply.status_code == 200
        events = parse_sse(reply.iter_lines())
        assert [next(events).id, next(events).id] == ["0", "25"]
        assert health(client)["active_streams"] == 1
    wait_for_idle(client, within=2.0)
    sent = health(client)["frames_sent"]
    time.sleep(0.3)
    assert health(client)["frames_sent"] == sent


def test_disconnect_stops_a_resumed_stream(client: httpx.Client) -> None:
    wait_for_idle(client)
    body = {
        "objective": {"surface": "ackley"},
        "optimizer": {"name": "adamw", "lr": 1e-6},
        "init": {"kind": "gaussian", "count": 10_000, "seed": 7},
        "steps": 10_000,
        "every": 10_000,
    }
    with client.stream("POST", STREAM, json=body, headers={"Last-Event-ID": "9999"}) as reply:
        assert reply.status_code == 200
        lines = reply.iter_lines()  # keep it: a discarded iterator closes the response
        assert next(lines) == ": gdviz run stream"
        time.sleep(0.2)
        assert health(client)["active_streams"] == 1
    # Wait for the server to be idle whatever happens, so that later tests start clean.
    drained = wait_for_idle(client, within=60.0)
    assert drained < 2.0, f"the abandoned stream kept computing for {drained:.1f} s"


class SlowReader(threading.Thread):
    """Reads one long stream a frame at a time, pausing between frames, until told to stop."""

    def __init__(self, url: str, body: dict[str, Any], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url, self.body, self.stop = url, body, stop
        self.started = threading.Event()
        self.frames = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with (
                httpx.Client(base_url=self.url, timeout=60) as client,
                client.stream("POST", STREAM, json=self.body) as reply,
            ):
                assert reply.status_code == 200
                for event in parse_sse(reply.iter_lines()):
                    assert event.event == "frame"
                    self.frames += 1
                    self.started.set()
                    if self.stop.wait(0.05):
                        break
        except BaseException as exc:
            self.error = exc
            self.started.set()


def test_other_requests_stay_fast_during_30_streams(client: httpx.Client, server_url: str) -> None:
    wait_for_idle(client)
    stop = threading.Event()
    readers = [SlowReader(server_url, long_run_body(), stop) for _ in range(30)]
    try:
        for reader in readers:
            reader.start()
        for reader in readers:
            assert reader.started.wait(30)
            assert reader.error is None, reader.error
        assert health(client)["active_streams"] == 30
        for _ in range(5):
            for path in ("/healthz", "/api/v1/surfaces"):
                start = time.perf_counter()
                reply = client.get(path, timeout=5)
                elapsed = time.perf_counter() - start
                assert reply.status_code == 200
                assert elapsed < 0.5, f"{path} took {elapsed:.3f} s"
            assert len(reply.json()) >= 12
            time.sleep(0.1)
        assert health(client)["active_streams"] == 30
    finally:
        stop.set()
        for reader in readers:
            reader.join(10)
    assert all(not reader.is_alive() for reader in readers)
    assert [r.error for r in readers] == [None] * 30
    assert all(r.frames >= 2 for r in readers)
    wait_for_idle(client, within=3.0)
