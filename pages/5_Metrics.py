"""Metrics: buyer against customer timeframes, the KPI board by side, and the funnel."""

import streamlit as st

from journey import charts, formatting, formulas, kpis, ui
from journey.model import STAGES, JourneyError, value_field

PAGE = ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id
levers = formulas.levers_from_journey(journey)
durations = formulas.stage_days(journey)
INFO = formulas.OUTPUT_INFO


def show(chart, name: str) -> None:
    ui.chart(chart, name, key=name)


def timeframes() -> None:
    outcome = formulas.whatif(levers).as_dict()
    for column, name in zip(
        st.columns(3),
        ("buyer_timeframe_days", "customer_timeframe_days", "timeframe_ratio"),
        strict=True,
    ):
        column.metric(
            INFO[name].label,
            formulas.format_output(name, outcome[name], compact=True),
            help=formulas.output_help(name, outcome[name]),
            border=True,
        )
    show(ui.cached_chart(charts.timeframe_chart, durations), "timeframes")
    show(ui.cached_chart(charts.timeline_chart, durations), "timeline")
    st.caption(
        "How is this computed: each stage's typical duration comes from the Stages "
        f"page. {INFO['buyer_timeframe_days'].explain} "
        f"{INFO['customer_timeframe_days'].explain}"
    )


def across_the_workspace() -> None:
    by = st.segmented_control(
        "Compare by",
        ["journey", "persona"],
        default="journey",
        required=True,
        key="timeframes_by",
        format_func={"journey": "Journey", "persona": "Persona"}.get,
    )
    summaries = db.journeys(journey.workspace_id)
    durations = db.stage_durations(journey.workspace_id)
    rows = kpis.timeframe_rows(summaries, durations, by=by)
    chart = ui.cached_chart(
        charts.timeframe_comparison_chart, rows, highlight=journey_id, text_px=ui.chart_text_px()
    )
    show(chart, f"timeframes_by_{by}")
    ui.short_table(kpis.timeframe_table(rows))
    st.caption(
        "How is this computed: for every journey of the workspace, buyer journey = "
        "awareness + consideration + decision durations, customer journey = all five, "
        "ratio = customer ÷ buyer; by persona, the mean of its journeys' timeframes and "
        "the ratio of those means."
    )


def store_values(pairs) -> None:
    """Add checked KPI values in ONE transaction (a standard KPI is added when missing)."""
    added = db.add_metric_values_by_key(journey_id, pairs, kpis.new_metric)
    ui.notify(f"Added {added} value(s).")
    st.rerun()


def target_edit(row: kpis.KpiRow) -> ui.Edit:
    """The target form's edit of one tracked KPI (versioned, merged like every form)."""
    return ui.Edit(
        "metric",
        row.metric_id,
        f"The target of {row.label}",
        "kpi_target_",
        lambda version, changes: db.update_metric(row.metric_id, version, **changes),
        keys=("kpi_target_value",),
        done=f"Target of {row.label} saved.",
        shown={"target": lambda v: kpis.format_value(v, row.unit)},
    )


def value_edit(row: kpis.KpiRow, date: str) -> ui.Edit:
    """The correction form's edit of one dated value (versioned, merged, undoable)."""
    return ui.Edit(
        "metric",
        row.metric_id,
        f"The value of {row.label} on {date}",
        "kpi_fix_",
        lambda version, changes: db.update_metric(
            row.metric_id, version, **{k: kpis.correction(row.key, v) for k, v in changes.items()}
        ),
        keys=(f"kpi_fix_value_{row.metric_id}_{date}",),
        done=f"Value of {row.label} on {date} saved.",
        shown={value_field(date): lambda v: kpis.format_value(v, row.unit)},
        form="values",
    )


def correct_values(tracked: dict[str, kpis.KpiRow]) -> None:
    """Correct or delete one dated value of a tracked KPI."""
    st.markdown("**Correct or delete a value**")
    pick, when = st.columns(2)
    key = pick.selectbox(
        "KPI", list(tracked), key="kpi_correct_metric", format_func=lambda k: tracked[k].label
    )
    row = tracked[key]
    date = when.selectbox("Date", row.dates[::-1], key=f"kpi_correct_date_{row.metric_id}")
    edit, field = value_edit(row, date), value_field(date)
    ui.open_edit(edit, row.version, kpis.value_fields(row))
    with st.form("kpi_fix_form"):
        value = st.number_input(
            "Value",
            value=ui.edit_base(edit).get(field, 0.0),
            format=formatting.INPUT_FORMAT,
            key=edit.keys[0],
            help="A share as a fraction: 0.25 for 25%.",
        )
        save, delete = st.columns(2)
        saved = save.form_submit_button("Save value", key="kpi_fix_save")
        deleted = delete.form_submit_button("Delete value", key="kpi_fix_delete")
    if deleted:
        edit.done = f"Value of {row.label} on {date} deleted."
    ui.submit_edit(edit, saved or deleted, {field: None if deleted else value})


