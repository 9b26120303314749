"""The number engine, against numbers worked out by hand.

Most tests use one small journey, worked through here once:

    entrants 1000; conversions awareness 0.5, consideration 0.4, decision 0.25, retention 0.6
    reached:  awareness 1000 -> consideration 500 -> decision 200 -> retention 50 -> advocacy 30
    leads = 500 (reach consideration); customers = 1000 x 0.5 x 0.4 x 0.25 = 50

    durations (days): 10, 20, 5, 300, 65
    buyer timeframe = 10 + 20 + 5 = 35; customer timeframe = 35 + 300 + 65 = 400; ratio 400/35

    order value 200, 2 purchases per period, margin 0.25, retention 0.5, discount 0.1,
    spend 4000, period 365 days
    m (margin per customer per period) = 200 x 2 x 0.25 = 100
    revenue = 50 x 200 x 2 = 20,000; margin revenue = 20,000 x 0.25 = 5,000
    CAC = 4000 / 50 = 80; ROI = (5000 - 4000) / 4000 = 0.25
    lifetime = 1 / (1 - 0.5) = 2 periods; CLV = 100 x 2 = 200
    discounted CLV = 100 x 0.5 / (1 + 0.1 - 0.5) = 50 / 0.6 = 83.333...
    LTV:CAC = 200 / 80 = 2.5; payback = 80 / 100 = 0.8 periods = 0.8 x 365 = 292 days
"""

import dataclasses
import math

import pytest

from journey import formulas as f
from journey.model import Assumptions, Journey, blank_stages

CONVERSIONS = [0.5, 0.4, 0.25, 0.6]
REACHED = [1000.0, 500.0, 200.0, 50.0, 30.0]
DURATIONS = [10, 20, 5, 300, 65]

LEVERS = f.Levers(
    entrants=1000,
    conversion_awareness=0.5,
    conversion_consideration=0.4,
    conversion_decision=0.25,
    conversion_retention=0.6,
    duration_awareness=10,
    duration_consideration=20,
    duration_decision=5,
    duration_retention=300,
    duration_advocacy=65,
    order_value=200,
    purchases_per_period=2,
    margin=0.25,
    retention=0.5,
    discount_rate=0.1,
    spend=4000,
    period_days=365,
)


# ---------------------------------------------------------------------------- funnel


def test_funnel_multiplies_each_stage_by_the_previous_stage_conversion():
    assert f.funnel(1000, CONVERSIONS) == pytest.approx(REACHED)


def test_funnel_ignores_the_advocacy_conversion():
    # the fifth conversion leads nowhere: same reach with or without it
    assert f.funnel(1000, [*CONVERSIONS, 0.9]) == pytest.approx(REACHED)


def test_funnel_counts_a_missing_conversion_as_nobody_getting_further():
    # decision not filled in: 1000 -> 500 -> 200 -> 0 -> 0, whatever retention says
    assert f.funnel(1000, [0.5, 0.4, None, 0.6]) == pytest.approx([1000, 500, 200, 0, 0])


def test_funnel_with_a_short_list_treats_the_missing_stages_as_not_filled_in():
    assert f.funnel(1000, [0.5]) == pytest.approx([1000, 500, 0, 0, 0])


def test_funnel_with_a_zero_conversion_empties_every_later_stage():
    assert f.funnel(1000, [0.0, 0.4, 0.25, 0.6]) == pytest.approx([1000, 0, 0, 0, 0])


@pytest.mark.parametrize("bad", [1.5, -0.1, math.nan])
def test_funnel_refuses_a_conversion_outside_zero_to_one(bad):
    with pytest.raises(ValueError, match="consideration conversion"):
        f.funnel(1000, [0.5, bad, 0.25, 0.6])


def test_funnel_refuses_negative_entrants_and_too_many_conversions():
    with pytest.raises(ValueError, match="entrants"):
        f.funnel(-1, CONVERSIONS)
    with pytest.raises(ValueError, match="at most 5"):
        f.funnel(1000, [0.5] * 6)


