"""``python -m journey``: the command line for what people script.

Every command takes ``--db PATH`` (default: ``$JOURNEY_DB`` or ``journey.db``). Errors a
person can fix print one line to stderr naming the file and the field, exit with status 2,
and leave the database unchanged; there is never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pathlib
import sys
from collections.abc import Sequence

from . import __version__, cli_events, cli_report, exchange, formulas, samples, settings
from .cli_parts import Handler, db_parent, subcommand
from .model import JourneyError, StorageError, ValidationError
from .storage import DatabaseError, Store, database_error, kept_note


def build_parser() -> argparse.ArgumentParser:
    return _parser_and_commands()[0]


def command_names() -> list[str]:
    """The top-level commands (``init``, ``events``, ...), sorted: what ``--help`` lists."""
    return sorted(_parser_and_commands()[1].choices)


def _parser_and_commands() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog="python -m journey",
        description="Journey Lab: map customer journeys and compare buyer and customer "
        "journey timeframes.",
    )
    parser.add_argument("--version", action="version", version=f"journey-lab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    db = [db_parent()]

    def command(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        return subcommand(sub, name, handler, db, help_)

    p = command("init", cmd_init, "Create the database (or upgrade it) and apply migrations.")
    p.add_argument("--seed", action="store_true", help="also load the sample journeys if empty")

    command("seed", cmd_seed, "Load the sample journeys into an empty database.")

    p = command("list", cmd_list, "List workspaces and journeys.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = command("export", cmd_export, "Export a workspace (or one journey) as JSON or CSV.")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--workspace", type=int, metavar="ID", help="workspace to export")
    target.add_argument("--journey", type=int, metavar="ID", help="one journey to export")
    p.add_argument(
        "--csv",
        choices=("stages", "moments", "metrics"),
        help="CSV of the journey's stages, moments or metrics (needs --journey)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    p = command(
        "import",
        cmd_import,
        "Import an exchange file: checked whole, then written in one transaction.",
    )
    p.add_argument("file", help="a Journey Lab JSON file")
    p.add_argument(
        "--workspace",
        type=int,
        metavar="ID",
        help="add to this workspace instead of creating a new one",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="with --workspace: replace its contents (a snapshot is saved first)",
    )

    p = command("snapshot", cmd_snapshot, "Save a snapshot of a journey or workspace now.")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--journey", type=int, metavar="ID")
    target.add_argument("--workspace", type=int, metavar="ID")
    p.add_argument("--reason", default="saved from the command line")

    p = command("snapshots", cmd_snapshots, "List snapshots, newest first.")
    p.add_argument("--journey", type=int, metavar="ID")
    p.add_argument("--workspace", type=int, metavar="ID")

    p = command(
        "restore",
        cmd_restore,
        "Restore a snapshot (what it replaces is snapshotted first, so a restore can be undone).",
    )
    p.add_argument("snapshot", type=int, metavar="SNAPSHOT_ID")

    p = command(
        "whatif",
        cmd_whatif,
        "Compute a what-if for a journey: the outputs the "
        "What-if page shows, from the same engine.",
    )
    p.add_argument(
        "--journey",
        type=int,
        metavar="ID",
        required=True,
        help="the journey whose stages and assumptions are the starting levers",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="LEVER=VALUE",
        dest="changes",
        help="change one lever (repeatable), e.g. --set retention=0.8 (--set spend= "
        "means no spend entered); levers: " + ", ".join(formulas.LEVER_NAMES),
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = command(
        "backup",
        cmd_backup,
        "Copy the database with SQLite's online backup (safe while the app is running).",
    )
    p.add_argument("file", nargs="?", help="destination (default: backups/journey-<time>.db)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    p = command(
        "restore-backup",
        cmd_restore_backup,
        "Replace the database's contents with a backup file (checked whole first; "
        "the replaced contents are kept in the backup folder).",
    )
    p.add_argument("file", help="a backup made by `python -m journey backup`")
    cli_events.add_commands(sub, db)
    cli_report.add_commands(sub, db)
    return parser, sub


# ---------------------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace, store: Store) -> int:
    seeded = samples.seed(store) if args.seed else None
    print(f"database ready: {store.path}" + (" (sample journeys loaded)" if seeded else ""))
    return 0


def cmd_seed(args: argparse.Namespace, store: Store) -> int:
    workspace_id = samples.seed(store)
    if workspace_id is None:
        print(f"{store.path} already holds data: nothing loaded")
    else:
        print(f"loaded {len(samples.SAMPLES)} sample journeys into workspace {workspace_id}")
    return 0


def cmd_list(args: argparse.Namespace, store: Store) -> int:
    journeys = store.journeys()
    if args.json:
        out = {
            "workspaces": [{"id": w.id, "name": w.name} for w in store.workspaces()],
            "journeys": [dataclasses.asdict(j) for j in journeys],
        }
        print(json.dumps(out, indent=2))
        return 0
    workspaces = store.workspaces()
    if not workspaces:
        print(
            "No workspace yet: `python -m journey seed` adds the sample journeys, "
            "`python -m journey import FILE.json` a journey of yours.",
            file=sys.stderr,
        )
    for ws in workspaces:
        print(f"workspace {ws.id}: {ws.name}")
        for j in (j for j in journeys if j.workspace_id == ws.id):
            persona = j.persona or "no persona"
            print(
                f"  journey {j.id}: {j.name} ({persona}; {j.stages} stages, "
                f"{j.friction_points} friction, {j.key_points} key points)"
            )
    return 0


def cmd_export(args: argparse.Namespace, store: Store) -> int:
    if args.csv:
        if args.journey is None:
            raise ValidationError("--csv needs --journey ID")
        journey = store.load_journey(args.journey)
        text = {
            "stages": exchange.stages_csv,
            "moments": exchange.moments_csv,
            "metrics": exchange.metrics_csv,
        }[args.csv](journey)
    elif args.journey is not None:
        text = exchange.dumps(store.export_journey(args.journey))
    else:
        text = exchange.dumps(store.export_workspace(args.workspace))
    _write(text, args.output)
    return 0


def cmd_import(args: argparse.Namespace, store: Store) -> int:
    if args.replace and args.workspace is None:
        raise ValidationError("--replace needs --workspace ID")
    doc = exchange.load_document(args.file)
    result = store.import_document(doc, workspace_id=args.workspace, replace=args.replace)
    print(
        f"imported {result.personas} persona(s) and {len(result.journeys)} "
        f"journey(s) into workspace {result.workspace_id}"
        + (f"; snapshot {result.snapshot_id} holds what was replaced" if result.snapshot_id else "")
        + kept_note(result)
    )
    return 0


def cmd_snapshot(args: argparse.Namespace, store: Store) -> int:
    if args.journey is not None:
        snapshot_id = store.snapshot_journey(args.journey, args.reason)
    else:
        snapshot_id = store.snapshot_workspace(args.workspace, args.reason)
    print(f"snapshot {snapshot_id} saved")
    return 0


def cmd_snapshots(args: argparse.Namespace, store: Store) -> int:
    for s in store.snapshots(workspace_id=args.workspace, journey_id=args.journey):
        print(f"{s.id}\t{s.created_at}\t{s.title}\t{s.reason}")
    return 0


def cmd_restore(args: argparse.Namespace, store: Store) -> int:
    result = store.restore_snapshot(args.snapshot)
    undo = f"; undo with `restore {result.snapshot_id}`" if result.snapshot_id else ""
    print(
        f"restored {result.kind} {result.id} from snapshot {args.snapshot}{undo}"
        + kept_note(result)
    )
    return 0


def _lever_changes(pairs: Sequence[str]) -> dict[str, float | None]:
    """``["retention=0.8"]`` -> ``{"retention": 0.8}``, checked against each lever's range."""
    changes = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep:
            raise ValidationError(f"--set {pair!r}: expected LEVER=VALUE, e.g. retention=0.8")
        if name not in formulas.LEVER_INFO:
            raise ValidationError(
                f"--set {pair!r}: unknown lever {name!r}; valid levers: "
                f"{', '.join(formulas.LEVER_NAMES)}"
            )
        if name == "spend" and not text.strip():  # --set spend= : not entered
            changes[name] = None
            continue
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(f"--set {pair!r}: {text.strip()!r} is not a number") from None
        try:
            changes[name] = formulas.check_lever(name, value)
        except ValueError as e:
            raise ValidationError(f"--set {pair!r}: {e}") from None
    return changes


