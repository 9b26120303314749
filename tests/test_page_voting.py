"""The Dot voting page through AppTest: the facilitator runs a vote, participants spend dots,
viewers vote only when allowed and never get a facilitator control."""

from streamlit.testing.v1 import AppTest

from journey.storage import Store
from tests.conftest import CAR, open_page

PAGE = "10_Dot_voting.py"


def run(at=None) -> AppTest:
    """Run the page (a new one, or ``at``: an AppTest or a widget just clicked or set)."""
    result = (at or open_page(PAGE, CAR, run=False)).run()
    assert not result.exception, [e.value for e in result.exception]
    return result


def stored_vote(db_path):
    store = Store(db_path)
    try:
        vote = store.latest_vote(1)
        return vote, (store.vote_tallies(vote["id"]) if vote else {})
    finally:
        store.close()


def first_friction_id(db_path) -> int:
    store = Store(db_path)
    try:
        return next(m.id for m in store.load_journey(1).moments if m.kind == "friction")
    finally:
        store.close()


def test_the_facilitator_opens_a_vote_and_a_participant_spends_a_dot(app_env):
    at = run()
    assert "No vote yet" in at.caption[0].value
    at.number_input(key="vote_dots").set_value(2)
    at = run(at.button[0].click())  # the form's "Open a new vote"
    vote, _ = stored_vote(app_env)
    assert (vote["dots"], vote["status"]) == (2, "open")

    at.text_input(key="_voter_input").set_value("Ana")
    at = run(at)
    moment = first_friction_id(app_env)
    at = run(at.button(key=f"vote_plus_{moment}").click())

    _, tallies = stored_vote(app_env)
    assert tallies == {moment: 1}
    plus, minus = at.button(key=f"vote_plus_{moment}"), at.button(key=f"vote_minus_{moment}")
    # a fullwidth plus sign showed as an empty box: the signs are Material icons
    assert (plus.label, plus.proto.icon) == ("dot", ":material/add:")
    assert (minus.label, minus.proto.icon) == ("dot", ":material/remove:")
    assert "1 of 2 dots left" in " ".join(m.value for m in at.markdown)
    assert at.table[0].value.iloc[0]["Dots"] == 1  # a short table: every point shown


def test_hidden_tallies_and_a_closed_vote(app_env):
    store = Store(app_env)
    at = run()  # seeds the database
    vote_id = store.open_vote(1, 3)
    store.cast_dot(vote_id, first_friction_id(app_env), "Ben")
    at = run(at)
    at = run(at.button(key="vote_hide").click())
    assert stored_vote(app_env)[0]["hidden"] == 1
    at = run(at.button(key="vote_close").click())

    vote, tallies = stored_vote(app_env)
    assert vote["status"] == "closed" and tallies  # the result is kept
    assert not [b for b in at.button if b.key and b.key.startswith("vote_plus_")]
    store.close()


def test_a_viewer_votes_only_when_the_facilitator_allows_it_and_never_runs_the_vote(
    app_env, monkeypatch
):
    run()  # seeds the database
    store = Store(app_env)
    vote_id = store.open_vote(1, 3)
    monkeypatch.setenv("JOURNEY_READ_ONLY", "1")

    at = run()
    assert not at.text_input and not at.button
    assert any("has not let them vote" in i.value for i in at.info)

    store.update_vote(vote_id, store.latest_vote(1)["version"], viewers_may_vote=True)
    at = run()
    assert not [b for b in at.button if b.key in ("vote_close", "vote_hide", "vote_reset")]
    at.text_input(key="_voter_input").set_value("Stakeholder")
    at = run(at)
    moment = first_friction_id(app_env)
    run(at.button(key=f"vote_plus_{moment}").click())
    assert store.vote_tallies(vote_id) == {moment: 1}
    store.close()
