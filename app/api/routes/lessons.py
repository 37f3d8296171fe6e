"""The lessons, after the notes: each a short text with its equations, the view and state to
open, one thing to try and its answer; in the request's language."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field

from app.api.errors import ErrorReply, Responses
from app.api.language import Language
from app.api.lessons import Lesson, Library, load_library
from app.i18n import Lang, translate

router = APIRouter(prefix="/api/v1", tags=["lessons"])
LIBRARY: Library = load_library()  # read at start-up: a bad lesson file stops the app here
LessonId = Annotated[
    str, Path(description="A lesson's id.", json_schema_extra={"enum": list(LIBRARY.order)})
]
UNKNOWN: Responses = {404: {"model": ErrorReply, "description": "Unknown lesson"}}


class LessonInfo(BaseModel):
    """A lesson in the list: where it stands and what it opens."""

    id: str = Field(description="Stable id, used in /lessons/{id}.", examples=["descent"])
    number: int = Field(description="Its place in the course, from 1.")
    title: str
    view: str = Field(description="The page's view the lesson opens.", examples=["descent"])
    state: str = Field(
        description="The URL hash that opens the view in the lesson's state.",
        examples=["#descent?surface=himmelblau&opt=sgd&lr=0.01&starts=0,0"],
    )
    lang: Lang = Field(description="The language of the text.")
    fallback: bool = Field(
        description="True when the lesson is missing in the request's language and is given in "
        "the other one."
    )


class LessonDetail(LessonInfo):
    """One lesson: its text as HTML (equations as MathML), one thing to try and its answer."""

    model_config = ConfigDict(populate_by_name=True)

    html: str = Field(description="The text as HTML; equations are <math> elements.")
    try_: str = Field(alias="try", description="One thing to try in the view (plain text).")
    answer: str = Field(description="The answer, in terms of what the view shows (plain text).")
    previous: str | None = Field(description="The previous lesson's id; null for the first.")
    next: str | None = Field(description="The next lesson's id; null for the last.")


def lesson_info(lesson: Lesson, fallback: bool) -> LessonInfo:
    """The list entry of a lesson."""
    return LessonInfo(
        id=lesson.id,
        number=lesson.number,
        title=lesson.title,
        view=lesson.view,
        state=lesson.state,
        lang=lesson.lang,
        fallback=fallback,
    )


@router.get("/lessons")
def list_lessons(lang: Language) -> list[LessonInfo]:
    """The lessons in order, in the request's language (Accept-Language)."""
    return [lesson_info(lesson, fallback) for lesson, fallback in LIBRARY.each(lang)]


@router.get("/lessons/{id}", responses=UNKNOWN)
def read_lesson(id: LessonId, lang: Language) -> LessonDetail:
    """One lesson, in the request's language (Accept-Language)."""
    try:
        lesson, fallback = LIBRARY.find(id, lang)
    except KeyError:
        choices = ", ".join(LIBRARY.order)
        raise HTTPException(
            404, translate(lang, "error.unknown_lesson", id=id, choices=choices)
        ) from None
    previous, next_ = LIBRARY.neighbours(lesson.id)
    return LessonDetail(
        **lesson_info(lesson, fallback).model_dump(),
        html=LIBRARY.html(lesson),
        try_=lesson.try_,
        answer=lesson.answer,
        previous=previous,
        next=next_,
    )
