"""Streamlit helpers the pages share: the only module in ``journey/`` that imports streamlit.

Pages stay thin by calling these: :func:`page_setup` (page config and sign-in), :func:`store`
(the database, opened once per process; its connections are per thread), :func:`sidebar` and
:func:`current_journey` (navigation, the journey picker kept in ``?journey=ID``, new journeys,
presentation mode), :func:`show_error`, :func:`literal` (user text shown as typed), the edit
versions behind conflict checks, and :func:`chart` (a chart with its PNG/SVG downloads).
"""

from __future__ import annotations

import os
import re

import altair as alt
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from . import access, images, samples, settings
from .model import ConflictError, Journey, JourneyError, NotFoundError
from .storage import Store

#: Larger type for a projector (static CSS written here, never user text).
PRESENTATION_CSS = """
<style>
  .stApp, .stMarkdown p, .stMarkdown li { font-size: 1.35rem; line-height: 1.5; }
  h1 { font-size: 3rem !important; } h2 { font-size: 2.3rem !important; }
  h3 { font-size: 1.9rem !important; }
  [data-testid="stMetricValue"] { font-size: 2.6rem; }
</style>
"""


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    store = Store(path)
    if not store.read_only:  # a read-only file is served as it is, to viewers only
        samples.seed(store)
    return store


def store() -> Store:
    """The app's database (``$JOURNEY_DB`` or ``journey.db``), seeded with samples when new."""
    return _open_store(str(settings.database_path()))


