"""The number engine: funnel, timeframes, money, satisfaction and what-if, as pure functions.

Every figure Journey Lab shows is computed here, from plain floats, with no I/O, no Streamlit
and no SQL, so each one can be unit-tested against numbers worked out by hand and explained
beside the figure (:data:`OUTPUT_INFO` holds the "how is this computed" sentence for each).

Conventions:

- A *conversion* is the share of the people at a stage who go on to the next one, ``0..1``.
  Stage ``k`` is reached by ``reached[k-1] x conversion[k-1]``. A conversion that is ``None``
  has not been filled in yet and counts as ``0.0``: nobody is assumed to get further.
- The decision stage's conversion *is the purchase rate*: the people who reach retention are
  the customers. The advocacy stage's conversion leads nowhere and is ignored.
- A *period* is the unit of the economic assumptions (one year by default, ``period_days``):
  purchases per period, retention from one period to the next, discount rate per period.
- A figure that is undefined (a ratio with a zero denominator, a CAC without customers) is
  ``None``, never ``NaN`` or infinity, so it serialises to JSON and a page can show "n/a".
- Inputs that cannot be right (a conversion of 1.3, an NPS score of 11) raise ``ValueError``
  with a message that names the value.

The what-if part bundles every input into :class:`Levers` and every output into
:class:`Outcome`; :func:`whatif` maps one to the other, :func:`sensitivity` moves each lever by
the same relative step to rank them (the tornado chart), and :func:`compare` lines saved
scenarios up against a baseline.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journey import formatting
from journey.model import (
    ASSUMPTION_DEFAULTS,
    ASSUMPTION_FIELDS,
    BUYER_STAGES,
    MAX_DAYS,
    MAX_MONEY,
    MAX_PEOPLE,
    MAX_PURCHASES,
    STAGES,
    ValidationError,
)

if TYPE_CHECKING:
    from journey.model import Journey

Number = float | int

# ---------------------------------------------------------------------------- checks


def _check_share(value: Number, name: str) -> float:
    """A share in 0..1, as a float, or ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return float(value)


