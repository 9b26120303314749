"""The workshop report's build time at 1, 20 and 200 journeys, HTML and PDF.

Seeds a temporary database with the large workspace of :mod:`bench.pages` (200 journeys,
2,000 friction and key points, 100 scenarios, 10,000 metric values), then builds the report of
its first journey, of its first 20 and of all 200 (``--journeys N`` sets the largest), the way
:func:`journey.report.build` does, three times each for HTML and for PDF:

- cold: the report cache empty (every chart drawn, every PDF part laid out);
- warm: the same report again, everything in the cache;
- one journey changed: a moment of the first journey retitled, then built again (that
  journey's charts and PDF part, and the workspace cover, are new).

Charts are drawn and PDF parts laid out by worker processes from
:data:`journey.report.CHARTS_FOR_PROCESSES` charts and :data:`journey.report.PARTS_FOR_PROCESSES`
parts on. Wall-clock seconds and CPU seconds (this process and its worker processes: they
are started by "spawn" here, so they are this process's children and their CPU is counted)
are both printed: on a shared machine the wall clock grows with the others' load.

Baselines measured in the same run:

- the one-journey build: each size's time per journey against it;
- the old way: one process, no cache, each chart drawn by ``vegalite_to_svg`` in one step,
  the PDF laid out as one document by WeasyPrint. At 200 journeys the old PDF is not built
  (about 4 minutes): its 20-journey time ×10 stands for it (the cost is linear).

Run with ``python -m bench`` (all benchmarks) or ``python -m bench.report [--journeys N]``.
"""

from __future__ import annotations

import argparse
import io
import os
import pathlib
import re
import tempfile
import time

import pikepdf

from bench.pages import seed

ROOT = pathlib.Path(__file__).resolve().parent.parent
SIZES = (1, 20, 200)
#: Largest PDF built the old way (one WeasyPrint document); above, scaled from it.
OLD_PDF_MAX = 20


def timed(run) -> tuple[float, float, object]:
    """Wall-clock seconds, CPU seconds of this process and its finished children, and the
    result of ``run()``."""

    def cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    wall, start = time.perf_counter(), cpu()
    result = run()
    return time.perf_counter() - wall, cpu() - start, result


def old_way(store, journey_ids: list[int], workspace: str | None, pdf: bool) -> dict:
    """The report built as before this change: one process, no cache, charts drawn by
    ``vegalite_to_svg`` in one step, the PDF one WeasyPrint document."""
    from journey import images, report

    def one_step(spec: str) -> str:
        return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", images.vegalite_to_svg(spec), count=2)

    def html() -> str:
        reports = [report.gather(store, i) for i in journey_ids]
        contexts = report.journey_contexts(reports, processes=1)
        title = workspace or reports[0].journey.name
        return report.render_html(reports, title=title, workspace=workspace, contexts=contexts)

    saved = report._svg_of_spec
    report._svg_of_spec = one_step
    try:
        out = {"html": timed(html)}
    finally:
        report._svg_of_spec = saved
    if pdf:
        import weasyprint

        page = out["html"][2]
        layout = timed(
            lambda: weasyprint.HTML(string=page, base_url=str(report.TEMPLATES)).render()
        )
        write = timed(layout[2].write_pdf)
        out["pdf"] = tuple(out["html"][i] + layout[i] + write[i] for i in (0, 1))
        out["pages"] = len(layout[2].pages)
    return out


def new_way(store, journey_ids: list[int], workspace: str | None, fmt: str, cache) -> tuple:
    """Wall and CPU seconds and the bytes of the report built as :func:`journey.report.build`
    does, with ``cache``."""
    from journey import report

    def run() -> bytes:
        report._svg_of_spec.cache_clear()  # only the persistent cache remembers
        reports = [report.gather(store, i) for i in journey_ids]
        contexts = report.journey_contexts(reports, cache=cache)
        title = workspace or reports[0].journey.name
        if fmt == "html":
            return report.render_html(
                reports, title=title, workspace=workspace, contexts=contexts
            ).encode()
        return report.build_pdf(contexts, title=title, paper="a4", workspace=workspace, cache=cache)

    return timed(run)