def page_setup(title: str, icon: str = "🧭") -> None:
    """Every page's first call: page config, then sign-in when the app is protected.

    Nothing below it runs for a visitor who has not signed in (``st.stop``), so no page can
    show data before sign-in.
    """
    st.set_page_config(page_title=f"{title} · Journey Lab", page_icon=icon, layout="wide")
    sign_in()


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
    if _read_only() or store().read_only:
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
        st.button("Sign in with your identity provider", key="oidc_login", on_click=st.login,
                  type="primary")
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
            client, lambda: access.role_for_password(given, editor_pw, viewer_pw))
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

    A conflict also shows, field by field, the value someone else saved and yours, so the
    person can copy what they typed and lose nothing.
    """
    if isinstance(error, ConflictError):
        st.error(str(error), icon="⚠️")
        if error.fields:
            st.table([{"field": f, "saved by someone else": literal(error.current.get(f)),
                       "yours (not saved)": literal(error.yours[f])} for f in error.fields])
    elif isinstance(error, NotFoundError):
        st.warning(str(error))
    elif isinstance(error, JourneyError):
        st.error(str(error))
    else:
        raise error


def _query_journey_id() -> int | None:
    raw = st.query_params.get("journey", "")
    return int(raw) if raw.isdigit() else None


def _persist(name: str) -> None:
    st.session_state[name] = st.session_state[f"_pick_{name}"]
    if name == "journey_id":  # the picker, not the URL it replaces, decides from now on
        st.query_params["journey"] = str(st.session_state[name])
    elif name == "workspace_id":
        st.query_params.pop("journey", None)


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
                                        key="_pick_workspace_id", on_change=_persist,
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
                                      key="_pick_journey_id", on_change=_persist,
                                      args=("journey_id",))
    st.query_params["journey"] = str(journey_id)
    return journey_id


def presenting() -> bool:
    """True while presentation mode is on (large type, no editing controls)."""
    return bool(st.session_state.get("presenting", False))


def can_edit() -> bool:
    """Whether this page should show editing controls (not for viewers, not presenting)."""
    return role() != access.VIEWER and not presenting()


#: The navigation, in workshop order (Streamlit's own would label the home page "app").
PAGES = [("app.py", "Home", "🏠"), ("pages/1_Personas.py", "Personas", "🧑"),
         ("pages/2_Stages.py", "Stages", "🪜"),
         ("pages/3_Friction_and_key_points.py", "Friction and key points", "⚡"),
         ("pages/4_Journey_map.py", "Journey map", "🗺️"), ("pages/5_Metrics.py", "Metrics", "📊"),
         ("pages/6_What_if.py", "What if", "🎚️"),
         ("pages/7_Observed_timeframes.py", "Observed timeframes", "⏱️"),
         ("pages/8_Workspace_and_history.py", "Workspace and history", "🗂️"),
         ("pages/9_Present.py", "Present", "📽️")]


def navigation() -> None:
    """Links to every page. A page file run on its own (as tests do) has no app to link
    within; Streamlit says so with StreamlitPageNotFoundError and the links are left out."""
    try:
        for path, label, icon in PAGES:
            st.sidebar.page_link(path, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        return
    st.sidebar.divider()


def sidebar(db: Store) -> int | None:
    """What every page shows in the sidebar; returns the chosen journey id (or None).

    The page links, the workspace and journey picker, a form to start a new journey (blank
    or from a sample template, for one of the workspace's personas) and the
    presentation-mode toggle.
    """
    navigation()
    journey_id = choose_journey(db)
    for message in st.session_state.pop("_flash", []):
        st.success(message)
    if can_edit():
        new_journey_form(db)
    st.session_state["_pick_presenting"] = presenting()
    st.sidebar.toggle("Presentation mode", key="_pick_presenting", on_change=_persist,
                      args=("presenting",),
                      help="Large type for a projector; hides the editing controls.")
    if presenting():
        st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
    return journey_id


def new_journey_form(db: Store) -> None:
    """Sidebar form: a new journey (blank or from a sample) or a new workspace."""
    workspace_id = st.session_state.get("workspace_id")
    with st.sidebar.expander("➕ New journey or workspace"):
        if workspace_id is not None:
            personas = {p.id: p.name for p in db.personas(workspace_id)}
            with st.form("new_journey_form", clear_on_submit=True, border=False):
                name = st.text_input("Journey name", key="new_journey_name",
                                     placeholder="e.g. First-time car buyer")
                persona_id = st.selectbox("Persona", [None, *personas], key="new_journey_persona",
                                          format_func=lambda i: personas.get(i, "No persona"))
                template = st.selectbox("Start from", [None, *samples.SAMPLES],
                                        key="new_journey_template",
                                        format_func=lambda s: samples.SAMPLES.get(s, "Blank"))
                if st.form_submit_button("Create journey", type="primary"):
                    _create_journey(db, workspace_id, name, persona_id, template)
        with st.form("new_workspace_form", clear_on_submit=True, border=False):
            ws_name = st.text_input("Workspace name", key="new_workspace_name")
            if st.form_submit_button("Create workspace"):
                try:
                    ws = db.create_workspace(ws_name)
                except JourneyError as e:
                    show_error(e)
                else:
                    st.session_state["workspace_id"] = ws.id
                    st.rerun()


def _create_journey(db: Store, workspace_id: int, name: str, persona_id: int | None,
                    template: str | None) -> None:
    try:
        journey = samples.template(template) if template else None
        if journey is not None:
            journey.name = name.strip() or journey.name
            journey.persona_id = persona_id
        created = db.create_journey(workspace_id, name.strip(), persona_id=persona_id,
                                    journey=journey)
    except JourneyError as e:
        show_error(e)
        return
    st.session_state["journey_id"] = created.id
    st.query_params["journey"] = str(created.id)
    st.rerun()


def current_journey(db: Store) -> Journey:
    """The sidebar, then the page's journey loaded whole; a friendly stop when there is none
    (or it was deleted a moment ago by someone else)."""
    journey_id = sidebar(db)
    if journey_id is None:
        st.info("This workspace has no journey yet: start one from the sidebar (➕ New journey).")
        st.stop()
    try:
        return db.load_journey(journey_id)
    except NotFoundError as error:
        show_error(error)
        st.stop()


def chart(chart, name: str, key: str) -> None:
    """Show an Altair chart as its PNG export draws it, with PNG and SVG downloads.

    Streamlit's frontend takes a chart's height as the whole height, title, axes and legend
    included, which squashes a short chart flat; ``autosize: pad`` makes the height the
    plot's, as vl-convert draws it.
    """
    st.altair_chart(chart.properties(autosize=alt.AutoSizeParams(type="pad")),
                    key=f"chart_{key}", width="content")
    chart_downloads(chart, name, key=f"download_{key}")


def chart_downloads(chart, name: str, key: str) -> None:
    """PNG and SVG download buttons for an Altair chart (rendered only when clicked)."""
    left, right = st.columns(2)
    left.download_button("⬇️ PNG", data=lambda: images.to_png(chart), file_name=f"{name}.png",
                         mime="image/png", key=f"{key}_png", on_click="ignore")
    right.download_button("⬇️ SVG", data=lambda: images.to_svg(chart), file_name=f"{name}.svg",
                          mime="image/svg+xml", key=f"{key}_svg", on_click="ignore")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def literal(text: str) -> str:
    """User text made safe for st.markdown / st.subheader: shown as typed, never as markup.

    Streamlit never runs HTML without ``unsafe_allow_html`` (which no page uses for user
    text); this also keeps Markdown links, images and emphasis in user text as plain text.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def base_version(kind: str, row_id: int, current: int) -> int:
    """The version of a row this session started editing from.

    A form submit reruns the page, which reloads the row: using the reloaded version would
    let a save silently overwrite someone else's. The first version seen is remembered
    until :func:`forget_edit` (after a save, or when the person reloads the latest).
    """
    return st.session_state.setdefault(f"_base_{kind}_{row_id}", current)


def forget_edit(kind: str, row_id: int, widget_prefix: str | None = None) -> None:
    """Drop the remembered version (and, with a prefix, the form's typed values)."""
    st.session_state.pop(f"_base_{kind}_{row_id}", None)
    if widget_prefix:
        for key in [k for k in st.session_state if str(k).startswith(widget_prefix)]:
            del st.session_state[key]


def conflict_choices(kind: str, row_id: int, current_version: int, widget_prefix: str,
                     key: str) -> None:
    """After a conflict: keep my typed values and save over theirs, or load theirs."""
    left, right = st.columns(2)
    if left.button("Keep mine: I will save again over theirs", key=f"{key}_keep"):
        st.session_state[f"_base_{kind}_{row_id}"] = current_version
        st.rerun()
    if right.button("Discard mine and load the latest", key=f"{key}_reload"):
        forget_edit(kind, row_id, widget_prefix)
        st.rerun()


def flash(message: str) -> None:
    """A success message shown once, after the rerun that follows a change."""
    st.session_state.setdefault("_flash", []).append(message)