def _check_non_negative(value: Number, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be zero or more, got {value!r}")
    return float(value)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


# ---------------------------------------------------------------------------- funnel


def funnel(entrants: float, conversions: Sequence[float | None]) -> list[float]:
    """People reaching each of the five stages, from the entrants and each stage's conversion.

    ``conversions`` lists the stages' conversions in stage order (four or five of them; a
    shorter list counts the missing ones as ``None``; the fifth, advocacy, is ignored).
    ``None`` means "not filled in" and counts as 0.0, so nobody reaches the stages beyond it.

    >>> funnel(1000, [0.5, 0.4, 0.25, 0.6])
    [1000.0, 500.0, 200.0, 50.0, 30.0]
    """
    entrants = _check_non_negative(entrants, "entrants")
    if len(conversions) > len(STAGES):
        raise ValueError(
            f"expected at most {len(STAGES)} conversions (one per stage), got {len(conversions)}"
        )
    reached = [entrants]
    for k in range(1, len(STAGES)):
        conversion = conversions[k - 1] if k - 1 < len(conversions) else None
        name = f"{STAGES[k - 1]} conversion"
        share = 0.0 if conversion is None else _check_share(conversion, name)
        reached.append(reached[-1] * share)
    return reached


def step_conversions(reached: Sequence[float]) -> list[float | None]:
    """Reached stage k / reached stage k-1; None for the first stage and after an empty one."""
    return [None] + [_ratio(reached[k], reached[k - 1]) for k in range(1, len(reached))]


def overall_conversion(reached: Sequence[float]) -> list[float | None]:
    """Reached stage k / entered the first stage (1.0 for the first); None when nobody entered."""
    if not reached:
        return []
    return [_ratio(r, reached[0]) for r in reached]


@dataclass(frozen=True)
class DropOff:
    """People lost between a stage and the next one."""

    stage: str
    next_stage: str
    reached: float
    next_reached: float
    lost: float  # reached - next_reached
    share: float | None  # lost / reached; None when nobody reached the stage


def drop_off(reached: Sequence[float]) -> list[DropOff]:
    """For each stage that has a next one: people lost on the way there, and their share.

    One row per step (four for five stages): the last stage has no next one to lose people to.
    """
    if len(reached) > len(STAGES):
        raise ValueError(f"expected at most {len(STAGES)} stages, got {len(reached)}")
    rows = []
    for k in range(len(reached) - 1):
        lost = reached[k] - reached[k + 1]
        rows.append(
            DropOff(
                stage=STAGES[k],
                next_stage=STAGES[k + 1],
                reached=reached[k],
                next_reached=reached[k + 1],
                lost=lost,
                share=_ratio(lost, reached[k]),
            )
        )
    return rows


def leads(entrants: float, conversions: Sequence[float | None]) -> float:
    """Leads: the people who reach consideration (entrants x awareness conversion)."""
    return funnel(entrants, conversions)[STAGES.index("consideration")]


def customers(entrants: float, conversions: Sequence[float | None]) -> float:
    """Customers: entrants x the product of the three buyer-journey conversions.

    The buyer-journey conversions are awareness -> consideration, consideration -> decision and
    the decision stage's own conversion, which *is the purchase rate*. So
    ``customers = reached(decision) x conversion(decision)``: the people who reach retention.
    """
    return funnel(entrants, conversions)[len(BUYER_STAGES)]


# ---------------------------------------------------------------------------- timeframes


def _durations(durations_days: Sequence[float | None] | Mapping[str, float | None]) -> list[float]:
    """Five durations in stage order, from a sequence or a ``{stage: days}`` mapping."""
    if isinstance(durations_days, Mapping):
        unknown = [k for k in durations_days if k not in STAGES]
        if unknown:
            raise ValueError(
                f"unknown stage(s) {', '.join(map(repr, unknown))}; expected {', '.join(STAGES)}"
            )
        values = [durations_days.get(stage) for stage in STAGES]
    else:
        if len(durations_days) > len(STAGES):
            raise ValueError(f"expected at most {len(STAGES)} durations, got {len(durations_days)}")
        values = list(durations_days) + [None] * (len(STAGES) - len(durations_days))
    return [
        0.0 if v is None else _check_non_negative(v, f"{stage} duration")
        for stage, v in zip(STAGES, values, strict=True)
    ]


def stage_days(journey: Journey) -> dict[str, float]:
    """A journey's stage durations in days as its map estimates them, ``{stage: days}`` in
    stage order (a missing duration counts as 0): what the timeframes here, the charts, the
    report and the observed-against-estimated comparison all start from."""
    return {s.stage: s.duration_days or 0.0 for s in journey.stages}


def buyer_timeframe(durations_days: Sequence[float | None] | Mapping[str, float | None]) -> float:
    """Buyer-journey timeframe in days: awareness + consideration + decision durations.

    ``durations_days`` is the stages' durations in stage order, or a ``{stage: days}`` mapping;
    a missing or ``None`` duration counts as 0.
    """
    return sum(_durations(durations_days)[: len(BUYER_STAGES)])


def customer_timeframe(
    durations_days: Sequence[float | None] | Mapping[str, float | None],
    expected_lifetime_days: float | None = None,
) -> float:
    """Customer-journey timeframe in days: the buyer timeframe plus what follows the purchase.

    Without ``expected_lifetime_days`` what follows is the retention and advocacy durations;
    with it, the expected lifetime replaces them (buyer timeframe + expected lifetime).
    """
    days = _durations(durations_days)
    buyer = sum(days[: len(BUYER_STAGES)])
    if expected_lifetime_days is not None:
        return buyer + _check_non_negative(expected_lifetime_days, "expected lifetime")
    return buyer + sum(days[len(BUYER_STAGES) :])


def timeframe_ratio(buyer: float, customer: float) -> float | None:
    """How many times longer the customer journey is than the buyer journey; None if buyer is 0."""
    return _ratio(customer, buyer)


# ---------------------------------------------------------------------------- money


def revenue(customers: float, order_value: float, purchases_per_period: float) -> float:
    """Revenue per period: customers x order value x purchases per period."""
    return customers * order_value * purchases_per_period


def expected_lifetime(retention: float, cap: float = 50.0) -> float:
    """Expected customer lifetime in periods: 1 / (1 - retention), at most ``cap``.

    The first period counts, so retention 0 gives 1 period; retention 1.0 (nobody ever leaves)
    gives ``cap``. Retention outside 0..1 raises ValueError.
    """
    retention = _check_share(retention, "retention")
    if retention >= 1.0:
        return float(cap)
    return min(1.0 / (1.0 - retention), float(cap))


def clv_simple(
    order_value: float,
    purchases_per_period: float,
    margin: float,
    retention: float,
    cap: float = 50.0,
) -> float:
    """Customer lifetime value, undiscounted: order value x purchases x margin x lifetime.

    The lifetime is :func:`expected_lifetime` (``1 / (1 - retention)`` periods, capped), and it
    includes the first period, so the first purchase is counted.
    """
    return order_value * purchases_per_period * margin * expected_lifetime(retention, cap)


def clv_discounted(
    order_value: float,
    purchases_per_period: float,
    margin: float,
    retention: float,
    discount_rate: float,
    *,
    include_first_purchase: bool = False,
) -> float | None:
    """Discounted CLV: m x r / (1 + d - r), where m = order value x purchases x margin.

    This is the standard infinite-horizon formula (Gupta and Lehmann) with the margin ``m``
    received at the end of each period *after the first*, for as long as the customer stays
    (probability ``r**t``), discounted at ``d`` per period: the sum over t >= 1 of
    ``m r**t / (1 + d)**t``. The customer's first purchase is NOT included; with retention 0
    the value is 0.

    Variant: with ``include_first_purchase=True`` the first period's margin is added, received
    at once: ``m + m r / (1 + d - r) = m (1 + d) / (1 + d - r)``.

    None when ``d = 0`` and ``r = 1`` (the sum has no end). Retention and discount rate must
    be in 0..1.
    """
    r = _check_share(retention, "retention")
    d = _check_share(discount_rate, "discount rate")
    m = order_value * purchases_per_period * margin
    denominator = 1.0 + d - r
    if denominator == 0:
        return None
    later = m * r / denominator
    return m + later if include_first_purchase else later


def cac(spend: float | None, new_customers: float) -> float | None:
    """Customer acquisition cost: spend / new customers.

    None when there are no new customers, and None when no spend was entered (``None``). A
    spend of 0 is a CAC of 0 (customers who cost nothing to acquire); LTV:CAC is then
    undefined and the payback immediate (0).
    """
    if spend is None:
        return None
    return _ratio(spend, new_customers)


def roi(margin_revenue: float, spend: float | None) -> float | None:
    """Return on investment: (margin revenue - spend) / spend, as a share.

    None when no spend was entered and when it is 0 (a return on nothing invested).
    """
    if spend is None:
        return None
    return _ratio(margin_revenue - spend, spend)


def ltv_to_cac(clv: float | None, cac: float | None) -> float | None:
    """LTV:CAC, customer lifetime value / acquisition cost; None when either is missing or CAC 0."""
    return _ratio(clv, cac)


def payback_periods(
    cac: float | None, order_value: float, purchases_per_period: float, margin: float
) -> float | None:
    """Periods of a customer's margin that pay back their CAC: CAC / (value x purchases x margin).

    None when the CAC is undefined or the margin per period is 0. It ignores churn: compare it
    with the expected lifetime to see whether a customer stays long enough.
    """
    if cac is None:
        return None
    return _ratio(cac, order_value * purchases_per_period * margin)


def payback_days(
    cac: float | None,
    order_value: float,
    purchases_per_period: float,
    margin: float,
    period_days: float,
) -> float | None:
    """The payback period in days: :func:`payback_periods` x ``period_days``."""
    periods = payback_periods(cac, order_value, purchases_per_period, margin)
    return None if periods is None else periods * period_days


# ---------------------------------------------------------------------------- satisfaction


def _check_scores(scores: Iterable[Number], low: int, high: int, what: str) -> list[float]:
    checked = []
    for i, score in enumerate(scores):
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not math.isfinite(score)
            or score != int(score)
            or not low <= score <= high
        ):
            raise ValueError(
                f"{what} score #{i + 1} is {score!r}; expected a whole number from {low} to {high}"
            )
        checked.append(float(score))
    return checked


