"""One protocol for every versioned form (issue 9 item 4, issue 13 item 1).

The form remembers what it opened with (base); a save writes only the fields typed
differently, on top of the latest version; a field someone else changed meanwhile is kept, one
we both changed is a conflict resolved per field (:mod:`journey.merge`). A row deleted
meanwhile keeps the typed values on screen. The pages reach these through ``journey.ui``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from .. import editing, merge
from ..model import ConflictError, JourneyError, NotFoundError, ValidationError
from ..storage import Store
from .display import literal, notify, show_error
from .setup import store
from .signin import author


@dataclass
class Edit:
    """One versioned form, described by its page on every run.

    ``save(version, changes)`` writes ``changes`` (fields as ``Store.editable_values`` names
    them) over ``version``; ``keys`` are the form's widget keys (the first tells a fresh form);
    ``shown`` overrides how a field's value reads (a moment's ``stage_id`` as a stage name);
    ``slots`` are containers where a field's validation message goes; ``form`` tells apart
    two forms editing the same row (a KPI's target and its dated values), each its own base.
    """

    kind: str
    row_id: int
    what: str
    prefix: str
    save: Callable[[int, dict], Any]
    keys: tuple[str, ...]
    done: str = "Saved."
    shown: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    form: str = ""

    @classmethod
    def of_row(
        cls,
        kind: str,
        row_id: int,
        what: str,
        update: Callable[..., Any],
        fields: tuple[str, ...],
        **options: Any,
    ) -> Edit:
        """The form of row ``row_id`` saved by ``update(row_id, version, **changes)`` (a
        ``Store.update_*`` method), its widgets keyed :func:`edit_prefix` + each of ``fields``
        (the first tells a fresh form); ``options``: ``done``, ``shown``, ``form``."""
        prefix = edit_prefix(kind, row_id)
        return cls(
            kind,
            row_id,
            what,
            prefix,
            lambda version, changes: update(row_id, version, **changes),
            keys=tuple(prefix + f for f in fields),
            **options,
        )

    @property
    def state(self) -> str:
        return f"_edit_{self.kind}_{self.row_id}" + (f"_{self.form}" if self.form else "")


def open_edit(edit: Edit, version: int, values: dict) -> None:
    """Before drawing the form: remember the values it opens with (the merge's base).

    A form drawn afresh (its widgets not in the session yet) starts from ``values``; one
    already open keeps the base it opened with until it is saved or reloaded (when
    ``version`` is newer than its base, :func:`submit_edit` says so under the form).
    """
    if edit.keys[0] not in st.session_state or edit.state not in st.session_state:
        st.session_state[edit.state] = (version, values)
    st.session_state[f"{edit.state}_latest"] = version  # the row's version now
    st.session_state.setdefault("_open_edits", {})[(edit.kind, edit.row_id)] = (
        edit.what,
        edit.prefix,
        edit.keys,
    )


def edit_base(edit: Edit) -> dict:
    """The values the form opened with (remembered by :func:`open_edit`)."""
    return st.session_state[edit.state][1]


def submit_edit(edit: Edit, submitted: bool, mine: dict) -> None:
    """After drawing the form: save it when submitted, and show a conflict still open, or
    else, when someone else saved the row since the form opened, a button to load the latest."""
    if submitted:
        version, base = st.session_state.get(edit.state, (None, mine))
        _save(edit, version, base, mine)
    if pending := st.session_state.get(f"{edit.state}_conflict"):
        _show_conflict(edit, *pending)
    else:
        _offer_latest(edit)


def _offer_latest(edit: Edit) -> None:
    """Under a form whose row someone else saved since it opened: say so, and offer to draw
    it afresh from the latest (new widget keys, new base).

    Never done by itself: what is typed in a form reaches the server only when it is
    submitted, so an open form that looks untouched here may hold typing in the browser,
    which new keys would drop. Saving it instead merges with their save (:func:`_write`).
    """
    opened = st.session_state.get(edit.state)
    latest = st.session_state.get(f"{edit.state}_latest")
    if opened is None or latest is None or latest <= opened[0]:
        return
    if edit.form or edit.prefix != edit_prefix(edit.kind, edit.row_id):
        return  # new keys would not reach it (or its row's other form)
    st.info(
        literal(
            f"{edit.what} was saved by someone else since this form opened: the form still "
            "shows it as it was. Saving keeps their changes and adds yours."
        ),
        icon=":material/sync:",
    )
    if st.button("Show the latest (drops what you typed here)", key=f"{edit.prefix}latest"):
        forget_edit(edit)
        st.rerun()


def _save(edit: Edit, version: int, base: dict, mine: dict) -> None:
    if not merge.changed(base, mine):
        forget_edit(edit)
        notify("Nothing to save: no field was changed.")
        st.rerun()
    try:
        conflict = _write(edit, version, base, mine)
    except NotFoundError:
        _keep_lost(edit.kind, edit.what, mine)
        forget_edit(edit)
        st.rerun()
    except ValidationError as e:
        edit.slots.get(editing.field_of(e), st).error(literal(editing.error_message(e)))
        return
    except JourneyError as e:
        show_error(e)
        return
    if conflict:
        st.session_state[f"{edit.state}_conflict"] = conflict
        return
    forget_edit(edit)
    notify(edit.done)
    st.rerun()


def _write(edit: Edit, version: int, base: dict, mine: dict) -> tuple | None:
    """Write my changes over the latest version, merging with saves made meanwhile.

    Returns None once written, or ``(latest version, Merge)`` when fields conflict.
    """
    for _ in range(5):
        try:
            edit.save(version, merge.changed(base, mine))
            return None
        except ConflictError:
            version, theirs = store().editable_values(edit.kind, edit.row_id)
            merged = merge.merge(base, mine, theirs)
            if merged.conflicts:
                return version, merged
            base, mine = theirs, merged.result()
    raise JourneyError("Many saves are landing at once: please save again.")


def _show_conflict(edit: Edit, version: int, merged: merge.Merge) -> None:
    def fmt(name: str, value: Any) -> str:
        return literal(
            edit.shown[name](value) if name in edit.shown else editing.show_value(name, value)
        )

    st.error(
        literal(
            f"{edit.what} was changed by someone else while you edited it, and nothing was saved "
            "yet. Both of you changed the fields below: choose which value to keep. Fields only "
            "you changed will be saved; fields only they changed stay as they saved them."
        ),
        icon="⚠️",
    )
    st.table(
        [
            {
                "Field": literal(editing.field_label(f)),
                "Saved by someone else": fmt(f, merged.theirs.get(f)),
                "Yours (not saved)": fmt(f, merged.mine[f]),
            }
            for f in merged.conflicts
        ]
    )
    choices = {
        f: st.radio(
            literal(editing.field_label(f)),
            [merge.MINE, merge.THEIRS],
            format_func={merge.MINE: "Keep mine", merge.THEIRS: "Keep theirs"}.get,
            horizontal=True,
            key=f"{edit.prefix}conflict_{f}",
        )
        for f in merged.conflicts
    }
    save, keep, reload = st.columns(3)
    if save.button("Save with these choices", key=f"{edit.prefix}conflict_save", type="primary"):
        _resolve(edit, version, merged, choices)
    if keep.button("Keep all of mine", key=f"{edit.prefix}conflict_keep"):
        _resolve(edit, version, merged, {f: merge.MINE for f in merged.conflicts})
    if reload.button("Discard mine and load the latest", key=f"{edit.prefix}conflict_reload"):
        forget_edit(edit)
        st.rerun()


def _resolve(edit: Edit, version: int, merged: merge.Merge, choices: dict) -> None:
    st.session_state.pop(f"{edit.state}_conflict", None)
    _save(edit, version, merged.theirs, merged.result(choices))


def forget_edit(edit: Edit) -> None:
    """Close a form's edit: drop its base, open conflict and typed values, and give a form
    drawn with :func:`edit_prefix` new widget keys, so it shows the latest saved values."""
    _forget(edit.kind, edit.row_id, edit.prefix)


def renew_edit(kind: str, row_id: int) -> None:
    """After a row changed under its form (an undo, a restore from the history): the form
    opens afresh from the saved values, as after :func:`forget_edit`."""
    opened = st.session_state.get("_open_edits", {}).get((kind, row_id))
    _forget(kind, row_id, opened[1] if opened else edit_prefix(kind, row_id))


def edit_prefix(kind: str, row_id: int) -> str:
    """The widget-key prefix of a row's edit form now: ``persona_3_`` at first, a fresh one
    (``persona_3_g1_``, ``persona_3_g2_`` …) after each save, merge, undo or restore of the
    row. A browser keeps what was typed in a widget whose key stays the same, whatever value
    the page gives it, so a form shows the saved (or merged) values only under new keys."""
    generation = st.session_state.get("_edit_generations", {}).get((kind, row_id), 0)
    return f"{kind}_{row_id}_g{generation}_" if generation else f"{kind}_{row_id}_"


def _forget(kind: str, row_id: int, prefix: str) -> None:
    state = f"_edit_{kind}_{row_id}"
    for key in (state, f"{state}_conflict", f"{state}_latest"):
        st.session_state.pop(key, None)
    st.session_state.get("_open_edits", {}).pop((kind, row_id), None)
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]
    generations = st.session_state.setdefault("_edit_generations", {})
    generations[(kind, row_id)] = generations.get((kind, row_id), 0) + 1


def form_prefix(form: str) -> str:
    """The widget-key prefix of a create form now: ``form`` at first, a fresh one after each
    :func:`renew_form` (a browser keeps what was typed in a widget whose key stays the same,
    so a form is cleared by giving its widgets new keys)."""
    generation = st.session_state.get(f"_generation_{form}", 0)
    return f"{form}{generation}_" if generation else form


def renew_form(form: str, keep: tuple[str, ...] = ()) -> None:
    """Clear a create form: its widgets get new keys; the ``keep`` fields (named by their
    first-generation keys, such as ``new_moment_stage``) carry their values over."""
    old = form_prefix(form)
    kept = {k[len(form) :]: st.session_state.get(old + k[len(form) :]) for k in keep}
    for key in [k for k in st.session_state if str(k).startswith(old)]:
        del st.session_state[key]
    st.session_state[f"_generation_{form}"] = st.session_state.get(f"_generation_{form}", 0) + 1
    new = form_prefix(form)
    for field_name, value in kept.items():
        if value is not None:
            st.session_state[new + field_name] = value


def create_once(
    form: str,
    values: dict,
    create: Callable[[], str],
    *,
    slots: dict[str, Any] | None = None,
    keep: tuple[str, ...] = (),
) -> None:
    """A create form's submit: ``create()`` stores the row and returns the notice; then the
    form clears (but for the ``keep`` keys) and the page reruns. A second click on the same
    values (a double click, or a click before the rerun answered) creates nothing more.
    Validation messages go to the field's slot, literally.
    """
    token = repr(sorted(values.items(), key=lambda item: item[0]))
    if st.session_state.get(f"_created_{form}") == token:
        st.info("Already created: change something to add another.")
        return
    try:
        message = create()
    except ValidationError as e:
        (slots or {}).get(editing.field_of(e), st).error(literal(editing.error_message(e)))
        return
    except JourneyError as e:
        show_error(e)
        return
    st.session_state[f"_created_{form}"] = token
    renew_form(form, keep)
    notify(message)
    st.rerun()


def _keep_lost(kind: str, what: str, typed: dict) -> None:
    st.session_state.setdefault("_lost_edits", []).append(
        {"kind": kind, "what": what, "typed": typed}
    )


def lost_edits(
    kind: str, drawn: set[int] | Any, save_as_new: Callable[[dict], str] | None = None
) -> None:
    """Where a page lists its rows: the edits whose row was deleted (or replaced by an
    import) while someone typed, with the typed values on screen and "save as new".

    A form whose row is gone is not drawn again, so its Save press arrives with no form to
    answer it: the press and the typed values are still in this run's widget state, read here
    by the keys the form registered. ``save_as_new(typed)`` (fields without the key prefix)
    stores them as a new row and returns the notice.
    """
    opened = st.session_state.get("_open_edits", {})
    for (k, row_id), (what, prefix, keys) in list(opened.items()):
        if k != kind or row_id in drawn or not st.session_state.get(f"{prefix}save"):
            continue
        try:
            store().editable_values(kind, row_id)
            continue  # still there, just not on this page now
        except NotFoundError:
            del opened[(k, row_id)]
            _keep_lost(
                kind,
                what,
                {
                    key[len(prefix) :]: st.session_state.get(key)
                    for key in keys
                    if key in st.session_state
                },
            )
    lost = st.session_state.get("_lost_edits", [])
    for i, item in enumerate(lost):
        if item["kind"] != kind:
            continue
        st.warning(
            literal(
                f"{item['what']} was deleted by someone else (or replaced by an import) while you "
                "edited it. Nothing was saved: what you typed is below."
            ),
            icon="⚠️",
        )
        st.dataframe(
            editing.typed_rows(item["typed"]), hide_index=True, key=f"lost_{kind}_{i}_table"
        )
        left, right = st.columns(2)
        if save_as_new and left.button("Save as new", key=f"lost_{kind}_{i}_new", type="primary"):
            try:
                notify(save_as_new(item["typed"]))
            except JourneyError as e:
                show_error(e)
            else:
                lost.pop(i)
                st.rerun()
        if right.button("Dismiss", key=f"lost_{kind}_{i}_dismiss"):
            lost.pop(i)
            st.rerun()


def undo_in_sidebar(key: str, text: str, undo: Callable[[], str]) -> None:
    """One-click undo of a delete, in the sidebar until used: ``undo()`` puts it back and
    returns the notice. ``text`` says what was deleted (shown literally)."""
    st.sidebar.info(literal(text))
    if st.sidebar.button("↩️ Undo the delete", key=key, width="stretch"):
        try:
            message = undo()
        except JourneyError as e:
            with st.sidebar:
                show_error(e)
        else:
            notify(message)
            st.rerun()


def undo_last_change(db: Store) -> None:
    """The sidebar's "undo my last change": restores what this session's latest save
    replaced (itself a save, so it can be undone again)."""
    workspace_id = st.session_state.get("workspace_id")
    if workspace_id is None or not db.revisions(
        workspace_id=workspace_id, author=author(), limit=1
    ):
        return
    if st.sidebar.button("↩️ Undo my last change", key="undo_last_change", width="stretch"):
        try:
            revision = db.undo_last(author(), workspace_id=workspace_id)
        except JourneyError as e:
            with st.sidebar:
                show_error(e)
            return
        if revision is None:  # what is left was restored by someone else since
            notify(
                "Nothing of yours left to undo: someone else has restored your latest saves "
                "since (see Workspace and history)."
            )
            st.rerun()
        renew_edit(revision.kind, revision.target_id)  # its form shows what is saved now
        fields = ", ".join(editing.field_label(f) for f in revision.changes)
        notify(f"Undone: {fields} of {editing.revision_title(revision)}.")
        st.rerun()
