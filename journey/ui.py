"""Streamlit helpers the pages share: the only module in ``journey/`` that imports streamlit.

Pages stay thin by calling these: :func:`store` opens the database once per process (its
connections are per thread, so the cached object is safe under Streamlit's threads),
:func:`choose_journey` is the workspace and journey picker that every page shows and that
keeps ``?journey=ID`` in the URL, and :func:`show_error` turns a domain error into a message.
"""

from __future__ import annotations

import streamlit as st

from . import samples, settings
from .model import ConflictError, JourneyError, NotFoundError
from .storage import Store


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    store = Store(path)
    samples.seed(store)
    return store


def store() -> Store:
    """The app's database (``$JOURNEY_DB`` or ``journey.db``), seeded with samples when new."""
    return _open_store(str(settings.database_path()))


def page_setup(title: str, icon: str = "🧭") -> None:
    st.set_page_config(page_title=f"{title} · Journey Lab", page_icon=icon, layout="wide")


def show_error(error: Exception) -> None:
    """Show a domain error as a message a person can act on (never a traceback)."""
    if isinstance(error, ConflictError):
        st.error(str(error), icon="⚠️")
    elif isinstance(error, NotFoundError):
        st.warning(str(error))
    elif isinstance(error, JourneyError):
        st.error(str(error))
    else:
        raise error


def _query_journey_id() -> int | None:
    raw = st.query_params.get("journey")
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def _remember(name: str) -> None:
    st.session_state[name] = st.session_state[f"_pick_{name}"]


def choose_journey(db: Store) -> int | None:
    """Sidebar picker for workspace and journey; remembered across pages and in the URL.

    The choice lives in plain session keys (``workspace_id``, ``journey_id``) because
    Streamlit drops a widget's state on pages that do not draw it; the widgets are copies.
    Returns the chosen journey id, or None when the workspace has no journey yet.
    """
    workspaces = db.workspaces()
    if not workspaces:
        st.sidebar.info("No workspace yet.")
        return None
    journeys = db.journeys()
    by_id = {j["id"]: j for j in journeys}
    wanted = _query_journey_id()
    if wanted in by_id and wanted != st.session_state.get("journey_id"):
        st.session_state["journey_id"] = wanted
        st.session_state["workspace_id"] = by_id[wanted]["workspace_id"]
    names = {w.id: w.name for w in workspaces}
    if st.session_state.get("workspace_id") not in names:
        current = by_id.get(st.session_state.get("journey_id"))
        st.session_state["workspace_id"] = current["workspace_id"] if current else workspaces[0].id
    st.session_state["_pick_workspace_id"] = st.session_state["workspace_id"]
    workspace_id = st.sidebar.selectbox("Workspace", list(names), format_func=names.get,
                                        key="_pick_workspace_id", on_change=_remember,
                                        args=("workspace_id",))
    label = {j["id"]: f"{j['name']} · {j['persona'] or 'no persona'}" for j in journeys
             if j["workspace_id"] == workspace_id}
    if not label:
        st.session_state.pop("journey_id", None)
        st.query_params.pop("journey", None)
        st.sidebar.caption("This workspace has no journey yet.")
        return None
    if st.session_state.get("journey_id") not in label:
        st.session_state["journey_id"] = next(iter(label))
    st.session_state["_pick_journey_id"] = st.session_state["journey_id"]
    journey_id = st.sidebar.selectbox("Journey", list(label), format_func=label.get,
                                      key="_pick_journey_id", on_change=_remember,
                                      args=("journey_id",))
    st.query_params["journey"] = str(journey_id)
    return journey_id
