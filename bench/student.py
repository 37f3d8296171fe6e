"""One student's visit, as a Locust user: the page and its assets, a surface grid, a streamed run.

Imported by `bench.classroom`, which imports Locust first (Locust patches the standard library
with gevent on import). The visit is what a browser does on a cold cache when a student follows
the teacher's shared link (or QR code) to the descent view:

1. `GET /`, then the assets in the waves a browser discovers them in (`bench.page_assets`), at
   most six at a time (a browser's connections per host);
2. the descent view's surface grid (`resolution=128`, as the page asks);
3. `POST /api/v1/runs/stream` with 8 starts x 500 steps, every step recorded with its gradient
   (the page's own request), read to its `summary` event.
"""

import random
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import gevent
import orjson
from gevent.pool import Pool
from locust import FastHttpUser, task

GRID = "/api/v1/surfaces/himmelblau/grid?resolution=128"
CONNECTIONS = 6  # a browser's connections per host over HTTP/1.1
STARTS = 8
STEPS = 500


@dataclass
class Visit:
    """What one visit measured, in seconds; None where it did not get that far.

    `page` runs from the visit's start to its last asset; `grid` is the grid request alone;
    `first_frame` and `stream_end` count from the stream's request.
    """

    student: int
    index: int
    started: float
    page: float | None = None
    grid: float | None = None
    first_frame: float | None = None
    stream_end: float | None = None
    frames: int = 0
    errors: list[str] = field(default_factory=list)


def run_body(seed: int) -> dict[str, Any]:
    """The descent view's request: 8 starts drawn around the origin, Adam, every step recorded."""
    rng = random.Random(seed)
    starts = [[round(rng.gauss(0, 2), 3), round(rng.gauss(0, 2), 3)] for _ in range(STARTS)]
    return {
        "objective": {"surface": "himmelblau"},
        "optimizer": {"name": "adam", "lr": 0.05},
        "starts": starts,
        "steps": STEPS,
        "every": 1,
        "include_grad": True,
        "tol": 0,
    }


class Student(FastHttpUser):
    """A student who visits, thinks for `think` seconds, and visits again."""

    abstract = True
    concurrency = CONNECTIONS
    network_timeout = 120.0
    connection_timeout = 60.0
    waves: ClassVar[list[list[str]]] = []
    visits: ClassVar[list[Visit]] = []
    think = 10.0
    counter = 0

    def on_start(self) -> None:
        Student.counter += 1
        self.number = Student.counter
        self.done = 0

    def wait_time(self) -> float:
        return self.think

    @task
    def visit(self) -> None:
        v = Visit(self.number, self.done, time.perf_counter())
        self.done += 1
        Student.visits.append(v)
        if self.load_page(v):
            v.page = time.perf_counter() - v.started
        began = time.perf_counter()
        if self.fetch(GRID, v):
            v.grid = time.perf_counter() - began
        self.stream(v, time.perf_counter())

    def fetch(self, path: str, v: Visit) -> bool:
        """GET a file whole. Its gzip is left packed: the students' browsers unpack it on their
        own machines, so the load generator does not spend this machine's CPU on it."""
        name = path.split("?")[0]
        with self.client.get(path, name=name, stream=True, catch_response=True) as r:
            size = sum(map(len, r.iter_content(65536, decode_content=False)))
            if r.status_code != 200 or not size:
                v.errors.append(f"GET {path}: {r.status_code} {r.error or ''}".strip())
                r.failure(f"status {r.status_code}")
                return False
        return True

    def load_page(self, v: Visit) -> bool:
        ok = self.fetch("/", v)
        pool = Pool(CONNECTIONS)
        for wave in self.waves:
            results = pool.map(lambda p: self.fetch(p, v), wave)
            ok = ok and all(results)
        return ok

    def stream(self, v: Visit, began: float) -> None:
        body = run_body(self.number * 1000 + v.index)
        name = "/api/v1/runs/stream"
        with self.client.post(name, json=body, stream=True, catch_response=True) as r:
            if r.status_code != 200:
                v.errors.append(f"POST {name}: {r.status_code} {r.error or ''}".strip())
                r.failure(f"status {r.status_code}")
                return
            summary = self.read_events(r, v, began)
            if not summary:
                v.errors.append(f"stream ended after {v.frames} frames without a summary")
                r.failure("no summary")

    def read_events(self, response: Any, v: Visit, began: float) -> bool:
        """Read SSE events to the summary; the first `frame` event's arrival is the first frame."""
        buffer = b""
        for chunk in response.iter_content(chunk_size=65536, decode_content=False):
            buffer += chunk
            *events, buffer = buffer.split(b"\n\n")
            for block in events:
                if block.startswith(b"id: ") and b"event: frame" in block:
                    if v.first_frame is None:
                        v.first_frame = time.perf_counter() - began
                    v.frames += 1
                elif b"event: summary" in block:
                    data = block.split(b"data: ", 1)[1]
                    ended = len(orjson.loads(data)["trajectories"]) == STARTS
                    v.stream_end = time.perf_counter() - began
                    return ended and v.frames == STEPS + 1
        return False


def students(waves: list[list[str]], think: float) -> type[Student]:
    """A Student class for one load run (Locust instantiates the class it is given)."""
    Student.visits = []
    Student.counter = 0
    return type("ClassroomStudent", (Student,), {"waves": waves, "think": think, "abstract": False})


def idle(seconds: float) -> None:
    """Let the students' greenlets run for a while."""
    gevent.sleep(seconds)
