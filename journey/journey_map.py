"""The customer journey map: the lanes of a workshop wall as a table and as one chart.

A journey map lays the five stages out as columns and what the team learned about each stage
as rows ("lanes"): the customer's goal, actions, touchpoints, thoughts, friction points, key
points and the business's actions, with the customer's emotion drawn as a curve above them.
The buyer journey (awareness to decision) and the after-purchase stages (retention, advocacy)
are set apart by colour, so the purchase is visible at a glance.

Everything here is pure: functions take a :class:`~journey.model.Journey` and return a pandas
DataFrame, plain dicts, or an Altair chart (which :mod:`journey.images` turns into PNG or SVG).
The map chart is laid out in pixels computed here, so its columns line up exactly between the
stage header, the emotion curve and the lanes, and it exports the same as it shows.

>>> map_table(journey).loc["Touchpoints", ("Buyer journey", "Awareness")]
'• Web: Search results and the comparison guide'
>>> channel_gaps(journey)  # Web is used at awareness and decision, not in between
[('Web', ['consideration'])]
>>> images.to_png(map_chart(journey))  # the whole map, for a handout
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

import altair as alt
import pandas as pd

from . import comments, formatting, formulas
from .model import (
    AFTER_PART,
    BUYER_PART,
    BUYER_STAGES,
    MOMENT_KIND_LABELS,
    STAGES,
    Journey,
    Moment,
    Stage,
    is_buyer_stage,
    journey_part,
    stage_label,
)

# ---------------------------------------------------------------------------- vocabulary

#: The lanes of the map, top to bottom: key -> row label.
LANES: dict[str, str] = {
    "goals": "Customer goal",
    "actions": "Customer actions",
    "touchpoints": "Touchpoints",
    "thoughts": "Thoughts",
    "friction": "Friction points (severity 1–5)",
    "key": "Key points (impact 1–5)",
    "business": "Business actions",
}

#: Lanes that list items (one per line, bulleted) rather than hold one text.
LIST_LANES = ("touchpoints", "friction", "key")

#: The emotion axis: -2..+2 with room for the friction and key point symbols (and labels).
EMOTION_DOMAIN = [-3, 3.6]
EMOTION_WORDS: dict[int, str] = {
    -2: "very negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very positive",
}

#: Colours: a cool background for the buyer journey, a warm one after the purchase.
PART_COLOURS = {BUYER_PART: "#e3eefa", AFTER_PART: "#fbeedd"}
PART_INK = {BUYER_PART: "#1f4e79", AFTER_PART: "#8a4b08"}
FRICTION_COLOUR = "#d62728"
KEY_COLOUR = "#2ca02c"
LINE_COLOUR = "#34495e"
MARKERS = {"friction": ("triangle-down", FRICTION_COLOUR), "key": ("triangle-up", KEY_COLOUR)}


def _part(stage_or_part: str) -> dict[str, str]:
    """The part of the journey with its colours, to put in a chart's data rows."""
    part = stage_or_part if stage_or_part in PART_COLOURS else journey_part(stage_or_part)
    return {"part": part, "fill": PART_COLOURS[part], "ink": PART_INK[part]}


def stage_title(stage: Stage) -> str:
    """The column heading of a stage: "Awareness", or "Awareness: Recognising the need"."""
    standard = stage_label(stage.stage)
    own = (stage.label or "").strip()
    return f"{standard}: {own}" if own and own.lower() != standard.lower() else standard


def ordered_stages(journey: Journey) -> list[Stage]:
    """The journey's five stages in order; a missing one is shown as an empty stage."""
    have = {s.stage: s for s in journey.stages}
    return [have.get(key) or Stage(stage=key, label=stage_label(key)) for key in STAGES]


def emotion_text(score: int | float | None) -> str:
    """``+1 positive``, ``0 neutral``, ``-2 very negative``."""
    score = int(score or 0)
    return f"{score:+d} {EMOTION_WORDS.get(score, '')}".replace("+0", "0").strip()


def duration_text(days: float | None, *, short: bool = False) -> str:
    """A duration in days as people say it (:func:`journey.formatting.duration`): ``2 weeks``,
    ``4 years`` for 1,460 days; ``not set`` for zero. ``short`` is kept for callers: the
    text is already short."""
    return formatting.duration(days) if days else "not set"


def file_stem(journey: Journey) -> str:
    """A file name for the journey's downloads: ``journey-map-buying-a-family-car``."""
    slug = re.sub(r"[^a-z0-9]+", "-", (journey.name or "").lower()).strip("-")[:60]
    return f"journey-map-{slug or journey.id or 'untitled'}"


def conversion_text(conversion: float | None) -> str:
    """0.35 -> ``35%``; None -> ``""``."""
    return "" if conversion is None else f"{conversion * 100:.0f}%"


# ---------------------------------------------------------------------------- the map as a table


def _touchpoint_lines(stage: Stage) -> list[str]:
    return [
        f"{t.channel.strip()}: {t.description.strip()}"
        if t.description.strip()
        else t.channel.strip()
        for t in stage.touchpoints
    ]


def dots_text(count: int) -> str:
    """A point's dots in a vote: ``"1 dot"``, ``"3 dots"``."""
    return f"{count} dot" if count == 1 else f"{count:,} dots"


def _moment_lines(stage: Stage, kind: str, votes: Mapping[int, int] | None = None) -> list[str]:
    """A friction or key point per line: its title, rating, its dots in the vote when it has
    any, and the action that answers it."""
    votes = votes or {}
    return [
        f"{m.title} ({m.severity})"
        + (f" · {dots_text(votes[m.id])}" if votes.get(m.id) else "")
        + (f" → {m.action.strip()}" if m.action.strip() else "")
        for m in stage.moments
        if m.kind == kind
    ]


