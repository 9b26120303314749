"""The workshop report's build time at 1, 20 and 200 journeys, HTML and PDF.

Seeds a temporary database with the large workspace of :mod:`bench.pages` (200 journeys,
2,000 friction and key points, 100 scenarios, 10,000 metric values), then builds the report of
its first journey, of its first 20 and of all 200 (``--journeys N`` sets the largest), timing
each step of :func:`journey.report.build`:

- reading: :func:`journey.report.gather` (store reads);
- charts: each journey's display values, mostly its two inline SVG charts (Altair, then
  vl-convert), cold (nothing remembered);
- HTML: the Jinja2 template filled in with them;
- PDF: WeasyPrint's layout and writing, with its page count.

Wall-clock seconds and this process's CPU seconds (all its threads, vl-convert's included) are
both printed: on a shared machine the wall clock grows with the others' load, the CPU time much
less. Baselines measured in the same run, to compare between runs and machines:

- the one-journey build: each size's time per journey against it (1.00x: the cost grows
  linearly with the journeys);
- the 20 journeys' charts built the way they were before :func:`journey.report.quick_charts`
  (Altair checking every object and sanitising every DataFrame) and before
  :func:`journey.report.journey_contexts` (drawing while the next charts are built): the
  speed-up of those changes;
- vl-convert drawing one minimal bar chart: the ratio per chart says what the report's
  charts cost beyond vl-convert's own fixed cost.

Run with ``python -m bench`` (all benchmarks) or ``python -m bench.report [--journeys N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import pathlib
import statistics
import tempfile
import time

from bench.pages import seed

ROOT = pathlib.Path(__file__).resolve().parent.parent
SIZES = (1, 20, 200)


def timed(run) -> tuple[float, float, object]:
    """Wall-clock seconds, CPU seconds of this process and the result of ``run()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def chart_floor(repeats: int = 5) -> float:
    """Median CPU seconds for vl-convert to draw a minimal bar chart as SVG."""
    import altair as alt

    from journey import images

    chart = alt.Chart(alt.Data(values=[{"a": 1, "b": 2}])).mark_bar().encode(x="a:Q", y="b:Q")
    images.to_svg(chart)  # vl-convert's engine starts on first use
    return statistics.median(timed(lambda: images.to_svg(chart))[1] for _ in range(repeats))


def build_steps(store, journey_ids: list[int], workspace: str | None, say=print) -> dict:
    """Each step of a report of these journeys, timed (wall and CPU seconds); ``say`` gets a
    line when the HTML is done and one when the PDF is."""
    import weasyprint

    from journey import report

    report._svg_of_spec.cache_clear()
    steps: dict = {"journeys": len(journey_ids)}
    steps["gather"] = timed(lambda: [report.gather(store, i) for i in journey_ids])
    reports = steps["gather"][2]
    steps["charts"] = timed(lambda: report.journey_contexts(reports))
    contexts = steps["charts"][2]
    title = workspace or reports[0].journey.name
    steps["render"] = timed(
        lambda: report.render_html(reports, title=title, workspace=workspace, contexts=contexts)
    )
    html = steps["render"][2]
    steps["html"] = tuple(sum(steps[k][i] for k in ("gather", "charts", "render")) for i in (0, 1))
    steps["html_bytes"] = len(html.encode())
    n = len(journey_ids)
    say(
        f"{n:4d} journeys: HTML {steps['html'][0]:7.2f} / {steps['html'][1]:6.2f} s "
        f"(charts {steps['charts'][0]:.2f} / {steps['charts'][1]:.2f} s)"
    )
    steps["layout"] = timed(lambda: weasyprint.HTML(string=html).render())
    document = steps["layout"][2]
    steps["write"] = timed(document.write_pdf)
    steps["pages"] = len(document.pages)
    steps["pdf_bytes"] = len(steps["write"][2])
    steps["pdf"] = tuple(steps["html"][i] + steps["layout"][i] + steps["write"][i] for i in (0, 1))
    say(
        f"{n:4d} journeys: PDF  {steps['pdf'][0]:7.2f} / {steps['pdf'][1]:6.2f} s, "
        f"{steps['pages']:,} pages"
    )
    return steps


