"""The workshop report's build time, for one journey and for a workspace of 200 journeys.

Seeds a temporary database with the large workspace of :mod:`bench.pages` (200 journeys,
2,000 friction and key points, 100 scenarios, 10,000 metric values), then times each step of
:func:`journey.report.build`, for one journey and for the whole workspace:

- reading: :func:`journey.report.gather` (store reads);
- charts: each journey's display values, mostly its two inline SVG charts (vl-convert),
  cold (nothing remembered);
- HTML: the Jinja2 template filled in with them;
- PDF: WeasyPrint's layout and writing, with its page count and pages per second.

Baselines measured in the same run, to compare between runs and machines (the milliseconds
drift with the machine's load):

- one journey's report: the workspace report over 200 x that shows whether the cost grows
  linearly;
- WeasyPrint on the same text without styles or charts (the floor of laying out the words):
  the ratio says what the report's styling costs;
- vl-convert drawing one minimal bar chart: the ratio per chart says what the report's
  charts cost beyond vl-convert's own fixed cost.

Run with ``python -m bench`` (all benchmarks) or ``python -m bench.report [--journeys N]``.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import statistics
import tempfile
import time

from bench.pages import seed

ROOT = pathlib.Path(__file__).resolve().parent.parent


def timed(run) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def unstyled(html: str) -> str:
    """The report's HTML without its stylesheet and charts: the words only."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"<svg.*?</svg>", "", html, flags=re.DOTALL)


def pdf_pages(html: str) -> tuple[float, float, int, int]:
    """WeasyPrint layout and write times, pages and bytes for a document."""
    import weasyprint

    layout, document = timed(lambda: weasyprint.HTML(string=html).render())
    write, data = timed(document.write_pdf)
    return layout, write, len(document.pages), len(data)


def chart_floor(repeats: int = 5) -> float:
    """Median seconds for vl-convert to draw a minimal bar chart as SVG."""
    import altair as alt

    from journey import images

    chart = alt.Chart(alt.Data(values=[{"a": 1, "b": 2}])).mark_bar().encode(x="a:Q", y="b:Q")
    images.to_svg(chart)  # vl-convert's engine starts on first use
    return statistics.median(timed(lambda: images.to_svg(chart))[0] for _ in range(repeats))


def build_steps(
    store, journey_ids: list[int], title: str, workspace: str | None, say=lambda text: None
) -> dict:
    """Each step of a report of these journeys, timed, with the HTML it made."""
    from journey import report

    report._svg_of_spec.cache_clear()
    gather, reports = timed(lambda: [report.gather(store, i) for i in journey_ids])
    charts, contexts = timed(lambda: [report.journey_context(r) for r in reports])
    render, html = timed(
        lambda: report.render_html(reports, title=title, workspace=workspace, contexts=contexts)
    )
    say(
        f"  (HTML of {len(journey_ids)} journeys built in {gather + charts + render:.2f} s: "
        f"reading {gather:.2f} s, charts {charts:.2f} s, template {render:.2f} s; now the PDF)"
    )
    layout, write, pages, size = pdf_pages(html)
    return {
        "journeys": len(journey_ids),
        "gather": gather,
        "charts": charts,
        "html": gather + charts + render,
        "render": render,
        "layout": layout,
        "write": write,
        "pdf": gather + charts + render + layout + write,
        "pages": pages,
        "bytes": size,
        "html_text": html,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument(
        "--journeys",
        type=int,
        default=200,
        help="journeys in the workspace report (at most 200; default 200)",
    )
    args, _ = parser.parse_known_args(argv)

    from journey.storage import Store

    with tempfile.TemporaryDirectory(prefix="journey-bench-report-") as folder:
        path = pathlib.Path(folder) / "bench.db"
        counts = seed(path)
        store = Store(path)
        workspace = store.workspaces()[0]
        ids = [j["id"] for j in store.journeys(workspace.id)][: args.journeys]
        print(
            f"Report build on a large workspace: {counts['journeys']} journeys, "
            f"{counts['moments']:,} moments, {counts['scenarios']} scenarios, "
            f"{counts['metric_values']:,} metric values; the workspace report covers "
            f"{len(ids)} of them.\n",
            flush=True,
        )

        floor = chart_floor()
        one = build_steps(store, ids[1:2], "one", None)
        print(
            f"One journey: HTML {one['html']:.2f} s (charts {one['charts']:.2f} s), PDF "
            f"{one['pdf']:.2f} s for {one['pages']} pages ({one['bytes'] / 1024:,.0f} KiB)",
            flush=True,
        )
        every = build_steps(
            store, ids, workspace.name, workspace.name, say=lambda text: print(text, flush=True)
        )
        plain_layout, plain_write, plain_pages, _ = pdf_pages(unstyled(every["html_text"]))
        store.close()

    n, charts = every["journeys"], 2 * every["journeys"]
    print(f"\nWorkspace report of {n} journeys:")
    print(f"  reading the store      {every['gather']:8.2f} s")
    print(
        f"  values, charts ({charts} SVG) {every['charts']:8.2f} s  "
        f"{every['charts'] / charts * 1000:6.0f} ms per chart = "
        f"{every['charts'] / charts / floor:.1f}x vl-convert's minimal chart "
        f"({floor * 1000:.0f} ms)"
    )
    print(f"  HTML template          {every['render']:8.2f} s")
    print(
        f"  HTML in all            {every['html']:8.2f} s  "
        f"({len(every['html_text'].encode()) / 1e6:.1f} MB)"
    )
    print(
        f"  PDF layout             {every['layout']:8.2f} s  {every['pages']:,} pages, "
        f"{every['pages'] / every['layout']:.1f} pages/s; the same words unstyled: "
        f"{plain_pages:,} pages in {plain_layout:.2f} s, "
        f"{plain_pages / plain_layout:.1f} pages/s"
    )
    print(
        f"  PDF writing            {every['write']:8.2f} s  "
        f"({every['bytes'] / 1e6:.1f} MB; unstyled {plain_write:.2f} s)"
    )
    print(f"  PDF in all             {every['pdf']:8.2f} s")
    print(
        f"\nAgainst {n} x one journey: HTML {every['html'] / (n * one['html']):.2f}x, "
        f"PDF {every['pdf'] / (n * one['pdf']):.2f}x (1.00x: the cost grows linearly)"
    )
    print(
        f"Styled against unstyled layout, per page: "
        f"{(every['layout'] / every['pages']) / (plain_layout / plain_pages):.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
