"""Several threads and several processes edit one journey at once.

Every edit must end one of two ways: applied, or refused as a conflict and reported. None
may be lost, no "database is locked" may reach a user, and the file must stay sound.
"""

from collections import Counter

from journey.storage import Store

from .workers import one_edit, race

PROCESSES, THREADS, EDITS = 4, 4, 60


def test_threads_and_processes_editing_one_journey_lose_no_update(store, journey_id, db_path):
    before = {sid: store.get_stage(sid).version for sid in store.stage_ids(journey_id)}
    processes = [
        ["edit", str(db_path), str(journey_id), f"p{n}", str(EDITS), str(n)]
        for n in range(PROCESSES)
    ]
    results = race(
        processes, lambda n, i, rng: one_edit(store, journey_id, f"t{n}", i, rng), THREADS, EDITS
    )

    assert len(results) == (PROCESSES + THREADS) * EDITS
    assert [r for r in results if "error" in r] == []  # no "database is locked" reached us
    tally = Counter("conflict" if r.get("conflict") else r["kind"] for r in results)
    print(f"\nconcurrency: {len(results)} edits: {dict(tally)}")
    assert tally["stage"] > 0 and tally["conflict"] > 0  # the race really happened

    # every applied stage edit is one version step, and the last one's value is stored
    saved = [r for r in results if r.get("kind") == "stage"]
    for stage_id, version in before.items():
        mine = [r for r in saved if r["stage"] == stage_id]
        stage = store.get_stage(stage_id)
        assert stage.version == version + len(mine)
        assert sorted(r["version"] for r in mine) == list(range(version + 1, stage.version + 1))
        if mine:
            assert stage.thoughts == max(mine, key=lambda r: r["version"])["value"]
    # every added moment is there
    titles = {m.title for m in store.load_journey(journey_id).moments}
    assert {r["title"] for r in results if r.get("kind") == "moment"} <= titles
    assert store.integrity_check() == "ok"
    Store(db_path).close()
