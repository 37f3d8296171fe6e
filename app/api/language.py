"""What a request accepts: its language (zh or en, English when neither fits), and gzip."""

from typing import Annotated

from fastapi import Depends, Request

from app.i18n import Lang, negotiate


def request_lang(request: Request) -> Lang:
    """The reply language for `request`."""
    return negotiate(request.headers.get("accept-language"))


async def language(request: Request) -> Lang:
    """`request_lang` as a dependency: async, so FastAPI does not send it to a worker thread."""
    return request_lang(request)


Language = Annotated[Lang, Depends(language)]


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether `Accept-Encoding` allows gzip (RFC 9110, section 12.5.3).

    `gzip;q=0` refuses it; an explicit `gzip` entry outranks `*`; no header, no gzip.
    """
    weights: dict[str, float] = {}
    for part in (accept_encoding or "").split(","):
        name, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights.setdefault(name.lower(), q)
    return weights.get("gzip", weights.get("*", 0.0)) > 0
