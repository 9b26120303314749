"""The What-if page through AppTest: sliders, outputs, scenarios and the tornado chart."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from journey import formulas, kpis
from journey.storage import Store
from tests.conftest import CAR, TRIAL, open_page, plain

PAGE = "6_What_if.py"
SLIDER_LEVERS = [n for n in formulas.LEVER_NAMES if n != "period_days"]


def shown_outputs(at: AppTest) -> dict[str, str]:
    """{output name: the value the page shows}, found by each output's label."""
    by_label = {m.label: m.value for m in at.metric}
    return {name: by_label[info.label] for name, info in formulas.OUTPUT_INFO.items()}


def expected_outputs(levers: formulas.Levers) -> dict[str, str]:
    return {
        name: formulas.format_output(name, value, compact=True)
        for name, value in formulas.whatif(levers).as_dict().items()
    }


def baseline(app_env, journey: int = 1) -> formulas.Levers:
    return formulas.levers_from_journey(Store(app_env).load_journey(journey))


def test_the_what_if_page_runs_without_an_exception(app_env):
    at = open_page(PAGE, CAR)
    assert not at.exception, [e.value for e in at.exception]


def test_every_slider_starts_from_the_journeys_stored_value(app_env):
    at = open_page(PAGE, CAR)
    levers = baseline(app_env)
    assert {s.key: s.value for s in at.slider} == {
        f"lever_{n}": getattr(levers, n) for n in SLIDER_LEVERS
    }
    low, high, step = formulas.slider_range("spend", levers.spend)
    spend = at.slider(key="lever_spend")
    assert (spend.min, spend.max, spend.step) == (low, high, step) == (0, 1_000_000, 1000)


def test_the_outputs_shown_are_the_engines_for_the_journeys_levers(app_env):
    at = open_page(PAGE, CAR)
    assert shown_outputs(at) == expected_outputs(baseline(app_env))
    assert shown_outputs(at)["clv"] == "€2,833"
    helps = {m.label: m.help for m in at.metric}
    assert helps["CLV"] == formulas.OUTPUT_INFO["clv"].explain


def test_moving_a_slider_changes_the_outputs_as_the_engine_says(app_env):
    at = open_page(PAGE, CAR)
    at.slider(key="lever_order_value").set_value(40000.0).run()
    expected = expected_outputs(formulas.apply(baseline(app_env), {"order_value": 40000.0}))
    assert shown_outputs(at) == expected
    assert expected["clv"] != expected_outputs(baseline(app_env))["clv"]
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["CLV"] == "+€500" and deltas["Leads"] == ""  # 3,333 - 2,833; leads unmoved


def test_moving_several_sliders_combines_their_changes(app_env):
    at = open_page(PAGE, CAR)
    at.slider(key="lever_retention").set_value(0.8)
    at.slider(key="lever_conversion_decision").set_value(0.5)
    at.slider(key="lever_duration_consideration").set_value(10.0).run()
    changes = {"retention": 0.8, "conversion_decision": 0.5, "duration_consideration": 10.0}
    assert shown_outputs(at) == expected_outputs(formulas.apply(baseline(app_env), changes))
    assert shown_outputs(at)["buyer_timeframe_days"] == "31 days"


def test_the_sliders_go_back_to_the_journeys_values(app_env):
    at = open_page(PAGE, CAR)
    at.slider(key="lever_margin").set_value(0.5).run()
    at.button(key="whatif_reset").click().run()
    assert at.slider(key="lever_margin").value == 0.1
    assert shown_outputs(at) == expected_outputs(baseline(app_env))


def test_another_journey_brings_its_own_starting_values(app_env):
    at = open_page(PAGE, CAR)
    at.slider(key="lever_margin").set_value(0.5).run()
    at.query_params["journey"] = "2"  # a shared link to the other journey
    at.run()
    assert at.slider(key="lever_margin").value == baseline(app_env, 2).margin == 0.8
    assert shown_outputs(at) == expected_outputs(baseline(app_env, 2))