def change_one(store, journey_id: int, run: int) -> None:
    """Retitle the first moment of the journey (a new text in the map, the ranking and the
    emotion curve's tooltip)."""
    journey = store.load_journey(journey_id)
    moment = journey.moments[0]
    store.update_moment(moment.id, moment.version, title=f"Changed for run {run}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument(
        "--journeys",
        type=int,
        default=200,
        help="journeys in the largest workspace report (at most 200; default 200)",
    )
    args, _ = parser.parse_known_args(argv)

    from journey import images, report_cache, report_workers
    from journey.storage import Store

    report_workers.START_METHOD = "spawn"  # workers are our children: their CPU is counted
    images.to_svg({"mark": "point"})  # vl-convert's engine starts here, not in a baseline
    rows: dict[int, dict] = {}
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
            f"of its journeys on {report_workers.cpu_count()} CPUs. "
            "Seconds: wall clock / CPU (this process and its workers).\n",
            flush=True,
        )
        for n in sizes:
            name = workspace.name if n > 1 else None
            row = rows[n] = {}
            old = old_way(store, ids[:n], name, pdf=n <= OLD_PDF_MAX)
            row["old html"] = old["html"][:2]
            if "pdf" in old:
                row["old pdf"], row["pages"] = old["pdf"], old["pages"]
            else:
                scale = n / OLD_PDF_MAX
                row["old pdf"] = tuple(x * scale for x in rows[OLD_PDF_MAX]["old pdf"])
                row["old pdf scaled"] = True
            for fmt in ("html", "pdf"):
                cache = report_cache.ReportCache(pathlib.Path(folder) / f"cache-{n}-{fmt}")
                row[f"cold {fmt}"] = new_way(store, ids[:n], name, fmt, cache)
                row[f"warm {fmt}"] = new_way(store, ids[:n], name, fmt, cache)
                run = len(rows) * 10 + (fmt == "pdf")
                change_one(store, ids[0], run)
                row[f"changed {fmt}"] = new_way(store, ids[:n], name, fmt, cache)
                if fmt == "html":  # the change is shown, not a stale cached copy
                    assert f"Changed for run {run}".encode() in row["changed html"][2]
                cache.close()
            if "pages" not in row:
                row["pages"] = len(pikepdf.Pdf.open(io.BytesIO(row["cold pdf"][2])).pages)
            print(
                f"{n:4d} journeys ({row['pages']:,} PDF pages): "
                + ", ".join(
                    f"{k} {row[k][0]:.2f} / {row[k][1]:.2f} s"
                    for k in ("old html", "cold html", "warm html", "changed html")
                )
                + "; "
                + ", ".join(
                    f"{k} {row[k][0]:.2f} / {row[k][1]:.2f} s"
                    for k in ("old pdf", "cold pdf", "warm pdf", "changed pdf")
                ),
                flush=True,
            )
        store.close()

    one = rows[sizes[0]]
    for fmt in ("html", "pdf"):
        print(
            f"\n{fmt.upper()}  journeys |   old way wall / CPU |  cold wall / CPU | "
            "warm wall / CPU | 1 changed wall / CPU | cold vs old (wall, CPU) | "
            "cold per journey vs 1 (CPU)"
        )
        for n, r in rows.items():
            old, cold, warm, changed = (r[f"{k} {fmt}"] for k in ("old", "cold", "warm", "changed"))
            scaled = "*" if fmt == "pdf" and r.get("old pdf scaled") else " "
            print(
                f"      {n:8d} | {old[0]:8.2f} / {old[1]:7.2f}{scaled}| "
                f"{cold[0]:7.2f} / {cold[1]:7.2f} | {warm[0]:6.2f} / {warm[1]:6.2f} | "
                f"{changed[0]:9.2f} / {changed[1]:8.2f} | "
                f"{old[0] / cold[0]:8.2f}x, {old[1] / cold[1]:5.2f}x | "
                f"{cold[1] / n / one[f'cold {fmt}'][1]:.2f}x"
            )
    if any(r.get("old pdf scaled") for r in rows.values()):
        print(f"\n* the old PDF of {OLD_PDF_MAX} journeys, scaled (not built: minutes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
