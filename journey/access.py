"""Who may use the app, and how: pure rules behind the sign-in the pages share.

Three optional ways in, all configured outside the repo (environment variables or
Streamlit secrets, see ``journey/ui/`` and the README):

- a shared editor password (``JOURNEY_PASSWORD``) and a shared viewer password
  (``JOURNEY_VIEWER_PASSWORD``) for read-only stakeholders;
- Streamlit's built-in OIDC sign-in (``st.login``) when ``[auth]`` is in the secrets, with
  ``JOURNEY_VIEWERS`` naming the e-mail addresses that only read;
- ``JOURNEY_READ_ONLY=1`` makes everybody a viewer.

Passwords are compared in constant time, and repeated failures slow further guessing down
(per client and for the whole process, so opening a new session does not reset it).

Throttle policy (:class:`Throttle`):

- The checks of one client (its IP address; behind a proxy everybody shares one) are spaced
  out, however many sessions it opens: every attempt reserves the next free slot before it
  waits, and an attempt whose slot is more than ``max_delay`` away is refused unchecked.
- The password is checked as soon as the attempt's slot comes, in constant time. A right
  password is let in at once.
- A wrong password pays the penalty itself: after three failures the spacing grows 1, 2, 4
  ... up to 30 s, and the failing attempt is answered only when that spacing has passed. So
  a guesser cannot start the next check sooner from any session, while whoever types the
  right password after the failures have been answered waits nothing (the spacing is already
  served), not the 16 s of the next slot.
- The whole process is throttled the same way with every fifth failure. The counts live in
  the server process (Streamlit runs one); failures older than 15 minutes are forgotten.
- A right password does not forget the address's failures: behind a proxy the address is
  shared, so the colleague signing in is not the guesser, and clearing the count would hand
  the guesser a fresh run of free, quick guesses. It frees only the slot it used, so the
  next attempt is not held up by the sign-in itself.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

EDITOR = "editor"
VIEWER = "viewer"


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (hashing first hides the length of the expected value)."""
    a = hashlib.sha256(given.encode()).digest()
    b = hashlib.sha256(expected.encode()).digest()
    return hmac.compare_digest(a, b)


def role_for_password(
    given: str, editor_password: str | None, viewer_password: str | None
) -> str | None:
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


class TooManyAttempts(Exception):
    """A sign-in attempt refused unchecked: too many from this client are in flight."""


@dataclass
class Throttle:
    """Slows down guessing, however many sessions guess at once.

    Each attempt first reserves a time slot (:meth:`reserve`), before anything sleeps, so
    parallel sessions from one client queue behind each other instead of all waiting the same
    delay side by side. After ``free`` failures, consecutive attempts of a client are at least
    ``base_delay x 2^(n - free)`` seconds apart (n: its recent failures plus the attempts
    still in flight, so a burst is counted at once), at most ``max_delay``. An attempt whose
    slot would be more than ``max_delay`` away is refused at once without checking the
    password, which caps the attempts in flight. The whole process is throttled the same way
    with every fifth failure, so new clients do not reset it.

    The spacing after a failure is served by the failing attempt (:meth:`attempt` answers a
    wrong password only when the next slot comes), so whoever comes after the failures have
    been answered (the right password after someone else's failures) is checked at once.
    The wait is measured from the client's last attempt, never added to it. ``clock`` is
    injectable for tests.
    """

    free: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    window: float = 15 * 60.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _in_flight: dict[str, list[float]] = field(default_factory=dict)
    _next_slot: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str) -> int:
        now = self.clock()
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return len(times)

    def _pending(self, key: str) -> list[float]:
        """Attempts reserved but not yet reported (forgotten after 2 x max_delay + 60 s)."""
        now = self.clock()
        pending = [t for t in self._in_flight.get(key, []) if now - t < 2 * self.max_delay + 60]
        self._in_flight[key] = pending
        return pending

    def _spacing(self, count: int) -> float:
        if count < self.free:
            return 0.0
        return min(self.max_delay, self.base_delay * 2 ** (count - self.free))

    def reserve(self, client: str) -> float | None:
        """Count an attempt from ``client`` now; the seconds it must wait before the password
        is checked, or None when it is refused without a check (too many in flight)."""
        with self._lock:
            now = self.clock()
            keys = {client: 1, "*": 5}
            starts = {k: max(now, self._next_slot.get(k, now)) for k in keys}
            start = max(starts.values())
            if start - now > self.max_delay:
                return None
            for key, per in keys.items():
                pending = self._pending(key)
                count = (self._recent(key) + len(pending) + 1) // per
                self._next_slot[key] = start + self._spacing(count)
                pending.append(now)
            return start - now

    def attempt(
        self,
        client: str,
        check: Callable[[], str | None],
        sleep: Callable[[float], None] = time.sleep,
    ) -> str | None:
        """One sign-in attempt: reserve a slot, wait for it, run ``check`` (the role the
        password opens, or None) and report the outcome; a wrong password is answered only
        after its penalty (the wait until the client's next slot). Raises TooManyAttempts,
        without running ``check``, when too many attempts from this client are already in
        flight."""
        wait = self.reserve(client)
        if wait is None:
            raise TooManyAttempts(
                "Too many sign-in attempts right now. Wait half a minute and try again."
            )
        sleep(wait)
        role = check()
        if role is None:
            sleep(self.failed(client))  # the guesser serves the spacing, not the next comer
        else:
            self.succeeded(client)
        return role

    def _resolved(self, client: str) -> None:
        for key in (client, "*"):
            pending = self._pending(key)
            if pending:
                pending.pop(0)

    def delay(self, client: str) -> float:
        """Seconds the next attempt from ``client`` would wait now (without reserving it)."""
        with self._lock:
            now = self.clock()
            wait = max(0.0, *(self._next_slot.get(k, now) - now for k in (client, "*")))
            return min(wait, self.max_delay)

    def failed(self, client: str) -> float:
        """Report that the reserved attempt from ``client`` had a wrong password; returns the
        penalty in seconds (until the client's next slot) the failing attempt should wait
        before it is answered."""
        with self._lock:
            now = self.clock()
            self._resolved(client)
            self._failures.setdefault(client, []).append(now)
            self._failures.setdefault("*", []).append(now)
            return max(0.0, *(self._next_slot.get(k, now) - now for k in (client, "*")))

    def succeeded(self, client: str) -> None:
        """Report a right password: the slot it reserved is freed, the failures stay (the
        address may be a proxy shared with whoever failed; they expire after ``window``)."""
        with self._lock:
            self._resolved(client)
            self._next_slot.pop(client, None)
