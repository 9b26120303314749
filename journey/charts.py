"""Chart builders: plain data in, an Altair chart out (no Streamlit, no SQL).

Each function takes the figures a page already has (stage durations, funnel counts, KPI values,
the rows of :func:`journey.formulas.compare` or :func:`journey.formulas.sensitivity`) and returns
an Altair chart that the page shows with ``st.altair_chart`` and exports as PNG or SVG through
:mod:`journey.images`. Data is aggregated here, in Python, before it reaches Altair: Altair
refuses more than 5,000 rows, and a small spec is also what makes a page rerun fast.

Built for speed, because a page rebuilds its charts on every rerun: data goes in as inline
values (a pandas frame costs a sanitising pass per chart), every encoding is an explicit
channel object (a string shorthand such as ``x="day:Q"`` costs Altair a schema lookup of
several milliseconds), and layers are joined by one ``alt.layer`` call that also sets the
size and title (each ``+`` or ``.properties`` deep-copies the whole chart). That halves the
time a chart takes to build and serialise.

Colours carry one meaning throughout: blues are the buyer journey (awareness, consideration,
decision), oranges what comes after the purchase (retention, advocacy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import altair as alt

from . import formatting, formulas
from .journey_map import wrap_cell
from .kpis import SIDE_LABELS, KpiRow, TimeframeRow, format_days, format_value
from .model import (
    AFTER_PART,
    BUYER_PART,
    BUYER_STAGES,
    STAGES,
    MetricValue,
    short_days,
    stage_label,
)

WIDTH = 640
BUYER_COLOUR = "#3559E0"
CUSTOMER_COLOUR = "#E07A1F"
LOST_COLOUR = "#E5E7EB"
MUTED = "#6B7280"
STAGE_COLOURS: dict[str, str] = {
    "awareness": "#A9BCF5",
    "consideration": "#6E8DEB",
    "decision": "#3559E0",
    "retention": "#F2A541",
    "advocacy": "#D1661B",
}
MAX_TREND_POINTS = 1_000  # more values than this are shown as monthly means
MAX_COMPARISON_ROWS = 40  # rows in one comparison chart: more would not be legible
MAX_TORNADO_BARS = 12
LABEL_CHARS = 30  # characters per line of a comparison row's label (its journey, its persona)
PANEL_WIDTH = 160  # of each comparison panel: three and the names fit 1280 wide with the sidebar
TEXT_PX = 12  # chart text on a page, in pixels (Vega-Lite draws 10); 16 when presenting
CHART_LABEL_PX = 16  # the largest label text a chart is sized for when it takes no text_px


def row_step(text_px: float = TEXT_PX, lines: int = 1) -> int:
    """Pixels per row of a chart whose rows are labelled with ``lines`` lines of
    ``text_px``-pixel text: the lines at 1.25 line height and a gap of 0.6 text height, so
    Vega-Lite neither drops a label as overlapping nor runs two rows' labels together.

    >>> row_step(10, lines=2), row_step(16, lines=2), row_step(16)
    (31, 50, 30)
    """
    return int(lines * text_px * 1.25 + text_px * 0.6 + 0.999)


def label_room(text_px: float, chars: int) -> int:
    """Pixels that ``chars`` characters of ``text_px``-pixel sans-serif text take at most
    (0.62 of the size per character), for an axis's ``labelLimit``."""
    return int(chars * text_px * 0.62 + 0.999)


def spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, as ``chart.to_dict()`` gives it (Altair's theme included,
    data inline under ``"datasets"``) but without Altair's JSON-schema validation, which is
    most of the time a page spends on a chart (``python -m bench.pages``). The builders here
    make valid charts by construction; their tests validate them.

    Raises ``altair.MaxRowsError`` for a chart with more than 5,000 data rows, as Altair does.
    """
    return chart.to_dict(validate=False)


def _stage_scale() -> alt.Scale:
    return alt.Scale(
        domain=[stage_label(s) for s in STAGES], range=[STAGE_COLOURS[s] for s in STAGES]
    )


def _stage_y() -> alt.Y:
    """The y encoding of a chart with a row per stage, in journey order."""
    return alt.Y(
        "stage:N",
        sort=[stage_label(s) for s in STAGES],
        title=None,
        axis=alt.Axis(labelFontSize=12),
    )


def _title(text: str, subtitle: str | list[str] | None = None) -> alt.TitleParams:
    return alt.TitleParams(
        text,
        subtitle=subtitle or [],
        anchor="start",
        fontSize=15,
        subtitleColor=MUTED,
        subtitleFontSize=12,
    )


def _end_labels(
    data: list[dict], rightward: Callable[[dict], bool], x: str, **encode: Any
) -> list[alt.Chart]:
    """Two text layers writing each row's ``text`` at the end of its bar (quantitative field
    ``x``): beyond it to the right for the rows where ``rightward(row)``, to the left for the
    others. ``encode`` adds the bars' other channels (``y``, ``yOffset``)."""
    return [
        alt.Chart(_values([r for r in data if rightward(r) == right]))
        .mark_text(
            tooltip=None,
            align="left" if right else "right",
            dx=4 if right else -4,
            fontSize=10,
            color="#374151",
        )
        .encode(x=alt.X(f"{x}:Q"), **encode, text=alt.Text("text:N"))
        for right in (True, False)
    ]


def _values(rows: Sequence[Mapping]) -> alt.Data:
    return alt.Data(values=list(rows))


NO_FRAME = alt.ViewBackground(stroke=None)


def _durations(durations: Mapping[str, float | None]) -> dict[str, float]:
    return {s: float(durations.get(s) or 0.0) for s in STAGES}


# ---------------------------------------------------------------------------- timeframes


def timeframe_chart(durations: Mapping[str, float | None], title: str = "") -> alt.LayerChart:
    """Buyer journey against customer journey: stage durations stacked, one bar per side.

    ``durations`` maps each stage to its typical duration in days (missing counts as 0). The
    buyer bar stacks awareness, consideration and decision; the customer bar all five stages,
    so the buyer journey is visibly the first part of it. Each bar ends with its total.
    """
    days = _durations(durations)
    rows, totals = [], []
    for side, stages in (("buyer", BUYER_STAGES), ("customer", STAGES)):
        start = 0.0
        for stage in stages:
            rows.append(
                {
                    "side": SIDE_LABELS[side],
                    "stage": stage_label(stage),
                    "order": STAGES.index(stage),
                    "start": start,
                    "end": start + days[stage],
                    "days": days[stage],
                    "duration": format_days(days[stage]),
                }
            )
            start += days[stage]
        totals.append({"side": SIDE_LABELS[side], "end": start, "label": format_days(start)})
    y = alt.Y(
        "side:N",
        title=None,
        sort=list(SIDE_LABELS.values()),
        axis=alt.Axis(labelFontSize=13, labelFontWeight="bold", labelLimit=400),
    )
    bars = (
        alt.Chart(_values(rows))
        .mark_bar(height=34, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("start:Q", title="days"),
            x2=alt.X2("end"),
            y=y,
            color=alt.Color(
                "stage:N",
                scale=_stage_scale(),
                title="Stage",
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("side:N", title="Journey"),
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("duration:N", title="Duration"),
            ],
        )
    )
    labels = (
        alt.Chart(_values(totals))
        .mark_text(
            tooltip=None, align="left", dx=6, fontSize=12, fontWeight="bold", color="#111827"
        )
        .encode(x=alt.X("end:Q"), y=y, text=alt.Text("label:N"))
    )
    buyer, customer = totals[0]["end"], totals[1]["end"]
    ratio = formulas.timeframe_ratio(buyer, customer)
    subtitle = (
        f"The customer journey takes {ratio:,.1f}× as long as the buyer journey"
        if ratio is not None
        else "The buyer journey has no durations yet"
    )
    return alt.layer(
        bars,
        labels,
        width=WIDTH,
        height=130,
        view=NO_FRAME,
        title=_title(title or "Buyer journey vs customer journey", subtitle),
    )