def test_step_conversions_divide_each_stage_by_the_one_before():
    assert f.step_conversions(REACHED) == pytest.approx([None, 0.5, 0.4, 0.25, 0.6])


def test_step_conversion_after_an_empty_stage_is_undefined():
    # 1000 -> 0 -> 0: 0/1000 = 0, then 0/0 is undefined
    assert f.step_conversions([1000, 0, 0]) == [None, 0.0, None]


def test_overall_conversion_divides_each_stage_by_the_entrants():
    # 1000/1000, 500/1000, 200/1000, 50/1000, 30/1000
    assert f.overall_conversion(REACHED) == pytest.approx([1.0, 0.5, 0.2, 0.05, 0.03])


def test_overall_conversion_without_entrants_is_undefined():
    assert f.overall_conversion([0, 0, 0, 0, 0]) == [None] * 5
    assert f.overall_conversion([]) == []


def test_drop_off_counts_the_people_lost_on_the_way_to_each_next_stage():
    # lost: 1000-500 = 500 (0.5), 500-200 = 300 (0.6), 200-50 = 150 (0.75), 50-30 = 20 (0.4)
    rows = f.drop_off(REACHED)
    assert [(r.stage, r.next_stage) for r in rows] == [
        ("awareness", "consideration"),
        ("consideration", "decision"),
        ("decision", "retention"),
        ("retention", "advocacy"),
    ]
    assert [r.lost for r in rows] == pytest.approx([500, 300, 150, 20])
    assert [r.share for r in rows] == pytest.approx([0.5, 0.6, 0.75, 0.4])


def test_drop_off_share_is_undefined_when_nobody_reached_the_stage():
    rows = f.drop_off([100, 0, 0])
    assert [(r.lost, r.share) for r in rows] == [(100, 1.0), (0, None)]


def test_leads_are_the_people_who_reach_consideration():
    # 1000 x 0.5
    assert f.leads(1000, CONVERSIONS) == pytest.approx(500)


def test_customers_multiply_the_three_buyer_conversions():
    # 1000 x 0.5 x 0.4 x 0.25 = 50; the retention conversion plays no part
    assert f.customers(1000, CONVERSIONS) == pytest.approx(50)
    assert f.customers(1000, [0.5, 0.4, 0.25, 0.0]) == pytest.approx(50)


def test_customers_are_the_people_who_reach_retention():
    assert f.customers(1000, CONVERSIONS) == pytest.approx(f.funnel(1000, CONVERSIONS)[3])


def test_no_purchase_rate_means_no_customers():
    assert f.customers(1000, [0.5, 0.4, None]) == 0.0


# ---------------------------------------------------------------------------- timeframes


def test_buyer_timeframe_adds_the_first_three_stage_durations():
    # 10 + 20 + 5
    assert f.buyer_timeframe(DURATIONS) == pytest.approx(35)


def test_customer_timeframe_adds_the_post_purchase_durations_to_the_buyer_timeframe():
    # 35 + 300 + 65
    assert f.customer_timeframe(DURATIONS) == pytest.approx(400)


def test_customer_timeframe_with_an_expected_lifetime_replaces_the_post_purchase_stages():
    # 35 + 730 (two years): the 300 and 65 are not added
    assert f.customer_timeframe(DURATIONS, expected_lifetime_days=730) == pytest.approx(765)


def test_timeframes_accept_a_mapping_by_stage_with_missing_stages_as_zero():
    durations = {"awareness": 7, "decision": 3, "advocacy": 90}
    assert f.buyer_timeframe(durations) == pytest.approx(10)
    assert f.customer_timeframe(durations) == pytest.approx(100)


def test_timeframes_refuse_an_unknown_stage_or_a_negative_duration():
    with pytest.raises(ValueError, match="'purchase'"):
        f.buyer_timeframe({"purchase": 3})
    with pytest.raises(ValueError, match="consideration duration"):
        f.buyer_timeframe([1, -2, 3])


