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
    JourneyError,
    Moment,
    stage_label,
)

PAGE = ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id
channels = editing.channel_options(
    [
        [t.channel for s in journey.stages for t in s.touchpoints],
        [m.channel for m in journey.moments],
    ]
)
stage_names = {s.id: stage_label(s.stage) for s in journey.stages}

ui.page_title(PAGE)
st.caption(
    f"{ui.literal(journey.name)} · ⚠️ friction: where customers struggle, and how we "
    "address it · ⭐ key point: where we can win them, and how we use it"
)


def undo_delete() -> str:
    undo = st.session_state.pop("moment_undo")
    db.add_moment(undo.stage_id, undo)  # back on its stage; the rest stays as it is now
    return f"Restored {undo.title}."


def save_as_new(typed: dict) -> str:
    values = {
        **typed,
        "stage": typed.get("stage") or STAGES[0],
        "channel": typed.get("channel") or "",
    }
    moment = db.add_moment(journey.stage(values["stage"]).id, editing.moment_from(values))
    return f"Saved {moment.title} as a new point."


if ui.can_edit() and (undo := st.session_state.get("moment_undo")):
    ui.undo_in_sidebar(
        "moment_undo_button",
        f"Deleted {undo.title}. A snapshot of the journey was saved.",
        undo_delete,
    )

st.table(editing.moment_counts(journey.stages), hide_index=True)


def moment_fields(prefix: str, m: Moment) -> tuple[dict, DeltaGenerator]:
    """The fields as widgets keyed prefix + field: the values, and a slot under the title."""
    values = {
        "stage": st.selectbox(
            "Stage",
            STAGES,
            STAGES.index(m.stage or STAGES[0]),
            format_func=stage_label,
            key=f"{prefix}stage",
        )
    }
    values["title"] = st.text_input("Title *", m.title, max_chars=MAX_NAME, key=f"{prefix}title")
    title_slot = st.container()
    values["description"] = st.text_area(
        "Description", m.description, max_chars=MAX_TEXT, key=f"{prefix}description"
    )
    values["action"] = st.text_area(
        editing.action_label(m.kind), m.action, max_chars=MAX_TEXT, key=f"{prefix}action"
    )
    left, middle, right = st.columns(3)
    values["severity"] = left.slider(
        f"{editing.severity_label(m.kind)} (1 to 5)", 1, 5, m.severity, key=f"{prefix}severity"
    )
    values["channel"] = (
        middle.selectbox(
            "Channel",
            channels,
            channels.index(m.channel) if m.channel in channels else None,
            accept_new_options=True,
            placeholder="Pick or type",
            key=f"{prefix}channel",
        )
        or ""
    )
    values["status"] = right.selectbox(
        "Status", MOMENT_STATUSES, MOMENT_STATUSES.index(m.status), key=f"{prefix}status"
    )
    values["owner"] = st.text_input("Owner", m.owner, max_chars=MAX_NAME, key=f"{prefix}owner")
    return values, title_slot


FIELDS = (
    "kind",
    "stage",
    "title",
    "description",
    "action",
    "severity",
    "channel",
    "status",
    "owner",
)


def edit_moment(m: Moment) -> None:
    """The edit form of one moment (merged with saves made meanwhile), drawn only while its
    expander is open (a long list stays light), and its delete button."""
    edit_column, delete = st.columns([6, 1])
    expander = edit_column.expander("✏️ Edit", key=f"edit_moment_{m.id}", on_change="rerun")
    if expander.open:
        edit = ui.Edit.of_row(
            "moment",
            m.id,
            f"The {MOMENT_KIND_LABELS[m.kind].lower()} {m.title!r}",
            db.update_moment,
            FIELDS,
            done=f"Saved {m.title}.",
            shown={"stage_id": lambda i: stage_names.get(i, "(another journey)")},
        )
        prefix = edit.prefix
        ui.open_edit(edit, m.version, editing.moment_values(m))
        with expander, st.form(f"{prefix}form", border=False):
            kind = st.segmented_control(
                "Kind",
                MOMENT_KINDS,
                default=m.kind,
                required=True,
                format_func=MOMENT_KIND_LABELS.get,
                key=f"{prefix}kind",
            )
            values, edit.slots["title"] = moment_fields(prefix, m)
            saved = st.form_submit_button("Save", type="primary", key=f"{prefix}save")
        stage_id = journey.stage(values.pop("stage")).id
        with expander:
            ui.submit_edit(edit, saved, {"kind": kind, **values, "stage_id": stage_id})
    if delete.button("🗑️ Delete", key=f"delete_moment_{m.id}", width="stretch"):
        try:
            db.delete_moment(m.id)  # saves a snapshot of the journey first
        except JourneyError as e:
            ui.show_error(e)
        else:
            st.session_state["moment_undo"] = m
            ui.notify(f"Deleted {m.title}: undo it in the sidebar.")
            st.rerun()


def forget_action() -> None:
    """Switching the kind starts its action afresh (a friction's answer is no key point's),
    keeping the rest of what was typed."""
    typed = ("new_moment_title", "new_moment_description", "new_moment_stage")
    ui.renew_form("new_moment_", keep=typed)


if ui.can_edit():
    with st.expander("➕ Add a friction point or key point", key="add_moment", on_change="rerun"):
        new_kind = st.segmented_control(
            "Kind",
            MOMENT_KINDS,
            default="friction",
            required=True,
            format_func=MOMENT_KIND_LABELS.get,
            key="add_kind",
            on_change=forget_action,
        )
        with st.form("new_moment_form", border=False):
            values, title_slot = moment_fields(
                ui.form_prefix("new_moment_"), Moment(kind=new_kind, title="")
            )
            added = st.form_submit_button("Add", type="primary", key="new_moment_save")
        if added:
            ui.create_once(
                "new_moment_",
                {**values, "kind": new_kind},
                lambda: (
                    "Added "
                    + db.add_moment(
                        journey.stage(values["stage"]).id,
                        editing.moment_from({**values, "kind": new_kind}),
                    ).title
                    + "."
                ),
                slots={"title": title_slot},
                keep=("new_moment_stage",),
            )

stages = st.pills(
    "Stage", STAGES, format_func=stage_label, selection_mode="multi", key="filter_stage"
)  # a row of its own: five pills do not fit beside the rest
middle, right = st.columns(2)
kinds = middle.pills(
    "Kind",
    MOMENT_KINDS,
    format_func=MOMENT_KIND_LABELS.get,
    selection_mode="multi",
    key="filter_kind",
)
statuses = right.pills("Status", MOMENT_STATUSES, selection_mode="multi", key="filter_status")
matching = editing.filter_moments(journey.moments, stages=stages, kinds=kinds, statuses=statuses)
page = st.session_state.get("moments_page", 1)
shown, pages = editing.page_of(matching, page)
st.caption(
    f"Showing {len(matching)} of {len(journey.moments)} (a filter left empty shows all)"
    + (f" · {editing.PAGE_SIZE} per page" if pages > 1 else "")
)
if ui.can_edit():
    ui.lost_edits("moment", {m.id for m in shown}, save_as_new)
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
        ui.comments_panel(
            db, "moment", moment.id, moment.comments, key=f"moment_{moment.id}_comments"
        )
if pages > 1:
    st.number_input(
        f"Page (of {pages})", 1, pages, min(max(1, page), pages), step=1, key="moments_page"
    )
