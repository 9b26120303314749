"""The Metrics page through AppTest: timeframes, the KPI board, KPI values in, the funnel."""

import datetime as dt
import json

import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from journey import formatting, formulas, kpis
from journey.storage import Store
from tests.conftest import CAR, SHOP, open_page, plain

PAGE = "5_Metrics.py"
TABS = ("Timeframes", "Across the workspace", "KPIs", "Funnel")


def metrics(at: AppTest) -> dict[str, object]:
    return {m.label.replace("\\", ""): m for m in at.metric}


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def upload(at: AppTest, text: str) -> AppTest:
    at.file_uploader(key="kpi_upload").set_value(("kpis.csv", text.encode(), "text/csv"))
    return at.button(key="kpi_upload_submit").click().run()


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_of_the_metrics_page_runs_without_an_exception(tab, app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": tab})
    assert not at.exception, [e.value for e in at.exception]


def test_only_the_open_tab_is_drawn(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "Funnel"})
    assert not at.metric  # the timeframe figures and the KPI board are in other tabs
    assert len(chart_specs(at)) == 1


def test_the_timeframes_shown_are_the_engines_for_the_journeys_durations(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "Timeframes"})
    journey = Store(app_env).load_journey(1)
    outcome = formulas.whatif(formulas.levers_from_journey(journey))
    shown = metrics(at)
    assert (
        shown["Buyer-journey timeframe"].value
        == kpis.format_days(outcome.buyer_timeframe_days)
        == "51 days"
    )
    assert shown["Customer-journey timeframe"].value == "5.1 years"
    assert shown["Customer ÷ buyer timeframe"].value == "36.8×"
    assert (
        shown["Buyer-journey timeframe"].help
        == formulas.OUTPUT_INFO["buyer_timeframe_days"].explain
    )
    assert len(chart_specs(at)) == 2 and len(at.get("download_button")) == 4
    assert any("How is this computed" in c.value for c in at.caption)


def test_the_workspace_comparison_lists_every_journey_and_then_every_persona(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "Across the workspace"})
    [table] = at.table  # a short table: every row shown
    assert list(table.value["Journey or persona"]) == [
        "Buying a family car",
        "Free trial to yearly subscription",
        "Buying sustainable clothing online",
    ]
    assert [plain(v) for v in table.value["Buyer journey"]] == ["51 days", "31 days", "2.8 days"]
    at.segmented_control(key="timeframes_by").set_value("persona").run()
    [table] = at.table
    assert list(table.value["Persona"]) == ["Maya Hoffmann", "Daniel Okafor", "Priya Nair"]
    assert not at.exception


