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
    st.header(ui.literal(ws.name), divider="gray")
    if ws.description:
        st.caption(ui.literal(ws.description))
    mine = [j for j in journeys if j["workspace_id"] == ws.id]
    if not mine:
        st.info("No journeys yet in this workspace: start one from the sidebar.")
    for column, j in zip(st.columns(3) * len(mine), mine, strict=False):
        with column.container(border=True, key=f"journey_card_{j['id']}"):
            st.subheader(ui.literal(j["name"]))
            st.caption("Persona: " + ui.literal(j["persona"] or "none yet"))
            st.write(f"{j['stages']} stages · {j['friction_points']} friction points · "
                     f"{j['key_points']} key points")
            st.caption(f"Journey {j['id']} · updated {j['updated_at'][:16].replace('T', ' ')}")