def test_a_saved_scenario_keeps_only_the_levers_that_moved(app_env):
    at = open_page(PAGE, CAR)
    at.slider(key="lever_retention").set_value(0.8)
    at.slider(key="lever_spend").set_value(450000.0).run()
    at.text_input(key="scenario_name").input("Loyalty push")
    at.button(key="scenario_save").click().run()
    assert not at.exception and not at.error
    assert [plain(s.value) for s in at.success] == ["Scenario “Loyalty push” saved."]
    saved = {s.name: s.levers for s in Store(app_env).scenarios(1)}
    assert saved["Loyalty push"] == {"retention": 0.8, "spend": 450000.0}
    assert "Loyalty push" in at.multiselect(key="compare_scenarios").value


def forms(node):
    """The forms on a page (AppTest has no accessor): their ``form_id`` and options."""
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "WhichOneof"):
        try:
            if proto.WhichOneof("type") == "form":
                yield proto.form
        except ValueError:  # an element's proto without a "type"
            pass
    for child in (getattr(node, "children", None) or {}).values():
        yield from forms(child)


def test_a_scenario_without_a_change_or_with_a_taken_name_is_refused(app_env):
    at = open_page(PAGE, CAR)
    # a browser would empty a clear-on-submit form on every submit, a refused one too
    assert [f.clear_on_submit for f in forms(at._tree) if f.form_id == "scenario_form"] == [False]
    at.text_input(key="scenario_name").input("Nothing moved")
    at.button(key="scenario_save").click().run()
    assert plain(at.error[0].value) == (
        "Move at least one lever first: this scenario would equal the journey's own values. "
        "Nothing was saved; the name you typed is kept."
    )
    assert at.text_input(key="scenario_name").value == "Nothing moved"  # what was typed stays
    at.slider(key="lever_margin").set_value(0.2).run()
    assert at.text_input(key="scenario_name").value == "Nothing moved"
    at.text_input(key="scenario_name").input("Loyalty programme")  # a sample scenario's name
    at.button(key="scenario_save").click().run()
    assert "already exists" in at.error[0].value
    assert at.text_input(key="scenario_name").value == "Loyalty programme"
    assert len(Store(app_env).scenarios(1)) == 2


def test_after_a_saved_scenario_the_name_field_is_cleared_under_a_fresh_key(app_env):
    at = open_page(PAGE, CAR)
    at.slider(key="lever_margin").set_value(0.2).run()
    at.text_input(key="scenario_name").input("Margin up")
    at.button(key="scenario_save").click().run()
    assert not at.error
    [field] = [t for t in at.text_input if t.label == "Scenario name"]
    assert field.key != "scenario_name" and field.value == ""  # a browser clears it too


def test_scenarios_are_compared_side_by_side_with_the_engines_figures(app_env):
    at = open_page(PAGE, CAR)
    journey = Store(app_env).load_journey(1)
    levers = formulas.levers_from_journey(journey)
    rows = formulas.compare(
        levers, {s.name: formulas.apply(levers, s.levers) for s in journey.scenarios}
    )
    [shown] = at.table  # a short table: every row, no scroll inside it
    table = shown.value.map(plain).rename(columns=plain)
    assert table.to_dict("records") == kpis.scenario_table(rows)
    assert len(table) == len(formulas.OUTPUT_INFO) == 14
    assert list(table.columns) == [
        "Output",
        "Baseline",
        "Premium trims and service plans",
        "Premium trims and service plans Δ%",
        "Loyalty programme",
        "Loyalty programme Δ%",
    ]
    clv = table[table["Output"] == "CLV"].iloc[0]
    assert (clv["Baseline"], clv["Loyalty programme"]) == ("€2,833", "€3,864")
    [scenario_chart] = [
        json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if "Scenarios" in c.proto.spec
    ]
    assert scenario_chart["layer"][0]["encoding"]["x"]["field"] == "change_pct"


def test_the_comparison_follows_the_chosen_scenarios(app_env):
    at = open_page(PAGE, CAR)
    at.multiselect(key="compare_scenarios").set_value(["Loyalty programme"]).run()
    assert list(at.table[0].value.columns) == [
        "Output",
        "Baseline",
        "Loyalty programme",
        "Loyalty programme Δ%",
    ]
    at.multiselect(key="compare_scenarios").set_value([]).run()
    assert not at.table and not at.exception


