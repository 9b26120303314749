"""Event-log import at 1M and 10M events: time and peak memory as ratios to a floor.

For each size, a synthetic log made by ``scripts/generate_events.py`` (kept in ``bench/data/``,
which git ignores, and reused when present) is measured three ways, each in a fresh
subprocess so its peak memory (``ru_maxrss``) is its own:

- **import**: ``python -m journey events import FILE --journey 1`` as a person runs it, through
  the same handler (:func:`journey.cli_events.cmd_events_import`) into a freshly seeded
  database: inspect the file, guess columns and mapping, check, summarise, compute the
  figures, store every event and every customer summary in one transaction.
- **floor**: the least any import could do with the same file: DuckDB computing the same
  per-customer summary (:func:`journey.events.summarise`), plus a plain ``executemany`` of every
  row into a fresh SQLite file (WAL, ``synchronous=NORMAL``, one transaction, no index), the
  rows streamed from DuckDB in batches.
- **page**: the Observed timeframes page rerun in AppTest on the imported database (median of
  a few reruns after a warm-up), beside a trivial reference page (one SQLite read, one Altair
  chart, one table) measured in the same run.

Times are measured inside each subprocess, after its imports. Ratios are what to compare
between runs and machines; seconds drift with the machine's load. The aims (issue "observed
timeframes"): 1M events within 1.5 times the floor; 10M in bounded memory, time growing no
faster than the data.

Run ``python -m bench.events [--sizes 1M,10M] [--reruns N] [--format csv|parquet]`` or
``python bench/events.py ...``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file (python bench/events.py) as well as a module
    sys.path.insert(0, str(ROOT))

from bench._common import REFERENCE_PAGE  # noqa: E402

DATA = ROOT / "bench" / "data"
PAGE = ROOT / "pages" / "7_Observed_timeframes.py"
CUSTOMERS_PER_MILLION = 155_000  # scripts/generate_events.py makes about 6.5 events each
JOURNEY = 1  # the seeded car journey: its sample log is dataset 1, the benchmark's is the next
TIMEOUT = 3 * 3600


# Each child prints one JSON line last; the parent reads it.
IMPORT_CHILD = """
import argparse, json, resource, sys, time
sys.path.insert(0, {root!r})
from journey import cli_events, cli_parts
from journey.storage import Store

parser = argparse.ArgumentParser()
cli_events.add_commands(parser.add_subparsers(), [cli_parts.db_parent()])
args = parser.parse_args(["events", "import", {path!r}, "--journey", "{journey}",
                          "--db", {db!r}])
marks = []

def recorder():
    def progress(fraction, message):
        marks.append([time.perf_counter() - start, fraction, message])
    return progress

cli_events._progress_lines = recorder  # time each step instead of printing it
store = Store(args.db)
start = time.perf_counter()
status = args.handler(args, store)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"status": status, "seconds": seconds, "peak_mb": peak, "marks": marks}}))
"""

FLOOR_CHILD = """
import json, resource, sqlite3, sys, time
sys.path.insert(0, {root!r})
from journey import events

path, columns = {path!r}, events.ColumnChoice(**{columns!r})
mapping = events.guess_mapping({names!r})
start = time.perf_counter()
summary = events.summarise(path, columns, mapping)
duckdb_seconds = time.perf_counter() - start

conn = sqlite3.connect({sqlite!r}, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = NORMAL")
conn.execute("CREATE TABLE events (customer_id TEXT, ts TEXT, event TEXT, value REAL, "
             "segment TEXT)")
import duckdb
source = duckdb.connect()
reader = "read_csv($path, header = true, all_varchar = true)" if {csv!r} else \\
    "read_parquet($path)"
batches = source.sql(
    f"SELECT CAST(customer_id AS VARCHAR), CAST(timestamp AS VARCHAR), "
    f"CAST(event AS VARCHAR), TRY_CAST(value AS DOUBLE), CAST(segment AS VARCHAR) "
    f"FROM {{reader}}", params={{"path": path}}).to_arrow_reader(100_000)
rows = 0
conn.execute("BEGIN")
for batch in batches:
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                     zip(*[column.to_pylist() for column in batch.columns]))
    rows += batch.num_rows
