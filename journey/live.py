"""Live updates: when a page showing a journey should refresh itself, and what it says.

Each full run of a page records what it showed: the journey's id, its
:meth:`~journey.storage.Store.journey_fingerprint` and how many writes this session had made
(:meth:`~journey.storage.Store.writes_by`). A fragment reruns every :data:`SECONDS` seconds
and asks :func:`change` whether the journey moved on since; on a change the app reruns
(typed text and open edits live in the session, so they stay) and, when the change was not
this session's own save, the page says :data:`UPDATED_ELSEWHERE`.
"""

from __future__ import annotations

SECONDS = 1
UPDATED_ELSEWHERE = "Updated by someone else just now."
MINE, THEIRS = "mine", "theirs"


def change(seen: tuple | None, journey_id: int, fingerprint: tuple, my_writes: int) -> str | None:
    """``None`` when nothing changed since ``seen`` (``(journey_id, fingerprint, my_writes)``
    of the last full run; ``None`` before any), else :data:`MINE` when this session saved
    meanwhile (its write count moved) or :data:`THEIRS`."""
    if seen is None or tuple(seen[:2]) == (journey_id, fingerprint):
        return None
    return MINE if seen[2] != my_writes else THEIRS