def nps(scores: Iterable[int]) -> float | None:
    """Net Promoter Score: % promoters (9-10) - % detractors (0-6), from -100 to 100.

    None when there are no scores; ValueError for a score that is not a whole number in 0..10.
    """
    checked = _check_scores(scores, 0, 10, "NPS")
    if not checked:
        return None
    promoters = sum(1 for s in checked if s >= 9)
    detractors = sum(1 for s in checked if s <= 6)
    return 100.0 * (promoters - detractors) / len(checked)


CSAT_MODES: tuple[str, ...] = ("percent_satisfied", "mean")


def csat(scores: Iterable[int], scale: int = 5, mode: str = "percent_satisfied") -> float | None:
    """Customer satisfaction from scores 1..``scale``: % satisfied (top two boxes) or the mean.

    ``mode="percent_satisfied"`` (the default) gives the share, 0..100, of scores in the top two
    boxes (4 or 5 on a 5-point scale); ``mode="mean"`` gives the mean score. None when there are
    no scores; ValueError for a score outside 1..``scale``.
    """
    if mode not in CSAT_MODES:
        raise ValueError(f"unknown CSAT mode {mode!r}; expected one of {', '.join(CSAT_MODES)}")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 2:
        raise ValueError(f"the CSAT scale must be a whole number of 2 or more, got {scale!r}")
    checked = _check_scores(scores, 1, scale, "CSAT")
    if not checked:
        return None
    if mode == "mean":
        return sum(checked) / len(checked)
    satisfied = sum(1 for s in checked if s >= scale - 1)
    return 100.0 * satisfied / len(checked)


