"""Helpers shared by the API tests: request bodies, a tiny SSE parser, strict JSON checks."""

import base64
import json
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt

RUNS = "/api/v1/runs"
STREAM = "/api/v1/runs/stream"


def run_body(**overrides: Any) -> dict[str, Any]:
    """SGD (lr = 0.1) on the bowl from [1, -2] for 5 steps; keyword arguments replace fields.

    A value of None removes the field.
    """
    body: dict[str, Any] = {
        "objective": {"surface": "bowl"},
        "optimizer": {"name": "sgd", "lr": 0.1},
        "starts": [[1.0, -2.0]],
        "steps": 5,
    }
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def long_run_body(count: int = 2000, steps: int = 10_000, every: int = 25) -> dict[str, Any]:
    """A run that takes seconds: many starts on Rastrigin with a step too small to converge.

    The defaults respect the budget: 2000 starts × 10,000 steps = 2e7 point-steps (cap 1e8) and
    2000 × (10,000/25 + 2) = 804,000 recorded points (cap 1e6).
    """
    return {
        "objective": {"surface": "rastrigin"},
        "optimizer": {"name": "sgd", "lr": 1e-6},
        "init": {"kind": "gaussian", "count": count, "seed": 7},
        "steps": steps,
        "every": every,
    }


@dataclass(frozen=True)
class SSEEvent:
    """One dispatched Server-Sent Event."""

    event: str
    data: str
    id: str | None

    def json(self) -> Any:
        """The data field parsed as JSON."""
        return json.loads(self.data)


def parse_sse(lines: Iterable[str]) -> Iterator[SSEEvent]:
    """Dispatch events from SSE lines (without their line endings), as the HTML spec says.

    Comments (lines starting with ':') are skipped; a blank line ends an event; an event with
    no data is not dispatched; an unterminated event at the end of the stream is dropped.
    """
    name, event_id = "message", None
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield SSEEvent(name, "\n".join(data), event_id)
            name, data, event_id = "message", [], None
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field == "id":
            event_id = value


def reject_constant(name: str) -> Any:
    """json.loads hook: fail on NaN, Infinity and -Infinity."""
    raise AssertionError(f"non-finite number {name} in JSON")


def strict_json(text: str) -> Any:
    """Parse JSON that must not contain NaN or ±Infinity."""
    return json.loads(text, parse_constant=reject_constant)


def assert_all_finite(value: Any, path: str = "$") -> None:
    """Every number in a parsed JSON value is finite, and no value is null."""
    assert value is not None, f"null at {path}"
    if isinstance(value, dict):
        for key, item in value.items():
            assert_all_finite(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_all_finite(item, f"{path}[{i}]")
    elif isinstance(value, float):
        assert math.isfinite(value), f"{value} at {path}"


def health(client: httpx.Client) -> dict[str, Any]:
    """The /healthz reply."""
    reply = client.get("/healthz", timeout=5)
    assert reply.status_code == 200
    data: dict[str, Any] = reply.json()
    return data


def wait_for_idle(client: httpx.Client, within: float = 2.0) -> float:
    """Poll /healthz until no stream is active; return how long it took (fails after `within`)."""
    start = time.monotonic()
    while True:
        active = health(client)["active_streams"]
        elapsed = time.monotonic() - start
        if active == 0:
            return elapsed
        assert elapsed < within, f"{active} streams still active after {within} s"
        time.sleep(0.02)


DTYPES = {"f8": "<f8", "f4": "<f4", "i4": "<i4", "u1": "u1"}


def decode(typed: dict[str, str]) -> npt.NDArray[Any]:
    """A typed array ({dtype, bdata: base64 of little-endian values[, shape: "r,c"]})."""
    raw = base64.b64decode(typed["bdata"], validate=True)
    values = np.frombuffer(raw, dtype=DTYPES[typed["dtype"]])
    if typed.get("shape"):
        values = values.reshape(tuple(int(n) for n in typed["shape"].split(",")))
    return values


def post_json(client: httpx.Client, path: str, body: dict[str, Any], **kwargs: Any) -> Any:
    """POST `body` and return the reply's strict (finite) JSON; the reply must be a 200."""
    reply = client.post(path, json=body, **kwargs)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    return strict_json(reply.text)


def stream_events(
    client: httpx.Client, body: dict[str, Any], headers: dict[str, str] | None = None
) -> list[SSEEvent]:
    """The whole event stream of a run (a 200 of text/event-stream)."""
    with client.stream("POST", STREAM, json=body, headers=headers or {}) as reply:
        assert reply.status_code == 200, reply.read()
        assert reply.headers["content-type"].startswith("text/event-stream")
        return list(parse_sse(reply.iter_lines()))


def split_stream(events: list[SSEEvent]) -> tuple[list[SSEEvent], dict[str, Any]]:
    """Frames, then the summary, which must be the last event and the only non-frame."""
    *frames, summary = events
    assert summary.event == "summary"
    assert summary.id is None
    for frame in frames:
        assert frame.event == "frame"
        assert frame.id is not None
    data: dict[str, Any] = strict_json(summary.data)
    return frames, data
