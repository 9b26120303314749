"""``python -m journey report`` and ``python -m journey mermaid``: the workshop's handouts.

``report --journey ID | --workspace ID -o FILE.pdf|FILE.html [--paper a4|letter]`` writes the
workshop report of :mod:`journey.report` (the format from the file's suffix); a workspace
report prints its progress on stderr (``[ 42%] Laid out part 80 of 200 of the PDF``).
``mermaid export --journey ID [-o FILE]`` prints a journey as a Mermaid ``journey`` diagram,
``mermaid import FILE --workspace ID`` makes a new journey from one (what could not be placed
is listed on stderr) and ``mermaid check FILE`` checks a diagram against the grammar, all
through :mod:`journey.mermaid`.

:func:`add_commands` registers them on the top-level parser of :mod:`journey.cli`; handlers
follow its pattern: ``handler(args, store) -> exit status``, bad input raised as a
:class:`journey.model.JourneyError` (printed as one line, exit status 2).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import sys
import tempfile
import time
import warnings

from . import exchange, mermaid, report, report_cache
from .cli_parts import Parents, Subcommands, command_group, subcommand
from .model import ValidationError
from .storage import Store


def add_commands(sub: Subcommands, db_parents: Parents) -> None:
    """Add ``report`` and ``mermaid export|import|check`` to the top-level subcommands."""
    p = subcommand(
        sub,
        "report",
        cmd_report,
        db_parents,
        "Write the workshop report as PDF or HTML.",
        "Write the workshop report of a journey (or of every journey of a "
        "workspace): persona, map, emotion curve, timeframes, friction and key "
        "points, KPIs, scenarios. The format follows the file's suffix: .pdf, or "
        ".html (one self-contained file that works offline).",
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--journey", type=int, metavar="ID", help="one journey")
    target.add_argument("--workspace", type=int, metavar="ID", help="every journey of it")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="where to write: FILE.pdf or FILE.html",
    )
    p.add_argument(
        "--paper",
        choices=list(report.PAPERS),
        default="a4",
        help="page size of the PDF (and of the HTML when printed); default a4",
    )

    inner = command_group(
        sub,
        "mermaid",
        "Export a journey as a Mermaid journey diagram, or import one.",
        "Mermaid journey diagrams: stages as sections, actions and "
        "friction and key points as tasks, emotion as the 1-5 "
        "score, the persona as the actor.",
    )
    p = subcommand(
        inner,
        "export",
        cmd_mermaid_export,
        db_parents,
        "Print a journey as Mermaid journey text.",
        "Print a journey as Mermaid journey text (to paste into GitHub, GitLab or docs).",
    )
    p.add_argument("--journey", type=int, required=True, metavar="ID")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p = subcommand(
        inner,
        "import",
        cmd_mermaid_import,
        db_parents,
        "Make a new journey from Mermaid journey text.",
        "Make a new journey from Mermaid journey text: sections "
        "go to the stage they name, or in order; what cannot be "
        "placed is listed on stderr.",
    )
    p.add_argument("file", help="a Mermaid journey diagram (.mmd, .md or .txt)")
    p.add_argument(
        "--workspace",
        type=int,
        required=True,
        metavar="ID",
        help="the workspace the new journey goes into",
    )
    p = subcommand(
        inner,
        "check",
        cmd_mermaid_check,
        db_parents,
        "Check Mermaid journey text against the grammar.",
        "Check Mermaid journey text against the journey grammar's "
        "rules and 1-5 scores; exit status 2 with the problems.",
    )
    p.add_argument("file", help="a Mermaid journey diagram")


def stderr_progress(every: float = 1.0) -> report.Progress:
    """A :data:`journey.report.Progress` printing ``[ 42%] message`` lines on stderr, at
    most one per ``every`` seconds (and always the last, at 100%)."""
    last = [-every]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - last[0] >= every:
            last[0] = now
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    return progress


def cmd_report(args: argparse.Namespace, store: Store) -> int:
    fmt = report.format_for(args.output)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", report_cache.CacheWarning)
        data = report.build(
            store,
            journey_id=args.journey,
            workspace_id=args.workspace,
            fmt=fmt,
            paper=args.paper,
            progress=stderr_progress() if args.workspace is not None else None,
        )
    for warning in caught:  # one plain line each, not Python's warning with its source line
        print(f"warning: {warning.message}", file=sys.stderr)
    path = pathlib.Path(args.output)
    try:
        _write_whole(path, data)
    except OSError as e:
        raise ValidationError(f"{args.output}: cannot write the report ({e.strerror})") from None
    print(f"written: {path} ({len(data):,} bytes, {fmt}, {args.paper})")
    return 0


def _write_whole(path: pathlib.Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it to ``path``: the
    file is there whole or not at all (an older one stays as it was). OSError on failure."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            umask = os.umask(0)  # mkstemp makes it private: give it a new file's usual mode
            os.umask(umask)
            os.fchmod(f.fileno(), 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _read(path: str) -> str:
    data = exchange.read_file(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text") from None


def cmd_mermaid_export(args: argparse.Namespace, store: Store) -> int:
    text = mermaid.export(store, args.journey)
    if args.output:
        try:
            pathlib.Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise ValidationError(f"{args.output}: cannot write it ({e.strerror})") from None
        print(f"written: {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_mermaid_import(args: argparse.Namespace, store: Store) -> int:
    imported = mermaid.from_mermaid(_read(args.file))
    journey_id = mermaid.store_imported(store, args.workspace, imported)
    for message in imported.messages:
        print(f"note: {message}", file=sys.stderr)
    print(
        f"imported {imported.journey.name!r} as journey {journey_id} of workspace "
        f"{args.workspace}" + (f" (persona {imported.persona!r})" if imported.persona else "")
    )
    return 0


def cmd_mermaid_check(args: argparse.Namespace, store: Store) -> int:
    problems = mermaid.check_syntax(_read(args.file))
    if problems:
        raise ValidationError("; ".join(problems))
    print(f"{args.file}: a valid Mermaid journey diagram")
    return 0
