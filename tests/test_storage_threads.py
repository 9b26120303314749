"""Connections under Streamlit's threads: measured, not assumed.

Streamlit runs every session's script in a thread of its own, and a cached resource is shared
by all of them. A ``sqlite3`` connection refuses use from a thread other than its maker's, so
the store keeps one connection per thread.
"""

import sqlite3
import threading

import pytest

from journey.model import ConflictError
from journey.storage import Store, connect


def run_in_thread(fn):
    errors = []

    def target():
        try:
            fn()
        except Exception as e:  # we want to see whatever a thread hits
            errors.append(e)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    return errors


def test_a_connection_shared_across_threads_fails(db_path):
    Store(db_path).close()
    shared = connect(db_path)
    errors = run_in_thread(lambda: shared.execute("SELECT count(*) FROM journeys").fetchone())
    assert len(errors) == 1 and isinstance(errors[0], sqlite3.ProgrammingError)
    assert "thread" in str(errors[0])


def test_one_store_serves_many_threads_editing_at_once(store, journey_id):
    stage = store.load_journey(journey_id).stage("retention")
    outcomes = []
    lock = threading.Lock()

    def edit(n):
        for _ in range(20):
            s = store.get_stage(stage.id)
            try:
                store.update_stage(s.id, s.version, thoughts=f"writer {n}")
                result = "saved"
            except ConflictError:
                result = "conflict"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = outcomes.count("saved")
    assert len(outcomes) == 160
    assert store.get_stage(stage.id).version == stage.version + saved
    assert store.integrity_check() == "ok"


@pytest.mark.parametrize("n_threads", [4])
def test_each_thread_gets_its_own_connection(store, n_threads):
    seen = []
    lock = threading.Lock()

    def grab():
        with lock:
            seen.append(store.conn)  # holding it keeps ids from being reused

    threads = [threading.Thread(target=grab) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == n_threads
    assert all(c is not store.conn for c in seen)
