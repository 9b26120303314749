"""The edit protocol's description of a row's form (``ui.Edit.of_row``)."""

from journey import ui


def test_a_rows_form_is_keyed_by_its_prefix_and_saves_through_the_update_it_was_given():
    saved = []

    def update(row_id, version, **changes):
        saved.append((row_id, version, changes))

    edit = ui.Edit.of_row("persona", 7, "Persona 'Ada'", update, ("name", "role"), done="Saved.")
    assert (edit.kind, edit.row_id, edit.what, edit.done) == (
        "persona",
        7,
        "Persona 'Ada'",
        "Saved.",
    )
    assert edit.prefix == ui.edit_prefix("persona", 7) == "persona_7_"
    assert edit.keys == ("persona_7_name", "persona_7_role")
    edit.save(3, {"role": "Teacher"})
    assert saved == [(7, 3, {"role": "Teacher"})]
