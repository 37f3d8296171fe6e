"""The lessons: one Markdown file per lesson and language, read once and rendered on demand.

`app/lessons/<lang>/NN-slug.md` is lesson number NN with id `slug`. A file opens with a front
matter block of `key: value` lines between two `---` lines, exactly these keys:

    ---
    title: Downhill on a surface
    view: descent
    state: "#descent?surface=himmelblau&opt=sgd&lr=0.01&starts=0,0"
    try: One thing to try in that view, as a question.
    answer: The question's answer, in terms of what the student sees.
    ---

A value may be wrapped in double quotes (needed in YAML for a `#` or a `: `). The text below it
is Markdown (CommonMark and tables, raw HTML shown as text, so a file cannot inject markup)
with equations in LaTeX between `$...$` (inline) and `$$...$$` (display), turned into MathML
on the server. A lesson missing from one language is served from the other with `fallback`.
"""

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from app.i18n import LANGS, Lang

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
FIELDS = ("title", "view", "state", "try", "answer")
FILE_NAME = re.compile(r"(?P<number>\d{2})-(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\.md")
STATE = re.compile(r"#(?P<view>[a-z][a-z0-9_-]*)(?:\?[^\s#]*)?")
FENCE = "---"


class LessonError(ValueError):
    """A lesson file that cannot be used, naming the file (and the line) at fault."""


@dataclass(frozen=True)
class Lesson:
    """One lesson in one language, as its file says it."""

    id: str
    number: int
    lang: Lang
    title: str
    view: str
    state: str  # a URL hash: "#view?param=value&..."
    try_: str
    answer: str
    body: str  # Markdown with LaTeX


def parse_lesson(text: str, path: Path, lang: Lang) -> Lesson:
    """The lesson in `text` (the file `path`), or LessonError saying what is wrong and where."""
    name = FILE_NAME.fullmatch(path.name)
    if name is None:
        raise LessonError(f"{path}: a lesson's file name is NN-slug.md, such as 01-descent.md")
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise LessonError(f"{path}:1: a lesson starts with a front matter block opened by ---")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise LessonError(f"{path}: the front matter block is never closed by ---") from None
    meta = _front_matter(lines[1:end], path)
    state = STATE.fullmatch(meta["state"])
    if state is None:
        raise LessonError(f"{path}: state must be a URL hash such as #descent?surface=bowl")
    if state["view"] != meta["view"]:
        raise LessonError(f"{path}: state opens view '{state['view']}', not '{meta['view']}'")
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        raise LessonError(f"{path}: the lesson has no text after its front matter")
    number, id = int(name["number"]), name["id"]
    return Lesson(
        id,
        number,
        lang,
        meta["title"],
        meta["view"],
        meta["state"],
        meta["try"],
        meta["answer"],
        body,
    )


def _front_matter(lines: list[str], path: Path) -> dict[str, str]:
    """`key: value` lines (line numbers count from the file's first line) into a dict."""
    meta: dict[str, str] = {}
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), _unquote(value.strip())
        if not colon or key not in FIELDS:
            allowed = ", ".join(FIELDS)
            raise LessonError(f"{path}:{number}: expected 'key: value' with a key from {allowed}")
        if key in meta:
            raise LessonError(f"{path}:{number}: '{key}' is given twice")
        if not value:
            raise LessonError(f"{path}:{number}: '{key}' is empty")
        meta[key] = value
    missing = [k for k in FIELDS if k not in meta]
    if missing:
        raise LessonError(f"{path}: the front matter lacks {', '.join(missing)}")
    return meta


