"""Streamlit helpers the pages share: the only module in ``journey/`` that imports streamlit.

Pages stay thin by calling these: :func:`page_setup` (page config and sign-in), :func:`store`
(the database, opened once per process; its connections are per thread), :func:`sidebar` and
:func:`current_journey` (navigation, the journey picker kept in ``?journey=ID``, new journeys,
presentation mode), :func:`show_error` and :func:`notify` (every message, shown literally),
:func:`literal` (user text shown as typed), :func:`chart` (a chart with its PNG/SVG downloads)
and the one edit protocol of every versioned form (:class:`Edit`, :func:`open_edit`,
:func:`submit_edit`, :func:`lost_edits`, :func:`undo_in_sidebar`): three-way merged saves,
conflicts resolved per field, deleted-while-editing kept on screen, every save undoable.
"""

from __future__ import annotations

import contextlib
import os
import re

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .. import access, charts, editing, live, presentation, samples, settings
from .. import comments as comments_rules
from ..model import ChangedSinceError, ConflictError, Journey, JourneyError, NotFoundError
from ..storage import Store
from .countdown import countdown


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    store = Store(path)
    if not store.read_only:  # a read-only file is served as it is, to viewers only
        samples.seed(store)
    return store


def _database() -> Store:
    return _open_store(str(settings.database_path()))


def store() -> Store:
    """The app's database (``$JOURNEY_DB`` or ``journey.db``), seeded with samples when new;
    this run's saves are recorded as made by :func:`author`."""
    db = _database()
    db.author = author()
    return db


def author() -> str:
    """Who this browser session's saves are recorded as: the signed-in e-mail (single
    sign-on), else the role and a short session id ("editor 3f9a1c")."""
    if "_author" not in st.session_state:
        email = st.user.get("email") if _oidc_configured() else None
        ctx = get_script_run_ctx()
        session = (ctx.session_id if ctx else "local").replace("-", "")[:6]
        st.session_state["_author"] = email or f"{role()} {session}"
    return st.session_state["_author"]


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


# ---------------------------------------------------------------------------- access

_THROTTLE = access.Throttle()


def _secret(name: str) -> str | None:
    try:
        value = st.secrets.get(name)
    except FileNotFoundError:  # no secrets.toml at all
        return None
    return str(value) if value else None


def _setting(env: str, secret: str) -> str | None:
    """A setting from the environment, else from Streamlit secrets; never from the repo."""
    return os.environ.get(env) or _secret(secret)


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def _read_only() -> bool:
    return os.environ.get("JOURNEY_READ_ONLY", "").lower() in ("1", "true", "yes")


def role() -> str:
    """``"editor"`` or ``"viewer"`` for the signed-in person."""
    if _read_only() or _database().read_only:
        return access.VIEWER
    return st.session_state.get("role", access.EDITOR)


def sign_in() -> None:
    """Ask for the password (or OIDC sign-in) when one is configured; stop until given."""
    editor_pw = _setting("JOURNEY_PASSWORD", "password")
    viewer_pw = _setting("JOURNEY_VIEWER_PASSWORD", "viewer_password")
    oidc = _oidc_configured()
    if not (editor_pw or viewer_pw or oidc):
        return
    if st.session_state.get("role"):
        _sign_out_button(oidc)
        return
    if oidc and st.user.get("is_logged_in", False):
        viewers = access.parse_list(_setting("JOURNEY_VIEWERS", "viewers"))
        st.session_state["role"] = access.role_for_email(st.user.get("email"), viewers)
        _sign_out_button(oidc)
        return
    st.title("🔒 Journey Lab")
    if oidc:
        st.button(
            "Sign in with your identity provider",
            key="oidc_login",
            on_click=st.login,
            type="primary",
        )
    if editor_pw or viewer_pw:
        _password_form(editor_pw, viewer_pw)
    st.stop()


