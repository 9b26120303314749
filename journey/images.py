"""Charts as files: PNG and SVG through vl-convert, for handouts after a workshop."""

from __future__ import annotations

import altair as alt
import vl_convert as vlc


def _spec(chart: alt.TopLevelMixin | dict) -> dict:
    return chart if isinstance(chart, dict) else chart.to_dict()


def to_svg(chart: alt.TopLevelMixin | dict) -> str:
    """The chart (an Altair chart, or its Vega-Lite spec as ``to_dict()`` gives it) as SVG
    text."""
    return vegalite_to_svg(_spec(chart))


def vegalite_to_svg(spec: dict | str) -> str:
    """A Vega-Lite spec (a chart's ``to_dict()``, or its JSON text) as SVG text, in Altair's
    Vega-Lite version."""
    return vlc.vegalite_to_svg(spec, vl_version=vl_version())


def to_png(chart: alt.TopLevelMixin | dict, scale: float = 2.0) -> bytes:
    """The chart (an Altair chart or its Vega-Lite spec) as PNG bytes (``scale`` 2 gives
    crisp slides)."""
    return vlc.vegalite_to_png(_spec(chart), scale=scale, vl_version=vl_version())


def vl_version() -> str:
    """The Vega-Lite version Altair writes, as vl-convert names it ("6.1")."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"
