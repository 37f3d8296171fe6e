"""Two rooms at once: 200 students arrive within 10 s, then keep working for 10 minutes.

    pip install -e '.[load]'          # Locust and psutil, in the app's environment
    python -m bench.classroom [--students 200] [--arrival 10] [--soak 600] [--think 10]
    python -m bench.classroom --url http://127.0.0.1:8000   # a server you started, e.g. Docker

Without `--url` it starts the Docker image's command on loopback: `uvicorn app.main:app
--proxy-headers` with WEB_CONCURRENCY=2 (two worker processes). Each student (Locust user, see
`bench/student.py`) loads the page and its assets on a cold cache, fetches a surface grid and
streams a run of 8 starts x 500 steps, then thinks for `--think` seconds and does it again. The
load generator runs on the same machine as the server.

Printed: page-and-assets time, grid time, first frame and end of stream (p50, p95, max) for
the students' first visits (the arrival) and for the whole soak; errors; the server's CPU
seconds per visit; and its resident memory at the second and the last minute. The baseline in
the same run is one student alone on the idle server; ratios are against it.
"""

import locust  # noqa: F401, I001  (first: it patches the standard library with gevent)

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import psutil
from locust.env import Environment

from bench.page_assets import discover
from bench.student import Student, Visit, idle, students

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"page": 3.0, "first_frame": 1.0}  # p95 for the arrival, in seconds
RSS_GROWTH = 0.10  # at most, from the second minute to the last


def start_server(port: int) -> subprocess.Popen[bytes]:
    """The Dockerfile's CMD, on loopback: uvicorn with WEB_CONCURRENCY worker processes."""
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--proxy-headers", "--log-level", "warning"]
    env = {**os.environ, "WEB_CONCURRENCY": "2"}
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not answer /healthz within 60 s")


def server_processes(url: str, proc: subprocess.Popen[bytes] | None) -> list[psutil.Process]:
    """The server's processes: ours and its workers, or whoever listens on the URL's port."""
    if proc is not None:
        root = psutil.Process(proc.pid)
    else:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        listening = [
            c.pid
            for c in psutil.net_connections("tcp")
            if c.pid and c.status == psutil.CONN_LISTEN and c.laddr.port == port
        ]
        root = psutil.Process(listening[0])
        parent = root.parent()  # a worker: its supervisor holds all of them
        if parent is not None and any("uvicorn" in part for part in parent.cmdline()):
            root = parent
    return [root, *root.children(recursive=True)]


def rss(procs: list[psutil.Process]) -> float:
    """Resident memory of the server, in MiB."""
    return float(sum(p.memory_info().rss for p in procs if p.is_running())) / 2**20


def cpu(procs: list[psutil.Process]) -> float:
    """CPU seconds the server has used so far."""
    total = 0.0
    for p in procs:
        if p.is_running():
            t = p.cpu_times()
            total += t.user + t.system
    return total


def load(
    url: str,
    waves: list[list[str]],
    users: int,
    arrival: float,
    think: float,
    seconds: float,
    watch: list[psutil.Process],
) -> tuple[list[Visit], list[tuple[float, float]]]:
    """`users` students arriving over `arrival` seconds, working for `seconds`; memory samples.

    Returns the visits that ended (with their stream's summary, or with an error), and the
    server's resident memory every 5 seconds.
    """
    env = Environment(user_classes=[students(waves, think)], host=url)
    runner = env.create_local_runner()
    began = time.monotonic()
    runner.start(users, spawn_rate=users / arrival)
    memory: list[tuple[float, float]] = []
    while (elapsed := time.monotonic() - began) < seconds:
        memory.append((elapsed, rss(watch)))
        idle(min(5.0, seconds - elapsed))
    runner.quit()
    visits = list(Student.visits)
    return [v for v in visits if v.stream_end is not None or v.errors], memory


def stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    a = np.asarray(values)
    p50, p95 = np.percentile(a, [50, 95])
    return f"p50 {p50:6.3f}  p95 {p95:6.3f}  max {a.max():6.3f}"


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95)) if values else float("nan")


def report(name: str, visits: list[Visit], alone: dict[str, float]) -> dict[str, float]:
    """Print one table and return each measure's p95."""
    print(f"\n{name}: {len(visits)} visits, {sum(bool(v.errors) for v in visits)} with errors")
    out = {}
    for measure in ("page", "grid", "first_frame", "stream_end"):
        values = [getattr(v, measure) for v in visits if getattr(v, measure) is not None]
        out[measure] = p95(values)
        ratio = out[measure] / alone[measure] if alone.get(measure) else float("nan")
        print(f"  {measure:12s} {stats(values)}   p95 / alone {ratio:6.1f}x")
    for v in visits:
        for e in v.errors[:1]:
            print(f"  error (student {v.student}, visit {v.index}): {e}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--arrival", type=float, default=10.0, help="seconds over which they come")
    parser.add_argument("--soak", type=float, default=600.0, help="seconds of load in all")
    parser.add_argument("--think", type=float, default=10.0, help="seconds between visits")
    parser.add_argument("--url", help="a running server; default: start the Docker command")
    parser.add_argument("--port", type=int, default=8777)
    args = parser.parse_args()

    proc = None if args.url else start_server(args.port)
    url = args.url or f"http://127.0.0.1:{args.port}"
    try:
        waves = discover(lambda p: urllib.request.urlopen(url + p).read().decode())
        watch = server_processes(url, proc)
        print(
            f"{url}: {len(watch)} server processes; a visit fetches "
            f"{1 + sum(map(len, waves))} files and calls in {len(waves) + 1} waves, "
            f"a grid and a stream of 8 x 500 steps"
        )

        solo, _ = load(url, waves, 1, 1.0, 0.5, 8.0, watch)
        alone = {
            m: float(np.median([getattr(v, m) for v in solo if getattr(v, m) is not None]))
            for m in ("page", "grid", "first_frame", "stream_end")
        }
        print("\nalone: " + ", ".join(f"{m} {s:.3f} s" for m, s in alone.items()))

        cpu0, me0 = cpu(watch), cpu([psutil.Process()])
        seconds = max(args.soak, args.arrival + 60.0)  # long enough for every first visit
        visits, memory = load(url, waves, args.students, args.arrival, args.think, seconds, watch)
        used, mine = cpu(watch) - cpu0, cpu([psutil.Process()]) - me0
        arrival = report("arrival (first visits)", [v for v in visits if v.index == 0], alone)
        if args.soak > 0:
            report("soak (all visits)", visits, alone)
        print(
            f"\nserver CPU: {used:.1f} s for {len(visits)} visits, "
            f"{1000 * used / max(1, len(visits)):.0f} ms per visit; the load generator used "
            f"{mine:.1f} s; load average {os.getloadavg()[0]:.1f}"
        )
        errors = sum(bool(v.errors) for v in visits)
        verdicts = [f"errors {errors} (target 0)"]
        verdicts += [f"{m} p95 {arrival[m]:.2f} s (target < {t:.0f} s)" for m, t in TARGETS.items()]
        second = [m for t, m in memory if 60 <= t < 120]
        last = [m for t, m in memory if t >= memory[-1][0] - 60]
        if second and memory[-1][0] >= 180:
            growth = np.mean(last) / np.mean(second) - 1
            print(
                f"memory: {np.mean(second):.0f} MiB in minute 2, {np.mean(last):.0f} MiB in "
                f"the last minute, {growth:+.1%} (target at most +{RSS_GROWTH:.0%})"
            )
            minutes = [[m for t, m in memory if i * 60 <= t < (i + 1) * 60] for i in range(11)]
            print("  MiB by minute: " + " ".join(f"{np.mean(m):.0f}" for m in minutes if m))
        print("targets: " + "; ".join(verdicts))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