def timeline_chart(durations: Mapping[str, float | None], title: str = "") -> alt.LayerChart:
    """The five stages one after another along a time axis (days), the buyer part marked.

    Each stage is a bar from the day it starts to the day it ends; a shaded band spans the
    buyer journey and a rule marks the purchase (the end of the decision stage).
    """
    days = _durations(durations)
    rows, start = [], 0.0
    for stage in STAGES:
        side = "buyer" if stage in BUYER_STAGES else "customer"
        rows.append(
            {
                "stage": stage_label(stage),
                "start": start,
                "end": start + days[stage],
                "side": BUYER_PART if side == "buyer" else AFTER_PART,
                "duration": format_days(days[stage]),
                "starts": f"day {formatting.number(start)}",
                "ends": f"day {formatting.number(start + days[stage])}",
            }
        )
        start += days[stage]
    purchase = sum(days[s] for s in BUYER_STAGES)
    for row in rows:  # a label starts right of the purchase rule, not across it
        row["label_at"] = max(row["end"], purchase) if row["end"] <= purchase else row["end"]
    y = _stage_y()
    band = (
        alt.Chart(_values([{"start": 0.0, "end": purchase}]))
        .mark_rect(tooltip=None, color=BUYER_COLOUR, opacity=0.08)
        .encode(x=alt.X("start:Q"), x2=alt.X2("end"))
    )
    bars = (
        alt.Chart(_values(rows))
        .mark_bar(height=22, cornerRadius=2)
        .encode(
            x=alt.X("start:Q", title="days since first contact"),
            x2=alt.X2("end"),
            y=y,
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(
                    domain=[BUYER_PART, AFTER_PART],
                    range=[BUYER_COLOUR, CUSTOMER_COLOUR],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("starts:N", title="Starts on"),
                alt.Tooltip("ends:N", title="Ends on"),
                alt.Tooltip("duration:N", title="Duration"),
            ],
        )
    )
    labels = (
        alt.Chart(_values(rows))
        .mark_text(tooltip=None, align="left", dx=5, fontSize=11, color="#111827")
        .encode(x=alt.X("label_at:Q"), y=y, text=alt.Text("duration:N"))
    )
    rule = alt.Chart(_values([{"day": purchase, "text": f"purchase · day {purchase:,.0f}"}]))
    purchase_rule = rule.mark_rule(
        tooltip=None, color=BUYER_COLOUR, strokeDash=[4, 3], strokeWidth=2
    ).encode(x=alt.X("day:Q"))
    purchase_text = rule.mark_text(
        tooltip=None,
        align="left",
        baseline="bottom",
        dx=4,
        y=198,
        fontSize=11,
        fontWeight="bold",
        color=BUYER_COLOUR,
    ).encode(x=alt.X("day:Q"), text=alt.Text("text:N"))
    return alt.layer(
        band,
        bars,
        labels,
        purchase_rule,
        purchase_text,
        width=WIDTH,
        height=200,
        view=NO_FRAME,
        title=_title(
            title or "Timeline of the stages",
            f"Buyer journey (shaded): {format_days(purchase)} · whole customer "
            f"journey: {format_days(start)}",
        ),
    )


