"""Worker process for the voting concurrency test: spends dots and prints one JSON line per
attempt, as soon as it committed or was refused.

    python tests/vote_workers.py DB VOTE_ID PARTICIPANT ATTEMPTS SEED MOMENT_ID [MOMENT_ID ...]
"""

from __future__ import annotations

import json
import pathlib
import random
import sqlite3
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from journey.storage import Store
from journey.voting import VoteError


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
    db, vote_id, participant, attempts, seed = (
        argv[0],
        int(argv[1]),
        argv[2],
        int(argv[3]),
        int(argv[4]),
    )
    moments = [int(m) for m in argv[5:]]
    store, rng = Store(db), random.Random(seed)
    for _ in range(attempts):
        print(json.dumps(spend(store, vote_id, participant, rng.choice(moments))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
