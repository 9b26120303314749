"""Dot voting: the room spends dots on the friction and key points that matter most.

The facilitator (an editor) opens a vote with N dots per participant, closes, reopens or
resets it, hides the tallies until everyone has voted, and decides whether read-only viewers
may vote. Each participant types a name once per browser session (or is the signed-in
user) and spends dots; the tallies refresh every 2 seconds for everyone. The latest vote
ranks the points in the workshop report.
"""

import streamlit as st

from journey import report, ui, voting
from journey.model import JourneyError

PAGE = ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id
role = ui.role()
vote = db.latest_vote(journey_id)
signed_in = st.user.get("email") if st.user.get("is_logged_in", False) else None


def act(change, *args, done: str = "", **kwargs) -> None:
    """Apply a change; show what went wrong as a message, or rerun to show the new state."""
    try:
        change(*args, **kwargs)
    except JourneyError as error:
        ui.show_error(error)
        return
    if done:
        ui.notify(done)
    st.rerun()


def keep_name() -> None:
    st.session_state["voter"] = st.session_state["_voter_input"]


ui.page_title(PAGE, journey.name)

# ------------------------------------------------------------------ facilitator
if ui.can_edit() and voting.may_run(role):
    with st.expander("Facilitator: run the vote", expanded=vote is None):
        if vote is None or vote["status"] == "closed":
            with st.form("vote_open_form", border=False):
                dots = st.number_input(
                    "Dots per participant", 1, voting.MAX_DOTS, 3, key="vote_dots"
                )
                viewers = st.checkbox("Read-only viewers may vote too", key="vote_viewers")
                if st.form_submit_button("Open a new vote", type="primary"):
                    act(
                        db.open_vote,
                        journey_id,
                        int(dots),
                        viewers_may_vote=viewers,
                        done=f"Vote open: {int(dots)} dots each.",
                    )
        if vote is not None:
            v, version = vote["id"], vote["version"]
            close, hide, viewers, reset = st.columns(4)
            is_open = vote["status"] == "open"
            if close.button("Close the vote" if is_open else "Reopen it", key="vote_close"):
                act(db.update_vote, v, version, status="closed" if is_open else "open")
            if hide.button(
                "Show the tallies" if vote["hidden"] else "Hide the tallies", key="vote_hide"
            ):
                act(db.update_vote, v, version, hidden=not vote["hidden"])
            if viewers.button(
                "Viewers may not vote" if vote["viewers_may_vote"] else "Let viewers vote",
                key="vote_viewers_toggle",
            ):
                act(db.update_vote, v, version, viewers_may_vote=not vote["viewers_may_vote"])
            if reset.button("Reset: take every dot back", key="vote_reset"):
                act(db.reset_vote, v, done="Every dot was taken back.")


# ------------------------------------------------------------------ the live tallies
@st.fragment(run_every="2s")
def tallies() -> None:
    """The state of the vote and its tallies, refreshed for everyone every 2 seconds; the
    whole page reruns when the facilitator changed what the controls below offer."""
    latest = db.latest_vote(journey_id)
    if voting.controls_changed(vote, latest):  # even without the sidebar's live updates
        st.rerun(scope="app")
    counts = db.vote_tallies(latest["id"]) if latest else {}
    participants = db.vote_participants(latest["id"]) if latest else 0
    st.caption(voting.status_text(latest, sum(counts.values()), participants))
    shown = voting.shown_tallies(latest, counts, facilitator=voting.may_run(role))
    if latest is None:
        st.info("No vote yet: the facilitator opens one.")
    elif shown is None:
        st.info("The facilitator has hidden the tallies until everyone has voted.")
    else:
        rows = [
            {"Point": m["title"], "Kind": label, "Stage": m["stage"], "Dots": m["votes"]}
            for kind, label in (("friction", "Friction"), ("key", "Key"))
            for m in report.ranked_moments(journey, kind, shown)
        ]
        ui.short_table(sorted(rows, key=lambda r: -r["Dots"]))


tallies()

# ------------------------------------------------------------------ my dots
if voting.may_vote(role, vote):
    st.subheader("Your dots")
    if signed_in:
        name = signed_in
        st.caption(f"Voting as {ui.literal(signed_in)}.")
    else:
        st.session_state["_voter_input"] = st.session_state.get("voter", "")
        st.text_input(
            "Your name (asked once per browser session)",
            key="_voter_input",
            on_change=keep_name,
            max_chars=voting.MAX_PARTICIPANT,
        )
        name = st.session_state.get("voter", "")
    if name.strip():
        mine = db.vote_dots_of(vote["id"], voting.participant_name(name))
        left = voting.dots_left(vote, sum(mine.values()))
        st.markdown(f"**{left} of {vote['dots']} dots left**")
        for kind, label in (("friction", "Friction points"), ("key", "Key points")):
            st.markdown(f"**{label}**")
            for m in journey.moments:
                if m.kind != kind:
                    continue
                text, plus, minus = st.columns([6, 1, 1], vertical_alignment="center")
                text.markdown(
                    f"{'●' * mine.get(m.id, 0)} {ui.literal(m.title)} "
                    f"· {ui.literal(m.stage.title())}"
                )
                # Material icons: a fullwidth plus sign showed as an empty box with these fonts
                if plus.button(
                    "dot", icon=":material/add:", key=f"vote_plus_{m.id}", disabled=left == 0
                ):
                    act(db.cast_dot, vote["id"], m.id, name)
                if minus.button(
                    "dot",
                    icon=":material/remove:",
                    key=f"vote_minus_{m.id}",
                    disabled=not mine.get(m.id),
                ):
                    act(db.take_back_dot, vote["id"], m.id, name)
elif vote is not None and vote["status"] == "open":
    st.info("Viewers can follow the vote; the facilitator has not let them vote.")
