"""Personas: the ideal customers of the workspace, as cards to create, edit, copy and delete."""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from journey import editing, ui
from journey.model import MAX_NAME, MAX_TEXT, ConflictError, JourneyError, Persona, ValidationError

ui.page_setup("Personas", "🧑")
db = ui.store()
ui.sidebar(db)
workspace_id = st.session_state.get("workspace_id")
if workspace_id is None:
    st.info("No workspace yet: create one from the sidebar.")
    st.stop()
personas = db.personas(workspace_id)
channels = editing.channel_options(p.channels for p in personas)

st.title("Personas")
st.caption(f"{ui.literal(db.get_workspace(workspace_id).name)} · the ideal customers your "
           "journeys are drawn for: who they are, what they want, where they look.")
if flash := st.session_state.pop("personas_flash", None):
    st.toast(flash, icon="✅")


def persona_fields(prefix: str, p: Persona) -> tuple[dict, DeltaGenerator]:
    """The persona's fields as widgets keyed ``prefix + field``; the values and a slot for
    a message about the name (the one field a person can leave invalid)."""
    values = {"name": st.text_input("Name *", p.name, max_chars=MAX_NAME, key=f"{prefix}name")}
    name_slot = st.container()
    values["role"] = st.text_input("Role", p.role, max_chars=MAX_NAME, key=f"{prefix}role")
    values["age_range"] = st.text_input("Age range", p.age_range, max_chars=MAX_NAME,
                                        placeholder="e.g. 30-39", key=f"{prefix}age_range")
    for field in ("goals", "motivations", "pain_points"):
        values[field] = st.text_area(editing.FIELD_LABELS[field], getattr(p, field),
                                     max_chars=MAX_TEXT, key=f"{prefix}{field}")
    values["channels"] = editing.clean_channels(st.multiselect(
        "Preferred channels", channels, default=editing.clean_channels(p.channels),
        accept_new_options=True, key=f"{prefix}channels",
        help="Pick from the list or type a new channel."))
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
    """The edit form of one persona (versioned), with duplicate and delete beside it."""
    prefix = f"persona_{p.id}_"
    if f"{prefix}name" not in st.session_state:  # a fresh form shows the latest values
        ui.forget_edit("persona", p.id)
    version = ui.base_version("persona", p.id, p.version)
    with (st.expander("✏️ Edit", key=f"edit_persona_{p.id}"),
          st.form(f"{prefix}form", border=False)):
        values, name_slot = persona_fields(prefix, p)
        saved = st.form_submit_button("Save persona", type="primary", key=f"{prefix}save")
    if saved:
        try:
            db.update_persona(p.id, version, **values)
        except ConflictError as e:
            st.session_state[f"{prefix}conflict"] = e
        except ValidationError as e:
            (name_slot if editing.field_of(e) == "name" else st).error(editing.error_message(e))
        except JourneyError as e:
            ui.show_error(e)
        else:
            ui.forget_edit("persona", p.id, prefix)
            st.session_state["personas_flash"] = f"Saved {ui.literal(values['name'])}."
            st.rerun()
    if conflict := st.session_state.get(f"{prefix}conflict"):
        ui.show_error(conflict)
        ui.conflict_choices("persona", p.id, conflict.current.get("version"), prefix,
                            f"{prefix}conflict")
    left, right = st.columns(2)
    try:
        if left.button("Duplicate", key=f"duplicate_persona_{p.id}", width="stretch",
                       icon=":material/content_copy:"):
            copy = db.duplicate_persona(p.id)
            st.session_state["personas_flash"] = f"Added {ui.literal(copy.name)}."
            st.rerun()
        if right.button("🗑️ Delete", key=f"delete_persona_{p.id}", width="stretch"):
            snapshot_id = db.delete_persona(p.id)
            st.session_state["persona_undo"] = {"snapshot_id": snapshot_id, "name": p.name}
            flash = f"Deleted {ui.literal(p.name)}: undo it in the sidebar."
            st.session_state["personas_flash"] = flash
            st.rerun()
    except JourneyError as e:
        ui.show_error(e)


if ui.can_edit() and (undo := st.session_state.get("persona_undo")):
    st.sidebar.info(f"Deleted {ui.literal(undo['name'])}. A snapshot was saved first.")
    if st.sidebar.button("↩️ Undo the delete", key="persona_undo_button", width="stretch"):
        try:
            db.restore_snapshot(undo["snapshot_id"])
        except JourneyError as e:
            with st.sidebar:
                ui.show_error(e)
        else:
            del st.session_state["persona_undo"]
            st.session_state["personas_flash"] = f"Restored {ui.literal(undo['name'])}."
            st.rerun()

if ui.can_edit():
    with st.expander("➕ New persona", expanded=not personas):
        with st.form("new_persona_form", border=False):
            values, name_slot = persona_fields("new_persona_", Persona(name=""))
            created = st.form_submit_button("Create persona", type="primary",
                                            key="new_persona_save")
        if created:
            try:
                db.create_persona(workspace_id, Persona(**values))
            except ValidationError as e:
                (name_slot if editing.field_of(e) == "name" else st).error(
                    editing.error_message(e))
            except JourneyError as e:
                ui.show_error(e)
            else:
                for key in [k for k in st.session_state if str(k).startswith("new_persona_")]:
                    del st.session_state[key]
                st.session_state["personas_flash"] = f"Created {ui.literal(values['name'])}."
                st.rerun()

if not personas:
    st.info("This workspace has no persona yet." + (" Create one above." if ui.can_edit()
                                                    else ""))
columns = st.columns(2)
for i, persona in enumerate(personas):
    with columns[i % 2], st.container(border=True):
        persona_card(persona)
        if ui.can_edit():
            ui.link("app.py", "Start a journey", ":material/add_road:", persona=persona.id)
            edit_persona(persona)
