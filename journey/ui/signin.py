"""Sign-in: who is using this browser session and what they may do.

A password (``$JOURNEY_PASSWORD``, ``$JOURNEY_VIEWER_PASSWORD``) or single sign-on (an
``[auth]`` section in Streamlit secrets) protects the app; wrong passwords are throttled per
address (:class:`journey.access.Throttle`). Settings come from the environment or Streamlit
secrets, never from the repository.
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .. import access
from .database import database

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
    if _read_only() or database().read_only:
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


def author() -> str:
    """Who this browser session's saves are recorded as: the signed-in e-mail (single
    sign-on), else the role and a short session id ("editor 3f9a1c")."""
    if "_author" not in st.session_state:
        email = st.user.get("email") if _oidc_configured() else None
        ctx = get_script_run_ctx()
        session = (ctx.session_id if ctx else "local").replace("-", "")[:6]
        st.session_state["_author"] = email or f"{role()} {session}"
    return st.session_state["_author"]
