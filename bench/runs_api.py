"""Seconds for one big run through the API, end to end over HTTP, against the NumPy floor.

    python -m bench.runs_api                 # 65,536 starts x 1000 Adam steps on Rosenbrock
    python -m bench.runs_api --k 8192

The request is what a script would send: uniform starts over the domain, Adam (lr 1e-3),
the default tolerance, `every` 1000 and `"format": "arrays"`. It is posted to a real uvicorn
server on loopback (gzip accepted, as any HTTP client does). The baseline, in the same run,
is bench.descent's floor: a preallocated, in-place NumPy loop of the same steps on the same
starts, with no checks and no records. The breakdown times the pieces in-process: parsing and
validating the body, the engine, the explanations and the encoding.
"""

import argparse
import math
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson

from app.api.runs import prepare, run_arrays
from app.api.schemas import RunRequest
from app.config import Settings
from app.engine import starts
from bench.descent import LR, STEPS, numpy_floor_run

ROOT = Path(__file__).resolve().parents[1]
JSON = {"content-type": "application/json"}


def body(k: int) -> bytes:
    """The request: k uniform starts over Rosenbrock's domain, Adam, every 1000, arrays."""
    return orjson.dumps(
        {
            "objective": {"surface": "rosenbrock"},
            "optimizer": {"name": "adam", "lr": LR},
            "init": {"kind": "uniform", "count": k, "seed": 0},
            "steps": STEPS,
            "every": STEPS,
            "format": "arrays",
        }
    )


@contextmanager
def server() -> Iterator[str]:
    """A uvicorn server of the app on a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--log-level", "warning"], cwd=ROOT, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def best(fn: Callable[[], object], repeat: int) -> float:
    """The best wall time of `repeat` calls."""
    out = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def breakdown(data: bytes) -> dict[str, float]:
    """Seconds for each piece of one request, in-process."""
    t0 = time.perf_counter()
    req = RunRequest.model_validate_json(data)
    t1 = time.perf_counter()
    run = prepare(req, Settings())
    collected = run.collect()
    t2 = time.perf_counter()
    run.explain("en")
    t3 = time.perf_counter()
    orjson.dumps(run_arrays(run, "en"))  # collects again from the finished run: encode only
    t4 = time.perf_counter()
    assert collected.offsets[-1] == len(collected.steps)
    return {"parse": t1 - t0, "engine": t2 - t1, "explain": t3 - t2, "encode": t4 - t3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=65_536, help="number of starts")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many")
    args = parser.parse_args()
    data = body(args.k)
    w0 = starts.uniform([-2.0, -1.0], [2.0, 3.0], args.k, 0)
    floor = best(lambda: numpy_floor_run(w0), args.repeat)
    with server() as url, httpx.Client(base_url=url, timeout=600) as client:

        def post() -> None:
            reply = client.post("/api/v1/runs", content=data, headers=JSON)
            reply.raise_for_status()

        post()  # warm-up: imports, first allocations
        http = best(post, args.repeat)
        size = len(client.post("/api/v1/runs", content=data, headers=JSON).content)
    parts = min((breakdown(data) for _ in range(args.repeat)), key=lambda p: sum(p.values()))
    print(f"K={args.k:,} x {STEPS} Adam steps on Rosenbrock, tol 1e-6, every {STEPS}, arrays")
    print(f"  NumPy floor (in-process, preallocated)  {floor:7.3f} s   1.00x")
    print(f"  POST /api/v1/runs over HTTP             {http:7.3f} s   {http / floor:.2f}x")
    print(f"  reply: {size / 1e6:.1f} MB of JSON")
    print("  in-process breakdown:")
    for name, seconds in parts.items():
        print(f"    {name:8s} {seconds:7.3f} s   {seconds / floor:.2f}x the floor")
    total = sum(parts.values())
    print(f"    {'total':8s} {total:7.3f} s   {total / floor:.2f}x the floor")


if __name__ == "__main__":
    main()
