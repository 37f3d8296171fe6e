"""Pure ASGI middleware: security headers, a cap on request bodies, and gzip when it is welcome."""

import json

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.language import accepts_gzip
from app.i18n import negotiate, translate

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # Plotly.js sets inline styles on its own elements
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """Add the Content-Security-Policy and friends to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Answer 413 to any request body larger than `max_bytes`, declared or streamed.

    The body is read here, at most `max_bytes` of it, before the app sees the request; the app
    then receives it in one message, and later messages (such as a disconnect) pass through.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        first = await self._read_body(receive)
        if first is None:
            await self._refuse(scope, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return first
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> Message | None:
        """The whole body as one message (or the first non-body message), None if too large."""
        chunks: list[bytes] = []
        size, message = 0, await receive()
        while message["type"] == "http.request":
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            message = await receive()
        return message

    async def _refuse(self, scope: Scope, send: Send) -> None:
        """413, in the language the request asks for."""
        lang = negotiate(Headers(scope=scope).get("accept-language"))
        text = translate(lang, "error.body_too_large", limit=f"{self.max_bytes:,}")
        body = json.dumps({"detail": text, "message": text}, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class NegotiatedGZip(GZipMiddleware):
    """Starlette's GZipMiddleware, honouring q-values: `gzip;q=0` gets no gzip, `*` gets gzip.

    Starlette compresses whenever the header contains the word `gzip`, whatever its weight, so
    the header is first reduced to what it means: `gzip` or `identity`. Handlers that compress
    by themselves (`POST /runs`) read the same answer.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            welcome = accepts_gzip(Headers(scope=scope).get("accept-encoding"))
            others = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
            coding = b"gzip" if welcome else b"identity"
            scope = {**scope, "headers": [*others, (b"accept-encoding", coding)]}
        await super().__call__(scope, receive, send)