# ---------------------------------------------------------------------------- what-if


_DEFAULT = ASSUMPTION_DEFAULTS  # one home for the starting assumptions: journey.model


@dataclass(frozen=True)
class Levers:
    """Every input of a what-if: the funnel, stage durations (days) and the economics."""

    entrants: float = _DEFAULT["entrants"]
    conversion_awareness: float = 0.0
    conversion_consideration: float = 0.0
    conversion_decision: float = 0.0
    conversion_retention: float = 0.0
    duration_awareness: float = 0.0
    duration_consideration: float = 0.0
    duration_decision: float = 0.0
    duration_retention: float = 0.0
    duration_advocacy: float = 0.0
    order_value: float = _DEFAULT["order_value"]
    purchases_per_period: float = _DEFAULT["purchases_per_period"]
    margin: float = _DEFAULT["margin"]
    retention: float = _DEFAULT["retention"]
    discount_rate: float = _DEFAULT["discount_rate"]
    spend: float | None = _DEFAULT["spend"]  # None: not entered
    period_days: float = _DEFAULT["period_days"]

    def as_dict(self) -> dict[str, float | None]:
        """The levers as ``{name: value}``, in declaration order."""
        return dataclasses.asdict(self)


LEVER_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Levers))


def levers_from_journey(journey: Journey) -> Levers:
    """The levers a journey starts from: its stages' conversions and durations, its assumptions.

    A conversion that is not filled in (None), or a stage that is missing, counts as 0.
    """
    by_key = {s.stage: s for s in journey.stages}
    values: dict[str, float] = {}
    for key in STAGES:
        stage = by_key.get(key)
        if key != "advocacy":
            conversion = None if stage is None else stage.conversion
            values[f"conversion_{key}"] = 0.0 if conversion is None else float(conversion)
        values[f"duration_{key}"] = 0.0 if stage is None else float(stage.duration_days or 0.0)
    a = journey.assumptions
    for name in ASSUMPTION_FIELDS:
        value = getattr(a, name)
        values[name] = None if value is None else float(value)
    # a database from before the limits may hold more than a lever takes: clamp it
    values = {
        k: v if v is None else min(max(v, LEVER_INFO[k].min), LEVER_INFO[k].limit)
        for k, v in values.items()
    }
    return Levers(**values)


@dataclass(frozen=True)
class LeverInfo:
    """How to present a lever: its label, unit and a slider's default range.

    ``max`` is where a slider ends by default; :attr:`limit` is the largest value the lever
    may take anywhere (page, command line, import), from the model's limits.
    """

    label: str
    unit: str  # people, share, days, money or purchases
    min: float
    max: float
    step: float
    help: str = ""

    @property
    def limit(self) -> float:
        return LEVER_LIMITS[self.unit]


