"""The workshop report's heavy work, in worker processes when there is much of it.

vl-convert draws one chart at a time per process and WeasyPrint lays out one document at a
time, so a workspace report of many journeys spreads its charts (:func:`draw_svg`) and its
PDF parts (:func:`pdf_part`) over worker processes. The workers are started with
"forkserver" (or "spawn"), never by forking the caller: a Streamlit server's threads and
vl-convert's engine do not survive a fork. Each worker starts its own vl-convert engine.
This module imports nothing heavy at the top, so a worker starts fast.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .model import JourneyError


class ReportWorkerError(JourneyError):
    """A worker process building part of a report stopped (killed, out of memory) or
    failed; the report is not built."""


def cpu_count() -> int:
    """CPUs this process may use (``os.process_cpu_count()`` where Python has it)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return counter() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def processes_for(items: int, threshold: int) -> int:
    """Worker processes for ``items`` pieces of work: 1 (work in this process) below
    ``threshold`` or on one CPU, else the CPU count (at most one per item)."""
    cpus = cpu_count()
    return 1 if items < threshold or cpus < 2 else min(cpus, items)


#: How worker processes start: "forkserver" where there is one, else "spawn"; never "fork".
#: (The benchmark uses "spawn" so the workers are its own children and their CPU is counted.)
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def pool(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` worker processes started by :data:`START_METHOD`: never a
    fork of this process."""
    if START_METHOD == "fork":
        raise ValueError("report workers are never forked from this process")
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=_worker_context(START_METHOD),
        initializer=_exit_with_parent,
    )


_launching = threading.Lock()


def _launch_without_main(launch: Callable[[Any], Any], process_obj: Any) -> Any:
    """``launch(process_obj)`` while ``__main__`` is a blank module.

    A "forkserver" or "spawn" child runs the parent's ``__main__`` script before its work
    (the "safe importing of main module" rule). Under Streamlit, ``__main__`` is the page
    being run, so each worker ran that page again, opening the database outside any session
    (and dying when it was locked). With a blank ``__main__`` the child has nothing to run:
    its work is in this package's modules."""
    blank = types.ModuleType("__main__")
    with _launching:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = blank
        try:
            return launch(process_obj)
        finally:
            if sys.modules["__main__"] is blank:  # else a Streamlit run replaced it meanwhile
                sys.modules["__main__"] = main


class _SpawnWorker(multiprocessing.context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj):
        return _launch_without_main(multiprocessing.context.SpawnProcess._Popen, process_obj)


_WORKERS: dict[str, type] = {"spawn": _SpawnWorker}

if hasattr(multiprocessing.context, "ForkServerProcess"):  # not on Windows

    class _ForkServerWorker(multiprocessing.context.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj):
            return _launch_without_main(
                multiprocessing.context.ForkServerProcess._Popen, process_obj
            )

    _WORKERS["forkserver"] = _ForkServerWorker


@functools.cache
def _worker_context(method: str) -> multiprocessing.context.BaseContext:
    """The ``method`` ("forkserver" or "spawn") context whose processes do not run the
    caller's ``__main__`` again (see :func:`_launch_without_main`)."""
    context = type(multiprocessing.get_context(method))()
    context.Process = _WORKERS[method]
    return context


def _exit_with_parent() -> None:
    """In a worker: end this process as soon as the process that asked for the report
    ends, however it ends (a ``kill -9`` of the command line left the workers idle
    forever). A daemon thread waits on the parent's sentinel, which becomes ready when it
    exits."""
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def result(future: Future, what: str) -> Any:
    """The future's result; a worker process that died or failed raises
    :class:`ReportWorkerError` naming ``what`` it was doing."""
    try:
        return future.result()
    except BrokenProcessPool as e:
        raise ReportWorkerError(
            f"a report worker process stopped while {what} (killed or out of memory?); "
            "no report was written"
        ) from e
    except Exception as e:
        raise ReportWorkerError(f"{what} failed in a report worker: {e}") from e


def run_all(
    executor: Executor,
    function: Callable[..., Any],
    items: Sequence[tuple],
    what: str,
    done: Callable[[int], None] | None = None,
) -> list[Any]:
    """``function(*item)`` for every item on ``executor``, results in the items' order;
    ``done(count)`` after each one finishes, in order. Raises :class:`ReportWorkerError`."""
    futures = [executor.submit(function, *item) for item in items]
    results = []
    for count, future in enumerate(futures, start=1):
        results.append(result(future, what))
        if done is not None:
            done(count)
    return results


def draw_svg(spec: str, vl_version: str) -> str:
    """SVG text of a Vega-Lite spec (JSON text): compiled to Vega, then drawn (the same SVG
    as ``vegalite_to_svg``, about 1.4x less CPU for the report's charts). The namespace
    declarations are dropped: inline SVG in HTML needs none, so the document holds no URL."""
    import re

    import vl_convert as vlc

    vega = vlc.vegalite_to_vega(spec, vl_version=vl_version)
    svg = vlc.vega_to_svg(vega)
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=2)


def pdf_part(html: str, base_url: str) -> tuple[bytes, int]:
    """One part of the report (an HTML document) laid out by WeasyPrint: PDF bytes and
    its page count."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url).render()
    return document.write_pdf(), len(document.pages)