def test_a_scenario_with_an_unknown_lever_is_skipped_with_a_warning(app_env):
    open_page(PAGE, CAR)
    Store(app_env).save_scenario(1, "From an old file", {"price": 3.0})
    at = open_page(PAGE, CAR)
    at.multiselect(key="compare_scenarios").set_value(
        ["From an old file", "Loyalty programme"]
    ).run()
    assert "skipped" in at.warning[0].value and "unknown lever" in at.warning[0].value
    assert "Loyalty programme" in at.table[0].value.columns


def test_a_scenario_can_be_deleted_after_a_snapshot_and_the_delete_undone(app_env):
    at = open_page(PAGE, CAR)
    [before] = [s for s in Store(app_env).scenarios(1) if s.name == "Loyalty programme"]
    at.selectbox(key="scenario_delete_pick").set_value("Loyalty programme")
    at.button(key="scenario_delete").click().run()
    assert [s.name for s in Store(app_env).scenarios(1)] == ["Premium trims and service plans"]
    assert at.multiselect(key="compare_scenarios").options == ["Premium trims and service plans"]
    assert "before deleting scenario 'Loyalty programme'" in [
        s.reason for s in Store(app_env).snapshots(journey_id=1)
    ]
    at.sidebar.button(key="scenario_undo_button").click().run()
    assert not at.exception
    [back] = [s for s in Store(app_env).scenarios(1) if s.name == "Loyalty programme"]
    assert back.levers == before.levers
    assert [plain(s.value) for s in at.success] == ["Restored scenario 'Loyalty programme'."]


def tornado_levers(at: AppTest) -> list[str]:
    [spec] = [
        json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if "What moves" in c.proto.spec
    ]
    return list(dict.fromkeys(r["lever"] for r in spec["layer"][0]["data"]["values"]))


def test_the_tornado_ranks_the_levers_for_the_chosen_output(app_env):
    at = open_page(PAGE, CAR)
    assert tornado_levers(at)[0] == "Retention rate"  # CLV by default
    at.selectbox(key="tornado_output").set_value("roi").run()
    expected = [r.label for r in formulas.sensitivity(baseline(app_env), "roi", 0.1) if r.swing > 0]
    assert tornado_levers(at) == expected[:12]
    assert tornado_levers(at)[0] == "Acquisition spend"
    at.select_slider(key="tornado_step").set_value(0.2).run()
    assert not at.exception
    assert "20%" in at.caption[-1].value


def test_presentation_mode_hides_saving_and_deleting(app_env):
    at = open_page(PAGE, CAR, presenting=True)
    assert not at.text_input and not at.get("popover")
    assert len(at.slider) == len(SLIDER_LEVERS)  # exploring stays possible


@pytest.mark.parametrize("journey", [1, 2, 3])
def test_every_sample_journey_opens_in_the_what_if_page(journey, app_env):
    at = open_page(PAGE, journey)
    assert not at.exception
    assert shown_outputs(at) == expected_outputs(baseline(app_env, journey))


def test_spend_not_entered_and_spend_zero_are_different_on_the_page(app_env):
    open_page(PAGE, CAR)  # seeds the database
    store = Store(app_env)
    journey = store.load_journey(1)
    store.update_journey(1, journey.version, spend=None)
    at = open_page(PAGE, CAR)
    assert at.toggle(key="lever_spend_entered").value is False
    assert not [s for s in at.slider if s.key == "lever_spend"]
    assert shown_outputs(at)["cac"] == "n/a" and shown_outputs(at)["payback_days"] == "n/a"
    at.toggle(key="lever_spend_entered").set_value(True).run()
    assert at.slider(key="lever_spend").value == 0.0
    shown = shown_outputs(at)
    assert (shown["cac"], shown["payback_days"]) == ("€0.00", "0 days")
    assert (shown["roi"], shown["ltv_to_cac"]) == ("n/a", "n/a")


def test_a_large_money_figure_is_compact_on_its_card_exact_in_its_help(app_env):
    at = open_page(PAGE, TRIAL)  # journey 2: revenue over a million
    levers = formulas.whatif(baseline(app_env, 2)).as_dict()
    big = next(n for n, v in levers.items() if v and abs(v) >= 1e6 and n in formulas.OUTPUT_INFO)
    card = next(m for m in at.metric if m.label == formulas.OUTPUT_INFO[big].label)
    assert card.value.endswith(("M", "B")) and "," not in card.value
    exact = formulas.format_output(big, levers[big])
    assert f"Exact: {exact}" in card.proto.help
