"""Fixtures for the API tests: a real uvicorn server for an app built in the test itself."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app

# An app with its own, small limits: the per-app settings tests and schemathesis use it.
SMALL = Settings(max_steps=50, max_starts=4, max_resolution=64)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port, in a thread; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def small_url() -> Iterator[str]:
    """Base URL of a live server for `create_app(SMALL)`: 50 steps, 4 starts, resolution 64."""
    with serve(create_app(SMALL)) as url:
        yield url


@pytest.fixture
def small(small_url: str) -> Iterator[httpx.Client]:
    """An HTTP client bound to the small app's server."""
    with httpx.Client(base_url=small_url, timeout=60) as c:
        yield c
