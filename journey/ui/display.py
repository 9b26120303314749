"""Showing things to people: user text shown literally (:func:`literal`, :func:`short_table`),
errors as messages a person can act on (:func:`show_error`), the one "done" notice
(:func:`notify`), notices about a link's parameters, tabs kept in the link, progress bars."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from .. import editing, presentation
from ..model import ChangedSinceError, ConflictError, JourneyError, NotFoundError

#: Markdown's special characters, each escaped by a backslash (``str.translate``: faster than
#: a regular expression's substitution, and pages call this for every piece of user text).
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})
#: Where GitHub-flavoured Markdown turns bare text into a link after the escapes are read
#: (``https://…``, ``www.…``, ``name@host.org``): a word joiner (U+2060, invisible, no space)
#: goes in there, so the text stays text.
_AUTOLINK_SPOTS = re.compile(r"(?<=:)(?=//)|(?<=@)|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def show_error(error: Exception) -> None:
    """Show a domain error as a message a person can act on (never a traceback).

    The text is shown literally (it quotes names people typed and cells of their files).
    Versioned forms handle their own conflicts (:func:`submit_edit`); one that reaches here
    says so without internals.
    """
    if isinstance(error, ChangedSinceError):
        st.error(literal(editing.changed_since_text(error)), icon="⚠️")
    elif isinstance(error, ConflictError):
        st.error(
            literal(
                f"{error.what} was changed by someone else since you opened it. "
                "Nothing was saved: load the latest and try again."
            ),
            icon="⚠️",
        )
    elif isinstance(error, NotFoundError):
        st.warning(literal(str(error)))
    elif isinstance(error, JourneyError):
        st.error(literal(str(error)))
    else:
        raise error


def query_number(name: str, *, what: str, floating: bool = False) -> int | None:
    """The number in the link's ``name`` parameter (see :func:`presentation.link_number`);
    None when absent. Anything else is dropped from the link with a notice naming ``what``
    (``floating``: as in :func:`link_notice`)."""
    if not (values := st.query_params.get_all(name)):
        return None
    if (number := presentation.link_number(values)) is None:
        link_notice(
            f"The link asks for {what} “{presentation.shown_value(values)}”, which is "
            "not one plain number: it was ignored.",
            floating=floating,
        )
        st.query_params.pop(name, None)
    return number


def linked_tabs(labels: list[str], key: str) -> list:
    """``st.tabs(labels)`` with the open tab kept in the link (``?key=Label``). Streamlit
    drops a link value that names no tab without a word; this says which value was not
    understood (the first tab opens instead)."""
    values = st.query_params.get_all(key)
    if values and values[-1] not in labels:  # Streamlit reads the last of repeated values
        link_notice(
            f"The link asks for the tab “{presentation.shown_value(values)}”, which this "
            f"page does not have: it was ignored. The tabs are {', '.join(labels)}."
        )
    return st.tabs(labels, key=key, bind="query-params")


def drawn_once_opened(container, key: str) -> bool:
    """Whether to draw what goes in a container that reruns the page when opened (a tab of
    :func:`linked_tabs`, an expander with ``on_change="rerun"``): while it is open, and on
    every run after it was first opened in this session (``key`` names it).

    A container never opened need not be drawn (five stage forms, or a closed form for a new
    persona, on every rerun made those pages slow). One opened before is still drawn, even
    hidden: a browser drops what was typed in a form that a rerun leaves out.
    """
    opened = st.session_state.setdefault("_drawn_once_opened", set())
    if container.open:
        opened.add(key)
    return key in opened


def link_notice(message: str, *, floating: bool = False) -> None:
    """Tell the person that part of the link they opened was not used (shown as text).

    ``floating``: as a toast over the page instead of a box in it, for pages that must fit
    the screen (a Present slide at 1280x720 would be pushed 39 px past the bottom)."""
    if floating:
        st.toast(literal(message), icon=":material/link_off:")
    else:
        st.warning(literal(message), icon=":material/link_off:")


def progress_bar():
    """A progress bar for long work; returns ``progress(fraction, message)`` to move it."""
    bar = st.progress(0.0, text="Starting")
    return lambda fraction, message: bar.progress(min(max(fraction, 0.0), 1.0), text=message)


def short_table(rows, *, border: bool = True) -> None:
    """The one way to show a short table (a comparison, a tally): every row shown, no scroll
    inside the table, long words wrapping so it fits the main block
    (:data:`journey.presentation.TABLE_CSS`). ``rows``: dicts or a DataFrame; text cells and
    column names are user text and shown literally; numbers stay numbers."""
    st.table(literal_frame(pd.DataFrame(rows)), hide_index=True, border=border)


def literal_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for ``st.table`` (which reads its cells as Markdown): its text
    cells and column names (every level of a two-level header) through :func:`literal`;
    numbers and other values stay as they are."""
    frame = frame.map(lambda v: literal(v) if isinstance(v, str) else v)
    return frame.rename(columns=literal)


def literal(text: str) -> str:
    """User text made safe for anything Streamlit reads as Markdown (st.markdown, captions,
    subheaders, st.table cells, metric labels): shown as typed, never as markup.

    Streamlit never runs HTML without ``unsafe_allow_html`` (which no page uses for user
    text); this also keeps Markdown links, images, emphasis, colours (``:red[x]``) and maths
    (``$x$``) in user text as plain text, and bare addresses (``https://…``, ``www.…``,
    ``a@b.org``) unlinked: an invisible word joiner (:data:`WORD_JOINER`) follows their
    ``:``, ``@`` or ``www``, because Markdown links those after reading the escapes.
    """
    text = _AUTOLINK_SPOTS.sub(WORD_JOINER, str(text))
    return text.translate(_MARKDOWN_ESCAPES).replace("\n", "  \n")


def notify(message: str) -> None:
    """The one "done" notice: plain text (names people typed included), shown literally once,
    after the rerun that follows the change."""
    flash(literal(message))


def flash(markdown: str) -> None:
    """A notice already written as Markdown (user text in it through :func:`literal`)."""
    st.session_state.setdefault("_flash", []).append(markdown)
