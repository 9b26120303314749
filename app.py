"""Journey Lab home: the workspaces and journeys in this database."""

import streamlit as st

from journey import ui

ui.page_setup("Home")
db = ui.store()
ui.sidebar(db)

st.title("🧭 Journey Lab")
st.write(
    "Map how customers travel from first hearing of you to loyal advocacy: a buyer persona, "
    "the five stages, the friction points and key points, and how long the **buyer journey** "
    "(awareness → decision) takes against the whole **customer journey**."
)

journeys = db.journeys()
workspaces = db.workspaces()
left, middle, right = st.columns(3)
left.metric("Workspaces", len(workspaces))
middle.metric("Journeys", len(journeys))
right.metric("Friction points", sum(j["friction_points"] for j in journeys))

for ws in workspaces:
    st.subheader(ws.name)
    if ws.description:
        st.caption(ws.description)
    rows = [
        {
            "Journey": j["name"],
            "Persona": j["persona"] or "—",
            "Stages": j["stages"],
            "Friction points": j["friction_points"],
            "Key points": j["key_points"],
            "Updated": j["updated_at"],
        }
        for j in journeys
        if j["workspace_id"] == ws.id
    ]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", key=f"journeys_{ws.id}")
    else:
        st.info("No journeys yet in this workspace.")
