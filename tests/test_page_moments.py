"""The Friction and key points page through AppTest: add, filter, count, edit, delete, undo."""

import re

from streamlit.testing.v1 import AppTest

from journey import presentation, ui
from journey.model import Moment
from journey.storage import Store
from tests.conftest import CAR, open_page, plain

PAGE = "3_Friction_and_key_points.py"
# The first sample journey (CAR, "Buying a family car") opens by default: 7 friction points
# and 6 key points (moment ids 1..13) over stages 1..5.


def editing(*moment_ids: int) -> dict[str, bool]:
    """Session state that opens the edit forms of these moments (drawn only when open)."""
    return {f"edit_moment_{moment_id}": True for moment_id in moment_ids}


def headings(at: AppTest) -> list[str]:
    """The moment titles as the page shows them (one '### ' heading per moment)."""
    return [m.value[4:] for m in at.markdown if m.value.startswith("### ")]


def moments(db_path) -> list:
    return Store(db_path).load_journey(CAR).moments


def test_the_page_lists_every_moment_of_the_journey_with_counts_per_stage(app_env):
    at = open_page(PAGE)
    assert not at.exception
    assert len(headings(at)) == 13
    assert "⚠️ Prices hidden behind 'request a quote'" in headings(at)
    [counts] = at.table
    assert counts.value.to_dict("records") == [
        {
            "Stage": "Awareness",
            "Part": "Buyer journey",
            "Friction points": 1,
            "Key points": 1,
            "Not done": 1,
        },
        {
            "Stage": "Consideration",
            "Part": "Buyer journey",
            "Friction points": 2,
            "Key points": 1,
            "Not done": 2,
        },
        {
            "Stage": "Decision",
            "Part": "Buyer journey",
            "Friction points": 2,
            "Key points": 1,
            "Not done": 2,
        },
        {
            "Stage": "Retention",
            "Part": "After purchase",
            "Friction points": 1,
            "Key points": 1,
            "Not done": 1,
        },
        {
            "Stage": "Advocacy",
            "Part": "After purchase",
            "Friction points": 1,
            "Key points": 2,
            "Not done": 3,
        },
    ]


def test_a_friction_point_and_a_key_point_are_added_with_stage_kind_and_action(app_env):
    at = open_page(PAGE)
    at.selectbox(key="new_moment_stage").set_value("decision")
    at.text_input(key="new_moment_title").input("Delivery date keeps moving")
    at.text_area(key="new_moment_action").input("Confirm the date in writing")
    at.slider(key="new_moment_severity").set_value(5)
    at.selectbox(key="new_moment_channel").set_value("Phone")
    at.text_input(key="new_moment_owner").input("Sales lead")
    at.button(key="new_moment_save").click().run()
    assert not at.exception
    assert [plain(s.value) for s in at.success] == ["Added Delivery date keeps moving."]
    assert at.text_input(key="new_moment_1_title").value == ""  # ready for the next one
    assert at.selectbox(key="new_moment_1_stage").value == "decision"  # kept

    at.button_group(key="add_kind").set_value("key").run()
    assert at.text_area(key="new_moment_2_action").label == "How we use it"
    at.selectbox(key="new_moment_2_stage").set_value("retention")
    at.text_input(key="new_moment_2_title").input("Winter tyre change")
    at.text_area(key="new_moment_2_action").input("Offer storage for the summer tyres")
    at.button(key="new_moment_save").click().run()
    assert not at.exception

    added = {m.title: m for m in moments(app_env)}
    friction, key = added["Delivery date keeps moving"], added["Winter tyre change"]
    assert (
        friction.stage,
        friction.kind,
        friction.action,
        friction.severity,
        friction.channel,
        friction.owner,
        friction.status,
    ) == ("decision", "friction", "Confirm the date in writing", 5, "Phone", "Sales lead", "open")
    assert (key.stage, key.kind, key.action) == (
        "retention",
        "key",
        "Offer storage for the summer tyres",
    )
    assert "⭐ Winter tyre change" in headings(at)
    [counts] = at.table
    assert counts.value["Friction points"].tolist()[2] == 3
    assert counts.value["Key points"].tolist()[3] == 2


def test_a_moment_without_a_title_shows_a_message_and_stores_nothing(app_env):
    at = open_page(PAGE)
    at.text_area(key="new_moment_description").input("Typed, not lost")
    at.button(key="new_moment_save").click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == ["Title: must not be empty"]
    assert len(moments(app_env)) == 13
    assert at.text_area(key="new_moment_description").value == "Typed, not lost"


