"""Replies that depend only on their URL and language, encoded and compressed once per process.

The catalogues and the surface grids are the same for every student in a room; each is built,
encoded and gzipped the first time it is asked for (in a worker thread), then sent from memory
by the event loop itself, with an ETag so a browser that has it gets a 304.
"""

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import anyio
import orjson
from fastapi import Request, Response
from pydantic import BaseModel

from app.api.language import accepts_gzip

JSON = "application/json"
BY_LANGUAGE = "Accept-Language, Accept-Encoding"
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the client's `If-None-Match` names this version"}
}


@dataclass(frozen=True)
class Encoded:
    """A reply body, gzipped, and its ETag (a hash of the plain bytes)."""

    gzipped: bytes
    etag: str


def pack(raw: bytes, level: int = 6) -> Encoded:
    """Compress `raw` once and name its version."""
    etag = f'"{hashlib.sha256(raw).hexdigest()[:20]}"'
    return Encoded(gzip.compress(raw, compresslevel=level, mtime=0), etag)


def jsonable(content: Any, exclude_none: bool) -> Any:
    """Models (also inside lists) as the JSON their schema describes."""
    if isinstance(content, BaseModel):
        return content.model_dump(mode="json", exclude_none=exclude_none)
    if isinstance(content, list):
        return [jsonable(item, exclude_none) for item in content]
    return content


def encode(content: Any, exclude_none: bool = False) -> Encoded:
    """Encode `content` (a model, a list of models, or plain JSON) once."""
    return pack(orjson.dumps(jsonable(content, exclude_none)))


def send(
    request: Request,
    reply: Encoded,
    cache_control: str,
    media_type: str = JSON,
    vary: str = "Accept-Encoding",
) -> Response:
    """The reply, gzipped when the client welcomes it (unpacked for the rare one that does
    not), or a 304 when the client's `If-None-Match` names this version."""
    headers = {"ETag": reply.etag, "Cache-Control": cache_control, "Vary": vary}
    if request.headers.get("if-none-match") == reply.etag:
        return Response(status_code=304, headers=headers)
    if accepts_gzip(request.headers.get("accept-encoding")):
        headers["Content-Encoding"] = "gzip"
        return Response(reply.gzipped, media_type=media_type, headers=headers)
    return Response(gzip.decompress(reply.gzipped), media_type=media_type, headers=headers)


class Shelf:
    """The last `size` replies built, by key. Used from the event loop only, so no lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Encoded] = OrderedDict()

    async def get(self, key: Hashable, build: Callable[[], Encoded]) -> Encoded:
        """The reply for `key`, built in a worker thread the first time."""
        reply = self.items.get(key)
        if reply is None:
            reply = await anyio.to_thread.run_sync(build)
            self.items[key] = reply
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        self.items.move_to_end(key)
        return reply
