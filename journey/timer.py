"""The facilitator's countdown for an exercise: pure state and arithmetic, no clock inside.

A :class:`Timer` is a value: its length, the seconds left when it last stopped, and the
moment (seconds since the epoch, from the caller) it was started, or ``None`` while paused.
Every function takes ``now`` and returns a new Timer, so the state can live in a session
(it survives reruns and page switches) and a display only computes :func:`remaining`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

MAX_SECONDS = 4 * 60 * 60


@dataclass(frozen=True)
class Timer:
    seconds: float = 5 * 60  # the exercise's length
    left: float = 5 * 60  # seconds left when it was last paused or reset
    started_at: float | None = None  # epoch seconds; None while paused

    @property
    def running(self) -> bool:
        return self.started_at is not None


def set_length(minutes: float) -> Timer:
    """A paused timer of ``minutes`` (0 < minutes <= 240); ValueError otherwise."""
    seconds = minutes * 60
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"a countdown lasts more than 0 and at most {MAX_SECONDS // 60} minutes")
    return Timer(seconds=seconds, left=seconds)


def remaining(timer: Timer, now: float) -> float:
    """Seconds left at ``now``: never below 0."""
    if timer.started_at is None:
        return timer.left
    return max(0.0, timer.left - (now - timer.started_at))


def start(timer: Timer, now: float) -> Timer:
    """Run from where it stopped (a running timer is left as it is)."""
    return timer if timer.running else replace(timer, started_at=now)


def pause(timer: Timer, now: float) -> Timer:
    """Stop the clock, keeping the seconds left."""
    return replace(timer, left=remaining(timer, now), started_at=None)


def reset(timer: Timer) -> Timer:
    """Back to the full length, paused."""
    return Timer(seconds=timer.seconds, left=timer.seconds)


def display(timer: Timer, now: float) -> str:
    """``MM:SS`` left (rounded up, so 0:00 shows only at the end); ``H:MM:SS`` past an hour."""
    left = math.ceil(remaining(timer, now))
    hours, rest = divmod(left, 3600)
    minutes_seconds = f"{rest // 60:02d}:{rest % 60:02d}"
    return f"{hours}:{minutes_seconds}" if hours else minutes_seconds
