"""Stages: the five stages of the chosen journey, one tab each, filled in through a form."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from journey import editing, formatting, ui
from journey.model import (
    DURATION_UNITS,
    MAX_NAME,
    MAX_TEXT,
    JourneyError,
    Stage,
    best_unit,
    is_buyer_stage,
    stage_label,
)

PAGE = ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id

ui.page_title(PAGE)
st.caption(
    f"{ui.literal(journey.name)} · 🛒 buyer journey: awareness, consideration, decision "
    "(up to the purchase) · 🤝 after purchase: retention, advocacy"
)
if ui.can_edit():
    ui.lost_edits("stage", {s.id for s in journey.stages})

TEXTS = ("customer_goal", "thoughts", "customer_actions", "business_actions")
TOUCHPOINT_COLUMNS = {
    "channel": st.column_config.TextColumn("Channel", required=True, max_chars=MAX_NAME),
    "description": st.column_config.TextColumn("Description", max_chars=MAX_TEXT),
}


def show_stage(s: Stage) -> None:
    """A stage as read-only text for presentation mode."""
    st.subheader(ui.literal(s.label or stage_label(s.stage)))
    left, right = st.columns(2)
    for i, field in enumerate(TEXTS):
        if text := getattr(s, field):
            (left if i % 2 == 0 else right).markdown(
                f"**{editing.FIELD_LABELS[field]}**  \n{ui.literal(text)}"
            )
    value, unit = best_unit(s.duration_days)
    a, b, c = st.columns(3)
    a.metric("Emotion", editing.EMOTIONS[s.emotion])
    b.metric("Typical duration", f"{value:g} {unit}")
    if editing.has_conversion(s.stage):
        percent = editing.conversion_percent(s.conversion)
        c.metric("Conversion to the next stage", "—" if percent is None else f"{percent:g} %")
    if s.touchpoints:
        st.table(
            [
                {"Channel": ui.literal(t.channel), "Description": ui.literal(t.description)}
                for t in s.touchpoints
            ],
            hide_index=True,
        )


def edit_stage(s: Stage) -> None:
    """The stage's form: saved against the version this session started editing from."""
    edit = ui.Edit.of_row(
        "stage",
        s.id,
        f"The {stage_label(s.stage)} stage",
        db.update_stage,
        ("label", *TEXTS, "emotion", "duration", "unit"),
        done=f"Saved the {stage_label(s.stage)} stage.",
    )
    prefix = edit.prefix
    ui.open_edit(edit, s.version, editing.stage_values(s))
    value, unit = best_unit(s.duration_days)
    with st.form(f"{prefix}form"):
        label = st.text_input(
            "Label",
            s.label,
            max_chars=MAX_NAME,
            key=f"{prefix}label",
            placeholder=stage_label(s.stage),
        )
        left, right = st.columns(2)
        texts = {
            field: (left if i % 2 == 0 else right).text_area(
                editing.FIELD_LABELS[field],
                getattr(s, field),
                max_chars=MAX_TEXT,
                key=f"{prefix}{field}",
            )
            for i, field in enumerate(TEXTS)
        }
        st.markdown("**Touchpoints and channels**: where the customer meets you at this stage")
        touchpoints = st.data_editor(
            pd.DataFrame(editing.touchpoint_rows(s), columns=list(TOUCHPOINT_COLUMNS)),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config=TOUCHPOINT_COLUMNS,
            key=f"{prefix}touchpoints",
        )
        edit.slots["touchpoints"] = st.container()
        a, b, c, d = st.columns([3, 2, 2, 3])
        emotion = a.select_slider(
            "Emotion",
            list(editing.EMOTIONS),
            s.emotion,
            format_func=editing.EMOTIONS.get,
            key=f"{prefix}emotion",
        )
        duration = b.number_input(
            "Typical duration",
            min_value=0.0,
            value=float(value),
            step=1.0,
            format=formatting.INPUT_FORMAT,
            key=f"{prefix}duration",
        )
        duration_unit = c.selectbox(
            "Unit", list(DURATION_UNITS), list(DURATION_UNITS).index(unit), key=f"{prefix}unit"
        )
        conversion = (
            d.number_input(
                "Conversion to the next stage (%)",
                min_value=0.0,
                max_value=100.0,
                step=1.0,
                format=formatting.INPUT_FORMAT,
                value=editing.conversion_percent(s.conversion),
                key=f"{prefix}conversion",
                help="The share of customers who go on to the next stage. Leave empty if unknown.",
            )
            if editing.has_conversion(s.stage)
            else None
        )
        saved = st.form_submit_button(
            f"Save {stage_label(s.stage)}", type="primary", key=f"{prefix}save"
        )
    opened = ui.edit_base(edit)  # an untouched number keeps the value the form opened with
    try:
        mine = editing.stage_changes(
            replace(s, duration_days=opened["duration_days"], conversion=opened.get("conversion")),
            label=label,
            **texts,
            emotion=emotion,
            duration_value=duration,
            duration_unit=duration_unit,
            conversion=conversion,
            touchpoints=touchpoints.to_dict("records"),
        )
    except JourneyError as e:  # an unknown unit
        ui.show_error(e)
        return
    ui.submit_edit(edit, saved, mine)


# The open stage is kept in the link (?stage_tab=Decision), so a reload keeps it.
# A tab is drawn once opened (switching tabs reruns the page): see ui.drawn_once_opened.
labels = [stage_label(s.stage) for s in journey.stages]
tabs = ui.linked_tabs(labels, key="stage_tab")
for stage, tab, label in zip(journey.stages, tabs, labels, strict=True):
    if not ui.drawn_once_opened(tab, f"stage_tab {label}"):
        continue
    with tab:
        st.badge(
            editing.journey_part(stage.stage),
            color="blue" if is_buyer_stage(stage.stage) else "green",
        )
        if ui.can_edit():
            edit_stage(stage)
        else:
            show_stage(stage)
        ui.comments_panel(db, "stage", stage.id, stage.comments, key=f"stage_{stage.id}_comments")