#: The hard upper limit of a lever, by unit (the same limits the model validates).
LEVER_LIMITS: dict[str, float] = {
    "share": 1.0,
    "people": MAX_PEOPLE,
    "money": MAX_MONEY,
    "purchases": MAX_PURCHASES,
    "days": MAX_DAYS,
}


LEVER_INFO: dict[str, LeverInfo] = {
    "entrants": LeverInfo(
        "Entrants per period", "people", 0.0, 10_000.0, 10.0, "People entering awareness"
    ),
    "conversion_awareness": LeverInfo(
        "Awareness → consideration", "share", 0.0, 1.0, 0.01, "Share who go on to consider"
    ),
    "conversion_consideration": LeverInfo(
        "Consideration → decision", "share", 0.0, 1.0, 0.01, "Share who go on to decide"
    ),
    "conversion_decision": LeverInfo(
        "Decision → purchase", "share", 0.0, 1.0, 0.01, "Share who buy: the purchase rate"
    ),
    "conversion_retention": LeverInfo(
        "Retention → advocacy", "share", 0.0, 1.0, 0.01, "Share of customers who become advocates"
    ),
    "duration_awareness": LeverInfo("Awareness duration", "days", 0.0, 3650.0, 1.0),
    "duration_consideration": LeverInfo("Consideration duration", "days", 0.0, 3650.0, 1.0),
    "duration_decision": LeverInfo("Decision duration", "days", 0.0, 3650.0, 1.0),
    "duration_retention": LeverInfo("Retention duration", "days", 0.0, 3650.0, 1.0),
    "duration_advocacy": LeverInfo("Advocacy duration", "days", 0.0, 3650.0, 1.0),
    "order_value": LeverInfo("Order value", "money", 0.0, 1_000.0, 1.0, "Revenue per purchase"),
    "purchases_per_period": LeverInfo(
        "Purchases per period", "purchases", 0.0, 20.0, 0.1, "Purchases per customer per period"
    ),
    "margin": LeverInfo("Gross margin", "share", 0.0, 1.0, 0.01, "Share of revenue kept"),
    "retention": LeverInfo(
        "Retention rate", "share", 0.0, 1.0, 0.01, "Share of customers kept each period"
    ),
    "discount_rate": LeverInfo(
        "Discount rate", "share", 0.0, 1.0, 0.01, "Per period, for the discounted CLV"
    ),
    "spend": LeverInfo(
        "Acquisition spend", "money", 0.0, 100_000.0, 100.0, "Marketing and sales spend per period"
    ),
    "period_days": LeverInfo("Period length", "days", 1.0, 3650.0, 1.0, "One period, in days"),
}


#: The levers in the groups the What-if page shows them in (every lever but the period
#: length, which sets what the others mean).
LEVER_GROUPS: dict[str, tuple[str, ...]] = {
    "Funnel": (
        "entrants",
        "conversion_awareness",
        "conversion_consideration",
        "conversion_decision",
        "conversion_retention",
    ),
    "Durations": tuple(f"duration_{s}" for s in STAGES),
    "Money": (
        "order_value",
        "purchases_per_period",
        "margin",
        "retention",
        "discount_rate",
        "spend",
    ),
}


def format_lever(name: str, value: float | None) -> str:
    """A lever's value for display, by its unit (:func:`journey.formatting.figure`): shares
    as percentages, money in the currency, durations in their unit, counts whole (an
    unknown lever as a plain number)."""
    info = LEVER_INFO.get(name)
    return formatting.figure(value, info.unit if info else "")


def lever_text(name: str, value: float) -> str:
    """A lever's setting as a person reads it: ``"Retention rate = 80%"``,
    ``"Order value = 30,000"`` (an unknown lever by its name)."""
    info = LEVER_INFO.get(name)
    label = info.label if info else name
    return f"{label} = {value:.0%}" if info and info.unit == "share" else f"{label} = {value:,g}"


def scenario_changes(levers: Levers, baseline: Levers) -> dict[str, float]:
    """What a scenario saves: ``{lever: value}`` for each lever that differs from
    ``baseline`` (numbers only: a spend set back to "not entered" is not saved).

    Raises ValidationError when no lever differs: such a scenario would equal the journey.
    """
    changes = {
        k: v for k, v in levers.as_dict().items() if v is not None and v != getattr(baseline, k)
    }
    if not changes:
        raise ValidationError(
            "Move at least one lever first: this scenario would equal the journey's own values. "
            "Nothing was saved; the name you typed is kept."
        )
    return changes