def test_timeframe_ratio_is_the_customer_timeframe_over_the_buyer_timeframe():
    # 400 / 35 = 11.428...
    assert f.timeframe_ratio(35, 400) == pytest.approx(11.428571, rel=1e-6)
    assert f.timeframe_ratio(0, 400) is None


# ---------------------------------------------------------------------------- money


def test_revenue_is_customers_times_order_value_times_purchases():
    # 50 x 200 x 2
    assert f.revenue(50, 200, 2) == pytest.approx(20_000)


def test_expected_lifetime_is_one_over_churn():
    # 1 / (1 - 0.5) = 2; 1 / (1 - 0.75) = 4
    assert f.expected_lifetime(0.5) == pytest.approx(2)
    assert f.expected_lifetime(0.75) == pytest.approx(4)


def test_expected_lifetime_with_no_retention_is_the_first_period_only():
    assert f.expected_lifetime(0.0) == pytest.approx(1)


def test_expected_lifetime_with_full_retention_is_capped():
    assert f.expected_lifetime(1.0) == 50.0
    # 1 / (1 - 0.99) = 100, above the cap of 50
    assert f.expected_lifetime(0.99) == pytest.approx(50)
    # 1 / (1 - 0.9) = 10, above a cap of 5
    assert f.expected_lifetime(0.9, cap=5) == pytest.approx(5)


@pytest.mark.parametrize("bad", [-0.1, 1.2])
def test_expected_lifetime_refuses_retention_outside_zero_to_one(bad):
    with pytest.raises(ValueError, match="retention"):
        f.expected_lifetime(bad)


def test_clv_simple_is_margin_per_period_times_lifetime():
    # 200 x 2 x 0.25 = 100 per period, x 2 periods
    assert f.clv_simple(200, 2, 0.25, 0.5) == pytest.approx(200)


def test_clv_simple_with_full_retention_uses_the_capped_lifetime():
    # 100 x 50
    assert f.clv_simple(200, 2, 0.25, 1.0) == pytest.approx(5000)


def test_clv_discounted_is_m_r_over_one_plus_d_minus_r():
    # 100 x 0.5 / (1 + 0.1 - 0.5) = 50 / 0.6
    assert f.clv_discounted(200, 2, 0.25, 0.5, 0.1) == pytest.approx(83.333333)


def test_clv_discounted_equals_the_sum_of_discounted_margins_after_the_first_period():
    # sum over t >= 1 of 100 x 0.5**t / 1.1**t; the series converges long before t = 500
    series = sum(100 * (0.5 / 1.1) ** t for t in range(1, 500))
    assert f.clv_discounted(200, 2, 0.25, 0.5, 0.1) == pytest.approx(series)


def test_clv_discounted_can_include_the_first_purchase():
    # 100 + 83.33 = 100 x 1.1 / 0.6 = 183.33
    value = f.clv_discounted(200, 2, 0.25, 0.5, 0.1, include_first_purchase=True)
    assert value == pytest.approx(183.333333)


def test_clv_discounted_without_retention_is_zero():
    # nobody comes back after the first purchase, which this variant leaves out
    assert f.clv_discounted(200, 2, 0.25, 0.0, 0.1) == 0.0


def test_clv_discounted_is_undefined_with_full_retention_and_no_discount():
    # 1 + 0 - 1 = 0: the sum never ends
    assert f.clv_discounted(200, 2, 0.25, 1.0, 0.0) is None
    # with a discount it is finite: 100 x 1 / 0.1 = 1000
    assert f.clv_discounted(200, 2, 0.25, 1.0, 0.1) == pytest.approx(1000)


def test_cac_is_spend_over_new_customers():
    assert f.cac(4000, 50) == pytest.approx(80)


def test_cac_without_customers_or_without_spend_entered_is_undefined():
    assert f.cac(4000, 0) is None
    assert f.cac(None, 50) is None


def test_a_spend_of_zero_is_a_cac_of_zero():
    assert f.cac(0, 50) == 0


