"""``python -m journey``: in process through ``cli.main`` as people script it, and the entry
point itself as a real process."""

import json

import pytest

from journey.cli import command_names
from journey.storage import Store
from tests.conftest import ROOT, run_cli, run_module

COMMANDS = command_names()


def test_help_lists_every_command():
    result = run_module("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--db PATH" in result.stdout


def test_the_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text()
    missing = [c for c in COMMANDS if f"python -m journey {c}" not in readme]
    assert missing == []


def test_init_with_seed_loads_the_three_sample_journeys(tmp_path):
    db = tmp_path / "j.db"
    result = run_cli("init", "--seed", db=db)
    assert result.returncode == 0, result.stderr
    listing = json.loads(run_cli("list", "--json", db=db).stdout)
    assert len(listing["journeys"]) == 3
    assert all(j["stages"] == 5 and j["persona"] for j in listing["journeys"])
    assert "nothing loaded" in run_cli("seed", db=db).stdout


def test_export_then_import_into_an_empty_database_round_trips(tmp_path):
    db, other = tmp_path / "a.db", tmp_path / "b.db"
    run_cli("init", "--seed", db=db)
    out = tmp_path / "ws.json"
    assert run_cli("export", "--workspace", "1", "-o", str(out), db=db).returncode == 0
    result = run_cli("import", str(out), db=other)
    assert result.returncode == 0, result.stderr
    assert "imported 3 persona(s) and 3 journey(s) into workspace 1" in result.stdout
    again = json.loads(run_cli("export", "--workspace", "1", db=other).stdout)
    first = json.loads(out.read_text())
    first.pop("exported_at"), again.pop("exported_at")
    assert again == first


def test_a_bad_file_exits_2_naming_the_file_and_field_and_changes_nothing(seeded_db, tmp_path):
    db = seeded_db
    doc = json.loads(run_cli("export", "--journey", "1", db=db).stdout)
    doc["journeys"][0]["stages"][2]["emotion"] = 7
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    before = db.read_bytes()
    result = run_cli("import", str(bad), db=db)
    assert result.returncode == 2
    assert result.stderr == (f"error: {bad}: journeys[0].stages[2].emotion: 7 is outside -2..2\n")
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_a_missing_file_or_journey_is_an_error_not_a_traceback(tmp_path):
    db = tmp_path / "j.db"
    missing = run_cli("import", str(tmp_path / "nope.json"), db=db)
    assert (missing.returncode, "Traceback" in missing.stderr) == (2, False)
    assert "cannot read the file" in missing.stderr
    unknown = run_cli("export", "--journey", "99", db=db)
    assert (unknown.returncode, unknown.stderr) == (2, "error: journey 99 does not exist\n")
    usage = run_cli("export", db=db)
    assert usage.returncode == 2 and "one of the arguments" in usage.stderr


def test_snapshot_and_restore_from_the_command_line(seeded_db):
    db = seeded_db
    assert run_cli("snapshot", "--journey", "1", db=db).stdout == "snapshot 1 saved\n"
    store = Store(db)
    stage = store.load_journey(1).stage("awareness")
    store.update_stage(stage.id, stage.version, thoughts="edited later")
    store.close()
    result = run_cli("restore", "1", db=db)
    assert result.stdout == "restored journey 1 from snapshot 1; undo with `restore 2`\n"
    assert Store(db).load_journey(1).stage("awareness").thoughts == stage.thoughts
    assert "before restoring snapshot 1" in run_cli("snapshots", db=db).stdout


def test_backup_and_restore_backup(tmp_path, monkeypatch):
    db, backup = tmp_path / "j.db", tmp_path / "copy.db"
    run_cli("init", "--seed", db=db)
    assert run_cli("backup", str(backup), db=db).returncode == 0
    Store(db).delete_journey(2)
    monkeypatch.setenv("JOURNEY_BACKUP_DIR", str(tmp_path / "backups"))
    result = run_cli("restore-backup", str(backup), db=db)
    assert result.returncode == 0, result.stderr
    assert len(Store(db).journeys()) == 3
    [kept] = (tmp_path / "backups").glob("before-restore-*.db")
    assert f"kept in {kept}" in result.stdout
    assert len(Store(kept).journeys()) == 2


def test_csv_export_of_a_journey(seeded_db):
    db = seeded_db
    lines = run_cli("export", "--journey", "1", "--csv", "stages", db=db).stdout.splitlines()
    assert len(lines) == 6 and lines[0].startswith("stage,label")


def test_list_on_an_empty_database_says_how_to_add_journeys(tmp_path):
    ran = run_cli("list", db=tmp_path / "empty.db")
    assert ran.returncode == 0 and ran.stdout == ""
    assert "No workspace yet" in ran.stderr and "journey seed" in ran.stderr
