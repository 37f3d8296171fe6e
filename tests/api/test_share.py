"""The share panel's links: the page's URL at this machine's LAN addresses (same port, path and
hash), found without sending a packet, and the QR code segno draws for the first of them."""

import ipaddress
import socket
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import segno

from app.api.routes import share
from app.api.routes.share import QR_SVG, checked_url, lan_addresses, lan_urls, qr_svg, share_link
from app.main import create_app

SHARE = "/api/v1/share"
PAGE = "http://localhost:8000/#descent?surface=double_well&opt=sgd&lr=0.05&starts=-0.3,1;0.3,1"
# Bytes a QR code of each version 1-40 holds in byte mode at error level L (ISO/IEC 18004).
CAPACITY_L = (
    17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792,
    858, 929, 1003, 1091, 1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188, 2303,
    2431, 2563, 2699, 2809, 2953,
)  # fmt: skip


def side(text: str) -> int:
    """Modules per side of the smallest QR code holding `text` (lower-case: byte mode), with
    the 4-module quiet zone on each side."""
    version = next(v for v, cap in enumerate(CAPACITY_L, start=1) if cap >= len(text.encode()))
    return 17 + 4 * version + 2 * 4


def same_but_host(link: str, page: str) -> None:
    """`link` is `page` at another host: same scheme, port, path, query and hash."""
    a, b = urlsplit(link), urlsplit(page)
    assert (a.scheme, a.port, a.path, a.query, a.fragment) == (
        b.scheme,
        b.port,
        b.path,
        b.query,
        b.fragment,
    )
    host = ipaddress.ip_address(a.hostname or "")
    assert host.version == 4
    assert not host.is_loopback


# ---- the parts ---------------------------------------------------------------------------


def test_lan_urls_keep_scheme_port_path_query_and_hash() -> None:
    parts = checked_url("https://teacher:secret@localhost:8443/gdviz/?x=1#backprop?expr=(x%2By)*z")
    assert parts is not None
    assert lan_urls(parts, ["192.168.1.20", "10.0.0.7"]) == [
        "https://192.168.1.20:8443/gdviz/?x=1#backprop?expr=(x%2By)*z",
        "https://10.0.0.7:8443/gdviz/?x=1#backprop?expr=(x%2By)*z",
    ]  # and never the user and password
    bare = checked_url("http://[::1]/#lessons")
    assert bare is not None
    assert lan_urls(bare, ["172.16.0.5"]) == ["http://172.16.0.5/#lessons"]
    assert lan_urls(bare, []) == []


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        "https://gdviz.example.org/#lessons",
        "http://127.0.0.1:8000",
        "http://[::1]:8000/#x",
        "http://h/" + "a" * 1991,
    ],
)
def test_http_urls_with_a_host_are_accepted(url: str) -> None:
    assert checked_url(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://localhost/",
        "javascript:alert(1)",
        "HTTP://localhost/",  # the schema's pattern says lower case
        "localhost:8000/#descent",
        "http://",
        "http:///descent",
        "http://localhost:99999/",
        "http://localhost:port/",
        "http://[::1/",
        "http://例子.cn/",
        "http://localhost/#a b",
        "http://localhost/\n",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    assert checked_url(url) is None


class FakeSocket:
    """A UDP socket that records what is done with it and refuses to send anything."""

    calls: list[tuple[str, Any]]

    def __init__(self, family: int, kind: int) -> None:
        assert (family, kind) == (socket.AF_INET, socket.SOCK_DGRAM)
        self.calls.append(("socket", kind))

    def __enter__(self) -> "FakeSocket":
        return self

    def __exit__(self, *args: object) -> None:
        self.calls.append(("close", None))

    def connect(self, address: tuple[str, int]) -> None:
        assert ipaddress.ip_address(address[0]).is_private
        self.calls.append(("connect", address))

    def getsockname(self) -> tuple[str, int]:
        return ("10.0.0.7", 40000)

    def send(self, data: bytes) -> None:
        raise AssertionError("the probe must not send anything")

    sendto = send


def test_lan_addresses_send_nothing_and_skip_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeSocket.calls = []
    infos = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))
        for address in ("127.0.1.1", "192.168.1.20", "10.0.0.7", "169.254.3.4")
    ]
    monkeypatch.setattr(socket, "socket", FakeSocket)
    monkeypatch.setattr(socket, "gethostname", lambda: "laptop")
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args: infos)
    assert lan_addresses() == ["10.0.0.7", "192.168.1.20"]  # the outbound interface's first
    assert FakeSocket.calls == [("socket", 2), ("connect", share.PROBE), ("close", None)]


