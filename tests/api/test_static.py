"""What is sent from memory: files as on disk, gzip when welcome, 304s, nothing outside."""

import base64
import gzip
import os
import socket
from pathlib import Path

import httpx
import numpy as np
import pytest

from app.api.static import FileCache

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
FILES = ["js/app.js", "css/app.css", "favicon.svg", "js/toast.js"]
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


def raw_get(url: str, target: str, method: str = "GET") -> tuple[int, bytes]:
    """Send a request line as written (no client normalises its `..`); status and body."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("name", FILES)
def test_a_file_is_served_as_it_is_on_disk(client: httpx.Client, name: str) -> None:
    on_disk = (STATIC / name).read_bytes()
    plain = client.get(f"/static/{name}", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.content == on_disk
    assert "content-encoding" not in plain.headers
    assert plain.headers["content-length"] == str(len(on_disk))
    assert plain.headers["content-type"].split(";")[0] == TYPES[Path(name).suffix]
    assert plain.headers["cache-control"] == "no-cache"
    assert "default-src 'self'" in plain.headers["content-security-policy"]


def test_gzip_is_sent_when_welcome_and_is_the_same_file(client: httpx.Client) -> None:
    on_disk = (STATIC / "js/app.js").read_bytes()
    with client.stream("GET", "/static/js/app.js", headers={"Accept-Encoding": "gzip"}) as r:
        packed = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
    assert len(packed) < len(on_disk) / 2
    assert gzip.decompress(packed) == on_disk
    refused = client.get("/static/js/app.js", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    assert refused.content == on_disk


def test_a_known_version_gets_304_and_a_changed_one_the_file(client: httpx.Client) -> None:
    first = client.get("/static/css/app.css")
    etag = first.headers["etag"]
    again = client.get("/static/css/app.css", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = client.get("/static/css/app.css", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200
    assert other.content == first.content


def test_head_sends_the_headers_without_the_body(client: httpx.Client) -> None:
    head = client.head("/static/js/app.js", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str((STATIC / "js/app.js").stat().st_size)


@pytest.mark.parametrize(
    "target",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/pyproject.toml",
        "/static/js/..%2f..%2fapp/main.py",
        "/static/js/nothing.js",
        "/static/",
        "/static/js",
    ],
)
def test_nothing_outside_the_folder_or_missing_is_served(server_url: str, target: str) -> None:
    status, body = raw_get(server_url, target)
    assert status == 404
    assert b"[project]" not in body
    assert b"create_app" not in body


def test_only_get_and_head(client: httpx.Client) -> None:
    r = client.post("/static/js/app.js", content=b"x")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("one();" * 200)
    (tmp_path / ".secret").write_text("no")
    files = FileCache(tmp_path)
    assert files.warm() == 1  # the hidden file is never loaded
    first = files.lookup("a.js")
    assert first is not None
    assert first.raw == b"one();" * 200
    assert first.gzipped is not None
    assert gzip.decompress(first.gzipped) == first.raw
    (tmp_path / "a.js").write_text("two();")
    os.utime(tmp_path / "a.js", ns=(first.mtime_ns + 10**9, first.mtime_ns + 10**9))
    second = files.lookup("a.js")
    assert second is not None
    assert second.raw == b"two();"
    assert second.gzipped is None  # too small to be worth compressing
    assert second.etag != first.etag
    (tmp_path / "a.js").unlink()
    assert files.lookup("a.js") is None
    assert files.lookup(".secret") is None
    assert files.lookup("../a.js") is None


@pytest.mark.parametrize(("language", "lang"), [("en-US", "en"), ("zh-CN,zh;q=0.9", "zh")])
def test_the_page_is_rendered_once_per_language_and_revalidated(
    client: httpx.Client, language: str, lang: str
) -> None:
    page = client.get("/", headers={"Accept-Language": language})
    assert page.status_code == 200
    assert f'<html lang="{lang}' in page.text
    assert page.headers["vary"] == "Accept-Language, Accept-Encoding"
    again = client.get(
        "/", headers={"Accept-Language": language, "If-None-Match": page.headers["etag"]}
    )
    assert again.status_code == 304
    other = "zh-CN" if lang == "en" else "en-US"
    elsewhere = client.get("/", headers={"Accept-Language": other})
    assert elsewhere.headers["etag"] != page.headers["etag"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/i18n/zh",
        "/api/v1/surfaces",
        "/api/v1/optimizers",
        "/api/v1/surfaces/rosenbrock/grid?resolution=33",
    ],
)
def test_shared_replies_are_revalidated_and_the_same_either_way(
    client: httpx.Client, path: str
) -> None:
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.json() == plain.json()
    assert packed.headers["etag"] == plain.headers["etag"]
    again = client.get(path, headers={"If-None-Match": packed.headers["etag"]})
    assert again.status_code == 304


def test_a_cached_grid_holds_the_surface_values(client: httpx.Client) -> None:
    # The oracle: Rosenbrock's closed form at the grid's corners and centre.
    reply = client.get("/api/v1/surfaces/rosenbrock/grid?resolution=33").json()
    x = np.frombuffer(base64.b64decode(reply["x"]["bdata"]), "<f4")
    y = np.frombuffer(base64.b64decode(reply["y"]["bdata"]), "<f4")
    z = np.frombuffer(base64.b64decode(reply["z"]["bdata"]), "<f4").reshape(33, 33)
    for i, j in [(0, 0), (32, 32), (16, 16), (0, 32)]:
        expected = (1 - x[j]) ** 2 + 100 * (y[i] - x[j] ** 2) ** 2
        assert z[i, j] == pytest.approx(expected, rel=1e-5)
