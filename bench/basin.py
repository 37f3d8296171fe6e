"""Seconds for a 256 x 256 basin map through the API, request to decoded arrays, against the floor.

    python -m bench.basin               # 65,536 starts x 1000 steps, every 1000, arrays
    python -m bench.basin --side 128

A basin map colours each start of a grid by where its descent ends, so the page asks for the
ends alone: `"init": {"kind": "grid", "shape": [256, 256]}`, 1000 steps, `every` 1000,
`"format": "arrays"` and `"explain": false`. Each request is posted to a real uvicorn server on
loopback (gzip accepted, as any HTTP client does), and the clock stops when every typed array
of the reply is decoded into NumPy arrays: request to decoded arrays.

Two maps: Rosenbrock with Adam (lr 1e-3, tol 0, so every start takes all 1000 steps, exactly
the work of bench.descent's NumPy floor loop, timed in the same run on the same grid of starts)
and Himmelblau with SGD (lr 0.01, the default tol: four basins, most starts converge early).
Each is also timed with the sentences (`explain` true, the default), to show what they cost,
and the Rosenbrock map without them is broken down in-process: validating the body, the engine,
encoding the reply (JSON, then gzip as the server sends it) and decoding it again.
"""

import argparse
import base64
import gzip
import time
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import orjson

from app.api.runs import prepare, run_arrays
from app.api.schemas import RunRequest
from app.config import Settings
from app.engine import starts
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from bench.descent import LR, STEPS, numpy_floor_run
from bench.runs_api import JSON, best, server

DTYPES = {"f8": "<f8", "f4": "<f4", "i4": "<i4", "u1": "u1"}
MAPS: dict[str, dict[str, Any]] = {
    "rosenbrock": {"optimizer": {"name": "adam", "lr": LR}, "tol": 0},
    "himmelblau": {"optimizer": {"name": "sgd", "lr": 0.01}},
}


def body(surface: str, side: int, explain: bool) -> bytes:
    """The basin-map request for `surface` on a side x side grid of starts."""
    return orjson.dumps(
        {
            "objective": {"surface": surface},
            "init": {"kind": "grid", "shape": [side, side]},
            "steps": STEPS,
            "every": STEPS,
            "format": "arrays",
            "explain": explain,
            **MAPS[surface],
        }
    )


def decoded(reply: bytes) -> dict[str, Any]:
    """The reply with every typed array as a NumPy array."""
    data: dict[str, Any] = orjson.loads(reply)
    for key, value in data.items():
        if isinstance(value, dict) and "bdata" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), DTYPES[value["dtype"]])
            shape = value.get("shape")
            data[key] = array.reshape([int(n) for n in shape.split(",")]) if shape else array
    return data


def grid_starts(surface: str, side: int) -> np.ndarray:
    """The starts the server makes for the request: the grid over the plotting domain."""
    region = SurfaceObjective(get_surface(surface)).start_region
    return starts.make(None, {"kind": "grid", "shape": [side, side]}, region)


def breakdown(data: bytes) -> dict[str, float]:
    """Seconds for each piece of one request, in-process."""
    t0 = time.perf_counter()
    req = RunRequest.model_validate_json(data)
    t1 = time.perf_counter()
    run = prepare(req, Settings())
    run.collect()
    t2 = time.perf_counter()
    reply = orjson.dumps(run_arrays(run, "en", req.explain))
    t3 = time.perf_counter()
    packed = gzip.compress(reply, 1)
    t4 = time.perf_counter()
    decoded(gzip.decompress(packed))
    t5 = time.perf_counter()
    steps = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
    return dict(zip(("validate", "engine", "encode", "gzip", "decode"), steps, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=256, help="starts per axis")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many")
    args = parser.parse_args()
    k = args.side**2
    w0 = grid_starts("rosenbrock", args.side)
    floor = best(lambda: numpy_floor_run(w0), args.repeat)
    rows: list[tuple[str, float, int]] = []
    with server() as url, httpx.Client(base_url=url, timeout=600) as client:

        def fetch(data: bytes) -> Callable[[], object]:
            def post() -> object:
                reply = client.post("/api/v1/runs", content=data, headers=JSON)
                reply.raise_for_status()
                return decoded(reply.content)

            return post

        for surface in MAPS:
            for explain in (False, True):
                data = body(surface, args.side, explain)
                got = fetch(data)()  # warm-up, and a check of the reply
                assert isinstance(got, dict)
                assert got["points"].shape[1] == 2
                assert len(got["messages"]) == (k if explain else 0)
                size = len(client.post("/api/v1/runs", content=data, headers=JSON).content)
                label = f"{surface}, explain {str(explain).lower()}"
                rows.append((label, best(fetch(data), args.repeat), size))
    data = body("rosenbrock", args.side, False)
    parts = min((breakdown(data) for _ in range(args.repeat)), key=lambda p: sum(p.values()))
    print(f"{args.side} x {args.side} = {k:,} starts x {STEPS} steps, every {STEPS}, arrays")
    print(f"  NumPy floor, Adam on Rosenbrock (in-process)  {floor:6.3f} s   1.00x")
    for label, seconds, size in rows:
        print(
            f"  POST to decoded arrays: {label:27s} {seconds:6.3f} s   {seconds / floor:.2f}x"
            f"   ({size / 1e6:.1f} MB of JSON)"
        )
    print("  in-process, rosenbrock without sentences:")
    for name, seconds in parts.items():
        print(f"    {name:9s} {seconds:6.3f} s   {seconds / floor:.2f}x the floor")
    total = sum(parts.values())
    print(f"    {'total':9s} {total:6.3f} s   {total / floor:.2f}x the floor")


if __name__ == "__main__":
    main()
