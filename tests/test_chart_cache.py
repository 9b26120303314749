"""Charts on pages: built once per content (``ui.cached_chart``) and drawn from their spec."""

import dataclasses

import altair as alt
import pandas as pd
import pytest

from journey import charts, images, ui
from journey.model import Journey, Stage
from journey.ui import charting

CAR = {"awareness": 14.0, "consideration": 30.0, "decision": 7.0, "retention": 90.0}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list:
    """A chart builder that counts its calls (a fresh name per test: the cache is shared)."""
    calls: list = []

    def build(durations, title=""):
        calls.append(title)
        return charts.timeframe_chart(durations, title)

    build.__qualname__ = f"build_{id(calls)}"
    charting._cached_spec.clear()
    return build, calls


def test_a_cached_chart_is_built_once_for_the_same_arguments(counted):
    build, calls = counted
    first = ui.cached_chart(build, CAR, title="Car")
    assert ui.cached_chart(build, dict(CAR), title="Car") == first
    assert calls == ["Car"]
    assert first == charts.spec(charts.timeframe_chart(CAR, "Car"))


def test_a_cached_chart_is_built_again_when_any_argument_changes(counted):
    build, calls = counted
    ui.cached_chart(build, CAR, title="Car")
    ui.cached_chart(build, {**CAR, "decision": 8.0}, title="Car")
    ui.cached_chart(build, CAR, title="Van")
    assert calls == ["Car", "Car", "Van"]


def test_a_journey_argument_is_keyed_by_every_field_at_any_depth():
    journey = Journey("Car", stages=[Stage("awareness", duration_days=14.0)])
    moved = dataclasses.replace(journey, stages=[Stage("awareness", duration_days=15.0)])
    assert charting._argument_key(journey) != charting._argument_key(moved)
    assert charting._argument_key(journey) == charting._argument_key(dataclasses.replace(journey))


def test_a_frame_argument_is_keyed_by_its_whole_content_not_its_shortened_repr():
    big = pd.DataFrame({"x": range(1_000)})
    changed = big.copy()
    changed.loc[500, "x"] = -1
    assert repr(big) == repr(changed)  # pandas elides the middle rows
    assert charting._argument_key(big) != charting._argument_key(changed)


def test_a_spec_exports_as_the_chart_does():
    chart = charts.timeframe_chart(CAR)
    assert images.to_svg(charts.spec(chart)) == images.to_svg(chart)


def test_the_shown_spec_leaves_out_only_altairs_default_view_size():
    spec = charts.spec(charts.timeframe_chart(CAR))
    shown = charting._as_streamlit_draws(spec)
    assert spec["config"]["view"].get("continuousWidth") == 300
    assert "continuousWidth" not in shown.get("config", {}).get("view", {})
    assert {k: v for k, v in shown.items() if k != "config"} == {
        k: v for k, v in spec.items() if k != "config"
    }


def test_chart_rows_go_to_the_browser_as_arrow_only_under_altairs_content_names():
    spec = charts.spec(alt.Chart(pd.DataFrame({"days": [1, 2]})).mark_bar().encode(x="days"))
    [(name, rows)] = spec["datasets"].items()
    assert isinstance(charting._arrow_dataset(name, rows), bytes)
    assert charting._arrow_dataset("my-data", rows) is rows  # a name that does not say the content


def test_a_literal_frame_escapes_text_cells_and_both_header_levels_and_keeps_numbers():
    columns = pd.MultiIndex.from_tuples([("*Buyer*", "[a](b)"), ("x", "y")])
    frame = ui.literal_frame(pd.DataFrame([["**hi**", 3]], columns=columns))
    assert frame.iloc[0, 0] == ui.literal("**hi**") and frame.iloc[0, 1] == 3
    assert list(frame.columns) == [(ui.literal("*Buyer*"), ui.literal("[a](b)")), ("x", "y")]
