"""Chart tooltips say what a person reads, never the spec's internals: every layer of every
chart either names each tooltip field with a title or, when it is decorative (a band, a
rule, a label), has its tooltip switched off (Streamlit's theme turns tooltips on for every
mark, which showed "x 0 · x2 3 · fill #e3eefa" on the map's bands)."""

import pytest

from journey import charts
from journey import journey_map as jm

from .test_charts import every_chart
from .test_journey_map import car_journey


def all_charts() -> dict:
    journey = car_journey()
    return {
        **every_chart(),
        "emotion_curve": jm.emotion_curve(journey),
        "map": jm.map_chart(journey),
        "channel_matrix": jm.channel_matrix_chart(journey),
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
    encoded = view.get("encoding", {}).get("tooltip")
    if encoded is None:
        return (
            []
            if "tooltip" in mark and mark["tooltip"] in (None, False)
            else [f"{mark['type']} layer shows its raw fields as a tooltip"]
        )
    fields = encoded if isinstance(encoded, list) else [encoded]
    return [
        f"{mark['type']} tooltip field {f.get('field')!r} has no title"
        for f in fields
        if "title" not in f
    ]


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