def test_roi_is_margin_revenue_less_spend_over_spend():
    # (5000 - 4000) / 4000 = 0.25; (3000 - 4000) / 4000 = -0.25
    assert f.roi(5000, 4000) == pytest.approx(0.25)
    assert f.roi(3000, 4000) == pytest.approx(-0.25)


def test_roi_without_spend_is_undefined():
    assert f.roi(5000, 0) is None
    assert f.roi(5000, None) is None


def test_ltv_to_cac_divides_clv_by_cac():
    # 200 / 80
    assert f.ltv_to_cac(200, 80) == pytest.approx(2.5)
    assert f.ltv_to_cac(200, None) is None
    assert f.ltv_to_cac(200, 0) is None


def test_payback_is_cac_over_margin_per_period():
    # 80 / (200 x 2 x 0.25) = 0.8 periods = 0.8 x 365 = 292 days
    assert f.payback_periods(80, 200, 2, 0.25) == pytest.approx(0.8)
    assert f.payback_days(80, 200, 2, 0.25, 365) == pytest.approx(292)


def test_payback_is_undefined_without_margin_or_cac():
    assert f.payback_periods(80, 200, 2, 0.0) is None
    assert f.payback_periods(None, 200, 2, 0.25) is None
    assert f.payback_days(None, 200, 2, 0.25, 365) is None


# ---------------------------------------------------------------------------- satisfaction


def test_nps_subtracts_the_share_of_detractors_from_the_share_of_promoters():
    # promoters 10, 10, 9 (3 of 5 = 60%); detractor 3 (1 of 5 = 20%); 8 is passive: 60 - 20
    assert f.nps([10, 10, 9, 8, 3]) == pytest.approx(40)


def test_nps_counts_seven_and_eight_as_passives_and_six_as_a_detractor():
    # promoters 9, 10 (2); detractors 6, 0 (2); passives 7, 8: (2 - 2) / 6 = 0
    assert f.nps([10, 9, 8, 7, 6, 0]) == pytest.approx(0)
    assert f.nps([7, 8, 8]) == 0.0


def test_nps_of_all_promoters_is_100_and_of_all_detractors_minus_100():
    assert f.nps([9, 10, 10]) == 100.0
    assert f.nps(iter([0, 6, 3])) == -100.0


def test_nps_without_scores_is_undefined():
    assert f.nps([]) is None


@pytest.mark.parametrize("bad", [11, -1, 8.5, "9", True])
def test_nps_refuses_a_score_outside_zero_to_ten(bad):
    with pytest.raises(ValueError, match="0 to 10"):
        f.nps([9, bad])


def test_csat_percent_satisfied_counts_the_top_two_boxes():
    # 5, 4, 5 are satisfied: 3 of 5 = 60%
    assert f.csat([5, 4, 3, 2, 5]) == pytest.approx(60)
    assert f.csat([5, 4, 3, 2, 5], mode="percent_satisfied") == pytest.approx(60)


def test_csat_mean_is_the_average_score():
    # (5 + 4 + 3 + 2 + 5) / 5 = 19 / 5
    assert f.csat([5, 4, 3, 2, 5], mode="mean") == pytest.approx(3.8)


def test_csat_top_two_boxes_follow_the_scale():
    # on a 10-point scale 9 and 10 are satisfied: 2 of 3
    assert f.csat([10, 9, 8], scale=10) == pytest.approx(66.666667)


def test_csat_without_scores_is_undefined_in_both_modes():
    assert f.csat([]) is None
    assert f.csat([], mode="mean") is None


def test_csat_refuses_scores_outside_the_scale_and_unknown_modes():
    with pytest.raises(ValueError, match="1 to 5"):
        f.csat([5, 6])
    with pytest.raises(ValueError, match="1 to 5"):
        f.csat([0, 5])
    with pytest.raises(ValueError, match="median"):
        f.csat([5], mode="median")
    with pytest.raises(ValueError, match="scale"):
        f.csat([1], scale=1)


# ---------------------------------------------------------------------------- what-if


