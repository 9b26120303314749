"""``python -m journey report`` and ``mermaid`` through a real subprocess."""

import io
import pathlib
import subprocess
import sys

from pypdf import PdfReader

ROOT = pathlib.Path(__file__).resolve().parent.parent


def cli(*args: str, db: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "journey", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def seeded(tmp_path: pathlib.Path) -> pathlib.Path:
    db = tmp_path / "j.db"
    assert cli("init", "--seed", db=db).returncode == 0
    return db


def test_report_writes_a_letter_pdf_of_a_journey_and_an_html_file_of_a_workspace(tmp_path):
    db = seeded(tmp_path)
    pdf, page = tmp_path / "car.pdf", tmp_path / "all.html"
    one = cli("report", "--journey", "1", "-o", str(pdf), "--paper", "letter", db=db)
    every = cli("report", "--workspace", "1", "-o", str(page), db=db)

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


def test_report_refuses_bad_input_with_status_2_and_one_line(tmp_path):
    db = seeded(tmp_path)
    cases = {
        ("--journey", "1", "-o", str(tmp_path / "r.docx")): "written as .pdf or .html",
        ("--journey", "99", "-o", str(tmp_path / "r.pdf")): "journey 99 does not exist",
        ("--journey", "1", "-o", str(tmp_path / "no" / "dir" / "r.html")): "cannot write",
    }
    for args, message in cases.items():
        result = cli("report", *args, db=db)
        assert result.returncode == 2, args
        assert message in result.stderr and len(result.stderr.splitlines()) == 1, args
        assert "Traceback" not in result.stderr


def test_mermaid_export_prints_the_journey_and_import_reads_it_back(tmp_path):
    db = seeded(tmp_path)
    exported = cli("mermaid", "export", "--journey", "2", db=db)
    path = tmp_path / "trial.mmd"
    path.write_text(exported.stdout, encoding="utf-8")
    imported = cli("mermaid", "import", str(path), "--workspace", "1", db=db)
    again = cli("mermaid", "export", "--journey", "4", db=db)

    assert exported.returncode == imported.returncode == again.returncode == 0
    assert imported.stdout.startswith("imported 'Free trial to yearly subscription' as journey 4")
    assert again.stdout == exported.stdout


def test_mermaid_import_says_which_sections_were_placed_by_order_or_another_name(tmp_path):
    db = seeded(tmp_path)
    path = tmp_path / "shop.mmd"
    path.write_text(
        "journey\n  title Shop\n  section Browse\n    Looks: 3: Me\n"
        "  section Loyalty\n    Comes back: 4: Me\n",
        encoding="utf-8",
    )
    result = cli("mermaid", "import", str(path), "--workspace", "1", db=db)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "note: Section 'Browse' (line 3) names no free stage: placed at Awareness, by its order.",
        "note: Section 'Loyalty' (line 5) placed at Advocacy: 'Loyalty' is read as another name "
        "for that stage.",
    ]
