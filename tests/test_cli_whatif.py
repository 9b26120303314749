"""``python -m journey whatif``: the What-if page's outputs from the command line."""

import json
import pathlib

import pytest

from journey import formulas
from journey.storage import Store
from tests.conftest import run_cli


def engine(db: pathlib.Path, journey: int, changes: dict[str, float]) -> formulas.Levers:
    return formulas.apply(formulas.levers_from_journey(Store(db).load_journey(journey)), changes)


def test_the_json_equals_the_engines_result_for_the_same_levers(seeded_db):
    result = run_cli("whatif", "--journey", "1", "--set", "retention=0.8", "--json", db=seeded_db)
    assert result.returncode == 0, result.stderr
    levers = engine(seeded_db, 1, {"retention": 0.8})
    assert json.loads(result.stdout) == {
        "journey": 1,
        "levers": levers.as_dict(),
        "outputs": formulas.whatif(levers).as_dict(),
    }


def test_several_levers_can_be_set_and_undefined_outputs_are_null(seeded_db):
    result = run_cli(
        "whatif",
        "--journey",
        "2",
        "--set",
        "spend=0",
        "--set",
        "order_value=10000",
        "--set",
        "conversion_decision=0.5",
        "--json",
        db=seeded_db,
    )
    out = json.loads(result.stdout)
    levers = engine(seeded_db, 2, {"spend": 0, "order_value": 10000, "conversion_decision": 0.5})
    assert out["outputs"] == formulas.whatif(levers).as_dict()
    assert out["outputs"]["cac"] == 0 and out["outputs"]["roi"] is None


def test_spend_can_be_set_to_not_entered_and_then_cac_is_null(seeded_db):
    out = json.loads(
        run_cli("whatif", "--journey", "2", "--set", "spend=", "--json", db=seeded_db).stdout
    )
    assert out["levers"]["spend"] is None
    assert out["outputs"]["cac"] is None and out["outputs"]["payback_days"] is None


def test_without_changes_the_outputs_are_the_journeys_own(seeded_db):
    out = json.loads(run_cli("whatif", "--journey", "3", "--json", db=seeded_db).stdout)
    assert out["outputs"] == formulas.whatif(engine(seeded_db, 3, {})).as_dict()


def test_the_table_shows_each_output_formatted_as_on_the_page(seeded_db):
    result = run_cli("whatif", "--journey", "1", "--set", "retention=0.8", db=seeded_db)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "journey 1 with retention=0.8"
    outcome = formulas.whatif(engine(seeded_db, 1, {"retention": 0.8}))
    clv = next(line for line in lines if line.strip().startswith("CLV "))
    assert clv.split() == ["CLV", formulas.format_output("clv", outcome.clv)] == ["CLV", "€4,250"]
    assert any(line.split()[-2:] == ["51", "days"] for line in lines)
    assert len(lines) == 1 + len(formulas.OUTPUT_NAMES)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("price=3", "unknown lever 'price'; valid levers: entrants, conversion_awareness"),
        ("retention", "expected LEVER=VALUE"),
        ("retention=high", "'high' is not a number"),
        ("retention=1.5", "retention must be 0..1"),
        ("spend=-5", "spend must be 0..1e+12"),
        ("entrants=inf", "entrants: inf is not a finite number"),
        ("period_days=0", "period_days must be 1..36525"),
        ("entrants=1e308", "entrants must be 0..1e+12"),
        ("duration_awareness=1e6", "duration_awareness must be 0..36525"),
    ],
)
def test_a_bad_lever_exits_with_status_2_and_says_what_is_wrong(seeded_db, change, message):
    result = run_cli("whatif", "--journey", "1", "--set", change, "--json", db=seeded_db)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: --set") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_journey_exits_with_status_2(seeded_db):
    result = run_cli("whatif", "--journey", "99", db=seeded_db)
    assert (result.returncode, result.stderr) == (2, "error: journey 99 does not exist\n")


def test_the_journey_is_required(seeded_db):
    result = run_cli("whatif", db=seeded_db)
    assert result.returncode == 2 and "--journey" in result.stderr
