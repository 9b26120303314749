"""Observed timeframes: how long journeys really take in an event log, beside the map."""

import tempfile

import pandas as pd
import streamlit as st

from journey import event_charts, event_mapping, events, observed, ui
from journey.model import JourneyError

PAGE = ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id
datasets = {d.id: d for d in db.event_datasets(journey_id)}  # newest first
MAPPING_COLUMNS = {
    "event": st.column_config.TextColumn("Event", disabled=True),
    "count": st.column_config.NumberColumn("Rows", disabled=True, format="localized"),
    "stage": st.column_config.SelectboxColumn(
        "Stage",
        options=event_mapping.STAGE_OPTIONS,
        format_func=event_mapping.option_label,
        required=True,
    ),
    "purchase": st.column_config.CheckboxColumn(
        "Purchase", help="Tick the events that are a purchase (map them to Decision)."
    ),
}
ROLES = {
    "customer": "Customer id",
    "timestamp": "Timestamp",
    "event": "Event name",
    "value": "Value (optional)",
    "segment": "Segment (optional)",
}


def cards(column_cards) -> None:
    for column, (label, text, help_) in zip(st.columns(4), column_cards, strict=True):
        column.metric(label, text, help=help_, border=True)


def mapping_editor(rows: list[dict], key: str) -> events.Mapping:
    """The event names as a table: a stage (or ignore) and a purchase tick for each."""
    edited = st.data_editor(
        pd.DataFrame(rows, columns=list(MAPPING_COLUMNS)),
        key=key,
        column_config=MAPPING_COLUMNS,
        hide_index=True,
        width="stretch",
    )
    return event_mapping.mapping_from_rows(edited)


def reading_options() -> events.ReadOptions:
    """How to read the file, when the reading stated under it is not right."""
    typed = {
        field: column.text_input(label, key=f"events_{field}", placeholder=placeholder, help=help_)
        for column, (field, label, placeholder, help_) in zip(
            st.columns(3), event_mapping.READING_INPUTS, strict=True
        )
    }
    return events.ReadOptions(**{field: text or None for field, text in typed.items()})


def import_form(path, name: str, file_id: str, options: events.ReadOptions) -> None:
    """Columns and mapping (both guessed, both editable), confirmation and the Import button."""
    info = events.inspect(path, options=options)
    guess, names = info["guess"], [c["name"] for c in info["columns"]]
    st.caption(
        f"{info['rows']:,} rows · read as {ui.literal(info['file_reading'])} · "
        f"columns: {ui.literal(', '.join(names))}"
    )
    chosen = {}
    for column, (role, label) in zip(st.columns(5), ROLES.items(), strict=True):
        options_ = [None, *names] if "optional" in label else names
        chosen[role] = column.selectbox(
            label,
            options_,
            options_.index(getattr(guess, role)),
            format_func=lambda n: "— none —" if n is None else n,
            key=f"events_col_{role}",
        )
    columns = events.ColumnChoice(**chosen, insert_id=guess.insert_id)
    timestamps = (
        info["timestamp_reading"]
        if columns.timestamp == guess.timestamp
        else events.describe_timestamps(path, columns.timestamp, options)
    )
    st.caption(
        ui.literal(" · ".join(filter(None, [timestamps, event_mapping.candidates_text(info)])))
    )
    counts = (
        info["event_names"]
        if columns.event == guess.event
        else events.event_counts(path, columns, options=options)
    )
    if info["distinct_events"] > len(counts):
        st.caption(
            f"The table lists the {len(counts):,} most frequent of "
            f"{info['distinct_events']:,} event names; find any other to map it."
        )
        if found := st.text_input("Find an event name", key="events_search"):
            matches = events.event_counts(path, columns, 50, search=found, options=options)
            st.caption(ui.literal(event_mapping.found_text(found, matches, counts)))
            counts = event_mapping.with_found(counts, matches)
    if st.session_state.get("_events_mapping_for") != (file_id, columns.event):
        st.session_state.pop("events_mapping", None)  # new rows: drop edits made to the old
        st.session_state["_events_mapping_for"] = (file_id, columns.event)
    st.markdown(
        "**Map each event to a stage** (or ignore it) and tick the purchase events. "
        "The mapping is guessed from the event names: check it."
    )
    guessed = events.guess_mapping(n for n, _ in counts)
    mapping = mapping_editor(event_mapping.mapping_rows(counts, guessed), "events_mapping")
    confirmed = st.checkbox("I have checked this mapping", key="events_confirm")
    if st.button("Import", key="events_import", type="primary", disabled=not confirmed):
        dataset_id = observed.import_events(
            db,
            journey_id,
            path,
            columns,
            mapping,
            name=name,
            event_names=counts,
            progress=ui.progress_bar(),
            options=options,
        )
        stored = db.get_event_dataset(dataset_id)
        st.session_state.pop("events_dataset", None)  # show the newest: the one just imported
        ui.flash(
            f"Imported {ui.literal(name)}: {stored.total_rows:,} rows, "
            f"{stored.customers:,} customers."
        )
        st.rerun()


def quality_panel(figures: dict) -> None:
    """How the file was read and what was left out (the data-quality report)."""
    quality = figures.get("quality") or {}
    if quality.get("mapping_guessed"):
        st.warning(
            "Mapping guessed, not confirmed: these figures use the mapping guessed from "
            "the event names. Check it below and press Recompute to confirm it."
        )
    with st.expander("🧪 Data quality: how the file was read, what was left out"):
        for line in events.quality_lines(quality) or ["Imported before quality reports."]:
            st.text(line)


