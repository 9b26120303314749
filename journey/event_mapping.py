"""Event-name mappings as people edit them: rows of a table, or ``EVENT=STAGE`` options.

The Observed timeframes page edits a mapping in a table (one row per event name: its count,
its stage or "ignore", whether it is a purchase) and the command line takes it as repeated
``--map EVENT=STAGE`` and ``--purchase EVENT`` options. Both end as a
:class:`journey.events.Mapping`, built here by pure functions so they can be tested without
Streamlit (AppTest cannot type into a ``data_editor``). Checking the result (a purchase event
exists and is mapped to a stage) is :func:`journey.events.validate_mapping`'s job, at import.

:func:`upload_path` names the temporary copy of an uploaded file so the engine recognises its
type and error messages name the file the person chose, not a random temporary name.
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .events import TOP_EVENT_NAMES, Mapping
from .model import STAGES, ValidationError, stage_label

__all__ = [
    "IGNORE",
    "STAGE_OPTIONS",
    "mapping_from_options",
    "mapping_from_rows",
    "mapping_rows",
    "option_label",
    "upload_path",
]

IGNORE = "ignore"
"""The table's and the command line's word for an event that belongs to no stage."""

STAGE_OPTIONS: tuple[str, ...] = (*STAGES, IGNORE)
"""What the stage column of the mapping table offers, in journey order."""

_SUFFIXES = (".csv.gz", ".csv", ".parquet", ".pq")

UPLOAD_HELP = (
    "One row per event: a customer id, a timestamp (epoch, ISO 8601 such as "
    "2026-01-31T09:30:00Z, YYYYMMDD...) and an event name; optionally a value and a "
    "segment. Exports of GA4, Segment, Mixpanel, Amplitude, PostHog and Shopify work."
)

READING_INPUTS: tuple[tuple[str, str, str, str], ...] = (
    ("encoding", "Encoding", "detected", "Such as cp1252 (Windows-1252) or latin-1."),
    (
        "timestamp_format",
        "Timestamp format",
        "told from the values",
        "epoch_s, epoch_ms, epoch_us, epoch_ns, iso8601, yyyymmdd, yyyymmddhhmmss, or a strftime "
        "pattern such as %d/%m/%Y %H:%M",
    ),
    (
        "timezone",
        "Time zone",
        "UTC",
        "IANA zone of times without an offset, such as Europe/Berlin.",
    ),
)
"""The page's reading options: ``(ReadOptions field, label, placeholder, help)``, the same
choices as the command line's ``--encoding``, ``--timestamp-format`` and ``--timezone``."""


def candidates_text(info: dict) -> str:
    """How many rows each customer-id column of an inspected file would keep, in words."""
    candidates = info.get("customer_candidates") or {}
    if len(candidates) < 2:
        return ""
    return "Rows each customer id column would keep: " + ", ".join(
        f"{name} {count:,} of {info['rows']:,}" for name, count in candidates.items()
    )


def with_found(counts: list[tuple[str, int]], found: list[tuple[str, int]]) -> list:
    """The counted event names, then the names a search found that are not among them."""
    known = {name for name, _ in counts}
    return [*counts, *[(name, n) for name, n in found if name not in known]]


def found_text(query: str, found: list[tuple[str, int]], listed: list[tuple[str, int]]) -> str:
    """What a search for an event name found, and where the table shows it.

    ``found`` are the ``(name, count)`` pairs the search returned (at most 50), ``listed`` the
    pairs the table already held; names new to the table are added at its bottom.
    """
    if not found:
        return f"No event name contains “{query}”."
    known = {name for name, _ in listed}
    added = [name for name, _ in found if name not in known]
    names = "name contains" if len(found) == 1 else "names contain"
    if not added:
        return f"{len(found):,} event {names} “{query}”; all are already in the table."
    shown = ", ".join(f"“{name}”" for name in added[:3]) + (" …" if len(added) > 3 else "")
    return (
        f"{len(found):,} event {names} “{query}”; {len(added):,} added at the bottom "
        f"of the table to map: {shown}"
    )


def option_label(option: str) -> str:
    """How a stage option reads in the table: ``"Awareness"``, ``"— ignore —"``."""
    return "— ignore —" if option == IGNORE else stage_label(option)


