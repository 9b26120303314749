"""Three-way merge of one record's fields: what a form opened with, what was typed, what is saved.

Two people open the same stage. A changes its thoughts and saves; B changes its duration and
saves a moment later. A plain "last save wins" would write B's whole form, A's old thoughts
included, over A's save. A merge compares field by field against the values B's form opened
with (the *base*):

- a field only I changed (mine differs from base, theirs does not) is written;
- a field only they changed is kept as they saved it;
- a field we both changed to the same value is simply that value;
- a field we both changed to different values is a *conflict*: a person chooses, per field,
  mine or theirs.

This is the rule of a three-way text merge (diff3) applied to a record's fields instead of a
file's lines. Everything here is pure: plain dicts in, plain values out. The Streamlit glue
(what a form remembers, how a conflict is shown) is ``journey.ui``; the store writes only the
``changes`` a merge returns, on top of the latest version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MINE, THEIRS = "mine", "theirs"


@dataclass(frozen=True)
class Merge:
    """The outcome of :func:`merge` for one record.

    ``changes`` are the fields to write on top of theirs without asking (only I changed them,
    or we both set the same value); ``conflicts`` the fields we both changed to different
    values, in the form's order; ``theirs_changed`` the fields only they changed (kept).
    """

    base: dict
    mine: dict
    theirs: dict
    changes: dict = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()
    theirs_changed: tuple[str, ...] = ()

    def resolve(self, choices: Mapping[str, str] | None = None) -> dict:
        """The fields to write once each conflict has a choice (``"mine"`` or ``"theirs"``).

        A conflict without a choice is left as they saved it. ``resolve({f: "mine" ...})`` for
        every conflict is "keep mine": every field I changed, and nothing else, is written.
        Raises ValueError for a choice other than mine/theirs or a field that is no conflict.
        """
        choices = dict(choices or {})
        unknown = set(choices) - set(self.conflicts)
        if unknown:
            raise ValueError(f"not a conflict: {', '.join(sorted(unknown))}")
        bad = {c for c in choices.values() if c not in (MINE, THEIRS)}
        if bad:
            listed = ", ".join(repr(c) for c in sorted(bad))
            raise ValueError(f"a choice is {MINE!r} or {THEIRS!r}, not {listed}")
        out = dict(self.changes)
        out.update({f: self.mine[f] for f in self.conflicts if choices.get(f) == MINE})
        return out

    def keep_mine(self) -> dict:
        """Every field I changed, mine; every other field as they saved it."""
        return self.resolve({f: MINE for f in self.conflicts})

    def result(self, choices: Mapping[str, str] | None = None) -> dict:
        """The whole record after the write: theirs with :meth:`resolve`'s fields on top."""
        return {**self.theirs, **self.resolve(choices)}


def changed(base: Mapping[str, Any], mine: Mapping[str, Any]) -> dict:
    """The fields of ``mine`` whose value differs from ``base`` (a field base lacks counts).

    >>> changed({"a": 1, "b": 2}, {"a": 1, "b": 3})
    {'b': 3}
    """
    return {k: v for k, v in mine.items() if k not in base or base[k] != v}


def merge(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> Merge:
    """Merge my edit of a record with theirs, both made from ``base`` (see the module doc).

    The fields are those of ``mine`` (the form's fields), in its order; a field ``theirs``
    lacks is treated as unchanged by them. Values are compared with ``==``, so lists (a
    persona's channels, a stage's touchpoints) compare whole.

    >>> m = merge({"thoughts": "a", "days": 7}, {"thoughts": "a", "days": 14},
    ...           {"thoughts": "b", "days": 7})
    >>> m.changes, m.conflicts, m.result()
    ({'days': 14}, (), {'thoughts': 'b', 'days': 14})
    """
    changes, conflicts, theirs_changed = {}, [], []
    for name, value in mine.items():
        was = base.get(name)
        now = theirs.get(name, was)
        mine_moved, theirs_moved = value != was, now != was
        if mine_moved and (not theirs_moved or now == value):
            changes[name] = value
        elif mine_moved:
            conflicts.append(name)
        elif theirs_moved:
            theirs_changed.append(name)
    return Merge(
        base=dict(base),
        mine=dict(mine),
        theirs=dict(theirs),
        changes=changes,
        conflicts=tuple(conflicts),
        theirs_changed=tuple(theirs_changed),
    )
