"""The lessons: every one in both languages, rendered safely with MathML, chained in order,
opening a view that exists or is planned in a state that view can read; bad files refused."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.api.lessons import LESSONS, Lesson, LessonError, load_library, math, parse_lesson, render
from app.engine.expression import parse
from app.engine.objectives.surfaces import SURFACES
from app.engine.optimizers import OPTIMIZERS
from app.i18n import LANGS, Lang
from app.main import create_app

ROOT = Path(__file__).resolve().parents[2]
EXISTING_VIEWS = {p.stem for p in (ROOT / "templates" / "views").glob("*.html")}
# Views being built (some may already be in templates/views); the lessons name them already.
PLANNED_VIEWS = {"backprop", "gradcheck", "experiments", "data", "network"}
HAN = re.compile(r"[\u4e00-\u9fff]")
LIBRARY = load_library()
IDS = list(LIBRARY.order)
CASES = [(id, lang) for id in IDS for lang in LANGS]
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
# Every element a lesson's HTML may contain: Markdown's output and MathML, nothing a file wrote.
HTML_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3",
    "h4", "hr", "br", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
MATH_TAGS = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msub", "msup", "msubsup"}
MATH_TAGS |= {"mfrac", "mover", "munder", "munderover", "msqrt", "mroot", "mstyle", "mtable"}
MATH_TAGS |= {"mtr", "mtd", "mpadded", "mphantom", "menclose"}


class Tags(HTMLParser):
    """Every start tag of a document, with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def equations(body: str) -> tuple[list[str], list[str]]:
    """The display and inline LaTeX of a lesson's Markdown, found without the renderer."""
    text = re.sub(r"```.*?```|`[^`]*`", " ", body, flags=re.DOTALL)
    display = re.findall(r"\$\$(.+?)\$\$", text, flags=re.DOTALL)
    text = re.sub(r"\$\$.+?\$\$", " ", text, flags=re.DOTALL)
    return display, re.findall(r"\$([^$]+)\$", text)


def prose(body: str) -> str:
    """A lesson's text without its code and equations."""
    text = re.sub(r"```.*?```|\$\$.+?\$\$", " ", body, flags=re.DOTALL)
    return re.sub(r"\$[^$]+\$", " x ", text)


# ---- the files ---------------------------------------------------------------------------


def test_every_lesson_exists_in_both_languages_in_the_notes_order() -> None:
    names = {lang: sorted(p.name for p in (LESSONS / lang).glob("*.md")) for lang in LANGS}
    assert names["en"] == names["zh"]
    assert len(IDS) == 11
    assert [LIBRARY.find(id, "en")[0].number for id in IDS] == list(range(1, 12))
    assert IDS[0] == "descent"
    assert IDS[-1] == "mse-backprop"


@pytest.mark.parametrize(("id", "lang"), CASES)
def test_each_lesson_has_every_field_and_a_short_text(id: str, lang: Lang) -> None:
    lesson, fallback = LIBRARY.find(id, lang)
    assert not fallback
    assert lesson.lang == lang
    for text in (lesson.title, lesson.view, lesson.state, lesson.try_, lesson.answer):
        assert text.strip() == text
        assert text
    assert "$" not in lesson.try_ + lesson.answer  # plain text: the page shows them as text
    if lang == "en":
        words = len(re.findall(r"[A-Za-z][A-Za-z'-]*", prose(lesson.body)))
        assert 150 <= words <= 350, words
        assert not HAN.search(lesson.title + lesson.try_ + lesson.answer)
    else:
        characters = len(HAN.findall(prose(lesson.body)))
        assert 150 <= characters <= 700, characters
        assert HAN.search(lesson.title)
        assert HAN.search(lesson.try_)
        assert HAN.search(lesson.answer)


@pytest.mark.parametrize("id", IDS)
def test_both_languages_open_the_same_state(id: str) -> None:
    en, zh = LIBRARY.find(id, "en")[0], LIBRARY.find(id, "zh")[0]
    assert (en.view, en.state) == (zh.view, zh.state)
    # The same display equations, in the same order (punctuation after them may differ).
    same = [
        [e.strip().rstrip(",.").strip() for e in equations(text)[0]] for text in (en.body, zh.body)
    ]
    assert same[0] == same[1]


# ---- states and views --------------------------------------------------------------------


