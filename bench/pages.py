"""Page rerun times in AppTest on a large workspace, as ratios to a reference page.

Seeds a temporary database with one large workspace (200 journeys, 2,000 friction and key
points, 100 scenarios, 10,000 metric values), then reruns every page of the app in AppTest and
reports the median rerun time of each, next to a reference page measured in the same run: a
tiny script with one SQLite read, one Altair chart and one dataframe. Ratios to the reference
are what to compare between runs and machines; the milliseconds drift with the machine's load.

Also measured:

- The What-if panel: the ``@st.fragment`` around its sliders and outputs, rerun on its own as
  the browser does when a slider moves. AppTest always reruns the whole script, so the
  benchmark queues the fragment's id in the rerun request itself (what the server does); if
  that ever stops working it times the panel's function body instead, and says so.
- ``runner.postScriptGC``: after every rerun the server runs a full ``gc.collect()`` (DESIGN.md
  section 9); AppTest does not, so the benchmark times ``gc.collect()`` after page reruns with
  the big workspace loaded, to set against the reruns it would be added to.

Run with ``python -m bench`` (all benchmarks) or ``python -m bench.pages [--reruns N]``.
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import pathlib
import random
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable

from bench._common import REFERENCE_PAGE

ROOT = pathlib.Path(__file__).resolve().parent.parent
JOURNEYS, MOMENTS_EACH, SCENARIOS, METRICS_EACH, VALUES_EACH = 200, 10, 100, 10, 5
PERSONAS = 20
MEASURED_JOURNEY = 1  # the first journey of the big workspace: it holds 10 of the scenarios


# ---------------------------------------------------------------------------- the workspace


def big_workspace(seed: int = 7) -> dict:
    """An exchange document: one workspace with the sizes above, built from the car sample."""
    from journey import samples

    rng = random.Random(seed)
    template = samples.load_sample("car-buying")
    persona = template["personas"][0]
    journey = template["journeys"][0]
    doc = {k: v for k, v in template.items() if k not in ("personas", "journeys")}
    doc["workspace"] = {"name": "Benchmark workspace", "description": "Made by bench/pages.py"}
    doc["personas"] = [
        {**copy.deepcopy(persona), "id": f"persona-{p}", "name": f"Persona {p}"}
        for p in range(PERSONAS)
    ]
    moment = journey["stages"][2]["moments"][0]
    keys = [m["key"] for m in journey["metrics"]][:METRICS_EACH]
    months = [f"2026-{m:02d}-01" for m in range(1, VALUES_EACH + 1)]
    scenarios_left = SCENARIOS
    doc["journeys"] = []
    for i in range(JOURNEYS):
        j = copy.deepcopy(journey)
        j["name"], j["persona"] = f"Journey {i + 1}", f"persona-{i % PERSONAS}"
        for k, stage in enumerate(j["stages"]):
            stage["duration_days"] = round(stage["duration_days"] * rng.uniform(0.5, 1.5), 1)
            stage["moments"] = [
                {**moment, "title": f"Moment {i}.{k}.{n}"} for n in range(MOMENTS_EACH // 5)
            ]
        j["metrics"] = [
            {
                **m,
                "values": [
                    {"date": d, "value": round(m["target"] * rng.uniform(0.7, 1.1), 3)}
                    for d in months
                ],
            }
            for m in journey["metrics"]
            if m["key"] in keys
        ]
        count = 10 if i == 0 else (1 if scenarios_left > 0 else 0)
        j["scenarios"] = [
            {
                "name": f"Scenario {n + 1}",
                "levers": {
                    "retention": round(rng.uniform(0.5, 0.9), 2),
                    "spend": float(rng.randrange(200_000, 600_000, 10_000)),
                },
            }
            for n in range(min(count, scenarios_left))
        ]
        scenarios_left -= len(j["scenarios"])
        doc["journeys"].append(j)
    return doc


def seed(path: pathlib.Path) -> dict:
    """Write the big workspace into a new database file; return what it holds."""
    from journey.storage import Store

    store = Store(path)
    store.import_document(big_workspace())
    counts = {
        table: store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("journeys", "moments", "scenarios", "metric_values")
    }
    store.close()
    return counts


# ---------------------------------------------------------------------------- timing


def median_ms(run: Callable[[], object], reruns: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(reruns):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def paired_ms(
    run: Callable[[], object], reference: Callable[[], object], reruns: int, warmup: int = 2
) -> tuple[float, float, float, float]:
    """Median ms of ``run`` and of ``reference``, rerun in turns (page, reference, page, ...)
    so that both see the same machine load: on a shared machine the load moves within the
    minutes a whole run takes, and a reference measured once at the start would not hold.

    Returns (page wall ms, reference wall ms, page CPU ms, reference CPU ms). The CPU time
    (this process's, every thread: the script runs on its own thread) does not count the
    time spent waiting for a core, so its ratio holds even on a loaded machine.
    """
    for _ in range(warmup):
        run()
    walls: dict[str, list[float]] = {"page": [], "reference": []}
    cpus: dict[str, list[float]] = {"page": [], "reference": []}
    for _ in range(reruns):
        for fn, name in ((run, "page"), (reference, "reference")):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    return tuple(
        statistics.median(d[name]) * 1000 for d in (walls, cpus) for name in ("page", "reference")
    )


def share_script_cache() -> None:
    """Compile each page once, as the server does (one ``ScriptCache`` per process).

    AppTest makes a new script cache for every run, so it parses and compiles the page (and
    rewrites it for Streamlit's "magic") on every rerun: a cost that grows with the page's
    length and that no rerun on the server pays. Measuring it would rank pages by their
    number of lines.
    """
    import streamlit.testing.v1.app_test as app_test_module
    import streamlit.testing.v1.local_script_runner as runner_module

    shared = app_test_module.ScriptCache()
    app_test_module.ScriptCache = runner_module.ScriptCache = lambda: shared


def app_test(path: pathlib.Path, **query: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def page_runner(path: pathlib.Path, **query: str) -> Callable[[], object]:
    at = app_test(path, **query)

    def run():
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].value.splitlines()[0][:120])
        return at

    return run


def fragment_rerun_ms(reruns: int) -> tuple[float, str]:
    """The What-if panel's fragment rerun on its own (a slider moving), in ms."""
    import streamlit.testing.v1.local_script_runner as runner_module
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

    at = app_test(ROOT / "pages" / "6_What_if.py", journey=str(MEASURED_JOURNEY))
    at.run()
    try:
        [fragment_id] = list(at._fragment_storage._fragments)
    except (AttributeError, ValueError):
        return fragment_body_ms(
            reruns
        ), "the panel's function body (AppTest could not rerun the fragment alone)"
    values = iter(range(10**6))

    def move_slider():
        at.slider(key="lever_order_value").set_value(30_000.0 + next(values) % 100)
        at.run()

    runner_module.RerunData = lambda **kw: RerunData(**kw, fragment_id_queue=[fragment_id])
    try:
        ms = median_ms(move_slider, reruns)
        ok = not at.exception and len(at.metric) == 14 and not at.title
    finally:
        runner_module.RerunData = RerunData
    if not ok:
        return fragment_body_ms(
            reruns
        ), "the panel's function body (the fragment rerun did not draw only the panel)"
    return ms, "the fragment alone, rerun through AppTest as the server does"


def fragment_body_ms(reruns: int) -> float:
    """Fallback: the panel's work without Streamlit (levers, the engine, the formatting)."""
    from journey import formulas
    from journey.storage import Store

    journey = Store(os.environ["JOURNEY_DB"]).load_journey(MEASURED_JOURNEY)
    baseline = formulas.levers_from_journey(journey)

    def body():
        levers = formulas.apply(baseline, {"order_value": 30_000.0})
        outcome, before = formulas.whatif(levers).as_dict(), formulas.whatif(baseline).as_dict()
        return [formulas.format_output(n, v) for n, v in outcome.items()] + list(before)

    return median_ms(body, reruns * 20)


def gc_after_reruns_ms(runs: list[Callable[[], object]], rounds: int) -> tuple[float, int, int]:
    """Median time of a full gc.collect() right after a page rerun, as the server would run it.

    Returns (median ms, median objects freed, objects tracked by the collector).
    """
    times, freed = [], []
    for _ in range(rounds):
        for run in runs:
            run()
            start = time.perf_counter()
            freed.append(gc.collect(2))
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, int(statistics.median(freed)), len(gc.get_objects())


# ---------------------------------------------------------------------------- report


def pages() -> list[tuple[str, pathlib.Path, dict[str, str]]]:
    """(label, file, query) for every page; the Metrics page once per tab (only one runs),
    the Journey map once per view (the picture is drawn only while its tab is open)."""
    found = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        query = {"journey": str(MEASURED_JOURNEY)}
        if path.name == "5_Metrics.py":
            for tab in ("Timeframes", "Across the workspace", "KPIs", "Funnel"):
                found.append((f"{path.name} [{tab}]", path, {**query, "metrics_tab": tab}))
        elif path.name == "4_Journey_map.py":
            for tab in ("Lanes", "Picture"):
                found.append((f"{path.name} [{tab}]", path, {**query, "map_view": tab}))
        else:
            found.append((path.name, path, query))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--reruns", type=int, default=7, help="timed reruns per page")
    args, _ = parser.parse_known_args(argv or [])  # `python -m bench` passes every option
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    share_script_cache()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="journey-bench-"))
    db = tmp / "bench.db"
    counts = seed(db)
    os.environ["JOURNEY_DB"] = str(db)
    reference = tmp / "reference_page.py"
    reference.write_text(textwrap.dedent(REFERENCE_PAGE.format(db=str(db))))

    print(
        f"Page reruns in AppTest on a large workspace: {counts['journeys']} journeys, "
        f"{counts['moments']:,} moments, {counts['scenarios']} scenarios, "
        f"{counts['metric_values']:,} metric values (journey {MEASURED_JOURNEY} shown)."
    )
    print(
        f"Median of {args.reruns} reruns after 2 warm-up runs; ratio = page ÷ reference page "
        "(one SQLite read, one Altair chart, one dataframe), rerun in turns with each page so "
        "both see the same load. Each page is compiled once, as on the server.\n"
    )
    reference_run = page_runner(reference)
    ref_ms = median_ms(reference_run, args.reruns)
    rows = [("reference page", f"{ref_ms:8.1f}", "    1.0", "    1.0")]
    runners = []
    for label, path, query in pages():
        run = page_runner(path, **query)
        try:
            ms, ref_now, cpu, ref_cpu = paired_ms(run, reference_run, args.reruns)
        except Exception as e:  # a page another change broke: report it, measure the rest
            rows.append((label, "   error", f"  {type(e).__name__}: {str(e)[:60]}", ""))
            continue
        runners.append(run)
        rows.append((label, f"{ms:8.1f}", f"{ms / ref_now:7.1f}", f"{cpu / ref_cpu:7.1f}"))
    fragment_ms, how = fragment_rerun_ms(args.reruns)
    rows.append(
        (
            "6_What_if.py panel (fragment)",
            f"{fragment_ms:8.1f}",
            f"{fragment_ms / ref_ms:7.1f}",
            "",
        )
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'page':<{width}}  {'ms':>8}  {'ratio':>7}  {'CPU ratio':>9}")
    for label, ms, ratio, cpu_ratio in rows:
        print(f"{label:<{width}}  {ms}  {ratio}  {cpu_ratio:>9}")
    print(f"\nWhat-if panel measured as {how}.")

    gc_ms, freed, tracked = gc_after_reruns_ms(runners, rounds=3)
    print(
        f"\nrunner.postScriptGC: a full gc.collect() after a page rerun takes {gc_ms:.1f} ms "
        f"(median; {freed:,} objects freed, {tracked:,} tracked) = "
        f"{gc_ms / ref_ms:.1f}× the reference page and {gc_ms / fragment_ms:.1f}× the "
        "What-if panel's rerun."
    )
    gc.collect()
    gc.freeze()  # what an app could do once its imports are done
    frozen_ms, _, _ = gc_after_reruns_ms(runners, rounds=3)
    gc.unfreeze()
    print(
        f"With gc.freeze() after start-up (imported modules out of the collector's reach) "
        f"the same collection takes {frozen_ms:.1f} ms."
    )
    verdict = gc_ms >= 0.25 * fragment_ms or gc_ms >= 10
    print(
        "Verdict: "
        + (
            "set postScriptGC = false. The forced collection would add at least a quarter again "
            "to each slider move, while Python's own generational collector still frees cycles."
            if verdict
            else "keep postScriptGC = true: the forced collection costs little next to a rerun."
        )
    )
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
