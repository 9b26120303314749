"""Who may use the app, and how: pure rules behind the sign-in the pages share.

Three optional ways in, all configured outside the repo (environment variables or
Streamlit secrets, see ``journey/ui.py`` and the README):

- a shared editor password (``JOURNEY_PASSWORD``) and a shared viewer password
  (``JOURNEY_VIEWER_PASSWORD``) for read-only stakeholders;
- Streamlit's built-in OIDC sign-in (``st.login``) when ``[auth]`` is in the secrets, with
  ``JOURNEY_VIEWERS`` naming the e-mail addresses that only read;
- ``JOURNEY_READ_ONLY=1`` makes everybody a viewer.

Passwords are compared in constant time, and repeated failures slow every further attempt
down (per client and for the whole process, so opening a new session does not reset it).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field

EDITOR = "editor"
VIEWER = "viewer"


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (hashing first hides the length of the expected value)."""
    a = hashlib.sha256(given.encode()).digest()
    b = hashlib.sha256(expected.encode()).digest()
    return hmac.compare_digest(a, b)


def role_for_password(given: str, editor_password: str | None,
                      viewer_password: str | None) -> str | None:
    """The role a password opens, or None. Both are always compared (no timing hint)."""
    editor = password_matches(given, editor_password) if editor_password else False
    viewer = password_matches(given, viewer_password) if viewer_password else False
    if editor:
        return EDITOR
    if viewer:
        return VIEWER
    return None


def role_for_email(email: str | None, viewers: set[str]) -> str | None:
    """The role of someone signed in through OIDC: a viewer if listed, else an editor."""
    if not email:
        return None
    return VIEWER if email.strip().lower() in viewers else EDITOR


def parse_list(raw: str | None) -> set[str]:
    """``"a@x.org, B@y.org"`` -> ``{"a@x.org", "b@y.org"}``."""
    return {part.strip().lower() for part in (raw or "").split(",") if part.strip()}


@dataclass
class Throttle:
    """Slows down guessing: after ``free`` failures each attempt waits twice as long.

    Failures are counted per client key and for the whole process; the longer wait wins.
    ``clock`` and ``sleep`` are injectable for tests.
    """

    free: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    window: float = 15 * 60.0
    clock: callable = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str) -> int:
        now = self.clock()
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return len(times)

    def delay(self, client: str) -> float:
        """Seconds to wait before checking the next attempt from ``client``."""
        with self._lock:
            count = max(self._recent(client), self._recent("*") // 5)
        if count < self.free:
            return 0.0
        return min(self.max_delay, self.base_delay * 2 ** (count - self.free))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            self._failures.setdefault(client, []).append(now)
            self._failures.setdefault("*", []).append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
