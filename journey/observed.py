"""Observed timeframes: an event log imported for a journey, and its figures read back.

The heavy lifting happens once, at import: :mod:`journey.events` (DuckDB, reading the file
directly) computes the per-customer summaries and the report; the store keeps the raw events,
the summaries and the report in one transaction. Pages and the command line then read the
small stored report and set it beside the map's current estimates; they never touch the
raw events. Changing the mapping later recomputes from the stored events (written to a
temporary Parquet file in chunks and read by the same engine), so no new upload is needed.
"""

from __future__ import annotations

import dataclasses
import pathlib
import tempfile
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import events, formulas
from .events import ColumnChoice, Mapping
from .model import Journey
from .storage import Store

Progress = Callable[[float, str], None]
_FILE_QUALITY = (
    "rows_read",
    "duplicates_dropped",
    "no_customer_id",
    "fallback_customer_rows",
    "no_timestamp",
    "no_event_name",
    "implausible_timestamps",
    "implausible_examples",
    "plausible_from",
    "plausible_before",
    "file_reading",
    "timestamp_reading",
    "customer_column",
)
"""Quality figures about the file itself, kept when a stored log is remapped."""
HISTOGRAM_BINS = 30
STORED_COLUMNS = ColumnChoice(
    customer="customer_id", timestamp="ts", event="event", value="value", segment="segment"
)
RAW_SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("ts", pa.string()),
        ("event", pa.string()),
        ("value", pa.float64()),
        ("segment", pa.string()),
    ]
)


def _quiet(fraction: float, message: str) -> None:
    pass


def _scaled(progress: Progress, start: float, end: float) -> Progress:
    return lambda fraction, message: progress(start + (end - start) * fraction, message)


def histogram(values: list[float], bins: int = HISTOGRAM_BINS) -> list[dict]:
    """Equal-width bins ``[{start, end, count}]`` over ``values`` (days), for charts."""
    if not values:
        return []
    low, high = min(values), max(values)
    width = (high - low) / bins or 1.0
    index = np.minimum(((np.asarray(values) - low) / width).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins)
    return [
        {"start": low + i * width, "end": low + (i + 1) * width, "count": int(c)}
        for i, c in enumerate(counts)
    ]


def _report(customers: pa.Table, quality: dict) -> dict:
    figures = events.report(customers)
    figures["quality"] = quality
    figures["histograms"] = {
        which: histogram(events.distribution(customers, which)) for which in ("buyer", "customer")
    }
    return figures


def _event_rows(
    reader: pa.RecordBatchReader, total: int, progress: Progress
) -> Iterator[list[tuple]]:
    done = 0
    for batch in reader:
        yield list(
            zip(
                batch.column("customer_id").to_pylist(),
                batch.column("ts").to_pylist(),
                batch.column("event").to_pylist(),
                batch.column("value").to_pylist(),
                batch.column("segment").to_pylist(),
                strict=True,
            )
        )
        done += batch.num_rows
        progress(min(done / max(total, 1), 1.0), f"Stored {done:,} of {total:,} events")


def _mapping_dict(mapping: Mapping) -> dict:
    data = {
        "stages": dict(sorted(mapping.stages.items())),
        "purchase_events": sorted(mapping.purchase_events),
    }
    if mapping.guessed:
        data["guessed"] = True
    return data


def mapping_from_dict(data: dict) -> Mapping:
    return Mapping(
        stages=dict(data["stages"]),
        purchase_events=set(data["purchase_events"]),
        guessed=bool(data.get("guessed")),
    )