def _check_lever(name: str) -> str:
    if name not in LEVER_NAMES:
        raise ValueError(f"unknown lever {name!r}; valid levers: {', '.join(LEVER_NAMES)}")
    return name


def _nice_ceiling(x: float) -> float:
    """The smallest 1, 2 or 5 x 10^k that is >= x (x > 0)."""
    exponent = math.floor(math.log10(x))
    for mantissa in (1, 2, 5, 10):
        candidate = mantissa * 10.0**exponent
        if candidate >= x * (1 - 1e-12):
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


def slider_range(name: str, value: float) -> tuple[float, float, float]:
    """(min, max, step) for a lever's slider: the default range, widened to hold 2x ``value``.

    Shares always run 0..1. For the other units the max grows to a round number at least twice
    the current value, and the step grows with it (about a thousandth of the range).
    """
    info = LEVER_INFO[_check_lever(name)]
    if info.unit == "share":
        return info.min, info.max, info.step
    high, step = info.max, info.step
    if value is not None and math.isfinite(value) and 2 * value > high:
        high = min(_nice_ceiling(2 * min(value, info.limit)), info.limit)
        if info.unit in ("people", "money"):
            step = max(step, _nice_ceiling(high / 1000))
    return info.min, high, step


def check_lever(name: str, value: float) -> float:
    """``value`` if it is a finite number within the lever's range, else ValueError saying so."""
    info = LEVER_INFO[_check_lever(name)]
    if not math.isfinite(value):
        raise ValueError(f"{name}: {value!r} is not a finite number")
    if not info.min <= value <= info.limit:
        raise ValueError(f"{name} must be {info.min:g}..{info.limit:g}")
    return value


def apply(levers: Levers, changes: Mapping[str, float]) -> Levers:
    """A copy of ``levers`` with ``changes`` applied; ValueError naming an unknown lever.

    ``spend`` may be changed to None (not entered); every other lever takes a number.
    """
    for name, value in changes.items():
        _check_lever(name)
        if value is None and name != "spend":
            raise ValueError(f"{name} needs a number")
    return dataclasses.replace(
        levers, **{k: None if v is None else float(v) for k, v in changes.items()}
    )


@dataclass(frozen=True)
class Outcome:
    """Every figure a what-if produces; ``None`` where a figure is undefined."""

    leads: float
    customers: float
    revenue: float
    margin_revenue: float
    cac: float | None
    roi: float | None
    expected_lifetime_periods: float
    clv: float
    clv_discounted: float | None
    ltv_to_cac: float | None
    payback_days: float | None
    buyer_timeframe_days: float
    customer_timeframe_days: float
    timeframe_ratio: float | None

    def as_dict(self) -> dict[str, float | None]:
        """The outcome as ``{output: value}``, in declaration order."""
        return dataclasses.asdict(self)


OUTPUT_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Outcome))


@dataclass(frozen=True)
class OutputInfo:
    """How to present an output: label, unit, a format spec, how it is computed, and which
    way a change is good (``better``: "higher", "lower", or "neither" for the timeframes,
    whose length is neither good nor bad in itself)."""

    label: str
    unit: str  # people, money, share, ratio, periods or days
    format: str  # a format spec for format(value, spec): ",.0f", ".1%"
    explain: str
    better: str = "higher"