def timeframe_comparison_chart(
    rows: Sequence[TimeframeRow],
    highlight: int | None = None,
    title: str = "",
    text_px: int = TEXT_PX,
) -> alt.HConcatChart:
    """Buyer and customer timeframes of several journeys (or personas), side by side.

    Three panels share the rows: buyer-journey days, customer-journey days and their ratio,
    each on its own scale so a 3-day buyer journey stays visible beside a 4-year customer
    journey. ``highlight`` is the journey id drawn darker (the one on screen). At most
    :data:`MAX_COMPARISON_ROWS` rows: the longest customer journeys, and the highlighted one
    (the subtitle says how many are left out; a page shows them all in a table).
    ``text_px``: the size of its axis labels and bar labels in pixels (16 on a projector);
    rows (two label lines each: the journey over its persona) and panels grow with it.
    """
    ordered = sorted(rows, key=lambda r: r.customer_days, reverse=True)
    if len(ordered) > MAX_COMPARISON_ROWS:  # the longest ones, and always the highlighted one
        keep = ordered[:MAX_COMPARISON_ROWS]
        current = [r for r in ordered[MAX_COMPARISON_ROWS:] if r.journey_id == highlight]
        ordered = keep[: MAX_COMPARISON_ROWS - len(current)] + current
    if not any(r.journey_id == highlight for r in ordered):
        highlight = None
    data = [
        {
            "lines": _row_lines(r),
            "name": (
                f"{r.name} · {r.persona}"
                if r.journey_id is not None
                else f"{r.name} ({r.journeys} journey{'s' if r.journeys != 1 else ''})"
            ),
            "buyer": r.buyer_days,
            "customer": r.customer_days,
            "ratio": r.ratio,
            "buyer_text": format_days(r.buyer_days),
            "customer_text": format_days(r.customer_days),
            "buyer_short": short_days(r.buyer_days),
            "customer_short": short_days(r.customer_days),
            "ratio_text": "n/a" if r.ratio is None else f"{r.ratio:,.1f}×",
            "journeys": r.journeys,
            "alpha": 0.9 if highlight is None else (1.0 if r.journey_id == highlight else 0.45),
        }
        for r in ordered
    ]
    for row in data:  # the axis label: its lines, which the axis splits again
        row["label"] = "\n".join(row.pop("lines"))
    names = [row["label"] for row in data]
    lines = max((row["label"].count("\n") + 1 for row in data), default=1)
    tooltip = [
        alt.Tooltip("name:N", title="Journey or persona"),
        alt.Tooltip("buyer_text:N", title="Buyer journey"),
        alt.Tooltip("customer_text:N", title="Customer journey"),
        alt.Tooltip("ratio_text:N", title="Customer ÷ buyer"),
        alt.Tooltip("journeys:Q", title="Journeys", format=","),
    ]
    opacity = alt.Opacity("alpha:Q", scale=None, legend=None)  # a dict-free condition

    def panel(field: str, text: str, colour: str, heading: str, axis: bool) -> alt.LayerChart:
        y = alt.Y(
            "label:N",
            sort=names,
            title=None,  # the journey above its persona, each wrapped, not cut
            axis=(
                alt.Axis(
                    labelLimit=max(220, label_room(text_px, LABEL_CHARS + 2)),
                    labelFontSize=text_px,
                    labelExpr="split(datum.label, '\\n')",
                )
                if axis
                else None
            ),
        )
        top = max((row[field] for row in data if row[field] is not None), default=0.0)
        room = top * 1.33 if top > 0 else 1.0  # the longest bar takes 3/4: room for its label
        bars = (
            alt.Chart()
            .mark_bar(color=colour, height=14)
            .encode(
                x=alt.X(
                    f"{field}:Q",
                    title=heading,
                    scale=alt.Scale(domain=[0, room]),
                    axis=alt.Axis(tickCount=4),  # 4-digit ticks stay apart at 16 px
                ),
                y=y,
                opacity=opacity,
                tooltip=tooltip,
            )
        )
        labels = (
            alt.Chart()
            .mark_text(tooltip=None, align="left", dx=4, fontSize=text_px, color="#111827")
            .encode(x=alt.X(f"{field}:Q"), y=y, text=alt.Text(f"{text}:N"))
        )
        height = max(60, row_step(text_px, lines=max(2, lines)) * len(data))
        return alt.layer(bars, labels, width=panel_width, height=height)

    panel_width = PANEL_WIDTH + 10 * max(0, text_px - 10)  # room for the bar labels

    shown = (
        ""
        if len(rows) <= MAX_COMPARISON_ROWS
        else (f" · {len(ordered)} of {len(rows):,} shown, the longest customer journeys first")
    )
    return alt.hconcat(
        panel("buyer", "buyer_short", BUYER_COLOUR, "buyer journey (days)", True),
        panel("customer", "customer_short", CUSTOMER_COLOUR, "customer journey (days)", False),
        panel("ratio", "ratio_text", MUTED, "customer ÷ buyer (times)", False),
        data=_values(data),
        spacing=24,
        config=alt.Config(view=NO_FRAME),
        title=_title(
            title or "Timeframes across the workspace",
            "Buyer journey = awareness + consideration + decision; customer journey = "
            f"all five stages{shown}",
        ),
    )


def _row_lines(row: TimeframeRow) -> list[str]:
    """A comparison row's label as lines: the journey's name on up to three lines over its
    persona on up to two (a persona row: its name and journey count on up to three)."""
    if row.journey_id is None:
        plural = "s" if row.journeys != 1 else ""
        return wrap_cell([f"{row.name} ({row.journeys} journey{plural})"], LABEL_CHARS, 3)
    return wrap_cell([row.name], LABEL_CHARS, 3) + wrap_cell([row.persona], LABEL_CHARS, 2)


