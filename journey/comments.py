"""Comments on stages and moments: the rules, kept apart from storage and pages.

A comment belongs to a stage or to a moment (friction or key point) of one journey. It holds
its author (the name :func:`journey.ui.author` gives a session), when it was written and last
edited (ISO 8601, UTC) and its text, which is plain text everywhere: pages show it with
``st.text``/``ui.literal``, the map's tooltips as data, the report through Jinja2's escaping.
Only a comment's author may edit or delete it.
"""

from __future__ import annotations

from .model import Comment, JourneyError, ValidationError

MAX_TEXT = 5000
TARGETS = ("stage", "moment")


class NotYourCommentError(JourneyError, PermissionError):
    """Someone tried to edit or delete a comment another person wrote."""


def clean_text(text: str) -> str:
    """The text as stored: surrounding blanks removed. Raises ValidationError when it is empty
    or longer than :data:`MAX_TEXT` characters."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("a comment cannot be empty", "text")
    if len(text) > MAX_TEXT:
        raise ValidationError(
            f"is {len(text):,} characters long; the limit is {MAX_TEXT:,}", "text"
        )
    return text


def check_target(target: str) -> str:
    """``target`` if comments can hang on it (``"stage"`` or ``"moment"``), else ValueError."""
    if target not in TARGETS:
        raise ValueError(f"comments belong to a stage or a moment, not {target!r}")
    return target


def may_change(comment: Comment | dict, author: str) -> bool:
    """Whether ``author`` may edit or delete ``comment``: only the person who wrote it."""
    owner = comment["author"] if isinstance(comment, dict) else comment.author
    return bool(author) and owner == author


def check_owner(comment: Comment | dict, author: str) -> None:
    """Raise NotYourCommentError unless ``author`` wrote ``comment``."""
    if not may_change(comment, author):
        owner = comment["author"] if isinstance(comment, dict) else comment.author
        raise NotYourCommentError(f"only {owner} can change this comment")


def byline(comment: Comment) -> str:
    """Who and when: ``author · YYYY-MM-DD HH:MM UTC`` (``· edited`` when changed since)."""
    return label(comment).removesuffix(f": {comment.text}").replace(", ", " · ", 1) + " UTC"


def label(comment: Comment) -> str:
    """One line for a tooltip or a list: ``author, YYYY-MM-DD HH:MM: text`` (edited noted)."""
    when = comment.created_at[:16].replace("T", " ")
    edited = " (edited)" if comment.updated_at and comment.updated_at != comment.created_at else ""
    return f"{comment.author}, {when}{edited}: {comment.text}"


TOOLTIP_COMMENTS = 3
TOOLTIP_CHARS = 120


def tooltip_text(comments: list[Comment]) -> str:
    """The latest :data:`TOOLTIP_COMMENTS` comments as one line for a chart's hover box
    (each cut at :data:`TOOLTIP_CHARS` characters, newest last, ``"+N earlier"`` in front
    when there are more), or ``"—"`` when there are none. Vega's tooltip escapes it."""
    if not comments:
        return "—"
    shown = [_cut(label(c)) for c in comments[-TOOLTIP_COMMENTS:]]
    earlier = len(comments) - len(shown)
    return " | ".join(([f"+{earlier} earlier"] if earlier else []) + shown)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TOOLTIP_CHARS else text[: TOOLTIP_CHARS - 1] + "…"