def import_events(
    store: Store,
    journey_id: int,
    path: str | pathlib.Path,
    columns: ColumnChoice,
    mapping: Mapping,
    *,
    name: str | None = None,
    event_names: list[tuple[str, int]] | None = None,
    progress: Progress | None = None,
    options: events.ReadOptions | None = None,
) -> int:
    """Import an event log for a journey; returns the dataset id.

    Everything is checked before anything is written (missing columns, unreadable
    timestamps, an empty file, a mapping without a purchase event raise EventError). The rows
    are staged in short write transactions and published by one short transaction
    (:meth:`Store.add_event_dataset`): other people's saves are never locked out for long, and
    a failed or killed import leaves nothing visible. ``event_names`` (name, count) pairs from
    an earlier :func:`events.inspect` save one pass over the file.
    """
    progress = progress or _quiet
    store.require_journey(journey_id)  # fails early for an unknown journey
    mapping = events.validate_mapping(mapping)
    with events.EventLog(path, columns, mapping, options, _scaled(progress, 0.0, 0.35)) as log:
        summary = log.summary
        progress(0.4, "Computing the figures")
        figures = _report(summary.customers, summary.quality)
        names = (
            event_names
            if event_names is not None
            else events.event_counts(path, columns, options=options)
        )
        reader = log.events(keep_unmapped=True, iso_text=True)
        stored = summary.stored_rows
        dataset_id = store.add_event_dataset(
            journey_id,
            name or pathlib.Path(path).name,
            columns=dataclasses.asdict(columns),
            mapping=_mapping_dict(mapping),
            event_names=[[n, c] for n, c in names],
            report=figures,
            stats={
                "total_rows": summary.total_rows,
                "events_rows": summary.events_rows,
                "ignored_rows": summary.ignored_rows,
                "customers": summary.customers.num_rows,
            },
            events=_event_rows(reader, stored, _scaled(progress, 0.45, 0.95)),
            customers=events.rows_with_iso_timestamps(summary.customers),
        )
    progress(
        1.0, f"Imported {summary.total_rows:,} rows for {summary.customers.num_rows:,} customers"
    )
    return dataset_id


def remap(
    store: Store, dataset_id: int, mapping: Mapping, *, progress: Progress | None = None
) -> None:
    """Recompute a stored event log's summaries and report with a new mapping."""
    progress = progress or _quiet
    dataset = store.get_event_dataset(dataset_id)
    mapping = events.validate_mapping(mapping)
    with tempfile.TemporaryDirectory(prefix="journey-remap-") as folder:
        path = pathlib.Path(folder) / "events.parquet"
        with pq.ParquetWriter(path, RAW_SCHEMA) as writer:
            for chunk in store.raw_events(dataset_id):
                writer.write_table(
                    pa.Table.from_pylist(
                        [dict(zip(RAW_SCHEMA.names, row, strict=True)) for row in chunk], RAW_SCHEMA
                    )
                )
        progress(0.3, "Stored events read back")
        summary = events.summarise(
            path,
            STORED_COLUMNS,
            mapping,
            _scaled(progress, 0.3, 0.8),
            events.ReadOptions(plausible_from=None, plausible_to=None),
        )
    old = dataset.report.get("quality") or {}
    quality = {**summary.quality, **{k: v for k, v in old.items() if k in _FILE_QUALITY}}
    figures = _report(summary.customers, quality)
    store.replace_event_summaries(
        dataset_id,
        dataset.version,
        mapping=_mapping_dict(mapping),
        report=figures,
        stats={
            "events_rows": summary.events_rows,
            "ignored_rows": dataset.total_rows - summary.events_rows,
            "customers": summary.customers.num_rows,
        },
        customers=events.rows_with_iso_timestamps(summary.customers),
    )
    progress(1.0, "Recomputed")


def figures(store: Store, dataset_id: int, journey: Journey) -> dict:
    """The stored report with the journey's current estimates set beside the observed."""
    dataset = store.get_event_dataset(dataset_id)
    report = events.compare_with_estimates(dataset.report, formulas.stage_days(journey))
    report["dataset"] = {
        k: getattr(dataset, k)
        for k in (
            "id",
            "name",
            "total_rows",
            "events_rows",
            "ignored_rows",
            "customers",
            "created_at",
        )
    }
    return report
