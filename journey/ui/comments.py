"""The comments panel of a stage or a moment (the rules are in :mod:`journey.comments`)."""

from __future__ import annotations

import streamlit as st

from .. import comments as comments_rules
from ..model import JourneyError
from ..storage import Store
from .display import literal, notify, show_error
from .sidebar import can_edit, presenting
from .signin import author


def comments_panel(db: Store, target: str, target_id: int, comments: list, key: str) -> None:
    """A stage's or moment's comments shown as text, edit/delete of one's own, a box to add
    one (editors); drawn only while open (``{key}_open``), hidden while presenting."""
    panel = (
        None
        if presenting()
        else st.expander(f"💬 Comments ({len(comments)})", key=f"{key}_open", on_change="rerun")
    )
    if not (panel and panel.open):
        return
    editor, me, change = can_edit(), author(), None
    with panel:
        for c in comments:
            st.caption(literal(comments_rules.byline(c)))
            st.text(c.text)
            if editor and comments_rules.may_change(c, me):
                with st.popover("Edit or delete"), st.form(f"{key}_edit_{c.id}", border=False):
                    text = st.text_area("Comment", c.text, key=f"{key}_text_{c.id}")
                    if st.form_submit_button("Save", type="primary", key=f"{key}_save_{c.id}"):
                        change = ("Comment saved.", db.edit_comment, c.id, c.version, me, text)
                    if st.form_submit_button("🗑️ Delete", key=f"{key}_delete_{c.id}"):
                        change = ("Comment deleted.", db.delete_comment, c.id, me)
        if editor:
            with st.form(f"{key}_new", border=False, clear_on_submit=True):
                text = st.text_area(f"Add a comment (signed {me})", key=f"{key}_new_text")
                if st.form_submit_button("Comment", key=f"{key}_add"):
                    change = ("Comment added.", db.add_comment, target, target_id, me, text)
    try:  # one change per run: save, notify, rerun
        change and (change[1](*change[2:]), notify(change[0]), st.rerun())
    except JourneyError as e:
        show_error(e)
