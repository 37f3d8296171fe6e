"""English or Chinese by Accept-Language: outcome sentences, 422 messages, and the catalogues."""

import re
import string
from typing import Any

import httpx
import pytest

from tests.api.helpers import RUNS, STREAM, parse_sse, run_body

HAN = re.compile(r"[\u4e00-\u9fff]")  # CJK unified ideographs

# Accept-Language header (None: no header) and the language the reply should be in.
NEGOTIATION = [
    ("zh", "zh"),
    ("zh-CN,zh;q=0.9", "zh"),
    ("zh-Hans-CN", "zh"),
    ("en", "en"),
    ("en-US,en;q=0.9,zh;q=0.8", "en"),
    ("fr", "en"),
    ("fr-FR,fr;q=0.9,zh;q=0.5", "zh"),
    ("zh;q=0, en", "en"),
    ("*", "en"),
    ("", "en"),
    (None, "en"),
]


def headers(accept_language: str | None) -> dict[str, str]:
    return {} if accept_language is None else {"Accept-Language": accept_language}


def is_chinese(text: str) -> bool:
    return HAN.search(text) is not None


@pytest.mark.parametrize(("accept_language", "lang"), NEGOTIATION)
def test_outcome_sentences_follow_accept_language(
    client: httpx.Client, accept_language: str | None, lang: str
) -> None:
    reply = client.post(RUNS, json=run_body(), headers=headers(accept_language))
    assert reply.status_code == 200
    [t] = reply.json()["trajectories"]
    assert is_chinese(t["message"]) == (lang == "zh"), t["message"]
    if lang == "zh":  # "走完 5 步仍未收敛：梯度范数仍为 …，高于容差 1e-06。"
        assert t["message"].startswith("走完 5 步仍未收敛")
    else:
        assert t["message"].startswith("stopped after 5 steps without converging")


@pytest.mark.parametrize(("accept_language", "lang"), NEGOTIATION)
def test_422_messages_follow_accept_language(
    client: httpx.Client, accept_language: str | None, lang: str
) -> None:
    body = run_body(optimizer={"name": "sgd", "lr": 0})
    reply = client.post(RUNS, json=body, headers=headers(accept_language))
    assert reply.status_code == 422
    message = reply.json()["message"]
    assert message.startswith("optimizer.lr: ")
    assert is_chinese(message) == (lang == "zh"), message
    expected = "应大于 0" if lang == "zh" else "Input should be greater than 0"
    assert expected in message


def zh(client: httpx.Client, path: str, body: dict[str, Any]) -> str:
    """The 422 message for `body`, asked for in Chinese."""
    reply = client.post(path, json=body, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert reply.status_code == 422, reply.text
    message: str = reply.json()["message"]
    assert is_chinese(message), message
    return message


@pytest.mark.parametrize("path", [RUNS, STREAM])
def test_chinese_422s_name_the_field(client: httpx.Client, path: str) -> None:
    assert zh(client, path, run_body(steps=0)).startswith("steps: 应大于或等于 1")
    assert zh(client, path, run_body(steps=10_001)) == "steps：10001 超过了上限 10,000"
    message = zh(client, path, run_body(optimizer={"name": "adam", "betas": [0.9, 1.0]}))
    assert message == "optimizer.betas.1: 应小于 1.0"
    message = zh(
        client, path, run_body(starts=[[1.0, 2.0]] * 3, optimizer={"name": "sgd", "lr": [0.1, 0.2]})
    )
    assert "optimizer.lr" in message
    assert "2 个值" in message
    assert "3 个" in message
    message = zh(client, path, run_body(learning_rate=0.1))
    assert message == "learning_rate: 不允许出现这个字段"
    message = zh(client, path, run_body(starts=None))
    assert "'starts'" in message
    assert "'init'" in message


def test_chinese_stream_summary_and_bad_last_event_id(client: httpx.Client) -> None:
    zh_headers = {"Accept-Language": "zh"}
    with client.stream("POST", STREAM, json=run_body(), headers=zh_headers) as reply:
        assert reply.status_code == 200
        events = list(parse_sse(reply.iter_lines()))
    [end] = events[-1].json()["trajectories"]
    assert end["message"].startswith("走完 5 步仍未收敛")
    reply = client.post(STREAM, json=run_body(), headers={**zh_headers, "Last-Event-ID": "--5"})
    assert reply.status_code == 422
    assert reply.json()["message"] == "Last-Event-ID 必须是步数，收到的是 '--5'"


def test_chinese_413(server_url: str) -> None:
    body = b'{"pad": "' + b"x" * (4 * 1024 * 1024) + b'"}'
    with httpx.Client(base_url=server_url, timeout=60) as fresh:
        reply = fresh.post(RUNS, content=body, headers={"Accept-Language": "zh"})
    assert reply.status_code == 413
    assert reply.json()["message"] == "请求体超过了 4,194,304 字节的上限"


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a catalogue template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def catalogues(client: httpx.Client) -> dict[str, dict[str, str]]:
    out = {}
    for lang in ("en", "zh"):
        reply = client.get(f"/api/v1/i18n/{lang}")
        assert reply.status_code == 200
        out[lang] = reply.json()
    return out


def test_catalogues_have_the_same_keys(client: httpx.Client) -> None:
    cat = catalogues(client)
    assert sorted(set(cat["en"]) - set(cat["zh"])) == [], "keys missing from zh.json"
    assert sorted(set(cat["zh"]) - set(cat["en"])) == [], "keys missing from en.json"
    assert len(cat["en"]) > 100


def test_catalogues_fill_the_same_placeholders(client: httpx.Client) -> None:
    cat = catalogues(client)
    differ = {
        key: (placeholders(cat["en"][key]), placeholders(cat["zh"][key]))
        for key in cat["en"].keys() & cat["zh"].keys()
        if placeholders(cat["en"][key]) != placeholders(cat["zh"][key])
    }
    assert differ == {}


def test_catalogues_hold_every_message_the_api_sends(client: httpx.Client) -> None:
    cat = catalogues(client)
    for prefix in ("error.", "pydantic.", "outcome."):
        keys = [k for k in cat["en"] if k.startswith(prefix)]
        assert keys, prefix
        for key in keys:
            assert cat["zh"][key].strip(), key
    chinese = [k for k, v in cat["zh"].items() if k.startswith("error.") and is_chinese(v)]
    assert len(chinese) == len([k for k in cat["zh"] if k.startswith("error.")])
    assert cat["en"]["language.name"] == "English"
    assert cat["zh"]["language.name"] == "中文"


@pytest.mark.parametrize("lang", ["fr", "EN", "zh-CN", ""])
def test_unknown_catalogue_is_not_found_or_invalid(client: httpx.Client, lang: str) -> None:
    reply = client.get(f"/api/v1/i18n/{lang}")
    assert reply.status_code in (404, 422)


def test_unknown_surface_404_in_chinese(client: httpx.Client) -> None:
    reply = client.get("/api/v1/surfaces/nope/grid", headers={"Accept-Language": "zh"})
    assert reply.status_code == 404
    assert reply.json()["message"].startswith("未知的曲面 'nope'；可选：bowl, ")
