"""The page's own files under /static, from memory: compressed once, revalidated by ETag.

A classroom of students loads the same few dozen files at once. Starlette's StaticFiles opens
and reads each file in a worker thread, and the gzip middleware compresses it again for every
request; here each file is read and compressed once per process (again only when its
modification time changes), and a request is answered from memory without leaving the event
loop. A browser revalidates with `If-None-Match` and gets a 304.
"""

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.cached import pack
from app.api.language import accepts_gzip

TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
SMALL = 512  # bytes: a file this small is not worth compressing


@dataclass(frozen=True)
class File:
    """One file as served: its bytes, gzipped bytes (or None), and validators."""

    raw: bytes
    gzipped: bytes | None
    etag: bytes
    media_type: bytes
    mtime_ns: int


def media_type(path: Path) -> str:
    """The Content-Type of a file, with a charset for text."""
    kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


def read(path: Path, mtime_ns: int) -> File:
    """Read and compress one file."""
    raw = path.read_bytes()
    packed = pack(raw, level=9)
    gzipped = packed.gzipped if len(raw) >= SMALL else None
    return File(raw, gzipped, packed.etag.encode(), media_type(path).encode(), mtime_ns)


class FileCache:
    """The files of one directory, each read once and again only after it changes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self.files: dict[str, tuple[Path, File]] = {}

    def warm(self) -> int:
        """Load every file now, so the first visitors do not pay for compression; the count."""
        for path in self.directory.rglob("*"):
            if path.is_file():
                self.lookup(path.relative_to(self.directory).as_posix())
        return len(self.files)

    def lookup(self, name: str) -> File | None:
        """The file at `name` (relative), None if there is none or it is outside the directory."""
        known = self.files.get(name)
        path = known[0] if known else self.safe_path(name)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            self.files.pop(name, None)
            return None
        if known is not None and known[1].mtime_ns == stat.st_mtime_ns:
            return known[1]
        if not path.is_file():
            return None
        file = read(path, stat.st_mtime_ns)
        self.files[name] = (path, file)
        return file

    def safe_path(self, name: str) -> Path | None:
        """`name` inside the directory, or None: no `..` out of it, no hidden files."""
        path = (self.directory / name).resolve()
        if not path.is_relative_to(self.directory):
            return None
        if any(part.startswith(".") for part in path.relative_to(self.directory).parts):
            return None
        return path


class StaticAssets:
    """ASGI middleware: GET and HEAD under `prefix` come from `files`; the rest passes on."""

    def __init__(self, app: ASGIApp, files: FileCache, prefix: str = "/static/") -> None:
        self.app = app
        self.files = files
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await self.respond(send, 405, [(b"allow", b"GET, HEAD")], b"method not allowed")
            return
        file = self.files.lookup(path[len(self.prefix) :])
        if file is None:
            await self.respond(send, 404, [], b"not found")
            return
        request = Headers(scope=scope)
        headers = [
            (b"content-type", file.media_type),
            (b"etag", file.etag),
            (b"cache-control", b"no-cache"),  # always revalidate: a 304 costs next to nothing
            (b"vary", b"Accept-Encoding"),
        ]
        if request.get("if-none-match") == file.etag.decode():
            await self.respond(send, 304, headers, b"")
            return
        body = file.raw
        if file.gzipped is not None and accepts_gzip(request.get("accept-encoding")):
            body = file.gzipped
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await self.respond(send, 200, headers, b"" if scope["method"] == "HEAD" else body)

    @staticmethod
    async def respond(
        send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        if status >= 400:
            headers = [*headers, (b"content-type", b"text/plain; charset=utf-8")]
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
