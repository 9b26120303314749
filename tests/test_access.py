"""Sign-in: the pure rules, and every page gated before anything is shown."""

import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from journey import access
from tests.conftest import CAR, PAGES, ROOT, open_page

PAGE_FILES = [ROOT / "app.py", *sorted(PAGES.glob("*.py"))]
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


class FakeTime:
    """A clock that moves only when someone sleeps (or a test moves it)."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def wrong(_=None) -> None:
    return None


def test_repeated_failures_slow_down_further_attempts():
    t = FakeTime()
    throttle = access.Throttle(free=3, base_delay=1.0, max_delay=8.0, clock=t.clock)
    waits = []
    for _ in range(7):
        start = t.now
        throttle.attempt("10.0.0.1", wrong, sleep=t.sleep)
        waits.append(t.now - start)
    # the spacing after each failure is served by the failing attempt before it is answered
    assert waits == [0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert throttle.delay("10.0.0.2") == 0.0  # another client is not punished yet


def test_failures_older_than_the_window_are_forgotten():
    t = FakeTime()
    throttle = access.Throttle(free=1, clock=t.clock)
    for _ in range(4):
        throttle.attempt("a", wrong, sleep=t.sleep)
    t.now += 16 * 60
    assert throttle.reserve("a") == 0.0


def test_many_failures_across_clients_slow_everyone_down():
    t = FakeTime()
    throttle = access.Throttle(free=3, clock=t.clock)
    for n in range(20):
        throttle.attempt(f"client-{n}", wrong, sleep=t.sleep)
    start = t.now
    throttle.attempt("fresh-guesser", wrong, sleep=t.sleep)
    assert t.now - start == 2.0  # 21 // 5 = 4 failures counted: the guess is answered late
    start = t.now
    assert throttle.attempt("fresh-client", lambda: access.EDITOR, sleep=t.sleep)
    assert t.now - start == 0.0


def test_a_success_frees_its_slot_at_once():
    t = FakeTime()
    throttle = access.Throttle(free=1, clock=t.clock)
    throttle.reserve("a")
    assert throttle.failed("a") == 1.0  # the penalty the failing attempt serves
    assert throttle.delay("a") == 1.0
    t.now += 1.0
    assert throttle.attempt("a", lambda: access.EDITOR, sleep=t.sleep) == access.EDITOR
    assert throttle.delay("a") == 0.0


def test_a_colleague_s_sign_in_does_not_reset_the_guesser_s_count():
    """Behind a shared proxy, a right password from a colleague used to clear the address's
    failures: the guesser then had three free, quick guesses again (about 25 % more guesses
    in 100 s with someone signing in every half minute)."""
    t = FakeTime()
    throttle = access.Throttle(clock=t.clock)
    for _ in range(6):
        throttle.attempt("10.0.0.1", wrong, sleep=t.sleep)
    assert throttle.attempt("10.0.0.1", lambda: access.EDITOR, sleep=t.sleep) == access.EDITOR
    start = t.now
    throttle.attempt("10.0.0.1", wrong, sleep=t.sleep)  # the guesser's next try
    assert t.now - start >= 8.0  # still paying for the earlier failures


def guesses_in(seconds: float, sessions: int) -> int:
    """How many wrong passwords ``sessions`` parallel sessions of one client get checked in
    ``seconds``: each submits again as soon as its last attempt is answered (0.5 s later)."""
    import heapq

    t = FakeTime(0.0)
    throttle = access.Throttle(clock=t.clock)
    checked = 0
    queue = [(0.0, n, "submit") for n in range(sessions)]
    while queue:
        when, n, step = heapq.heappop(queue)
        if when > seconds:
            break
        t.now = when
        if step == "submit":
            wait = throttle.reserve("10.0.0.9")  # the session's thread now sleeps this long
            if wait is None:
                heapq.heappush(queue, (when + 0.5, n, "submit"))  # refused at once
            else:
                heapq.heappush(queue, (when + wait, n, "check"))
        else:
            checked += 1
            penalty = throttle.failed("10.0.0.9")  # answered only after it
            heapq.heappush(queue, (when + penalty + 0.5, n, "submit"))
    return checked


def test_parallel_sessions_guess_no_faster_than_one_session():
    """Case adv-throttle-parallel: 20 sessions got 40 guesses in about 100 s."""
    one = guesses_in(100, sessions=1)
    assert one <= 12
    assert guesses_in(100, sessions=20) <= one + 1
    assert guesses_in(100, sessions=100) <= one + 1


def test_attempts_beyond_the_queue_are_refused_without_checking_the_password():
    t = FakeTime()
    throttle = access.Throttle(clock=t.clock)
    checks = []
    for _ in range(3):
        throttle.attempt("a", lambda: checks.append(1), sleep=t.sleep)
    waits = [throttle.reserve("a") for _ in range(20)]  # a burst from parallel sessions
    admitted = [w for w in waits if w is not None]
    assert admitted == sorted(admitted) and max(admitted) <= throttle.max_delay
    assert len(admitted) <= 5
    with pytest.raises(access.TooManyAttempts):
        throttle.attempt("a", lambda: checks.append(1), sleep=t.sleep)
    assert len(checks) == 3


@pytest.mark.parametrize("pause", [0.0, 0.3, 20.0])
def test_the_right_password_does_not_pay_for_someone_else_s_failures(pause):
    """Case adv-throttle-parallel: after 7 failures from one address (behind a proxy everyone
    shares it) the right password typed straight after took 15.9-17.9 s."""
    t = FakeTime()
    throttle = access.Throttle(clock=t.clock)
    for _ in range(7):
        throttle.attempt("10.0.0.1", wrong, sleep=t.sleep)
    t.now += pause  # a colleague signs in right after the guesser's last answer, or later
    start = t.now
    assert throttle.attempt("10.0.0.1", lambda: access.EDITOR, sleep=t.sleep) == access.EDITOR
    assert t.now - start == 0.0


def test_twenty_sessions_sharing_an_address_do_not_multiply_guesses_and_the_right_one_is_quick():
    """Twenty sessions guess in parallel for 100 s, then a colleague's right password."""
    assert guesses_in(100, sessions=20) <= guesses_in(100, sessions=1) + 1
    t = FakeTime()
    throttle = access.Throttle(clock=t.clock)
    answered = []
    for _ in range(20):  # a burst; each failing session is answered after its penalty
        wait = throttle.reserve("10.0.0.1")
        if wait is not None:
            t.now += wait
            answered.append(t.now + throttle.failed("10.0.0.1"))
    t.now = max(answered)  # the last guess has been answered
    start = t.now
    assert throttle.attempt("10.0.0.1", lambda: access.EDITOR, sleep=t.sleep) == access.EDITOR
    assert t.now - start < 2.0


