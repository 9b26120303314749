"""Chart builders: the data each chart carries, its limits, and that every chart exports."""

import pytest

from journey import charts, formulas, images, kpis
from journey.model import Metric, MetricValue

CAR = {
    "awareness": 14.0,
    "consideration": 30.0,
    "decision": 7.0,
    "retention": 1460.0,
    "advocacy": 365.0,
}


def layer_data(chart) -> list[list[dict]]:
    """The inline rows of every view of a chart's spec, in spec order."""
    spec = chart.to_dict()
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("data"), dict) and "values" in node["data"]:
                found.append(node["data"]["values"])
            for key in ("layer", "hconcat", "vconcat"):
                for child in node.get(key, []):
                    walk(child)

    walk(spec)
    return found


def test_the_timeframe_chart_stacks_three_stages_for_the_buyer_and_five_for_the_customer():
    bars, totals = layer_data(charts.timeframe_chart(CAR))
    buyer = [r for r in bars if r["side"] == "Buyer journey"]
    customer = [r for r in bars if r["side"] == "Customer journey"]
    assert [r["stage"] for r in buyer] == ["Awareness", "Consideration", "Decision"]
    assert [(r["start"], r["end"]) for r in customer] == [
        (0, 14),
        (14, 44),
        (44, 51),
        (51, 1511),
        (1511, 1876),
    ]
    assert totals == [
        {"side": "Buyer journey", "end": 51.0, "label": "51 days"},
        {"side": "Customer journey", "end": 1876.0, "label": "5.1 years"},
    ]
    title = charts.timeframe_chart(CAR).to_dict()["title"]
    assert title["subtitle"] == "The customer journey takes 36.8× as long as the buyer journey"


def test_the_timeframe_chart_counts_missing_durations_as_zero():
    _bars, totals = layer_data(charts.timeframe_chart({"awareness": 5, "retention": None}))
    assert [t["end"] for t in totals] == [5.0, 5.0]
    assert charts.timeframe_chart({}).to_dict()["title"]["subtitle"] == (
        "The buyer journey has no durations yet"
    )


def test_the_timeline_marks_the_purchase_at_the_end_of_the_decision_stage():
    band, bars, _labels, rule, _text = layer_data(charts.timeline_chart(CAR))
    assert band == [{"start": 0.0, "end": 51.0}]
    assert [(r["stage"], r["start"], r["end"], r["side"]) for r in bars] == [
        ("Awareness", 0, 14, "Buyer journey"),
        ("Consideration", 14, 44, "Buyer journey"),
        ("Decision", 44, 51, "Buyer journey"),
        ("Retention", 51, 1511, "After purchase"),
        ("Advocacy", 1511, 1876, "After purchase"),
    ]
    assert [r["label_at"] for r in bars[:3]] == [51, 51, 51]  # labels clear of the rule
    assert rule == [{"day": 51.0, "text": "purchase · day 51"}]


def test_the_funnel_splits_each_stage_into_those_who_go_on_and_those_lost():
    reached = formulas.funnel(1000, [0.5, 0.4, 0.25, 0.6])  # 1000, 500, 200, 50, 30
    bars, labels = layer_data(charts.funnel_chart(reached))
    awareness = [(r["part"], r["people"]) for r in bars if r["stage"] == "Awareness"]
    assert awareness == [("go on to the next stage", 500.0), ("lost before the next stage", 500.0)]
    assert [r["people"] for r in bars if r["stage"] == "Advocacy"] == [30.0]
    assert [row["label"] for row in labels] == [
        "1,000  ·  50% lost",
        "500  ·  60% lost",
        "200  ·  75% lost",
        "50  ·  40% lost",
        "30",
    ]


def trend_row(values, target=400.0, unit="leads"):
    metric = Metric(key="leads", name="Leads", unit=unit, target=target, values=values)
    return kpis.kpi_board(kpis_journey(metric))[0]


def kpis_journey(metric):
    from journey.model import Journey, blank_stages

    return Journey(name="J", stages=blank_stages(), metrics=[metric])


def test_the_kpi_trend_draws_the_values_in_date_order_with_the_target_as_a_rule():
    row = trend_row([MetricValue("2026-02-01", 351), MetricValue("2026-01-01", 328)])
    line, _points, rule, _text = layer_data(charts.kpi_trend_chart(row))
    assert [(r["date"], r["value"]) for r in line] == [("2026-01-01", 328), ("2026-02-01", 351)]
    assert rule == [{"value": 400.0, "text": "target 400"}]


def test_a_kpi_trend_without_a_target_has_no_rule():
    row = trend_row([MetricValue("2026-01-01", 1)], target=None)
    assert len(layer_data(charts.kpi_trend_chart(row))) == 2


def test_a_long_kpi_history_is_charted_as_monthly_means_below_altairs_row_limit():
    values = [
        MetricValue(f"20{y:02d}-{m:02d}-{d:02d}", float(d))
        for y in range(10, 26)
        for m in range(1, 13)
        for d in (1, 11, 21, 28)
    ]
    values = values * 8  # 768 x 8 = 6,144 values: more than Altair accepts in one chart
    line, *_ = layer_data(charts.kpi_trend_chart(trend_row(values)))
    assert len(line) == 16 * 12
    assert line[0] == {"date": "2010-01-01", "value": 15.25, "text": "15.25"}
    assert "monthly means of 6,144 values" in str(
        charts.kpi_trend_chart(trend_row(values)).to_dict()["title"]["subtitle"]
    )


