"""The facilitator's countdown (issue 12 item 4) on the pages, in presentation mode."""

from streamlit.testing.v1 import AppTest

from journey import timer
from tests.conftest import CAR, open_page


def present(page: str = "2_Stages.py") -> AppTest:
    """``page`` of the car journey in presentation mode, run once."""
    return open_page(page, CAR, query={"present": 1})


def clock(at: AppTest) -> str:
    [shown] = [m.value for m in at.markdown if ":material/timer:" in m.value]
    return shown


def test_the_countdown_shows_on_every_page_only_while_presenting(app_env):
    for page in ("2_Stages.py", "4_Journey_map.py", "9_Present.py"):
        at = present(page)
        assert not at.exception
        assert clock(at) == "**:material/timer: 05:00**"
    at = open_page("2_Stages.py", CAR)
    assert not [m for m in at.markdown if ":material/timer:" in m.value]


def test_the_countdown_starts_pauses_keeps_its_time_across_pages_and_resets(app_env):
    at = present()
    at.number_input(key="countdown_minutes").set_value(10).run()
    assert clock(at) == "**:material/timer: 10:00**"
    at.button(key="countdown_start").click().run()
    assert at.session_state["_countdown"].running
    at.session_state["_countdown"] = timer.Timer(
        seconds=600, left=600, started_at=at.session_state["_countdown"].started_at - 90
    )  # 90 s later
    at.button(key="countdown_pause").click().run()
    paused = at.session_state["_countdown"]
    assert not paused.running and 509 <= paused.left <= 510
    at.switch_page("4_Journey_map.py").run()
    assert clock(at) == "**:material/timer: 08:30**"
    at.button(key="countdown_reset").click().run()
    assert clock(at) == "**:material/timer: 10:00**"
