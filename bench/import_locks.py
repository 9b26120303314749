"""Write locks during an event-log import: the longest write transaction the import holds and
the worst save latency of an editor saving stages in another process at the same time.

For each size, on a freshly seeded database:

- **quiet**: the editor process saves stage edits back to back for a few seconds with nothing
  else running: its median and worst save latency are the baseline of the same run;
- **during import**: the editor saves the same way while ``python -m journey events import``
  stores the log (same log as ``bench/events.py``, kept in ``bench/data/``). The import
  process times every write transaction it opens (:meth:`journey.storage.Store.write`), and
  the editor reports every save's latency and any failure.

Aim (issue 9 item 7): no write transaction longer than about a second, so no save waits longer
than that, and none fails. Run ``python -m bench.import_locks [--sizes 1M,10M]``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.events import event_log, parse_size, say, seeded_database  # noqa: E402

EDITOR = """
import json, pathlib, sys, time
sys.path.insert(0, {root!r})
from journey.model import ConflictError, JourneyError
from journey.storage import Store
store, stop = Store({db!r}), pathlib.Path({stop!r})
ids = store.stage_ids(1)
pathlib.Path({ready!r}).touch()
latencies, failures, stamps, n = [], [], [], 0
while not stop.exists():
    stage = store.get_stage(ids[n % len(ids)])
    start = time.perf_counter()
    try:
        store.update_stage(stage.id, stage.version, thoughts=f"edit {{n}}")
    except ConflictError:
        pass
    except (JourneyError, Exception) as e:
        failures.append(str(e)[:200])
    latencies.append(time.perf_counter() - start)
    stamps.append(time.time())
    n += 1
    time.sleep(0.01)
print(json.dumps({{"latencies": latencies, "failures": failures, "at": stamps}}))
"""

IMPORTER = """
import contextlib, json, sys, time
sys.path.insert(0, {root!r})
from journey import cli
from journey.storage import Store
holds, when = [], []
plain = Store.write

@contextlib.contextmanager
def timed(self):
    outer = not self.conn.in_transaction
    start = time.perf_counter()
    with plain(self) as conn:
        yield conn
    if outer:
        holds.append(time.perf_counter() - start)
        when.append(time.time())

Store.write = timed
start = time.perf_counter()
status = cli.main(["events", "import", {path!r}, "--journey", "1", "--db", {db!r}])
print(json.dumps({{"status": status, "seconds": time.perf_counter() - start,
                  "holds": holds, "at": when}}))
"""


def run_editor(db: pathlib.Path, folder: pathlib.Path, during=None, quiet_seconds=3.0) -> dict:
    stop, ready = folder / "stop", folder / "ready"
    stop.unlink(missing_ok=True)
    ready.unlink(missing_ok=True)
    editor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                EDITOR.format(root=str(ROOT), db=str(db), stop=str(stop), ready=str(ready))
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    while not ready.exists():
        time.sleep(0.01)
    result = during() if during else time.sleep(quiet_seconds)
    stop.touch()
    out, _ = editor.communicate(timeout=600)
    return {"editor": json.loads(out.strip().splitlines()[-1]), "import": result}


def run_import(log: pathlib.Path, db: pathlib.Path) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(IMPORTER.format(root=str(ROOT), path=str(log), db=str(db))),
        ],
        capture_output=True,
        text=True,
        timeout=3 * 3600,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_locks")
    parser.add_argument("--sizes", default="1M", help="such as 1M or 1M,10M (default 1M)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    args, _ = parser.parse_known_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="journey-bench-locks-") as name:
        folder = pathlib.Path(name)
        for label, customers in [parse_size(s) for s in args.sizes.split(",") if s.strip()]:
            log = event_log(label, customers, args.format)
            db = folder / f"{label}.db"
            seeded_database(db)
            say(f"{label}: editor alone ...")
            quiet = run_editor(db, folder)["editor"]
            say(f"{label}: editor during the import ...")
            busy = run_editor(db, folder, during=lambda: run_import(log, db))  # noqa: B023
            rows.append((label, quiet, busy))
    head = (
        f"{'events':>7} {'import s':>9} {'write txns':>10} {'longest hold s':>15} "
        f"{'saves':>6} {'failed':>6} {'median save ms':>15} {'worst save ms':>14} "
        f"{'quiet worst ms':>15}"
    )
    print("Write locks during an event-log import (editor saving stages in another process)")
    print(head)
    print("-" * len(head))
    for label, quiet, busy in rows:
        lat = busy["editor"]["latencies"]
        print(
            f"{label:>7} {busy['import']['seconds']:>9.1f} {len(busy['import']['holds']):>10,} "
            f"{max(busy['import']['holds']):>15.3f} {len(lat):>6,} "
            f"{len(busy['editor']['failures']):>6} {statistics.median(lat) * 1000:>15.1f} "
            f"{max(lat) * 1000:>14.1f} {max(quiet['latencies']) * 1000:>15.1f}"
        )
    for label, _quiet, busy in rows:  # when the slowest saves happened, against the import
        import_at, lat = busy["import"]["at"], busy["editor"]["latencies"]
        slow = sorted(zip(lat, busy["editor"]["at"], strict=True), reverse=True)[:3]
        first_write = import_at[0] if import_at else 0
        print(
            f"{label}: slowest saves "
            + ", ".join(f"{ms * 1000:.0f} ms at {at - first_write:+.1f} s" for ms, at in slow)
            + " from the import's first write transaction (negative: while DuckDB read the "
            "file, before any write)"
        )
    print("Aim: no write transaction longer than about 1 s; no save fails.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