def lane_lines(stage: Stage, votes: Mapping[int, int] | None = None) -> dict[str, list[str]]:
    """What each lane holds for one stage, as lines of text (empty fields give no lines).
    ``votes`` (moment id -> dots, from :func:`journey.voting.map_votes`) adds each voted
    point's dots: ``"Prices hidden (4) · 3 dots → Publish prices"``."""

    def text(value: str) -> list[str]:
        return [value.strip()] if value and value.strip() else []

    return {
        "goals": text(stage.customer_goal),
        "actions": text(stage.customer_actions),
        "touchpoints": _touchpoint_lines(stage),
        "thoughts": text(stage.thoughts),
        "friction": _moment_lines(stage, "friction", votes),
        "key": _moment_lines(stage, "key", votes),
        "business": text(stage.business_actions),
    }


def _text_block(chart: alt.Chart, px: float, line: float, **style) -> alt.Chart:
    """``chart`` as lines of text (``\\n`` breaks them) from its top-left corner, ``px``
    pixels high, ``line`` pixels apart, no tooltip; ``style``: any other text mark property."""
    return chart.mark_text(
        tooltip=None,
        align="left",
        baseline="top",
        lineBreak="\n",
        fontSize=px,
        lineHeight=line,
        **style,
    )


def map_table(journey: Journey, votes: Mapping[int, int] | None = None) -> pd.DataFrame:
    """The map as a table: one row per lane, one column per stage, the text in the cells.

    Columns are two-level: the part of the journey (``"Buyer journey"`` or ``"After
    purchase"``) over the stage's title (:func:`stage_title`). Touchpoints, friction points
    and key points are one bulleted line each (``"• Web: Configurator"``, ``"• Prices hidden
    (4)"``); the other lanes hold the stage's text as typed. Empty fields give ``""``.
    ``votes`` as in :func:`lane_lines`.
    """
    stages = ordered_stages(journey)
    columns = pd.MultiIndex.from_tuples(
        [(journey_part(s.stage), stage_title(s)) for s in stages], names=["Part", "Stage"]
    )
    cells = [lane_lines(s, votes) for s in stages]
    rows = [
        ["\n".join(f"• {line}" if lane in LIST_LANES else line for line in c[lane]) for c in cells]
        for lane in LANES
    ]
    return pd.DataFrame(rows, index=pd.Index(list(LANES.values()), name="Lane"), columns=columns)


# ---------------------------------------------------------------------------- emotion curve


def _emotion_data(
    journey: Journey,
    x0: float,
    step: float,
    highlight: str | None = None,
    votes: Mapping[int, int] | None = None,
) -> tuple[list[dict], list[dict]]:
    """Points of the curve and the moment markers, at ``x0 + (i + 0.5) * step``; with
    ``votes``, each marker also says its dots."""
    points, markers = [], []
    for i, s in enumerate(ordered_stages(journey)):
        x = x0 + (i + 0.5) * step
        points.append(
            {
                "stage": s.stage,
                "label": stage_label(s.stage),
                "title": stage_title(s),
                "part": journey_part(s.stage),
                "position": i + 1,
                "x": x,
                "emotion": int(s.emotion or 0),
                "feeling": emotion_text(s.emotion),
                "size": 420 if s.stage == highlight else 120,
                "comments": comments.tooltip_text(s.comments),
            }
        )
        for kind, sign in (("friction", -1), ("key", 1)):
            found = [m for m in s.moments if m.kind == kind]
            for k, m in enumerate(found):
                marker = _marker(
                    m,
                    s,
                    kind,
                    x + (k - (len(found) - 1) / 2) * 0.13 * step,
                    int(s.emotion or 0) + sign * 0.6,
                )
                if votes:
                    marker["dots"] = dots_text(votes.get(m.id, 0))
                markers.append(marker)
    return points, markers


def _marker(m: Moment, stage: Stage, kind: str, x: float, y: float) -> dict:
    shape, colour = MARKERS[kind]
    return {
        "stage": stage.stage,
        "stage_label": stage_label(stage.stage),
        "kind": kind,
        "type": MOMENT_KIND_LABELS[kind],
        "title": m.title,
        "severity": m.severity,
        "action": m.action or "—",
        "comments": comments.tooltip_text(m.comments),
        "x": round(x, 4),
        "y": y,
        "shape": shape,
        "colour": colour,
    }


def _curve_layers(
    points: list[dict],
    markers: list[dict],
    x_scale: alt.Scale,
    x_axis: alt.Axis | None,
    y_axis: alt.Axis | None,
) -> list[alt.Chart]:
    """The layers shared by the standalone curve and the map: line, points, markers."""
    y_scale = alt.Scale(domain=EMOTION_DOMAIN, nice=False)
    x = alt.X("x:Q", scale=x_scale, axis=x_axis, title=None)
    y = alt.Y("emotion:Q", scale=y_scale, axis=y_axis, title=None)
    base = alt.Chart(_frame(points))
    line = base.mark_line(
        tooltip=None, color=LINE_COLOUR, strokeWidth=3, interpolate="monotone"
    ).encode(x, y)
    dots = base.mark_point(filled=True, color=LINE_COLOUR, opacity=1).encode(
        x,
        y,
        size=alt.Size("size:Q", scale=None, legend=None),
        tooltip=[
            alt.Tooltip("label:N", title="Stage"),
            alt.Tooltip("title:N", title="Heading"),
            alt.Tooltip("feeling:N", title="Emotion"),
            alt.Tooltip("comments:N", title="Comments"),
        ],
    )
    layers = [line, dots]
    if markers:
        layers.append(
            alt.Chart(_frame(markers))
            .mark_point(filled=True, opacity=0.95, stroke="white", strokeWidth=1)
            .encode(
                alt.X("x:Q", scale=x_scale, axis=x_axis, title=None),
                alt.Y("y:Q", scale=y_scale, axis=y_axis, title=None),
                shape=alt.Shape("shape:N", scale=None, legend=None),
                color=alt.Color("colour:N", scale=None, legend=None),
                size=alt.Size(
                    "severity:Q", scale=alt.Scale(domain=[1, 5], range=[70, 260]), legend=None
                ),
                tooltip=[
                    alt.Tooltip("type:N", title="Type"),
                    alt.Tooltip("title:N", title="Title"),
                    alt.Tooltip("stage_label:N", title="Stage"),
                    alt.Tooltip("severity:Q", title="Severity / impact", format="d"),
                    alt.Tooltip("action:N", title="Action"),
                    *([alt.Tooltip("dots:N", title="Votes")] if "dots" in markers[0] else []),
                    alt.Tooltip("comments:N", title="Comments"),
                ],
            )
        )
    return layers