def kpi_board() -> None:
    rows = kpis.kpi_board(journey)
    for side in ("buyer", "customer"):
        st.subheader(f"{kpis.SIDE_LABELS[side]} KPIs")
        columns = st.columns(5)
        for i, row in enumerate(r for r in rows if r.side == side):
            columns[i % 5].metric(
                ui.literal(row.label),
                kpis.format_value(row.actual, row.unit, compact=True),
                delta=kpis.status_text(row),
                delta_color=kpis.STATUS_COLOURS[row.status],
                delta_arrow="off" if not row.gap else ("up" if row.gap > 0 else "down"),
                chart_data=list(row.values) or None,
                border=True,
                help=formatting.figure_help(
                    row.actual, row.unit or "", f"{row.explain}\n\n{kpis.STATUS_RULE}"
                ),
            )
    if tracked := {r.key: r for r in rows if r.values}:
        pick = st.selectbox(
            "Trend of", list(tracked), key="kpi_trend", format_func=lambda k: tracked[k].label
        )
        show(charts.kpi_trend_chart(tracked[pick]), f"kpi_{pick}")
    st.caption(f"How is this computed: each KPI shows its latest dated value. {kpis.STATUS_RULE}")
    ui.short_table(kpis.board_table(rows))
    ui.download("⬇️ KPI values (CSV)", kpis.kpi_values_csv(journey), "kpi-values.csv", "kpi_csv")
    if not ui.can_edit():
        return
    by_key = {r.key: r for r in rows}
    for r in rows:  # the targets this session edits from (the merge's base)
        if r.metric_id:
            ui.open_edit(target_edit(r), r.version, {"target": r.target})
    left, middle, right = st.columns(3)
    with left.form("kpi_entry_form", clear_on_submit=True):
        st.markdown("**Add a value by hand**")
        key = st.selectbox(
            "KPI", list(by_key), key="kpi_entry_metric", format_func=lambda k: by_key[k].label
        )
        date = st.date_input("Date", key="kpi_entry_date")
        value = st.number_input(
            "Value",
            value=0.0,
            format=formatting.INPUT_FORMAT,
            key="kpi_entry_value",
            help="A share as a fraction: 0.25 for 25%.",
        )
        if st.form_submit_button("Add value", key="kpi_entry_submit"):
            try:
                store_values([(key, kpis.entry(journey, key, date, value))])
            except JourneyError as e:
                ui.show_error(e)
    with middle.form("kpi_upload_form", clear_on_submit=True):
        st.markdown("**Upload values (CSV)**")
        upload = st.file_uploader(
            "CSV file",
            type=["csv"],
            key="kpi_upload",
            help="Columns: metric (key or name), date (YYYY-MM-DD), value. "
            "Every row is checked first: one bad row and nothing is "
            "imported.",
        )
        if st.form_submit_button("Import", key="kpi_upload_submit") and upload:
            try:
                store_values(kpis.parse_kpi_csv(upload.getvalue(), journey, upload.name))
            except kpis.CsvRowsError as e:
                st.error(f"{len(e.problems)} bad row(s): nothing was imported.")
                st.dataframe(
                    [{"row": n, "problem": p} for n, p in e.problems],
                    hide_index=True,
                    key="kpi_upload_problems",
                )
            except JourneyError as e:
                ui.show_error(e)
    with right.form("kpi_target_form"):
        st.markdown("**Set a target**")
        key = st.selectbox(
            "KPI", list(by_key), key="kpi_target_metric", format_func=lambda k: by_key[k].label
        )
        target = st.number_input(
            "Target", value=0.0, format=formatting.INPUT_FORMAT, key="kpi_target_value"
        )
        submitted = st.form_submit_button("Save target", key="kpi_target_submit")
    row = by_key[key]
    if row.metric_id is not None:
        with right:
            ui.submit_edit(target_edit(row), submitted, {"target": target})
    if tracked := {r.key: r for r in rows if r.values}:
        correct_values(tracked)
    elif submitted:
        ui.create_once(
            "kpi_target_",
            {"key": key, "target": target},
            lambda: (
                f"Target of {db.add_metric(journey_id, kpis.new_metric(key, target)).name} saved."
            ),
        )


def funnel() -> None:
    reached = formulas.funnel(
        levers.entrants, [getattr(levers, f"conversion_{s}") for s in STAGES[:4]]
    )
    show(ui.cached_chart(charts.funnel_chart, reached), "funnel")
    ui.short_table(kpis.drop_off_table(reached))
    st.caption(
        "How is this computed: entrants reach awareness; the people reaching the next "
        "stage = the people at a stage × its conversion (Stages page). Lost = reached − "
        f"go on; drop-off = lost ÷ reached. {INFO['customers'].explain}"
    )


ui.page_title(PAGE)
st.caption(ui.literal(journey.name))
# Only the open tab runs; ?metrics_tab=KPIs links straight to one.
tabs = ui.linked_tabs(["Timeframes", "Across the workspace", "KPIs", "Funnel"], key="metrics_tab")
for tab, draw in zip(tabs, (timeframes, across_the_workspace, kpi_board, funnel), strict=True):
    if tab.open:
        with tab:
            draw()
