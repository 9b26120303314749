"""Charts on pages (the pages reach these through ``journey.ui``): drawn from their Vega-Lite
spec, built once per content (:func:`cached_chart`, :func:`cached_svg`), their rows sent to
the browser as Arrow converted once (:func:`altair`), with PNG and SVG downloads
(:mod:`journey.ui.downloads`); and :func:`cached_table`, a table built once per content.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from .. import charts, images, presentation
from .display import literal_frame
from .downloads import chart_downloads
from .sidebar import presenting


def chart(chart, name: str, key: str | None = None) -> None:
    """Show a chart (an Altair chart, or its spec from :func:`cached_chart`) as its PNG
    export draws it, with PNG and SVG downloads (named ``name``; ``key`` defaults to it).

    Streamlit's frontend takes a chart's height as the whole height, title, axes and legend
    included, which squashes a short chart flat; ``autosize: pad`` makes the height the
    plot's, as vl-convert draws it.
    """
    key = key or name
    spec = chart if isinstance(chart, dict) else charts.spec(chart)
    altair(spec, key=f"chart_{key}", width="content", pad=True)
    chart_downloads(spec, name, key=f"download_{key}")


#: What Altair's default theme adds to every spec; Streamlit draws Altair charts without it.
_THEME_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def _as_streamlit_draws(spec: dict) -> dict:
    config = spec.get("config") or {}
    view = {k: v for k, v in (config.get("view") or {}).items() if _THEME_VIEW.get(k) != v}
    config = {k: v for k, v in config.items() if k != "view"} | ({"view": view} if view else {})
    return {k: v for k, v in spec.items() if k != "config"} | ({"config": config} if config else {})


def altair(chart, key: str, width: str | int = "stretch", *, pad: bool = False) -> None:
    """Show a chart (an Altair chart, or its spec from :func:`cached_chart`); in presentation
    mode no text in it is under 16 px. ``pad``: the height is the plot's, as exported (see
    :func:`chart`). Drawn from the spec without Altair's validation (:func:`charts.spec`)."""
    spec = _as_streamlit_draws(chart if isinstance(chart, dict) else charts.spec(chart))
    if pad:
        spec["autosize"] = {"type": "pad"}
    if presenting():
        spec = charts.projector_spec(spec, presentation.CHART_TEXT_PX)
    if datasets := spec.get("datasets"):
        spec["datasets"] = {name: _arrow_dataset(name, rows) for name, rows in datasets.items()}
    st.vega_lite_chart(spec, key=key, width=width)


#: Altair names each inline dataset by a hash of its rows (``"data-"`` + 32 hex digits of a
#: SHA-256 of their JSON), so the name says what the rows are.
_CONTENT_NAMED = re.compile(r"data-[0-9a-f]{32}")


def _arrow_dataset(name: str, rows):
    """A chart's dataset as the Arrow IPC bytes Streamlit sends to the browser (it takes
    bytes as they are): converted once per process for a content-named dataset
    (:data:`_CONTENT_NAMED`), where each rerun used to convert every chart's rows again.
    Rows under any other name are returned unchanged, for Streamlit to convert."""
    if isinstance(rows, list) and _CONTENT_NAMED.fullmatch(name):
        return _arrow_bytes(name, rows)
    return rows


@st.cache_resource(max_entries=1024, show_spinner=False)
def _arrow_bytes(name: str, _rows: list) -> bytes:
    return dataframe_util.convert_anything_to_arrow_bytes(_rows)


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_spec(key_hash: str, _build, _args: tuple, _kwargs: dict) -> dict:
    return charts.spec(_build(*_args, **_kwargs))


def cached_chart(build, *args, **kwargs) -> dict:
    """The Vega-Lite spec of ``build(*args, **kwargs)`` (a chart builder), built once per
    process for the same builder and arguments: a page's rerun reuses it until the journey
    (or whatever else is passed) changes.

    The cache key is the builder's name and the arguments' ``repr`` (dataclasses such as a
    :class:`Journey` show every field in it; a pandas frame is keyed by its content hash), so
    pass everything the chart depends on as arguments. Returns a dict the caller may change.
    """
    return _cached_spec(_call_key(build, args, kwargs), build, args, kwargs)


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_svg(key_hash: str, _build, _args: tuple, _kwargs: dict) -> str:
    return images.to_svg(charts.spec(_build(*_args, **_kwargs)))


def cached_svg(build, *args, **kwargs) -> str:
    """The SVG text of ``build(*args, **kwargs)`` (a chart builder) as the exports draw it
    (:func:`journey.images.to_svg`), drawn once per process for the same builder and
    arguments (keyed as :func:`cached_chart`): drawing takes about half a second, which every
    rerun of a page showing the picture used to pay. Raises what the builder raises."""
    return _cached_svg(_call_key(build, args, kwargs), build, args, kwargs)


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_table(key_hash: str, _build, _args: tuple, _kwargs: dict) -> pd.DataFrame:
    return literal_frame(_build(*_args, **_kwargs))


def cached_table(build, *args, **kwargs) -> pd.DataFrame:
    """The frame ``build(*args, **kwargs)`` makes, its text shown literally
    (:func:`literal_frame`), made once per process for the same builder and arguments (keyed
    as :func:`cached_chart`). Returns a copy the caller may change."""
    return _cached_table(_call_key(build, args, kwargs), build, args, kwargs)


def _call_key(build, args: tuple, kwargs: dict) -> str:
    """A hash of the builder's name and its arguments (:func:`_argument_key`)."""
    key = "|".join(
        [f"{build.__module__}.{build.__qualname__}"]
        + [_argument_key(a) for a in args]
        + [f"{k}={_argument_key(v)}" for k, v in sorted(kwargs.items())]
    )
    return hashlib.sha256(key.encode()).hexdigest()


def _argument_key(value) -> str:
    if isinstance(value, pd.DataFrame | pd.Series):
        content = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return f"{type(value).__name__}{list(getattr(value, 'columns', []))}" + (
            hashlib.sha256(content).hexdigest()
        )
    return repr(value)
