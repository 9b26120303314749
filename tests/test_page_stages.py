"""The Stages page through AppTest: fill a stage, reload it, bad values and conflicts."""

from journey import formatting
from journey.storage import Store
from tests.conftest import CAR, open_page, plain

PAGE = "2_Stages.py"
# The first sample journey ("Buying a family car") opens by default; its stages have ids 1..5.
AWARENESS, CONSIDERATION, ADVOCACY = 1, 2, 5
TABS = ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]


def stage(db_path, stage_id: int):
    return Store(db_path).get_stage(stage_id)


def open_tab(label: str):
    """The Stages page with the tab ``label`` open (a tab is drawn once opened)."""
    return open_page(PAGE, query={"stage_tab": label})


def test_the_stages_page_shows_five_tabs_marked_buyer_journey_or_after_purchase(app_env):
    at = open_page(PAGE)
    assert not at.exception
    assert [t.label for t in at.tabs] == TABS
    for label in TABS[1:]:  # switching tabs reruns the page, which draws the tab opened
        at.session_state["stage_tab"] = label
        at.run()
    badges = [m.value for m in at.markdown if "badge[" in m.value]
    assert [("Buyer journey" in b, "After purchase" in b) for b in badges] == [
        (True, False)
    ] * 3 + [(False, True)] * 2
    assert at.text_input(key="stage_1_label").value == "Recognising the need"
    assert at.number_input(key="stage_1_duration").value == 2.0  # 14 days
    assert at.selectbox(key="stage_1_unit").value == "weeks"
    assert at.number_input(key="stage_1_conversion").value == 35.0
    assert "stage_5_conversion" not in [w.key for w in at.number_input]  # advocacy: last stage


def test_only_the_open_tab_is_drawn_and_a_tab_opened_before_stays_drawn(app_env):
    at = open_page(PAGE)
    assert [w.key for w in at.text_input if w.key.startswith("stage_")] == ["stage_1_label"]
    at.session_state["stage_tab"] = "Decision"
    at.run()
    assert not at.exception
    # the Awareness form is still drawn (hidden), so a browser keeps what was typed in it and
    # not saved yet; a form that a rerun leaves out would lose it
    assert [w.key for w in at.text_input if w.key.startswith("stage_")] == [
        "stage_1_label",
        "stage_3_label",
    ]


def test_a_filled_in_stage_is_stored_and_still_there_after_a_reload(app_env):
    at = open_tab("Consideration")
    at.text_area(key="stage_2_customer_goal").input("Find a car the whole family fits in")
    at.select_slider(key="stage_2_emotion").set_value(-1)
    at.number_input(key="stage_2_duration").set_value(3)
    at.selectbox(key="stage_2_unit").set_value("weeks")
    at.number_input(key="stage_2_conversion").set_value(40)
    at.button(key="stage_2_save").click().run()
    assert not at.exception
    assert [plain(s.value) for s in at.success] == ["Saved the Consideration stage."]
    saved = stage(app_env, CONSIDERATION)
    assert (
        saved.customer_goal,
        saved.emotion,
        saved.duration_days,
        saved.conversion,
        saved.version,
    ) == ("Find a car the whole family fits in", -1, 21.0, 0.4, 2)
    assert len(saved.touchpoints) == 5  # untouched

    reloaded = open_tab("Consideration")
    assert reloaded.text_area(key="stage_2_customer_goal").value == (
        "Find a car the whole family fits in"
    )
    assert reloaded.select_slider(key="stage_2_emotion").value == -1
    assert reloaded.number_input(key="stage_2_duration").value == 3.0
    assert reloaded.selectbox(key="stage_2_unit").value == "weeks"
    assert reloaded.number_input(key="stage_2_conversion").value == 40.0


def test_touchpoints_edited_in_the_table_replace_the_stages_list(app_env):
    at = open_page(PAGE)
    # AppTest cannot type into a data_editor: seed its edit state as the browser would send it
    at.session_state["stage_1_touchpoints"] = {
        "edited_rows": {0: {"description": "Family-car ads on video sites"}},
        "added_rows": [{"channel": "Chat", "description": "Questions at night"}],
        "deleted_rows": [1, 2],
    }
    before = stage(app_env, AWARENESS).touchpoints
    at.button(key="stage_1_save").click().run()
    assert not at.exception
    after = [(t.channel, t.description) for t in stage(app_env, AWARENESS).touchpoints]
    assert after == [
        (before[0].channel, "Family-car ads on video sites"),
        (before[3].channel, before[3].description),
        ("Chat", "Questions at night"),
    ]


def test_a_touchpoint_without_a_channel_is_named_under_the_table_and_nothing_is_stored(app_env):
    at = open_tab("Decision")
    at.session_state["stage_3_touchpoints"] = {
        "edited_rows": {},
        "added_rows": [{"description": "a call back"}],
        "deleted_rows": [],
    }
    at.text_area(key="stage_3_thoughts").input("Typed, not lost")
    at.button(key="stage_3_save").click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        "Touchpoints and channels, row 5, channel: must not be empty"
    ]
    assert stage(app_env, 3).version == 1
    assert at.text_area(key="stage_3_thoughts").value == "Typed, not lost"