conn.execute("COMMIT")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "duckdb_seconds": duckdb_seconds,
                  "sqlite_seconds": seconds - duckdb_seconds, "rows": rows,
                  "customers": summary.customers.num_rows, "peak_mb": peak}}))
"""

PAGE_CHILD = """
import json, os, statistics, sys, time, warnings
sys.path.insert(0, {root!r})
os.environ["JOURNEY_DB"] = {db!r}
warnings.simplefilter("ignore")
import logging
logging.disable(logging.WARNING)
from streamlit.testing.v1 import AppTest


def median_rerun(script, reruns, **query):
    at = AppTest.from_file(script, default_timeout=600)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()  # warm-up: imports, caches, first SQLite connection
    if at.exception:
        raise SystemExit(f"{{script}}: {{at.exception[0].value}}")
    times = []
    for _ in range(reruns):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, at


page_ms, at = median_rerun({page!r}, {reruns}, journey="{journey}")
shown = {{m.label: m.value for m in at.metric}}
reference_ms, _ = median_rerun({reference!r}, {reruns})
print(json.dumps({{"page_ms": page_ms, "reference_ms": reference_ms,
                  "customers_shown": shown.get("Customers")}}))
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_size(text: str) -> tuple[str, int]:
    """``"1M"`` -> ``("1M", 155000)``: the label and how many customers give that many events."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size like 1M, 10M or 250k: {text!r}")
    number = float(match[1]) * {"": 1, "k": 1e3, "m": 1e6}[match[2].lower()]
    return text.strip(), max(1, round(number / 1e6 * CUSTOMERS_PER_MILLION))


def child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; its last stdout line is a JSON result."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def event_log(label: str, customers: int, fmt: str) -> pathlib.Path:
    """The synthetic log for ``customers`` customers, generated once into bench/data/."""
    path = DATA / f"events-{customers}c.{fmt}"
    if path.exists():
        say(f"{label}: reusing {path.relative_to(ROOT)}")
        return path
    say(f"{label}: generating {path.relative_to(ROOT)} ({customers:,} customers) ...")
    partial = path.with_suffix(".partial" + path.suffix)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "generate_events.py"),
            "--customers",
            str(customers),
            "--out",
            str(partial),
            "--format",
            fmt,
        ],
        check=True,
        cwd=ROOT,
        timeout=TIMEOUT,
    )
    partial.rename(path)  # an interrupted run leaves no half-written log to reuse
    return path


def seeded_database(path: pathlib.Path) -> None:
    from journey import samples
    from journey.storage import Store

    store = Store(path)
    samples.seed(store)
    store.close()


def phases(marks: list, total: float) -> str:
    """Where the import's time went, from the progress messages it reported."""

    def at(prefix: str, last: bool = False) -> float | None:
        hits = [t for t, _, message in marks if message.startswith(prefix)]
        return (hits[-1] if last else hits[0]) if hits else None

    points = [
        ("inspect and guess", 0.0),
        ("summarise (DuckDB)", at("Reading")),
        ("figures, counts, 1st batch", at("Done")),
        ("store events", at("Stored")),
        ("store customers, commit", at("Stored", last=True)),
        ("", total),
    ]
    parts = []
    for (name, begin), (_, end) in itertools.pairwise(points):
        if begin is not None and end is not None:
            parts.append(f"{name} {end - begin:.2f} s")
    return " · ".join(parts)


