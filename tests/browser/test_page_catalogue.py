"""Every `page.*` key the page uses is in both catalogues, and the two catalogues agree.

No browser needed: the page's keys are read from its sources, where every key is written out
whole (`t("page.run")`, `data-i18n="page.run"`, `say("page.run")`), never built from parts.
"""

import json
import re
import string
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "zh")
KEY = re.compile(r"""["'](page\.[A-Za-z0-9_.]+)["']""")


def catalogue(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((ROOT / "app" / "i18n" / f"{lang}.json").read_text("utf-8"))
    return data


def used_keys() -> dict[str, set[str]]:
    """Each `page.*` key in static/js and templates, with the files that use it."""
    found: dict[str, set[str]] = {}
    sources = [*(ROOT / "static" / "js").glob("*.js"), *(ROOT / "templates").rglob("*.html")]
    for path in sources:
        for key in KEY.findall(path.read_text("utf-8")):
            found.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    return found


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_page_uses_keys() -> None:
    keys = used_keys()
    assert "page.run" in keys  # the scan finds what it should
    assert len(keys) > 100


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_the_page_uses_is_in_the_catalogue(lang: str) -> None:
    words = catalogue(lang)
    missing = {key: sorted(files) for key, files in used_keys().items() if key not in words}
    assert missing == {}, f"missing from app/i18n/{lang}.json"


def test_the_catalogues_have_the_same_keys() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    assert sorted(en.keys() - zh.keys()) == [], "only in en.json"
    assert sorted(zh.keys() - en.keys()) == [], "only in zh.json"


def test_page_messages_take_the_same_placeholders() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    differ = {
        key: (placeholders(en[key]), placeholders(zh.get(key, "")))
        for key in en
        if key.startswith("page.") and placeholders(en[key]) != placeholders(zh.get(key, ""))
    }
    assert differ == {}


def test_no_page_key_goes_unused() -> None:
    unused = sorted(k for k in catalogue("en") if k.startswith("page.") and k not in used_keys())
    assert unused == []
