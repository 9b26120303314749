"""The Personas page through AppTest: cards, create, edit, duplicate, delete and undo."""

import re

from streamlit.testing.v1 import AppTest

from journey import presentation, ui
from journey.storage import Store
from tests.conftest import WORKSPACE, open_page, plain

PAGE = "1_Personas.py"
# the sample WORKSPACE: Maya Hoffmann (1), Daniel Okafor (2), Priya Nair (3)


def open_personas() -> AppTest:
    """The page with every persona's edit form open (a form is drawn only while open), and
    the new-persona form (drawn once opened)."""
    return open_page(
        PAGE, new_persona_open=True, **{f"edit_persona_{i}": True for i in range(1, 20)}
    )


def shown(at: AppTest) -> list[str]:
    """The Markdown source of everything the page wrote as text."""
    return [
        e.value
        for kind in (
            "title",
            "subheader",
            "markdown",
            "caption",
            "toast",
            "info",
            "warning",
            "error",
        )
        for e in getattr(at, kind)
    ]


def names(db_path) -> list[str]:
    return [p.name for p in Store(db_path).personas(WORKSPACE)]


def test_the_personas_page_shows_every_persona_of_the_workspace_as_a_card(app_env):
    at = open_personas()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Maya Hoffmann", "Priya Nair", "Daniel Okafor"]
    assert any("Preferred channels:" in text and "Dealership" in text for text in shown(at))
    assert at.button(key="duplicate_persona_1") and at.button(key="delete_persona_1")


def test_a_new_persona_is_stored_and_shown_as_a_card(app_env):
    at = open_personas()
    at.text_input(key="new_persona_name").input("Sam Lee")
    at.text_input(key="new_persona_role").input("Night nurse")
    at.text_input(key="new_persona_age_range").input("40-49")
    at.text_area(key="new_persona_goals").input("A car that starts every morning")
    at.multiselect(key="new_persona_channels").set_value(["Web", "Carrier pigeon"])
    at.text_area(key="new_persona_quote").input("Just tell me the price.")
    at.button(key="new_persona_save").click().run()
    assert not at.exception
    [sam] = [p for p in Store(app_env).personas(WORKSPACE) if p.name == "Sam Lee"]
    assert (sam.role, sam.age_range, sam.goals, sam.channels, sam.quote) == (
        "Night nurse",
        "40-49",
        "A car that starts every morning",
        ["Web", "Carrier pigeon"],
        "Just tell me the price.",
    )
    assert "Sam Lee" in [s.value for s in at.subheader]
    assert "Night nurse · age 40\\-49" in [c.value for c in at.caption]
    assert [plain(s.value) for s in at.success] == ["Created Sam Lee."]
    assert at.text_input(key="new_persona_1_name").value == ""  # the form is ready for the next
    assert "Carrier pigeon" in at.multiselect(key="persona_1_channels").options


def test_an_empty_name_shows_a_message_stores_nothing_and_keeps_what_was_typed(app_env):
    at = open_personas()
    at.text_input(key="new_persona_name").input("   ")
    at.text_input(key="new_persona_role").input("Night nurse")
    at.button(key="new_persona_save").click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == ["Name: must not be empty"]
    assert len(names(app_env)) == 3
    assert at.text_input(key="new_persona_role").value == "Night nurse"


def test_editing_a_persona_saves_it_and_shows_the_new_values(app_env):
    at = open_personas()
    at.text_input(key="persona_1_role").input("Head teacher")
    at.multiselect(key="persona_1_channels").set_value(["Web", "Email"])
    at.button(key="persona_1_save").click().run()
    assert not at.exception
    maya = Store(app_env).get_persona(1)
    assert (maya.role, maya.channels, maya.version) == ("Head teacher", ["Web", "Email"], 2)
    assert "Head teacher · age 30\\-39" in [c.value for c in at.caption]
    assert [plain(s.value) for s in at.success] == ["Saved Maya Hoffmann."]
    # a second edit in the same session starts from the saved version: no false conflict
    # (the form has fresh widget keys, so a browser shows the saved values too)
    at.text_input(key="persona_1_g1_role").input("Deputy head")
    at.button(key="persona_1_g1_save").click().run()
    assert not at.error and Store(app_env).get_persona(1).role == "Deputy head"