def test_a_share_kpi_is_shown_in_percent():
    row = trend_row([MetricValue("2026-01-01", 0.226)], target=0.25, unit="share")
    spec = charts.kpi_trend_chart(row).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".1~%"
    assert "target 25.0%" in spec["title"]["subtitle"]


def comparison_rows(n):
    return [
        kpis.TimeframeRow(f"J{i}", "P", 1, 10.0, 100.0 + i, (100.0 + i) / 10, i)
        for i in range(1, n + 1)
    ]


def test_the_comparison_chart_shows_buyer_customer_and_ratio_side_by_side():
    spec = charts.timeframe_comparison_chart(comparison_rows(3), highlight=2).to_dict()
    assert len(spec["hconcat"]) == 3
    rows = spec["data"]["values"]
    assert [r["name"] for r in rows] == ["J3 · P", "J2 · P", "J1 · P"]  # longest first
    assert [r["alpha"] for r in rows] == [0.45, 1.0, 0.45]
    assert rows[0]["ratio_text"] == "10.3×"


def test_the_comparison_chart_keeps_the_longest_rows_and_the_highlighted_one():
    rows = comparison_rows(100)
    spec = charts.timeframe_comparison_chart(rows, highlight=1).to_dict()
    names = [r["name"] for r in spec["data"]["values"]]
    assert len(names) == charts.MAX_COMPARISON_ROWS
    assert names[0] == "J100 · P" and names[-1] == "J1 · P"
    assert "40 of 100 shown" in spec["title"]["subtitle"]


def test_persona_rows_say_how_many_journeys_they_average():
    row = kpis.TimeframeRow("Maya", "Maya", 2, 50.0, 1438.0, 28.76)
    spec = charts.timeframe_comparison_chart([row], highlight=7).to_dict()
    assert spec["data"]["values"][0]["name"] == "Maya (2 journeys)"
    assert spec["data"]["values"][0]["alpha"] == 0.9  # nothing to highlight


BASE = formulas.Levers(
    entrants=1000,
    conversion_awareness=0.5,
    conversion_consideration=0.4,
    conversion_decision=0.25,
    order_value=100,
    margin=0.5,
    retention=0.5,
    spend=1000,
)


def test_the_scenario_chart_shows_each_changed_output_in_percent_of_the_baseline():
    rows = formulas.compare(
        BASE,
        {
            "Dearer": formulas.apply(BASE, {"order_value": 110}),
            "Loyal": formulas.apply(BASE, {"retention": 0.6}),
        },
    )
    bars, _up, down, _zero = layer_data(charts.scenario_change_chart(rows))
    assert {(r["scenario"], r["output"]): r["change_pct"] for r in bars}[
        ("Dearer", "Revenue per period")
    ] == pytest.approx(10.0)
    assert {r["output"] for r in bars} == {
        "Revenue per period",
        "Margin per period",
        "ROI",
        "CLV",
        "Discounted CLV",
        "LTV:CAC",
        "CAC payback",
        "Expected lifetime",
    }
    assert down == [r for r in bars if r["change_pct"] < 0]
    subtitle = charts.scenario_change_chart(rows).to_dict()["title"]["subtitle"]
    assert subtitle[1].startswith("Unchanged or undefined: Leads, New customers, CAC")


def test_the_tornado_orders_levers_by_swing_and_leaves_out_those_without_effect():
    rows = formulas.sensitivity(BASE, "clv", 0.1)
    bars, _right, _left, rule = layer_data(charts.tornado_chart(rows, "clv", 0.1))
    levers = list(dict.fromkeys(r["lever"] for r in bars))
    assert levers[0] == "Retention rate"
    assert set(levers) == {"Retention rate", "Order value", "Purchases per period", "Gross margin"}
    assert rule == [{"base": formulas.whatif(BASE).clv}]
    retention = [r for r in bars if r["lever"] == "Retention rate"]
    assert [r["direction"] for r in retention] == ["lever −10%", "lever +10%"]
    assert [r["value"] for r in retention] == [
        pytest.approx(50 * 1 / (1 - 0.45)),
        pytest.approx(50 * 1 / (1 - 0.55)),
    ]
    spec = charts.tornado_chart(rows, "clv", 0.1).to_dict()
    assert "12 lever(s) with no effect not shown" in spec["title"]["subtitle"]


def test_the_tornado_shows_at_most_twelve_levers():
    rows = [
        formulas.SensitivityRow(f"l{i}", f"Lever {i}", 0.9, 1.1, 1.0 - i, 1.0 + i, 2.0 * i, 1.0)
        for i in range(20, 0, -1)
    ]
    bars, *_ = layer_data(charts.tornado_chart(rows, "leads"))
    assert len({r["lever"] for r in bars}) == charts.MAX_TORNADO_BARS


