"""The facilitator's countdown on screen (issue 12): the rules are in :mod:`journey.timer`.

The timer lives in the browser session (``st.session_state``), so it keeps time across reruns
and page switches. Only its small fragment reruns once a second while it runs, so the page
around it does not; a paused timer costs a rerun nothing but drawing one line.
"""

from __future__ import annotations

import time

import streamlit as st

from .. import timer

_STATE = "_countdown"


def _timer() -> timer.Timer:
    return st.session_state.setdefault(_STATE, timer.Timer())


def _apply(change) -> None:
    """Change the timer, then rerun the whole page, so the clock ticks (or stops) with it."""
    st.session_state[_STATE] = change(_timer())
    st.rerun()


def countdown() -> None:
    """The countdown's display with its start / pause / reset buttons and its length."""
    (_ticking if _timer().running else _still)()


def _clock() -> None:
    t, now = _timer(), time.time()
    left = timer.remaining(t, now)
    show, toggle, reset, minutes = st.columns([2, 1, 1, 2], vertical_alignment="center")
    show.markdown(
        f"**:material/timer: {timer.display(t, now)}**"
        + (" · time is up" if t.running and left <= 0 else "")
    )
    if t.running:
        if toggle.button("Pause", key="countdown_pause", icon=":material/pause:", type="tertiary"):
            _apply(lambda x: timer.pause(x, time.time()))
    elif toggle.button(
        "Start",
        key="countdown_start",
        icon=":material/play_arrow:",
        type="tertiary",
        disabled=left <= 0,
    ):
        _apply(lambda x: timer.start(x, time.time()))
    if reset.button("Reset", key="countdown_reset", icon=":material/restart_alt:", type="tertiary"):
        _apply(timer.reset)
    length = minutes.number_input(
        "Minutes",
        min_value=1,
        max_value=timer.MAX_SECONDS // 60,
        value=round(t.seconds / 60),
        step=1,
        key="countdown_minutes",
        label_visibility="collapsed",
        disabled=t.running,
        help="The exercise's length in minutes",
    )
    if not t.running and length * 60 != t.seconds:
        _apply(lambda _: timer.set_length(length))


#: While it runs only this fragment reruns, once a second; paused, it does not rerun at all.
_ticking = st.fragment(run_every=1.0)(_clock)
_still = st.fragment(_clock)