def check_state(hash: str) -> str:
    """The view a hash names, after checking it is one the page has or plans, and that its
    parameters are ones that view reads."""
    parts = urlsplit(hash)
    assert parts.fragment, hash
    assert not parts.path, hash
    view, _, query = parts.fragment.partition("?")
    assert view in EXISTING_VIEWS | PLANNED_VIEWS, view
    params = {k: v[0] for k, v in parse_qs(query, strict_parsing=bool(query)).items()}
    if view == "descent":
        assert params["surface"] in SURFACES
        assert params["opt"] in OPTIMIZERS
        assert 1e-4 <= float(params["lr"]) <= 10
        assert all(len(p.split(",")) == 2 for p in params["starts"].split(";"))
    if view == "experiments":
        assert params["exp"] in ("sweep", "basins", "init")
        assert params["obj"] in SURFACES
    if view == "gradcheck":
        assert params["kind"] == "surface"
        assert params["surface"] in SURFACES
        assert len(params["point"].split(",")) == 2
    if view == "backprop":  # the formula parses, and every variable has a value
        names = parse(params["expr"]).variables
        assert {f"v.{n}" for n in names} == set(params) - {"expr"}, params
    return view


@pytest.mark.parametrize("id", IDS)
def test_each_state_opens_an_existing_or_planned_view(id: str) -> None:
    lesson = LIBRARY.find(id, "en")[0]
    assert check_state(lesson.state) == lesson.view


def test_the_backprop_lessons_spell_plus_so_urlsearchparams_keeps_it() -> None:
    assert LIBRARY.find("chain-rule", "en")[0].state == (
        "#backprop?expr=(x%2By)*z&v.x=-2&v.y=5&v.z=-4"
    )
    assert parse_qs(urlsplit(LIBRARY.find("chain-rule", "en")[0].state).fragment[9:])["expr"] == [
        "(x+y)*z"
    ]


@pytest.mark.parametrize(("id", "lang"), CASES)
def test_links_in_the_text_open_views_too(id: str, lang: Lang) -> None:
    for tag, attrs in Tags(render(LIBRARY.find(id, lang)[0].body)).found:
        if tag == "a":
            check_state(attrs["href"] or "")


# ---- rendering ---------------------------------------------------------------------------


@pytest.mark.parametrize(("id", "lang"), CASES)
def test_equations_render_as_mathml_and_nothing_else_as_markup(id: str, lang: Lang) -> None:
    lesson = LIBRARY.find(id, lang)[0]
    html = LIBRARY.html(lesson)
    display, inline = equations(lesson.body)
    assert display
    assert inline
    assert html.count("<math ") == len(display) + len(inline)
    assert html.count('<math display="block"') == len(display)
    assert "math-error" not in html
    assert "<script" not in html
    tags = Tags(html).found
    assert {tag for tag, _ in tags} <= HTML_TAGS | MATH_TAGS
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]


def test_a_lesson_is_rendered_once_per_language() -> None:
    lesson = LIBRARY.find("descent", "zh")[0]
    assert LIBRARY.html(lesson) is LIBRARY.html(lesson)
    assert LIBRARY.html(lesson) != LIBRARY.html(LIBRARY.find("descent", "en")[0])


HOSTILE = """Hello <script>alert(1)</script> and <img src=x onerror=alert(2)>.

<div onclick="alert(3)">raw block</div>

Math: $\\text{<script>alert(4)</script>}$ and $\\href{javascript:alert(5)}{x}$ and $x^2$.

[a link](javascript:alert(6)) and [a view](#descent?surface=bowl)
"""


def test_raw_html_and_unsafe_math_are_shown_as_text() -> None:
    html = render(HOSTILE)
    assert "<script" not in html
    assert "<img" not in html
    assert "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;div onclick=&quot;alert(3)&quot;&gt;" in html
    tags = Tags(html).found
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    assert [attrs["href"] for tag, attrs in tags if tag == "a"] == ["#descent?surface=bowl"]
    assert html.count('<code class="math-error">') == 2  # the smuggled script and the link
    assert html.count("<math ") == 1  # x^2


