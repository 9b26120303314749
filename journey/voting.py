"""Dot voting: the rules of a vote on a journey's friction and key points.

In a workshop the facilitator opens a vote with N dots per participant; each participant (a
name typed once per browser session, or the signed-in user) spends dots on the points that
matter most, several on one point if they like, and may take a dot back while the vote is
open. The facilitator closes the vote, resets it (all dots removed) or hides the tallies
until everyone has voted. The latest vote of a journey is its result: the report and the
rankings count its dots.

The storage module keeps the votes (migration ``m006_votes``) and applies
:func:`check_spend` inside the write transaction that adds a dot, so two sessions spending
a participant's last dot at the same moment cannot both succeed, and no dot is lost.
Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Mapping

from .access import EDITOR, VIEWER
from .model import JourneyError

MAX_DOTS = 20  # dots per participant: more would not be a choice
MAX_PARTICIPANT = 60  # characters in a participant's name
STATUSES: tuple[str, ...] = ("open", "closed")


class VoteError(JourneyError):
    """A dot that cannot be spent or taken back, or a vote setting out of range."""


def check_dots(dots: int) -> int:
    """Dots per participant: a whole number from 1 to :data:`MAX_DOTS`."""
    if isinstance(dots, bool) or not isinstance(dots, int) or not 1 <= dots <= MAX_DOTS:
        raise VoteError(
            f"dots per participant must be a whole number from 1 to {MAX_DOTS}, not {dots!r}"
        )
    return dots


def participant_name(text: str | None) -> str:
    """A participant's name as kept: spaces trimmed and collapsed; 1 to 60 characters."""
    name = " ".join(str(text or "").split())
    if not name:
        raise VoteError("type your name first: each participant's dots are counted by name")
    if len(name) > MAX_PARTICIPANT:
        raise VoteError(f"a name is at most {MAX_PARTICIPANT} characters")
    return name


def dots_left(vote: Mapping, used: int) -> int:
    """How many dots a participant who has spent ``used`` still has in ``vote``."""
    return max(vote["dots"] - used, 0)


def check_spend(vote: Mapping, used: int) -> None:
    """Raise VoteError unless a participant who has spent ``used`` dots may spend one more."""
    if vote["status"] != "open":
        raise VoteError("the vote is closed: the facilitator can open a new one")
    if dots_left(vote, used) == 0:
        raise VoteError(f"all your {vote['dots']} dots are spent: take one back to move it")


def check_take_back(vote: Mapping, on_moment: int) -> None:
    """Raise VoteError unless a dot on this point can be taken back (the vote is open)."""
    if vote["status"] != "open":
        raise VoteError("the vote is closed: its dots can no longer move")
    if on_moment <= 0:
        raise VoteError("you have no dot on this point to take back")


def may_vote(role: str, vote: Mapping | None) -> bool:
    """Whether a person with ``role`` may spend dots: an open vote, and a viewer only when
    the facilitator allows viewers to vote."""
    if vote is None or vote["status"] != "open":
        return False
    return role == EDITOR or (role == VIEWER and bool(vote["viewers_may_vote"]))


def controls_changed(drawn: Mapping | None, latest: Mapping | None) -> bool:
    """Whether the page's voting controls, drawn for the vote ``drawn``, are out of date now
    that ``latest`` is the journey's newest vote (rows of ``votes``, or None): a vote opened,
    closed, reopened or replaced, its dots per person or whether viewers may vote changed.
    Tallies and dots spent do not count (the live tallies show them)."""
    fields = ("id", "status", "dots", "viewers_may_vote")

    def controls(vote: Mapping | None) -> tuple | None:
        return None if vote is None else tuple(vote[f] for f in fields)

    return controls(drawn) != controls(latest)


def may_run(role: str) -> bool:
    """Whether a person with ``role`` may open, close, reset or hide a vote (editors only)."""
    return role == EDITOR


def shown_tallies(
    vote: Mapping | None, tallies: Mapping[int, int], facilitator: bool
) -> dict[int, int] | None:
    """The tallies a person sees: None while the facilitator hides them (the facilitator sees
    them anyway), else the dots per moment id."""
    if vote is None:
        return {}
    if vote["hidden"] and not facilitator:
        return None
    return dict(tallies)


def status_text(vote: Mapping | None, total: int, participants: int) -> str:
    """One line on the state of the vote, for the panel."""
    if vote is None:
        return "No vote yet."
    state = "Open" if vote["status"] == "open" else "Closed"
    hidden = " · tallies hidden" if vote["hidden"] else ""
    viewers = " · viewers may vote" if vote["viewers_may_vote"] else ""
    return (
        f"{state} · {vote['dots']} dots each · {total} dot(s) from {participants} "
        f"participant(s){hidden}{viewers}"
    )


def map_votes(vote: Mapping | None, tallies: Mapping[int, int]) -> dict[int, int]:
    """The dots the map shows beside each point (moment id -> dots, points with none left
    out): the latest vote's tallies, open or closed; none without a vote or while the
    facilitator hides the tallies (the map is on the shared screen)."""
    if vote is None or vote["hidden"]:
        return {}
    return {moment: dots for moment, dots in tallies.items() if dots > 0}
