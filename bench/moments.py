"""The Friction and key points page at 100 to 2,000 moments in AppTest (adv case: quadratic).

The page once drew every moment with its own edit form: 100 moments took 1.8 s, 400 took
18 s and 2,000 (what the schema allows on one stage) never finished. It now lists
``editing.PAGE_SIZE`` moments a page, so its cost should barely grow with the count. For each
size, a fresh database holds one journey whose decision stage has that many friction points
(as ``moments2000.json`` in the case does); the benchmark prints the page's first run, the
median rerun, and the rerun as a ratio to the reference page (``bench/_common.py``) measured
on the same database in the same run. The last column compares each size with the smallest:
linear growth in the moments would make it the size ratio (20x at 2,000), flat makes it ~1.

Run with ``python -m bench.moments [--sizes 100,400,2000] [--reruns N]``.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import tempfile
import time

from bench._common import REFERENCE_PAGE
from bench.pages import median_ms, page_runner

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "pages" / "3_Friction_and_key_points.py"


def seed(path: pathlib.Path, moments: int) -> int:
    """A database with one journey holding ``moments`` friction points on one stage."""
    from journey.model import Moment
    from journey.storage import Store

    store = Store(path)
    ws = store.create_workspace("Benchmark")
    journey = store.create_journey(ws.id, "Many moments")
    stage_id = journey.stage("decision").id
    with store.write():
        for n in range(moments):
            store.add_moment(stage_id, Moment(kind="friction", title=f"m{n}"))
    store.close()
    return journey.id


def measure(moments: int, reruns: int, folder: pathlib.Path) -> tuple[float, float, float]:
    """(first run s, median rerun ms, reference rerun ms) for one size."""
    from streamlit.runtime.caching import cache_data, cache_resource

    db = folder / f"moments-{moments}.db"
    journey_id = seed(db, moments)
    os.environ["JOURNEY_DB"] = str(db)
    cache_resource.clear()
    cache_data.clear()
    run = page_runner(PAGE, journey=str(journey_id))
    started = time.perf_counter()
    run()
    first = time.perf_counter() - started
    page = median_ms(run, reruns, warmup=1)
    reference_file = folder / f"reference-{moments}.py"
    reference_file.write_text(REFERENCE_PAGE.format(db=str(db)))
    reference = median_ms(page_runner(reference_file), reruns, warmup=1)
    return first, page, reference


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.moments")
    parser.add_argument("--sizes", default="100,400,2000")
    parser.add_argument("--reruns", type=int, default=5)
    args, _ = parser.parse_known_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print("Friction and key points page in AppTest (one journey, N moments on one stage)\n")
    print(
        f"{'moments':>8} {'first run':>10} {'rerun':>9} {'reference':>10} {'ratio':>6} "
        f"{'vs smallest':>12}"
    )
    smallest = None
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            first, page, reference = measure(size, args.reruns, pathlib.Path(folder))
            smallest = smallest or page
            print(
                f"{size:>8,} {first:>9.2f}s {page:>7.0f}ms {reference:>8.0f}ms "
                f"{page / reference:>5.1f}x {page / smallest:>11.2f}x",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
