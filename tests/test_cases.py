"""The handed real-world cases (``/work/shared/cases``, copied into ``tests/cases``): each gives
its right figures, or its clear message, on the command line and through the page's import path.

Every case is imported for the trial journey (2) of a seeded database, as its README's commands
do for journey 1, so the sample's own event log stays event log 1.
"""

import json
import pathlib

import pytest
from streamlit.testing.v1 import AppTest

from journey import cli, event_charts, observed, samples
from journey.storage import Store

CASES = pathlib.Path(__file__).resolve().parent / "cases"
PAGE = str(pathlib.Path(__file__).resolve().parent.parent / "pages" / "7_Observed_timeframes.py")
TRIAL = 2


@pytest.fixture
def db_file(tmp_path) -> pathlib.Path:
    path = tmp_path / "j.db"
    store = Store(path)
    samples.seed(store)
    store.close()
    return path


def run_cli(db: pathlib.Path, *argv: str) -> int:
    return cli.main([*argv, "--db", str(db)])


def import_case(db: pathlib.Path, name: str, *options: str) -> dict:
    """Import ``tests/cases/NAME`` for the trial journey; return the stored report."""
    assert run_cli(db, "events", "import", str(CASES / name), "--journey", str(TRIAL),
                   *options) == 0
    store = Store(db)
    try:
        [dataset] = store.event_datasets(TRIAL)
        return observed.figures(store, dataset["id"], store.load_journey(TRIAL))
    finally:
        store.close()


def dump(db: pathlib.Path) -> list[str]:
    store = Store(db)
    try:
        return list(store.conn.iterdump())
    finally:
        store.close()


# ---------------------------------------------------------------------------- zero medians


def test_an_observed_median_of_zero_days_gives_an_undefined_ratio_not_a_crash(db_file, capsys):
    figures = import_case(db_file, "visit-then-purchase.csv")
    decision = next(r for r in figures["estimated_vs_observed"] if r["stage"] == "decision")
    assert (decision["observed_days"], decision["ratio"], decision["flag"]) == (0.0, None, False)
    chart = event_charts.estimate_comparison_chart(figures).to_dict()
    labels = [row["label"] for row in chart["datasets"][chart["layer"][2]["data"]["name"]]]
    assert "observed 0 days, ratio undefined" in labels
    capsys.readouterr()
    assert run_cli(db_file, "events", "report", "--journey", str(TRIAL)) == 0
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith("Decision ")][-1:]
    assert line.split()[-1] == "n/a"


@pytest.mark.parametrize("ratio", [0.0, None, float("inf"), -1.0])
def test_a_zero_missing_or_infinite_ratio_reads_as_undefined(ratio):
    assert event_charts.ratio_text(ratio) == "undefined"


def test_the_page_compares_a_log_whose_decision_median_is_zero(db_file, monkeypatch):
    import streamlit as st

    import_case(db_file, "visit-then-purchase.csv")
    monkeypatch.setenv("JOURNEY_DB", str(db_file))
    st.cache_resource.clear()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["journey"] = str(TRIAL)
    at.session_state["events_tab"] = "⚖️ Estimated vs observed"
    at.run()
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "differs > 2×" in d.value.columns]
    decision = table[table[""] == "Decision"].iloc[0]
    assert decision["observed (days)"] == 0.0
    assert decision["observed ÷ estimated"] != decision["observed ÷ estimated"]  # NaN: blank
    st.cache_resource.clear()