def _unquote(value: str) -> str:
    """A value without the double quotes around it (YAML's `\\"` and `\\\\` undone)."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\([\\\"])", r"\1", value[1:-1]).strip()
    return value


# ---- the library -------------------------------------------------------------------------


@dataclass
class Library:
    """Every lesson in every language, in the order of their numbers; HTML rendered once each."""

    lessons: dict[Lang, dict[str, Lesson]]
    order: tuple[str, ...]
    _html: dict[tuple[str, Lang], str] = field(default_factory=dict, repr=False)

    def find(self, id: str, lang: Lang) -> tuple[Lesson, bool]:
        """Lesson `id` in `lang`, or in the other language (then the flag is True); KeyError."""
        if id in self.lessons[lang]:
            return self.lessons[lang][id], False
        for other in LANGS:
            if id in self.lessons[other]:
                return self.lessons[other][id], True
        raise KeyError(id)

    def each(self, lang: Lang) -> Iterator[tuple[Lesson, bool]]:
        """Every lesson, in order, each in `lang` where it exists."""
        for id in self.order:
            yield self.find(id, lang)

    def neighbours(self, id: str) -> tuple[str | None, str | None]:
        """The ids of the lessons before and after `id`."""
        i = self.order.index(id)
        return (self.order[i - 1] if i else None), (
            self.order[i + 1] if i + 1 < len(self) else None
        )

    def html(self, lesson: Lesson) -> str:
        """The lesson's text as HTML, rendered on first use (a race renders twice, harmlessly)."""
        key = (lesson.id, lesson.lang)
        if key not in self._html:
            self._html[key] = render(lesson.body)
        return self._html[key]

    def __len__(self) -> int:
        return len(self.order)


def load_library(root: Path = LESSONS) -> Library:
    """Read `root/<lang>/*.md` for every language, or LessonError naming the file at fault."""
    lessons: dict[Lang, dict[str, Lesson]] = {lang: {} for lang in LANGS}
    numbers: dict[str, tuple[int, Path]] = {}
    for lang in LANGS:
        folder = root / lang
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
            lesson = parse_lesson(path.read_text(encoding="utf-8"), path, lang)
            number, first = numbers.setdefault(lesson.id, (lesson.number, path))
            if number != lesson.number:
                raise LessonError(f"{path}: lesson '{lesson.id}' is number {number} in {first}")
            clash = [n for n, (k, _) in numbers.items() if k == lesson.number and n != lesson.id]
            if clash:
                raise LessonError(f"{path}: number {lesson.number} is taken by '{clash[0]}'")
            lessons[lang][lesson.id] = lesson
    if not numbers:
        raise LessonError(f"{root}: no lessons (expected {root}/en/01-slug.md and the like)")
    order = tuple(sorted(numbers, key=lambda id: numbers[id][0]))
    return Library(lessons, order)


# ---- Markdown with LaTeX -----------------------------------------------------------------

# MathML Core's elements and the attributes latex2mathml writes; anything else (say, markup a
# \text{...} smuggled in, or \href's link) makes the formula render as its escaped source.
# fmt: off
MATH_ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
    "munder", "mover", "munderover", "mfrac", "msqrt", "mroot", "mstyle", "merror", "mpadded",
    "mphantom", "menclose", "mtable", "mtr", "mtd", "mmultiscripts", "mprescripts", "none",
    "semantics", "annotation",
})
MATH_ATTRIBUTES = frozenset({
    "display", "mathvariant", "stretchy", "fence", "form", "accent", "accentunder", "width",
    "height", "depth", "linebreak", "columnalign", "rowalign", "columnlines", "rowlines",
    "columnspacing", "rowspacing", "frame", "framespacing", "displaystyle", "scriptlevel",
    "lspace", "rspace", "separator", "movablelimits", "largeop", "symmetric", "minsize",
    "maxsize", "linethickness", "notation", "mathcolor", "mathbackground", "mathsize",
})
# fmt: on
MATHML = "{http://www.w3.org/1998/Math/MathML}"


