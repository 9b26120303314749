"""Every query parameter of every page, fuzzed: a link can never crash a page or quietly
show another journey than the one it names (cases query-param-superscript and
adv-query-param-traceback in ../shared/cases)."""

from __future__ import annotations

import pathlib
import re

import pytest
from streamlit.testing.v1 import AppTest

from journey import presentation, samples
from journey.storage import Store
from tests.conftest import PAGES, ROOT, open_page

PAGE_FILES = [ROOT / "app.py", *sorted(PAGES.glob("*.py"))]
#: Every parameter a page reads from its link.
PARAMETERS = ("journey", "present", "slide", "persona", "stage_tab", "metrics_tab")
#: Values a person, a mangled link or an attacker may put there.
JUNK = {
    "superscript": "²",
    "arabic_indic": "٣",
    "full_width": "１",
    "letters": "abc",
    "negative": "-1",
    "decimal": "3.0",
    "empty": "",
    "nul": "\x00",
    "plus": "+2",
    "spaces": " 2 ",
    "huge": "9" * 5000,
    "nineteen_digits": "1" * 19,
    "markup": "<script>alert(1)</script>",
    "long": "x" * 100_000,
}


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("fuzz") / "journey.db"
    store = Store(path)
    samples.seed(store)
    store.close()
    return path


@pytest.fixture
def app(seeded_db, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("JOURNEY_DB", str(seeded_db))
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def notices(at: AppTest) -> str:
    return " ".join(w.value.replace("\\", "") for w in at.warning)


@pytest.mark.parametrize("junk", JUNK, ids=str)
@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_junk_in_every_query_parameter_is_ignored_with_a_notice_never_a_crash(app, page, junk):
    at = open_page(page, query={name: JUNK[junk] for name in PARAMETERS})
    assert not at.exception, [e.value for e in at.exception]
    if junk not in ("empty", "long"):  # no value; Streamlit drops a 100,000-character one
        assert "which is not one plain number: it was ignored" in notices(at)
    assert len(notices(at)) < 2_000  # a rejected value is quoted short


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_a_repeated_parameter_is_ignored_with_a_notice(app, page):
    at = open_page(page, query={"journey": ["2", "3"]})
    assert not at.exception, [e.value for e in at.exception]
    assert "“2 and 3”, which is not one plain number" in notices(at)


@pytest.mark.parametrize("page", PAGE_FILES[1:], ids=lambda p: p.name)
def test_a_journey_that_does_not_exist_is_said_not_to_exist_and_no_other_is_shown(app, page):
    at = open_page(page, "999999")
    assert not at.exception, [e.value for e in at.exception]
    assert "journey 999999, which does not exist" in notices(at)
    shown = " ".join(str(e.value) for e in (*at.title, *at.header, *at.subheader, *at.caption))
    assert not re.search("Buying a family car|Free trial|sustainable clothing", shown), shown
    assert at.query_params["journey"] in (["999999"], "999999")  # the link is not rewritten


def test_the_home_page_says_a_missing_journey_does_not_exist_and_still_lists_the_journeys(app):
    at = open_page("app.py", "999999")
    assert "journey 999999, which does not exist" in notices(at)
    assert len(at.subheader) == 3


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_a_plain_journey_number_still_opens_that_journey(app, page):
    at = open_page(page, "2")
    assert not at.exception and not at.warning
    assert at.session_state["journey_id"] == 2


def test_a_link_number_is_one_to_eighteen_ascii_digits():
    assert presentation.link_number(["007"]) == 7
    assert presentation.link_number(["9" * 18]) == 10**18 - 1
    for junk in ["²", "١", "１", "-1", "1.0", "", "1" * 19, " 1"]:
        assert presentation.link_number([junk]) is None, junk
    assert presentation.link_number(["1", "1"]) is None


@pytest.mark.parametrize(
    ("page", "name", "tabs"),
    [
        ("5_Metrics.py", "metrics_tab", "Timeframes, Across the workspace, KPIs, Funnel"),
        ("2_Stages.py", "stage_tab", "Awareness, Consideration, Decision, Retention, Advocacy"),
    ],
)
def test_a_tab_the_page_does_not_have_is_named_in_a_notice(app, page, name, tabs):
    at = open_page(page, "1", query={name: "junk"})
    assert not at.exception, [e.value for e in at.exception]
    assert (
        f"The link asks for the tab “junk”, which this page does not have: it was ignored. "
        f"The tabs are {tabs}." in notices(at)
    )
    assert name not in at.query_params  # dropped from the link, the first tab is open


@pytest.mark.parametrize(
    ("page", "name", "tab"),
    [("5_Metrics.py", "metrics_tab", "KPIs"), ("2_Stages.py", "stage_tab", "Decision")],
)
def test_a_tab_the_page_has_opens_without_a_notice(app, page, name, tab):
    at = open_page(page, "1", query={name: tab})
    assert not at.exception and not at.warning
    assert at.session_state[name] == tab
