"""The workshop report built fast: charts compiled then drawn, worker processes, a
persistent cache keyed by content, the PDF laid out by parts and joined. Small workspaces
(the samples' three journeys), the parallel paths forced by a parameter."""

from __future__ import annotations

import datetime as dt
import io
import os
import pathlib
import sys
import warnings

import pytest
from pypdf import PdfReader, PdfWriter

from journey import report, report_cache, report_workers
from journey.storage import Store

NOW = dt.datetime(2026, 11, 29, 9, 30, tzinfo=dt.UTC)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def workspace(store: Store):
    return store.workspaces()[0]


# ---------------------------------------------------------------------------- charts


def test_charts_are_compiled_then_drawn_into_the_same_svg(seeded: Store, monkeypatch):
    import vl_convert as vlc

    from journey import images

    spec = report.chart_specs(seeded.load_journey(seeded.journeys()[0].id))[0]
    direct = vlc.vegalite_to_svg(spec, vl_version=images.vl_version())

    def refused(*args, **kwargs):
        raise AssertionError("drawn in one step")

    monkeypatch.setattr(vlc, "vegalite_to_svg", refused)
    drawn = report_workers.draw_svg(spec, images.vl_version())

    assert drawn.replace(" ", "") == direct.replace(" ", "").replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    ).replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    assert "<svg" in drawn and "xmlns" not in drawn


def test_charts_drawn_by_worker_processes_give_the_same_html(seeded: Store):
    ws = workspace(seeded)
    serial = report.build(seeded, workspace_id=ws.id, fmt="html", now=NOW, cache=None, processes=1)
    report._svg_of_spec.cache_clear()
    parallel = report.build(
        seeded, workspace_id=ws.id, fmt="html", now=NOW, cache=None, processes=2
    )
    assert parallel == serial
    assert serial.count(b"<svg") == 2 * len(seeded.journeys(ws.id))


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_a_worker_does_not_run_the_callers_main_script_again(tmp_path, monkeypatch, method):
    """CI: under Streamlit (and after AppTest) ``__main__`` is a page script; every worker
    ran that page again, and died when the page found the database locked."""
    import types

    marker = tmp_path / "page ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').close()\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(report_workers, "START_METHOD", method)

    with report_workers.pool(2) as executor:
        assert report_workers.run_all(executor, report_workers.cpu_count, [(), ()], "counting")

    assert not marker.exists()
    assert sys.modules["__main__"] is main


def test_the_worker_count_follows_the_work_and_the_cpus():
    assert report_workers.processes_for(3, threshold=40) == 1
    cpus = report_workers.cpu_count()
    assert report_workers.processes_for(400, threshold=40) == (1 if cpus < 2 else cpus)


def test_a_killed_worker_raises_a_clear_error():
    with (
        report_workers.pool(1) as pool,
        pytest.raises(report_workers.ReportWorkerError, match="worker process stopped"),
    ):
        report_workers.run_all(pool, os._exit, [(9,)], "laying out the PDF")


ORPHAN_SCRIPT = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from journey import report_workers
with report_workers.pool(2) as pool:
    print(sorted({f.result() for f in [pool.submit(os.getpid) for _ in range(8)]}), flush=True)
    time.sleep(600)
