"""The KPI board, KPI status, timeframe comparison rows and the KPI and scenario CSV files."""

import csv
import io
import pathlib

import pytest

from journey import formulas, kpis
from journey.model import (
    Journey,
    JourneySummary,
    Metric,
    MetricValue,
    ValidationError,
    blank_stages,
)

CASES = pathlib.Path(__file__).resolve().parent / "cases"


def journey_with(*metrics: Metric) -> Journey:
    return Journey(name="J", stages=blank_stages(), metrics=list(metrics))


def nps(*values: tuple[str, float], target: float | None = 50.0) -> Metric:
    return Metric(
        key="nps",
        name="Net Promoter Score",
        side="customer",
        unit="score",
        target=target,
        values=[MetricValue(d, v) for d, v in values],
        id=7,
        version=3,
    )


def csv_bytes(*rows: list) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


# ---------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (400, 400, "higher", "on track"),  # the target met exactly
        (402, 400, "higher", "on track"),
        (360, 400, "higher", "at risk"),  # 40 short = 10% of 400: still at risk
        (359, 400, "higher", "off track"),  # 41 short: more than 10%
        (0.70, 0.75, "higher", "at risk"),  # 0.05 short of 0.075 allowed
        (-40, -50, "higher", "on track"),  # an NPS above a negative target
        (-56, -50, "higher", "off track"),  # 6 short of a 5-point allowance (10% of |-50|)
        (95, 100, "lower", "on track"),  # lower is better: 95 is under 100
        (105, 100, "lower", "at risk"),  # 5 over, within 10
        (111, 100, "lower", "off track"),
        (None, 100, "higher", "no data"),
        (100, None, "higher", "no data"),
    ],
)
def test_status_compares_the_latest_value_with_the_target_within_ten_percent(
    actual, target, direction, expected
):
    assert kpis.status(actual, target, direction) == expected


def test_a_miss_of_a_zero_target_is_off_track():
    assert kpis.status(-1, 0) == "off track"
    assert kpis.status(0, 0) == "on track"


# ---------------------------------------------------------------------------- the board


def test_the_board_lists_the_ten_standard_kpis_buyer_side_first():
    rows = kpis.kpi_board(journey_with())
    assert [(r.side, r.key) for r in rows] == [
        ("buyer", "leads"),
        ("buyer", "website_traffic"),
        ("buyer", "conversions"),
        ("buyer", "lead_to_customer_rate"),
        ("buyer", "campaign_roi"),
        ("customer", "clv"),
        ("customer", "repeat_purchase_rate"),
        ("customer", "csat"),
        ("customer", "nps"),
        ("customer", "retention_rate"),
    ]
    assert all(r.status == "no data" and r.metric_id is None for r in rows)


def test_a_board_row_holds_the_latest_value_by_date_and_its_gap_to_target():
    metric = nps(("2026-03-01", 47.0), ("2026-01-01", 30.0), ("2026-02-01", 41.0))
    [row] = [r for r in kpis.kpi_board(journey_with(metric)) if r.key == "nps"]
    assert (row.actual, row.date, row.target) == (47.0, "2026-03-01", 50.0)
    assert row.gap == -3.0
    assert row.gap_pct == pytest.approx(-6.0)  # -3 / 50 x 100
    assert row.status == "at risk"
    assert row.dates == ("2026-01-01", "2026-02-01", "2026-03-01")
    assert row.values == (30.0, 41.0, 47.0)
    assert (row.metric_id, row.version, row.label) == (7, 3, "Net Promoter Score")


def test_the_journeys_own_metrics_follow_the_standard_ones_on_their_side():
    own = Metric(
        key="test_drives",
        name="Test drives",
        side="buyer",
        target=10,
        values=[MetricValue("2026-01-01", 12)],
    )
    rows = kpis.kpi_board(journey_with(own))
    assert [r.key for r in rows if r.side == "buyer"][-1] == "test_drives"
    assert rows[5].key == "test_drives" and rows[5].status == "on track"
    assert not rows[5].standard


