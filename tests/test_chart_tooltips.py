"""Chart tooltips say what a person reads, never the spec's internals: every layer of every
chart either names each tooltip field with a title or, when it is decorative (a band, a
rule, a label), has its tooltip switched off (Streamlit's theme turns tooltips on for every
mark, which showed "x 0 · x2 3 · fill #e3eefa" on the map's bands)."""

import functools

import pytest

from journey import charts, events, formatting, formulas
from journey import journey_map as jm

from .test_charts import BASE, every_chart
from .test_event_charts import CHARTS, COLUMNS, ESTIMATES, SAMPLE, figures_of
from .test_journey_map import car_journey

#: Field names that are the spec's internals, never a title a person reads.
INTERNAL = {"part", "label", "y", "x", "x2", "y2", "label_at", "fill", "text", "dash", "alpha"}
DECORATIONS = {"text", "rule"}  # labels and guides: they repeat what a bar's tooltip says


@functools.cache
def observed_figures() -> dict:
    names = [n for n, _ in events.event_counts(SAMPLE, COLUMNS)]
    return figures_of(SAMPLE, COLUMNS, events.guess_mapping(names), ESTIMATES)


def all_charts() -> dict:
    journey = car_journey()
    return {
        **every_chart(),
        "emotion_curve": jm.emotion_curve(journey),
        "map": jm.map_chart(journey),
        "channel_matrix": jm.channel_matrix_chart(journey),
        **{f"observed_{build.__name__}": build(observed_figures()) for build in CHARTS},
    }


def views(spec: dict) -> list[dict]:
    """Every single view (a spec with a mark) in a chart's spec."""
    found = [spec] if "mark" in spec else []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            found.extend(views(child))
    if "spec" in spec:
        found.extend(views(spec["spec"]))
    return found


def tooltip_problems(view: dict) -> list[str]:
    mark = view["mark"] if isinstance(view["mark"], dict) else {"type": view["mark"]}
    kind = mark["type"]
    encoded = view.get("encoding", {}).get("tooltip")
    if encoded is None:
        return (
            []
            if "tooltip" in mark and mark["tooltip"] in (None, False)
            else [f"{kind} layer shows its raw fields as a tooltip"]
        )
    if kind in DECORATIONS:
        return [f"decorative {kind} layer has a tooltip"]
    fields = encoded if isinstance(encoded, list) else [encoded]
    problems = []
    for f in fields:
        title = str(f.get("title") or "").strip()
        if not title or title.lower() in INTERNAL:
            problems.append(f"{kind} tooltip field {f.get('field')!r} has no human title")
        if f.get("type") == "quantitative" and not f.get("format"):
            problems.append(f"{kind} tooltip field {f.get('field')!r} shows a raw number")
    return problems


@pytest.mark.parametrize("name", list(all_charts()))
def test_every_chart_layer_titles_its_tooltip_or_has_none(name):
    spec = all_charts()[name].to_dict()
    problems = [p for view in views(spec) for p in tooltip_problems(view)]
    assert problems == []


def test_the_projector_spec_raises_every_text_to_sixteen_pixels_and_leaves_the_chart_alone():
    chart = charts.timeframe_chart({"awareness": 14, "decision": 7})
    spec = chart.to_dict()
    big = charts.projector_spec(spec, 16)
    sizes = []

    def collect(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.lower().endswith("fontsize"):
                    sizes.append(value)
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(big)
    assert sizes and min(sizes) == 16
    assert big["config"]["axis"]["labelFontSize"] == 16
    assert spec == chart.to_dict()  # the original is unchanged


def tooltip_rows(chart) -> list[dict]:
    """Every inline data row of a chart's layers."""
    spec = chart.to_dict()
    return [
        row
        for view in [spec, *views(spec), *spec.get("layer", [])]
        for row in (view.get("data") or {}).get("values", [])
    ] + [row for values in spec.get("datasets", {}).values() for row in values]


def test_the_tornado_tooltip_gives_each_lever_value_in_its_unit():
    """It showed "Lever value 3.06e+04" for a spend and "0.63" for a share."""
    rows = formulas.sensitivity(BASE, "roi")
    chart = charts.tornado_chart(rows, "roi")
    shown = {(r["lever"], r["lever_value"]) for r in tooltip_rows(chart) if "lever_value" in r}
    by_label = {r.label: r for r in rows}
    for label, text in shown:
        row = by_label[label]
        unit = formulas.LEVER_INFO[row.lever].unit
        assert text in (
            formatting.figure(row.low_value, unit),
            formatting.figure(row.high_value, unit),
        )
        assert "e+" not in text
        if unit == "share":
            assert text.endswith("%")
        if unit == "days":
            assert text.split()[-1] in ("hours", "days", "weeks", "months", "years", "day")


def test_the_timeline_tooltip_says_the_day_a_stage_starts_as_a_whole_day():
    """It showed "Starts on day 1,511.0"."""
    chart = charts.timeline_chart({"awareness": 14, "consideration": 30, "retention": 1467})
    texts = [r["starts"] for r in tooltip_rows(chart) if "starts" in r]
    assert "day 44" in texts and "day 1,511" in texts
    assert not any(".0" in t for t in texts)
