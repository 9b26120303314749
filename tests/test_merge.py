"""The three-way merge of a record's fields: hand-worked cases, then properties (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey import merge

BASE = {
    "thoughts": "Which car fits?",
    "duration_days": 14.0,
    "emotion": 0,
    "touchpoints": [{"channel": "Web", "description": ""}],
}


def test_a_thought_saved_by_a_and_a_duration_saved_by_b_both_survive_b_s_save():
    theirs = {**BASE, "thoughts": "A: is it safe?"}  # A saved first
    mine = {**BASE, "duration_days": 21.0}  # B's form opened before A's save
    m = merge.merge(BASE, mine, theirs)
    assert m.changes == {"duration_days": 21.0}
    assert m.conflicts == () and m.theirs_changed == ("thoughts",)
    assert m.result() == {**BASE, "thoughts": "A: is it safe?", "duration_days": 21.0}


def test_a_field_both_changed_differently_is_a_conflict_and_keep_mine_writes_only_mine():
    theirs = {**BASE, "thoughts": "theirs", "emotion": 2}
    mine = {**BASE, "thoughts": "mine", "duration_days": 7.0}
    m = merge.merge(BASE, mine, theirs)
    assert m.conflicts == ("thoughts",)
    assert m.changes == {"duration_days": 7.0}
    assert m.resolve() == {"duration_days": 7.0}  # no choice yet: theirs stays
    assert m.resolve({"thoughts": "theirs"}) == {"duration_days": 7.0}
    assert m.keep_mine() == {"thoughts": "mine", "duration_days": 7.0}
    assert m.result({"thoughts": "mine"}) == {
        **BASE,
        "thoughts": "mine",
        "emotion": 2,
        "duration_days": 7.0,
    }


def test_the_same_change_made_by_both_is_no_conflict():
    both = {**BASE, "touchpoints": [{"channel": "Email", "description": ""}]}
    m = merge.merge(BASE, both, both)
    assert m.conflicts == () and m.changes == {"touchpoints": both["touchpoints"]}


def test_a_choice_that_is_not_mine_or_theirs_or_not_a_conflict_is_refused():
    m = merge.merge(BASE, {**BASE, "emotion": 1}, {**BASE, "emotion": -1})
    with pytest.raises(ValueError, match="not a conflict: thoughts"):
        m.resolve({"thoughts": "mine"})
    with pytest.raises(ValueError, match="not 'both'"):
        m.resolve({"emotion": "both"})


def test_changed_lists_only_the_fields_that_moved():
    assert merge.changed(BASE, {**BASE, "emotion": 2}) == {"emotion": 2}
    assert merge.changed(BASE, dict(BASE)) == {}


# ---------------------------------------------------------------------------- properties

FIELDS = ["a", "b", "c", "d", "e"]
VALUES = st.one_of(
    st.integers(-2, 2),
    st.sampled_from(["", "x", "y"]),
    st.none(),
    st.lists(st.sampled_from(["Web", "Email"]), max_size=2),
)
RECORDS = st.fixed_dictionaries({f: VALUES for f in FIELDS})


@st.composite
def three(draw):
    """base, mine and theirs, where mine and theirs each change some fields of base."""
    base = draw(RECORDS)
    mine = {f: draw(VALUES) if draw(st.booleans()) else base[f] for f in FIELDS}
    theirs = {f: draw(VALUES) if draw(st.booleans()) else base[f] for f in FIELDS}
    return base, mine, theirs


@given(three())
def test_every_field_lands_in_exactly_one_bucket_by_who_changed_it(records):
    base, mine, theirs = records
    m = merge.merge(base, mine, theirs)
    for f in FIELDS:
        i_changed, they_changed = mine[f] != base[f], theirs[f] != base[f]
        if i_changed and they_changed and mine[f] != theirs[f]:
            assert f in m.conflicts and f not in m.changes
        elif i_changed:
            assert m.changes[f] == mine[f] and f not in m.conflicts
        else:
            assert f not in m.changes and f not in m.conflicts
        assert (f in m.theirs_changed) == (they_changed and not i_changed)


@given(three())
def test_nobody_s_change_is_lost_whichever_way_the_conflicts_go(records):
    base, mine, theirs = records
    m = merge.merge(base, mine, theirs)
    for choice in (merge.MINE, merge.THEIRS):
        result = m.result({f: choice for f in m.conflicts})
        for f in FIELDS:
            if f in m.conflicts:
                assert result[f] == (mine[f] if choice == merge.MINE else theirs[f])
            elif mine[f] != base[f]:
                assert result[f] == mine[f]  # only I changed it (or we agree)
            else:
                assert result[f] == theirs[f]  # theirs, changed or not


@given(three())
def test_keep_mine_writes_only_fields_i_changed(records):
    base, mine, theirs = records
    written = merge.merge(base, mine, theirs).keep_mine()
    assert written == {f: v for f, v in mine.items() if v != base[f]}


@given(RECORDS, RECORDS)
def test_with_nobody_else_saving_the_merge_is_my_edit(base, mine):
    m = merge.merge(base, mine, base)
    assert m.conflicts == () and m.result() == mine


@given(RECORDS, RECORDS)
def test_with_nothing_typed_the_merge_is_their_save_and_writes_nothing(base, theirs):
    m = merge.merge(base, base, theirs)
    assert m.conflicts == () and m.changes == {} and m.result() == theirs


@given(three())
def test_without_conflicts_the_order_of_the_two_saves_does_not_matter(records):
    base, mine, theirs = records
    one, other = merge.merge(base, mine, theirs), merge.merge(base, theirs, mine)
    assert set(one.conflicts) == set(other.conflicts)
    if not one.conflicts:
        assert one.result() == other.result()