def test_whatif_computes_every_output_of_the_worked_example():
    outcome = f.whatif(LEVERS)
    assert outcome.as_dict() == pytest.approx(
        {
            "leads": 500,
            "customers": 50,
            "revenue": 20_000,
            "margin_revenue": 5_000,
            "cac": 80,
            "roi": 0.25,
            "expected_lifetime_periods": 2,
            "clv": 200,
            "clv_discounted": 83.333333,
            "ltv_to_cac": 2.5,
            "payback_days": 292,
            "buyer_timeframe_days": 35,
            "customer_timeframe_days": 400,
            "timeframe_ratio": 11.428571,
        }
    )


def test_whatif_without_customers_leaves_cac_ltv_to_cac_and_payback_undefined():
    outcome = f.whatif(f.apply(LEVERS, {"conversion_decision": 0}))
    assert outcome.customers == 0
    assert outcome.cac is None
    assert outcome.ltv_to_cac is None
    assert outcome.payback_days is None
    # all spend, no margin: (0 - 4000) / 4000
    assert outcome.roi == pytest.approx(-1)


def test_whatif_without_spend_entered_leaves_cac_roi_ltv_to_cac_and_payback_undefined():
    outcome = f.whatif(f.apply(LEVERS, {"spend": None}))
    assert (outcome.cac, outcome.roi, outcome.ltv_to_cac, outcome.payback_days) == (
        None,
        None,
        None,
        None,
    )
    assert outcome.clv == pytest.approx(200)


def test_whatif_with_a_spend_of_zero_has_cac_and_payback_zero_and_roi_and_ltv_to_cac_undefined():
    # CAC = 0 / 50 = 0; payback = 0 / 100 periods = 0 days; ROI = (5000 - 0) / 0 and
    # LTV:CAC = 200 / 0 have no value
    outcome = f.whatif(f.apply(LEVERS, {"spend": 0}))
    assert (outcome.cac, outcome.payback_days) == (0, 0)
    assert (outcome.roi, outcome.ltv_to_cac) == (None, None)


def test_whatif_on_default_levers_raises_nothing():
    outcome = f.whatif(f.Levers())
    assert outcome.customers == 0
    assert outcome.timeframe_ratio is None


def test_levers_from_journey_reads_stage_conversions_durations_and_assumptions():
    journey = Journey(
        name="Buying a car",
        stages=blank_stages(),
        assumptions=Assumptions(
            entrants=2000,
            order_value=30_000,
            purchases_per_period=0.2,
            margin=0.12,
            retention=0.7,
            discount_rate=0.08,
            spend=150_000,
            period_days=365,
        ),
    )
    for key, conversion, days in [
        ("awareness", 0.5, 14),
        ("consideration", 0.4, 30),
        ("decision", None, 7),
        ("retention", 0.6, 1095),
        ("advocacy", 0.9, 365),
    ]:
        journey.stage(key).conversion = conversion
        journey.stage(key).duration_days = days
    assert f.levers_from_journey(journey) == f.Levers(
        entrants=2000,
        conversion_awareness=0.5,
        conversion_consideration=0.4,
        conversion_decision=0.0,  # not filled in
        conversion_retention=0.6,
        duration_awareness=14,
        duration_consideration=30,
        duration_decision=7,
        duration_retention=1095,
        duration_advocacy=365,
        order_value=30_000,
        purchases_per_period=0.2,
        margin=0.12,
        retention=0.7,
        discount_rate=0.08,
        spend=150_000,
        period_days=365,
    )


def test_levers_from_a_blank_journey_have_zero_conversions_and_durations():
    levers = f.levers_from_journey(Journey(name="Blank", stages=blank_stages()))
    assert levers == f.Levers()


def test_apply_returns_a_copy_with_the_changes():
    changed = f.apply(LEVERS, {"spend": 2000, "retention": 0.6})
    assert (changed.spend, changed.retention) == (2000, 0.6)
    assert (LEVERS.spend, LEVERS.retention) == (4000, 0.5)
    assert dataclasses.replace(changed, spend=4000, retention=0.5) == LEVERS