def test_a_field_both_people_changed_is_a_conflict_shown_with_labels_and_resolved_per_field(
    app_env,
):
    at = open_personas()
    Store(app_env).update_persona(1, 1, role="Saved by someone else", quote="Their quote")
    at.text_input(key="persona_1_role").input("Mine")
    at.text_area(key="persona_1_goals").input("My goals")
    at.button(key="persona_1_save").click().run()
    assert not at.exception
    assert plain(at.error[0].value).startswith(
        "Persona 'Maya Hoffmann' was changed by someone else while you edited it"
    )
    [table] = at.table
    assert [{k: plain(v) for k, v in row.items()} for row in table.value.to_dict("records")] == [
        {
            "Field": "Role",
            "Saved by someone else": "Saved by someone else",
            "Yours (not saved)": "Mine",
        }
    ]
    assert "version" not in at.error[0].value
    assert Store(app_env).get_persona(1).role == "Saved by someone else"
    at.radio(key="persona_1_conflict_role").set_value("theirs")
    at.button(key="persona_1_conflict_save").click().run()
    assert not at.exception and not at.error
    maya = Store(app_env).get_persona(1)
    assert (maya.role, maya.goals, maya.quote) == (
        "Saved by someone else",
        "My goals",
        "Their quote",
    )


def test_keep_all_of_mine_writes_only_the_fields_i_changed(app_env):
    at = open_personas()
    Store(app_env).update_persona(1, 1, role="Theirs", quote="Their quote")
    at.text_input(key="persona_1_role").input("Mine")
    at.button(key="persona_1_save").click().run()
    at.button(key="persona_1_conflict_keep").click().run()
    assert not at.exception and not at.error
    maya = Store(app_env).get_persona(1)
    assert (maya.role, maya.quote) == ("Mine", "Their quote")
    assert [plain(s.value) for s in at.success] == ["Saved Maya Hoffmann."]


def test_a_persona_deleted_while_edited_keeps_the_typed_values_and_saves_as_new(app_env):
    at = open_personas()
    at.text_area(key="persona_2_goals").input("Typed, not lost")
    Store(app_env).delete_persona(2)  # someone else, meanwhile
    at.button(key="persona_2_save").click().run()
    assert not at.exception
    assert plain(at.warning[0].value).startswith(
        "Persona 'Daniel Okafor' was deleted by someone else (or replaced by an import)"
    )
    typed = at.dataframe[0].value
    assert {"Field": "Goals", "What you typed": "Typed, not lost"} in typed.to_dict("records")
    at.button(key="lost_persona_0_new").click().run()
    assert not at.exception
    [copy] = [p for p in Store(app_env).personas(WORKSPACE) if p.name == "Daniel Okafor"]
    assert copy.goals == "Typed, not lost" and copy.id != 2
    assert not at.warning


def test_a_second_click_on_create_adds_no_duplicate(app_env):
    at = open_personas()
    at.text_input(key="new_persona_name").input("Sam Lee")
    at.button(key="new_persona_save").click().run()
    at.text_input(key="new_persona_1_name").input("Sam Lee")  # the values sent again
    at.button(key="new_persona_save").click().run()
    assert not at.exception
    assert names(app_env).count("Sam Lee") == 1
    assert [plain(i.value) for i in at.info] == [
        "Already created: change something to add another."
    ]


def test_undo_my_last_change_puts_back_what_my_save_replaced(app_env):
    at = open_personas()
    at.text_input(key="persona_1_role").input("Head teacher")
    at.button(key="persona_1_save").click().run()
    assert Store(app_env).get_persona(1).role == "Head teacher"
    at.sidebar.button(key="undo_last_change").click().run()
    assert not at.exception
    assert Store(app_env).get_persona(1).role.startswith("Primary-school teacher")
    assert [plain(s.value) for s in at.success] == ["Undone: Role of persona Maya Hoffmann."]


