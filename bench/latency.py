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
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        sys.exit("bench.latency needs Debian's chromium: make browser-deps")
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
