"""Charts of observed timeframes: built from the figures, showing exactly those figures."""

import pathlib

import pytest

from journey import event_charts, events, images, observed
from journey.events import ColumnChoice, Mapping
from journey.kpis import format_days

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "car-buying-events.csv"
COLUMNS = ColumnChoice("customer_id", "timestamp", "event", "value", "segment")
ESTIMATES = {
    "awareness": 14,
    "consideration": 30,
    "decision": 7,
    "retention": 1460,
    "advocacy": 365,
}
CHARTS = [
    event_charts.timeframe_histograms,
    event_charts.observed_funnel_chart,
    event_charts.stage_gap_chart,
    event_charts.segment_chart,
    event_charts.monthly_trend_chart,
    event_charts.estimate_comparison_chart,
]


def figures_of(path, columns, mapping, estimates) -> dict:
    """What observed.figures gives, computed straight from a file (no database)."""
    customers = events.summarise(path, columns, mapping).customers
    report = events.compare_with_estimates(events.report(customers), estimates)
    report["histograms"] = {
        side: observed.histogram(events.distribution(customers, side))
        for side in ("buyer", "customer")
    }
    report["dataset"] = {
        "id": 1,
        "name": path.name,
        "total_rows": 0,
        "events_rows": 0,
        "ignored_rows": 0,
        "customers": report["customers"],
        "created_at": "2026-01-01T00:00:00+00:00",
    }
    return report


@pytest.fixture(scope="module")
def figures() -> dict:
    names = [n for n, _ in events.event_counts(SAMPLE, COLUMNS)]
    return figures_of(SAMPLE, COLUMNS, events.guess_mapping(names), ESTIMATES)


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> dict:
    """Nobody bought, no segment column, no estimates: every chart must still draw."""
    log = tmp_path_factory.mktemp("sparse") / "log.csv"
    log.write_text("c,t,e\na,2026-01-01,visit\na,2026-01-03,compare\nb,2026-02-03,visit\n")
    return figures_of(
        log,
        ColumnChoice("c", "t", "e"),
        Mapping(
            {"visit": "awareness", "compare": "consideration", "purchase": "decision"}, {"purchase"}
        ),
        {},
    )


def rows(chart) -> list[dict]:
    """Every data row in a chart's spec (Altair gathers inline data under "datasets")."""
    return [row for values in chart.to_dict()["datasets"].values() for row in values]


@pytest.mark.parametrize("build", CHARTS, ids=lambda f: f.__name__)
def test_every_chart_builds_a_valid_spec_for_the_sample_and_for_a_sparse_log(
    build, figures, sparse
):
    for data in (figures, sparse):
        spec = build(data).to_dict()  # validates against the Vega-Lite schema
        assert spec["title"]["text"]
        assert sum(len(v) for v in spec["datasets"].values()) < 5_000  # small whatever the log


def test_the_histograms_hold_the_stored_bins_and_mark_median_and_p90(figures):
    data = rows(event_charts.timeframe_histograms(figures))
    bins = [r for r in data if "count" in r and "start" in r]
    assert sum(r["count"] for r in bins) == 2 * figures["buyer_timeframe_days"]["count"]
    rules = {(r["dash"], r["days"]) for r in data if "dash" in r}
    for side in ("buyer", "customer"):
        stats = figures[f"{side}_timeframe_days"]
        assert {("median", stats["median"]), ("p90", stats["p90"])} <= rules


def test_the_funnel_splits_each_stage_into_those_who_go_on_and_those_lost(figures):
    data = rows(event_charts.observed_funnel_chart(figures))
    lost = {
        r["stage"]: r["customers"] for r in data if r.get("part") == "lost before the next stage"
    }
    funnel = figures["funnel"]
    assert lost == {
        "Awareness": funnel[1]["lost"],
        "Consideration": funnel[2]["lost"],
        "Decision": funnel[3]["lost"],
        "Retention": funnel[4]["lost"],
    }
    labels = [r["label"] for r in data if "label" in r]
    assert labels[0] == f"400  ·  {funnel[1]['drop_off']:.0%} lost"


def test_the_stage_gaps_show_median_and_p90_of_each_pair(figures):
    data = [r for r in rows(event_charts.stage_gap_chart(figures)) if "pair" in r]
    assert [(r["pair"], r["median"], r["p90"]) for r in data] == [
        (f"{a} → {b}", g["median"], g["p90"])
        for (a, b), g in zip(
            [
                ("Awareness", "Consideration"),
                ("Consideration", "Decision"),
                ("Decision", "Retention"),
                ("Retention", "Advocacy"),
            ],
            figures["time_between_stages"],
            strict=True,
        )
    ]


def test_the_segment_chart_has_one_row_per_segment_largest_first(figures):
    data = [r for r in rows(event_charts.segment_chart(figures)) if "segment" in r]
    assert [(r["segment"], r["customers"], r["conversion"]) for r in data] == [
        (s["segment"], s["customers"], s["conversion"]) for s in figures["by_segment"]
    ]


def test_only_the_largest_segments_are_drawn_and_the_subtitle_says_so(figures):
    many = {
        **figures,
        "by_segment": [
            {
                "segment": f"s{i}",
                "customers": 100 - i,
                "purchasers": 1,
                "conversion": 0.01,
                "buyer_timeframe_median_days": 3.0,
            }
            for i in range(30)
        ],
    }
    chart = event_charts.segment_chart(many)
    assert len([r for r in rows(chart) if "segment" in r]) == event_charts.MAX_SEGMENTS
    assert "the 20 largest of 30" in chart.to_dict()["title"]["subtitle"]


