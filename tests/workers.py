"""Worker processes for the concurrency, voting and crash tests: they edit one database and
print, one JSON line per edit, what happened (flushed as soon as the edit committed).

    python tests/workers.py edit DB JOURNEY_ID NAME COUNT SEED
    python tests/workers.py stream DB JOURNEY_ID NAME SEED   (edits until killed)
    python tests/workers.py vote DB VOTE_ID PARTICIPANT ATTEMPTS SEED MOMENT_ID [MOMENT_ID ...]

:func:`race` runs such processes and threads of the test's own process at once.
"""

from __future__ import annotations

import json
import pathlib
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from journey.model import ConflictError, JourneyError, Moment
from journey.storage import Store
from journey.voting import VoteError

HERE = pathlib.Path(__file__).resolve()


def race(
    processes: list[list[str]],
    thread_step: Callable[[int, int, random.Random], dict],
    threads: int,
    steps: int,
) -> list[dict]:
    """Everything at once: one ``python tests/workers.py ARGS`` process per entry of
    ``processes`` (each printing one JSON report a step) and ``threads`` threads, thread ``n``
    calling ``thread_step(n, i, rng)`` for ``i`` in ``range(steps)`` (``rng`` seeded 100 + n).
    Returns every report, the processes' and the threads'."""
    workers = [
        subprocess.Popen([sys.executable, str(HERE), *args], stdout=subprocess.PIPE, text=True)
        for args in processes
    ]
    results, lock = [], threading.Lock()

    def thread_worker(n: int) -> None:
        rng = random.Random(100 + n)
        for i in range(steps):
            outcome = thread_step(n, i, rng)
            with lock:
                results.append(outcome)

    running = [threading.Thread(target=thread_worker, args=(n,)) for n in range(threads)]
    for t in running:
        t.start()
    for w in workers:
        out, _ = w.communicate(timeout=120)
        results.extend(json.loads(line) for line in out.splitlines())
    for t in running:
        t.join()
    return results


def one_edit(store: Store, journey_id: int, name: str, n: int, rng: random.Random) -> dict:
    """Read a stage, think a little, save an edit to it; report what happened."""
    stage_ids = store.stage_ids(journey_id)
    stage = store.get_stage(rng.choice(stage_ids))
    value = f"{name}-{n}"
    try:
        if rng.random() < 0.2:
            moment = store.add_moment(stage.id, Moment(kind="key", title=value))
            return {"ok": True, "kind": "moment", "id": moment.id, "title": value}
        store.update_stage(stage.id, stage.version, thoughts=value)
        return {
            "ok": True,
            "kind": "stage",
            "stage": stage.id,
            "version": stage.version + 1,
            "value": value,
        }
    except ConflictError:
        return {"ok": False, "conflict": True}
    except (sqlite3.OperationalError, JourneyError) as e:  # locked: raw or as BusyError
        return {"ok": False, "error": str(e)}


def spend(store: Store, vote_id: int, participant: str, moment_id: int) -> dict:
    """Try to spend one dot; report whether it was counted or refused (and why)."""
    try:
        store.cast_dot(vote_id, moment_id, participant)
        return {"ok": True, "participant": participant, "moment": moment_id}
    except VoteError as e:
        return {"ok": False, "refused": str(e), "participant": participant}
    except sqlite3.OperationalError as e:
        return {"ok": False, "error": str(e)}


def main(argv: list[str]) -> None:
    mode, db, journey_id, name = argv[0], argv[1], int(argv[2]), argv[3]
    store = Store(db)
    if mode == "vote":  # journey_id is the vote's id, name the participant
        attempts, rng = int(argv[4]), random.Random(int(argv[5]))
        moments = [int(m) for m in argv[6:]]
        for _ in range(attempts):
            print(json.dumps(spend(store, journey_id, name, rng.choice(moments))), flush=True)
    elif mode == "edit":
        count, rng = int(argv[4]), random.Random(int(argv[5]))
        for n in range(count):
            print(json.dumps(one_edit(store, journey_id, name, n, rng)), flush=True)
    elif mode == "stream":  # each report also says when the edit returned (epoch seconds)
        rng, n = random.Random(int(argv[4])), 0
        while True:
            report = one_edit(store, journey_id, name, n, rng)
            print(json.dumps({**report, "at": time.time()}), flush=True)
            n += 1


if __name__ == "__main__":
    main(sys.argv[1:])
