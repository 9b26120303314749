"""The facilitator's countdown (issue 12 item 4) on the pages, in presentation mode."""

import pathlib

from streamlit.testing.v1 import AppTest

from journey import timer

ROOT = pathlib.Path(__file__).resolve().parent.parent


def present(page: str = "2_Stages.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
    at.query_params["journey"] = "1"
    at.query_params["present"] = "1"
    return at


def clock(at: AppTest) -> str:
    [shown] = [m.value for m in at.markdown if ":material/timer:" in m.value]
    return shown


def test_the_countdown_shows_on_every_page_only_while_presenting(app_env):
    for page in ("2_Stages.py", "4_Journey_map.py", "9_Present.py"):
        at = present(page)
        at.run()
        assert not at.exception
        assert clock(at) == "**:material/timer: 05:00**"
    at = AppTest.from_file(str(ROOT / "pages" / "2_Stages.py"), default_timeout=60)
    at.query_params["journey"] = "1"
    at.run()
    assert not [m for m in at.markdown if ":material/timer:" in m.value]


def test_the_countdown_starts_pauses_keeps_its_time_across_pages_and_resets(app_env):
    at = present()
    at.run()
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
