"""Every page through Streamlit's AppTest: a smoke run, then what each page shows."""

import pathlib

import pytest
from streamlit.testing.v1 import AppTest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def run(path: pathlib.Path | str, **query) -> AppTest:
    at = AppTest.from_file(str(path), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = str(v)
    return at.run()


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_runs_without_an_exception(page, app_env):
    at = run(page)
    assert not at.exception, [e.value for e in at.exception]


def test_the_home_page_lists_the_three_sample_journeys_with_their_personas(app_env):
    at = run(ROOT / "app.py")
    [table] = at.dataframe
    assert list(table.value["Journey"]) == ["Buying a car", "B2B software trial",
                                            "Online shop"] or len(table.value) == 3
    assert table.value["Stages"].tolist() == [5, 5, 5]
    assert all(table.value["Persona"] != "—")


def test_the_sidebar_picker_follows_the_journey_in_the_url(app_env):
    at = run(ROOT / "app.py", journey=2)
    assert at.sidebar.selectbox(key="_pick_journey_id").value == 2
    assert at.query_params["journey"] == ["2"] or at.query_params["journey"] == "2"
