"""The live-update check: what it costs each page run and each tick (goal: under 5 ms).

Every page that shows a journey records the journey's fingerprint in its full run and a
fragment compares it every ``journey.live.SECONDS`` (``ui.live_updates``). This prints:

- the fingerprint query alone (median of many calls) on the big workspace of ``bench.pages``
  (200 journeys, 2,000 moments, 10,000 metric values) and on one journey with 2,000 moments
  on one stage, beside two baselines measured in the same run: the cheapest query
  (``SELECT version FROM journeys WHERE id = ?``) and ``load_journey`` (what a refresh reads);
- the whole check as a page run pays it: ``ui.live_updates`` (fingerprint, session state,
  the fragment's registration and body) timed inside the script of an AppTest page, median
  over reruns. (Timing the whole AppTest rerun instead measures AppTest's polling: a page
  with a fragment finishes a few ms later there, as a sleep in its runner, not as work.)

Run with ``python -m bench.live [--calls N] [--reruns N]``.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import tempfile

from bench import moments as bench_moments
from bench import pages as bench_pages
from bench.pages import median_ms

CHECKED = """import time
import streamlit as st
from journey import ui
db = ui.store()
started = time.perf_counter()
ui.live_updates(db, {journey_id})
st.session_state.setdefault("_bench_ms", []).append((time.perf_counter() - started) * 1000)
"""


def queries(db: pathlib.Path, journey_id: int, calls: int) -> tuple[float, float, float]:
    from journey.storage import Store

    store = Store(db)
    fingerprint = median_ms(lambda: store.journey_fingerprint(journey_id), calls, warmup=20)
    cheapest = median_ms(lambda: store.require_journey(journey_id), calls, warmup=20)
    load = median_ms(lambda: store.load_journey(journey_id), max(20, calls // 20), warmup=20)
    store.close()
    return fingerprint, cheapest, load


def in_apptest(db: pathlib.Path, journey_id: int, folder: pathlib.Path, reruns: int) -> float:
    """Median ms of ``ui.live_updates`` inside a page run (after two warm-up runs)."""
    from streamlit.runtime.caching import cache_data, cache_resource

    os.environ["JOURNEY_DB"] = str(db)
    cache_resource.clear()
    cache_data.clear()
    checked = folder / "checked.py"
    checked.write_text(CHECKED.format(journey_id=journey_id))
    run = bench_pages.page_runner(checked)
    for _ in range(reruns + 2):
        at = run()
    return statistics.median(at.session_state["_bench_ms"][2:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--reruns", type=int, default=30)
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        big = folder / "big.db"
        bench_pages.seed(big)
        many = folder / "many.db"
        many_id = bench_moments.seed(many, 2000)
        print("Live-update check: the fingerprint query (median per call)\n")
        print(
            f"{'database':<34} {'fingerprint':>12} {'cheapest':>9} {'ratio':>6} "
            f"{'load_journey':>13} {'ratio':>6}"
        )
        for name, db, journey_id in (
            ("big workspace, journey 100", big, 100),
            ("one journey, 2,000 moments", many, many_id),
        ):
            fingerprint, cheapest, load = queries(db, journey_id, args.calls)
            print(
                f"{name:<34} {fingerprint:>10.3f}ms {cheapest:>7.3f}ms "
                f"{fingerprint / cheapest:>5.1f}x {load:>11.2f}ms {fingerprint / load:>5.2f}x",
                flush=True,
            )
        for name, db, journey_id in (
            ("big workspace, journey 100", big, 100),
            ("one journey, 2,000 moments", many, many_id),
        ):
            cost = in_apptest(db, journey_id, folder, args.reruns)
            print(
                f"\nui.live_updates in a page run ({name}): {cost:.2f} ms per rerun "
                "(goal: under 5 ms)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
