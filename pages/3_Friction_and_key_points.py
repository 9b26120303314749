"""Friction and key points: where customers struggle, where you can win them, and what to do."""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from journey import editing, ui
from journey.model import (
    MAX_NAME,
    MAX_TEXT,
    MOMENT_KIND_LABELS,
    MOMENT_KINDS,
    MOMENT_STATUSES,
    STAGES,
    ConflictError,
    JourneyError,
    Moment,
    ValidationError,
    stage_label,
)

ui.page_setup("Friction and key points", "⚡")
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id
channels = editing.channel_options([[t.channel for s in journey.stages for t in s.touchpoints],
                                    [m.channel for m in journey.moments]])

st.title("Friction and key points")
st.caption(f"{ui.literal(journey.name)} · ⚠️ friction: where customers struggle, and how we "
           "address it · ⭐ key point: where we can win them, and how we use it")
if flash := st.session_state.pop("moments_flash", None):
    st.toast(flash, icon="✅")
if ui.can_edit() and (undo := st.session_state.get("moment_undo")):
    st.sidebar.info(f"Deleted {ui.literal(undo.title)}. A snapshot of the journey was saved.")
    if st.sidebar.button("↩️ Undo the delete", key="moment_undo_button", width="stretch"):
        try:  # put the point back on its stage; the rest of the journey stays as it is now
            db.add_moment(undo.stage_id, undo)
        except JourneyError as e:
            with st.sidebar:
                ui.show_error(e)
        else:
            del st.session_state["moment_undo"]
            st.session_state["moments_flash"] = f"Restored {ui.literal(undo.title)}."
            st.rerun()

st.table(editing.moment_counts(journey.stages), hide_index=True)


def moment_fields(prefix: str, m: Moment) -> tuple[dict, DeltaGenerator]:
    """The fields as widgets keyed prefix + field: the values, and a slot under the title."""
    values = {"stage": st.selectbox("Stage", STAGES, STAGES.index(m.stage or STAGES[0]),
                                    format_func=stage_label, key=f"{prefix}stage")}
    values["title"] = st.text_input("Title *", m.title, max_chars=MAX_NAME, key=f"{prefix}title")
    title_slot = st.container()
    values["description"] = st.text_area("Description", m.description, max_chars=MAX_TEXT,
                                         key=f"{prefix}description")
    values["action"] = st.text_area(editing.action_label(m.kind), m.action, max_chars=MAX_TEXT,
                                    key=f"{prefix}action")
    left, middle, right = st.columns(3)
    values["severity"] = left.slider(f"{editing.severity_label(m.kind)} (1 to 5)", 1, 5,
                                     m.severity, key=f"{prefix}severity")
    values["channel"] = middle.selectbox(
        "Channel", channels, channels.index(m.channel) if m.channel in channels else None,
        accept_new_options=True, placeholder="Pick or type", key=f"{prefix}channel") or ""
    values["status"] = right.selectbox("Status", MOMENT_STATUSES,
                                       MOMENT_STATUSES.index(m.status), key=f"{prefix}status")
    values["owner"] = st.text_input("Owner", m.owner, max_chars=MAX_NAME, key=f"{prefix}owner")
    return values, title_slot


def edit_moment(m: Moment) -> None:
    """The edit form of one moment (versioned), and its delete button."""
    prefix = f"moment_{m.id}_"
    if f"{prefix}title" not in st.session_state:  # a fresh form shows the latest values
        ui.forget_edit("moment", m.id)
    version = ui.base_version("moment", m.id, m.version)
    edit, delete = st.columns([6, 1])
    with (edit.expander("✏️ Edit", key=f"edit_moment_{m.id}"),
          st.form(f"{prefix}form", border=False)):
        kind = st.segmented_control("Kind", MOMENT_KINDS, default=m.kind, required=True,
                                    format_func=MOMENT_KIND_LABELS.get, key=f"{prefix}kind")
        values, title_slot = moment_fields(prefix, m)
        saved = st.form_submit_button("Save", type="primary", key=f"{prefix}save")
    if saved:
        try:
            stage_id = journey.stage(values.pop("stage")).id
            db.update_moment(m.id, version, kind=kind, stage_id=stage_id, **values)
        except ConflictError as e:
            st.session_state[f"{prefix}conflict"] = e
        except ValidationError as e:
            (title_slot if editing.field_of(e) == "title" else st).error(
                editing.error_message(e))
        except JourneyError as e:
            ui.show_error(e)
        else:
            ui.forget_edit("moment", m.id, prefix)
            st.session_state["moments_flash"] = f"Saved {ui.literal(values['title'])}."
            st.rerun()
    if conflict := st.session_state.get(f"{prefix}conflict"):
        ui.show_error(conflict)
        ui.conflict_choices("moment", m.id, conflict.current.get("version"), prefix,
                            f"{prefix}conflict")
    if delete.button("🗑️ Delete", key=f"delete_moment_{m.id}", width="stretch"):
        try:
            db.delete_moment(m.id)  # saves a snapshot of the journey first
        except JourneyError as e:
            ui.show_error(e)
        else:
            st.session_state["moment_undo"] = m
            flash = f"Deleted {ui.literal(m.title)}: undo it in the sidebar."
            st.session_state["moments_flash"] = flash
            st.rerun()


if ui.can_edit():
    with st.expander("➕ Add a friction point or key point"):
        new_kind = st.segmented_control("Kind", MOMENT_KINDS, default="friction", required=True,
                                        format_func=MOMENT_KIND_LABELS.get, key="add_kind")
        with st.form("new_moment_form", border=False):
            values, title_slot = moment_fields("new_moment_", Moment(kind=new_kind, title=""))
            added = st.form_submit_button("Add", type="primary", key="new_moment_save")
        if added:
            try:
                db.add_moment(journey.stage(values["stage"]).id, editing.moment_from(
                    {**values, "kind": new_kind}))
            except ValidationError as e:
                (title_slot if editing.field_of(e) == "title" else st).error(
                    editing.error_message(e))
            except JourneyError as e:
                ui.show_error(e)
            else:
                for field in ("title", "description", "action", "channel", "owner"):
                    st.session_state.pop(f"new_moment_{field}", None)
                st.session_state["moments_flash"] = f"Added {ui.literal(values['title'])}."
                st.rerun()

stages = st.pills("Stage", STAGES, format_func=stage_label, selection_mode="multi",
                  key="filter_stage")  # a row of its own: five pills do not fit beside the rest
middle, right = st.columns(2)
kinds = middle.pills("Kind", MOMENT_KINDS, format_func=MOMENT_KIND_LABELS.get,
                     selection_mode="multi", key="filter_kind")
statuses = right.pills("Status", MOMENT_STATUSES, selection_mode="multi", key="filter_status")
shown = editing.filter_moments(journey.moments, stages=stages, kinds=kinds, statuses=statuses)
st.caption(f"Showing {len(shown)} of {len(journey.moments)} (a filter left empty shows all)")
for moment in shown:
    with st.container(border=True):
        st.markdown(f"### {editing.ICONS[moment.kind]} {ui.literal(moment.title)}")
        st.caption(" · ".join(ui.literal(fact) for fact in editing.moment_facts(moment)))
        if moment.description:
            st.markdown(ui.literal(moment.description))
        if moment.action:
            st.markdown(f"**{editing.action_label(moment.kind)}:** {ui.literal(moment.action)}")
        if ui.can_edit():
            edit_moment(moment)
