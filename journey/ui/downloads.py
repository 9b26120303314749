"""Files to download (the pages reach these through ``journey.ui``): every download button,
its file's type told by its extension, a chart's PNG and SVG, the report's paper size."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from .. import images, report

#: The type of each kind of file the app offers, by the file name's extension (the reports'
#: from :data:`journey.report.MIME`).
MIME: dict[str, str] = {
    **report.MIME,
    "json": "application/json",
    "csv": "text/csv",
    "png": "image/png",
    "svg": "image/svg+xml",
    "mmd": "text/plain",
}


def download(
    label: str,
    data: bytes | str | Callable[[], bytes | str],
    file_name: str,
    key: str,
    *,
    where=None,
    **options,
) -> None:
    """A download button for ``file_name``, of the type its extension says (:data:`MIME`;
    KeyError for another), made from ``data`` (bytes or text, or a function that makes them,
    called only when the button is clicked). A click does not rerun the page. ``where``: a
    column or container (default: the page); ``options``: other ``st.download_button``
    options (``help``, ``icon``)."""
    (where or st).download_button(
        label,
        data=data,
        file_name=file_name,
        mime=MIME[file_name.rsplit(".", 1)[-1]],
        key=key,
        on_click="ignore",
        **options,
    )


def chart_downloads(chart, name: str, key: str) -> None:
    """PNG and SVG download buttons for a chart: an Altair chart, its spec, or a function
    that makes either (called only when a button is clicked; the files are made then too)."""

    def drawn():
        return chart() if callable(chart) else chart

    for column, (label, draw, ext) in zip(
        st.columns(2),
        [("⬇️ PNG", images.to_png, "png"), ("⬇️ SVG", images.to_svg, "svg")],
        strict=True,
    ):
        download(
            label, lambda draw=draw: draw(drawn()), f"{name}.{ext}", f"{key}_{ext}", where=column
        )


def report_paper(key: str, where=None) -> str:
    """The "Report paper" choice (:data:`journey.report.PAPERS`), ``"a4"`` until one is
    picked; ``where``: a column or container (default: the page)."""
    return (where or st).segmented_control(
        "Report paper",
        list(report.PAPERS),
        default="a4",
        key=key,
        format_func=report.PAPERS.get,
    ) or "a4"