def test_no_network_means_no_lan_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*args: object) -> None:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(FakeSocket, "connect", unreachable)
    monkeypatch.setattr(socket, "socket", FakeSocket)
    monkeypatch.setattr(socket, "getaddrinfo", unreachable)
    FakeSocket.calls = []
    assert lan_addresses() == []
    reply = share_link("en", PAGE)
    assert (reply.lan_urls, reply.qr_url, reply.qr_svg) == ([], PAGE, qr_svg(PAGE))


def test_this_machines_addresses_are_ipv4_and_not_loopback() -> None:
    for address in lan_addresses():
        ip = ipaddress.ip_address(address)
        assert ip.version == 4
        assert not ip.is_loopback
        assert not ip.is_link_local


@pytest.mark.parametrize("length", [1, 17, 18, 53, 54, 300, 2000])
def test_the_qr_code_is_segno_svg_of_the_right_size(length: int) -> None:
    text = ("http://192.168.1.20:8000/#descent?surface=bowl" * 50)[:length]
    svg = qr_svg(text)
    root = ET.fromstring(svg)
    assert root.tag == "svg"
    assert "width" not in root.attrib
    assert root.attrib["viewBox"] == f"0 0 {side(text)} {side(text)}"
    assert svg == segno.make(text, micro=False).svg_inline(**QR_SVG)
    assert not segno.make(text, micro=False).is_micro


def test_the_qr_code_holds_the_first_lan_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(share, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.7"])
    reply = share_link("zh", PAGE)
    first = (
        "http://192.168.1.20:8000/#descent?surface=double_well&opt=sgd&lr=0.05&starts=-0.3,1;0.3,1"
    )
    assert reply.url == PAGE
    assert reply.lan_urls == [first, first.replace("192.168.1.20", "10.0.0.7")]
    assert reply.qr_url == first
    assert reply.qr_svg == segno.make(first, micro=False).svg_inline(**QR_SVG)


# ---- the endpoint ------------------------------------------------------------------------


def test_share_answers_with_links_and_a_qr_code(client: httpx.Client) -> None:
    reply = client.get(SHARE, params={"url": PAGE})
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"url", "lan_urls", "qr_url", "qr_svg"}
    assert body["url"] == PAGE
    for link in body["lan_urls"]:
        same_but_host(link, PAGE)
    assert body["qr_url"] == (body["lan_urls"] or [PAGE])[0]
    assert body["qr_svg"] == qr_svg(body["qr_url"])
    assert ET.fromstring(body["qr_svg"]).attrib["viewBox"] == "0 0 {0} {0}".format(
        side(body["qr_url"])
    )


BAD = {
    "ftp": ("ftp://localhost/", "url: must be an http:// or https:// address"),
    "no host": ("http://", "url: must be an http:// or https:// address"),
    "not ascii": ("http://例子.cn/", "url: must be an http:// or https:// address"),
    "too long": ("http://h/" + "a" * 1992, "url: should have at most 2000 characters"),
}


@pytest.mark.parametrize(("url", "says"), BAD.values(), ids=list(BAD))
def test_bad_urls_are_422(client: httpx.Client, url: str, says: str) -> None:
    reply = client.get(SHARE, params={"url": url})
    assert reply.status_code == 422
    assert reply.json()["message"].startswith(says)
    zh = client.get(SHARE, params={"url": url}, headers={"Accept-Language": "zh"})
    assert zh.status_code == 422
    assert zh.json()["message"].startswith("url: ")
    assert "至多" in zh.json()["message"]


def test_a_missing_url_is_422(client: httpx.Client) -> None:
    reply = client.get(SHARE)
    assert reply.status_code == 422
    assert reply.json()["message"] == "url: Field required"


def test_the_document_declares_the_reply_and_every_status() -> None:
    operation = create_app().openapi()["paths"][SHARE]["get"]
    assert set(operation["responses"]) == {"200", "422"}
    content = operation["responses"]["200"]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/ShareLinks"}
    invalid = operation["responses"]["422"]["content"]["application/json"]
    assert invalid["schema"] == {"$ref": "#/components/schemas/ErrorReply"}
    [parameter] = operation["parameters"]
    assert parameter["required"]
    assert parameter["schema"]["maxLength"] == 2000
    assert parameter["schema"]["pattern"] == "^https?://[!-~]+$"
