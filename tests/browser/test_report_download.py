"""The workshop report and the Mermaid text, downloaded from the pages in a real browser."""

import io

from pypdf import PdfReader

from journey import mermaid

from .conftest import open_page


def test_the_journey_map_page_downloads_the_pdf_report_and_the_mermaid_text(page, server):
    open_page(page, server, "Journey_map", journey=1)
    with page.expect_download(timeout=60_000) as caught:
        page.get_by_role("button", name="Workshop report (PDF)").click()
    pdf = caught.value
    with open(pdf.path(), "rb") as f:
        data = f.read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)

    assert pdf.suggested_filename == "report-buying-a-family-car.pdf"
    assert data.startswith(b"%PDF") and "Maya Hoffmann" in text

    with page.expect_download() as caught:
        page.get_by_role("button", name="Mermaid journey diagram").click()
    with open(caught.value.path(), encoding="utf-8") as f:
        diagram = f.read()
    assert diagram.startswith("journey\n    title Buying a family car\n")
    assert mermaid.check_syntax(diagram) == []


def test_the_present_page_downloads_the_pdf_report(page, server):
    open_page(page, server, "Present", journey=2)
    with page.expect_download(timeout=60_000) as caught:
        page.get_by_role("button", name="Workshop report (PDF)").click()

    assert caught.value.suggested_filename == "report-free-trial-to-yearly-subscription.pdf"