def test_apply_refuses_an_unknown_lever_and_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown lever 'churn'") as excinfo:
        f.apply(LEVERS, {"churn": 0.1})
    assert "retention" in str(excinfo.value)
    assert "period_days" in str(excinfo.value)


def test_levers_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        LEVERS.spend = 1  # type: ignore[misc]


def test_every_lever_and_every_output_is_described():
    assert set(f.LEVER_INFO) == {fl.name for fl in dataclasses.fields(f.Levers)}
    assert set(f.OUTPUT_INFO) == {fl.name for fl in dataclasses.fields(f.Outcome)}
    assert all(info.explain and info.label for info in f.OUTPUT_INFO.values())
    units = {"people", "share", "days", "money", "purchases"}
    assert all(info.unit in units and info.min < info.max for info in f.LEVER_INFO.values())


def test_slider_range_for_a_share_is_always_zero_to_one():
    assert f.slider_range("retention", 0.95) == (0.0, 1.0, 0.01)


def test_slider_range_keeps_the_default_when_it_holds_twice_the_value():
    # 2 x 500 = 1000, the default max
    assert f.slider_range("order_value", 500) == (0.0, 1000.0, 1.0)


def test_slider_range_widens_to_a_round_max_of_at_least_twice_the_value():
    # 2 x 3000 = 6000 -> 10,000, step about a thousandth of it
    assert f.slider_range("order_value", 3000) == (0.0, 10_000.0, 10.0)
    # 2 x 5000 days = 10,000 days; durations keep a step of one day
    assert f.slider_range("duration_retention", 5000) == (0.0, 10_000.0, 1.0)
    with pytest.raises(ValueError, match="unknown lever"):
        f.slider_range("price", 1)


def test_format_output_formats_by_unit_and_shows_undefined_as_n_a(monkeypatch):
    monkeypatch.delenv("JOURNEY_CURRENCY", raising=False)
    assert f.format_output("roi", 0.25) == "25.0%"
    assert f.format_output("revenue", 20_000) == "€20,000"
    assert f.format_output("customers", 1007.6) == "1,008"
    assert f.format_output("buyer_timeframe_days", 42) == "6 weeks"
    assert f.format_output("cac", None) == "n/a"


# ---------------------------------------------------------------------------- sensitivity

CLV_LEVERS = f.Levers(order_value=100, purchases_per_period=1, margin=0.5, retention=0.8)


def test_sensitivity_ranks_the_lever_that_moves_the_output_most_first():
    # CLV = 100 x 1 x 0.5 x 1/(1 - 0.8) = 50 x 5 = 250
    # retention 0.72 -> 50 / 0.28 = 178.57; 0.88 -> 50 / 0.12 = 416.67; swing 238.10
    # order value 90 -> 225, 110 -> 275: swing 50; purchases and margin the same
    rows = f.sensitivity(CLV_LEVERS, "clv")
    assert [r.lever for r in rows[:4]] == [
        "retention",
        "order_value",
        "purchases_per_period",
        "margin",
    ]
    top = rows[0]
    assert (top.low_value, top.high_value) == pytest.approx((0.72, 0.88))
    assert (top.output_low, top.output_high) == pytest.approx((178.571429, 416.666667))
    assert top.swing == pytest.approx(238.095238)
    assert top.output_base == pytest.approx(250)
    assert [r.swing for r in rows[1:4]] == pytest.approx([50, 50, 50])


def test_sensitivity_gives_levers_that_do_not_touch_the_output_zero_swing():
    rows = f.sensitivity(CLV_LEVERS, "clv")
    # every lever but period_days, and spend, which is not entered here
    assert len(rows) == len(f.LEVER_INFO) - 2
    assert "period_days" not in {r.lever for r in rows}
    assert all(r.swing == 0 for r in rows[4:])