# ---------------------------------------------------------------------------- funnel


def funnel_chart(reached: Sequence[float], title: str = "") -> alt.LayerChart:
    """People reaching each stage, with the share lost before the next stage.

    ``reached`` is :func:`journey.formulas.funnel`: the people at each of the five stages. Each
    stage's bar splits into those who go on to the next stage and those lost on the way;
    the label gives the count and the drop-off share.
    """
    drops = {d.stage: d for d in formulas.drop_off(reached)}
    rows, labels = [], []
    for k, stage in enumerate(STAGES[: len(reached)]):
        drop = drops.get(stage)
        going_on = drop.next_reached if drop else reached[k]
        rows.append(
            {
                "stage": stage_label(stage),
                "part": "go on to the next stage",
                "order": 0,
                "start": 0.0,
                "end": going_on,
                "people": going_on,
            }
        )
        if drop:
            rows.append(
                {
                    "stage": stage_label(stage),
                    "part": "lost before the next stage",
                    "order": 1,
                    "start": going_on,
                    "end": reached[k],
                    "people": drop.lost,
                }
            )
        share = "" if not drop or drop.share is None else f"  ·  {drop.share:.0%} lost"
        labels.append(
            {"stage": stage_label(stage), "end": reached[k], "label": f"{reached[k]:,.0f}{share}"}
        )
    y = _stage_y()
    bars = (
        alt.Chart(_values(rows))
        .mark_bar(height=26)
        .encode(
            x=alt.X("start:Q", title="people per period", axis=alt.Axis(format="~s")),
            x2=alt.X2("end"),
            y=y,
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(
                    domain=["go on to the next stage", "lost before the next stage"],
                    range=[BUYER_COLOUR, "#F3A6A6"],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("part:N", title="Of the people here"),
                alt.Tooltip("people:Q", title="People", format=",.0f"),
            ],
        )
    )
    text = (
        alt.Chart(_values(labels))
        .mark_text(tooltip=None, align="left", dx=5, fontSize=11, color="#111827")
        .encode(x=alt.X("end:Q"), y=y, text=alt.Text("label:N"))
    )
    return alt.layer(
        bars,
        text,
        width=WIDTH,
        height=220,
        view=NO_FRAME,
        title=_title(
            title or "Funnel",
            "People reaching each stage = people at the previous stage × its conversion",
        ),
    )


# ---------------------------------------------------------------------------- KPIs


def _monthly(values: Sequence[MetricValue]) -> list[tuple[str, float]]:
    """Mean value per calendar month, dated the first of the month."""
    months: dict[str, list[float]] = {}
    for v in values:
        months.setdefault(v.date[:7] + "-01", []).append(v.value)
    return [(m, sum(vs) / len(vs)) for m, vs in sorted(months.items())]


