"""What a request accepts: its language (zh or en, English when neither fits), and gzip."""

from fastapi import Request

from app.i18n import Lang, negotiate


def request_lang(request: Request) -> Lang:
    """The reply language for `request`."""
    return negotiate(request.headers.get("accept-language"))


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether `Accept-Encoding` allows gzip (`gzip;q=0` refuses it)."""
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        q = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
        try:
            return float(q) > 0
        except ValueError:
            return False
    return False
