"""The one number formatter, against figures worked out by hand."""

import pytest

from journey import formatting as fmt


def test_people_are_whole_numbers_with_thousands_separators():
    assert [fmt.people(v) for v in (1007.6, 453.6, 12000, 0, None)] == [
        "1,008",
        "454",
        "12,000",
        "0",
        "n/a",
    ]


def test_money_uses_the_configured_currency_whole_above_a_hundred(monkeypatch):
    monkeypatch.delenv("JOURNEY_CURRENCY", raising=False)
    assert [fmt.money(v) for v in (4250.4, 12.5, -80, None)] == [
        "€4,250",
        "€12.50",
        "-€80.00",
        "n/a",
    ]
    monkeypatch.setenv("JOURNEY_CURRENCY", "usd")
    assert fmt.money(1_234_567) == "$1,234,567"
    monkeypatch.setenv("JOURNEY_CURRENCY", "CHF")
    assert fmt.money(4250) == "4,250 CHF"
    assert fmt.money(99.999, "GBP") == "£100.00"


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (28, "4 weeks"),
        (7, "1 week"),
        (0.25, "6 hours"),
        (30, "30 days"),
        (51, "51 days"),
        (365.25, "1 year"),
        (365, "1 year"),
        (90, "3 months"),
        (1876, "5.1 years"),
        (42, "6 weeks"),
        (91.3125, "3 months"),
        (0, "0 days"),
        (None, "n/a"),
    ],
)
def test_a_duration_is_in_the_unit_that_divides_it_else_the_nearest_long_unit(days, text):
    assert fmt.duration(days) == text


def test_a_short_duration_fits_a_chart_label():
    assert [fmt.duration(d, short=True) for d in (0.25, 24, 134, 438.3, 876.6)] == [
        "6 h",
        "24 d",
        "4.4 mo",
        "14.4 mo",
        "2.4 yr",
    ]


def test_shares_ratios_and_figures_by_unit():
    assert fmt.percent(0.226) == "22.6%"
    assert fmt.ratio(3.24) == "3.2×"
    assert fmt.figure(1007.6, "people") == "1,008"
    assert fmt.figure(0.25, "share") == "25.0%"
    assert fmt.figure(4250, "EUR") == "€4,250"
    assert fmt.figure(2.5, "periods") == "2.5 periods"
    assert fmt.figure(4.1, "score 1-5") == "4.1"
    assert fmt.figure(float("nan"), "people") == "n/a"


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (88_148_147_346, "money", "€88.1B"),
        (-2_500_000, "money", "-€2.5M"),
        (5_000_000, "CHF", "5M CHF"),
        (1_234_567, "people", "1.2M"),
        (1_234_567, "visits", "1.2M"),
        (999_000, "money", "€999,000"),
        (999_999, "money", "€1M"),
        (4_250, "money", "€4,250"),
        (22_036.037, "share", "2.2M%"),
        (9_999.0, "share", "999,900.0%"),
        (3_400_000, "ratio", "3.4M×"),
        (73_456.8, "ratio", "73,456.8×"),
        (5e9, "days", "13,689,253.9 years"),  # durations keep their unit
        (None, "money", "n/a"),
    ],
)
def test_a_metric_card_shows_large_figures_compactly(value, unit, text):
    assert fmt.figure(value, unit, compact=True) == text


def test_a_compact_figure_keeps_its_exact_value_in_the_help():
    assert fmt.figure_help(88_148_147_346, "money", "Revenue.") == (
        "Revenue.\n\nExact: €88,148,147,346"
    )
    assert fmt.figure_help(4_250, "money", "Revenue.") == "Revenue."


def test_a_compact_figure_beyond_a_thousand_trillion_is_a_power_of_ten_not_a_long_number():
    assert fmt.figure(999_999_999_999_000_064e6, "EUR", compact=True) == "€1.0e24"
    assert fmt.figure(-2.5e17, "people", compact=True) == "-2.5e17"
    assert fmt.figure(1e21, "share", compact=True) == "1.0e23%"
    assert fmt.figure(999.9e12, "EUR", compact=True) == "€999.9T"  # still a suffix