def test_undo_after_my_save_was_restored_from_the_history_says_so_instead_of_failing(app_env):
    at = open_personas()
    at.text_input(key="persona_1_role").input("Head teacher")
    at.button(key="persona_1_save").click().run()
    store = Store(app_env)
    [save] = store.revisions(kind="persona", target_id=1, limit=1)
    store.restore_revision(save.id)  # from the history page: that save is now undone
    at.sidebar.button(key="undo_last_change").click().run()
    assert not at.exception
    assert plain(at.success[0].value).startswith("Nothing of yours left to undo")


def test_a_persona_whose_channels_are_spelled_unusually_still_opens_for_editing(app_env):
    open_personas()  # seeds the database
    Store(app_env).update_persona(1, 1, channels=["web", "Web", " Fax "])
    at = open_personas()
    assert not at.exception
    assert at.multiselect(key="persona_1_channels").value == ["web", "Fax"]


def test_duplicating_a_persona_adds_a_copy(app_env):
    at = open_personas()
    at.button(key="duplicate_persona_2").click().run()
    assert not at.exception
    [copy] = [p for p in Store(app_env).personas(WORKSPACE) if p.name == "Daniel Okafor (copy)"]
    assert copy.goals == Store(app_env).get_persona(2).goals
    assert "Daniel Okafor \\(copy\\)" in [s.value for s in at.subheader]


def test_deleting_a_persona_then_undo_brings_it_back_with_its_journey(app_env):
    at = open_personas()
    at.button(key="delete_persona_2").click().run()
    assert not at.exception
    assert "Daniel Okafor" not in names(app_env)
    assert Store(app_env).journeys()[1].persona_id is None
    assert "Daniel Okafor" not in [s.value for s in at.subheader]
    assert any(plain(i.value).startswith("Deleted Daniel Okafor.") for i in at.sidebar.info)
    assert [plain(s.value) for s in at.success] == [
        "Deleted Daniel Okafor: undo it in the sidebar."
    ]
    at.button(key="persona_undo_button").click().run()
    assert not at.exception
    store = Store(app_env)
    assert store.get_persona(2).name == "Daniel Okafor"
    assert store.journeys()[1].persona_id == 2
    assert "Daniel Okafor" in [s.value for s in at.subheader]
    assert "persona_undo_button" not in [b.key for b in at.button]


def test_presentation_mode_shows_the_cards_without_editing_controls(app_env):
    at = open_personas()
    at.sidebar.toggle(key="_pick_presenting").set_value(True).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Maya Hoffmann", "Priya Nair", "Daniel Okafor"]
    assert not at.expander and not at.get("form")
    assert not [b for b in at.button if b.key and "persona" in b.key]


def test_markup_typed_as_a_persona_name_is_stored_verbatim_and_shown_as_text(app_env):
    name = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    at = open_personas()
    at.text_input(key="new_persona_name").input(name)
    at.text_area(key="new_persona_quote").input("<b>bold?</b>")
    at.button(key="new_persona_save").click().run()
    assert not at.exception
    [stored] = [p for p in Store(app_env).personas(WORKSPACE) if p.name == name]
    assert stored.quote == "<b>bold?</b>"
    heading = ui.literal(name)
    assert heading in [s.value for s in at.subheader]
    assert re.sub(r"\\(.)", r"\1", heading) == name  # each escape stands for one typed character
    assert "<" not in heading.replace("\\<", "")  # every angle bracket is escaped
    assert f"> {ui.literal('<b>bold?</b>')}" in shown(at)
    assert [h.proto.body for h in at.get("html")] == [
        presentation.LAYOUT_CSS.strip(),
        presentation.TABLE_CSS.strip(),
    ]
    assert not [e for e in at.markdown if e.proto.allow_html and name in e.value]
    assert at.text_input(key=f"persona_{stored.id}_name").value == name


