"""Every page's opening: page config and sign-in (:func:`page_setup`), its heading
(:func:`page_title`) and the database with this session's author (:func:`store`)."""

from __future__ import annotations

import streamlit as st

from .. import presentation
from ..storage import Store
from .database import database
from .display import literal
from .signin import author, sign_in


def store() -> Store:
    """The app's database (``$JOURNEY_DB`` or ``journey.db``), seeded with samples when new;
    this run's saves are recorded as made by :func:`author`."""
    db = database()
    db.author = author()
    return db


def page_setup(file: str) -> presentation.Page:
    """Every page's first call, with its ``__file__``: page config (tab title and icon from
    :data:`presentation.PAGES`), then sign-in when the app is protected. Returns the page's
    entry, for :func:`page_title`. KeyError for a file not in the table.

    Nothing below it runs for a visitor who has not signed in (``st.stop``), so no page can
    show data before sign-in.
    """
    page = presentation.page_for(file)
    st.set_page_config(page_title=f"{page.label} · Journey Lab", page_icon=page.icon, layout="wide")
    sign_in()
    return page


def page_title(page: presentation.Page, subject: str | None = None) -> None:
    """The page's heading from the table: its icon and name, then `` · subject`` (user text,
    shown literally) when given."""
    st.title(page.title + (f" · {literal(subject)}" if subject is not None else ""))