OUTPUT_INFO: dict[str, OutputInfo] = {
    "leads": OutputInfo(
        "Leads",
        "people",
        ",.0f",
        "Entrants × awareness conversion: the people who reach consideration.",
    ),
    "customers": OutputInfo(
        "New customers",
        "people",
        ",.1f",
        "Entrants × awareness conversion × consideration conversion × decision conversion "
        "(the purchase rate): the people who reach retention.",
    ),
    "revenue": OutputInfo(
        "Revenue per period",
        "money",
        ",.0f",
        "New customers × order value × purchases per period.",
    ),
    "margin_revenue": OutputInfo(
        "Margin per period",
        "money",
        ",.0f",
        "Revenue per period × gross margin.",
    ),
    "cac": OutputInfo(
        "CAC",
        "money",
        ",.2f",
        "Customer acquisition cost = acquisition spend ÷ new customers (undefined without "
        "new customers or when no spend is entered; a spend of 0 gives a CAC of 0).",
        better="lower",
    ),
    "roi": OutputInfo(
        "ROI",
        "share",
        ".1%",
        "(Margin per period − acquisition spend) ÷ acquisition spend (undefined when no "
        "spend is entered or it is 0).",
    ),
    "expected_lifetime_periods": OutputInfo(
        "Expected lifetime",
        "periods",
        ",.1f",
        "1 ÷ (1 − retention rate) periods, counting the first, capped at 50.",
    ),
    "clv": OutputInfo(
        "CLV",
        "money",
        ",.0f",
        "Customer lifetime value = order value × purchases per period × gross margin × "
        "expected lifetime (undiscounted, first purchase included).",
    ),
    "clv_discounted": OutputInfo(
        "Discounted CLV",
        "money",
        ",.0f",
        "m × r ÷ (1 + d − r), with m = order value × purchases per period × margin, "
        "r = retention rate, d = discount rate: margin received at the end of each period "
        "after the first, so the first purchase is not included.",
    ),
    "ltv_to_cac": OutputInfo(
        "LTV:CAC",
        "ratio",
        ",.1f",
        "CLV (undiscounted) ÷ CAC (undefined when the CAC is 0 or undefined).",
    ),
    "payback_days": OutputInfo(
        "CAC payback",
        "days",
        ",.0f",
        "CAC ÷ (order value × purchases per period × margin) periods × days per period "
        "(0 when the spend is 0, undefined when no spend is entered).",
        better="lower",
    ),
    "buyer_timeframe_days": OutputInfo(
        "Buyer-journey timeframe",
        "days",
        ",.0f",
        "Awareness + consideration + decision durations.",
        better="neither",
    ),
    "customer_timeframe_days": OutputInfo(
        "Customer-journey timeframe",
        "days",
        ",.0f",
        "Buyer-journey timeframe + retention + advocacy durations.",
        better="neither",
    ),
    "timeframe_ratio": OutputInfo(
        "Customer ÷ buyer timeframe",
        "ratio",
        ",.1f",
        "Customer-journey timeframe ÷ buyer-journey timeframe "
        "(undefined when the buyer journey takes 0 days).",
        better="neither",
    ),
}


def format_output(name: str, value: float | None, *, compact: bool = False) -> str:
    """An output's value for display, by its unit (:func:`journey.formatting.figure`: people
    whole, money in the currency, durations in their unit); "n/a" when undefined.
    ``compact``: shortened for a metric card (``€88.1M``)."""
    if name not in OUTPUT_INFO:
        raise ValueError(f"unknown output {name!r}; valid outputs: {', '.join(OUTPUT_NAMES)}")
    return formatting.figure(value, OUTPUT_INFO[name].unit, compact=compact)


def output_help(name: str, value: float | None) -> str:
    """A metric card's help for an output: how it is computed and, when the card shows it
    compact, the exact figure."""
    return formatting.figure_help(value, OUTPUT_INFO[name].unit, OUTPUT_INFO[name].explain)


def whatif(levers: Levers) -> Outcome:
    """Every output for one set of levers (customer timeframe from stage durations, simple CLV)."""
    v = levers
    conversions = [
        v.conversion_awareness,
        v.conversion_consideration,
        v.conversion_decision,
        v.conversion_retention,
    ]
    reached = funnel(v.entrants, conversions)
    new_customers = reached[len(BUYER_STAGES)]
    period_revenue = revenue(new_customers, v.order_value, v.purchases_per_period)
    period_margin = period_revenue * v.margin
    acquisition_cost = cac(v.spend, new_customers)
    lifetime_value = clv_simple(v.order_value, v.purchases_per_period, v.margin, v.retention)
    durations = [getattr(v, f"duration_{s}") for s in STAGES]
    buyer_days = buyer_timeframe(durations)
    customer_days = customer_timeframe(durations)
    return _finite(
        Outcome(
            leads=reached[1],
            customers=new_customers,
            revenue=period_revenue,
            margin_revenue=period_margin,
            cac=acquisition_cost,
            roi=roi(period_margin, v.spend),
            expected_lifetime_periods=expected_lifetime(v.retention),
            clv=lifetime_value,
            clv_discounted=clv_discounted(
                v.order_value, v.purchases_per_period, v.margin, v.retention, v.discount_rate
            ),
            ltv_to_cac=ltv_to_cac(lifetime_value, acquisition_cost),
            payback_days=payback_days(
                acquisition_cost, v.order_value, v.purchases_per_period, v.margin, v.period_days
            ),
            buyer_timeframe_days=buyer_days,
            customer_timeframe_days=customer_days,
            timeframe_ratio=timeframe_ratio(buyer_days, customer_days),
        )
    )