def every_chart():
    reached = formulas.funnel(1000, [0.5, 0.4, 0.25, 0.6])
    compare = formulas.compare(BASE, {"Dearer": formulas.apply(BASE, {"order_value": 110})})
    row = trend_row([MetricValue("2026-01-01", 328), MetricValue("2026-02-01", 351)])
    return {
        "timeframes": charts.timeframe_chart(CAR),
        "timeline": charts.timeline_chart(CAR),
        "comparison": charts.timeframe_comparison_chart(comparison_rows(3), highlight=1),
        "funnel": charts.funnel_chart(reached),
        "trend": charts.kpi_trend_chart(row),
        "scenarios": charts.scenario_change_chart(compare),
        "tornado": charts.tornado_chart(formulas.sensitivity(BASE, "roi"), "roi"),
    }


@pytest.mark.parametrize("name", list(every_chart()))
def test_every_chart_exports_as_png_and_svg(name):
    chart = every_chart()[name]
    assert images.to_png(chart, scale=1).startswith(b"\x89PNG")
    assert "<svg" in images.to_svg(chart)


def test_charts_of_empty_data_still_export():
    empty = [
        charts.timeframe_comparison_chart([]),
        charts.scenario_change_chart([]),
        charts.tornado_chart([], "clv"),
        charts.kpi_trend_chart(trend_row([])),
    ]
    for chart in empty:
        assert "<svg" in images.to_svg(chart)


@pytest.mark.parametrize("text_px", [10, 16])
def test_comparison_rows_are_tall_enough_for_two_label_lines_at_the_text_size(text_px):
    """Presentation mode raises the labels to 16 px: rows sized for 10 px ran the journey
    and persona lines of one row into the next, and Vega-Lite dropped labels."""
    spec = charts.timeframe_comparison_chart(comparison_rows(5), text_px=text_px).to_dict()
    for panel in spec["hconcat"]:
        assert panel["height"] / 5 >= 2 * text_px * 1.25 + text_px / 2
        assert all(layer["mark"]["fontSize"] == text_px for layer in panel["layer"][1:])
    axis = spec["hconcat"][0]["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelFontSize"] == text_px
    assert axis["labelLimit"] >= 30 * text_px * 0.6  # a 30-character journey name is whole


def test_a_row_step_grows_with_the_text_and_its_lines():
    assert charts.row_step(16, lines=2) > charts.row_step(10, lines=2) > charts.row_step(10)
    assert charts.row_step(16, lines=2) >= 2 * 16 * 1.25


@pytest.mark.parametrize("text_px", [12, 16])
def test_a_long_journey_name_wraps_on_up_to_three_lines_and_its_row_grows_with_them(text_px):
    """Presentation mode cut "Buying a family car through the dealership ne…" and the
    persona "Maximiliane Alexandra von Hohenzollern-Sig…": the label wraps instead."""
    journey = "Buying a family car through the dealership network including financing"
    persona = "Maximiliane Alexandra von Hohenzollern-Sigmaringen"
    rows = [
        kpis.TimeframeRow(journey, persona, 1, 51.0, 36_900.0, 723.8, 1),
        kpis.TimeframeRow("Short", "P", 2, 10.0, 100.0, 10.0, 1),
    ]
    spec = charts.timeframe_comparison_chart(rows, text_px=text_px).to_dict()
    label = spec["data"]["values"][0]["label"]
    lines = label.split("\n")
    assert " ".join(lines) == f"{journey} {persona}"  # every word, none cut
    assert 3 <= len(lines) <= 5
    axis = spec["hconcat"][0]["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelExpr"] == "split(datum.label, '\\n')"
    assert all(charts.label_room(text_px, len(line)) <= axis["labelLimit"] for line in lines)
    for panel in spec["hconcat"]:
        assert panel["height"] >= charts.row_step(text_px, lines=len(lines)) * 2


def test_the_scenario_and_tornado_labels_sit_beyond_each_bars_end():
    rows = formulas.compare(BASE, {"Cheaper": formulas.apply(BASE, {"order_value": 90})})
    for chart, x, rightward, channels in (
        (
            charts.scenario_change_chart(rows),
            "change_pct",
            lambda r: r["change_pct"] >= 0,
            {"x", "y", "yOffset", "text"},
        ),
        (
            charts.tornado_chart(formulas.sensitivity(BASE, "clv", 0.1), "clv", 0.1),
            "value",
            lambda r: r["value"] >= r["base"],
            {"x", "y", "text"},
        ),
    ):
        bars, right, left, _rule = layer_data(chart)
        assert right == [r for r in bars if rightward(r)] and right
        assert left == [r for r in bars if not rightward(r)] and left
        marks = [layer["mark"] for layer in chart.to_dict()["layer"][1:3]]
        assert [(m["align"], m["dx"]) for m in marks] == [("left", 4), ("right", -4)]
        for layer in chart.to_dict()["layer"][1:3]:
            assert set(layer["encoding"]) == channels
            assert layer["encoding"]["x"]["field"] == x
            assert layer["encoding"]["text"]["field"] == "text"
