"""Sign-in: the pure rules, and every page gated before anything is shown."""

import pathlib

import pytest
from streamlit.testing.v1 import AppTest

from journey import access

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
SAMPLE_TEXT = ("Buying a family car", "Maya Hoffmann", "Sample workspace")


def test_passwords_are_compared_whole():
    assert access.password_matches("s3cret", "s3cret")
    assert not access.password_matches("s3cre", "s3cret")
    assert not access.password_matches("", "s3cret")


def test_the_password_decides_the_role():
    assert access.role_for_password("edit", "edit", "view") == access.EDITOR
    assert access.role_for_password("view", "edit", "view") == access.VIEWER
    assert access.role_for_password("guess", "edit", "view") is None
    assert access.role_for_password("view", None, "view") == access.VIEWER


def test_oidc_users_listed_as_viewers_only_read():
    viewers = access.parse_list(" Boss@Example.org, cfo@example.org ,")
    assert viewers == {"boss@example.org", "cfo@example.org"}
    assert access.role_for_email("boss@example.org", viewers) == access.VIEWER
    assert access.role_for_email("dev@example.org", viewers) == access.EDITOR
    assert access.role_for_email(None, viewers) is None


def test_repeated_failures_slow_down_further_attempts():
    now = [1000.0]
    throttle = access.Throttle(free=3, base_delay=1.0, max_delay=8.0, clock=lambda: now[0])
    delays = []
    for _ in range(7):
        delays.append(throttle.delay("10.0.0.1"))
        throttle.failed("10.0.0.1")
    assert delays == [0.0, 0.0, 0.0, 1.0, 2.0, 4.0, 8.0]
    assert throttle.delay("10.0.0.2") == 0.0  # another client is not punished yet
    now[0] += 16 * 60  # failures older than the window are forgotten
    assert throttle.delay("10.0.0.1") == 0.0


def test_many_failures_across_clients_slow_everyone_down():
    throttle = access.Throttle(free=3, clock=lambda: 0.0)
    for n in range(20):
        throttle.failed(f"client-{n}")
    assert throttle.delay("fresh-client") == 2.0  # 20 // 5 = 4 failures counted


def test_a_success_clears_the_client_s_failures():
    throttle = access.Throttle(free=1, clock=lambda: 0.0)
    throttle.failed("a")
    assert throttle.delay("a") == 1.0
    throttle.succeeded("a")
    assert throttle.delay("a") == 0.0


def shown_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "metric",
                 "info", "warning", "error", "success"):
        parts.extend(str(getattr(e, "value", "")) for e in getattr(at, kind))
    parts.extend(str(e.value) for e in at.sidebar.selectbox)
    parts.extend(str(e.options) for e in at.selectbox)
    parts.extend(str(e.value) for e in at.dataframe)
    return "\n".join(parts)


@pytest.fixture
def protected(app_env, monkeypatch):
    monkeypatch.setenv("JOURNEY_PASSWORD", "open sesame")
    monkeypatch.setenv("JOURNEY_VIEWER_PASSWORD", "just looking")
    return app_env


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_with_a_password_set_no_page_shows_data_before_sign_in(page, protected):
    at = AppTest.from_file(str(page), default_timeout=60)
    at.query_params["journey"] = "1"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["🔒 Journey Lab"]
    text = shown_text(at)
    assert not [s for s in SAMPLE_TEXT if s in text]
    assert [w.label for w in at.text_input] == ["Password"]
    assert len(at.sidebar.selectbox) == 0


def sign_in(password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    return at


def test_the_right_password_opens_the_app(protected):
    at = sign_in("open sesame")
    assert at.session_state["role"] == access.EDITOR
    assert "Buying a family car" in shown_text(at)
    assert at.sidebar.button(key="sign_out")


def test_a_wrong_password_is_refused_with_a_message(protected):
    at = sign_in("guess")
    assert [e.value for e in at.error] == [
        "That password is not right. Repeated failures slow further attempts down."]
    assert "Buying a family car" not in shown_text(at)


def test_the_viewer_password_opens_the_app_read_only(protected):
    at = sign_in("just looking")
    assert at.session_state["role"] == access.VIEWER
    assert "Buying a family car" in shown_text(at)
    assert not at.sidebar.expander  # no new-journey form


def test_the_password_can_come_from_streamlit_secrets(app_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["password"] = "from secrets"
    at.run()
    assert [t.value for t in at.title] == ["🔒 Journey Lab"]
    at.text_input(key="sign_in_password").input("from secrets")
    at.button[0].click().run()
    assert "Buying a family car" in shown_text(at)


def test_with_oidc_configured_pages_offer_the_provider_sign_in_and_show_no_data(app_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "client_id": "journey-lab",
                          "client_secret": "s", "server_metadata_url":
                          "http://127.0.0.1:9/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert at.button(key="oidc_login").label == "Sign in with your identity provider"
    assert "Buying a family car" not in shown_text(at)