def test_the_monthly_trend_stacks_purchasers_under_customers(figures):
    data = rows(event_charts.monthly_trend_chart(figures))
    bought = {r["month"]: r["end"] for r in data if r.get("part") == "bought"}
    everyone = {r["month"]: r["end"] for r in data if r.get("part") == "not yet"}
    assert bought == {m["month"]: m["purchasers"] for m in figures["by_month"]}
    assert everyone == {m["month"]: m["customers"] for m in figures["by_month"]}


def test_the_estimate_comparison_flags_the_stages_that_differ_by_more_than_two(figures):
    chart = event_charts.estimate_comparison_chart(figures)
    data = rows(chart)
    flagged = {r["stage"] for r in data if "label" in r and r["flag"]}
    expected = {r["stage"].title() for r in figures["estimated_vs_observed"] if r["flag"]}
    assert flagged == expected == {"Awareness", "Consideration", "Retention", "Advocacy"}
    labels = {r["stage"]: r["label"] for r in data if "label" in r}
    assert labels["Retention"] == "⚠ 53× shorter than the map"  # 27.8 observed, 1,460 estimated
    assert labels["Decision"] == "1.7× shorter than the map"  # 0.60: within a factor of two
    assert chart.to_dict()["title"]["subtitle"] == (
        "4 of 5 stages differ from the map by more than a factor of two (red)"
    )


def test_a_stage_without_an_estimate_shows_only_what_was_observed(sparse):
    data = rows(event_charts.estimate_comparison_chart(sparse))
    labels = {r["stage"]: r["label"] for r in data if "label" in r}
    assert labels == {
        "Awareness": "no estimate",
        "Consideration": "no estimate, not observed",
        "Decision": "no estimate, not observed",
        "Retention": "no estimate, not observed",
        "Advocacy": "no estimate, not observed",
    }  # awareness: observed 2 days
    assert {r["kind"] for r in data if "kind" in r} <= {"observed (median)"}


def test_the_cards_show_count_mean_median_and_p90_of_both_timeframes(figures):
    cards = event_charts.stat_cards(figures)
    for side in ("buyer", "customer"):
        stats = figures[f"{side}_timeframe_days"]
        assert [(label, text) for label, text, _ in cards[side]] == [
            ("Purchasers", f"{stats['count']:,}"),
            ("Mean", format_days(stats["mean"])),
            ("Median", format_days(stats["median"])),
            ("p90", format_days(stats["p90"])),
        ]
        assert all("How is this computed" in help_ for _, _, help_ in cards[side])
    assert cards["buyer"][2][1] == "24.4 days"


def test_the_overview_cards_give_conversion_and_the_repeat_purchase_rate(figures, sparse):
    assert [(label, text) for label, text, _ in event_charts.overview_cards(figures)] == [
        ("Customers", "400"),
        ("Conversion", "25.8%"),
        ("Repeat purchase rate", "11.7%"),
        ("Events used", "0"),
    ]
    assert event_charts.overview_cards(sparse)[2][1] == "n/a"  # no purchasers: no rate


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (2.1, "2.1× longer than the map"),
        (0.019, "53× shorter than the map"),
        (125.0, "125× longer than the map"),
        (1.02, "as on the map"),
        (0.5, "2.0× shorter than the map"),
    ],
)
def test_the_ratio_reads_as_longer_or_shorter_than_the_map(ratio, text):
    assert event_charts.ratio_text(ratio) == text


def test_with_nothing_to_compare_the_comparison_says_so(sparse):
    chart = event_charts.estimate_comparison_chart(
        {
            **sparse,
            "estimated_vs_observed": [
                {**r, "observed_days": None} for r in sparse["estimated_vs_observed"]
            ],
        }
    )
    assert [r["text"] for r in rows(chart)] == [
        "Nothing to compare yet: no stage has an estimate or an observed duration"
    ]


def test_the_comparison_table_has_the_five_stages_then_the_two_journeys(figures):
    table = event_charts.comparison_rows(figures)
    assert [r[""] for r in table] == [
        "Awareness",
        "Consideration",
        "Decision",
        "Retention",
        "Advocacy",
        "Buyer journey",
        "Customer journey",
    ]
    assert [r["differs > 2×"] for r in table[:5]] == ["⚠️ yes", "⚠️ yes", "", "⚠️ yes", "⚠️ yes"]
    assert table[0]["observed ÷ estimated"] == figures["estimated_vs_observed"][0]["ratio"]


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (None, "n/a"),
        (0.25, "6 h"),
        (24.4, "24.4 d"),
        (7.0, "7 d"),
        (133.6, "4.4 mo"),
        (800, "2.2 yr"),
        (-2.5, "-2.5 d"),
    ],
)
def test_short_days_reads_at_a_glance(days, text):
    assert event_charts.short_days(days) == text


def test_the_histograms_and_the_comparison_render_as_png(figures):
    for build in (event_charts.timeframe_histograms, event_charts.estimate_comparison_chart):
        assert images.to_png(build(figures)).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "build, figures_without, heading, note",
    [
        (
            event_charts.segment_chart,
            {"by_segment": []},
            "By segment",
            "No segment column was chosen at import",
        ),
        (
            event_charts.estimate_comparison_chart,
            {"estimated_vs_observed": []},
            "Estimated vs observed stage durations",
            "Nothing to compare yet: no stage has an estimate or an observed duration",
        ),
    ],
)
def test_a_chart_with_nothing_to_draw_says_why_under_its_heading_without_a_frame(
    sparse, build, figures_without, heading, note
):
    for title, shown in (("", heading), ("Mine", "Mine")):
        spec = build({**sparse, **figures_without}, title=title).to_dict()
        assert [r["text"] for rows in spec["datasets"].values() for r in rows] == [note]
        assert spec["title"]["text"] == shown and spec["title"]["anchor"] == "start"
        assert spec["config"]["view"]["stroke"] is None
