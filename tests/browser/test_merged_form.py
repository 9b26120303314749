"""After a merged save the edit form shows the merged values in a real browser: a browser
keeps what was typed in a widget whose key stays, so the form is drawn under fresh keys."""

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