def test_status_text_says_what_the_status_rests_on():
    [row] = [r for r in kpis.kpi_board(journey_with(nps(("2026-01-01", 47.0)))) if r.key == "nps"]
    assert kpis.status_text(row) == "at risk · -6.0% vs target 50"
    [empty] = [r for r in kpis.kpi_board(journey_with()) if r.key == "nps"]
    assert kpis.status_text(empty) == "no data · no values yet"
    no_target = nps(("2026-01-01", 47.0), target=None)
    [row] = [r for r in kpis.kpi_board(journey_with(no_target)) if r.key == "nps"]
    assert kpis.status_text(row) == "no data · no target set"


def test_values_are_formatted_as_percentages_for_shares_and_with_separators_otherwise():
    assert kpis.format_value(0.226, "share") == "22.6%"
    assert kpis.format_value(19800.0, "visits") == "19,800"
    assert kpis.format_value(4.1, "score") == "4.1"
    assert kpis.format_value(10.0) == "10"
    assert kpis.format_value(None) == "n/a"


def test_days_are_shown_in_the_unit_that_divides_them_or_months_and_years_when_long():
    assert kpis.format_days(7) == "1 week"
    assert kpis.format_days(51) == "51 days"
    assert kpis.format_days(365) == "1 year"
    assert kpis.format_days(1876) == "5.1 years"
    assert kpis.format_days(0.25) == "6 hours"


def test_every_standard_kpi_explains_itself_and_the_status_rule_names_the_threshold():
    assert all(info.explain for info in kpis.STANDARD_KPIS)
    assert "10%" in kpis.STATUS_RULE
    assert set(kpis.STATUS_COLOURS) == set(kpis.STATUSES)


def test_a_new_standard_metric_takes_its_name_side_and_unit_from_the_standard_set():
    metric = kpis.new_metric("retention_rate", target=0.8)
    assert (metric.key, metric.name, metric.side, metric.unit, metric.target) == (
        "retention_rate",
        "Retention (loyalty) rate",
        "customer",
        "share",
        0.8,
    )
    with pytest.raises(ValidationError, match="not a standard KPI"):
        kpis.new_metric("made_up")


# ---------------------------------------------------------------------------- timeframes


def summary(journey_id: int, name: str, persona: str | None) -> JourneySummary:
    """A row of ``Store.journeys`` with the fields the timeframes read; the rest filler."""
    return JourneySummary(
        id=journey_id,
        name=name,
        workspace_id=1,
        workspace="Workspace",
        persona_id=None,
        persona=persona,
        updated_at="2026-01-01T00:00:00Z",
        stages=5,
        friction_points=0,
        key_points=0,
    )


SUMMARIES = [summary(1, "Car", "Maya"), summary(2, "Van", "Maya"), summary(3, "Shop", None)]
DURATIONS = {
    1: {"awareness": 14, "consideration": 30, "decision": 7, "retention": 1460, "advocacy": 365},
    2: {"awareness": 10, "consideration": 20, "decision": 19, "retention": 951, "advocacy": 0},
    3: {},
}


def test_timeframe_rows_add_the_buyer_stages_and_all_five_per_journey():
    rows = kpis.timeframe_rows(SUMMARIES, DURATIONS)
    assert [(r.name, r.persona, r.buyer_days, r.customer_days, r.journey_id) for r in rows] == [
        ("Car", "Maya", 51, 1876, 1),
        ("Van", "Maya", 49, 1000, 2),
        ("Shop", "no persona", 0, 0, 3),
    ]
    assert rows[0].ratio == pytest.approx(1876 / 51)
    assert rows[2].ratio is None  # a buyer journey of 0 days


def test_timeframe_rows_by_persona_average_the_journeys_of_each_persona():
    maya, nobody = kpis.timeframe_rows(SUMMARIES, DURATIONS, by="persona")
    assert (maya.name, maya.journeys, maya.buyer_days, maya.customer_days) == (
        "Maya",
        2,
        50.0,
        1438.0,
    )
    assert maya.ratio == pytest.approx(1438 / 50) and maya.journey_id is None
    assert (nobody.name, nobody.journeys) == ("no persona", 1)
    with pytest.raises(ValueError, match="by must be"):
        kpis.timeframe_rows(SUMMARIES, DURATIONS, by="stage")