def kpi_trend_chart(row: KpiRow, title: str = "") -> alt.LayerChart:
    """A KPI's dated values as a line, with its target as a dashed rule.

    ``row`` is one row of :func:`journey.kpis.kpi_board`. More than :data:`MAX_TREND_POINTS`
    values are shown as monthly means (the subtitle says so). Shares are shown as percentages.
    """
    label, unit, target = row.label, row.unit, row.target
    values = [MetricValue(date=d, value=v) for d, v in zip(row.dates, row.values, strict=True)]
    points = sorted((v.date, v.value) for v in values)
    subtitle = f"{len(points):,} value(s)"
    if len(points) > MAX_TREND_POINTS:
        points = _monthly(values)
        subtitle = f"monthly means of {len(values):,} values"
    if target is not None:
        subtitle += f" · target {format_value(target, unit)} (dashed)"
    axis_format = ".1~%" if unit == "share" else ",~r"
    data = [{"date": d, "value": v, "text": format_value(v, unit)} for d, v in points]
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="month"))
    y = alt.Y(
        "value:Q", title=label, scale=alt.Scale(zero=False), axis=alt.Axis(format=axis_format)
    )
    tooltip = [
        alt.Tooltip("date:T", title="Date", format="%Y-%m-%d"),
        alt.Tooltip("text:N", title=label),
    ]
    layers = [
        alt.Chart(_values(data))
        .mark_line(color=BUYER_COLOUR, strokeWidth=2.5)
        .encode(x=x, y=y, tooltip=tooltip),
        alt.Chart(_values(data))
        .mark_point(color=BUYER_COLOUR, filled=True, size=55)
        .encode(x=x, y=y, tooltip=tooltip),
    ]
    if target is not None:
        rule = _values([{"value": target, "text": f"target {format_value(target, unit)}"}])
        layers.append(
            alt.Chart(rule)
            .mark_rule(tooltip=None, color=CUSTOMER_COLOUR, strokeDash=[6, 4], strokeWidth=2)
            .encode(y=alt.Y("value:Q"))
        )
        layers.append(
            alt.Chart(rule)
            .mark_text(
                tooltip=None,
                align="right",
                baseline="bottom",
                dy=-3,
                x=WIDTH,
                fontSize=11,
                color=CUSTOMER_COLOUR,
                fontWeight="bold",
            )
            .encode(y=alt.Y("value:Q"), text=alt.Text("text:N"))
        )
    return alt.layer(
        *layers, width=WIDTH, height=240, view=NO_FRAME, title=_title(title or label, subtitle)
    )


# ---------------------------------------------------------------------------- what-if


def scenario_change_chart(
    rows: Sequence[Mapping], outputs: Sequence[str] | None = None, title: str = ""
) -> alt.LayerChart:
    """Each scenario's change against the baseline, in %, per output.

    ``rows`` are :func:`journey.formulas.compare` rows. Outputs whose change is undefined
    (a CAC without spend, a baseline of 0) are left out; ``outputs`` picks which to show.
    """
    wanted = list(outputs or formulas.OUTPUT_NAMES)
    data = [
        {
            "scenario": str(r["scenario"]),
            "output": r["label"],
            "change_pct": r["change_pct"],
            "text": f"{r['change_pct']:+.1f}%",
            "value": formulas.format_output(r["output"], r["value"]),
            "baseline": formulas.format_output(r["output"], r["baseline"]),
        }
        for r in rows
        if r["output"] in wanted and r["change_pct"] is not None
    ]
    moved = {row["output"] for row in data if abs(row["change_pct"]) > 1e-9}
    labels = [formulas.OUTPUT_INFO[o].label for o in wanted]
    order = [label for label in labels if label in moved]
    unchanged = [label for label in labels if label not in moved]
    data = [row for row in data if row["output"] in moved]
    scenarios = list(dict.fromkeys(row["scenario"] for row in data))
    y = alt.Y("output:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    offset = alt.YOffset("scenario:N", sort=scenarios)
    bars = (
        alt.Chart(_values(data))
        .mark_bar(height=alt.RelativeBandSize(0.8))
        .encode(
            x=alt.X("change_pct:Q", title="change against the baseline (%)"),
            y=y,
            yOffset=offset,
            color=alt.Color(
                "scenario:N",
                sort=scenarios,
                title="Scenario",
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(orient="bottom", labelLimit=260),
            ),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("output:N", title="Output"),
                alt.Tooltip("baseline:N", title="Baseline"),
                alt.Tooltip("value:N", title="Scenario"),
                alt.Tooltip("text:N", title="Change"),
            ],
        )
    )
    texts = _end_labels(data, lambda r: r["change_pct"] >= 0, "change_pct", y=y, yOffset=offset)
    zero = (
        alt.Chart(_values([{"x": 0}]))
        .mark_rule(tooltip=None, color="#111827")
        .encode(x=alt.X("x:Q"))
    )
    subtitle = ["Change of each output in % of the baseline's value"]
    if unchanged:
        subtitle.append(f"Unchanged or undefined: {', '.join(unchanged)}")
    return alt.layer(
        bars,
        *texts,
        zero,
        width=WIDTH,
        view=NO_FRAME,
        height=max(120, 18 * max(1, len(scenarios)) * len(moved) + 20),
        title=_title(title or "Scenarios against the baseline", subtitle),
    )


