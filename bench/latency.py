"""Interaction latency on the real ``streamlit run`` server, as a ratio to an empty page.

For each page, Debian's chromium (through Playwright) opens the page and then presses ``r``
(Streamlit's rerun shortcut, the same BackMsg a widget change sends) a number of times; the
latency of one interaction is the time from the BackMsg leaving the browser to the
``script_finished`` ForwardMsg arriving, read from the websocket frames. Every figure is
the median, reported as a ratio to an empty page measured on the same server in the same run.

DESIGN.md section 9 names two fixed costs, and the run compares server settings for them:

- ``runner.postScriptGC``: a full ``gc.collect(2)`` after every script run, on the script
  thread, holding the GIL while the server wants to send the results;
- Nagle's algorithm on the websocket: uvicorn makes its listening socket with protocol 0,
  and asyncio only turns on ``TCP_NODELAY`` for sockets whose protocol is ``IPPROTO_TCP``.
  ``bench/nodelay_server.py`` forces it on, to see whether small frames wait for the
  client's delayed ACK.

    python -m bench.latency [--reruns 15] [--pages Home,Stages,...]

``--switches`` measures what a person waits for instead, with the project settings: every
page switch through the sidebar links, in workshop order (Home → Personas → … → Dot voting
→ Home), and adding a friction point on its page (the save and the rerun that shows it),
each from the click's BackMsg to the full run's ``script_finished`` (the live-update
fragment's own runs are left out), at 1280x720. The goal (issue 13): median 0.5 s, max 1 s.

    python -m bench.latency --switches [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    settle,
    start_server,
    stop_server,
)

EMPTY_PAGE = 'import streamlit as st\n\nst.write("empty")\n'
SETTINGS = {
    "project settings (postScriptGC off)": {
        "STREAMLIT_RUNNER_POST_SCRIPT_GC": "false",
        "JOURNEY_TCP_NODELAY": "0",
    },
    "postScriptGC on (Streamlit default)": {
        "STREAMLIT_RUNNER_POST_SCRIPT_GC": "true",
        "JOURNEY_TCP_NODELAY": "0",
    },
    "TCP_NODELAY forced on": {
        "STREAMLIT_RUNNER_POST_SCRIPT_GC": "false",
        "JOURNEY_TCP_NODELAY": "1",
    },
}


def project_copy() -> pathlib.Path:
    """The project with one extra, empty page (the reference), linked into a temp folder."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="journey-latency-"))
    for name in ("app.py", "journey", "sample_data", ".streamlit"):
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    (folder / "pages").mkdir()
    for page in sorted((ROOT / "pages").glob("*.py")):
        (folder / "pages" / page.name).symlink_to(page)
    (folder / "pages" / "99_Empty.py").write_text(EMPTY_PAGE)
    return folder


def page_paths(folder: pathlib.Path) -> dict[str, str]:
    """URL path of every page: ``pages/2_Stages.py`` -> ``Stages``; the home page is ''."""
    paths = {"Home": ""}
    for page in sorted((folder / "pages").glob("*.py")):
        name = page.stem.split("_", 1)[1] if page.stem[0].isdigit() else page.stem
        paths[name.replace("_", " ")] = name
    return paths