def test_sensitivity_of_a_lever_at_zero_is_zero():
    # customer timeframe = 10 + 100 + 0: retention 90..110 swings 20; advocacy 0 stays 0
    levers = f.Levers(duration_awareness=10, duration_retention=100, duration_advocacy=0)
    rows = {r.lever: r for r in f.sensitivity(levers, "customer_timeframe_days")}
    assert rows["duration_retention"].swing == pytest.approx(20)
    assert rows["duration_awareness"].swing == pytest.approx(2)
    assert rows["duration_advocacy"].swing == 0


def test_sensitivity_clamps_shares_to_one():
    # decision conversion 1.0 moves down to 0.9 but not up past 1.0
    levers = f.apply(LEVERS, {"conversion_decision": 1.0})
    row = next(r for r in f.sensitivity(levers, "customers") if r.lever == "conversion_decision")
    # customers 1000 x 0.5 x 0.4 x 0.9 = 180 and x 1.0 = 200
    assert (row.low_value, row.high_value) == (pytest.approx(0.9), 1.0)
    assert (row.output_low, row.output_high) == pytest.approx((180, 200))


def test_sensitivity_leaves_out_levers_where_the_output_is_undefined():
    # without spend entered there is no CAC, whichever lever moves
    assert f.sensitivity(f.apply(LEVERS, {"spend": None}), "cac") == []


def test_sensitivity_refuses_an_unknown_output_or_a_bad_step():
    with pytest.raises(ValueError, match="unknown output 'profit'"):
        f.sensitivity(LEVERS, "profit")
    with pytest.raises(ValueError, match="step"):
        f.sensitivity(LEVERS, "clv", step=0)


# ---------------------------------------------------------------------------- compare


def test_compare_lists_every_output_of_every_scenario_against_the_baseline():
    rows = f.compare(LEVERS, {"half spend": f.apply(LEVERS, {"spend": 2000}), "same": LEVERS})
    assert len(rows) == 2 * len(f.OUTPUT_INFO)
    by_key = {(r["scenario"], r["output"]): r for r in rows}
    # CAC 4000/50 = 80 -> 2000/50 = 40: change -40, -50%
    cac = by_key[("half spend", "cac")]
    assert (cac["baseline"], cac["value"], cac["change"]) == pytest.approx((80, 40, -40))
    assert cac["change_pct"] == pytest.approx(-50)
    # LTV:CAC 200/80 = 2.5 -> 200/40 = 5: +100%
    assert by_key[("half spend", "ltv_to_cac")]["change_pct"] == pytest.approx(100)
    # leads do not depend on spend
    leads = by_key[("half spend", "leads")]
    assert (leads["change"], leads["change_pct"]) == (0, 0)
    assert all(r["change"] == 0 for r in rows if r["scenario"] == "same")


def test_compare_change_pct_is_undefined_against_a_zero_or_missing_baseline():
    baseline = f.apply(LEVERS, {"retention": 0.0, "spend": None})
    scenario = f.apply(LEVERS, {"retention": 0.5, "spend": None})
    by_output = {r["output"]: r for r in f.compare(baseline, {"keep more": scenario})}
    # discounted CLV 0 -> 83.33: a change, but no percentage of 0
    clv = by_output["clv_discounted"]
    assert clv["change"] == pytest.approx(83.333333)
    assert clv["change_pct"] is None
    # CAC undefined on both sides
    assert (by_output["cac"]["change"], by_output["cac"]["change_pct"]) == (None, None)


def test_compare_change_pct_keeps_the_direction_for_a_negative_baseline():
    # ROI -0.5 (margin 2000 vs spend 4000) -> -0.25 (3000 vs 4000): up by 0.25, +50%
    baseline = f.apply(LEVERS, {"margin": 0.1})  # margin revenue 20,000 x 0.1 = 2000
    scenario = f.apply(LEVERS, {"margin": 0.15})  # 3000
    row = next(r for r in f.compare(baseline, {"s": scenario}) if r["output"] == "roi")
    assert (row["baseline"], row["value"]) == pytest.approx((-0.5, -0.25))
    assert row["change_pct"] == pytest.approx(50)
