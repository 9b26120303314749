"""The Friction and key points page through AppTest: add, filter, count, edit, delete, undo."""

import pathlib
import re

from streamlit.testing.v1 import AppTest

from journey import ui
from journey.storage import Store

PAGE = str(pathlib.Path(__file__).resolve().parent.parent / "pages"
           / "3_Friction_and_key_points.py")
# The first sample journey ("Buying a family car") opens by default: 7 friction points and
# 6 key points (moment ids 1..13) over stages 1..5.
JOURNEY = 1


def open_page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60).run()


def headings(at: AppTest) -> list[str]:
    """The moment titles as the page shows them (one '### ' heading per moment)."""
    return [m.value[4:] for m in at.markdown if m.value.startswith("### ")]


def moments(db_path) -> list:
    return Store(db_path).load_journey(JOURNEY).moments


def test_the_page_lists_every_moment_of_the_journey_with_counts_per_stage(app_env):
    at = open_page()
    assert not at.exception
    assert len(headings(at)) == 13
    assert "⚠️ Prices hidden behind 'request a quote'" in headings(at)
    [counts] = at.table
    assert counts.value.to_dict("records") == [
        {"Stage": "Awareness", "Part": "Buyer journey", "Friction points": 1, "Key points": 1,
         "Not done": 1},
        {"Stage": "Consideration", "Part": "Buyer journey", "Friction points": 2,
         "Key points": 1, "Not done": 2},
        {"Stage": "Decision", "Part": "Buyer journey", "Friction points": 2, "Key points": 1,
         "Not done": 2},
        {"Stage": "Retention", "Part": "After purchase", "Friction points": 1, "Key points": 1,
         "Not done": 1},
        {"Stage": "Advocacy", "Part": "After purchase", "Friction points": 1, "Key points": 2,
         "Not done": 3},
    ]


def test_a_friction_point_and_a_key_point_are_added_with_stage_kind_and_action(app_env):
    at = open_page()
    at.selectbox(key="new_moment_stage").set_value("decision")
    at.text_input(key="new_moment_title").input("Delivery date keeps moving")
    at.text_area(key="new_moment_action").input("Confirm the date in writing")
    at.slider(key="new_moment_severity").set_value(5)
    at.selectbox(key="new_moment_channel").set_value("Phone")
    at.text_input(key="new_moment_owner").input("Sales lead")
    at.button(key="new_moment_save").click().run()
    assert not at.exception
    assert [t.value for t in at.toast] == ["Added Delivery date keeps moving."]
    assert at.text_input(key="new_moment_title").value == ""  # ready for the next one
    assert at.selectbox(key="new_moment_stage").value == "decision"  # kept

    at.button_group(key="add_kind").set_value("key").run()
    assert at.text_area(key="new_moment_action").label == "How we use it"
    at.selectbox(key="new_moment_stage").set_value("retention")
    at.text_input(key="new_moment_title").input("Winter tyre change")
    at.text_area(key="new_moment_action").input("Offer storage for the summer tyres")
    at.button(key="new_moment_save").click().run()
    assert not at.exception

    added = {m.title: m for m in moments(app_env)}
    friction, key = added["Delivery date keeps moving"], added["Winter tyre change"]
    assert (friction.stage, friction.kind, friction.action, friction.severity, friction.channel,
            friction.owner, friction.status) == (
        "decision", "friction", "Confirm the date in writing", 5, "Phone", "Sales lead", "open")
    assert (key.stage, key.kind, key.action) == (
        "retention", "key", "Offer storage for the summer tyres")
    assert "⭐ Winter tyre change" in headings(at)
    [counts] = at.table
    assert counts.value["Friction points"].tolist()[2] == 3
    assert counts.value["Key points"].tolist()[3] == 2


def test_a_moment_without_a_title_shows_a_message_and_stores_nothing(app_env):
    at = open_page()
    at.text_area(key="new_moment_description").input("Typed, not lost")
    at.button(key="new_moment_save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Title: must not be empty"]
    assert len(moments(app_env)) == 13
    assert at.text_area(key="new_moment_description").value == "Typed, not lost"


