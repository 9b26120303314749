"""Present: the journey as a deck for a projector, one 1280x720 screen per slide.

The persona, one slide per stage (its figures, what the customer does and thinks, the
friction and key points with their actions), the buyer-against-customer timeframes and a
summary (friction points by severity, key points by impact). Previous and Next, or ←/→ and
PageUp/PageDown wherever the focus is (but in a text field), move between slides; the slide
is kept in the link (``?slide=N``), so a reload or a shared link opens the same one.
"""

import streamlit as st

from journey import charts, formulas, journey_map, presentation, report, ui, voting

ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
vote = db.latest_vote(journey.id)
votes = voting.map_votes(vote, db.vote_tallies(vote["id"]) if vote else {})  # id -> dots
persona = db.get_persona(journey.persona_id) if journey.persona_id else None
slides = presentation.paged_deck(
    journey_map.deck(journey),
    {c["stage"]: c for c in journey_map.stage_cards(journey)},
    journey_map.ranked_points(journey, "friction"),
    journey_map.ranked_points(journey, "key"),
)

asked = ui.query_number("slide", what="slide", floating=True)
if asked is not None and not 1 <= asked <= len(slides):
    ui.link_notice(
        f"The link asks for slide {asked}; this deck has slides 1 to {len(slides)}.",
        floating=True,
    )
    asked = None
if asked is not None:
    st.session_state["present_slide"] = asked - 1
index = min(max(st.session_state.get("present_slide", 0), 0), len(slides) - 1)
st.session_state["present_slide"] = index
st.query_params["slide"] = str(index + 1)


def move(by: int) -> None:
    """Go ``by`` slides forward (or back), never past the first or the last."""
    st.session_state["present_slide"] = min(
        max(st.session_state["present_slide"] + by, 0), len(slides) - 1
    )
    st.query_params["slide"] = str(st.session_state["present_slide"] + 1)


def points(items: list[dict], measure: str) -> str:
    """Friction or key points as a Markdown list: the title, its rating, its dots in the
    latest vote (unless hidden) and the action."""
    return (
        "\n".join(
            f"- **{ui.literal(m['title'])}** ({measure} {m['severity']}/5"
            + (f", {journey_map.dots_text(votes[m['id']])})" if votes.get(m["id"]) else ")")
            + (f"  \n  → {ui.literal(m['action'])}" if m["action"] else "")
            for m in items
        )
        or "None recorded."
    )


def persona_slide() -> None:
    st.header(f":material/person: {ui.literal(persona.name) if persona else 'No persona yet'}")
    if persona is None:
        st.write(
            "This journey has no persona: pick one on the Stages page or start the journey "
            "from a persona card."
        )
        return
    st.caption(" · ".join(ui.literal(x) for x in (persona.role, persona.age_range) if x))
    if persona.quote:
        st.markdown(f"*“{ui.literal(persona.quote)}”*")
    goals, pains, channels = st.columns(3, gap="large")
    goals.markdown(
        f"**Goals**  \n{ui.literal(persona.goals) or '—'}  \n\n**Motivations**  \n"
        f"{ui.literal(persona.motivations) or '—'}"
    )
    pains.markdown(f"**Pain points**  \n{ui.literal(persona.pain_points) or '—'}")
    channels.markdown(
        "**Channels**\n" + ("\n".join(f"- {ui.literal(c)}" for c in persona.channels) or "—")
    )


def stage_slide(slide: dict) -> None:
    card = slide["content"]
    st.header(f"{card['number']}. {ui.literal(slide['title'])}")
    st.markdown(
        f"**{card['part']}** · feels **{card['feeling']}** · takes "
        f"**{card['duration']}**"
        + (f" · **{card['conversion']}** go on" if card["conversion"] else "")
    )
    doing, friction, key = st.columns(3, gap="large")
    if card["page"] > 1:
        doing.markdown("*Continued from the previous slide*")
    else:
        doing.markdown(
            f"**:material/flag: Goal**  \n{ui.literal(card['goal']) or '—'}\n\n"
            f"**:material/directions_walk: Doing**  \n{ui.literal(card['actions']) or '—'}"
            + (f"\n\n*“{ui.literal(card['thoughts'])}”*" if card["thoughts"] else "")
        )
    friction.markdown(
        "**:material/error: Friction points**\n\n" + points(card["friction"], "severity")
    )
    key.markdown("**:material/star: Key points**\n\n" + points(card["key"], "impact"))
    notes = ["Touchpoints: " + ui.literal(card["touchpoints"])] if card["touchpoints"] else []
    if card["clipped"]:
        notes.append(presentation.CLIPPED_NOTE)
    if notes:
        st.caption(" · ".join(notes))


def timeframe_slide() -> None:
    st.header(":material/timer: Buyer journey against customer journey")
    days = formulas.stage_days(journey)
    buyer, customer = journey_map.timeframes(journey)
    st.markdown(
        f"The **buyer journey** (awareness → decision) takes **{buyer}**; the whole "
        f"**customer journey** takes **{customer}**."
    )
    ui.altair(charts.timeframe_chart(days), key="present_timeframes", width="content", pad=True)


def summary_slide(slide: dict) -> None:
    st.header(f":material/summarize: {slide['title']}")
    for column, kind, heading, measure in zip(
        st.columns(2, gap="large"),
        ("friction", "key"),
        (
            ":material/error: Friction points, most severe first",
            ":material/star: Key points, most impact first",
        ),
        ("severity", "impact"),
        strict=True,
    ):
        column.markdown(f"**{heading}**\n\n{points(slide['content'][kind], measure)}")
    if slide["content"]["clipped"]:
        st.caption(presentation.CLIPPED_NOTE)


back, where, forward = st.columns([1, 5, 1], vertical_alignment="center")
back.button(
    "Previous",
    key="present_prev",
    icon=":material/arrow_back:",
    on_click=move,
    args=(-1,),
    disabled=index == 0,
    width="stretch",
)
forward.button(
    "Next",
    key="present_next",
    icon=":material/arrow_forward:",
    on_click=move,
    args=(1,),
    disabled=index == len(slides) - 1,
    width="stretch",
    type="primary",
)
where.progress(
    (index + 1) / len(slides),
    text=f"{ui.literal(presentation.clamp(journey.name, presentation.JOURNEY_NAME_CHARS))}"
    f" · slide {index + 1} "
    f"of {len(slides)}: {ui.literal(slides[index]['title'])} · ←/→ to move",
)
st.html(presentation.DECK_KEYS_JS, unsafe_allow_javascript=True)
st.html(presentation.DECK_CSS)

slide = slides[index]
if slide["kind"] == "persona":
    persona_slide()
elif slide["kind"] == "stage":
    stage_slide(slide)
elif slide["kind"] == "timeframes":
    timeframe_slide()
else:
    summary_slide(slide)

ui.download(
    "Workshop report (PDF)",
    lambda: report.build(db, journey_id=journey.id, fmt="pdf"),
    report.file_name(journey.name, "pdf"),
    key="present_report",
    icon=":material/download:",
    help=report.BUTTON_HELP,
)
