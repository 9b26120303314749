"""After a merged save the edit form shows the merged values in a real browser: a browser
keeps what was typed in a widget whose key stays, so the form is drawn under fresh keys."""

from journey.model import stage_label
from journey.storage import Store

from .conftest import open_page, settle, submit
from .test_workshop import eventually, fill


def test_a_merged_save_shows_the_colleague_s_change_in_the_form(page, server):
    open_page(page, server, "Personas")
    store = Store(server.db)
    persona = store.personas(1)[0]
    page.locator(f".st-key-edit_persona_{persona.id}").get_by_text("Edit").first.click()
    settle(page)
    fill(page, f"persona_{persona.id}_role", "Head teacher")
    store.update_persona(persona.id, persona.version, goals="Their goals, saved meanwhile")
    submit(page, page.locator(f".st-key-persona_{persona.id}_save button").first)
    saved = eventually(lambda: Store(server.db).get_persona(persona.id).role == "Head teacher")
    assert saved and Store(server.db).get_persona(persona.id).goals.startswith("Their goals")
    settle(page)
    keys = (f"persona_{persona.id}_goals", f"persona_{persona.id}_g1_goals")  # either generation
    goals = page.locator(", ".join(f".st-key-{k} textarea" for k in keys)).first
    assert goals.input_value() == "Their goals, saved meanwhile"


def test_text_typed_in_a_stage_tab_and_not_saved_is_still_there_after_switching_tabs(page, server):
    """A stage tab is drawn once opened (switching tabs reruns the page); one opened before
    is still drawn, so the browser keeps what was typed in it."""
    open_page(page, server, "Stages", journey=1)
    stage = Store(server.db).load_journey(1).stages[0]
    fill(page, f"stage_{stage.id}_customer_goal", "Typed, not saved")
    submit(page, page.get_by_role("tab", name="Decision"))
    submit(page, page.get_by_role("tab", name=stage_label(stage.stage)))
    goal = page.locator(f".st-key-stage_{stage.id}_customer_goal textarea").first
    assert goal.input_value() == "Typed, not saved"


def test_text_typed_in_a_persona_edit_panel_is_still_there_after_closing_and_reopening_it(
    page, server
):
    """An edit panel's form is drawn once opened, and kept while closed, so the browser keeps
    what was typed in it (issue 13)."""
    open_page(page, server, "Personas")
    persona = Store(server.db).personas(1)[0]
    header = page.locator(f".st-key-edit_persona_{persona.id}").get_by_text("Edit").first
    header.click()
    settle(page)
    fill(page, f"persona_{persona.id}_role", "Typed, not saved")
    submit(page, header)  # closed without saving: the page reruns
    submit(page, header)  # reopened
    role = page.locator(f".st-key-persona_{persona.id}_role input").first
    assert role.input_value() == "Typed, not saved"
    assert Store(server.db).get_persona(persona.id).version == persona.version
