"""The one shape every command of ``python -m journey`` is registered in.

:mod:`journey.cli` and its command modules (:mod:`journey.cli_events`,
:mod:`journey.cli_report`) add their commands through :func:`subcommand` (a command that takes
``--db PATH`` and names its handler) and :func:`command_group` (a command with subcommands of
its own, such as ``events import``). A handler is ``handler(args, store) -> exit status``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from .storage import Store

Handler = Callable[[argparse.Namespace, Store], int]
Subcommands = argparse._SubParsersAction  # what ``add_subparsers`` returns
Parents = Sequence[argparse.ArgumentParser]  # parent parsers, such as [db_parent()]
DB_HELP = "Each subcommand takes --db PATH (default: $JOURNEY_DB or journey.db)."


def db_parent() -> argparse.ArgumentParser:
    """The parent parser that gives a command its ``--db PATH`` option."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        default=None,
        metavar="PATH",
        help="database file (default: $JOURNEY_DB or journey.db)",
    )
    return parent


def subcommand(
    sub: Subcommands,
    name: str,
    handler: Handler,
    db_parents: Parents,
    help_: str,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add command ``name`` to ``sub``, taking ``--db``, run by ``handler``; return its parser
    for the command's own arguments. ``description`` defaults to ``help_``."""
    p = sub.add_parser(name, parents=list(db_parents), help=help_, description=description or help_)
    p.set_defaults(handler=handler)
    return p


def command_group(sub: Subcommands, name: str, help_: str, description: str) -> Subcommands:
    """Add command ``name`` whose subcommands (required) go into the returned list."""
    group = sub.add_parser(name, help=help_, description=description, epilog=DB_HELP)
    return group.add_subparsers(dest=f"{name}_command", required=True, metavar="SUBCOMMAND")