"""


def test_workers_end_when_the_process_that_asked_for_the_report_is_killed():
    """Tester: a ``kill -9`` of ``journey report`` left its worker processes idle forever."""
    import json
    import signal
    import subprocess
    import time

    root = str(pathlib.Path(__file__).resolve().parent.parent)
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT, root], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = json.loads(parent.stdout.readline())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert workers

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
            status = pathlib.Path(f"/proc/{pid}/stat").read_text().split()[2]
        except (ProcessLookupError, FileNotFoundError):  # gone, maybe between the two
            return False
        return status != "Z"  # a zombie has ended

    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]


def test_a_failing_worker_names_what_failed():
    with (
        report_workers.pool(1) as pool,
        pytest.raises(report_workers.ReportWorkerError, match="drawing a chart failed"),
    ):
        report_workers.run_all(pool, report_workers.draw_svg, [("{", "6.1")], "drawing a chart")


# ---------------------------------------------------------------------------- the cache


def test_a_cache_key_changes_with_the_content_and_only_with_it():
    key = report_cache.key("pdf", "<p>Financing is slow</p>")
    assert key == report_cache.key("pdf", "<p>Financing is slow</p>")
    assert key != report_cache.key("pdf", "<p>Financing is slower</p>")
    assert key != report_cache.key("svg", "<p>Financing is slow</p>")
    assert report_cache.key("x", "ab", "c") != report_cache.key("x", "a", "bc")


def test_the_cache_sits_beside_the_database(tmp_path):
    cache = report_cache.beside(tmp_path / "journey.db")
    assert cache.folder == tmp_path / "journey.db.cache"
    assert report_cache.beside(":memory:") is None


def test_a_second_build_draws_nothing_it_drew_before(seeded: Store, tmp_path, monkeypatch):
    cache = report_cache.ReportCache(tmp_path / "c")
    ws = workspace(seeded)
    first = report.build(seeded, workspace_id=ws.id, fmt="pdf", now=NOW, cache=cache, processes=1)
    report._svg_of_spec.cache_clear()

    def refused(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(report_workers, "draw_svg", refused)
    monkeypatch.setattr(report_workers, "pdf_part", refused)
    monkeypatch.setattr(report, "_cover", lambda contexts, laid, **k: ((cover, 1), laid))
    cover_reader = PdfReader(io.BytesIO(first))
    writer = PdfWriter()
    writer.add_page(cover_reader.pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    cover = buffer.getvalue()

    second = report.build(seeded, workspace_id=ws.id, fmt="pdf", now=NOW, cache=cache, processes=1)
    assert pdf_text(second) == pdf_text(first)


def test_a_warm_build_does_not_even_build_the_charts_of_unchanged_journeys(
    seeded: Store, tmp_path, monkeypatch
):
    """Building the Altair charts only to key them by spec was 8 of a warm 10 s build at
    200 journeys: journeys found by their content skip it."""
    cache = report_cache.ReportCache(tmp_path / "c")
    ws = workspace(seeded)
    first = report.build(seeded, workspace_id=ws.id, fmt="html", now=NOW, cache=cache, processes=1)
    changed = seeded.load_journey(seeded.journeys(ws.id)[0].id)
    decision = changed.stage("decision")
    seeded.update_stage(decision.id, decision.version, emotion=-2)
    built = []
    specs = report.chart_specs
    monkeypatch.setattr(report, "chart_specs", lambda j: built.append(j.id) or specs(j))

    second = report.build(seeded, workspace_id=ws.id, fmt="html", now=NOW, cache=cache, processes=1)

    assert built == [changed.id]  # the changed journey only
    assert second != first
    assert second.count(b"<svg") == first.count(b"<svg") == 2 * len(seeded.journeys(ws.id))


def test_the_charts_key_follows_the_journey_and_the_currency(seeded: Store, monkeypatch):
    journey = seeded.load_journey(seeded.journeys()[0].id)
    key = report.charts_key(journey)
    assert report.charts_key(seeded.load_journey(journey.id)) == key
    stage = journey.stages[0]
    seeded.update_stage(stage.id, stage.version, emotion=(stage.emotion or 0) - 1)
    assert report.charts_key(seeded.load_journey(journey.id)) != key
    monkeypatch.setenv("JOURNEY_CURRENCY", "JPY")
    assert report.charts_key(journey) != key


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_the_cache_never_hides_a_change(seeded: Store, tmp_path, fmt):
    cache = report_cache.ReportCache(tmp_path / "c")
    ws = workspace(seeded)
    journey = seeded.load_journey(seeded.journeys(ws.id)[1].id)
    moment = journey.moments[0]
    before = report.build(seeded, workspace_id=ws.id, fmt=fmt, cache=cache, processes=1)
    seeded.update_moment(moment.id, moment.version, title="Retitled after the workshop")
    seeded.add_comment("stage", journey.stages[0].id, "Ana", "A comment added afterwards")
    vote = seeded.open_vote(journey.id, 3)
    seeded.cast_dot(vote, moment.id, "Bo")
    after = report.build(seeded, workspace_id=ws.id, fmt=fmt, cache=cache, processes=1)

    def text(data):
        return pdf_text(data) if fmt == "pdf" else data.decode()

    assert "Retitled after the workshop" not in text(before)
    assert "Retitled after the workshop" in text(after)
    assert "A comment added afterwards" in text(after)
    assert "1 dot" in text(after) and "1 dot" not in text(before)
    assert cache.hits > 0  # the unchanged journeys came from the cache


@pytest.mark.parametrize("damage", ["a file where the folder goes", "a corrupted database"])
def test_an_unusable_cache_warns_and_the_report_is_built_without_it(seeded, tmp_path, damage):
    folder = tmp_path / "journey.db.cache"
    if damage == "a file where the folder goes":
        folder.write_text("not a folder")
    else:
        folder.mkdir()
        (folder / "cache.db").write_bytes(b"this is not SQLite" * 100)
    cache = report_cache.ReportCache(folder)
    ws = workspace(seeded)

    with pytest.warns(report_cache.CacheWarning, match="building the report without it"):
        data = report.build(seeded, workspace_id=ws.id, fmt="html", cache=cache, processes=1)

    assert all(j.name in data.decode() for j in seeded.journeys(ws.id))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once, then quiet
        report.build(seeded, workspace_id=ws.id, fmt="html", cache=cache, processes=1)


# ---------------------------------------------------------------------------- PDF by parts


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_joined_pdf_holds_every_journey_with_an_outline(seeded: Store, tmp_path, paper):
    ws = workspace(seeded)
    journeys = seeded.journeys(ws.id)
    data = report.build(
        seeded, workspace_id=ws.id, fmt="pdf", paper=paper, now=NOW, cache=None, processes=2
    )
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(data)

    assert [o.title for o in reader.outline] == [ws.name, *(j.name for j in journeys)]
    starts = [reader.get_destination_page_number(o) for o in reader.outline]
    assert starts == sorted(starts) and starts[0] == 0
    for j, start in zip(journeys, starts[1:], strict=True):
        page = " ".join(reader.pages[start].extract_text().split())
        assert j.name in page and f"{j.name} · page 1 of" in page
    cover = " ".join(reader.pages[0].extract_text().split())
    for j, start in zip(journeys, starts[1:], strict=True):  # the contents: first pages
        assert f"{j.name}" in cover and f"page {start + 1}" in cover
    assert "generated 2026-11-29 09:30 UTC" in cover
    assert text.count("generated 2026-11-29") == 1  # on the cover only: journeys stay cacheable
    width = float(reader.pages[0].mediabox.width)
    assert round(width) == (595 if paper == "a4" else 612)


def test_serial_and_parallel_pdfs_hold_the_same_text(seeded: Store):
    ws = workspace(seeded)
    serial = report.build(seeded, workspace_id=ws.id, fmt="pdf", now=NOW, cache=None, processes=1)
    parallel = report.build(seeded, workspace_id=ws.id, fmt="pdf", now=NOW, cache=None, processes=2)
    assert pdf_text(parallel) == pdf_text(serial)


def test_a_build_keeps_its_cache_beside_the_database(seeded: Store):
    ws = workspace(seeded)
    report.build(seeded, workspace_id=ws.id, fmt="html")
    folder = report_cache.beside(seeded.path).folder

    assert folder.is_dir() and folder.name == "journey.db.cache"
    cache = report_cache.ReportCache(folder)
    spec = report.chart_specs(seeded.load_journey(seeded.journeys(ws.id)[0].id))[0]
    assert "<svg" in cache.get(report_cache.key("svg", spec))
    cache.close()


def test_a_read_only_store_writes_no_cache_folder(seeded_db):
    readonly = Store(seeded_db, read_only=True)
    try:
        report.build(readonly, workspace_id=readonly.workspaces()[0].id, fmt="html")
    finally:
        readonly.close()
    assert not report_cache.beside(seeded_db).folder.exists()
