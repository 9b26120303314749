"""Live updates: a journey's fingerprint changes with every change anyone saves to it, and only
then; the page's check reruns it and says so."""

import pytest

from journey.model import Metric, MetricValue, Moment, NotFoundError
from journey.storage import Store


def changes(store: Store, journey_id: int) -> list:
    """Apply one kind of change after another; after each, the fingerprint seen."""
    j = store.load_journey(journey_id)
    decision = j.stage("decision")
    moment = decision.moments[0]
    seen = [store.journey_fingerprint(journey_id)]

    def step(change):
        change()
        seen.append(store.journey_fingerprint(journey_id))

    step(lambda: store.update_stage(decision.id, decision.version, thoughts="Hmm"))
    step(lambda: store.update_moment(moment.id, moment.version, status="done"))
    added = []
    step(lambda: added.append(store.add_moment(decision.id, Moment(kind="key", title="Trade-in"))))
    step(lambda: store.delete_moment(added[0].id))
    step(lambda: store.add_moment(decision.id, Moment(kind="key", title="Trade-in again")))
    step(lambda: store.add_comment("moment", moment.id, "Ana", "note"))
    step(lambda: store.add_metric(journey_id, Metric(key="nps", name="NPS", side="customer")))
    metric = store.load_journey(journey_id).metrics[0]
    step(lambda: store.add_metric_values(metric.id, [MetricValue("2026-01-01", 3.0)]))
    step(lambda: store.save_scenario(journey_id, "Loyal", {"retention": 0.8}))
    step(
        lambda: store.update_journey(
            journey_id, store.require_journey(journey_id), description="new"
        )
    )
    vote = []
    step(lambda: vote.append(store.open_vote(journey_id, 3)))
    step(lambda: store.cast_dot(vote[0], moment.id, "Bo"))
    return seen


def test_every_kind_of_change_to_a_journey_changes_its_fingerprint(store, journey_id):
    seen = changes(store, journey_id)
    assert [i for i in range(1, len(seen)) if seen[i] == seen[i - 1]] == []
    # a delete may bring back a state seen before (an add undone): what is shown is the same


def test_the_fingerprint_stays_the_same_while_nothing_changes(store, journey_id):
    first = store.journey_fingerprint(journey_id)
    store.load_journey(journey_id)
    assert Store(store.path).journey_fingerprint(journey_id) == first


def test_changes_to_another_journey_leave_the_fingerprint_alone(store, journey_id):
    first = store.journey_fingerprint(journey_id)
    other = store.create_journey(store.load_journey(journey_id).workspace_id, "Other")
    store.add_moment(other.stage("awareness").id, Moment(kind="friction", title="x"))
    assert store.journey_fingerprint(journey_id) == first


def test_a_deleted_journey_has_no_fingerprint(store, journey_id):
    store.delete_journey(journey_id)
    with pytest.raises(NotFoundError):
        store.journey_fingerprint(journey_id)


def test_nothing_to_refresh_while_the_fingerprint_is_what_the_page_showed():
    from journey import live

    assert live.change((1, ("a",), 4), 1, ("a",), 4) is None
    assert live.change(None, 1, ("a",), 0) is None  # before the first full run


def test_a_change_is_someone_elses_unless_this_session_wrote_meanwhile():
    from journey import live

    assert live.change((1, ("a",), 4), 1, ("b",), 4) == live.THEIRS
    assert live.change((1, ("a",), 4), 1, ("b",), 5) == live.MINE
    assert live.change((2, ("a",), 4), 1, ("a",), 4) == live.THEIRS  # another journey now


def test_the_store_counts_the_writes_of_each_author(store, journey_id):
    store.author = "Ana"
    before = store.writes_by("Ana"), store.writes_by("Bo")
    store.add_comment("stage", store.stage_ids(journey_id)[0], "Ana", "hello")
    assert (store.writes_by("Ana"), store.writes_by("Bo")) == (before[0] + 1, before[1])
