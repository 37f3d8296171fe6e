"""Server-Sent Events for a run: frames as they are computed, resumable by Last-Event-ID.

The engine runs in worker threads, a batch of frames at a time (at most `batch_seconds` of
work), and the generator awaits between batches, so the event loop stays free for other
clients and for disconnect detection. A run is a pure function of its request, so a resumed
stream recomputes from step 0 and sends only the frames after the client's last event id.
"""

import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import anyio
import orjson

from app.api.errors import unprocessable
from app.api.runs import encode_frame, summary_payload
from app.engine.runner import Frame
from app.engine.session import Run
from app.i18n import Lang, translate


@dataclass
class StreamStats:
    """Process-wide gauges for health checks: how many streams are computing right now."""

    active: int = 0
    frames_sent: int = 0


def event(name: str, data: bytes, event_id: int | None = None) -> bytes:
    """One SSE event; `data` is a single line of JSON."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: ".encode() + data + b"\n\n"


FIRST_SLICE = 0.005  # seconds of work before the first frames go out: a student sees them at once
LAST_EVENT_ID = r"^[ \t]*(-?[0-9]{1,9})?[ \t]*$"  # a step number; empty means from the start


def parse_last_event_id(value: str | None, lang: Lang = "en") -> int:
    """The last step the client already has, or -1; a 422 on a malformed id such as `--5`."""
    match = re.fullmatch(LAST_EVENT_ID, value or "")
    if match is None:
        message = translate(lang, "error.last_event_id", value=repr(value))
        raise unprocessable(message, ("header", "Last-Event-ID"))
    step = match.group(1)
    return -1 if step is None else int(step)


def next_batch(
    ticks: Iterator[Frame | None], after: int, seconds: float, arrays: bool = False
) -> tuple[list[tuple[int, bytes]], bool]:
    """Pull and serialise frames for up to `seconds`, skipping those at or before step `after`.

    Returns the batch and whether the run has ended. The time limit holds even while frames are
    being skipped, so a resumed stream also yields to disconnects between slices.
    """
    out: list[tuple[int, bytes]] = []
    deadline = time.perf_counter() + seconds
    for frame in ticks:
        if frame is not None and frame.step > after:
            out.append((frame.step, encode_frame(frame, arrays)))
        if time.perf_counter() >= deadline:
            return out, False
    return out, True


async def sse_events(
    run: Run,
    after: int,
    limiter: anyio.CapacityLimiter,
    stats: StreamStats,
    batch_seconds: float,
    disconnected: Callable[[], Awaitable[bool]],
    arrays: bool = False,
    lang: Lang = "en",
    explain: bool = True,
) -> AsyncIterator[bytes]:
    """The event stream of one run: `frame` events, then one `summary` event.

    `disconnected` is checked between batches: a server may only notice a closed connection
    when it writes, and a resumed stream writes nothing while it replays skipped steps.
    """
    ticks = run.ticks()
    stats.active += 1
    try:
        yield b": gdviz run stream\n\n"
        done, seconds = False, min(batch_seconds, FIRST_SLICE)
        while not done:
            batch, done = await anyio.to_thread.run_sync(
                next_batch, ticks, after, seconds, arrays, limiter=limiter
            )
            seconds = batch_seconds
            if batch:  # one write per batch: a frame costs its bytes, not a trip through the stack
                stats.frames_sent += len(batch)
                yield b"".join(event("frame", data, step) for step, data in batch)
            if await disconnected():
                return
        summary = await anyio.to_thread.run_sync(
            summary_payload, run, lang, explain, limiter=limiter
        )
        yield event("summary", orjson.dumps({"trajectories": summary}))
    finally:
        stats.active -= 1
