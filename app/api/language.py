"""The language of a request: `Accept-Language`, zh or en (English when neither fits)."""

from fastapi import Request

from app.i18n import Lang, negotiate


def request_lang(request: Request) -> Lang:
    """The reply language for `request`."""
    return negotiate(request.headers.get("accept-language"))