def slow_charts(store, journey_ids: list[int]) -> tuple[float, float]:
    """Wall and CPU seconds of these journeys' display values built as before this change:
    without :func:`journey.report.quick_charts` and one after the other (no drawing thread)."""
    from journey import report

    report._svg_of_spec.cache_clear()
    reports = [report.gather(store, i) for i in journey_ids]
    quick = report.quick_charts
    report.quick_charts = contextlib.nullcontext
    try:
        wall, cpu, _ = timed(lambda: [report.journey_context(r) for r in reports])
    finally:
        report.quick_charts = quick
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument(
        "--journeys",
        type=int,
        default=200,
        help="journeys in the largest workspace report (at most 200; default 200)",
    )
    args, _ = parser.parse_known_args(argv)

    from journey.storage import Store

    with tempfile.TemporaryDirectory(prefix="journey-bench-report-") as folder:
        path = pathlib.Path(folder) / "bench.db"
        counts = seed(path)
        store = Store(path)
        workspace = store.workspaces()[0]
        ids = [j.id for j in store.journeys(workspace.id)]
        sizes = sorted({n for n in SIZES if n < args.journeys} | {min(args.journeys, len(ids))})
        print(
            f"Report build on a large workspace: {counts['journeys']} journeys, "
            f"{counts['moments']:,} moments, {counts['scenarios']} scenarios, "
            f"{counts['metric_values']:,} metric values; reports of {', '.join(map(str, sizes))} "
            "of its journeys. Seconds: wall clock / CPU of this process.\n",
            flush=True,
        )
        floor = chart_floor()
        middle = min(20, sizes[-1])
        before = slow_charts(store, ids[:middle])
        runs = {}
        for n in sizes:
            runs[n] = build_steps(
                store,
                ids[:n],
                workspace.name if n > 1 else None,
                say=lambda line: print(line, flush=True),
            )
        store.close()

    one = runs[sizes[0]]
    print(
        "\n journeys |  HTML wall / CPU s | per journey vs 1 (CPU) |   PDF wall / CPU s "
        "| per journey vs 1 (CPU) | pages | pages/s (CPU)"
    )
    for n, s in runs.items():
        html_ratio = (s["html"][0] / n / one["html"][0], s["html"][1] / n / one["html"][1])
        pdf_ratio = (s["pdf"][0] / n / one["pdf"][0], s["pdf"][1] / n / one["pdf"][1])
        print(
            f" {n:8d} | {s['html'][0]:8.2f} / {s['html'][1]:6.2f} | "
            f"{html_ratio[0]:8.2f}x ({html_ratio[1]:.2f}x) | "
            f"{s['pdf'][0]:8.2f} / {s['pdf'][1]:7.2f} | "
            f"{pdf_ratio[0]:8.2f}x ({pdf_ratio[1]:.2f}x) | "
            f"{s['pages']:5,} | {s['pages'] / (s['layout'][1] + s['write'][1]):.1f}"
        )
    last = runs[sizes[-1]]
    n, charts = last["journeys"], 2 * last["journeys"]
    print(f"\nWorkspace report of {n} journeys, step by step (wall / CPU seconds):")
    for label, key in (
        ("reading the store", "gather"),
        (f"values and {charts} SVG charts", "charts"),
        ("HTML template", "render"),
        ("PDF layout", "layout"),
        ("PDF writing", "write"),
    ):
        print(f"  {label:28s} {last[key][0]:8.2f} / {last[key][1]:7.2f}")
    print(
        f"  HTML {last['html_bytes'] / 1e6:.1f} MB, PDF {last['pdf_bytes'] / 1e6:.1f} MB; "
        f"charts {last['charts'][1] / charts * 1000:.0f} ms CPU each = "
        f"{last['charts'][1] / charts / floor:.1f}x vl-convert's minimal chart "
        f"({floor * 1000:.0f} ms CPU)"
    )
    quick = runs[middle]["charts"]
    print(
        f"\nCharts of {middle} journeys as before (checked, one after the other): "
        f"{before[0]:.2f} / {before[1]:.2f} s, "
        f"now {quick[0]:.2f} / {quick[1]:.2f} s: {before[1] / quick[1]:.2f}x less CPU, "
        f"{before[0] / quick[0]:.2f}x less wall clock"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