def cmd_whatif(args: argparse.Namespace, store: Store) -> int:
    changes = _lever_changes(args.changes)
    levers = formulas.apply(formulas.levers_from_journey(store.load_journey(args.journey)), changes)
    try:
        outcome = formulas.whatif(levers)
    except ValueError as e:  # a stored value the engine refuses
        raise ValidationError(f"journey {args.journey}: {e}") from None
    if args.json:
        print(
            json.dumps(
                {"journey": args.journey, "levers": levers.as_dict(), "outputs": outcome.as_dict()},
                indent=2,
                allow_nan=False,
            )
        )
        return 0
    print(f"journey {args.journey}" + (f" with {', '.join(args.changes)}" if changes else ""))
    width = max(len(info.label) for info in formulas.OUTPUT_INFO.values())
    for name, value in outcome.as_dict().items():
        label = formulas.OUTPUT_INFO[name].label
        print(f"  {label:<{width}}  {formulas.format_output(name, value)}")
    return 0


def cmd_backup(args: argparse.Namespace, store: Store) -> int:
    destination = args.file or settings.default_backup_path()
    path = store.backup(destination, force=args.force)
    print(f"backup written: {path}")
    return 0


def cmd_restore_backup(args: argparse.Namespace, store: Store) -> int:
    kept = store.restore_backup(args.file, settings.default_backup_path("before-restore"))
    print(
        f"restored {store.path} from {args.file}; what it held is kept in {kept} "
        f"(`restore-backup {kept}` brings it back)"
    )
    return 0


def _write(text: str, output: str | None) -> None:
    if output:
        try:
            pathlib.Path(output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise StorageError(f"{output}: cannot write the file ({e.strerror})") from None
        print(f"written: {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


# ---------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    path = args.db or settings.database_path()
    store = None
    try:
        store = Store(path)
        return args.handler(args, store)
    except JourneyError as e:
        where = getattr(args, "file", None)
        prefix = f"{where}: " if where and not str(e).startswith(str(where)) else ""
        print(f"error: {prefix}{e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except DatabaseError as e:  # the database itself: disk full, read-only, locked
        print(f"error: {database_error(path, e)}", file=sys.stderr)
        return 2
    except OSError as e:  # a file named on the command line
        print(f"error: {e.filename or path}: {e.strerror or e}", file=sys.stderr)
        return 2
    finally:
        if store is not None:
            store.close()


if __name__ == "__main__":
    sys.exit(main())