def timeframes_tab(figures: dict) -> None:
    for side, side_cards in event_charts.stat_cards(figures).items():
        name, definition, _ = event_charts.SIDES[side]
        st.markdown(f"**{name}** · {definition}")
        cards(side_cards)
    ui.chart(ui.cached_chart(event_charts.timeframe_histograms, figures), "observed_timeframes")


def funnel_tab(figures: dict) -> None:
    ui.chart(ui.cached_chart(event_charts.observed_funnel_chart, figures), "observed_funnel")
    ui.chart(ui.cached_chart(event_charts.stage_gap_chart, figures), "stage_gaps")
    st.caption(event_charts.EXPLAIN["funnel"])


def segments_tab(figures: dict) -> None:
    if segment := datasets[dataset_id].columns.get("segment"):
        st.caption(f"Segment column: {ui.literal(segment)}")
    ui.chart(ui.cached_chart(event_charts.segment_chart, figures), "segments")
    ui.chart(ui.cached_chart(event_charts.monthly_trend_chart, figures), "months")


def compare_tab(figures: dict) -> None:
    ui.chart(
        ui.cached_chart(event_charts.estimate_comparison_chart, figures), "estimated_vs_observed"
    )
    days = st.column_config.NumberColumn(format="%.1f")
    st.dataframe(
        event_charts.comparison_rows(figures),
        hide_index=True,
        key="events_comparison",
        column_config={
            "estimated (days)": days,
            "observed (days)": days,
            "observed ÷ estimated": st.column_config.NumberColumn(format="%.2f×"),
        },
    )
    st.caption(event_charts.EXPLAIN["comparison"])


ui.page_title(PAGE)
st.caption(ui.literal(journey.name) + ": how long journeys really take, from an event log")
if st.session_state.get("events_dataset") not in datasets:  # deleted, or another journey's
    st.session_state.pop("events_dataset", None)
dataset_id = None
if datasets:
    dataset_id = st.selectbox(
        "Event log",
        list(datasets),
        key="events_dataset",
        format_func=lambda i: (
            f"{datasets[i].name} · {datasets[i].total_rows:,} rows · "
            f"imported {datasets[i].created_at[:16].replace('T', ' ')}"
        ),
    )
    figures = observed.figures(db, dataset_id, journey)
    cards(event_charts.overview_cards(figures))
    quality_panel(figures)
    tabs = st.tabs(
        [
            "⏱️ Timeframes",
            "🔻 Funnel and stages",
            "🧩 Segments and months",
            "⚖️ Estimated vs observed",
        ],
        key="events_tab",
        on_change="rerun",
    )
    for tab, body in zip(
        tabs, (timeframes_tab, funnel_tab, segments_tab, compare_tab), strict=True
    ):
        if tab.open:  # only the open tab runs: a rerun builds one or two charts, not six
            with tab:
                body(figures)
else:
    st.info("No event log imported for this journey yet.")

if ui.can_edit() and dataset_id is not None:
    stored = datasets[dataset_id]
    with st.expander("🔁 Change the mapping of this event log, or delete it"):
        rows = event_mapping.mapping_rows(
            stored.event_names, observed.mapping_from_dict(stored.mapping)
        )
        mapping = mapping_editor(rows, f"events_remap_mapping_{dataset_id}")
        if st.button("Recompute", key="events_remap", type="primary"):
            try:
                observed.remap(db, dataset_id, mapping, progress=ui.progress_bar())
            except JourneyError as e:
                ui.show_error(e)
            else:
                ui.flash(f"Recomputed {ui.literal(stored.name)} with the new mapping.")
                st.rerun()
        sure = st.checkbox(
            f"Delete {ui.literal(stored.name)} and its {stored.total_rows:,} events",
            key=f"events_delete_confirm_{dataset_id}",
        )
        if st.button("Delete this event log", key="events_delete", disabled=not sure):
            st.session_state["events_undo"] = (db.delete_event_dataset(dataset_id), stored.name)
            ui.notify(f"Deleted {stored.name}: undo it in the sidebar.")
            st.rerun()
if ui.can_edit() and (undo := st.session_state.get("events_undo")):

    def undo_delete() -> str:
        db.restore_event_dataset(st.session_state.pop("events_undo")[0])
        return f"Restored {undo[1]}."

    ui.undo_in_sidebar(
        "events_undo_button", f"Deleted {undo[1]}. It is kept until the next delete.", undo_delete
    )
if ui.can_edit():
    with st.expander("⬆️ Import an event log", expanded=not datasets):
        upload = st.file_uploader(
            "CSV or Parquet event log",
            type=["csv", "parquet", "pq", "gz"],
            key="events_upload",
            help=event_mapping.UPLOAD_HELP,
        )
        if upload is not None:  # a named copy: the engine reads files, errors name the upload
            read_as = reading_options()
            with tempfile.TemporaryDirectory(prefix="journey-upload-") as folder:
                path = event_mapping.upload_path(folder, upload.name)
                path.write_bytes(upload.getbuffer())
                try:
                    import_form(path, upload.name, upload.file_id, read_as)
                except JourneyError as e:
                    ui.show_error(e)