def test_the_drop_off_table_counts_the_people_lost_at_each_step():
    rows = kpis.drop_off_table(formulas.funnel(1000, [0.5, 0.4, 0.25, 0.6]))
    assert rows[0] == {
        "From": "Awareness",
        "To": "Consideration",
        "Reached": "1,000",
        "Go on": "500",
        "Lost": "500",
        "Drop-off": "50.0%",
    }
    assert [r["Drop-off"] for r in rows] == ["50.0%", "60.0%", "75.0%", "40.0%"]
    assert kpis.drop_off_table([0, 0, 0, 0, 0])[0]["Drop-off"] == "n/a"


# ---------------------------------------------------------------------------- CSV in


def test_a_kpi_file_is_read_by_key_or_name_in_file_order():
    journey = journey_with(nps())
    data = csv_bytes(
        ["metric", "date", "value"],
        ["nps", "2026-01-01", "31"],
        ["Net Promoter Score", "2026-02-01", "33.5"],
        ["Website traffic", "2026-01-01", "19,800"],
        ["lead-to-customer rate", "2026-01-01", "22.6%"],
    )
    assert kpis.parse_kpi_csv(data, journey) == [
        ("nps", MetricValue("2026-01-01", 31.0)),
        ("nps", MetricValue("2026-02-01", 33.5)),
        ("website_traffic", MetricValue("2026-01-01", 19800.0)),
        ("lead_to_customer_rate", MetricValue("2026-01-01", pytest.approx(0.226))),
    ]


def test_a_kpi_file_may_have_a_bom_extra_columns_any_order_and_blank_lines():
    data = "\ufeffValue,Note,Date,Metric\n48,good month,2026-05-01,csat\n\n,,,\n".encode()
    assert kpis.parse_kpi_csv(data, journey_with()) == [("csat", MetricValue("2026-05-01", 48.0))]


def test_a_journeys_own_metric_name_wins_over_a_standard_label():
    own = Metric(key="leads_web", name="Leads", side="buyer")
    data = csv_bytes(["metric", "date", "value"], ["Leads", "2026-01-01", "5"])
    assert kpis.parse_kpi_csv(data, journey_with(own)) == [
        ("leads_web", MetricValue("2026-01-01", 5.0))
    ]


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_returned():
    journey = journey_with(nps(("2026-01-01", 30.0)))
    data = csv_bytes(
        ["metric", "date", "value"],
        ["nps", "2026-02-01", "33"],  # row 2: fine
        ["bogus", "2026-02-01", "1"],  # row 3: unknown metric
        ["nps", "2026-13-01", "1"],  # row 4: no such month
        ["nps", "01/03/2026", "1"],  # row 5: not YYYY-MM-DD
        ["nps", "2026-03-01", "lots"],  # row 6: not a number
        ["nps", "2026-04-01", "101"],  # row 7: NPS above 100
        ["retention_rate", "2026-01-01", "1.2"],  # row 8: a share above 1
        ["nps", "2026-01-01", "31"],  # row 9: already stored
        ["nps", "2026-02-01", "34"],  # row 10: twice in the file
        ["", "2026-02-01", "34"],  # row 11: no metric
        ["csat", "2026-02-01", "90%"],
    )  # row 12: % for a non-share
    with pytest.raises(kpis.CsvRowsError) as caught:
        kpis.parse_kpi_csv(data, journey, "kpis.csv")
    error = caught.value
    assert isinstance(error, ValidationError)
    assert [n for n, _ in error.problems] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    problems = dict(error.problems)
    assert "unknown metric 'bogus'" in problems[3]
    assert "'2026-13-01' is not a date" in problems[4]
    assert "'01/03/2026' is not a date" in problems[5]
    assert "'lots' is not a number" in problems[6]
    assert "101 is outside the range of nps (-100..100)" in problems[7]
    assert "1.2 is outside the range of retention_rate (0..1)" in problems[8]
    assert problems[9] == "nps already has a value on 2026-01-01"
    assert problems[10] == "nps on 2026-02-01 appears twice (also row 2)"
    assert problems[11] == "the metric is empty"
    assert "is a percentage, but csat is not a share" in problems[12]
    assert str(error).startswith("kpis.csv: 10 bad row(s); nothing was imported.\nrow 3: ")


