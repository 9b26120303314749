"""Charts of observed timeframes: the figures of an imported event log in, Altair charts out.

Every builder takes the figures dict of :func:`journey.observed.figures` (the stored report of
:func:`journey.events.report`, the map's estimates beside it and the pre-binned
``histograms``) and returns a chart that a page shows with ``st.altair_chart`` and exports
through :mod:`journey.images`. Nothing here reads events: the figures are already aggregated
(30 histogram bins, five stages, one row per segment or month), so the specs stay small
whatever the size of the log. No Streamlit, no SQL.

Colours follow :mod:`journey.charts`: blues for the buyer journey, oranges for what comes after
the purchase; red marks a stage whose observed duration differs from the map's estimate by more
than a factor of two. :func:`stat_cards` and :func:`comparison_rows` give the same figures as
text for the cards and tables beside the charts, so a number is formatted in one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from .charts import (
    BUYER_COLOUR,
    CUSTOMER_COLOUR,
    LOST_COLOUR,
    MUTED,
    STAGE_COLOURS,
    WIDTH,
    _stage_y,
    _title,  # one title style and one stage axis for every chart
)
from .kpis import format_days
from .model import STAGES, short_days, stage_label

__all__ = [
    "EXPLAIN",
    "FLAG_COLOUR",
    "SIDES",
    "comparison_rows",
    "estimate_comparison_chart",
    "monthly_trend_chart",
    "observed_funnel_chart",
    "overview_cards",
    "ratio_text",
    "segment_chart",
    "short_days",
    "stage_gap_chart",
    "stat_cards",
    "timeframe_histograms",
]

FLAG_COLOUR = "#DC2626"
INK = "#111827"
MAX_SEGMENTS = 20  # the largest segments shown; the table beside the chart has them all
SIDES: dict[str, tuple[str, str, str]] = {  # side: (name, definition, colour)
    "buyer": ("Buyer journey", "first purchase − first seen", BUYER_COLOUR),
    "customer": ("Customer journey", "last seen − first seen", CUSTOMER_COLOUR),
}


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.0%}"


def _note(text: str, width: int = WIDTH, height: int = 60) -> alt.Chart:
    """A chart that only says why there is nothing to draw."""
    return (
        alt.Chart(pd.DataFrame([{"text": text}]))
        .mark_text(fontSize=13, color=MUTED)
        .encode(text="text:N")
        .properties(width=width, height=height)
    )


def _nothing_to_draw(text: str, heading: str) -> alt.Chart:
    """What a chart with no data returns: :func:`_note` saying why, under the chart's
    ``heading``, without a frame."""
    return _note(text).properties(title=_title(heading)).configure_view(stroke=None)


# ---------------------------------------------------------------------------- timeframes


def _histogram(bins: Sequence[Mapping], stats: Mapping, side: str) -> alt.LayerChart | alt.Chart:
    name, definition, colour = SIDES[side]
    heading = _title(name, definition)
    if not bins:
        return _note("No purchasers in this log", width=300, height=200).properties(title=heading)
    data = pd.DataFrame(
        [{**b, "range": f"{short_days(b['start'])} – {short_days(b['end'])}"} for b in bins]
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=colour, opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("start:Q", title="days", scale=alt.Scale(zero=False, nice=False)),
            x2="end:Q",
            y=alt.Y(
                "count:Q",
                title="purchasers",  # headroom for the median and p90 labels
                scale=alt.Scale(domain=[0, max(b["count"] for b in bins) * 1.25], nice=True),
            ),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("range:N", title="Took"),
                alt.Tooltip("count:Q", title="Purchasers", format=","),
            ],
        )
    )
    low, high = bins[0]["start"], bins[-1]["end"]
    crowded = (stats["median"] - low) < 0.3 * (high - low)  # no room left of the median
    marks = pd.DataFrame(
        [
            {
                "days": stats["median"],
                "label": f"median {short_days(stats['median'])}",
                "dash": "median",
                "y": 2,
            },
            {
                "days": stats["p90"],
                "label": f"p90 {short_days(stats['p90'])}",
                "dash": "p90",
                "y": 20 if crowded else 2,
            },
        ]
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(tooltip=None, color=INK, strokeWidth=1.5)
        .encode(
            x="days:Q",
            strokeDash=alt.StrokeDash(
                "dash:N",
                scale=alt.Scale(domain=["median", "p90"], range=[[1, 0], [5, 3]]),
                legend=None,
            ),
        )
    )
    text = alt.Chart(marks).encode(x="days:Q", y=alt.Y("y:Q", scale=None), text="label:N")
    labels = [
        text.transform_filter(f"datum.dash == '{dash}'").mark_text(
            tooltip=None,
            align=align,
            baseline="top",
            dx=dx,
            fontSize=11,
            fontWeight="bold",
            color=INK,
        )
        for dash, align, dx in (
            ("median", "left" if crowded else "right", 4 if crowded else -4),
            ("p90", "left", 4),
        )
    ]
    return alt.layer(bars, rules, *labels).properties(width=300, height=200, title=heading)


def timeframe_histograms(figures: Mapping[str, Any], title: str = "") -> alt.HConcatChart:
    """Buyer-journey and customer-journey timeframes of the purchasers, side by side.

    Each panel is the histogram of ``figures["histograms"][side]`` (equal-width bins of days)
    with a solid rule at the median and a dashed one at the 90th percentile. The panels have
    their own scales: a buyer journey of weeks stays readable beside a customer journey of
    months.
    """
    buyer, customer = figures["buyer_timeframe_days"], figures["customer_timeframe_days"]
    subtitle = (
        f"{buyer['count']:,} purchasers · median buyer journey "
        f"{short_days(buyer['median'])}, customer journey "
        f"{short_days(customer['median'])}"
        if buyer["count"]
        else "Nobody in this log has a purchase event yet"
    )
    chart = alt.hconcat(
        *[
            _histogram(figures["histograms"].get(side, []), figures[f"{side}_timeframe_days"], side)
            for side in SIDES
        ],
        spacing=36,
    ).resolve_scale(x="independent", y="independent", strokeDash="independent")
    return chart.properties(title=_title(title or "Observed timeframes", subtitle)).configure_view(
        stroke=None
    )


# ---------------------------------------------------------------------------- funnel and stages


def observed_funnel_chart(figures: Mapping[str, Any], title: str = "") -> alt.LayerChart:
    """Customers reaching each stage, split into those who go on and those lost before the next.

    From ``figures["funnel"]``: reaching a stage means an event in it or a later stage, so the
    counts never grow; the label gives the count and the share lost before the next stage.
    """
    funnel = list(figures["funnel"])
    rows, labels = [], []
    for k, step in enumerate(funnel):
        label = stage_label(step["stage"])
        after = funnel[k + 1] if k + 1 < len(funnel) else None
        going_on = after["reached"] if after else step["reached"]
        rows.append(
            {
                "stage": label,
                "part": "go on to the next stage",
                "start": 0,
                "end": going_on,
                "customers": going_on,
            }
        )
        if after:
            rows.append(
                {
                    "stage": label,
                    "part": "lost before the next stage",
                    "start": going_on,
                    "end": step["reached"],
                    "customers": after["lost"],
                }
            )
        lost = f"  ·  {_percent(after['drop_off'])} lost" if after and after["drop_off"] else ""
        labels.append(
            {"stage": label, "end": step["reached"], "label": f"{step['reached']:,}{lost}"}
        )
    y = _stage_y()
    bars = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar(height=26)
        .encode(
            x=alt.X("start:Q", title="customers", axis=alt.Axis(format="~s")),
            x2="end:Q",
            y=y,
            color=alt.Color(
                "part:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(
                    domain=["go on to the next stage", "lost before the next stage"],
                    range=[BUYER_COLOUR, "#F3A6A6"],
                ),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("part:N", title="Of the customers here"),
                alt.Tooltip("customers:Q", title="Customers", format=","),
            ],
        )
    )
    text = (
        alt.Chart(pd.DataFrame(labels))
        .mark_text(tooltip=None, align="left", dx=5, fontSize=11, color=INK)
        .encode(x="end:Q", y=y, text="label:N")
    )
    top = max((step["reached"] for step in funnel), default=0)
    return (
        (bars + text)
        .properties(
            width=WIDTH,
            height=220,
            title=_title(
                title or "Observed funnel",
                f"{top:,} customers; reaching a stage = an event in it or a later stage",
            ),
        )
        .configure_view(stroke=None)
    )


def stage_gap_chart(figures: Mapping[str, Any], title: str = "") -> alt.LayerChart:
    """Time from entering one stage to entering the next: the median as a bar, a line on to
    the 90th percentile, over the customers who entered both stages."""
    rows = []
    for gap in figures["time_between_stages"]:
        pair = f"{stage_label(gap['from'])} → {stage_label(gap['to'])}"
        text = (
            f"median {short_days(gap['median'])} · p90 {short_days(gap['p90'])} · "
            f"{gap['count']:,} customers"
            if gap["count"]
            else "nobody entered both"
        )
        rows.append(
            {
                "pair": pair,
                "median": gap["median"] or 0.0,
                "p90": gap["p90"] if gap["p90"] is not None else 0.0,
                "mean": gap["mean"],
                "count": gap["count"],
                "label": text,
                "out_of_order": gap["out_of_order"],
                "to": stage_label(gap["to"]),
                "end": max(gap["median"] or 0.0, gap["p90"] or 0.0),
            }
        )
    data = pd.DataFrame(rows)
    y = alt.Y(
        "pair:N",
        sort=[r["pair"] for r in rows],
        title=None,
        axis=alt.Axis(labelFontSize=12, labelLimit=260),
    )
    tooltip = [
        alt.Tooltip("pair:N", title="Stages"),
        alt.Tooltip("median:Q", title="Median (days)", format=",.1f"),
        alt.Tooltip("mean:Q", title="Mean (days)", format=",.1f"),
        alt.Tooltip("p90:Q", title="p90 (days)", format=",.1f"),
        alt.Tooltip("count:Q", title="Customers", format=","),
        alt.Tooltip("out_of_order:Q", title="Entered in the other order", format=","),
    ]
    whisker = (
        alt.Chart(data)
        .mark_rule(tooltip=None, color=MUTED, strokeWidth=2)
        .encode(x=alt.X("median:Q", title="days"), x2="p90:Q", y=y)
    )
    tick = (
        alt.Chart(data)
        .mark_tick(color=MUTED, thickness=2, size=14)
        .encode(x="p90:Q", y=y, tooltip=tooltip)
    )
    bars = (
        alt.Chart(data)
        .mark_bar(height=20)
        .encode(
            x="median:Q",
            x2=alt.datum(0),
            y=y,
            tooltip=tooltip,
            color=alt.Color(
                "to:N",
                legend=None,
                scale=alt.Scale(
                    domain=[stage_label(s) for s in STAGES],
                    range=[STAGE_COLOURS[s] for s in STAGES],
                ),
            ),
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(tooltip=None, align="left", dx=8, fontSize=11, color=INK)
        .encode(x="end:Q", y=y, text="label:N")
    )
    swapped = sum(r["out_of_order"] for r in rows)
    subtitle = ["Bar: median; line: on to the 90th percentile; customers who entered both"]
    if swapped:
        subtitle.append(
            f"{swapped:,} entered a stage before the previous one: negative times, "
            "kept in the figures"
        )
    return (
        (whisker + tick + bars + labels)
        .properties(
            width=WIDTH,
            height=40 * max(len(rows), 1),
            title=_title(title or "Time between stages", subtitle),
        )
        .configure_view(stroke=None)
    )


# ---------------------------------------------------------------------------- segments and months


def segment_chart(figures: Mapping[str, Any], title: str = "") -> alt.HConcatChart | alt.Chart:
    """Per segment (the column chosen at import): conversion and median buyer timeframe.

    At most :data:`MAX_SEGMENTS`, the largest first; customers without a segment show as
    "(none)".
    """
    segments = figures.get("by_segment") or []
    heading = title or "By segment"
    if not segments:
        return _nothing_to_draw("No segment column was chosen at import", heading)
    rows = [
        {
            "segment": "(none)" if r["segment"] is None else str(r["segment"]),
            "customers": r["customers"],
            "purchasers": r["purchasers"],
            "conversion": r["conversion"] or 0.0,
            "median": r["buyer_timeframe_median_days"],
            "conversion_text": f"{_percent(r['conversion'])} of {r['customers']:,}",
            "median_text": short_days(r["buyer_timeframe_median_days"]),
        }
        for r in segments[:MAX_SEGMENTS]
    ]
    data = pd.DataFrame(rows)
    y = alt.Y(
        "segment:N", sort=[r["segment"] for r in rows], title=None, axis=alt.Axis(labelLimit=200)
    )
    tooltip = [
        alt.Tooltip("segment:N", title="Segment"),
        alt.Tooltip("customers:Q", title="Customers", format=","),
        alt.Tooltip("purchasers:Q", title="Purchasers", format=","),
        alt.Tooltip("conversion:Q", title="Conversion", format=".1%"),
        alt.Tooltip("median:Q", title="Median buyer journey (days)", format=",.1f"),
    ]
    height = max(60, 26 * len(rows))

    def panel(
        field: str, text: str, colour: str, heading_: str, fmt: str, axis: bool
    ) -> alt.LayerChart:
        top = pd.to_numeric(data[field], errors="coerce").max()
        domain = [0, float(top) * 1.4 if pd.notna(top) and top > 0 else 1.0]
        base = alt.Chart(data).encode(
            y=y if axis else alt.Y("segment:N", sort=[r["segment"] for r in rows], axis=None),
        )
        bars = base.mark_bar(color=colour, height=16).encode(
            tooltip=tooltip,
            x=alt.X(
                f"{field}:Q",
                title=heading_,
                scale=alt.Scale(domain=domain),
                axis=alt.Axis(format=fmt, tickCount=5),
            ),
        )
        labels = base.mark_text(tooltip=None, align="left", dx=4, fontSize=11, color=INK).encode(
            x=f"{field}:Q", text=f"{text}:N"
        )
        return (bars + labels).properties(width=280, height=height)

    shown = (
        ""
        if len(segments) <= MAX_SEGMENTS
        else f" (the {MAX_SEGMENTS} largest of {len(segments):,})"
    )
    return (
        alt.hconcat(
            panel(
                "conversion",
                "conversion_text",
                BUYER_COLOUR,
                "conversion (purchasers ÷ customers)",
                "%",
                True,
            ),
            panel("median", "median_text", MUTED, "median buyer journey (days)", ",.0f", False),
            spacing=24,
        )
        .properties(title=_title(heading, f"Segment of each customer's earliest event{shown}"))
        .configure_view(stroke=None)
    )


def monthly_trend_chart(figures: Mapping[str, Any], title: str = "") -> alt.VConcatChart:
    """By month of first seen: new customers (purchasers darker), then the median buyer
    timeframe of those who bought. Recent months have had less time to buy, so they look
    lower: the subtitle says so."""
    months = figures.get("by_month") or []
    rows, parts = [], []
    for r in months:
        rows.append(
            {
                "month": r["month"],
                "customers": r["customers"],
                "purchasers": r["purchasers"],
                "conversion": r["conversion"],
                "median": r["buyer_timeframe_median_days"],
            }
        )
        parts += [
            {"month": r["month"], "part": "bought", "start": 0, "end": r["purchasers"]},
            {
                "month": r["month"],
                "part": "not yet",
                "start": r["purchasers"],
                "end": r["customers"],
            },
        ]
    data = pd.DataFrame(rows, columns=["month", "customers", "purchasers", "conversion", "median"])
    tooltip = [
        alt.Tooltip("month:N", title="First seen in"),
        alt.Tooltip("customers:Q", title="Customers", format=","),
        alt.Tooltip("purchasers:Q", title="Purchasers", format=","),
        alt.Tooltip("conversion:Q", title="Conversion", format=".1%"),
        alt.Tooltip("median:Q", title="Median buyer journey (days)", format=",.1f"),
    ]
    order = [r["month"] for r in rows]
    x = alt.X("month:O", title=None, sort=order, axis=alt.Axis(labelAngle=-45))
    counts = (
        alt.Chart(pd.DataFrame(parts, columns=["month", "part", "start", "end"]))
        .mark_bar(tooltip=None)  # the transparent bar over it has the month's tooltip
        .encode(
            x=x,
            y=alt.Y("start:Q", title="customers"),
            y2="end:Q",
            color=alt.Color(
                "part:N",
                title=None,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=["bought", "not yet"], range=[BUYER_COLOUR, LOST_COLOUR]),
            ),
        )
        .properties(width=WIDTH, height=160)
    )
    hover = alt.Chart(data).mark_bar(opacity=0).encode(x=x, y="customers:Q", tooltip=tooltip)
    line = (
        alt.Chart(data)
        .mark_line(color=BUYER_COLOUR, point=alt.OverlayMarkDef(color=BUYER_COLOUR))
        .encode(
            x=x,
            y=alt.Y("median:Q", title="median buyer journey (days)"),
            tooltip=tooltip,
        )
        .properties(width=WIDTH, height=120)
    )
    return (
        alt.vconcat(counts + hover, line, spacing=12)
        .properties(
            title=_title(
                title or "Trend by month of first seen",
                "Customers by the month of their first event; recent months have had "
                "less time to buy",
            ),
        )
        .configure_view(stroke=None)
    )


# ---------------------------------------------------------------------------- estimates


def estimate_comparison_chart(
    figures: Mapping[str, Any], title: str = ""
) -> alt.LayerChart | alt.Chart:
    """The map's estimated stage durations beside the observed ones, on a log scale.

    One row per stage: a hollow circle at the estimate, a filled one at the observed median, a
    line between them, red (with the ratio in red) where one is more than twice the other.
    A stage without an estimate or without observations shows only what it has.
    """
    rows, points = [], []
    for r in figures.get("estimated_vs_observed") or []:
        stage = stage_label(r["stage"])
        estimated = _positive(r["estimated_days"])
        observed = _positive(r["observed_days"])
        missing = [
            _absent(what, raw)
            for what, raw, days in (
                ("estimate", r["estimated_days"], estimated),
                ("observed", r["observed_days"], observed),
            )
            if days is None
        ]
        ratio = ratio_text(r["ratio"]) if r["ratio"] is not None else ", ".join(missing)
        known = [v for v in (estimated, observed) if v is not None]
        rows.append(
            {
                "stage": stage,
                "low": min(known, default=None),
                "high": max(known, default=None),
                "flag": bool(r["flag"]),
                "label": ("⚠ " if r["flag"] else "") + ratio,
                "at": max(known, default=None),
            }
        )
        for kind, days in (("estimated (map)", estimated), ("observed (median)", observed)):
            if days is not None:
                points.append(
                    {
                        "stage": stage,
                        "kind": kind,
                        "days": days,
                        "text": format_days(days),
                        "flag": bool(r["flag"]),
                    }
                )
    heading = title or "Estimated vs observed stage durations"
    if not points:
        return _nothing_to_draw(
            "Nothing to compare yet: no stage has an estimate or an observed duration", heading
        )
    labels_ = [stage_label(s) for s in STAGES]
    y = alt.Y(
        "stage:N",
        sort=labels_,
        title=None,
        scale=alt.Scale(domain=labels_),
        axis=alt.Axis(labelFontSize=12),
    )
    known_days = [p["days"] for p in points]
    domain = [min(known_days) / 1.6, max(known_days) * 8]
    scale = alt.Scale(type="log", domain=domain, nice=False)
    for row in rows:  # a stage with nothing to draw says so at the left edge
        row["at"] = row["at"] or domain[0]
    lines = (
        alt.Chart(pd.DataFrame(rows).dropna(subset=["low"]))
        .mark_rule(tooltip=None, strokeWidth=3)
        .encode(
            x=alt.X("low:Q", scale=scale, title="days (log scale)"),
            x2="high:Q",
            y=y,
            color=alt.condition("datum.flag", alt.value(FLAG_COLOUR), alt.value("#CBD5E1")),
        )
    )
    kinds = alt.Scale(domain=["estimated (map)", "observed (median)"])
    dots = (
        alt.Chart(pd.DataFrame(points, columns=["stage", "kind", "days", "text", "flag"]))
        .mark_point(size=120, strokeWidth=2, opacity=1, filled=False)
        .encode(
            x=alt.X("days:Q", scale=scale),
            y=y,
            color=alt.Color(
                "kind:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=kinds.domain, range=[MUTED, BUYER_COLOUR]),
            ),
            fill=alt.Fill(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=kinds.domain, range=["white", BUYER_COLOUR]),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("kind:N", title="Source"),
                alt.Tooltip("text:N", title="Duration"),
            ],
        )
    )
    text = alt.Chart(pd.DataFrame(rows)).encode(x=alt.X("at:Q", scale=scale), y=y, text="label:N")
    labels = text.transform_filter("datum.flag").mark_text(
        tooltip=None, align="left", dx=12, fontSize=11, fontWeight="bold", color=FLAG_COLOUR
    ) + text.transform_filter("!datum.flag").mark_text(
        tooltip=None, align="left", dx=12, fontSize=11, color=MUTED
    )
    flagged = sum(r["flag"] for r in rows)
    compared = sum(r["ratio"] is not None for r in figures["estimated_vs_observed"])
    if flagged:
        subtitle = (
            f"{flagged} of {compared} stages differ from the map by more than a factor of two (red)"
        )
    elif compared:
        subtitle = f"All {compared} stages compared are within a factor of two of the map"
    else:
        subtitle = "No stage has both an estimate (Stages page) and an observed duration yet"
    return (
        (lines + dots + labels)
        .properties(
            width=WIDTH,
            height=44 * max(len(rows), 1),
            title=_title(heading, subtitle),
        )
        .configure_view(stroke=None)
    )


def ratio_text(ratio: float | None) -> str:
    """Observed ÷ estimated in words: "2.1× longer than the map", "53× shorter than the map";
    "undefined" for a missing, zero, negative or infinite ratio."""
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return "undefined"
    factor = ratio if ratio >= 1 else 1 / ratio
    if factor < 1.05:
        return "as on the map"
    times = f"{factor:.1f}×" if factor < 10 else f"{factor:,.0f}×"
    return f"{times} {'longer' if ratio >= 1 else 'shorter'} than the map"


def _absent(side: str, days: float | None) -> str:
    """Why one side of a comparison cannot be drawn on the log scale."""
    if days is not None and days == 0:
        return f"{'observed' if side == 'observed' else 'estimated'} 0 days, ratio undefined"
    return "no estimate" if side == "estimate" else "not observed"


def _positive(days: float | None) -> float | None:
    return days if days is not None and days > 0 else None


# ---------------------------------------------------------------------------- text beside charts


EXPLAIN = {
    "timeframes": "How is this computed: per purchaser (a customer with a purchase event), "
    "buyer journey = first purchase − first seen and customer journey = last "
    "seen − first seen, where first and last seen are the customer's first and "
    "last mapped events. Median: half took less; p90: 90% took this long or "
    "less (linear interpolation between ranks).",
    "funnel": "How is this computed: a customer reaches a stage with an event in it or a "
    "later stage; drop-off = 1 − reached ÷ reached the stage before. Time between "
    "stages: first event of a stage − first event of the one before, over the "
    "customers who have both.",
    "comparison": "How is this computed: a stage's observed length is the median time from "
    "entering it to entering the next (decision ends with the first purchase, "
    "advocacy with the last event); the estimates come from the Stages page. "
    "Flagged: one is more than twice the other.",
}
"""The "how is this computed" text shown under each group of figures."""


def overview_cards(figures: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(label, text, help)`` for the headline figures of an event log."""
    dataset = figures.get("dataset") or {}
    return [
        ("Customers", f"{figures['customers']:,}", "People with at least one mapped event."),
        ("Conversion", _percent1(figures["conversion"]), "Purchasers ÷ customers."),
        (
            "Repeat purchase rate",
            _percent1(figures["repeat_purchase_rate"]),
            "Purchasers with two or more purchases ÷ purchasers.",
        ),
        (
            "Events used",
            f"{dataset.get('events_rows', 0):,}",
            f"Mapped events, of {dataset.get('total_rows', 0):,} rows: the rest are ignored "
            "events or rows without a customer, time or event name.",
        ),
    ]