def _finite(outcome: Outcome) -> Outcome:
    """The outcome with any NaN or infinite figure made None (undefined), as promised above."""
    return Outcome(
        **{
            k: None if v is not None and not math.isfinite(v) else v
            for k, v in outcome.as_dict().items()
        }
    )


# ---------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class SensitivityRow:
    """One bar of the tornado chart: an output with one lever moved down and up."""

    lever: str
    label: str
    low_value: float
    high_value: float
    output_low: float
    output_high: float
    swing: float  # |output_high - output_low|
    output_base: float | None = None  # the output with every lever as given


SENSITIVITY_LEVERS: tuple[str, ...] = tuple(n for n in LEVER_NAMES if n != "period_days")


def sensitivity(levers: Levers, output: str, step: float = 0.1) -> list[SensitivityRow]:
    """How much ``output`` swings when each lever moves by -step and +step of its value.

    Every lever but ``period_days`` is moved to ``(1 - step)`` and ``(1 + step)`` times its
    value, one at a time (shares are clamped to 0..1). Rows are sorted by swing, largest first
    (ties keep lever order). A lever at 0 has zero swing. A lever for which the output is
    undefined on either side (a CAC without spend) is left out.
    """
    if output not in OUTPUT_INFO:
        raise ValueError(f"unknown output {output!r}; valid outputs: {', '.join(OUTPUT_NAMES)}")
    if not 0 < step <= 1:
        raise ValueError(f"the step must be above 0 and at most 1, got {step!r}")
    base = getattr(whatif(levers), output)
    rows = []
    for name in SENSITIVITY_LEVERS:
        value = getattr(levers, name)
        if value is None:  # not entered (spend): nothing to move
            continue
        low, high = value * (1 - step), value * (1 + step)
        if LEVER_INFO[name].unit == "share":
            low, high = min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)
        out_low = getattr(whatif(apply(levers, {name: low})), output)
        out_high = getattr(whatif(apply(levers, {name: high})), output)
        if out_low is None or out_high is None:
            continue
        rows.append(
            SensitivityRow(
                lever=name,
                label=LEVER_INFO[name].label,
                low_value=low,
                high_value=high,
                output_low=out_low,
                output_high=out_high,
                swing=abs(out_high - out_low),
                output_base=base,
            )
        )
    rows.sort(key=lambda row: row.swing, reverse=True)
    return rows


# ---------------------------------------------------------------------------- compare


def compare(baseline: Levers, scenarios: Mapping[str, Levers]) -> list[dict]:
    """One row per scenario per output: its value beside the baseline's, and the change.

    Each row holds ``scenario``, ``output``, ``label``, ``baseline``, ``value``, ``change``
    (value - baseline) and ``change_pct`` (change / |baseline| x 100). ``change`` is None when
    either value is undefined; ``change_pct`` also when the baseline is 0.
    """
    base = whatif(baseline).as_dict()
    rows = []
    for scenario, levers in scenarios.items():
        outcome = whatif(levers).as_dict()
        for output in OUTPUT_NAMES:
            before, after = base[output], outcome[output]
            change = None if before is None or after is None else after - before
            change_pct = None if change is None or before == 0 else 100.0 * change / abs(before)
            rows.append(
                {
                    "scenario": scenario,
                    "output": output,
                    "label": OUTPUT_INFO[output].label,
                    "baseline": before,
                    "value": after,
                    "change": change,
                    "change_pct": change_pct,
                }
            )
    return rows
