"""What every response shares: gzip only when Accept-Encoding's weights allow it, and headers."""

from typing import Any

import httpx
import pytest

from app.api import assets
from app.api.language import accepts_gzip
from tests.api.helpers import RUNS, run_body

# (Accept-Encoding, whether gzip is acceptable), from RFC 9110's rules for q-values.
WEIGHTS = [
    ("gzip", True),
    ("gzip;q=0", False),
    ("gzip; q=0.000", False),
    ("GZIP;Q=0", False),
    ("br, gzip;q=0.5", True),
    ("identity", False),
    ("*", True),
    ("*;q=0", False),
    ("*, gzip;q=0", False),  # an explicit entry outranks the wildcard
    ("gzip;q=0, *", False),
    ("gzip;q=abc", False),
]


@pytest.mark.parametrize(("header", "expected"), WEIGHTS)
def test_accepts_gzip_reads_weights(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_no_header_means_no_gzip() -> None:
    assert accepts_gzip(None) is False


def large_replies() -> list[tuple[str, str, dict[str, Any] | None]]:
    """Requests whose replies are well over the 1 KiB compression threshold."""
    return [
        ("GET", "/api/v1/surfaces/rosenbrock/grid?resolution=64", None),
        ("POST", RUNS, run_body(steps=200)),
        ("GET", f"/vendor/plotly-{assets.plotly_version()}.min.js", None),
        ("GET", "/api/v1/surfaces", None),
    ]


# Over HTTP, a few cases of each rule suffice: the weights themselves are checked above.
OVER_HTTP = [("gzip", True), ("gzip;q=0", False), ("*", True), ("*, gzip;q=0", False)]


@pytest.mark.parametrize(("header", "expected"), OVER_HTTP)
@pytest.mark.parametrize(("method", "path", "body"), large_replies(), ids=lambda v: str(v)[:40])
def test_gzip_only_when_accepted(
    client: httpx.Client,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    header: str,
    expected: bool,
) -> None:
    plain = client.request(method, path, json=body, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    reply = client.request(method, path, json=body, headers={"Accept-Encoding": header})
    assert reply.status_code == 200
    assert reply.headers.get("content-encoding") == ("gzip" if expected else None), header
    assert reply.content == plain.content  # httpx decodes gzip: the same bytes either way


def test_every_response_carries_the_security_headers(client: httpx.Client) -> None:
    for reply in (
        client.get("/api/v1/surfaces"),
        client.post(RUNS, json=run_body(steps=0)),  # a 422
        client.get("/api/v1/surfaces/nope"),  # a 404
    ):
        assert "script-src 'self'" in reply.headers["content-security-policy"]
        assert reply.headers["x-content-type-options"] == "nosniff"
