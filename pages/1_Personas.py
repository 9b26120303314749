"""Personas: the ideal customers of the workspace, as cards to create, edit, copy and delete."""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from journey import editing, ui
from journey.model import MAX_NAME, MAX_TEXT, PERSONA_FIELDS, JourneyError, Persona

PAGE = ui.page_setup(__file__)
db = ui.store()
ui.sidebar(db)
workspace_id = st.session_state.get("workspace_id")
if workspace_id is None:
    st.info("No workspace yet: create one on the Home page (New workspace).")
    st.stop()
personas = db.personas(workspace_id)
channels = editing.channel_options(p.channels for p in personas)

ui.page_title(PAGE)
st.caption(
    f"{ui.literal(db.get_workspace(workspace_id).name)} · the ideal customers your "
    "journeys are drawn for: who they are, what they want, where they look."
)


def persona_fields(prefix: str, p: Persona) -> tuple[dict, DeltaGenerator]:
    """The persona's fields as widgets keyed ``prefix + field``; the values and a slot for
    a message about the name (the one field a person can leave invalid)."""
    values = {"name": st.text_input("Name *", p.name, max_chars=MAX_NAME, key=f"{prefix}name")}
    name_slot = st.container()
    values["role"] = st.text_input("Role", p.role, max_chars=MAX_NAME, key=f"{prefix}role")
    values["age_range"] = st.text_input(
        "Age range",
        p.age_range,
        max_chars=MAX_NAME,
        placeholder="e.g. 30-39",
        key=f"{prefix}age_range",
    )
    for field in ("goals", "motivations", "pain_points"):
        values[field] = st.text_area(
            editing.FIELD_LABELS[field],
            getattr(p, field),
            max_chars=MAX_TEXT,
            key=f"{prefix}{field}",
        )
    values["channels"] = editing.clean_channels(
        st.multiselect(
            "Preferred channels",
            channels,
            default=editing.clean_channels(p.channels),
            accept_new_options=True,
            key=f"{prefix}channels",
            help="Pick from the list or type a new channel.",
        )
    )
    values["quote"] = st.text_area("Quote", p.quote, max_chars=MAX_TEXT, key=f"{prefix}quote")
    values["notes"] = st.text_area("Notes", p.notes, max_chars=MAX_TEXT, key=f"{prefix}notes")
    return values, name_slot


def persona_card(p: Persona) -> None:
    """A persona as read-only text; every piece of user text goes through ui.literal."""
    st.subheader(ui.literal(p.name))
    byline = [p.role, f"age {p.age_range}" if p.age_range else ""]
    st.caption(ui.literal(" · ".join(part for part in byline if part)))
    if p.quote:
        st.markdown(f"> {ui.literal(p.quote)}")
    for field in ("goals", "motivations", "pain_points"):
        if text := getattr(p, field):
            st.markdown(f"**{editing.FIELD_LABELS[field]}**  \n{ui.literal(text)}")
    if p.channels:
        st.markdown("**Preferred channels:** " + " · ".join(ui.literal(c) for c in p.channels))
    if p.notes:
        st.caption(ui.literal(p.notes))


def edit_persona(p: Persona) -> None:
    """The edit form of one persona (merged with saves made meanwhile), drawn once its
    expander was opened (twenty forms of nine fields made the page slow), then kept so that
    what was typed survives closing it; duplicate, delete."""
    panel = st.expander("✏️ Edit", key=f"edit_persona_{p.id}", on_change="rerun")
    if ui.drawn_once_opened(panel, f"edit_persona_{p.id}"):
        edit_form(p, panel)
    persona_buttons(p)


def edit_form(p: Persona, panel) -> None:
    edit = ui.Edit.of_row(
        "persona", p.id, f"Persona {p.name!r}", db.update_persona, FIELDS, done=f"Saved {p.name}."
    )
    prefix = edit.prefix
    ui.open_edit(
        edit,
        p.version,
        {**{f: getattr(p, f) for f in FIELDS}, "channels": editing.clean_channels(p.channels)},
    )
    with panel, st.form(f"{prefix}form", border=False):
        values, edit.slots["name"] = persona_fields(prefix, p)
        saved = st.form_submit_button("Save persona", type="primary", key=f"{prefix}save")
    ui.submit_edit(edit, saved, values)


def persona_buttons(p: Persona) -> None:
    left, right = st.columns(2)
    try:
        if left.button(
            "Duplicate",
            key=f"duplicate_persona_{p.id}",
            width="stretch",
            icon=":material/content_copy:",
        ):
            ui.notify(f"Added {db.duplicate_persona(p.id).name}.")
            st.rerun()
        if right.button("🗑️ Delete", key=f"delete_persona_{p.id}", width="stretch"):
            snapshot_id = db.delete_persona(p.id)
            st.session_state["persona_undo"] = {"snapshot_id": snapshot_id, "name": p.name}
            ui.notify(f"Deleted {p.name}: undo it in the sidebar.")
            st.rerun()
    except JourneyError as e:
        ui.show_error(e)


def undo_delete() -> str:
    undo = st.session_state.pop("persona_undo")
    db.restore_snapshot(undo["snapshot_id"])
    return f"Restored {undo['name']}."


def save_as_new(typed: dict) -> str:
    created = db.create_persona(
        workspace_id,
        Persona(**{**typed, "channels": editing.clean_channels(typed.get("channels") or [])}),
    )
    return f"Saved {created.name} as a new persona."


FIELDS = PERSONA_FIELDS
editor = ui.can_edit()  # asked once: it looks up the role and the database
if editor and (undo := st.session_state.get("persona_undo")):
    ui.undo_in_sidebar(
        "persona_undo_button", f"Deleted {undo['name']}. A snapshot was saved first.", undo_delete
    )
if editor:
    ui.lost_edits("persona", {p.id for p in personas}, save_as_new)

if editor:  # the form is drawn once its panel was opened: see ui.drawn_once_opened
    new = st.expander(
        "➕ New persona", expanded=not personas, key="new_persona_open", on_change="rerun"
    )
    if ui.drawn_once_opened(new, "new_persona_open"):
        with new, st.form("new_persona_form", border=False):
            values, name_slot = persona_fields(ui.form_prefix("new_persona_"), Persona(name=""))
            created = st.form_submit_button(
                "Create persona", type="primary", key="new_persona_save"
            )
        if created:
            ui.create_once(
                "new_persona_",
                values,
                lambda: f"Created {db.create_persona(workspace_id, Persona(**values)).name}.",
                slots={"name": name_slot},
            )

if not personas:
    st.info("This workspace has no persona yet." + (" Create one above." if editor else ""))
columns = st.columns(2)
for i, persona in enumerate(personas):
    with columns[i % 2], st.container(border=True):
        persona_card(persona)
        if editor:
            ui.link("app.py", "Start a journey", ":material/add_road:", persona=persona.id)
            edit_persona(persona)
