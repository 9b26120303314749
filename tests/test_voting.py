"""Dot voting: the rules, the stored votes, and many sessions voting at once."""

from __future__ import annotations

import pathlib
from collections import Counter

import pytest

from journey import report, voting
from journey.model import ConflictError, Moment, NotFoundError
from journey.storage import Store

from .workers import race, spend

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def vote(store: Store, journey_id: int) -> dict:
    """An open vote with 3 dots each on a journey with three points."""
    j = store.load_journey(journey_id)
    store.add_moment(j.stage("awareness").id, Moment(kind="key", title="Guide", severity=2))
    store.add_moment(
        j.stage("retention").id, Moment(kind="friction", title="Phone queue", severity=3)
    )
    vote_id = store.open_vote(journey_id, 3)
    return {
        "id": vote_id,
        "journey": journey_id,
        "moments": [m.id for m in store.load_journey(journey_id).moments],
    }


def test_the_rules_check_dots_names_and_who_may_vote():
    open_vote = {"dots": 3, "status": "open", "hidden": 0, "viewers_may_vote": 0}
    assert voting.check_dots(5) == 5
    for bad in (0, 21, 2.5, True):
        with pytest.raises(voting.VoteError):
            voting.check_dots(bad)
    assert voting.participant_name("  Ana   María ") == "Ana María"
    with pytest.raises(voting.VoteError, match="type your name"):
        voting.participant_name("   ")
    assert voting.may_vote("editor", open_vote)
    assert not voting.may_vote("viewer", open_vote)
    assert voting.may_vote("viewer", {**open_vote, "viewers_may_vote": 1})
    assert not voting.may_vote("editor", {**open_vote, "status": "closed"})
    assert not voting.may_run("viewer") and voting.may_run("editor")
    assert voting.shown_tallies({**open_vote, "hidden": 1}, {7: 2}, facilitator=False) is None
    assert voting.shown_tallies({**open_vote, "hidden": 1}, {7: 2}, facilitator=True) == {7: 2}


def test_a_participant_spends_at_most_the_dots_of_the_vote(store, vote):
    first, second, third = vote["moments"]
    assert store.cast_dot(vote["id"], first, "Ana") == 2
    assert store.cast_dot(vote["id"], first, "Ana") == 1  # two dots on one point is fine
    assert store.cast_dot(vote["id"], third, " Ana ") == 0
    with pytest.raises(voting.VoteError, match="all your 3 dots are spent"):
        store.cast_dot(vote["id"], second, "Ana")
    assert store.take_back_dot(vote["id"], first, "Ana") == 1
    assert store.cast_dot(vote["id"], second, "Ana") == 0

    assert store.vote_tallies(vote["id"]) == {first: 1, second: 1, third: 1}
    assert store.vote_dots_of(vote["id"], "Ana") == {first: 1, second: 1, third: 1}
    assert store.vote_participants(vote["id"]) == 1


def test_a_closed_vote_keeps_its_result_and_takes_no_dot(store, vote):
    first = vote["moments"][0]
    store.cast_dot(vote["id"], first, "Ana")
    current = store.latest_vote(vote["journey"])
    store.update_vote(vote["id"], current["version"], status="closed", hidden=True)

    with pytest.raises(voting.VoteError, match="the vote is closed"):
        store.cast_dot(vote["id"], first, "Ben")
    with pytest.raises(voting.VoteError, match="closed"):
        store.take_back_dot(vote["id"], first, "Ana")
    with pytest.raises(ConflictError):
        store.update_vote(vote["id"], current["version"], hidden=False)
    assert store.latest_vote(vote["journey"])["status"] == "closed"
    assert store.vote_tallies(vote["id"]) == {first: 1}


def test_a_reset_takes_every_dot_back_and_a_new_vote_closes_the_old(store, vote):
    first = vote["moments"][0]
    store.cast_dot(vote["id"], first, "Ana")
    store.cast_dot(vote["id"], first, "Ben")

    assert store.reset_vote(vote["id"]) == 2
    assert store.vote_tallies(vote["id"]) == {}
    newer = store.open_vote(vote["journey"], 5, viewers_may_vote=True)
    assert store.latest_vote(vote["journey"])["id"] == newer
    assert store._vote(vote["id"])["status"] == "closed"