def _percent1(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"


def stat_cards(figures: Mapping[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """The buyer and customer timeframe figures as ``(label, text, help)`` cards, by side.

    >>> stat_cards(figures)["buyer"][2][:2]
    ('Median', '24 days (3.5 weeks)')
    """
    cards = {}
    for side in SIDES:
        stats = figures[f"{side}_timeframe_days"]
        cards[side] = [
            (label, text, EXPLAIN["timeframes"])
            for label, text in (
                ("Purchasers", f"{stats['count']:,}"),
                ("Mean", format_days(stats["mean"])),
                ("Median", format_days(stats["median"])),
                ("p90", format_days(stats["p90"])),
            )
        ]
    return cards


def comparison_rows(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Estimated beside observed, per stage and then for the two journeys, for a table."""
    rows = []
    for r in figures.get("estimated_vs_observed") or []:
        rows.append(_comparison_row(stage_label(r["stage"]), r))
    for r in figures.get("estimated_vs_observed_journeys") or []:
        rows.append(_comparison_row(SIDES[r["journey"]][0], r))
    return rows


def _comparison_row(name: str, r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "": name,
        "estimated (days)": r["estimated_days"],
        "observed (days)": r["observed_days"],
        "observed ÷ estimated": r["ratio"],
        "differs > 2×": "⚠️ yes" if r["flag"] else "",
    }
