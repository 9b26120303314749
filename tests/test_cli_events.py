"""``python -m journey events import|report`` through ``cli.main`` as people script it."""

import json

import pytest

from journey import observed
from journey.storage import Store
from tests.conftest import CAR, ROOT, TRIAL, dump, run_cli

SAMPLE = ROOT / "sample_data" / "car-buying-events.csv"


def same_as_json(figures: dict) -> dict:
    return json.loads(json.dumps(figures))


def test_import_stores_the_log_with_the_guessed_columns_and_mapping(seeded_db):
    code, out, err = run_cli("events", "import", str(SAMPLE), "--journey", str(TRIAL), db=seeded_db)
    assert code == 0, err
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
    assert "Stored 2,713 of 2,713 events" in err
    store = Store(seeded_db)
    assert [d.id for d in store.event_datasets(TRIAL)] == [2]
    imported, sample = (store.get_event_dataset(i).report for i in (2, 1))
    # the same figures as the sample's log, whose mapping ships confirmed
    assert (
        imported["quality"].pop("mapping_guessed"),
        sample["quality"].pop("mapping_guessed"),
    ) == (True, False)
    assert imported == sample


def test_import_takes_columns_and_the_whole_mapping_as_options(seeded_db):
    assert (
        run_cli(
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
            db=seeded_db,
        ).returncode
        == 0
    )
    dataset = Store(seeded_db).get_event_dataset(2)
    assert dataset.name == "small"
    assert dataset.columns["segment"] is None
    assert dataset.mapping == {
        "stages": {
            "purchase": "decision",
            "site_visit": "awareness",
            "test_drive": "consideration",
        },
        "purchase_events": ["purchase"],
    }
    assert dataset.report["by_segment"] == []


def test_report_json_is_the_figures_the_page_shows(seeded_db):
    result = run_cli("events", "report", "--journey", str(CAR), "--json", db=seeded_db)
    assert result.returncode == 0, result.stderr
    store = Store(seeded_db)
    expected = observed.figures(store, 1, store.load_journey(CAR))
    assert json.loads(result.stdout) == same_as_json(expected)


def test_report_without_json_is_a_readable_summary(seeded_db):
    code, out, _ = run_cli("events", "report", "--journey", str(CAR), db=seeded_db)
    assert code == 0
    assert out.startswith("event log 1: car-buying-events.csv (imported ")
    assert (
        "2,713 rows, 2,464 mapped events, 400 customers, 103 purchasers (conversion 25.8%, "
        "repeat purchase rate 11.7%)" in out
    )
    assert "buyer journey                    103      25.5      24.4      34.2" in out.splitlines()
    assert "Retention" in out and "! differs more than 2x" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--journey", "3"], "journey 3 has no imported event log"),
        (
            ["report", "--journey", "2", "--dataset", "1"],
            "event log 1 belongs to another journey, not journey 2",
        ),
        (
            ["report", "--journey", "1", "--dataset", "9"],
            "event dataset 9 does not exist",
        ),
        (["import", str(SAMPLE), "--journey", "9"], "journey 9 does not exist"),
        (
            ["import", str(SAMPLE), "--journey", "2", "--map", "site_visit=awareness"],
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
            "unknown stage 'buying'",
        ),
        (
            ["import", str(SAMPLE), "--journey", "2", "--customer", "client"],
            "there is no column 'client' for the customer id",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(seeded_db, argv, message):
    before = dump(seeded_db)
    result = run_cli("events", *argv, db=seeded_db)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("error: ") and message in result.stderr
    assert dump(seeded_db) == before


def test_a_bad_file_exits_2_with_the_message_and_changes_nothing(seeded_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,timestamp,event\nc1,yesterday,purchase\nc2,2026-01-01,visit\n")
    before = dump(seeded_db)
    result = run_cli("events", "import", str(bad), "--journey", str(TRIAL), db=seeded_db)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "error: bad.csv: 1 row of column 'timestamp' could not be read as timestamps, for "
        "example 'yesterday' (row 1) (read as ISO 8601; use ISO 8601 such as 2026-01-31T09:30:00Z, "
        "epoch seconds, or name the format: --timestamp-format, on the page Timestamp format)"
    )
    assert "Traceback" not in result.stderr
    assert dump(seeded_db) == before


def test_a_map_without_a_purchase_exits_2_and_changes_nothing(seeded_db):
    before = dump(seeded_db)
    result = run_cli(
        "events",
        "import",
        str(SAMPLE),
        "--journey",
        str(TRIAL),
        "--map",
        "site_visit=awareness",
        db=seeded_db,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: no event is marked as the purchase: add --purchase EVENT "
        "(such as --purchase purchase) and map it with --map "
        "EVENT=decision\n"
    )
    assert dump(seeded_db) == before


@pytest.mark.parametrize("argv", [["events"], ["events", "import"], ["events", "report"]])
def test_the_events_commands_have_help_naming_the_database_option(argv):
    result = run_cli(*argv, "--help")
    assert result.returncode == 0 and "--db PATH" in result.stdout