def mapping_rows(event_names: Iterable[Sequence[Any]], mapping: Mapping) -> list[dict]:
    """One editable row per event name: ``{event, count, stage, purchase}``.

    ``event_names`` are ``(name, count)`` pairs (most frequent first, as the engine counts
    them); ``stage`` is a stage key or :data:`IGNORE`. Events the mapping names but the counts
    do not (a stored mapping of an event beyond the counted ones) come last, with no count.
    """
    rows, seen = [], set()
    for name, count in event_names:
        seen.add(name)
        rows.append(_row(name, count, mapping))
    rows.extend(_row(name, None, mapping) for name in sorted(set(mapping.stages) - seen))
    return rows


def _row(name: str, count: int | None, mapping: Mapping) -> dict:
    stage = mapping.stages.get(name)
    return {
        "event": name,
        "count": count,
        "stage": stage or IGNORE,
        "purchase": name in mapping.purchase_events,
    }


def mapping_from_rows(rows: Any) -> Mapping:
    """The :class:`Mapping` of an edited table (a DataFrame or a list of row dicts).

    A row whose stage is :data:`IGNORE` or empty maps its event to nothing; rows without an
    event name (a blank row added in the editor) are skipped.
    """
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    stages: dict[str, str | None] = {}
    purchases: set[str] = set()
    for row in records:
        name = row.get("event")
        if _blank(name):
            continue
        name = str(name)
        stage = row.get("stage")
        stages[name] = None if _blank(stage) or stage == IGNORE else str(stage)
        if _truthy(row.get("purchase")):
            purchases.add(name)
    return Mapping(stages, purchases)


def _blank(value: Any) -> bool:
    return value is None or value != value or str(value).strip() == ""  # value != value: NaN


def _truthy(value: Any) -> bool:
    return not _blank(value) and bool(value)


def mapping_from_options(
    event_names: Iterable[str], guess: Mapping, maps: Sequence[str], purchases: Sequence[str]
) -> Mapping:
    """The mapping the command line asks for.

    Without ``maps`` it is ``guess`` (the engine's guess from the event names); with them it is
    exactly those ``EVENT=STAGE`` pairs (``STAGE`` may be ``ignore``): every other event is
    ignored and only ``purchases`` are purchases. ``purchases``, when given, replace the guess's
    purchase events. An event that is
    not in the file is refused (a typo would otherwise silently map nothing), unless the file
    has more distinct names than were counted.
    """
    names = list(event_names)
    known = set(names)
    if maps:
        stages: dict[str, str | None] = {}
        for option in maps:
            event, stage = _split(option)
            stages[event] = None if stage.lower() == IGNORE else stage
        mapping = Mapping(stages, set())
    else:
        mapping = Mapping(dict(guess.stages), set(guess.purchase_events), guessed=not purchases)
    if purchases:
        mapping.purchase_events = set(purchases)
    if known:
        unknown = sorted((set(mapping.stages) | mapping.purchase_events) - known)
        if unknown and len(names) < TOP_EVENT_NAMES:
            raise ValidationError(
                f"no event named {unknown[0]!r} in the file; its events are: "
                f"{', '.join(names[:30])}{' …' if len(names) > 30 else ''}"
            )
    return mapping


def _split(option: str) -> tuple[str, str]:
    event, sep, stage = option.rpartition("=")
    if not sep or not event.strip() or not stage.strip():
        raise ValidationError(
            f"--map expects EVENT=STAGE (such as purchase=decision, or "
            f"email_open=ignore), not {option!r}"
        )
    return event.strip(), stage.strip()


def upload_path(folder: str | pathlib.Path, filename: str) -> pathlib.Path:
    """Where to write an uploaded file inside ``folder``: its own name, made safe.

    Directory parts and odd characters are dropped; a type the engine knows is kept
    (``events.csv.gz``), and a bare ``.gz`` is read as gzipped CSV.

    >>> upload_path("/tmp/x", "../My events.CSV.GZ").name
    'My events.csv.gz'
    """
    name = pathlib.PurePath(str(filename).replace("\\", "/")).name
    lower = name.lower()
    for suffix in _SUFFIXES:
        if lower.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        if lower.endswith(".gz"):
            stem, suffix = name[:-3], ".csv.gz"
        else:
            stem, suffix = pathlib.PurePath(name).stem, pathlib.PurePath(lower).suffix
    stem = re.sub(r"[^\w .()-]+", "_", stem).strip(" .") or "events"
    return pathlib.Path(folder) / f"{stem[:120]}{suffix}"