def widget_keys(at: AppTest) -> set[str]:
    return {
        w.key
        for kind in ("text_input", "text_area", "multiselect", "selectbox")
        for w in getattr(at, kind)
        if w.key
    }


def test_after_a_merged_save_the_form_shows_the_merged_values_under_fresh_keys(app_env):
    """A browser keeps what was typed in a widget whose key stays, whatever value the page
    gives it: after a merge the form must be drawn under new keys to show their change."""
    at = open_personas()
    Store(app_env).update_persona(1, 1, goals="Their goals")  # someone else, meanwhile
    at.text_input(key="persona_1_role").input("Head teacher")
    at.button(key="persona_1_save").click().run()
    assert not at.exception and not at.error
    assert not {k for k in widget_keys(at) if k.startswith("persona_1_")} - {
        k for k in widget_keys(at) if k.startswith("persona_1_g1_")
    }  # no widget of the form kept its old key
    assert at.text_area(key="persona_1_g1_goals").value == "Their goals"
    assert at.text_input(key="persona_1_g1_role").value == "Head teacher"


def test_after_undo_my_last_change_the_form_shows_the_undone_values_under_fresh_keys(app_env):
    at = open_personas()
    role = Store(app_env).get_persona(1).role
    at.text_input(key="persona_1_role").input("Head teacher")
    at.button(key="persona_1_save").click().run()
    at.sidebar.button(key="undo_last_change").click().run()
    assert not at.exception
    assert at.text_input(key="persona_1_g2_role").value == role
    assert not [k for k in widget_keys(at) if k.startswith(("persona_1_role", "persona_1_g1_"))]


def test_an_edit_form_is_drawn_only_while_its_panel_is_open(app_env):
    at = open_page(PAGE)
    assert not at.exception
    assert [e.label for e in at.expander].count("✏️ Edit") == 3
    assert not [t for t in at.text_input if t.key and t.key.startswith("persona_")]
    at.session_state["edit_persona_2"] = True
    at.run()
    assert [t.key for t in at.text_input if t.key.startswith("persona_")] == [
        "persona_2_name",
        "persona_2_role",
        "persona_2_age_range",
    ]


def test_the_new_persona_form_is_drawn_once_its_panel_was_opened_and_then_stays(app_env):
    at = open_page(PAGE)
    assert "➕ New persona" in [e.label for e in at.expander]
    assert not [t for t in at.text_input if t.key and t.key.startswith("new_persona")]
    at.session_state["new_persona_open"] = True
    at.run()
    assert at.text_input(key="new_persona_name")
    at.session_state["new_persona_open"] = False  # closed again: still drawn, hidden, so a
    at.run()  # browser keeps what was typed in it
    assert not at.exception and at.text_input(key="new_persona_name")


def test_an_edit_form_closed_without_saving_stays_drawn_so_a_browser_keeps_what_was_typed(
    app_env,
):
    """A browser keeps text typed in a form (not sent before Save) only while the rerun still
    draws the form's widgets, under the same ids; AppTest drops unsent form input at each run,
    so what is checked is that the closed form is still drawn, as it was."""

    def form_widgets(at: AppTest) -> dict:
        return {
            w.key: w.id for w in [*at.text_input, *at.text_area] if w.key.startswith("persona_1_")
        }

    at = open_page(PAGE, edit_persona_1=True)
    opened = form_widgets(at)
    assert len(opened) == 8
    at.session_state["edit_persona_1"] = False  # closed without saving
    at.run()
    assert not at.exception and form_widgets(at) == opened
    at.session_state["edit_persona_1"] = True  # reopened: the same widgets, and Save works
    at.run()
    assert form_widgets(at) == opened
    at.text_input(key="persona_1_role").input("Typed, then saved")
    at.button(key="persona_1_save").click().run()
    assert not at.exception and Store(app_env).get_persona(1).role == "Typed, then saved"