def _bands(x0: float, step: float) -> list[dict]:
    """The two parts of the journey as x ranges (buyer journey, then after purchase)."""
    cut = len(BUYER_STAGES)
    return [
        {**_part(BUYER_PART), "x": x0, "x2": x0 + cut * step, "mid": x0 + cut * step / 2},
        {
            **_part(AFTER_PART),
            "x": x0 + cut * step,
            "x2": x0 + len(STAGES) * step,
            "mid": x0 + (cut + len(STAGES)) * step / 2,
        },
    ]


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Chart data as a DataFrame: Altair then stores it once, instead of copying and checking
    the rows with every layer (several times faster for the map)."""
    return pd.DataFrame(rows)


def _part_colour() -> alt.Color:
    """The background colour of the row's part: raw colours, so no scale is shared."""
    return alt.Color("fill:N", scale=None, legend=None)


def _part_ink() -> alt.Color:
    """The ink colour of the row's part (headings)."""
    return alt.Color("ink:N", scale=None, legend=None)


def emotion_curve(
    journey: Journey,
    *,
    highlight: str | None = None,
    height: int = 260,
    width: int | str = "container",
    votes: Mapping[int, int] | None = None,
) -> alt.LayerChart:
    """The customer's emotion (-2..+2) across the five stages, with friction and key points.

    Friction points are red triangles below the curve, key points green triangles above it
    (bigger for a higher severity or impact); the buyer journey and the after-purchase stages
    are shaded differently. ``highlight`` (a stage key) outlines that stage's column and draws
    its point larger. The width fills the page's column unless ``width`` (pixels) is given,
    as for an image; below 200 pixels high the labels get smaller (a compact curve).
    ``votes`` (moment id -> dots) adds each point's dots to its tooltip.
    """
    return _emotion_chart(journey, highlight, height, width, votes).configure_view(stroke=None)


def _emotion_chart(
    journey: Journey,
    highlight: str | None,
    height: int,
    width: int | str,
    votes: Mapping[int, int] | None,
    text_px: int | None = None,
) -> alt.LayerChart:
    """:func:`emotion_curve` without its view config (so it can go into a concatenation);
    ``text_px``: the size of all its text (its own sizes when None)."""
    compact = height < 200
    points, markers = _emotion_data(journey, 0, 1, highlight, votes)
    x_scale = alt.Scale(domain=[0, len(STAGES)], nice=False, zero=False)
    labels = [stage_label(s) for s in STAGES]
    x_axis = alt.Axis(
        values=[i + 0.5 for i in range(len(STAGES))],
        grid=False,
        ticks=False,
        domain=False,
        labelFontSize=text_px or (10 if compact else 13),
        labelOverlap=False,
        labelFontWeight="bold",
        labelPadding=4 if compact else 8,
        labelAngle=-25 if compact else 0,
        labelAlign="right" if compact else "center",
        labelExpr=f"{labels}[floor(datum.value)]",
    )
    y_axis = alt.Axis(
        values=list(EMOTION_WORDS),
        grid=False,
        domain=False,
        ticks=False,
        labelFontSize=text_px or (10 if compact else 11),
        titleFontSize=text_px or 11,
        title=None if compact else "Emotion",
        labelExpr="datum.value > 0 ? '+' + datum.value : '' + datum.value",
    )
    bands = alt.Chart(_frame(_bands(0, 1)))
    shade = bands.mark_rect(tooltip=None, opacity=0.8).encode(
        alt.X("x:Q", scale=x_scale, axis=x_axis, title=None),
        x2=alt.X2("x2:Q"),
        color=_part_colour(),
    )
    names = bands.mark_text(
        tooltip=None,
        baseline="top",
        fontSize=text_px or (11 if compact else 13),
        fontWeight="bold",
        dy=4 if compact else 6,
    ).encode(
        alt.X("mid:Q", scale=x_scale, axis=x_axis),
        y=alt.YValue(0),
        text=alt.Text("part:N"),
        color=_part_ink(),
    )
    purchase = alt.Chart(_frame([{"x": len(BUYER_STAGES), "text": "purchase"}]))
    rule = purchase.mark_rule(tooltip=None, strokeDash=[6, 4], color="#7f8c8d").encode(
        alt.X("x:Q", scale=x_scale, axis=x_axis)
    )
    layers = [shade, rule] if compact else [shade, rule, names]
    if highlight in STAGES:
        at = STAGES.index(highlight)
        layers.append(
            alt.Chart(_frame([{"x": at + 0.04, "x2": at + 0.96}]))
            .mark_rect(
                tooltip=None,
                fill="#f7dc6f",
                opacity=0.35,
                stroke="#b7950b",
                strokeWidth=1.5,
                cornerRadius=4,
            )
            .encode(alt.X("x:Q", scale=x_scale, axis=x_axis), x2=alt.X2("x2:Q"))
        )
    layers += _curve_layers(points, markers, x_scale, x_axis, y_axis)
    return alt.layer(*layers).properties(height=height, width=width)


