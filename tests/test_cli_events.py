"""``python -m journey events import|report``: in-process through the handlers, then through a
real subprocess as people script it."""

import argparse
import json
import pathlib
import subprocess
import sys

import pytest

from journey import cli, cli_events, observed, samples
from journey.model import JourneyError, NotFoundError, ValidationError
from journey.storage import Store

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "car-buying-events.csv"
CAR, TRIAL, SHOP = 1, 2, 3
COMMANDS = cli.build_parser()._subparsers._group_actions[0].choices
needs_wiring = pytest.mark.skipif(
    "events" not in COMMANDS, reason="journey.cli does not call cli_events.add_commands yet"
)


@pytest.fixture
def db_file(tmp_path) -> pathlib.Path:
    """A database file holding the samples (the car journey with event log 1)."""
    path = tmp_path / "j.db"
    store = Store(path)
    samples.seed(store)
    store.close()
    return path


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m journey")
    cli_events.add_commands(p.add_subparsers(dest="command", required=True), [cli._db_parent()])
    return p


def handle(*argv: str, db: pathlib.Path) -> int:
    args = parser().parse_args([*argv, "--db", str(db)])
    store = Store(args.db)
    try:
        return args.handler(args, store)
    finally:
        store.close()


def dump(db: pathlib.Path) -> list[str]:
    store = Store(db)
    try:
        return list(store.conn.iterdump())
    finally:
        store.close()


def same_as_json(figures: dict) -> dict:
    return json.loads(json.dumps(figures))


# ---------------------------------------------------------------------------- in process


def test_import_stores_the_log_with_the_guessed_columns_and_mapping(db_file, capsys):
    assert handle("events", "import", str(SAMPLE), "--journey", str(TRIAL), db=db_file) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "imported car-buying-events.csv as event log 2 of journey 2: 2,713 rows, "
        "2,464 mapped events, 400 customers, 103 purchasers",
        "quality: read as CSV, encoding UTF-8 (detected); timestamp: ISO 8601, 2025-01-03 to "
        "2026-06-30, offsets in the values, shown in UTC; customers by column 'customer_id'",
        "quality: 2,713 rows read, 2,464 events used",
        "quality: 249 rows of 1 unmapped events: email_open (249)",
        "quality: mapping guessed, not confirmed",
    ]
    assert "  --map purchase=decision (purchase)" in err.splitlines()
    assert "[  0%] Reading car-buying-events.csv" in err.splitlines()
    assert err.splitlines()[-1] == "[100%] Imported 2,713 rows for 400 customers"
    store = Store(db_file)
    imported, sample = (store.get_event_dataset(i)["report"] for i in (2, 1))
    # the same figures as the sample's log, whose mapping ships confirmed
    assert (
        imported["quality"].pop("mapping_guessed"),
        sample["quality"].pop("mapping_guessed"),
    ) == (True, False)
    assert imported == sample


def test_import_takes_columns_and_the_whole_mapping_as_options(db_file, capsys):
    assert (
        handle(
            "events",
            "import",
            str(SAMPLE),
            "--journey",
            str(TRIAL),
            "--segment",
            "",
            "--map",
            "site_visit=awareness",
            "--map",
            "test_drive=consideration",
            "--map",
            "purchase=decision",
            "--purchase",
            "purchase",
            "--name",
            "small",
            db=db_file,
        )
        == 0
    )
    dataset = Store(db_file).get_event_dataset(2)
    assert dataset["name"] == "small"
    assert dataset["columns"]["segment"] is None
    assert dataset["mapping"] == {
        "stages": {
            "purchase": "decision",
            "site_visit": "awareness",
            "test_drive": "consideration",
        },
        "purchase_events": ["purchase"],
    }
    assert dataset["report"]["by_segment"] == []


def test_report_json_is_the_figures_the_page_shows(db_file, capsys):
    assert handle("events", "report", "--journey", str(CAR), "--json", db=db_file) == 0
    store = Store(db_file)
    expected = observed.figures(store, 1, store.load_journey(CAR))
    assert json.loads(capsys.readouterr().out) == same_as_json(expected)


