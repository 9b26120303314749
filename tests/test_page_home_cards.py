"""The home page shows a large workspace's first journey cards, and all of them on request."""

import pathlib

from streamlit.testing.v1 import AppTest

from journey.storage import Store

HOME = str(pathlib.Path(__file__).resolve().parent.parent / "app.py")


def test_a_large_workspace_shows_24_cards_until_show_all_is_on(app_env):
    store = Store(app_env)
    ws = store.create_workspace("Big")
    for n in range(30):
        store.create_journey(ws.id, f"Journey {n:02d}")
    at = AppTest.from_file(HOME, default_timeout=60)
    at.session_state["workspace_id"] = ws.id
    at.run()
    assert not at.exception
    names = sorted(s.value for s in at.subheader if s.value.startswith("Journey "))
    assert names == [f"Journey {n:02d}" for n in range(24)]
    at.toggle(key=f"all_journeys_{ws.id}").set_value(True).run()
    names = sorted(s.value for s in at.subheader if s.value.startswith("Journey "))
    assert names == [f"Journey {n:02d}" for n in range(30)]


def test_a_small_workspace_shows_every_card_and_no_toggle(app_env):
    at = AppTest.from_file(HOME, default_timeout=60).run()
    assert not at.exception
    assert not [t for t in at.toggle if t.key and t.key.startswith("all_journeys_")]