def test_the_kind_filter_shows_only_that_kind(app_env):
    at = open_page(PAGE)
    at.pills(key="filter_kind").set_value(["key"]).run()
    assert not at.exception
    assert len(headings(at)) == 6 and all(h.startswith("⭐") for h in headings(at))
    at.pills(key="filter_stage").set_value(["advocacy"]).run()
    assert len(headings(at)) == 2
    at.pills(key="filter_status").set_value(["open"]).run()
    assert headings(at) == ["⭐ Referral when friends start their own search"]
    assert any(c.value.startswith("Showing 1 of 13 ") for c in at.caption)


def test_editing_a_moments_status_saves_it(app_env):
    at = open_page(PAGE, **editing(4))
    at.selectbox(key="moment_4_status").set_value("done")
    at.selectbox(key="moment_4_stage").set_value("decision")
    at.button(key="moment_4_save").click().run()
    assert not at.exception
    moment = Store(app_env).get_moment(4)
    assert (moment.status, moment.stage, moment.version) == ("done", "decision", 2)
    assert [plain(s.value) for s in at.success] == ["Saved Test drives only on weekdays."]


def test_an_edit_merges_with_someone_elses_save_of_another_field(app_env):
    at = open_page(PAGE, **editing(4))
    Store(app_env).update_moment(4, 1, owner="Sales lead")
    at.selectbox(key="moment_4_status").set_value("done")
    at.button(key="moment_4_save").click().run()
    assert not at.exception and not at.error
    moment = Store(app_env).get_moment(4)
    assert (moment.status, moment.owner, moment.version) == ("done", "Sales lead", 3)


def test_a_field_both_changed_is_a_conflict_with_the_stage_by_name_resolved_per_field(app_env):
    at = open_page(PAGE, **editing(4))
    store = Store(app_env)
    store.update_moment(4, 1, status="in progress", stage_id=3)  # someone else: to Decision
    at.selectbox(key="moment_4_status").set_value("done")
    at.selectbox(key="moment_4_stage").set_value("retention")
    at.button(key="moment_4_save").click().run()
    assert not at.exception
    assert "changed by someone else" in plain(at.error[0].value)
    [table] = at.table[1:]
    assert [{k: plain(v) for k, v in row.items()} for row in table.value.to_dict("records")] == [
        {"Field": "Status", "Saved by someone else": "in progress", "Yours (not saved)": "done"},
        {"Field": "Stage", "Saved by someone else": "Decision", "Yours (not saved)": "Retention"},
    ]
    assert Store(app_env).get_moment(4).status == "in progress"
    at.radio(key="moment_4_conflict_status").set_value("mine")
    at.radio(key="moment_4_conflict_stage_id").set_value("theirs")
    at.button(key="moment_4_conflict_save").click().run()
    assert not at.exception and not at.error
    moment = Store(app_env).get_moment(4)
    assert (moment.status, moment.stage) == ("done", "decision")


def test_a_point_deleted_while_edited_says_so_keeps_the_text_and_saves_as_new(app_env):
    at = open_page(PAGE, **editing(1))
    at.text_area(key="moment_1_action").input("Typed, not lost")
    Store(app_env).delete_moment(1)  # someone else presses Delete meanwhile
    at.button(key="moment_1_save").click().run()
    assert not at.exception
    [warning] = at.warning
    assert plain(warning.value) == (
        "The key point 'Family-car comparison guide' was deleted by someone else (or replaced "
        "by an import) while you edited it. Nothing was saved: what you typed is below."
    )
    typed = at.dataframe[0].value.to_dict("records")
    assert {"Field": "Action", "What you typed": "Typed, not lost"} in typed
    at.button(key="lost_moment_0_new").click().run()
    assert not at.exception and not at.warning
    assert "Typed, not lost" in [m.action for m in moments(app_env)]


def test_switching_the_kind_of_a_new_point_does_not_carry_the_other_kinds_action(app_env):
    at = open_page(PAGE)
    at.text_area(key="new_moment_action").input("Answer the friction")
    at.button_group(key="add_kind").set_value("key").run()
    assert at.text_area(key="new_moment_1_action").value == ""


