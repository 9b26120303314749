"""Browser tests: the real ``streamlit run`` server on a free loopback port, driven by
Debian's chromium through Playwright, as a person would use it.

Without chromium these tests skip with a message saying how to enable them, except in CI
(``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
HOW_TO_ENABLE = (
    "chromium not found at /usr/bin/chromium: run `make test` as root (it installs "
    "Debian's chromium) or `sudo apt-get install chromium` to enable browser tests"
)


def pytest_collection_modifyitems(config, items):
    here = pathlib.Path(__file__).parent
    for item in items:
        if here in pathlib.Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true":
                item.add_marker(pytest.mark.skip(reason=HOW_TO_ENABLE))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db: pathlib.Path
    process: subprocess.Popen
    log: pathlib.Path


def start_server(
    db: pathlib.Path,
    log: pathlib.Path,
    extra_env: dict | None = None,
    cwd: pathlib.Path = ROOT,
    launcher: tuple[str, ...] = ("-m", "streamlit", "run", "app.py"),
) -> Server:
    """The app as ``make run`` starts it (``streamlit run app.py``) on a free port of
    127.0.0.1, from ``cwd``; returns once ``/_stcore/health`` answers."""
    port = free_port()
    env = {**os.environ, "JOURNEY_DB": str(db), **(extra_env or {})}
    handle = log.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            *launcher,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=cwd,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response,
        ):
            if response.read() == b"ok":
                return Server(url, db, process, log)
        time.sleep(0.25)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy in 90 s:\n{log.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    folder = tmp_path_factory.mktemp("server")
    srv = start_server(folder / "journey.db", folder / "streamlit.log")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(HOW_TO_ENABLE)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


class RunTracker:
    """Follows the app's websocket: rerun requests sent, script runs finished, last frame."""

    def __init__(self, page):
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.requested = self.finished = 0
        self.auto = 0  # timer-driven fragment runs (live updates, the countdown) in flight
        self.last_frame = time.monotonic()

        def on_socket(ws):
            def sent(payload):
                if isinstance(payload, bytes):
                    msg = BackMsg.FromString(payload)
                    if msg.WhichOneof("type") == "rerun_script":
                        if msg.rerun_script.is_auto_rerun:  # not a run the page asked for
                            self.auto += 1
                            return
                        self.requested += 1
                self.last_frame = time.monotonic()

            def received(payload):
                page_idle = self.finished >= self.requested
                if isinstance(payload, bytes):
                    kind = ForwardMsg.FromString(payload).WhichOneof("type")
                    if self.auto and page_idle:  # frames of a timer-driven fragment run
                        if kind == "script_finished":
                            self.auto -= 1
                        return
                    if kind == "script_finished":
                        self.finished += 1
                self.last_frame = time.monotonic()

            ws.on("framesent", sent)
            ws.on("framereceived", received)

        page.on("websocket", on_socket)


def new_page(browser):
    """A new browser context at 1280x720 and its page (30 s timeouts, its runs tracked):
    one more person on the app. Close the context when done."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.runs = RunTracker(page)
    return context, page


@pytest.fixture
def page(browser, request):
    context, pg = new_page(browser)
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def settle(page, quiet_ms: int = 300, timeout_s: float = 60) -> None:
    """Wait until every script run the page asked for has finished and the websocket has
    been quiet for a moment (a page without a tracker falls back to the status widget)."""
    page.wait_for_selector(
        '[data-testid="stMain"] [data-testid="stElementContainer"]',
        state="visible",
        timeout=timeout_s * 1000,
    )
    runs = getattr(page, "runs", None)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(50)  # lets Playwright deliver the websocket events
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if runs is not None:
            done = runs.finished >= runs.requested > 0
            quiet = (time.monotonic() - runs.last_frame) * 1000 >= quiet_ms
            if done and quiet and not running:
                return
        elif not running:
            page.wait_for_timeout(quiet_ms)
            if page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return
    raise AssertionError("the app did not settle")


def submit(page, locator) -> None:
    """Click something that reruns the script, and wait for that rerun to finish."""
    runs = page.runs
    before = runs.requested
    locator.click()
    deadline = time.monotonic() + 30
    while runs.requested == before:
        assert time.monotonic() < deadline, "the click sent no rerun"
        page.wait_for_timeout(20)
    settle(page)


def open_page(page, server: Server, path: str = "", **query) -> None:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    page.goto(f"{server.url}/{path}" + (f"?{qs}" if qs else ""))
    settle(page)