def test_report_without_json_is_a_readable_summary(db_file, capsys):
    assert handle("events", "report", "--journey", str(CAR), db=db_file) == 0
    out = capsys.readouterr().out
    assert out.startswith("event log 1: car-buying-events.csv (imported ")
    assert (
        "2,713 rows, 2,464 mapped events, 400 customers, 103 purchasers (conversion 25.8%, "
        "repeat purchase rate 11.7%)" in out
    )
    assert "buyer journey                    103      25.5      24.4      34.2" in out.splitlines()
    assert "Retention" in out and "! differs more than 2x" in out


@pytest.mark.parametrize(
    ("argv", "error", "message"),
    [
        (["report", "--journey", "3"], NotFoundError, "journey 3 has no imported event log"),
        (
            ["report", "--journey", "2", "--dataset", "1"],
            ValidationError,
            "event log 1 belongs to another journey, not journey 2",
        ),
        (
            ["report", "--journey", "1", "--dataset", "9"],
            NotFoundError,
            "event dataset 9 does not exist",
        ),
        (["import", str(SAMPLE), "--journey", "9"], NotFoundError, "journey 9 does not exist"),
        (
            ["import", str(SAMPLE), "--journey", "2", "--map", "site_visit=awareness"],
            ValidationError,
            "no event is marked as the purchase",
        ),
        (
            [
                "import",
                str(SAMPLE),
                "--journey",
                "2",
                "--map",
                "purchase=buying",
                "--purchase",
                "purchase",
            ],
            JourneyError,
            "unknown stage 'buying'",
        ),
        (
            ["import", str(SAMPLE), "--journey", "2", "--customer", "client"],
            JourneyError,
            "there is no column 'client' for the customer id",
        ),
    ],
)
def test_bad_input_raises_a_journey_error_and_writes_nothing(db_file, argv, error, message):
    before = dump(db_file)
    with pytest.raises(error, match=message):
        handle("events", *argv, db=db_file)
    assert dump(db_file) == before


# ---------------------------------------------------------------------------- subprocess


def run(*args: str, db: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "journey", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


@needs_wiring
def test_events_import_from_the_command_line(db_file):
    result = run(
        "events", "import", "sample_data/car-buying-events.csv", "--journey", str(TRIAL), db=db_file
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported car-buying-events.csv as event log 2 of journey 2")
    assert "Stored 2,713 of 2,713 events" in result.stderr
    assert [d["id"] for d in Store(db_file).event_datasets(TRIAL)] == [2]


@needs_wiring
def test_events_report_json_from_the_command_line_equals_the_figures(db_file):
    result = run("events", "report", "--journey", str(CAR), "--json", db=db_file)
    assert result.returncode == 0, result.stderr
    store = Store(db_file)
    expected = observed.figures(store, 1, store.load_journey(CAR))
    assert json.loads(result.stdout) == same_as_json(expected)


@needs_wiring
def test_a_bad_file_exits_2_with_the_message_and_changes_nothing(db_file, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,timestamp,event\nc1,yesterday,purchase\nc2,2026-01-01,visit\n")
    before = dump(db_file)
    result = run("events", "import", str(bad), "--journey", str(TRIAL), db=db_file)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "error: bad.csv: 1 row of column 'timestamp' could not be read as timestamps, for "
        "example 'yesterday' (row 1) (read as ISO 8601; use ISO 8601 such as 2026-01-31T09:30:00Z, "
        "epoch seconds, or name the format: --timestamp-format, on the page Timestamp format)"
    )
    assert "Traceback" not in result.stderr
    assert dump(db_file) == before


@needs_wiring
def test_a_map_without_a_purchase_exits_2_and_changes_nothing(db_file):
    before = dump(db_file)
    result = run(
        "events",
        "import",
        str(SAMPLE),
        "--journey",
        str(TRIAL),
        "--map",
        "site_visit=awareness",
        db=db_file,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: no event is marked as the purchase: add --purchase EVENT "
        "(such as --purchase purchase) and map it with --map "
        "EVENT=decision\n"
    )
    assert dump(db_file) == before


@needs_wiring
@pytest.mark.parametrize("argv", [["events"], ["events", "import"], ["events", "report"]])
def test_the_events_commands_have_help_naming_the_database_option(argv):
    result = subprocess.run(
        [sys.executable, "-m", "journey", *argv, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0 and "--db PATH" in result.stdout