def tornado_chart(
    rows: Sequence[formulas.SensitivityRow], output: str, step: float = 0.1, title: str = ""
) -> alt.LayerChart:
    """Which lever moves ``output`` most: one bar per lever, from the lever moved down by
    ``step`` to it moved up, around the baseline (a vertical rule).

    ``rows`` come from :func:`journey.formulas.sensitivity` (largest swing first); levers with
    no effect are left out, and at most :data:`MAX_TORNADO_BARS` are shown.
    """
    info = formulas.OUTPUT_INFO[output]
    moving = [r for r in rows if r.swing > 0][:MAX_TORNADO_BARS]
    base = next((r.output_base for r in rows if r.output_base is not None), None)
    down, up = f"lever −{step:.0%}", f"lever +{step:.0%}"
    data = [
        {
            "lever": r.label,
            "direction": direction,
            "value": value,
            "base": base,
            "text": formulas.format_output(output, value),
            "lever_value": formulas.format_lever(r.lever, lever_value),
        }
        for r in moving
        for direction, value, lever_value in (
            (down, r.output_low, r.low_value),
            (up, r.output_high, r.high_value),
        )
    ]
    y = alt.Y(
        "lever:N",
        sort=[r.label for r in moving],
        title=None,
        axis=alt.Axis(labelLimit=220, labelFontSize=12),
    )
    bars = (
        alt.Chart(_values(data))
        .mark_bar(height=18)
        .encode(
            x=alt.X(
                "value:Q",
                title=info.label,
                scale=alt.Scale(zero=False, padding=48),
                axis=alt.Axis(format=".0%" if info.unit == "share" else ",~s"),
            ),
            x2=alt.X2("base"),
            y=y,
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(domain=[down, up], range=["#9CA3AF", BUYER_COLOUR]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("lever:N", title="Lever"),
                alt.Tooltip("direction:N", title="Moved"),
                alt.Tooltip("lever_value:N", title="Lever value"),
                alt.Tooltip("text:N", title=info.label),
            ],
        )
    )
    layers = [bars, *_end_labels(data, lambda r: r["value"] >= r["base"], "value", y=y)]
    if base is not None:
        layers.append(
            alt.Chart(_values([{"base": base}]))
            .mark_rule(tooltip=None, color="#111827", strokeWidth=1.5)
            .encode(x=alt.X("base:Q"))
        )
    still = len([r for r in rows if r.swing == 0])
    subtitle = (
        f"{info.label} with each lever moved {step:.0%} down and up, one at a time; "
        f"baseline {formulas.format_output(output, base)}"
        + (f" · {still} lever(s) with no effect not shown" if still else "")
    )
    return alt.layer(
        *layers,
        width=WIDTH,
        height=max(80, row_step(CHART_LABEL_PX) * len(moving)),  # fits 16 px labels too
        view=NO_FRAME,
        title=_title(title or f"What moves {info.label} most", subtitle),
    )


# ---------------------------------------------------------------------------- projector

#: Vega-Lite's text sizes that default below 16 px, set explicitly so they can be raised.
_TEXT_DEFAULTS = {
    "axis": ("labelFontSize", "titleFontSize"),
    "legend": ("labelFontSize", "titleFontSize"),
    "header": ("labelFontSize", "titleFontSize"),
    "title": ("fontSize", "subtitleFontSize"),
    "text": ("fontSize",),
}


def projector_spec(spec: dict, least: int = 16) -> dict:
    """A Vega-Lite spec (``chart.to_dict()``) with no text smaller than ``least`` pixels.

    Every ``fontSize``-like property below ``least`` (axis labels and titles, legends,
    chart titles, text marks, at any depth) is raised to it, and the config's defaults are
    set to it too (Vega-Lite draws axis labels at 10 px and titles at 11 px by default).
    Returns a new dict; ``spec`` is left as it was.
    """

    def raise_sizes(node):
        if isinstance(node, dict):
            return {
                k: (
                    least
                    if k.lower().endswith("fontsize") and isinstance(v, int | float) and v < least
                    else raise_sizes(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [raise_sizes(v) for v in node]
        return node

    raised = raise_sizes(spec)
    config = raised.setdefault("config", {})
    for part, names in _TEXT_DEFAULTS.items():
        for name in names:
            config.setdefault(part, {}).setdefault(name, least)
    return raised
