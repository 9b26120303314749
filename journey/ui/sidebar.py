"""The sidebar every page shows: the presentation-mode toggle (kept in the link as
``?present=1``), links to every page, the workspace and journey picker (kept in the link as
``?journey=ID``), the done notices and undo; then the page's journey (:func:`current_journey`),
watched for a colleague's changes (:func:`live_updates`)."""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .. import access, charts, live, presentation
from ..model import Journey, NotFoundError
from ..storage import Store
from .countdown import countdown
from .display import link_notice, query_number, show_error
from .edits import undo_last_change
from .signin import author, role


def _persist(name: str) -> None:
    st.session_state[name] = st.session_state[f"_pick_{name}"]
    if name == "journey_id":  # the picker, not the URL it replaces, decides from now on
        st.query_params["journey"] = str(st.session_state[name])
    elif name == "workspace_id":
        st.query_params.pop("journey", None)
    elif name == "presenting":
        set_presenting(st.session_state[name])


def _picker(label: str, options: dict, name: str):
    """A sidebar selectbox of ``options`` (id -> shown text) showing the session's ``name``
    (which must be one of them); a pick is kept by :func:`_persist`. Returns the picked id."""
    st.session_state[f"_pick_{name}"] = st.session_state[name]
    return st.sidebar.selectbox(
        label,
        list(options),
        format_func=options.get,
        key=f"_pick_{name}",
        on_change=_persist,
        args=(name,),
    )


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
    by_id = {j.id: j for j in journeys}
    st.session_state.pop("_link_journey_missing", None)  # said by this run only
    wanted = query_number("journey", what="journey")
    if wanted is not None and wanted not in by_id:
        link_notice(
            f"The link asks for journey {wanted}, which does not exist (it may have "
            "been deleted). Pick a journey in the sidebar."
        )
        st.session_state["_link_journey_missing"] = True
    elif wanted is not None and wanted != st.session_state.get("journey_id"):
        st.session_state["journey_id"] = wanted
        st.session_state["workspace_id"] = by_id[wanted].workspace_id
    names = {w.id: w.name for w in workspaces}
    if st.session_state.get("workspace_id") not in names:
        current = by_id.get(st.session_state.get("journey_id"))
        st.session_state["workspace_id"] = current.workspace_id if current else workspaces[0].id
    workspace_id = _picker("Workspace", names, "workspace_id")
    label = {
        j.id: f"{j.name} · {j.persona or 'no persona'}"
        for j in journeys
        if j.workspace_id == workspace_id
    }
    if not label:
        st.session_state.pop("journey_id", None)
        st.query_params.pop("journey", None)
        st.sidebar.caption("This workspace has no journey yet.")
        return None
    if st.session_state.get("journey_id") not in label:
        st.session_state["journey_id"] = next(iter(label))
    journey_id = _picker("Journey", label, "journey_id")
    if not st.session_state.get("_link_journey_missing"):
        st.query_params["journey"] = str(journey_id)
    return journey_id


def presenting() -> bool:
    """True while presentation mode is on (large type, no editing controls)."""
    return bool(st.session_state.get("presenting", False))


def set_presenting(on: bool) -> None:
    """Turn presentation mode on or off, in the session and in the link (``?present=1``)."""
    st.session_state["presenting"] = bool(on)
    if on:
        st.query_params["present"] = "1"
    else:
        st.query_params.pop("present", None)


def _presenting_from_link() -> None:
    """``?present=1`` turns presentation mode on (``0`` off), so a reload or a shared link
    keeps it; any other value is ignored with a notice. The link then follows the session."""
    values = st.query_params.get_all("present")
    if values in (["1"], ["0"]):
        st.session_state["presenting"] = values == ["1"]
    elif values:
        link_notice(
            f"The link's presentation setting “{presentation.shown_value(values)}” is "
            "neither 1 (on) nor 0 (off): it was ignored."
        )
    set_presenting(presenting())


def chart_text_px() -> int:
    """The size of chart text on this page, in pixels (larger in presentation mode), for the
    builders that size their rows from it (``text_px``)."""
    return presentation.CHART_TEXT_PX if presenting() else charts.TEXT_PX


def can_edit() -> bool:
    """Whether this page should show editing controls (not for viewers, not presenting)."""
    return role() != access.VIEWER and not presenting()


def link(page: str, label: str, icon: str, *, sidebar: bool = False, **query) -> None:
    """A link to a page of the app (with ``query`` in its URL); left out when the page runs
    on its own, outside the app, as in tests."""
    with contextlib.suppress(StreamlitPageNotFoundError):
        (st.sidebar if sidebar else st).page_link(
            page, label=label, icon=icon, query_params=query or None
        )


def navigation() -> None:
    """Links to every page (left out when a page file runs on its own, as in tests)."""
    for page in presentation.PAGES:
        link(page.path, page.label, page.icon, sidebar=True)
    st.sidebar.divider()


def sidebar(db: Store) -> int | None:
    """What every page shows in the sidebar; returns the chosen journey id (or None): the
    page links, the workspace and journey picker and the
    presentation-mode toggle (which hides the sidebar and keeps itself in the link). The
    toggle comes first, so that it is in sight without scrolling on a 1280x720 screen."""
    _presenting_from_link()
    st.session_state["_pick_presenting"] = presenting()
    st.sidebar.toggle(
        "Presentation mode",
        key="_pick_presenting",
        on_change=_persist,
        args=("presenting",),
        help="For a projector: hides the sidebar and every editing control, "
        "enlarges the type; the link keeps it (?present=1).",
    )
    navigation()
    journey_id = choose_journey(db)
    for message in st.session_state.pop("_flash", []):
        st.success(message, icon="✅")
    if can_edit():
        undo_last_change(db)
    st.html(presentation.LAYOUT_CSS)
    st.html(presentation.TABLE_CSS)
    if presenting():
        st.html(presentation.PRESENTATION_CSS)
        leave, timer = st.columns([1, 3], vertical_alignment="center")  # one row, no height
        leave.button(
            "Leave presentation mode",
            key="leave_presenting",
            icon=":material/close:",
            on_click=set_presenting,
            args=(False,),
            type="tertiary",
        )
        with timer:
            countdown()  # the facilitator's timer, on every page while presenting
    return journey_id


def current_journey(db: Store) -> Journey:
    """The sidebar, then the page's journey loaded whole; a friendly stop when there is none
    (or it was deleted a moment ago by someone else)."""
    journey_id = sidebar(db)
    if st.session_state.pop("_link_journey_missing", False):
        st.stop()  # never show another journey in its place: the call may discuss the wrong one
    if journey_id is None:
        st.info("This workspace has no journey yet: start one on the Home page (New journey).")
        st.stop()
    with st.sidebar:
        live_updates(db, journey_id)
    try:
        return db.load_journey(journey_id)
    except NotFoundError as error:
        show_error(error)
        st.stop()


@st.fragment(run_every=live.SECONDS)
def live_updates(db: Store, journey_id: int) -> None:
    """Rerun the app when someone changed the journey (see :mod:`journey.live`)."""
    with contextlib.suppress(NotFoundError):
        now = (journey_id, db.journey_fingerprint(journey_id), db.writes_by(author()))
        if not get_script_run_ctx().fragment_ids_this_run:  # a full run of the page
            st.session_state["_live_seen"] = now
            if st.session_state.pop("_live_changed", False):
                st.toast(live.UPDATED_ELSEWHERE, icon=":material/sync:")
        elif found := live.change(st.session_state.get("_live_seen"), *now):
            st.session_state["_live_changed"] = found == live.THEIRS
            st.rerun(scope="app")
