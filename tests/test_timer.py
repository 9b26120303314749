"""The facilitator timer's arithmetic, with hand-worked times (seconds since the epoch)."""

import pytest

from journey import timer
from journey.timer import Timer


def test_a_started_timer_counts_down_from_its_length():
    t = timer.start(timer.set_length(5), now=1000.0)
    assert timer.remaining(t, now=1090.0) == 210.0  # 300 - 90
    assert timer.display(t, now=1090.0) == "03:30"


def test_pausing_keeps_the_time_left_and_starting_again_continues_from_it():
    t = timer.start(timer.set_length(5), now=1000.0)
    t = timer.pause(t, now=1060.0)  # 240 left
    assert timer.remaining(t, now=5000.0) == 240.0  # paused: the clock does not move
    t = timer.start(t, now=5000.0)
    assert timer.remaining(t, now=5030.0) == 210.0


def test_a_timer_stops_at_zero_and_reset_brings_back_its_length():
    t = timer.start(timer.set_length(1), now=0.0)
    assert timer.remaining(t, now=75.0) == 0.0
    assert timer.display(t, now=75.0) == "00:00"
    assert timer.reset(t) == Timer(seconds=60.0, left=60.0, started_at=None)


def test_starting_a_running_timer_does_not_restart_it():
    t = timer.start(timer.set_length(2), now=10.0)
    assert timer.start(t, now=50.0) == t


def test_the_display_rounds_up_and_shows_hours_past_one():
    assert timer.display(Timer(seconds=90, left=89.2), now=0) == "01:30"
    assert timer.display(timer.set_length(90), now=0) == "1:30:00"


@pytest.mark.parametrize("minutes", [0, -1, 241])
def test_lengths_outside_zero_to_four_hours_are_refused(minutes):
    with pytest.raises(ValueError, match="at most 240 minutes"):
        timer.set_length(minutes)