def test_a_second_click_on_add_adds_no_duplicate_and_the_form_clears(app_env):
    at = open_page(PAGE)
    at.text_input(key="new_moment_title").input("Delivery date keeps moving")
    at.button(key="new_moment_save").click().run()
    assert at.text_input(key="new_moment_1_title").value == ""
    at.text_input(key="new_moment_1_title").input("Delivery date keeps moving")
    at.button(key="new_moment_save").click().run()
    titles = [m.title for m in moments(app_env)]
    assert titles.count("Delivery date keeps moving") == 1


def test_an_edit_form_is_drawn_only_while_its_expander_is_open(app_env):
    at = open_page(PAGE, **editing(4))
    forms = [f.proto.form.form_id for f in at.get("form")]
    assert [f for f in forms if f.startswith("moment_")] == ["moment_4_form"]


def test_a_long_list_is_shown_twenty_points_a_page(app_env):
    open_page(PAGE)
    store = Store(app_env)
    for n in range(30):
        store.add_moment(3, Moment(kind="friction", title=f"Extra {n}"))
    at = open_page(PAGE)
    assert len(headings(at)) == 20
    assert any(c.value.startswith("Showing 43 of 43 ") for c in at.caption)
    seen = headings(at)
    for page in (2, 3):
        at.number_input(key="moments_page").set_value(page).run()
        assert not at.exception
        seen += headings(at)
    assert len(headings(at)) == 3 and len(set(seen)) == 43


def test_deleting_a_moment_then_undo_puts_it_back(app_env):
    at = open_page(PAGE)
    at.button(key="delete_moment_7").click().run()
    assert not at.exception
    assert "Trade-in valuation feels like haggling" not in [m.title for m in moments(app_env)]
    assert len(headings(at)) == 12
    assert [plain(s.value) for s in at.success] == [
        "Deleted Trade-in valuation feels like haggling: undo it in the sidebar."
    ]
    assert Store(app_env).snapshots(journey_id=CAR)  # the snapshot taken before deleting
    at.button(key="moment_undo_button").click().run()
    assert not at.exception
    [back] = [m for m in moments(app_env) if m.title == "Trade-in valuation feels like haggling"]
    assert (back.stage, back.kind, back.status) == ("decision", "friction", "open")
    assert len(headings(at)) == 13
    assert "moment_undo_button" not in [b.key for b in at.button]


def test_undo_leaves_edits_made_since_the_delete_in_place(app_env):
    at = open_page(PAGE)
    at.button(key="delete_moment_7").click().run()
    Store(app_env).update_moment(6, 1, status="done")  # someone else, meanwhile
    at.button(key="moment_undo_button").click().run()
    assert Store(app_env).get_moment(6).status == "done"
    assert len(moments(app_env)) == 13


def test_presentation_mode_lists_the_moments_without_editing_controls(app_env):
    at = open_page(PAGE)
    at.sidebar.toggle(key="_pick_presenting").set_value(True).run()
    assert not at.exception
    assert len(headings(at)) == 13
    assert not at.get("form") and not at.expander
    assert not [b for b in at.button if b.key and "moment" in b.key]


def test_markup_typed_as_a_moment_title_is_stored_verbatim_and_shown_as_text(app_env):
    title = "<img src=x onerror=alert(1)> <script>alert(1)</script>"
    at = open_page(PAGE)
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
    assert [h.proto.body for h in at.get("html")] == [
        presentation.LAYOUT_CSS.strip(),
        presentation.TABLE_CSS.strip(),
    ]
    assert not [m for m in at.markdown if m.proto.allow_html and "alert" in m.value]
    at.session_state[f"edit_moment_{stored.id}"] = True  # open its edit form
    assert at.run().text_input(key=f"moment_{stored.id}_title").value == title


def test_an_open_point_form_says_someone_saved_it_and_shows_their_stage_when_asked(app_env):
    at = open_page(PAGE, **editing(4))
    Store(app_env).update_moment(4, 1, owner="Sales lead", stage_id=3)  # someone else
    at.run()  # the live check reruns the page
    notices = [plain(i.value) for i in at.info if "since this form opened" in plain(i.value)]
    assert len(notices) == 1 and notices[0].startswith("The friction point ")
    at.button(key="moment_4_latest").click().run()
    assert not at.exception and not at.error
    assert (
        at.text_input(key="moment_4_g1_owner").value,
        at.selectbox(key="moment_4_g1_stage").value,
    ) == (
        "Sales lead",
        "decision",
    )
    assert not [i for i in at.info if "since this form opened" in plain(i.value)]