def test_math_inline_display_and_literal_dollars() -> None:
    html = render("Cost \\$5, $x^2$ and `$y$`.\n\n$$\n\\frac{a}{b}\n$$\n\nA $ 4 $ here.")
    assert html.count('<math display="inline" alttext="x^2">') == 1
    assert html.count('<math display="block" alttext="\\frac{a}{b}">') == 1
    assert "Cost $5" in html
    assert "<code>$y$</code>" in html
    assert "A $ 4 $ here." in html
    both = render("$$x$$ and $$y$$\n\n$$z$$ then text")
    assert both.count("<p>") == 2
    assert both.count('<math display="block"') == 3
    assert math("\\frac{{", display=False) == '<code class="math-error">\\frac{{</code>'
    assert "<mfrac>" in math("\\frac{1}{2}", display=True)
    # Browsers draw only mathvariant="normal": styled letters become Unicode's own.
    assert "<mn>𝟙</mn>" in math("\\mathbb{1}", display=False)
    assert "<mi>𝜶</mi>" in math("\\boldsymbol{\\alpha}", display=False)
    assert '<mi mathvariant="normal">m</mi>' in math("\\mathrm{mean}", display=False)


# ---- loading -----------------------------------------------------------------------------

GOOD = """---
title: T
view: descent
state: "#descent?surface=bowl"
try: Try it.
answer: It works.
---

Text with $x$.
"""


def write(root: Path, lang: str, name: str, text: str) -> Path:
    path = root / lang / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


BAD_FRONT_MATTER = {
    "no block": ("title: T\n\nText", ":1: a lesson starts with a front matter block"),
    "never closed": ("---\ntitle: T\n\nText", "never closed"),
    "missing keys": ("---\ntitle: T\nview: descent\n---\nText", "lacks state, try, answer"),
    "unknown key": (GOOD.replace("title: T", "titel: T"), ":2: expected 'key: value'"),
    "no colon": (GOOD.replace("title: T", "title T"), ":2: expected 'key: value'"),
    "twice": (GOOD.replace("title: T", "title: T\ntitle: U"), ":3: 'title' is given twice"),
    "empty": (GOOD.replace("answer: It works.", 'answer: ""'), ":6: 'answer' is empty"),
    "not a hash": (GOOD.replace('"#descent?surface=bowl"', "descent"), "must be a URL hash"),
    "other view": (GOOD.replace("view: descent", "view: backprop"), "opens view 'descent'"),
    "no text": (GOOD.split("Text")[0], "no text after its front matter"),
}


@pytest.mark.parametrize(("text", "says"), BAD_FRONT_MATTER.values(), ids=list(BAD_FRONT_MATTER))
def test_bad_front_matter_is_a_clear_error_at_load_time(
    tmp_path: Path, text: str, says: str
) -> None:
    path = write(tmp_path, "en", "01-bad.md", text)
    with pytest.raises(LessonError, match=re.escape(says)) as error:
        load_library(tmp_path)
    assert str(error.value).startswith(str(path))


def test_bad_file_names_and_numbers_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "en", "1-short.md", GOOD)
    with pytest.raises(LessonError, match=r"NN-slug\.md"):
        load_library(tmp_path)
    (tmp_path / "en" / "1-short.md").unlink()
    write(tmp_path, "en", "01-one.md", GOOD)
    write(tmp_path, "zh", "02-one.md", GOOD)
    with pytest.raises(LessonError, match="lesson 'one' is number 1 in"):
        load_library(tmp_path)
    (tmp_path / "zh" / "02-one.md").unlink()
    write(tmp_path, "zh", "01-two.md", GOOD)
    with pytest.raises(LessonError, match="number 1 is taken by 'one'"):
        load_library(tmp_path)
    with pytest.raises(LessonError, match="no lessons"):
        load_library(tmp_path / "nothing")


def test_quoted_values_and_a_byte_order_mark(tmp_path: Path) -> None:
    text = "\ufeff" + GOOD.replace("try: Try it.", 'try: "Say \\"hi\\": it: works"')
    lesson = parse_lesson(text, tmp_path / "03-quoted.md", "en")
    assert (lesson.id, lesson.number, lesson.try_) == ("quoted", 3, 'Say "hi": it: works')
    assert lesson.state == "#descent?surface=bowl"
    assert lesson.body == "Text with $x$."


