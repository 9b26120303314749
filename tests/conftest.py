"""The test toolkit: sample ids, databases, a "nothing changed" dump, the command line in
process, and pages through AppTest. Sections below; add new helpers to the section they
belong to (or a new section at the end) so parallel additions merge cleanly.

- Sample ids: ``CAR``, ``TRIAL``, ``SHOP`` (the three sample journeys, in seed order) in
  ``WORKSPACE``; ``ROOT`` and ``PAGES`` for files.
- Databases: ``db_path`` (a file name, nothing in it), ``store`` (a migrated empty Store),
  ``seeded`` (that Store holding the samples), ``seeded_db`` (the samples in a closed file, for
  the command line and the app), ``journey_id`` (one small journey); ``dump(store)``;
  ``rows_accounted_for(quality)`` (an event log's rows, used or left out).
- Command line: ``run_cli(*argv, db=...)`` runs ``journey.cli.main`` in this process and
  returns ``Ran(returncode, stdout, stderr)``; ``run_module`` runs it as a real process (for
  the entry point, privileges with the ``as_nobody()`` prefix, resource limits).
- Pages: the ``app_env`` fixture, ``open_page(page, journey, query=..., **state)`` and
  ``plain``.
"""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
from typing import NamedTuple

import pytest

from journey.model import Moment, Persona
from journey.storage import Store

# ---------------------------------------------------------------------------- sample ids

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = ROOT / "pages"
WORKSPACE = 1  # the workspace the samples are seeded into
CAR, TRIAL, SHOP = 1, 2, 3  # the sample journeys; the car journey comes with event log 1


# ---------------------------------------------------------------------------- databases


@pytest.fixture
def db_path(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "journey.db"


@pytest.fixture
def store(db_path: pathlib.Path) -> Store:
    """A migrated, empty database in a real temp file."""
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    """A database holding the three sample journeys (``CAR``, ``TRIAL``, ``SHOP``)."""
    from journey import samples

    samples.seed(store)
    return store


@pytest.fixture
def seeded_db(db_path: pathlib.Path) -> pathlib.Path:
    """The samples in a database file no connection holds open (for the CLI and the app)."""
    from journey import samples

    s = Store(db_path)
    samples.seed(s)
    s.close()
    return db_path


@pytest.fixture
def journey_id(store: Store) -> int:
    """One small journey with a persona and a friction point at the decision stage."""
    ws = store.create_workspace("Acme")
    persona = store.create_persona(ws.id, Persona(name="Pat", role="Parent", channels=["Web"]))
    j = store.create_journey(ws.id, "Car buyer", persona_id=persona.id)
    store.add_moment(
        j.stage("decision").id, Moment(kind="friction", title="Financing is slow", severity=4)
    )
    return j.id


def dump(store: Store | str | os.PathLike) -> list[str]:
    """Every table's schema and rows as SQL lines, in a stable order: equal dumps mean nothing
    changed. ``store`` is an open Store or a database file (opened and closed here)."""
    if isinstance(store, Store):
        return list(store.conn.iterdump())
    opened = Store(store)
    try:
        return list(opened.conn.iterdump())
    finally:
        opened.close()


def rows_accounted_for(quality: dict) -> int:
    """An event log's rows as its quality report sorts them: used, or left out for a reason.
    Equal to ``quality["rows_read"]`` when no row went missing."""
    return (
        quality["events_used"]
        + quality["unmapped_rows"]
        + quality["duplicates_dropped"]
        + quality["no_customer_id"]
        + quality["no_timestamp"]
        + quality["no_event_name"]
        + quality["implausible_timestamps"]
    )


# ---------------------------------------------------------------------------- command line


class Ran(NamedTuple):
    """What a command did: its exit status and what it wrote to stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*argv: str, db: str | os.PathLike | None = None) -> Ran:
    """Run ``python -m journey ARGV [--db DB]`` in this process through ``journey.cli.main``.

    Exit statuses from argparse (``--help``, usage errors) are returned like the others. Use a
    real subprocess only where the process is the point (the entry point, a kill, privileges).
    """
    from journey import cli

    args = [*argv, "--db", str(db)] if db is not None else list(argv)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    return Ran(code, out.getvalue(), err.getvalue())


def run_module(
    *argv: str,
    db: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    prefix: tuple[str, ...] = (),
    timeout: float = 120,
    **popen: object,
) -> subprocess.CompletedProcess:
    """Run ``[*prefix] python -m journey ARGV [--db DB]`` as a real process (text output,
    a bare environment plus ``env``). For the entry point, privileges and resource limits."""
    args = [*prefix, sys.executable, "-m", "journey", *argv]
    if db is not None:
        args += ["--db", str(db)]
    return subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **(env or {})},
        **popen,
    )


def as_nobody() -> tuple[str, ...]:
    """A ``run_module`` prefix that runs the command as an unprivileged user (root ignores
    file permissions); empty when not root, a skip when root cannot drop privileges."""
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot drop privileges")
    return ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


# ---------------------------------------------------------------------------- pages


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, db_path: pathlib.Path) -> pathlib.Path:
    """Point the app at a temp database (seeded on first open) and clear its caches."""
    import streamlit as st

    monkeypatch.setenv("JOURNEY_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db_path
    st.cache_resource.clear()
    st.cache_data.clear()


def open_page(
    page: str | os.PathLike = "app.py",
    journey: int | str | None = None,
    *,
    query: dict[str, object] | None = None,
    run: bool = True,
    **state: object,
):
    """An AppTest of ``page``, run once (unless ``run=False``).

    ``page`` is a file under ``pages/`` by name ("2_Stages.py"), "app.py", or a path.
    ``journey`` becomes the ``?journey=`` query parameter, ``query`` adds other query
    parameters (values as text; a list repeats the parameter), and each ``state`` keyword is
    set in session state first.
    """
    from streamlit.testing.v1 import AppTest

    path = pathlib.Path(page)
    if not path.is_absolute():
        path = ROOT / path if (ROOT / path).is_file() else PAGES / path
    at = AppTest.from_file(str(path), default_timeout=60)
    params = dict(query or {})
    if journey is not None:
        params["journey"] = journey
    for key, value in params.items():
        at.query_params[key] = (
            [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
        )
    for key, value in state.items():
        at.session_state[key] = value
    return at.run() if run else at


def plain(markdown: str) -> str:
    """What a person reads of Markdown written through ``ui.literal``: the escapes removed
    (and the invisible word joiners that keep bare addresses from becoming links)."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n")).replace("\u2060", "")
