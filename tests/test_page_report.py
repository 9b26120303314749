"""The report and Mermaid downloads on the Journey map and Present pages (AppTest).

The files themselves are checked in tests/test_report.py, tests/test_mermaid.py and, clicked
in a browser, tests/browser/test_report_download.py; here: the buttons are there, and they
build nothing until clicked (a report takes seconds; a rerun must not pay for it).
"""

from tests.conftest import CAR, open_page


def buttons(page: str, journey: int, **query) -> dict:
    at = open_page(page, journey, query=query)
    assert not at.exception
    return {b.proto.label: b.proto for b in at.get("download_button")}


def test_the_map_page_offers_the_report_as_pdf_and_html_and_the_mermaid_text(app_env):
    found = buttons("4_Journey_map.py", CAR)
    wanted = ["Workshop report (PDF)", "Workshop report (HTML)", "Mermaid journey diagram"]

    assert set(wanted) <= set(found)
    assert all(found[label].deferred_file_id and not found[label].url for label in wanted)


def test_the_present_page_offers_the_report_built_only_when_clicked(app_env):
    found = buttons("9_Present.py", CAR)
    button = found["Workshop report (PDF)"]

    assert button.deferred_file_id and not button.url