def test_a_dot_only_goes_to_a_point_of_the_votes_journey(store, vote):
    other = store.create_journey(store.load_journey(vote["journey"]).workspace_id, "Other")
    elsewhere = store.add_moment(other.stage("decision").id, Moment(kind="key", title="X"))
    with pytest.raises(NotFoundError, match="not in this journey"):
        store.cast_dot(vote["id"], elsewhere.id, "Ana")


def test_the_report_ranks_points_by_the_latest_votes(store, vote):
    guide = next(m for m in store.load_journey(vote["journey"]).moments if m.title == "Guide")
    for name in ("Ana", "Ben"):
        store.cast_dot(vote["id"], guide.id, name)
    gathered = report.gather(store, vote["journey"])

    assert gathered.votes == {guide.id: 2}
    assert report.ranked_moments(gathered.journey, "key", gathered.votes)[0]["votes"] == 2


PROCESSES, THREADS, ATTEMPTS, DOTS = 3, 3, 12, 5


def test_threads_and_processes_voting_at_once_lose_no_dot_and_never_overspend(store, vote, db_path):
    """Six sessions vote at once; two of each kind share a name, so they race for the same
    participant's last dots. Every dot counted is stored; nobody gets more than DOTS."""
    vote_id = store.open_vote(vote["journey"], DOTS)
    names = [f"p{n}" for n in range(PROCESSES)] + [f"t{n}" for n in range(THREADS)]
    names[1], names[-1] = "shared", "shared"  # one process and one thread are one person
    moments = [str(m) for m in vote["moments"]]
    processes = [
        ["vote", str(db_path), str(vote_id), names[n], str(ATTEMPTS), str(n), *moments]
        for n in range(PROCESSES)
    ]
    results = race(
        processes,
        lambda n, _, rng: spend(store, vote_id, names[PROCESSES + n], rng.choice(vote["moments"])),
        THREADS,
        ATTEMPTS,
    )

    assert len(results) == (PROCESSES + THREADS) * ATTEMPTS
    assert [r for r in results if "error" in r] == []  # no "database is locked" reached us
    counted = Counter(r["participant"] for r in results if r["ok"])
    stored = Counter()
    for moment_id in vote["moments"]:
        for name, dots in (
            (n, store.vote_dots_of(vote_id, n).get(moment_id, 0)) for n in set(names)
        ):
            stored[name] += dots
    assert stored == counted  # every dot reported as counted is in the database
    assert counted == {name: DOTS for name in set(names)}  # and nobody overspent
    assert sum(store.vote_tallies(vote_id).values()) == DOTS * len(set(names))
    refused = [r for r in results if not r["ok"]]
    assert refused and all("dots are spent" in r["refused"] for r in refused)
    assert store.integrity_check() == "ok"
    Store(db_path).close()


def test_the_map_shows_the_dots_of_a_vote_unless_hidden_and_only_points_with_dots():
    vote = {"status": "closed", "hidden": False}
    assert voting.map_votes(vote, {1: 2, 2: 0, 3: 1}) == {1: 2, 3: 1}
    assert voting.map_votes({**vote, "hidden": True}, {1: 2}) == {}
    assert voting.map_votes(None, {}) == {}


def test_the_voting_controls_are_out_of_date_when_the_vote_opens_closes_or_lets_viewers_vote():
    vote = {"id": 1, "status": "open", "dots": 3, "viewers_may_vote": 0, "version": 1}
    assert voting.controls_changed(None, vote)  # the facilitator opened a vote
    assert not voting.controls_changed(None, None)
    assert not voting.controls_changed(vote, {**vote})
    assert not voting.controls_changed(vote, {**vote, "hidden": 1, "version": 2})
    for change in ({"status": "closed"}, {"viewers_may_vote": 1}, {"id": 2}, {"dots": 5}):
        assert voting.controls_changed(vote, {**vote, **change}), change
