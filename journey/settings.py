"""Settings from the environment (and, in the app, Streamlit secrets): never from the repo.

- ``JOURNEY_DB``: the database file (default ``journey.db`` in the working directory).
- ``JOURNEY_BACKUP_DIR``: where ``python -m journey backup`` writes (default ``backups``).
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib

DEFAULT_DB = "journey.db"


def database_path() -> pathlib.Path:
    """The database file the app and the command line use."""
    return pathlib.Path(os.environ.get("JOURNEY_DB") or DEFAULT_DB)


def default_backup_path(prefix: str = "journey") -> pathlib.Path:
    """``$JOURNEY_BACKUP_DIR/<prefix>-<UTC time>.db`` (default folder: ``backups``)."""
    folder = pathlib.Path(os.environ.get("JOURNEY_BACKUP_DIR") or "backups")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return folder / f"{prefix}-{stamp}.db"
