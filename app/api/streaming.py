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


@dataclass(frozen=True)
class Telling:
    """How a stream tells its run: typed arrays or lists, and the sentences' language."""

    arrays: bool = False
    lang: Lang = "en"
    explain: bool = True


def next_chunk(
    run: Run, ticks: Iterator[Frame | None], after: int, seconds: float, how: Telling
) -> tuple[bytes, int, bool]:
    """The next slice of the stream as bytes, the frames in it, and whether it is the last.

    The last slice carries the `summary` event too, so a short run is one trip to a worker
    thread, not two.
    """
    batch, done = next_batch(ticks, after, seconds, how.arrays)
    out = b"".join(event("frame", data, step) for step, data in batch)
    if done:
        summary = summary_payload(run, how.lang, how.explain)
        out += event("summary", orjson.dumps({"trajectories": summary}))
    return out, len(batch), done


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

    Each slice of work is one write (a frame costs its bytes, not a trip through the stack).
    `disconnected` is checked between slices: a server may only notice a closed connection
    when it writes, and a resumed stream writes nothing while it replays skipped steps.
    """
    ticks, how = run.ticks(), Telling(arrays, lang, explain)
    stats.active += 1
    try:
        yield b": gdviz run stream\n\n"
        done, seconds = False, min(batch_seconds, FIRST_SLICE)
        while not done:
            chunk, frames, done = await anyio.to_thread.run_sync(
                next_chunk, run, ticks, after, seconds, how, limiter=limiter
            )
            seconds = batch_seconds
            stats.frames_sent += frames
            if chunk:
                yield chunk
            if not done and await disconnected():
                return
    finally:
        stats.active -= 1