# ---------------------------------------------------------------------------- the whole map


#: Layout of the map chart, in pixels.
LABEL_WIDTH = 170
STAGE_WIDTH = 250
LINE_HEIGHT = 15
CELL_PAD = 8
CURVE_HEIGHT = 190
CHARS_PER_LINE = 42
LINES_PER_CELL = 6
FONT = "Helvetica, Arial, sans-serif"


def wrap_cell(
    lines: list[str],
    width: int = CHARS_PER_LINE,
    max_lines: int | None = LINES_PER_CELL,
    bullet: bool = False,
) -> list[str]:
    """Wrap a cell's lines to ``width`` characters and keep at most ``max_lines`` (None: all
    of them, as the map handout does).

    Text that does not fit ends in "…". With ``bullet`` each item (a touchpoint, a moment)
    starts with "• " and gets an equal share of the lines, so every item stays visible; when
    there are more items than lines, the last line says how many more there are.
    """
    if max_lines is None:
        return [
            line
            for item in (lines if bullet else [" ".join(lines)])
            for line in textwrap.wrap(
                " ".join(item.split()),
                width=width,
                initial_indent="• " if bullet else "",
                subsequent_indent="   " if bullet else "",
            )
        ]
    if not bullet:
        return _clip(
            textwrap.wrap(" ".join(" ".join(lines).split()), width=width), width, max_lines
        )
    shown = lines if len(lines) <= max_lines else lines[: max_lines - 1]
    budget = max(1, max_lines // max(1, len(shown)))
    out: list[str] = []
    for item in shown:
        wrapped = textwrap.wrap(
            " ".join(item.split()), width=width, initial_indent="• ", subsequent_indent="   "
        )
        out.extend(_clip(wrapped, width, budget))
    if len(shown) < len(lines):
        out.append(f"+ {len(lines) - len(shown)} more")
    return out


def _clip(lines: list[str], width: int, max_lines: int) -> list[str]:
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    if len(last) > width - 1:
        last = last[: width - 1].rstrip()
    return [*lines[: max_lines - 1], last.rstrip(" ,;:.") + "…"]


def _x(i: float) -> float:
    return LABEL_WIDTH + i * STAGE_WIDTH


def _pixel_scale(total: float) -> alt.Scale:
    return alt.Scale(domain=[0, total], nice=False, zero=False)


def _lanes_chart(
    stages: list[Stage], width: int, votes: Mapping[int, int] | None = None
) -> alt.LayerChart:
    """The lanes as a grid of text cells, each lane as tall as its fullest cell."""
    cells, labels, top = [], [], 0.0
    lines = [lane_lines(s, votes) for s in stages]
    for lane, label in LANES.items():
        bullet = lane in LIST_LANES
        wrapped = [wrap_cell(c[lane], bullet=bullet, max_lines=None) for c in lines]
        heading = [
            part
            for line in label.replace(" (", "\n(").split("\n")
            for part in textwrap.wrap(line, 22)
        ]
        height = max(len(heading), *map(len, wrapped)) * LINE_HEIGHT + 2 * CELL_PAD
        for i, (s, text) in enumerate(zip(stages, wrapped, strict=True)):
            cells.append(
                {
                    "lane": label,
                    "stage": stage_label(s.stage),
                    **_part(s.stage),
                    "x": _x(i) + 2,
                    "x2": _x(i + 1) - 2,
                    "y": top + 2,
                    "y2": top + height - 2,
                    "text": "\n".join(text) or "—",
                    "colour": "#1c2833" if text else "#aab4be",
                }
            )
        labels.append({"x": 10, "y": top + CELL_PAD, "text": "\n".join(heading)})
        top += height
    x_scale = _pixel_scale(width)
    y_scale = alt.Scale(domain=[0, top], nice=False, zero=False, reverse=True)
    x, y = (alt.X("x:Q", scale=x_scale, axis=None), alt.Y("y:Q", scale=y_scale, axis=None))
    grid = alt.Chart(_frame(cells))
    boxes = grid.mark_rect(tooltip=None, cornerRadius=3).encode(
        x, y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"), color=_part_colour()
    )
    texts = _text_block(grid, 11, LINE_HEIGHT, dx=CELL_PAD - 2, dy=CELL_PAD - 2).encode(
        x, y, text=alt.Text("text:N"), color=alt.Color("colour:N", scale=None, legend=None)
    )
    heads = _text_block(
        alt.Chart(_frame(labels)), 12, LINE_HEIGHT, fontWeight="bold", color="#2c3e50"
    ).encode(x, y, text=alt.Text("text:N"))
    return alt.layer(boxes, texts, heads).properties(width=width, height=top)


def _header_chart(stages: list[Stage], width: int) -> alt.LayerChart:
    """Part bands ("Buyer journey", "After purchase") over one heading per stage."""
    x_scale = _pixel_scale(width)
    y_scale = alt.Scale(domain=[0, 96], nice=False, zero=False, reverse=True)
    bands = [{**b, "y": 0, "y2": 26} for b in _bands(LABEL_WIDTH, STAGE_WIDTH)]
    heads = []
    for i, s in enumerate(stages):
        own = (s.label or "").strip()
        sub = [own] if own and own.lower() != stage_label(s.stage).lower() else []
        facts = [
            duration_text(s.duration_days) if s.duration_days else "",
            f"{conversion_text(s.conversion)} go on" if s.conversion is not None else "",
        ]
        heads.append(
            {
                **_part(s.stage),
                "x": _x(i) + CELL_PAD,
                "name": f"{i + 1}. {stage_label(s.stage)}",
                "sub": "\n".join([*wrap_cell(sub, 36, 1), " · ".join(f for f in facts if f)]),
            }
        )
    x, y = alt.X("x:Q", scale=x_scale, axis=None), alt.Y("y:Q", scale=y_scale, axis=None)
    band = alt.Chart(_frame(bands))
    band_rect = band.mark_rect(tooltip=None, cornerRadius=3).encode(
        x, y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"), color=_part_ink()
    )
    band_text = band.mark_text(
        tooltip=None, fontSize=13, fontWeight="bold", color="white", baseline="middle"
    ).encode(
        alt.X("mid:Q", scale=x_scale, axis=None),
        y=alt.YDatum(13, scale=y_scale),
        text=alt.Text("part:N"),
    )
    head = alt.Chart(_frame(heads))
    names = head.mark_text(
        tooltip=None, align="left", baseline="top", fontSize=15, fontWeight="bold"
    ).encode(x, y=alt.YDatum(34, scale=y_scale), text=alt.Text("name:N"), color=_part_ink())
    subs = _text_block(head, 11, LINE_HEIGHT, color="#4d5656").encode(
        x, y=alt.YDatum(54, scale=y_scale), text=alt.Text("sub:N")
    )
    return alt.layer(band_rect, band_text, names, subs).properties(width=width, height=96)


def _map_curve_chart(
    journey: Journey, width: int, votes: Mapping[int, int] | None = None
) -> alt.LayerChart:
    """The emotion curve, aligned with the map's stage columns."""
    x_scale = _pixel_scale(width)
    points, markers = _emotion_data(journey, LABEL_WIDTH, STAGE_WIDTH, votes=votes)
    shade = (
        alt.Chart(_frame(_bands(LABEL_WIDTH, STAGE_WIDTH)))
        .mark_rect(tooltip=None, opacity=0.55)
        .encode(alt.X("x:Q", scale=x_scale, axis=None), x2=alt.X2("x2:Q"), color=_part_colour())
    )
    guide = [
        {"emotion": e, "x": LABEL_WIDTH, "x2": width, "text": emotion_text(e)}
        for e in EMOTION_WORDS
    ]
    y_scale = alt.Scale(domain=EMOTION_DOMAIN, nice=False)
    guides = alt.Chart(_frame(guide))
    rules = guides.mark_rule(tooltip=None, strokeDash=[2, 3], color="#b2babb").encode(
        alt.X("x:Q", scale=x_scale, axis=None),
        x2=alt.X2("x2:Q"),
        y=alt.Y("emotion:Q", scale=y_scale, axis=None),
    )
    words = guides.mark_text(
        tooltip=None, align="right", baseline="middle", fontSize=10, color="#626567", dx=-6
    ).encode(
        alt.X("x:Q", scale=x_scale, axis=None),
        alt.Y("emotion:Q", scale=y_scale, axis=None),
        text=alt.Text("text:N"),
    )
    title = (
        alt.Chart(_frame([{"x": 10, "text": "Emotion"}]))
        .mark_text(
            tooltip=None,
            align="left",
            baseline="top",
            fontSize=12,
            fontWeight="bold",
            color="#2c3e50",
        )
        .encode(alt.X("x:Q", scale=x_scale, axis=None), y=alt.YValue(4), text=alt.Text("text:N"))
    )
    purchase = alt.Chart(_frame([{"x": _x(len(BUYER_STAGES)), "text": "purchase"}]))
    cut = purchase.mark_rule(
        tooltip=None, strokeDash=[6, 4], color="#7f8c8d", strokeWidth=1.5
    ).encode(alt.X("x:Q", scale=x_scale, axis=None))
    cut_label = purchase.mark_text(
        tooltip=None,
        align="right",
        baseline="bottom",
        dx=-5,
        dy=-4,
        fontSize=11,
        fontStyle="italic",
        color="#626567",
    ).encode(
        alt.X("x:Q", scale=x_scale, axis=None), y=alt.YValue(CURVE_HEIGHT), text=alt.Text("text:N")
    )
    layers = _curve_layers(points, markers, x_scale, None, None)
    return alt.layer(shade, rules, words, title, cut, cut_label, *layers).properties(
        width=width, height=CURVE_HEIGHT
    )


def _legend_chart(width: int) -> alt.LayerChart:
    """What the curve's symbols mean (drawn by hand: a legend would shift the columns)."""
    items = [
        ("circle", LINE_COLOUR, "Emotion at the stage"),
        (*MARKERS["friction"], "Friction point (bigger: more severe)"),
        (*MARKERS["key"], "Key point (bigger: more impact)"),
    ]
    rows = [
        {"x": LABEL_WIDTH + 8 + 260 * i, "shape": shape, "colour": colour, "text": text}
        for i, (shape, colour, text) in enumerate(items)
    ]
    x = alt.X("x:Q", scale=_pixel_scale(width), axis=None)
    base = alt.Chart(_frame(rows))
    marks = base.mark_point(tooltip=None, filled=True, size=140, opacity=1).encode(
        x,
        y=alt.YValue(11),
        shape=alt.Shape("shape:N", scale=None, legend=None),
        color=alt.Color("colour:N", scale=None, legend=None),
    )
    words = base.mark_text(
        tooltip=None, align="left", baseline="middle", fontSize=11, dx=12, color="#4d5656"
    ).encode(x, y=alt.YValue(11), text=alt.Text("text:N"))
    return alt.layer(marks, words).properties(width=width, height=22)


def map_chart(
    journey: Journey, persona: str = "", votes: Mapping[int, int] | None = None
) -> alt.VConcatChart:
    """The whole journey map as one chart, for the page and for PNG/SVG handouts.

    The title names the journey, the subtitle the ``persona`` (a name) and the two
    timeframes. Top to bottom: the journey's parts and stage headings (with durations and
    conversion), the emotion curve with friction and key points, a legend, then the lanes as
    a grid of text cells, friction and key points with their actions. Buyer-journey columns
    are blue, after-purchase columns amber; each cell is wrapped to :data:`CHARS_PER_LINE`
    characters and keeps all of its text (a cell grows; nothing ends in "…"). ``votes``
    (moment id -> dots) puts each voted point's dots beside it, as in :func:`lane_lines`.
    """
    buyer, customer = timeframes(journey)
    subtitle = " · ".join(
        part
        for part in (
            "Customer journey map",
            f"persona: {persona}" if persona else "",
            f"buyer journey {buyer}",
            f"customer journey {customer}",
        )
        if part
    )
    stages = ordered_stages(journey)
    width = LABEL_WIDTH + len(STAGES) * STAGE_WIDTH
    return (
        alt.vconcat(
            _header_chart(stages, width),
            _map_curve_chart(journey, width, votes),
            _legend_chart(width),
            _lanes_chart(stages, width, votes),
            spacing=6,
        )
        .properties(
            title=alt.Title(
                journey.name or "Customer journey",
                subtitle=subtitle,
                anchor="start",
                fontSize=20,
                subtitleFontSize=13,
                offset=12,
                subtitleColor="#626567",
            ),
            padding={"left": 16, "top": 16, "right": 16, "bottom": 16},
        )
        .configure(font=FONT, background="white", view=alt.ViewConfig(stroke=None))
    )


#: The map as the app shows it (:func:`map_picture`), in pixels: it fits the page's column at
#: 1280 wide with the sidebar, so its text is shown at its own size, never shrunk.
PICTURE_WIDTH = 800
PICTURE_TEXT_PX = 16
PICTURE_LABEL_WIDTH = 190
PICTURE_CHARS = 72  # per line of a cell, at 16 px in the 600 px beside the lane names
PICTURE_LINE = 21


def _stage_block(stage: Stage, number: int, votes: Mapping[int, int] | None) -> alt.LayerChart:
    """One stage of :func:`map_picture`: a heading strip, then its lanes one under the other
    (lane name on the left, the text wrapped beside it; empty lanes left out)."""
    px, line = PICTURE_TEXT_PX, PICTURE_LINE
    own = (stage.label or "").strip()
    facts = [
        journey_part(stage.stage),
        f"takes {duration_text(stage.duration_days)}" if stage.duration_days else "",
        f"{conversion_text(stage.conversion)} go on" if stage.conversion is not None else "",
        f"emotion {emotion_text(stage.emotion)}",
    ]
    name = f"{number}. {stage_label(stage.stage)}"
    heading = textwrap.wrap(
        f"{name}: {own}" if own and own != stage_label(stage.stage) else name, 70
    )
    sub = textwrap.wrap(" · ".join(f for f in facts if f), 80)
    top = 8 + len(heading) * (line + 2) + len(sub) * line + 8
    strip = [{"x": 0, "x2": PICTURE_WIDTH, "y": 0, "y2": top, **_part(stage.stage)}]
    cells, labels = [], []
    for lane, label in LANES.items():
        text = lane_lines(stage, votes)[lane]
        if not text:
            continue
        wrapped = wrap_cell(text, PICTURE_CHARS, max_lines=None, bullet=lane in LIST_LANES)
        head = textwrap.wrap(label, 20)
        height = max(len(head), len(wrapped)) * line + 2 * CELL_PAD
        cells.append(
            {"y": top + 2, "y2": top + height - 2, "text": "\n".join(wrapped), **_part(stage.stage)}
        )
        labels.append({"y": top + CELL_PAD, "text": "\n".join(head)})
        top += height
    if not cells:
        labels.append({"y": top + CELL_PAD, "text": "Nothing noted yet"})
        top += line + 2 * CELL_PAD
    x_scale, y_scale = (
        _pixel_scale(PICTURE_WIDTH),
        alt.Scale(domain=[0, top], nice=False, zero=False, reverse=True),
    )
    x, y = alt.X("x:Q", scale=x_scale, axis=None), alt.Y("y:Q", scale=y_scale, axis=None)
    band = alt.Chart(_frame(strip))
    layers = [
        band.mark_rect(tooltip=None, cornerRadius=3).encode(
            x, y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"), color=_part_ink()
        ),
        _text_block(
            alt.Chart(_frame([{"x": CELL_PAD, "y": 8, "text": "\n".join(heading)}])),
            px + 2,
            line + 2,
            fontWeight="bold",
            color="white",
        ).encode(x, y, text=alt.Text("text:N")),
        _text_block(
            alt.Chart(
                _frame(
                    [{"x": CELL_PAD, "y": 8 + len(heading) * (line + 2), "text": "\n".join(sub)}]
                )
            ),
            px,
            line,
            color="white",
        ).encode(x, y, text=alt.Text("text:N")),
    ]
    if cells:
        grid = alt.Chart(
            _frame([{**c, "x": PICTURE_LABEL_WIDTH, "x2": PICTURE_WIDTH} for c in cells])
        )
        layers += [
            grid.mark_rect(tooltip=None, cornerRadius=3).encode(
                x, y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"), color=_part_colour()
            ),
            _text_block(grid, px, line, color="#1c2833", dx=CELL_PAD, dy=CELL_PAD - 2).encode(
                x, y, text=alt.Text("text:N")
            ),
        ]
    labels_chart = alt.Chart(_frame([{**lab, "x": 0} for lab in labels]))
    layers.append(
        _text_block(labels_chart, px, line, fontWeight="bold", color="#2c3e50").encode(
            x, y, text=alt.Text("text:N")
        )
    )
    return alt.layer(*layers).properties(width=PICTURE_WIDTH, height=top)


def map_picture(
    journey: Journey, persona: str = "", votes: Mapping[int, int] | None = None
) -> alt.VConcatChart:
    """The journey map as the app shows it: :data:`PICTURE_WIDTH` pixels wide, one stage
    under the other, every text at least :data:`PICTURE_TEXT_PX` pixels and wrapped, never
    cut or shrunk. The same content as :func:`map_chart` (the handout, stages side by side):
    title, persona and timeframes, the emotion curve, then each stage's heading and lanes,
    friction and key points with their actions and (``votes``) their dots.
    """
    buyer, customer = timeframes(journey)
    subtitle = [
        f"Customer journey map{f' · persona: {persona}' if persona else ''}",
        f"buyer journey {buyer} · customer journey {customer}",
    ]
    subtitle = [part for text in subtitle for part in textwrap.wrap(text, 80)]
    curve = _emotion_chart(journey, None, 230, PICTURE_WIDTH - 70, votes, PICTURE_TEXT_PX)
    blocks = [_stage_block(s, i + 1, votes) for i, s in enumerate(ordered_stages(journey))]
    return (
        alt.vconcat(curve, *blocks, spacing=14)
        .properties(
            title=alt.Title(
                textwrap.wrap(journey.name or "Customer journey", 60),
                subtitle=subtitle,
                anchor="start",
                fontSize=22,
                subtitleFontSize=PICTURE_TEXT_PX,
                offset=12,
                subtitleColor="#4d5656",
            ),
            padding={"left": 12, "top": 12, "right": 12, "bottom": 12},
        )
        .configure(
            font=FONT,
            background="white",
            view=alt.ViewConfig(stroke=None),
            axis=alt.AxisConfig(labelFontSize=PICTURE_TEXT_PX, titleFontSize=PICTURE_TEXT_PX),
        )
    )


# ---------------------------------------------------------------------------- channels


def _channel_uses(journey: Journey) -> tuple[dict[str, str], dict[tuple[str, str], int]]:
    """Channel display names (first spelling seen) and counts per (channel key, stage)."""
    names: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    for s in ordered_stages(journey):
        used = [t.channel for t in s.touchpoints] + [m.channel for m in s.moments]
        for channel in used:
            name = " ".join((channel or "").split())
            if not name:
                continue
            key = name.casefold()
            names.setdefault(key, name)
            counts[key, s.stage] = counts.get((key, s.stage), 0) + 1
    return names, counts


def channel_matrix(journey: Journey) -> pd.DataFrame:
    """Channels (rows, in order of first use) by stages (columns): how many touchpoints and
    moments use the channel at the stage. Names are compared trimmed and case-insensitively;
    a channel is shown as first spelled."""
    names, counts = _channel_uses(journey)
    rows = [[counts.get((key, s), 0) for s in STAGES] for key in names]
    return pd.DataFrame(
        rows,
        index=pd.Index(list(names.values()), name="Channel"),
        columns=[stage_label(s) for s in STAGES],
        dtype="int64",
    )


def channel_gaps(journey: Journey) -> list[tuple[str, list[str]]]:
    """Channels with a gap: ``[(channel, [stage keys of its gaps])]``.

    A gap is a stage where a channel is not used although it is used at an earlier stage and
    at a later one: customers who started on the channel and come back to it later cannot use
    it there. A channel used only at the start (or only at the end) of the journey has no gap.
    """
    names, counts = _channel_uses(journey)
    gaps = []
    for key, name in names.items():
        used = [i for i, s in enumerate(STAGES) if (key, s) in counts]
        missing = [s for s in STAGES[used[0] + 1 : used[-1]] if (key, s) not in counts]
        if missing:
            gaps.append((name, missing))
    return gaps


def gap_rows(journey: Journey) -> list[dict[str, str]]:
    """:func:`channel_gaps` as rows to show: ``Channel``, ``Used at``, ``Missing at``."""
    names, counts = _channel_uses(journey)
    by_name = {name: key for key, name in names.items()}
    return [
        {
            "Channel": channel,
            "Used at": ", ".join(stage_label(s) for s in STAGES if (by_name[channel], s) in counts),
            "Missing at": ", ".join(stage_label(s) for s in missing),
        }
        for channel, missing in channel_gaps(journey)
    ]


def channel_matrix_chart(journey: Journey) -> alt.LayerChart:
    """A heatmap of :func:`channel_matrix`: darker cells for more use, "gap" marks a gap
    (:func:`channel_gaps`).

    Buyer-journey stage names are blue, after-purchase ones amber, as on the map.
    """
    matrix = channel_matrix(journey)
    top = int(matrix.to_numpy().max()) if matrix.size else 0
    gaps = {
        (channel, stage_label(s)) for channel, missing in channel_gaps(journey) for s in missing
    }
    cells = [
        {
            "channel": channel,
            "stage": stage,
            "count": int(count),
            "label": str(count) if count else "gap" if (channel, stage) in gaps else "",
        }
        for channel, row in matrix.iterrows()
        for stage, count in row.items()
    ]
    order = [stage_label(s) for s in STAGES]
    buyers = [stage_label(s) for s in BUYER_STAGES]
    x = alt.X(
        "stage:N",
        sort=order,
        scale=alt.Scale(domain=order),
        title=None,
        axis=alt.Axis(
            orient="top",
            labelAngle=0,
            labelFontSize=13,
            labelFontWeight="bold",
            domain=False,
            ticks=False,
            labelColor=alt.ExprRef(
                expr=f"indexof({buyers}, datum.label) >= 0 ? '{PART_INK[BUYER_PART]}' "
                f": '{PART_INK[AFTER_PART]}'"
            ),
        ),
    )
    y = alt.Y(
        "channel:N",
        sort=list(matrix.index),
        title=None,
        axis=alt.Axis(labelFontSize=12, domain=False, ticks=False),
    )
    base = alt.Chart(_frame(cells)).encode(x, y)
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.condition(
            "datum.count > 0",
            alt.Color(
                "count:Q",
                scale=alt.Scale(scheme="blues", domainMin=0),
                title="Uses",
                legend=alt.Legend(orient="right", tickMinStep=1, format="d"),
            ),
            alt.value("#f2f3f4"),
        ),
        tooltip=[
            alt.Tooltip("channel:N", title="Channel"),
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("count:Q", title="Touchpoints and moments", format=","),
        ],
    )
    text = base.mark_text(tooltip=None, fontSize=12).encode(
        text=alt.Text("label:N"),
        color=alt.condition(f"datum.count * 2 > {top}", alt.value("white"), alt.value("#34495e")),
    )
    return (
        alt.layer(rect, text)
        .properties(width="container", height=max(60, 32 * len(matrix.index)))
        .configure_view(stroke=None)
    )


