"""Present: step through the journey one stage at a time, in large type, for a projector.

Previous and Next (or the left and right arrow keys) move between the five stages; the step
is kept in the session. Nothing here edits the journey. A small emotion curve marks where
the current stage sits.
"""

import streamlit as st

from journey import journey_map, report, ui

ui.page_setup("Present", "🎬")
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id

cards = journey_map.stage_cards(journey)
last = len(cards) - 1
st.session_state["present_step"] = min(max(st.session_state.get("present_step", 0), 0), last)


def move(by: int) -> None:
    """Go ``by`` stages forward (or back), never past the first or the last."""
    st.session_state["present_step"] = min(max(st.session_state["present_step"] + by, 0), last)


def moments(items: list[dict], measure: str) -> str:
    """Friction or key points as a Markdown list: the title, its rating and the action."""
    return "\n".join(f"- **{ui.literal(m['title'])}** ({measure} {m['severity']}/5)"
                     + (f"  \n  → {ui.literal(m['action'])}" if m["action"] else "")
                     for m in items) or "None recorded."


step = st.session_state["present_step"]
card = cards[step]

# ------------------------------------------------------------------ navigation
back, where, forward = st.columns([1, 4, 1], vertical_alignment="center")
back.button("◀ Previous", key="present_prev", on_click=move, args=(-1,), disabled=step == 0,
            width="stretch", shortcut="Left")
forward.button("Next ▶", key="present_next", on_click=move, args=(1,), disabled=step == last,
               width="stretch", type="primary", shortcut="Right")
where.markdown(" › ".join(f"**{c['label'].upper()}**" if c is card else c["label"]
                          for c in cards), text_alignment="center")
where.progress((step + 1) / len(cards), text=f"Stage {step + 1} of {len(cards)} · "
               f"{card['part']} · {ui.literal(journey.name)}")

# ------------------------------------------------------------------ the stage
st.title(f"{card['number']}. {ui.literal(card['title'])}")
feeling, takes, goes_on = st.columns(3)
feeling.metric("Emotion", f"{card['emotion']:+d}".replace("+0", "0"), card["feeling_word"],
               delta_arrow="off", border=True, delta_color="green" if card["emotion"] > 0
               else "red" if card["emotion"] < 0 else "gray")
takes.metric("Takes", card["duration_short"], help=card["duration"], border=True)
goes_on.metric("Go on to the next stage", card["conversion"] or "—", border=True)
left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown(f"### :material/flag: Goal\n{ui.literal(card['goal']) or '—'}")
    if card["thoughts"]:
        st.markdown(f"### :material/chat_bubble: Thinking\n*“{ui.literal(card['thoughts'])}”*")
    st.markdown(f"### :material/directions_walk: Doing\n{ui.literal(card['actions']) or '—'}")
with right:
    st.altair_chart(journey_map.emotion_curve(journey, highlight=card["stage"], height=190),
                    key="present_curve", width="stretch")


touch, friction, key = st.columns(3, gap="large")
touch.markdown("### :material/pin_drop: Touchpoints\n" + (
    "\n".join(f"- {ui.literal(line)}" for line in card["touchpoints"]) or "None recorded."))
friction.markdown(f"### :material/error: Friction points\n{moments(card['friction'], 'severity')}")
key.markdown(f"### :material/star: Key points\n{moments(card['key'], 'impact')}")
st.download_button("⬇️ Workshop report (PDF)", key="present_report", on_click="ignore",
                   data=lambda: report.build(db, journey_id=journey_id, fmt="pdf"),
                   file_name=report.file_name(journey.name, "pdf"), mime=report.MIME["pdf"],
                   help=report.BUTTON_HELP)