def math(latex: str, display: bool) -> str:
    """`<math>` for `latex` (display="block" for display math), or its escaped source in
    `<code class="math-error">` when latex2mathml cannot read it or writes unsafe markup."""
    try:
        root = ET.fromstring(convert(latex, display="block" if display else "inline"))
        for node in root.iter():
            node.tag = node.tag.removeprefix(MATHML)
            if node.tag not in MATH_ELEMENTS or not set(node.attrib) <= MATH_ATTRIBUTES:
                raise ValueError(f"unsafe MathML: <{node.tag}> {sorted(node.attrib)}")
            variant = node.attrib.get("mathvariant", "normal")
            if variant != "normal":  # browsers draw only "normal": use the styled characters
                del node.attrib["mathvariant"]
                node.text = "".join(_styled(c, variant) for c in node.text or "")
    except Exception:  # latex2mathml raises many kinds; every one means "cannot render this"
        return f'<code class="math-error">{escape(latex)}</code>'
    root.set("alttext", latex)
    return ET.tostring(root, encoding="unicode", short_empty_elements=False)


def _styled(char: str, variant: str) -> str:
    """`char` in a mathvariant from Unicode's mathematical alphanumerics (double-struck 1 is
    𝟙, U+1D7D9), or `char` itself when Unicode has no such letter."""
    try:
        kind = "DIGIT" if char.isdigit() else "CAPITAL" if char.isupper() else "SMALL"
        name = f"{variant.upper().replace('-', ' ')} {kind} {unicodedata.name(char).split()[-1]}"
        name = name.replace("DOUBLE STRUCK", "DOUBLE-STRUCK").replace("SANS SERIF", "SANS-SERIF")
        return unicodedata.lookup(f"MATHEMATICAL {name}")
    except (KeyError, ValueError):
        return char


def _inline_math(state: StateInline, silent: bool) -> bool:
    """`$...$` (no space inside either dollar, no digit right after the closing one) or
    `$$...$$` within a line of text."""
    src, start = state.src, state.pos
    if src[start] != "$":
        return False
    display = src.startswith("$$", start)
    opener = 2 if display else 1
    close = _closing(src, start + opener, state.posMax, display)
    if close is None:
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = src[start + opener : close]
        token.markup = "$$" if display else "$"
    state.pos = close + opener
    return True


def _closing(src: str, begin: int, end: int, display: bool) -> int | None:
    """Where the math opened just before `begin` closes, or None."""
    if begin >= end or (not display and src[begin].isspace()):
        return None
    i = begin
    while (i := src.find("$$" if display else "$", i, end)) != -1:
        escaped = src[i - 1] == "\\"
        if display and not escaped and i > begin:
            return i
        after = src[i + 1] if i + 1 < end else ""
        if not display and not escaped and not src[i - 1].isspace() and not after.isdigit():
            return i if i > begin else None
        i += 1
    return None


def _block_math(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A `$$` line, the LaTeX, then a line ending in `$$` (or all of it on one line)."""
    if state.sCount[start] - state.blkIndent >= 4:  # indented: a code block
        return False
    first = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]].strip()
    if not first.startswith("$$"):
        return False
    lines, line, text = [], start, first[2:]
    if "$$" in text.removesuffix("$$"):
        return False  # $$...$$ and more text: math within a paragraph
    while not (text.endswith("$$") and (line > start or len(text) >= 2)):
        lines.append(text)
        line += 1
        if line >= end:
            return False
        text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].strip()
        if not text:
            return False  # a blank line before the closing $$: not display math
    lines.append(text[:-2])
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.content, token.markup, token.map = "\n".join(lines).strip(), "$$", [start, line + 1]
    state.line = line + 1
    return True


def _markdown() -> MarkdownIt:
    """CommonMark and tables; raw HTML off (shown as text); `$` and `$$` math."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.inline.ruler.after("escape", "math_inline", _inline_math)
    md.block.ruler.before(
        "fence", "math_block", _block_math, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.add_render_rule(
        "math_inline", lambda _, tokens, i, *__: math(tokens[i].content, tokens[i].markup == "$$")
    )
    md.add_render_rule("math_block", lambda _, tokens, i, *__: math(tokens[i].content, True) + "\n")
    return md


MARKDOWN = _markdown()


def render(body: str) -> str:
    """A lesson's Markdown as HTML, its equations as MathML."""
    html: str = MARKDOWN.render(body)
    return html