# ---------------------------------------------------------------------------- presentation


def stage_cards(journey: Journey) -> list[dict]:
    """One card per stage, in order, for stepping through the journey on a projector.

    Each card holds display-ready values:

    - ``stage`` (key), ``number`` (1..5), ``label`` ("Awareness"), ``title``
      (:func:`stage_title`), ``part`` ("Buyer journey" or "After purchase"), ``buyer`` (bool);
    - ``goal``, ``actions``, ``business_actions``, ``thoughts`` (text as typed) and
      ``touchpoints`` (``"Web: Configurator"`` lines);
    - ``emotion`` (-2..2), ``feeling`` ("+1 positive"), ``feeling_word`` ("positive");
    - ``duration`` ("2 weeks", "1,460 days (about 4 years)"), ``duration_short`` ("about 4
      years"), ``conversion`` ("35%", or "" when not set);
    - ``friction`` and ``key``: lists of dicts with ``id``, ``title``, ``severity``,
      ``description``, ``action``, ``owner`` and ``status``.
    """
    cards = []
    for i, s in enumerate(ordered_stages(journey)):
        emotion = int(s.emotion or 0)
        cards.append(
            {
                "stage": s.stage,
                "number": i + 1,
                "label": stage_label(s.stage),
                "title": stage_title(s),
                "part": journey_part(s.stage),
                "buyer": is_buyer_stage(s.stage),
                "goal": s.customer_goal,
                "actions": s.customer_actions,
                "business_actions": s.business_actions,
                "touchpoints": _touchpoint_lines(s),
                "thoughts": s.thoughts,
                "emotion": emotion,
                "feeling": emotion_text(emotion),
                "feeling_word": EMOTION_WORDS.get(emotion, ""),
                "duration": duration_text(s.duration_days),
                "duration_short": duration_text(s.duration_days, short=True),
                "conversion": conversion_text(s.conversion),
                **{
                    kind: [
                        {
                            "id": m.id,
                            "title": m.title,
                            "severity": m.severity,
                            "description": m.description,
                            "action": m.action,
                            "owner": m.owner,
                            "status": m.status,
                        }
                        for m in s.moments
                        if m.kind == kind
                    ]
                    for kind in ("friction", "key")
                },
            }
        )
    return cards