def test_tracebacks_are_not_shown_in_the_browser():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def shown_text(at: AppTest) -> str:
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "metric",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(getattr(e, "value", "")) for e in getattr(at, kind))
    parts.extend(str(e.value) for e in at.sidebar.selectbox)
    parts.extend(str(e.options) for e in at.selectbox)
    parts.extend(str(e.value) for e in at.dataframe)
    parts.extend(str(e.value) for e in at.table)
    return "\n".join(parts)


@pytest.fixture
def protected(app_env, monkeypatch):
    monkeypatch.setenv("JOURNEY_PASSWORD", "open sesame")
    monkeypatch.setenv("JOURNEY_VIEWER_PASSWORD", "just looking")
    return app_env


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_with_a_password_set_no_page_shows_data_before_sign_in(page, protected):
    at = open_page(page, CAR)
    assert not at.exception
    assert [t.value for t in at.title] == ["🔒 Journey Lab"]
    text = shown_text(at)
    assert not [s for s in SAMPLE_TEXT if s in text]
    assert [w.label for w in at.text_input] == ["Password"]
    assert len(at.sidebar.selectbox) == 0


def sign_in(password: str) -> AppTest:
    at = open_page("app.py")
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
        "That password is not right. Repeated failures slow further attempts down."
    ]
    assert "Buying a family car" not in shown_text(at)


def test_the_viewer_password_opens_the_app_read_only(protected):
    at = sign_in("just looking")
    assert at.session_state["role"] == access.VIEWER
    assert "Buying a family car" in shown_text(at)
    assert not at.sidebar.expander  # no new-journey form


def test_the_password_can_come_from_streamlit_secrets(app_env):
    at = open_page("app.py", run=False)
    at.secrets["password"] = "from secrets"
    at.run()
    assert [t.value for t in at.title] == ["🔒 Journey Lab"]
    at.text_input(key="sign_in_password").input("from secrets")
    at.button[0].click().run()
    assert "Buying a family car" in shown_text(at)


def test_with_oidc_configured_pages_offer_the_provider_sign_in_and_show_no_data(app_env):
    at = open_page("app.py", run=False)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "journey-lab",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert at.button(key="oidc_login").label == "Sign in with your identity provider"
    assert "Buying a family car" not in shown_text(at)