def test_a_lesson_missing_in_one_language_falls_back_to_the_other(tmp_path: Path) -> None:
    """A teacher drops a lesson into one folder only: it is served, flagged, in order."""
    write(tmp_path, "en", "01-first.md", GOOD)
    write(tmp_path, "zh", "01-first.md", GOOD.replace("title: T", "title: 第一课"))
    write(tmp_path, "en", "03-third.md", GOOD.replace("title: T", "title: Third"))
    write(tmp_path, "zh", "02-second.md", GOOD.replace("title: T", "title: 第二课"))
    library = load_library(tmp_path)
    assert library.order == ("first", "second", "third")
    listed = [(lesson.title, lesson.lang, fallback) for lesson, fallback in library.each("zh")]
    assert listed == [("第一课", "zh", False), ("第二课", "zh", False), ("Third", "en", True)]
    second: tuple[Lesson, bool] = library.find("second", "en")
    assert (second[0].lang, second[1]) == ("zh", True)
    assert library.neighbours("first") == (None, "second")
    assert library.neighbours("third") == ("second", None)
    with pytest.raises(KeyError):
        library.find("fourth", "en")


# ---- the API -----------------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "lang"), [(EN, "en"), (ZH, "zh"), ({}, "en")])
def test_the_list_is_in_the_request_language(
    client: httpx.Client, headers: dict[str, str], lang: Lang
) -> None:
    reply = client.get("/api/v1/lessons", headers=headers)
    assert reply.status_code == 200
    lessons = reply.json()
    assert [item["id"] for item in lessons] == IDS
    assert [item["number"] for item in lessons] == list(range(1, 12))
    for item in lessons:
        assert set(item) == {"id", "number", "title", "view", "state", "lang", "fallback"}
        assert (item["lang"], item["fallback"]) == (lang, False)
        assert bool(HAN.search(item["title"])) == (lang == "zh")
    assert lessons[7]["state"] == "#backprop?expr=(x%2By)*z&v.x=-2&v.y=5&v.z=-4"


@pytest.mark.parametrize("headers", [EN, ZH])
def test_previous_and_next_chain_through_every_lesson(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    seen, id = [], IDS[0]
    previous = None
    while id is not None:
        lesson = client.get(f"/api/v1/lessons/{id}", headers=headers).json()
        assert lesson["previous"] == previous
        seen.append(lesson["id"])
        previous, id = lesson["id"], lesson["next"]
    assert seen == IDS


def test_one_lesson_in_each_language(client: httpx.Client) -> None:
    en = client.get("/api/v1/lessons/mse-backprop", headers=EN).json()
    zh = client.get("/api/v1/lessons/mse-backprop", headers=ZH).json()
    keys = {"id", "number", "title", "view", "state", "lang", "fallback", "html", "try"}
    assert set(en) == keys | {"answer", "previous", "next"} == set(zh)
    assert en["title"] == "Does MSELoss take part in backprop?"
    assert zh["title"] == "MSELoss 是否参与反向传播？"
    assert (en["number"], en["previous"], en["next"]) == (11, "four-equations", None)
    assert "∇_a C" in en["answer"]
    assert "∇_a C" in zh["answer"]
    assert HAN.search(zh["html"])
    assert not HAN.search(en["html"])
    assert en["html"].count("<math") == zh["html"].count("<math") > 5


@pytest.mark.parametrize(("headers", "says"), [(EN, "unknown lesson 'nope'"), (ZH, "未知的课")])
def test_an_unknown_lesson_is_404_in_the_request_language(
    client: httpx.Client, headers: dict[str, str], says: str
) -> None:
    reply = client.get("/api/v1/lessons/nope", headers=headers)
    assert reply.status_code == 404
    assert reply.json()["message"].startswith(says)
    assert "descent" in reply.json()["message"]


def test_the_document_declares_the_replies_and_every_status() -> None:
    paths = create_app().openapi()["paths"]
    expected = {"/api/v1/lessons": {"200"}, "/api/v1/lessons/{id}": {"200", "404"}}
    for path, statuses in expected.items():
        assert set(paths[path]["get"]["responses"]) == statuses
    ok = paths["/api/v1/lessons/{id}"]["get"]["responses"]
    assert ok["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LessonDetail"
    }
    assert ok["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorReply"
    }
    listing = paths["/api/v1/lessons"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listing["schema"]["items"] == {"$ref": "#/components/schemas/LessonInfo"}
    [parameter] = paths["/api/v1/lessons/{id}"]["get"]["parameters"]
    assert parameter["schema"]["enum"] == IDS
