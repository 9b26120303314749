"""What if: move the levers and see every output at once; save, compare and rank them."""

import streamlit as st

from journey import charts, formatting, formulas, kpis, ui
from journey.model import JourneyError

PAGE = ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id
baseline = formulas.levers_from_journey(journey)
INFO = formulas.OUTPUT_INFO
GROUPS = formulas.LEVER_GROUPS
FORMATS = {
    "share": "percent",
    "people": "localized",
    "money": "localized",
    "days": "%.1f",
    "purchases": "%.2f",
}
LABELS = {n: i.label for n, i in INFO.items()}
DELTA_COLOURS = {"higher": "normal", "lower": "inverse", "neither": "off"}  # by info.better
state = st.session_state


def back_to_the_journey() -> None:
    for name, value in baseline.as_dict().items():
        state[f"lever_{name}"] = 0.0 if value is None else value
    state["lever_spend_entered"] = baseline.spend is not None  # "not entered" is not 0


# The sliders start from the journey's stored values, and again whenever those change.
if state.get("_whatif_base") != (journey_id, baseline):
    state["_whatif_base"] = (journey_id, baseline)
    back_to_the_journey()


@st.fragment
def whatif_panel() -> None:
    """Sliders and outputs: moving a slider reruns only this panel."""
    controls, results = st.columns([2, 3], gap="large")
    for tab, names in zip(controls.tabs(list(GROUPS)), GROUPS.values(), strict=True):
        for name in names:
            info = formulas.LEVER_INFO[name]
            if name == "spend" and not tab.toggle(
                "Acquisition spend entered",
                key="lever_spend_entered",
                help="Off: no spend entered, so CAC, ROI, LTV:CAC and payback are "
                "undefined. On with 0: a CAC of 0, ROI and LTV:CAC undefined.",
            ):
                continue
            low, high, step = formulas.slider_range(name, getattr(baseline, name))
            tab.slider(
                info.label,
                float(low),
                float(high),
                step=float(step),
                format=FORMATS[info.unit],
                key=f"lever_{name}",
                help=info.help or None,
                persist_state="session",
            )
    controls.button(
        "↺ Back to the journey's values", key="whatif_reset", on_click=back_to_the_journey
    )
    levers = formulas.apply(
        baseline, {n: state[f"lever_{n}"] for g in GROUPS.values() for n in g if n != "spend"}
    )
    levers = formulas.apply(
        levers, {"spend": state["lever_spend"] if state["lever_spend_entered"] else None}
    )
    outcome, before = formulas.whatif(levers).as_dict(), formulas.whatif(baseline).as_dict()
    columns = results.columns(3)
    for i, (name, value) in enumerate(outcome.items()):
        change = 0.0 if value is None or before[name] is None else value - before[name]
        shown = formulas.format_output(name, abs(change), compact=True)
        delta = f"{'+' if change > 0 else '-'}{shown}"
        columns[i % 3].metric(
            LABELS[name],
            formulas.format_output(name, value, compact=True),
            border=True,
            help=formulas.output_help(name, value),
            delta=delta if change else None,
            delta_color=DELTA_COLOURS[INFO[name].better],
        )
    results.caption(
        f"One period = {formatting.duration(baseline.period_days)}. Hover over "
        ":material/help: for how each figure is computed."
    )
    if ui.can_edit():
        # not cleared on submit: a refused save keeps the typed name; a saved one clears it
        # through a fresh widget key (ui.renew_form), which a browser honours too
        with results.form("scenario_form", border=False):
            name = st.text_input(
                "Scenario name",
                key=ui.form_prefix("scenario_name"),
                max_chars=200,
                placeholder="e.g. Loyalty programme",
            )
            if st.form_submit_button("💾 Save scenario", key="scenario_save"):
                try:
                    changes = formulas.scenario_changes(levers, baseline)
                    db.save_scenario(journey_id, name.strip(), changes)
                except JourneyError as e:
                    ui.show_error(e)
                else:
                    ui.renew_form("scenario_name")
                    ui.notify(f"Scenario “{name.strip()}” saved.")
                    state["compare_scenarios"] = [*state.get("compare_scenarios", []), name.strip()]
                    st.rerun()  # the whole page, so the comparison below lists it


ui.page_title(PAGE)
st.caption(
    f"{ui.literal(journey.name)}: the levers start from this journey's stages and "
    "assumptions. Nothing here changes the journey; save a scenario to keep a set."
)


def undo_delete() -> str:
    undo = state.pop("scenario_undo")
    return f"Restored scenario {db.save_scenario(journey_id, undo.name, undo.levers).name!r}."


if ui.can_edit() and (undo := state.get("scenario_undo")):
    ui.undo_in_sidebar(
        "scenario_undo_button",
        f"Deleted scenario {undo.name!r}. A snapshot of the journey was saved first.",
        undo_delete,
    )
whatif_panel()

st.header("Compare scenarios")
scenarios = {s.name: s for s in journey.scenarios}
chosen = st.multiselect(
    "Scenarios against the journey's values",
    list(scenarios),
    default=list(scenarios)[:4],
    key="compare_scenarios",
)
compared = {}
for name in chosen:
    try:  # a scenario imported with a lever that no longer exists is skipped, not fatal
        compared[name] = formulas.apply(baseline, scenarios[name].levers)
        formulas.whatif(compared[name])
    except ValueError as e:
        compared.pop(name, None)
        st.warning(f"Scenario {ui.literal(name)} skipped: {ui.literal(e)}")
if compared:
    rows = formulas.compare(baseline, compared)
    ui.short_table(kpis.scenario_table(rows))
    chart = ui.cached_chart(charts.scenario_change_chart, rows)
    ui.chart(chart, "scenarios", key="scenarios")
    ui.download("⬇️ Comparison (CSV)", kpis.scenarios_csv(rows), "scenarios.csv", "compare_csv")
    st.caption(
        "How is this computed: each scenario applies its saved lever changes to the "
        "journey's current values; change = (scenario − baseline) ÷ |baseline| × 100."
    )
elif not scenarios:
    st.info("No saved scenario yet: move the levers above and save one.")
if scenarios and ui.can_edit():
    with st.popover("🗑️ Delete a scenario"):
        doomed = st.selectbox("Scenario", list(scenarios), key="scenario_delete_pick")
        if st.button("Delete", key="scenario_delete", type="primary"):
            db.delete_scenario(scenarios[doomed].id)  # snapshots the journey first
            state["scenario_undo"] = scenarios[doomed]
            ui.notify(f"Deleted scenario {doomed!r}: undo it in the sidebar.")
            st.rerun()

st.header("Which lever matters most?")
left, right = st.columns(2)
output = left.selectbox(
    "Output",
    formulas.OUTPUT_NAMES,
    key="tornado_output",
    index=formulas.OUTPUT_NAMES.index("clv"),
    format_func=lambda n: INFO[n].label,
)
step = right.select_slider(
    "Move each lever by",
    [0.05, 0.1, 0.2, 0.5],
    value=0.1,
    format_func=lambda s: f"±{s:.0%}",
    key="tornado_step",
)
chart = ui.cached_chart(
    charts.tornado_chart, formulas.sensitivity(baseline, output, step), output, step
)
ui.chart(chart, f"tornado-{output}", key="tornado")
st.caption(
    f"How is this computed: every lever but the period length is moved {step:.0%} down "
    "and up from the journey's values, one at a time (shares stay within 0-100%); the "
    f"bar spans the two results, longest first. {INFO[output].explain}"
)