def measure(page, url: str, reruns: int) -> float:
    """Median ms from the rerun BackMsg leaving to script_finished arriving."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    marks: dict[str, float] = {}
    samples: list[float] = []

    def on_socket(ws):
        def sent(payload):
            if (
                isinstance(payload, bytes)
                and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script"
            ):
                marks["sent"] = time.perf_counter()

        def received(payload):
            if not isinstance(payload, bytes) or "sent" not in marks:
                return
            if ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                samples.append((time.perf_counter() - marks.pop("sent")) * 1000)

        ws.on("framesent", sent)
        ws.on("framereceived", received)

    page.on("websocket", on_socket)
    page.goto(url)
    settle(page)
    for _ in range(reruns + 2):
        before = len(samples)
        page.locator("body").press("r")
        deadline = time.monotonic() + 30
        while len(samples) == before and time.monotonic() < deadline:
            page.wait_for_timeout(5)
        page.wait_for_timeout(150)
    page.remove_listener("websocket", on_socket)
    return statistics.median(samples[2:])  # the first reruns warm caches


class FullRuns:
    """Times from a full-run BackMsg (not a fragment's) leaving the browser to the end of the
    full run it asked for (``script_finished`` FINISHED_SUCCESSFULLY), in ms."""

    def __init__(self, page):
        self.samples: list[float] = []
        self.sent: float | None = None
        page.on("websocket", self._on_socket)

    def _on_socket(self, ws):
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def sent(payload):
            if not isinstance(payload, bytes):
                return
            msg = BackMsg.FromString(payload)
            if msg.WhichOneof("type") == "rerun_script" and not msg.rerun_script.fragment_id:
                self.sent = self.sent or time.perf_counter()

        def received(payload):
            if not isinstance(payload, bytes) or self.sent is None:
                return
            msg = ForwardMsg.FromString(payload)
            if msg.WhichOneof("type") == "script_finished" and (
                msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            ):
                self.samples.append((time.perf_counter() - self.sent) * 1000)
                self.sent = None

        ws.on("framesent", sent)
        ws.on("framereceived", received)

    def time(self, page, action) -> float:
        """Do ``action`` and wait for the full run it causes to finish; its ms."""
        before = len(self.samples)
        action()
        deadline = time.monotonic() + 60
        while len(self.samples) == before and time.monotonic() < deadline:
            page.wait_for_timeout(5)
        if len(self.samples) == before:
            raise RuntimeError("no full run finished within 60 s")
        settle(page)
        return self.samples[-1]


def switches(rounds: int) -> dict[str, list[float]]:
    """ms of every page switch (``"Home → Personas"``) and of adding a friction point, per
    round, on the project settings."""
    from playwright.sync_api import sync_playwright

    from journey.presentation import PAGES

    folder = project_copy()
    server = start_server(
        folder / "bench.db",
        folder / "server.log",
        extra_env=SETTINGS["project settings (postScriptGC off)"],
        cwd=folder,
        launcher=(str(ROOT / "bench" / "nodelay_server.py"),),
    )
    times: dict[str, list[float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 720})
            runs = FullRuns(tab)
            tab.goto(f"{server.url}/?journey=1")
            settle(tab)
            labels = [label for _path, label, *_ in PAGES]
            for n in range(rounds + 1):  # the first round warms the caches
                for before, after in zip(labels, [*labels[1:], labels[0]], strict=True):
                    link = tab.locator('[data-testid="stSidebar"] a').filter(has_text=after)
                    ms = runs.time(tab, link.first.click)
                    if n:
                        times.setdefault(f"{before} → {after}", []).append(ms)
                    if after == "Friction and key points":
                        title = tab.locator(".st-key-add_moment").get_by_role(
                            "textbox", name="Title *"
                        )
                        if not title.is_visible():  # the add form is drawn once opened
                            opener = tab.get_by_text("Add a friction point or key point")
                            runs.time(tab, opener.first.click)
                        ms = runs.time(tab, lambda n=n: add_moment(tab, f"Bench point {n}"))
                        added = tab.get_by_text(f"Bench point {n}")
                        added.first.wait_for(timeout=10_000)  # the save really happened
                        if n:
                            times.setdefault("adding a friction point", []).append(ms)
            browser.close()
    finally:
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)
    return times


def add_moment(tab, title: str) -> None:
    """In the open add form: type a title and press Add."""
    field = tab.locator(".st-key-add_moment").get_by_role("textbox", name="Title *")
    field.fill(title)
    field.blur()
    tab.locator(".st-key-new_moment_save button").first.click()


def print_switches(times: dict[str, list[float]]) -> None:
    everything = [ms for samples in times.values() for ms in samples]
    print(
        f"\nPage switches and a save on the real server at 1280x720, ms (median and max of "
        f"{len(next(iter(times.values())))} rounds after a warm-up round):"
    )
    print(f"{'interaction':<52}{'median':>8}{'max':>8}")
    for name, samples in times.items():
        print(f"{name:<52}{statistics.median(samples):8.0f}{max(samples):8.0f}")
    print(
        f"{'all':<52}{statistics.median(everything):8.0f}{max(everything):8.0f}"
        "   (goal: median 500, max 1000)"
    )


def run(settings: dict[str, str], pages: list[str], reruns: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    folder = project_copy()
    db = folder / "bench.db"
    server = start_server(
        db,
        folder / "server.log",
        extra_env=settings,
        cwd=folder,
        launcher=(str(ROOT / "bench" / "nodelay_server.py"),),
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 720})
            paths = page_paths(folder)
            results = {}
            for name in ["Empty", *pages]:
                url = f"{server.url}/{paths[name]}?journey=1"
                results[name] = measure(tab, url, reruns)
            browser.close()
        return results
    finally:
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument("--pages", default="", help="comma-separated page names (default all)")
    parser.add_argument(
        "--switches", action="store_true", help="page switches and a save instead of reruns"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --switches")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        sys.exit("bench.latency needs Debian's chromium: make browser-deps")
    if args.switches:
        print_switches(switches(args.rounds))
        return
    pages = [p for p in args.pages.split(",") if p] or [
        n for n in page_paths(project_copy()) if n != "Empty"
    ]
    table = {label: run(env, pages, args.reruns) for label, env in SETTINGS.items()}
    labels = list(table)
    print(
        f"\nInteraction latency on the real server: median of {args.reruns} reruns, ms "
        "(ratio to the empty page on the same server)"
    )
    print(f"{'page':<28}" + "".join(f"{label[:26]:>30}" for label in labels))
    for name in ["Empty", *pages]:
        cells = [
            f"{table[lab][name]:8.1f} ({table[lab][name] / table[lab]['Empty']:4.1f}x)"
            for lab in labels
        ]
        print(f"{name:<28}" + "".join(f"{c:>30}" for c in cells))
    base = table[labels[0]]
    for label in labels[1:]:
        extra = statistics.median(table[label][n] - base[n] for n in ["Empty", *pages])
        print(f"{label}: median {extra:+.1f} ms per interaction against the project settings")


if __name__ == "__main__":
    main()
