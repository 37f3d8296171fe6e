"""The share panel: the page's link, the same link at this machine's addresses on the local
network (so students on the room's Wi-Fi can join without typing), and a QR code of it."""

import ipaddress
import socket
from typing import Annotated, Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

import segno
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.api.errors import INVALID, unprocessable
from app.api.language import Language
from app.i18n import translate

router = APIRouter(prefix="/api/v1", tags=["share"])

MAX_URL = 2000
# http or https, then printable ASCII only: what a browser's location.href is (it
# percent-encodes the rest). The handler checks the same, and that there is a host.
URL_PATTERN = r"^https?://[!-~]+$"
# A private address to connect() a UDP socket to: the kernel picks the outbound interface and
# its address, and nothing is sent (UDP's connect only sets the default destination).
PROBE = ("10.254.254.254", 1)
# The QR code as inline SVG that scales (a viewBox, no width or height), dark on white so it
# reads on any background.
QR_SVG: dict[str, Any] = {"omitsize": True, "light": "#fff"}


class ShareLinks(BaseModel):
    """The page's link, the same link at this machine's LAN addresses, and its QR code."""

    url: str = Field(description="The link as given.")
    lan_urls: list[str] = Field(
        description="The link at each of this machine's non-loopback IPv4 addresses, with the "
        "same scheme, port, path, query and hash; the outbound interface's first."
    )
    qr_url: str = Field(description="The link the QR code holds: the first LAN link, else url.")
    qr_svg: str = Field(description="The QR code (not Micro QR) as an inline <svg> with a viewBox.")


@router.get("/share", responses=INVALID)
def share_link(
    lang: Language,
    url: Annotated[
        str,
        Query(
            max_length=MAX_URL,
            description="The page's URL with its hash (percent-encode it: # is %23).",
            json_schema_extra={"pattern": URL_PATTERN},
            examples=["http://localhost:8000/#descent?surface=bowl"],
        ),
    ],
) -> ShareLinks:
    """Links to the page's current state for the room, and a QR code to scan."""
    parts = checked_url(url)
    if parts is None:
        raise unprocessable(translate(lang, "error.share_url", limit=MAX_URL), ("query", "url"))
    links = lan_urls(parts, lan_addresses())
    target = links[0] if links else url
    return ShareLinks(url=url, lan_urls=links, qr_url=target, qr_svg=qr_svg(target))


def qr_svg(text: str) -> str:
    """`text` as a QR code (never Micro QR, which few phone cameras read) in inline SVG."""
    svg: str = segno.make(text, micro=False).svg_inline(**QR_SVG)
    return svg


def checked_url(url: str) -> SplitResult | None:
    """The parts of an http(s) URL in printable ASCII with a host (and a valid port), else None."""
    if not url.startswith(("http://", "https://")) or not all("!" <= c <= "~" for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not 0-65535)
    except ValueError:
        return None
    return parts if parts.hostname else None


def lan_urls(parts: SplitResult, addresses: list[str]) -> list[str]:
    """The URL at each address: same scheme, port, path, query and hash; no user or password."""
    port = "" if parts.port is None else f":{parts.port}"
    return [urlunsplit(parts._replace(netloc=f"{address}{port}")) for address in addresses]


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses others may reach: the outbound interface's first, then the
    host name's; never loopback, link-local, multicast or unspecified. Sends no packet."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE)
            found.append(probe.getsockname()[0])
    except OSError:
        pass  # no route at all: no network to share on, or only the host name's addresses
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        found += [str(info[4][0]) for info in infos]
    except OSError:
        pass
    return list(dict.fromkeys(a for a in found if _reachable(a)))


def _reachable(address: str) -> bool:
    """Whether another machine on the network could use `address` to reach this one."""
    ip = ipaddress.ip_address(address)
    return not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified)