def test_the_kpi_board_shows_every_kpi_by_side_with_a_status_colour(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"})
    assert [s.value for s in at.subheader] == ["Buyer journey KPIs", "Customer journey KPIs"]
    shown = metrics(at)
    assert len(shown) == 10
    leads, traffic = shown["Leads"], shown["Website traffic"]
    assert (leads.value, leads.delta) == ("402", "on track · +0.5% vs target 400")
    assert (traffic.value, traffic.delta) == ("24,700", "at risk · -1.2% vs target 25,000")
    assert shown["Retention rate"].value == "71.0%"
    colours = {m.label: Metric.MetricColor.Name(m.proto.color) for m in at.metric}
    assert (colours["Leads"], colours["Website traffic"]) == ("GREEN", "ORANGE")
    assert list(leads.proto.chart_data) == [328, 351, 342, 367, 389, 402]  # the trend
    assert kpis.STATUS_RULE in leads.help


def test_a_journey_without_a_standard_kpi_shows_it_as_no_data(app_env):
    at = open_page(PAGE, SHOP, query={"metrics_tab": "KPIs"})  # the online shop tracks no leads
    assert metrics(at)["Leads"].delta == "no data · no values yet"


def test_the_kpi_values_download_is_the_journeys_csv(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"})
    [button] = [b for b in at.get("download_button") if b.proto.label.startswith("⬇️ KPI")]
    assert button.proto.label == "⬇️ KPI values (CSV)"
    assert not at.exception


def test_an_uploaded_kpi_file_is_stored_whole(app_env):
    at = upload(
        open_page(PAGE, CAR, query={"metrics_tab": "KPIs"}),
        "metric,date,value\nnps,2026-11-01,48\nLead-to-customer rate,2026-11-01,24%\n",
    )
    assert not at.exception and [plain(s.value) for s in at.success] == ["Added 2 value(s)."]
    journey = Store(app_env).load_journey(1)
    latest = {m.key: (m.values[-1].date, m.values[-1].value) for m in journey.metrics}
    assert latest["nps"] == ("2026-11-01", 48.0)
    assert latest["lead_to_customer_rate"] == ("2026-11-01", 0.24)
    assert metrics(at)["Net Promoter Score"].value == "48"  # the board shows it at once


def test_a_kpi_file_with_bad_rows_is_refused_whole_and_each_bad_row_is_listed(app_env):
    at = open_page(
        PAGE, CAR, query={"metrics_tab": "KPIs"}
    )  # the app seeds the samples on its first run
    before = Store(app_env).load_journey(1).metrics
    at = upload(
        at, "metric,date,value\nnps,2026-11-01,48\nbogus,2026-11-01,1\nleads,2026-13-01,400\n"
    )
    assert not at.exception
    assert [e.value for e in at.error] == ["2 bad row(s): nothing was imported."]
    problems = next(d.value for d in at.dataframe if "problem" in d.value.columns)
    assert list(problems["row"]) == [3, 4]
    assert "unknown metric 'bogus'" in problems["problem"][0]
    assert Store(app_env).load_journey(1).metrics == before


def test_a_kpi_the_journey_lacks_is_added_with_its_first_values(app_env):
    at = upload(
        open_page(PAGE, SHOP, query={"metrics_tab": "KPIs"}),
        "metric,date,value\nleads,2026-11-01,950\n",
    )
    assert not at.exception
    leads = kpis.find_metric(Store(app_env).load_journey(3), "leads")
    assert (leads.name, leads.side, [v.value for v in leads.values]) == ("Leads", "buyer", [950.0])


def enter_by_hand(metric: str, date: dt.date, value: float) -> AppTest:
    """The car journey's KPI tab after adding ``value`` to ``metric`` on ``date`` by hand."""
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"})
    at.selectbox(key="kpi_entry_metric").set_value(metric)
    at.date_input(key="kpi_entry_date").set_value(date)
    at.number_input(key="kpi_entry_value").set_value(value)
    return at.button(key="kpi_entry_submit").click().run()


def test_a_value_entered_by_hand_is_added_to_its_kpi(app_env):
    at = enter_by_hand("csat", dt.date(2026, 11, 1), 4.6)
    assert not at.exception and not at.error
    csat = kpis.find_metric(Store(app_env).load_journey(1), "csat")
    assert (csat.values[-1].date, csat.values[-1].value) == ("2026-11-01", 4.6)


def test_a_value_by_hand_on_a_date_that_has_one_is_refused(app_env):
    at = enter_by_hand("nps", dt.date(2026, 10, 1), 40.0)
    assert [plain(e.value) for e in at.error] == ["nps already has a value on 2026-10-01"]


def test_a_target_is_saved_and_the_status_follows_it(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"})
    at.selectbox(key="kpi_target_metric").set_value("website_traffic")
    at.number_input(key="kpi_target_value").set_value(24000.0)
    at.button(key="kpi_target_submit").click().run()
    assert not at.exception and not at.error
    assert metrics(at)["Website traffic"].delta.startswith("on track · +2.9% vs target 24,000")


def test_a_target_saved_over_someone_elses_edit_is_a_conflict_shown_with_both_values(app_env):
    at = open_page(
        PAGE, CAR, query={"metrics_tab": "KPIs"}
    )  # this session starts editing from version 1
    store = Store(app_env)
    traffic = kpis.find_metric(store.load_journey(1), "website_traffic")
    store.update_metric(traffic.id, traffic.version, target=30000.0)  # someone else saves
    at.selectbox(key="kpi_target_metric").set_value("website_traffic")
    at.number_input(key="kpi_target_value").set_value(24000.0)
    at.button(key="kpi_target_submit").click().run()
    assert "changed by someone else" in at.error[0].value
    assert [
        {k: plain(v) for k, v in row.items()}
        for table in at.table
        if "Field" in table.value.columns
        for row in table.value.to_dict("records")
    ] == [{"Field": "Target", "Saved by someone else": "30,000", "Yours (not saved)": "24,000"}]
    assert kpis.find_metric(Store(app_env).load_journey(1), "website_traffic").target == 30000.0
    at.button(key="kpi_target_conflict_keep").click().run()  # keep mine, knowingly
    assert not at.exception and not at.error
    assert [plain(s.value) for s in at.success] == ["Target of Website traffic saved."]
    assert kpis.find_metric(Store(app_env).load_journey(1), "website_traffic").target == 24000.0


def test_presentation_mode_hides_the_kpi_editing_forms(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"}, presenting=True)
    assert not at.file_uploader  # the facilitator's countdown is the one field left
    assert [n.key for n in at.number_input] == ["countdown_minutes"]
    assert len(metrics(at)) == 10


def test_the_funnel_counts_and_drop_off_follow_the_stage_conversions(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "Funnel"})
    [table] = at.table
    shown = table.value.map(lambda v: plain(v) if isinstance(v, str) else v).rename(columns=plain)
    assert list(shown["Reached"]) == ["12,000", "4,200", "1,680", "1,008"]
    assert list(shown["Lost"]) == ["7,800", "2,520", "672", "554"]
    assert list(shown["Drop-off"]) == ["65.0%", "60.0%", "40.0%", "55.0%"]
    [spec] = chart_specs(at)
    assert "Funnel" in json.dumps(spec["title"])


def test_in_presentation_mode_the_comparison_rows_are_sized_for_16_px_labels(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "Across the workspace"}, presenting=True)
    [spec] = chart_specs(at)
    panel = spec["hconcat"][0]
    assert panel["layer"][0]["encoding"]["y"]["axis"]["labelFontSize"] == 16
    assert panel["height"] / 3 >= 2 * 16 * 1.25  # the journey over its persona, 3 rows


def nps_values(db_path) -> list[tuple[str, float]]:
    return [
        (v.date, v.value) for v in kpis.find_metric(Store(db_path).load_journey(1), "nps").values
    ]


def pick_value_to_correct(at: AppTest, db_path, key: str, date: str) -> str:
    """Choose a KPI and one of its dates in the correction form; the value field's key."""
    at.selectbox(key="kpi_correct_metric").set_value(key).run()
    metric_id = kpis.find_metric(Store(db_path).load_journey(1), key).id
    at.selectbox(key=f"kpi_correct_date_{metric_id}").set_value(date).run()
    return f"kpi_fix_value_{metric_id}_{date}"


def test_a_kpi_value_is_corrected_then_deleted_from_the_kpi_tab(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"})
    before = nps_values(app_env)
    field = pick_value_to_correct(at, app_env, "nps", "2026-10-01")
    at.number_input(key=field).set_value(41.0)
    at.button(key="kpi_fix_save").click().run()
    assert not at.exception and not at.error
    assert [plain(s.value) for s in at.success] == [
        "Value of Net Promoter Score on 2026-10-01 saved."
    ]
    assert nps_values(app_env) == [(d, 41.0 if d == "2026-10-01" else v) for d, v in before]
    at.button(key="kpi_fix_delete").click().run()
    assert not at.exception and not at.error
    assert [plain(s.value) for s in at.success] == [
        "Value of Net Promoter Score on 2026-10-01 deleted."
    ]
    assert nps_values(app_env) == [(d, v) for d, v in before if d != "2026-10-01"]


def test_a_corrected_kpi_value_outside_its_range_is_refused_and_nothing_changes(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"})
    before = nps_values(app_env)
    field = pick_value_to_correct(at, app_env, "nps", "2026-10-01")
    at.number_input(key=field).set_value(300.0)
    at.button(key="kpi_fix_save").click().run()
    assert [plain(e.value) for e in at.error] == ["300 is outside the range of nps (-100..100)"]
    assert nps_values(app_env) == before


def test_a_kpi_value_input_shows_the_number_as_typed(app_env):
    at = open_page(PAGE, CAR, query={"metrics_tab": "KPIs"})
    assert at.number_input(key="kpi_entry_value").proto.format == formatting.INPUT_FORMAT
