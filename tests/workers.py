"""Worker processes for the concurrency and crash tests: they edit one database and print,
one JSON line per edit, what happened (flushed as soon as the edit committed).

    python tests/workers.py edit DB JOURNEY_ID NAME COUNT SEED
    python tests/workers.py stream DB JOURNEY_ID NAME SEED   (edits until killed)
"""

from __future__ import annotations

import json
import pathlib
import random
import sqlite3
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from journey.model import ConflictError, JourneyError, Moment
from journey.storage import Store


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


def main(argv: list[str]) -> None:
    mode, db, journey_id, name = argv[0], argv[1], int(argv[2]), argv[3]
    store = Store(db)
    if mode == "edit":
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
