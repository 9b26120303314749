"""Download buttons (``ui.download``): typed by their file's extension, never a rerun."""

import pytest

from journey import report, ui


class Column:
    """Stands in for a Streamlit column: records the download buttons put in it."""

    def __init__(self):
        self.buttons: list[dict] = []

    def download_button(self, label, **options):
        self.buttons.append({"label": label, **options})


def test_a_download_is_typed_by_its_file_name_and_a_click_does_not_rerun_the_page():
    column = Column()
    names = ["w.json", "s.csv", "m.png", "m.svg", "j.mmd", "report-x.pdf", "report-x.html"]
    for name in names:
        ui.download("Get it", b"x", name, key=name, where=column, help="Why")
    assert [b["mime"] for b in column.buttons] == [
        "application/json",
        "text/csv",
        "image/png",
        "image/svg+xml",
        "text/plain",
        report.MIME["pdf"],
        report.MIME["html"],
    ]
    assert {b["on_click"] for b in column.buttons} == {"ignore"}
    assert [b["file_name"] for b in column.buttons] == names
    assert column.buttons[0]["help"] == "Why"


def test_a_file_of_a_type_the_app_does_not_offer_is_refused():
    with pytest.raises(KeyError):
        ui.download("Get it", b"x", "notes.docx", key="docx", where=Column())