def test_the_kind_filter_shows_only_that_kind(app_env):
    at = open_page()
    at.pills(key="filter_kind").set_value(["key"]).run()
    assert not at.exception
    assert len(headings(at)) == 6 and all(h.startswith("⭐") for h in headings(at))
    at.pills(key="filter_stage").set_value(["advocacy"]).run()
    assert len(headings(at)) == 2
    at.pills(key="filter_status").set_value(["open"]).run()
    assert headings(at) == ["⭐ Referral when friends start their own search"]
    assert any(c.value.startswith("Showing 1 of 13 ") for c in at.caption)


def test_editing_a_moments_status_saves_it(app_env):
    at = open_page()
    at.selectbox(key="moment_4_status").set_value("done")
    at.selectbox(key="moment_4_stage").set_value("decision")
    at.button(key="moment_4_save").click().run()
    assert not at.exception
    moment = Store(app_env).get_moment(4)
    assert (moment.status, moment.stage, moment.version) == ("done", "decision", 2)
    assert [t.value for t in at.toast] == ["Saved Test drives only on weekdays."]


def test_an_edit_over_someone_elses_save_shows_both_and_keeps_the_stored_value(app_env):
    at = open_page()
    Store(app_env).update_moment(4, 1, status="in progress")
    at.selectbox(key="moment_4_status").set_value("done")
    at.button(key="moment_4_save").click().run()
    assert not at.exception
    assert "changed by someone else" in at.error[0].value
    assert Store(app_env).get_moment(4).status == "in progress"
    at.button(key="moment_4_conflict_keep").click().run()
    at.button(key="moment_4_save").click().run()
    assert Store(app_env).get_moment(4).status == "done"


def test_deleting_a_moment_then_undo_puts_it_back(app_env):
    at = open_page()
    at.button(key="delete_moment_7").click().run()
    assert not at.exception
    assert "Trade-in valuation feels like haggling" not in [m.title for m in moments(app_env)]
    assert len(headings(at)) == 12
    assert [t.value for t in at.toast] == [
        "Deleted Trade\\-in valuation feels like haggling: undo it in the sidebar."]
    assert Store(app_env).snapshots(journey_id=JOURNEY)  # the snapshot taken before deleting
    at.button(key="moment_undo_button").click().run()
    assert not at.exception
    [back] = [m for m in moments(app_env) if m.title == "Trade-in valuation feels like haggling"]
    assert (back.stage, back.kind, back.status) == ("decision", "friction", "open")
    assert len(headings(at)) == 13
    assert "moment_undo_button" not in [b.key for b in at.button]


def test_undo_leaves_edits_made_since_the_delete_in_place(app_env):
    at = open_page()
    at.button(key="delete_moment_7").click().run()
    Store(app_env).update_moment(6, 1, status="done")  # someone else, meanwhile
    at.button(key="moment_undo_button").click().run()
    assert Store(app_env).get_moment(6).status == "done"
    assert len(moments(app_env)) == 13


def test_presentation_mode_lists_the_moments_without_editing_controls(app_env):
    at = open_page()
    at.sidebar.toggle(key="_pick_presenting").set_value(True).run()
    assert not at.exception
    assert len(headings(at)) == 13
    assert not at.get("form") and not at.expander
    assert not [b for b in at.button if b.key and "moment" in b.key]


def test_markup_typed_as_a_moment_title_is_stored_verbatim_and_shown_as_text(app_env):
    title = "<img src=x onerror=alert(1)> <script>alert(1)</script>"
    at = open_page()
    at.text_input(key="new_moment_title").input(title)
    at.text_area(key="new_moment_action").input("![pixel](http://example.com/t.png)")
    at.button(key="new_moment_save").click().run()
    assert not at.exception
    [stored] = [m for m in moments(app_env) if m.title == title]
    assert stored.action == "![pixel](http://example.com/t.png)"
    shown = f"⚠️ {ui.literal(title)}"
    assert shown in headings(at)
    assert re.sub(r"\\(.)", r"\1", ui.literal(title)) == title
    assert "<" not in shown.replace("\\<", "")
    assert any(ui.literal(stored.action) in m.value for m in at.markdown)
    assert not at.get("html")
    assert not [m for m in at.markdown if m.proto.allow_html and "alert" in m.value]
    assert at.text_input(key=f"moment_{stored.id}_title").value == title