def test_a_kpi_file_without_the_three_columns_names_what_is_missing():
    with pytest.raises(
        ValidationError,
        match=r"missing column\(s\) date; .* \(found: 'metric', "
        r"'when', 'value'\)",
    ):
        kpis.parse_kpi_csv(b"metric,when,value\nnps,2026-01-01,1\n", journey_with())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "missing column"),
        (b"metric,date,value\n", "no rows of values"),
        (b"\xff\xfemetric,date,value\n\x00\xd8,2026-01-01,1\n", "is not utf-16 text"),
        (b"x" * (kpis.MAX_CSV_BYTES + 1), "the limit is 5 MB"),
    ],
)
def test_an_empty_undecodable_or_too_big_kpi_file_is_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        kpis.parse_kpi_csv(data, journey_with())


def test_a_decimal_comma_is_refused_where_a_comma_also_separates_thousands():
    data = (CASES / "kpi_decimal_comma.csv").read_bytes()  # campaign_roi,…,"0,125"
    with pytest.raises(kpis.CsvRowsError) as caught:
        kpis.parse_kpi_csv(data, journey_with(), "kpi_decimal_comma.csv")
    [(row, message)] = caught.value.problems
    assert row == 2 and message.startswith("the value '0,125' could be read two ways")


@pytest.mark.parametrize(
    ("cell", "separator"),
    [('"0,125"', ","), ('"12,5"', ","), ("1.250", ";"), ("12.500.000", ";")],
)
def test_a_number_whose_comma_or_dot_could_mean_either_is_refused_with_its_row(cell, separator):
    data = f"metric{separator}date{separator}value\nleads{separator}2026-01-01{separator}{cell}\n"
    with pytest.raises(kpis.CsvRowsError) as caught:
        kpis.parse_kpi_csv(data.encode(), journey_with())
    [(row, message)] = caught.value.problems
    assert row == 2 and "could be read two ways" in message


@pytest.mark.parametrize(
    ("cell", "separator", "value"),
    [
        ('"1,234.5"', ",", 1234.5),
        ("1234.5", ",", 1234.5),
        ("1.250,5", ";", 1250.5),
        ("12.75", ";", 12.75),
        ("1250", ";", 1250.0),
    ],
)
def test_a_number_with_one_reading_is_read(cell, separator, value):
    data = f"metric{separator}date{separator}value\nleads{separator}2026-01-01{separator}{cell}\n"
    [(_, read)] = kpis.parse_kpi_csv(data.encode(), journey_with())
    assert read.value == value


@pytest.mark.parametrize(
    "data",
    [
        b"metric;date;value\ncampaign_roi;2026-11-01;0,125\n",
        b"sep=;\r\nmetric;date;value\r\ncampaign_roi;2026-11-01;0,125\r\n",
        "\ufeffmetric;date;value\ncampaign_roi;2026-11-01;0,125\n".encode(),
        "metric;date;value\ncampaign_roi;2026-11-01;0,125\n".encode("cp1252"),
        "metric;date;value\nRendite (ROI) – Kampagne;2026-11-01;0,125\n".encode("cp1252"),
    ],
)
def test_a_semicolon_separated_kpi_file_reads_the_comma_as_the_decimal_mark(data):
    journey = journey_with(
        Metric(key="campaign_roi", name="Rendite (ROI) – Kampagne", side="buyer", unit="ratio")
    )
    [(key, value)] = kpis.parse_kpi_csv(data, journey)
    assert (key, value.value) == ("campaign_roi", 0.125)


def test_a_long_list_of_bad_rows_is_cut_short_in_the_message_but_kept_whole():
    data = csv_bytes(["metric", "date", "value"], *[["nps", "bad", "1"]] * 30)
    with pytest.raises(kpis.CsvRowsError) as caught:
        kpis.parse_kpi_csv(data, journey_with())
    assert len(caught.value.problems) == 30
    assert str(caught.value).endswith("… and 10 more")