def style_by_part(table: pd.DataFrame):
    """A :func:`map_table` (or one made from it) as a pandas Styler: buyer-journey columns on
    blue, after-purchase columns on amber, text at the top of each cell."""

    def colours(column: pd.Series) -> list[str]:
        part = column.name[0] if isinstance(column.name, tuple) else BUYER_PART
        fill = PART_COLOURS.get(part, PART_COLOURS[BUYER_PART])
        return [
            f"background-color: {fill}; vertical-align: top; color: #1c2833; "
            "padding: 0.5rem 0.75rem"
        ] * len(column)

    return table.style.apply(colours, axis=0)


def deck(journey: Journey) -> list[dict]:
    """The slides of the Present deck, in order: the persona, one per stage, the timeframes
    and a summary. Each is ``{"kind": "persona" | "stage" | "timeframes" | "summary",
    "title": str}``; a stage slide also has ``"stage"`` (its key)."""
    stages = [
        {"kind": "stage", "stage": s.stage, "title": stage_title(s)}
        for s in ordered_stages(journey)
    ]
    return [
        {"kind": "persona", "title": "Persona"},
        *stages,
        {"kind": "timeframes", "title": "Timeframes"},
        {"kind": "summary", "title": "Summary"},
    ]


def timeframes(journey: Journey) -> tuple[str, str]:
    """The buyer-journey and customer-journey timeframes as text ("7.3 weeks", "5.1 years"):
    the what-if engine's timeframes of the map's durations (:func:`formulas.stage_days`)."""
    days = formulas.stage_days(journey)
    return (
        formatting.duration(formulas.buyer_timeframe(days)),
        formatting.duration(formulas.customer_timeframe(days)),
    )


def ranked_points(journey: Journey, kind: str) -> list[dict]:
    """The friction (``kind="friction"``) or key points of every stage, most severe (or most
    impact) first, then in stage order; dicts as in :func:`stage_cards`, with the stage."""
    found = [
        {
            "id": m.id,
            "title": m.title,
            "severity": m.severity,
            "action": m.action,
            "stage": stage_label(s.stage),
            "order": i,
        }
        for i, s in enumerate(ordered_stages(journey))
        for m in s.moments
        if m.kind == kind
    ]
    return sorted(found, key=lambda p: (-(p["severity"] or 0), p["order"]))