def _password_form(editor_pw: str | None, viewer_pw: str | None) -> None:
    with st.form("sign_in_form"):
        given = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    client = getattr(st.context, "ip_address", None) or "unknown"
    try:  # counted before any wait, so parallel sessions queue instead of guessing side by side
        granted = _THROTTLE.attempt(
            client, lambda: access.role_for_password(given, editor_pw, viewer_pw)
        )
    except access.TooManyAttempts as e:
        st.error(str(e))
        return
    if granted is None:
        st.error("That password is not right. Repeated failures slow further attempts down.")
        return
    st.session_state["role"] = granted
    st.rerun()


def _sign_out_button(oidc: bool) -> None:
    label = "Sign out" + (" (read-only)" if role() == access.VIEWER else "")
    if st.sidebar.button(label, key="sign_out"):
        st.session_state.clear()
        if oidc and st.user.get("is_logged_in", False):
            st.logout()
        st.rerun()


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


PAGES = presentation.PAGES


def link(page: str, label: str, icon: str, *, sidebar: bool = False, **query) -> None:
    """A link to a page of the app (with ``query`` in its URL); left out when the page runs
    on its own, outside the app, as in tests."""
    with contextlib.suppress(StreamlitPageNotFoundError):
        (st.sidebar if sidebar else st).page_link(
            page, label=label, icon=icon, query_params=query or None
        )


def navigation() -> None:
    """Links to every page (left out when a page file runs on its own, as in tests)."""
    for page in PAGES:
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


#: Markdown's special characters, each escaped by a backslash (``str.translate``: faster than
#: a regular expression's substitution, and pages call this for every piece of user text).
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})
#: Where GitHub-flavoured Markdown turns bare text into a link after the escapes are read
#: (``https://…``, ``www.…``, ``name@host.org``): a word joiner (U+2060, invisible, no space)
#: goes in there, so the text stays text.
_AUTOLINK_SPOTS = re.compile(r"(?<=:)(?=//)|(?<=@)|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


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


def comments_panel(db: Store, target: str, target_id: int, comments: list, key: str) -> None:
    """A stage's or moment's comments shown as text, edit/delete of one's own, a box to add
    one (editors); drawn only while open (``{key}_open``), hidden while presenting."""
    panel = (
        None
        if presenting()
        else st.expander(f"💬 Comments ({len(comments)})", key=f"{key}_open", on_change="rerun")
    )
    if not (panel and panel.open):
        return
    editor, me, change = can_edit(), author(), None
    with panel:
        for c in comments:
            st.caption(literal(comments_rules.byline(c)))
            st.text(c.text)
            if editor and comments_rules.may_change(c, me):
                with st.popover("Edit or delete"), st.form(f"{key}_edit_{c.id}", border=False):
                    text = st.text_area("Comment", c.text, key=f"{key}_text_{c.id}")
                    if st.form_submit_button("Save", type="primary", key=f"{key}_save_{c.id}"):
                        change = ("Comment saved.", db.edit_comment, c.id, c.version, me, text)
                    if st.form_submit_button("🗑️ Delete", key=f"{key}_delete_{c.id}"):
                        change = ("Comment deleted.", db.delete_comment, c.id, me)
        if editor:
            with st.form(f"{key}_new", border=False, clear_on_submit=True):
                text = st.text_area(f"Add a comment (signed {me})", key=f"{key}_new_text")
                if st.form_submit_button("Comment", key=f"{key}_add"):
                    change = ("Comment added.", db.add_comment, target, target_id, me, text)
    try:  # one change per run: save, notify, rerun
        change and (change[1](*change[2:]), notify(change[0]), st.rerun())
    except JourneyError as e:
        show_error(e)


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


# Charts and the edit protocol live in their own modules; the pages reach them as ui.<name>.
from .charting import (  # noqa: E402, F401 (re-exported for the pages)
    altair,
    cached_chart,
    cached_svg,
    cached_table,
    chart,
)
from .downloads import chart_downloads, download, report_paper  # noqa: E402, F401
from .edits import (  # noqa: E402, F401 (re-exported for the pages)
    Edit,
    create_once,
    edit_base,
    edit_prefix,
    forget_edit,
    form_prefix,
    lost_edits,
    open_edit,
    renew_edit,
    renew_form,
    submit_edit,
    undo_in_sidebar,
    undo_last_change,
)