def test_a_value_typed_by_hand_follows_the_same_rules():
    import datetime as dt

    journey = journey_with(nps(("2026-01-01", 30.0)))
    assert kpis.entry(journey, "nps", dt.date(2026, 2, 1), 33) == MetricValue("2026-02-01", 33.0)
    with pytest.raises(ValidationError, match="already has a value on 2026-01-01"):
        kpis.entry(journey, "nps", "2026-01-01", 31)
    with pytest.raises(ValidationError, match="outside the range of nps"):
        kpis.entry(journey, "nps", "2026-03-01", 300)


def test_parsed_values_group_by_metric_in_the_order_they_first_appear():
    a, b, c = MetricValue("2026-01-01", 1), MetricValue("2026-02-01", 2), MetricValue("x", 3)
    assert kpis.group_values([("nps", a), ("csat", c), ("nps", b)]) == {"nps": [a, b], "csat": [c]}


def test_values_are_stored_all_or_nothing_inside_one_write(seeded):
    """The page adds each metric's values inside ``with store.write():`` (which nests)."""
    journey = seeded.load_journey(1)
    pairs = kpis.parse_kpi_csv(
        csv_bytes(
            ["metric", "date", "value"], ["nps", "2027-01-01", "50"], ["csat", "2027-01-01", "4.6"]
        ),
        journey,
    )
    groups = kpis.group_values(pairs)
    with pytest.raises(RuntimeError), seeded.write():
        seeded.add_metric_values(kpis.find_metric(journey, "nps").id, groups["nps"])
        raise RuntimeError("the second metric failed")
    assert seeded.load_journey(1).metrics == journey.metrics  # nothing half-imported
    with seeded.write():
        for key, values in groups.items():
            seeded.add_metric_values(kpis.find_metric(journey, key).id, values)
    after = {m.key: m.values[-1] for m in seeded.load_journey(1).metrics}
    assert (after["nps"].date, after["nps"].value) == ("2027-01-01", 50.0)
    assert (after["csat"].date, after["csat"].value) == ("2027-01-01", 4.6)


# ---------------------------------------------------------------------------- CSV out


def test_the_kpi_values_file_goes_back_in_through_the_upload(seeded):
    journey = seeded.load_journey(1)
    text = kpis.kpi_values_csv(journey)
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == ["metric", "name", "side", "unit", "direction", "target", "date", "value"]
    assert len(rows) == sum(len(m.values) for m in journey.metrics)
    assert rows[0][:3] == ["leads", "Leads", "buyer"]
    fresh = journey_with()
    parsed = kpis.parse_kpi_csv(text.encode(), fresh)
    assert [(k, v.date, v.value) for k, v in parsed] == [
        (m.key, v.date, v.value) for m in journey.metrics for v in m.values
    ]


def test_the_scenario_file_and_table_hold_the_engines_comparison():
    base = formulas.Levers(
        entrants=1000,
        conversion_awareness=0.5,
        conversion_consideration=0.4,
        conversion_decision=0.25,
        order_value=100,
        margin=0.5,
        spend=1000,
    )
    rows = formulas.compare(base, {"Dearer": formulas.apply(base, {"order_value": 110})})
    header, *lines = list(csv.reader(io.StringIO(kpis.scenarios_csv(rows))))
    assert header == list(kpis.SCENARIO_COLUMNS)
    revenue = next(line for line in lines if line[1] == "revenue")
    assert revenue == [
        "Dearer",
        "revenue",
        "Revenue per period",
        "5000.0",
        "5500.0",
        "500.0",
        "10.0",
    ]
    cac = next(line for line in lines if line[1] == "cac")
    assert cac[5:] == ["0.0", "0.0"]
    table = {row["Output"]: row for row in kpis.scenario_table(rows)}
    assert table["Revenue per period"] == {
        "Output": "Revenue per period",
        "Baseline": "€5,000",
        "Dearer": "€5,500",
        "Dearer Δ%": "+10.0%",
    }


def test_a_scenario_named_like_a_fixed_column_keeps_both():
    base = formulas.Levers(
        entrants=10,
        conversion_awareness=1,
        conversion_consideration=1,
        conversion_decision=1,
        order_value=1,
    )
    rows = formulas.compare(base, {"Baseline": base})
    assert "Baseline (scenario)" in kpis.scenario_table(rows)[0]


