"""Journey map: the five stages side by side, lane by lane, with the emotion curve.

Shows the customer's emotion across the stages (friction and key points marked), the map as
a table and as the picture that is exported (PNG, SVG), the journey as JSON, and which
channels customers can use at which stage.
"""

import functools

import streamlit as st

from journey import exchange, journey_map, mermaid, report, ui, voting

PAGE = ui.page_setup(__file__)
db = ui.store()
journey = ui.current_journey(db)
journey_id = journey.id
vote = db.latest_vote(journey_id)
votes = voting.map_votes(vote, db.vote_tallies(vote["id"]) if vote else {})  # id -> dots

ui.page_title(PAGE, journey.name)
st.caption(
    "Customer journey map: the **buyer journey** (awareness → decision, in blue) and "
    "what happens **after the purchase** (retention, advocacy, in amber)."
)

# ------------------------------------------------------------------ emotion curve
st.subheader("Emotion across the journey")
ui.altair(ui.cached_chart(journey_map.emotion_curve, journey, votes=votes), key="map_emotion_curve")
st.caption(
    "The line is the customer's emotion at each stage (−2 very negative … +2 very "
    "positive). Red ▼ friction points sit below it, green ▲ key points above it; bigger "
    "means more severe or more impact. Hover a symbol for the planned action."
)

# ------------------------------------------------------------------ the map
st.subheader("The map")
persona = db.get_persona(journey.persona_id).name if journey.persona_id else ""
# the handout, stages side by side: built when the picture is downloaded (then once per
# content), not per rerun
chart = functools.partial(ui.cached_chart, journey_map.map_chart, journey, persona, votes)
lanes_tab, picture_tab = ui.linked_tabs(["Lanes", "Picture"], key="map_view")  # ?map_view=
with lanes_tab:
    table = ui.cached_table(journey_map.map_table, journey, votes)
    st.table(journey_map.style_by_part(table), border="horizontal")
    st.caption(
        "Friction points show their severity and key points their impact, 1 to 5"
        + ("; “· 3 dots”: the dots it got in the latest vote." if votes else ".")
    )
if picture_tab.open:  # drawn only when looked at: it takes about a second
    with picture_tab, st.spinner("Drawing the map…"):
        st.image(ui.cached_svg(journey_map.map_picture, journey, persona, votes), width="content")
        st.caption(
            "The map one stage under the other, to read on screen; the PNG and SVG handouts "
            "below lay the five stages side by side."
        )

st.markdown("**Handout**")
ui.chart_downloads(chart, journey_map.file_stem(journey), key="map_download")
ui.download(
    "⬇️ Journey as JSON (exchange format)",
    lambda: exchange.dumps(db.export_journey(journey_id)),
    f"{journey_map.file_stem(journey).removeprefix('journey-map-')}.json",
    key="map_json",
    help="The journey and its persona in Journey Lab's exchange format: import it elsewhere "
    "with `python -m journey import FILE`.",
)
paper = ui.report_paper(key="map_paper")
for fmt, label in (("pdf", "Workshop report (PDF)"), ("html", "Workshop report (HTML)")):
    ui.download(
        label,
        lambda fmt=fmt: report.build(db, journey_id=journey_id, fmt=fmt, paper=paper),
        report.file_name(journey.name, fmt),
        key=f"map_report_{fmt}",
        help=report.BUTTON_HELP,
        icon=":material/download:",
    )
ui.download(
    "Mermaid journey diagram",
    lambda: mermaid.export(db, journey_id),
    f"{journey_map.file_stem(journey)}.mmd",
    key="map_mermaid",
    icon=":material/download:",
    help=mermaid.BUTTON_HELP,
)

# ------------------------------------------------------------------ channels
st.subheader("Channels by stage")
st.caption(
    "How many touchpoints and friction or key points use each channel at each stage "
    "(names compared ignoring case). A gap is a stage where a channel is not used "
    "although it is used before it and after it: customers who come back to the "
    "channel cannot use it there."
)
matrix = journey_map.channel_matrix(journey)
if matrix.empty:
    st.info("No touchpoints yet: add them on the stage pages to see the channels here.")
else:
    ui.altair(
        ui.cached_chart(journey_map.channel_matrix_chart, journey), key="channel_matrix_chart"
    )
    with st.expander("As a table"):
        st.dataframe(matrix, key="channel_matrix", width="stretch")
    gaps = journey_map.gap_rows(journey)
    st.markdown(f"**Channel gaps** ({len(gaps)} of {len(matrix)} channels)")
    st.dataframe(gaps, key="channel_gaps", hide_index=True, width="stretch")