def test_a_text_over_the_limit_is_cut_to_the_limit_by_the_widget_not_an_error(app_env):
    at = open_tab("Retention")
    # the text area has max_chars=10,000: the browser stops there, and Streamlit cuts a
    # longer value on the server, so the store's own limit is never hit from this form
    at.text_area(key="stage_4_customer_goal").set_value("x" * 10_001)
    at.button(key="stage_4_save").click().run()
    assert not at.exception and not at.error
    assert stage(app_env, 4).customer_goal == "x" * 10_000


def test_a_touchpoint_channel_over_the_limit_is_named_and_nothing_is_stored(app_env):
    at = open_tab("Retention")
    at.session_state["stage_4_touchpoints"] = {
        "edited_rows": {0: {"channel": "c" * 201}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="stage_4_save").click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        "Touchpoints and channels, row 1, channel: is 201 characters long; the limit is 200"
    ]
    assert stage(app_env, 4).version == 1


def test_a_changes_thoughts_b_changes_the_duration_and_b_s_save_keeps_a_s_thought(app_env):
    session_a, session_b = open_tab("Consideration"), open_tab("Consideration")
    session_a.text_area(key="stage_2_thoughts").input("A: will the pram fit?")
    session_a.button(key="stage_2_save").click().run()
    session_b.number_input(key="stage_2_duration").set_value(5)
    session_b.selectbox(key="stage_2_unit").set_value("weeks")
    session_b.button(key="stage_2_save").click().run()
    assert not session_b.exception and not session_b.error
    saved = stage(app_env, CONSIDERATION)
    assert (saved.thoughts, saved.duration_days, saved.version) == (
        "A: will the pram fit?",
        35.0,
        3,
    )
    assert [plain(s.value) for s in session_b.success] == ["Saved the Consideration stage."]


def test_a_conversion_saved_by_someone_else_survives_my_save_of_the_rounded_form(app_env):
    open_tab("Decision")
    store = Store(app_env)
    store.update_stage(3, 1, conversion=0.123456789)  # shown rounded: 12.345679 %
    at = open_tab("Decision")
    store.update_stage(3, 2, conversion=0.5)  # someone else, meanwhile
    at.text_area(key="stage_3_thoughts").input("Only my thought")
    at.button(key="stage_3_save").click().run()
    assert not at.exception and not at.error
    saved = stage(app_env, 3)
    assert (saved.thoughts, saved.conversion) == ("Only my thought", 0.5)


def test_a_field_both_changed_is_shown_with_labels_and_units_and_keep_mine_stores_it(app_env):
    session_a, session_b = open_page(PAGE), open_page(PAGE)
    session_b.text_area(key="stage_1_customer_goal").input("B: know which cars fit")
    session_b.number_input(key="stage_1_duration").set_value(3)
    session_b.button(key="stage_1_save").click().run()

    session_a.text_area(key="stage_1_customer_goal").input("A: feel safe on the road")
    session_a.number_input(key="stage_1_duration").set_value(4)
    session_a.button(key="stage_1_save").click().run()
    assert not session_a.exception
    message = plain(session_a.error[0].value)
    assert "changed by someone else" in message and "version" not in message
    [table] = session_a.table
    # cells are escaped Markdown (st.table renders Markdown): shown exactly as typed
    assert [{k: plain(v) for k, v in row.items()} for row in table.value.to_dict("records")] == [
        {
            "Field": "Customer goal",
            "Saved by someone else": "B: know which cars fit",
            "Yours (not saved)": "A: feel safe on the road",
        },
        {
            "Field": "Typical duration",
            "Saved by someone else": "3 weeks",
            "Yours (not saved)": "4 weeks",
        },
    ]
    assert stage(app_env, AWARENESS).customer_goal == "B: know which cars fit"
    assert session_a.text_area(key="stage_1_customer_goal").value == "A: feel safe on the road"

    session_a.button(key="stage_1_conflict_keep").click().run()
    assert not session_a.exception and not session_a.error
    saved = stage(app_env, AWARENESS)
    assert (saved.customer_goal, saved.duration_days, saved.version) == (
        "A: feel safe on the road",
        28.0,
        3,
    )


def test_after_a_conflict_load_the_latest_shows_the_other_save(app_env):
    session_a = open_page(PAGE)
    Store(app_env).update_stage(AWARENESS, 1, customer_goal="Saved elsewhere")
    session_a.text_area(key="stage_1_customer_goal").input("Mine")
    session_a.button(key="stage_1_save").click().run()
    session_a.button(key="stage_1_conflict_reload").click().run()
    assert not session_a.exception and not session_a.error
    # drawn under fresh keys, so a browser shows the other save instead of what was typed
    assert session_a.text_area(key="stage_1_g1_customer_goal").value == "Saved elsewhere"
    session_a.text_area(key="stage_1_g1_thoughts").input("Now on top of theirs")
    session_a.button(key="stage_1_g1_save").click().run()
    saved = stage(app_env, AWARENESS)
    assert (saved.customer_goal, saved.thoughts) == ("Saved elsewhere", "Now on top of theirs")