# ---------------------------------------------------------------------------- values stored


def tracked_nps(store, journey_id: int) -> Metric:
    metric = store.add_metric(journey_id, kpis.new_metric("nps", target=50.0))
    store.add_metric_values(
        metric.id, [MetricValue("2026-01-01", 30.0), MetricValue("2026-02-01", 33.0)]
    )
    return kpis.find_metric(store.load_journey(journey_id), "nps")


def dated(store, journey_id: int) -> list[tuple[str, float]]:
    metric = kpis.find_metric(store.load_journey(journey_id), "nps")
    return sorted((v.date, v.value) for v in metric.values)


def test_a_stored_kpi_value_can_be_corrected_and_deleted_and_each_change_undone(store, journey_id):
    nps_metric = tracked_nps(store, journey_id)
    store.author = "Ana"
    store.correct_metric_value(nps_metric.id, nps_metric.version, "2026-01-01", 31.0)
    assert dated(store, journey_id) == [("2026-01-01", 31.0), ("2026-02-01", 33.0)]
    version, _ = store.editable_values("metric", nps_metric.id)
    store.correct_metric_value(nps_metric.id, version, "2026-02-01", None)
    assert dated(store, journey_id) == [("2026-01-01", 31.0)]
    [deleted, corrected] = store.revisions(kind="metric", target_id=nps_metric.id)
    assert deleted.changes == {"value_on_2026-02-01": (33.0, None)}
    assert corrected.changes == {"value_on_2026-01-01": (30.0, 31.0)}
    store.undo_last("Ana")
    assert dated(store, journey_id) == [("2026-01-01", 31.0), ("2026-02-01", 33.0)]
    store.undo_last("Ana")
    assert dated(store, journey_id) == [("2026-01-01", 30.0), ("2026-02-01", 33.0)]


def test_a_kpi_value_correction_from_a_stale_version_is_a_conflict_and_writes_nothing(
    store, journey_id
):
    from journey.model import ConflictError

    nps_metric = tracked_nps(store, journey_id)
    store.update_metric(nps_metric.id, nps_metric.version, target=40.0)  # someone else saves
    with pytest.raises(ConflictError):
        store.correct_metric_value(nps_metric.id, nps_metric.version, "2026-01-01", 31.0)
    assert dated(store, journey_id) == [("2026-01-01", 30.0), ("2026-02-01", 33.0)]


def test_a_kpi_value_correction_with_a_bad_date_or_value_is_refused(store, journey_id):
    nps_metric = tracked_nps(store, journey_id)
    with pytest.raises(ValidationError, match="not a date"):
        store.correct_metric_value(nps_metric.id, nps_metric.version, "2026-13-01", 1.0)
    with pytest.raises(ValidationError, match="expected a number"):
        store.correct_metric_value(nps_metric.id, nps_metric.version, "2026-01-01", "x")
    with pytest.raises(ValidationError, match="outside the range of nps"):
        kpis.correction("nps", 300.0)
    assert dated(store, journey_id) == [("2026-01-01", 30.0), ("2026-02-01", 33.0)]


def test_values_by_kpi_key_land_in_one_transaction_adding_a_missing_kpi(store, journey_id):
    tracked_nps(store, journey_id)
    added = store.add_metric_values_by_key(
        journey_id,
        [("nps", MetricValue("2026-03-01", 35.0)), ("csat", MetricValue("2026-03-01", 4.5))],
        kpis.new_metric,
    )
    journey = store.load_journey(journey_id)
    assert added == 2
    assert [(v.date, v.value) for v in kpis.find_metric(journey, "csat").values] == [
        ("2026-03-01", 4.5)
    ]
    with pytest.raises(ValidationError, match="not a standard KPI"):
        store.add_metric_values_by_key(
            journey_id,
            [("nps", MetricValue("2026-04-01", 36.0)), ("bogus", MetricValue("2026-04-01", 1))],
            kpis.new_metric,
        )
    assert ("2026-04-01", 36.0) not in dated(store, journey_id)
