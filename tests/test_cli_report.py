"""``python -m journey report`` and ``mermaid`` through ``cli.main``."""

import io

from pypdf import PdfReader

from tests.conftest import run_cli


def test_report_writes_a_letter_pdf_of_a_journey_and_an_html_file_of_a_workspace(
    seeded_db, tmp_path
):
    db = seeded_db
    pdf, page = tmp_path / "car.pdf", tmp_path / "all.html"
    one = run_cli("report", "--journey", "1", "-o", str(pdf), "--paper", "letter", db=db)
    every = run_cli("report", "--workspace", "1", "-o", str(page), db=db)

    assert one.returncode == 0 and one.stdout.startswith(f"written: {pdf} (")
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert round(float(reader.pages[0].mediabox.height)) == 792
    assert every.returncode == 0
    html = page.read_text(encoding="utf-8")
    for name in (
        "Buying a family car",
        "Free trial to yearly subscription",
        "Buying sustainable clothing online",
    ):
        assert name in html


def test_report_refuses_bad_input_with_status_2_and_one_line(seeded_db, tmp_path):
    db = seeded_db
    cases = {
        ("--journey", "1", "-o", str(tmp_path / "r.docx")): "written as .pdf or .html",
        ("--journey", "99", "-o", str(tmp_path / "r.pdf")): "journey 99 does not exist",
        ("--journey", "1", "-o", str(tmp_path / "no" / "dir" / "r.html")): "cannot write",
    }
    for args, message in cases.items():
        result = run_cli("report", *args, db=db)
        assert result.returncode == 2, args
        assert message in result.stderr and len(result.stderr.splitlines()) == 1, args
        assert "Traceback" not in result.stderr


def test_mermaid_export_prints_the_journey_and_import_reads_it_back(seeded_db, tmp_path):
    db = seeded_db
    exported = run_cli("mermaid", "export", "--journey", "2", db=db)
    path = tmp_path / "trial.mmd"
    path.write_text(exported.stdout, encoding="utf-8")
    imported = run_cli("mermaid", "import", str(path), "--workspace", "1", db=db)
    again = run_cli("mermaid", "export", "--journey", "4", db=db)

    assert exported.returncode == imported.returncode == again.returncode == 0
    assert imported.stdout.startswith("imported 'Free trial to yearly subscription' as journey 4")
    assert again.stdout == exported.stdout


def test_a_workspace_report_prints_its_progress_on_stderr_a_journey_report_does_not(
    seeded_db, tmp_path
):
    db = seeded_db
    every = run_cli("report", "--workspace", "1", "-o", str(tmp_path / "all.html"), db=db)
    one = run_cli("report", "--journey", "1", "-o", str(tmp_path / "one.html"), db=db)

    assert every.returncode == 0 and one.returncode == 0
    lines = every.stderr.splitlines()
    assert lines[0].startswith("[") and "Charts of journey 1 of " in lines[0]
    assert lines[-1] == "[100%] HTML ready"
    assert one.stderr == ""


def test_mermaid_import_says_which_sections_were_placed_by_order_or_another_name(
    seeded_db, tmp_path
):
    db = seeded_db
    path = tmp_path / "shop.mmd"
    path.write_text(
        "journey\n  title Shop\n  section Browse\n    Looks: 3: Me\n"
        "  section Loyalty\n    Comes back: 4: Me\n",
        encoding="utf-8",
    )
    result = run_cli("mermaid", "import", str(path), "--workspace", "1", db=db)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "note: Section 'Browse' (line 3) names no free stage: placed at Awareness, by its order.",
        "note: Section 'Loyalty' (line 5) placed at Advocacy: 'Loyalty' is read as another name "
        "for that stage.",
    ]


def test_a_report_worker_that_dies_leaves_no_output_file_and_an_older_one_as_it_was(
    seeded_db, tmp_path, monkeypatch
):
    from journey import report, report_workers

    out = tmp_path / "all.pdf"
    out.write_bytes(b"the report of last week")

    def died(*args, **kwargs):
        raise report_workers.ReportWorkerError("a report worker process stopped")

    monkeypatch.setattr(report, "build_pdf", died)
    result = run_cli("report", "--workspace", "1", "-o", str(out), db=seeded_db)
    fresh = run_cli("report", "--workspace", "1", "-o", str(tmp_path / "new.pdf"), db=seeded_db)

    assert result.returncode == 2 and "a report worker process stopped" in result.stderr
    assert out.read_bytes() == b"the report of last week"
    assert fresh.returncode == 2 and not (tmp_path / "new.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".part") == []


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    import os

    import pytest

    from journey import cli_report

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        cli_report._write_whole(tmp_path / "r.html", b"<html>")
    assert list(tmp_path.iterdir()) == []


def test_a_written_report_has_the_mode_of_any_new_file(seeded_db, tmp_path):
    import os

    out, plain = tmp_path / "car.html", tmp_path / "plain.txt"
    plain.write_bytes(b"")
    assert run_cli("report", "--journey", "1", "-o", str(out), db=seeded_db).returncode == 0
    assert os.stat(out).st_mode == os.stat(plain).st_mode


def test_an_unusable_cache_is_one_plain_warning_line_and_the_report_is_written(seeded_db, tmp_path):
    (tmp_path / (seeded_db.name + ".cache")).write_text("a file where the cache folder goes")
    out = tmp_path / "r.html"
    ran = run_cli("report", "--journey", "1", "-o", str(out), db=seeded_db)
    assert ran.returncode == 0 and out.exists()
    assert ran.stderr.startswith("warning: report cache ")
    assert "delete the folder" in ran.stderr and "self._open()" not in ran.stderr