def measure(label: str, customers: int, fmt: str, reruns: int, folder: pathlib.Path) -> dict:
    from journey import events

    log = event_log(label, customers, fmt)
    names = [name for name, _ in events.event_counts(log, "event")]
    columns = {
        "customer": "customer_id",
        "timestamp": "timestamp",
        "event": "event",
        "value": "value",
        "segment": "segment",
    }
    db = folder / f"journey-{label}.db"
    seeded_database(db)

    say(f"{label}: floor (DuckDB summary + executemany into SQLite) ...")
    floor = child(
        FLOOR_CHILD.format(
            root=str(ROOT),
            path=str(log),
            columns=columns,
            names=names,
            sqlite=str(folder / f"floor-{label}.db"),
            csv=fmt == "csv",
        )
    )
    say(f"{label}: import (python -m journey events import) ...")
    imported = child(
        IMPORT_CHILD.format(root=str(ROOT), path=str(log), db=str(db), journey=JOURNEY)
    )
    say(f"{label}: page reruns ...")
    reference = folder / "reference_page.py"
    reference.write_text(REFERENCE_PAGE.format(db=str(db)))
    page = child(
        PAGE_CHILD.format(
            root=str(ROOT),
            db=str(db),
            page=str(PAGE),
            reference=str(reference),
            reruns=reruns,
            journey=JOURNEY,
        )
    )
    return {
        "label": label,
        "rows": floor["rows"],
        "customers": floor["customers"],
        "file_mb": log.stat().st_size / 2**20,
        "floor": floor,
        "import": imported,
        "page": page,
    }


def report(results: list[dict]) -> str:
    head = (
        f"{'events':>11} {'file MB':>8} {'import s':>9} {'floor s':>8} {'ratio':>6} "
        f"{'peak MB':>8} {'floor MB':>9} {'page ms':>8} {'ref ms':>7} {'ratio':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        imp, floor, page = r["import"], r["floor"], r["page"]
        lines.append(
            f"{r['rows']:>11,} {r['file_mb']:>8,.0f} {imp['seconds']:>9.2f} "
            f"{floor['seconds']:>8.2f} {imp['seconds'] / floor['seconds']:>5.2f}× "
            f"{imp['peak_mb']:>8,.0f} {floor['peak_mb']:>9,.0f} {page['page_ms']:>8.1f} "
            f"{page['reference_ms']:>7.1f} {page['page_ms'] / page['reference_ms']:>5.1f}×"
        )
    lines.append("")
    for r in results:
        floor = r["floor"]
        lines.append(
            f"{r['label']}: {r['customers']:,} customers; floor = DuckDB summary "
            f"{floor['duckdb_seconds']:.2f} s + SQLite executemany "
            f"{floor['sqlite_seconds']:.2f} s; page shows "
            f"{r['page']['customers_shown']} customers"
        )
        lines.append(f"    import: {phases(r['import']['marks'], r['import']['seconds'])}")
    if len(results) > 1:
        first, last = results[0], results[-1]
        rows = last["rows"] / first["rows"]
        grew = last["import"]["seconds"] / first["import"]["seconds"]
        memory = last["import"]["peak_mb"] / first["import"]["peak_mb"]
        lines.append(
            f"growth {first['label']} -> {last['label']}: rows ×{rows:.1f}, import "
            f"time ×{grew:.1f}, peak memory ×{memory:.1f}, page rerun "
            f"×{last['page']['page_ms'] / first['page']['page_ms']:.1f}"
        )
    lines.append(
        "Aims: 1M events within 1.5× the floor; 10M in bounded memory, time growing "
        "no faster than the data."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.events", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes",
        default="1M",
        help="comma-separated sizes in events, such as 1M or 1M,10M (default 1M)",
    )
    parser.add_argument("--reruns", type=int, default=5, help="page reruns to take the median of")
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="the log's file format (default csv)",
    )
    args, _ = parser.parse_known_args(argv)  # `python -m bench` passes every option along
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="journey-bench-events-") as folder:
        results = [
            measure(label, customers, args.format, args.reruns, pathlib.Path(folder))
            for label, customers in sizes
        ]
    print(
        f"Event-log import ({args.format}), measured in fresh subprocesses; "
        f"took {time.perf_counter() - started:.0f} s"
    )
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