def test_a_journey_replaced_by_an_import_while_a_stage_is_edited_keeps_the_typed_text(app_env):
    at = open_page(PAGE)
    at.text_area(key="stage_1_customer_goal").input("Typed, not lost")
    store = Store(app_env)
    doc = store.export_workspace(1)
    store.import_document(doc, workspace_id=1, replace=True)  # someone else, in a shell
    at.button(key="stage_1_save").click().run()
    assert not at.exception
    assert plain(at.warning[0].value).startswith(
        "The Awareness stage was deleted by someone else (or replaced by an import)"
    )
    assert {"Field": "Customer goal", "What you typed": "Typed, not lost"} in (
        at.dataframe[0].value.to_dict("records")
    )
    at.button(key="lost_stage_0_dismiss").click().run()
    assert not at.warning


def test_presentation_mode_shows_the_stages_read_only(app_env):
    at = open_page(PAGE)
    at.sidebar.toggle(key="_pick_presenting").set_value(True).run()
    assert not at.exception
    assert not at.get("form") and not at.text_area
    assert [s.value for s in at.subheader] == ["Recognising the need"]
    at.session_state["stage_tab"] = "Consideration"
    at.run()
    assert [s.value for s in at.subheader] == [
        "Recognising the need",
        "Comparing and test driving",
    ]
    metrics = {(m.label, m.value) for m in at.metric}
    assert {
        ("Typical duration", "2 weeks"),
        ("Conversion to the next stage", "35 %"),
        ("Emotion", "😐 0"),
    } <= metrics


def test_the_open_stage_tab_is_taken_from_the_link(app_env):
    at = open_page(PAGE, CAR, query={"stage_tab": "Decision"})
    assert not at.exception
    assert at.session_state["stage_tab"] == "Decision"


def test_the_stage_form_shows_numbers_as_typed_not_with_two_decimals(app_env):
    at = open_page(PAGE, CAR)
    for key in ("stage_1_duration", "stage_1_conversion"):
        assert at.number_input(key=key).proto.format == formatting.INPUT_FORMAT
    assert formatting.INPUT_FORMAT % 2.0 == "2"  # 2 weeks, not 2.00
    assert formatting.INPUT_FORMAT % 35.0 == "35" and formatting.INPUT_FORMAT % 0.25 == "0.25"


def latest_notices(at) -> list[str]:
    return [plain(i.value) for i in at.info if "since this form opened" in plain(i.value)]


def test_an_open_stage_form_says_a_colleague_saved_and_shows_the_latest_when_asked(app_env):
    at = open_page(PAGE)
    assert latest_notices(at) == []
    Store(app_env).update_stage(AWARENESS, 1, customer_goal="Saved by a colleague")
    at.run()  # the live check reruns the page; the open form keeps its keys (and any typing)
    assert not at.exception and not at.error
    assert latest_notices(at) == [
        "The Awareness stage was saved by someone else since this form opened: the form "
        "still shows it as it was. Saving keeps their changes and adds yours."
    ]
    assert at.text_area(key="stage_1_customer_goal").value != "Saved by a colleague"
    at.button(key="stage_1_latest").click().run()
    assert not at.exception and latest_notices(at) == []
    # drawn afresh under new keys (a browser keeps showing a widget's old value under its old)
    assert at.text_area(key="stage_1_g1_customer_goal").value == "Saved by a colleague"
    at.text_area(key="stage_1_g1_thoughts").input("Mine, on top of theirs")
    at.button(key="stage_1_g1_save").click().run()
    assert not at.exception and not at.error and latest_notices(at) == []
    saved = stage(app_env, AWARENESS)
    assert (saved.customer_goal, saved.thoughts, saved.version) == (
        "Saved by a colleague",
        "Mine, on top of theirs",
        3,
    )


def test_typing_in_a_form_a_colleague_saved_meanwhile_is_saved_merged_with_their_save(app_env):
    at = open_page(PAGE)
    Store(app_env).update_stage(AWARENESS, 1, customer_goal="Saved by a colleague")
    at.run()  # the live check reruns the page while the form is open: same keys, so a
    # browser keeps what is typed in it (a form sends its values only when saved)
    assert not at.exception and len(latest_notices(at)) == 1
    at.text_area(key="stage_1_thoughts").input("Typed meanwhile")
    at.button(key="stage_1_save").click().run()
    assert not at.exception and not at.error and latest_notices(at) == []
    saved = stage(app_env, AWARENESS)
    assert (saved.customer_goal, saved.thoughts) == ("Saved by a colleague", "Typed meanwhile")
