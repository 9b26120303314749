"""Journey Lab home: the workspaces and journeys in this database, and starting a new one.

Each journey card opens the journey; "New journey" creates one (blank or from a sample
template, for a persona: ``?persona=ID`` picks it, as the persona cards link here) and opens
its Stages page.
"""

import streamlit as st

from journey import editing, samples, ui
from journey.formatting import people
from journey.model import JourneyError, ValidationError

PAGE = ui.page_setup(__file__)
db = ui.store()
ui.sidebar(db)

ui.page_title(PAGE)
st.write(
    "Map how customers travel from first hearing of you to loyal advocacy: a buyer persona, "
    "the five stages, the friction points and key points, and how long the **buyer journey** "
    "(awareness → decision) takes against the whole **customer journey**."
)

journeys = db.journeys()
CARDS = 24  # journey cards per workspace until "Show all" (each card is a dozen elements)
workspaces = db.workspaces()
workspace_id = st.session_state.get("workspace_id")


def new_journey_form() -> None:
    personas = {p.id: p.name for p in db.personas(workspace_id)}
    if (wanted := ui.query_number("persona", what="persona")) is not None:
        st.query_params.pop("persona")  # picked once, then the form is the person's
        if wanted in personas:
            st.session_state["new_journey_persona"] = wanted
        else:
            ui.link_notice(f"The link asks for persona {wanted}, which is not in this workspace.")
    with st.form("new_journey_form"):  # not cleared: a second click must not send it empty
        st.markdown("**New journey**")
        name_col, persona_col, template_col = st.columns(3)
        name = name_col.text_input(
            "Journey name", key="new_journey_name", placeholder="e.g. First-time car buyer"
        )
        persona_id = persona_col.selectbox(
            "Persona",
            [None, *personas],
            key="new_journey_persona",
            format_func=lambda i: personas.get(i, "No persona"),
        )
        template = template_col.selectbox(
            "Start from",
            [None, *samples.SAMPLES],
            key="new_journey_template",
            format_func=lambda s: samples.SAMPLES.get(s, "Blank"),
            help="A sample's stages, touchpoints, friction and key points; not its KPI values "
            "or scenarios.",
        )
        if st.form_submit_button("Create journey", type="primary", icon=":material/add:"):
            try:
                created = samples.new_journey(db, workspace_id, name, persona_id, template)
            except ValidationError as e:
                st.error(ui.literal(editing.error_message(e)))
            except JourneyError as e:
                ui.show_error(e)
            else:
                st.session_state["journey_id"] = created.id
                ui.notify(f"Journey “{created.name}” created: fill in its stages.")
                st.switch_page("pages/2_Stages.py", query_params={"journey": created.id})


def new_workspace_form() -> None:
    with (
        st.expander("New workspace", icon=":material/create_new_folder:"),
        st.form("new_workspace_form", clear_on_submit=True, border=False),
    ):
        ws_name = st.text_input("Workspace name", key="new_workspace_name")
        if st.form_submit_button("Create workspace"):
            try:
                ws = db.create_workspace(ws_name)
            except JourneyError as e:
                ui.show_error(e)
            else:
                st.session_state["workspace_id"] = ws.id
                st.rerun()


if ui.can_edit():
    if workspace_id is not None:
        new_journey_form()
    new_workspace_form()

left, middle, right = st.columns(3)
left.metric("Workspaces", people(len(workspaces)))
middle.metric("Journeys", people(len(journeys)))
right.metric("Friction points", people(sum(j.friction_points for j in journeys)))

for ws in workspaces:
    st.header(ui.literal(ws.name), divider="gray")
    if ws.description:
        st.caption(ui.literal(ws.description))
    mine = [j for j in journeys if j.workspace_id == ws.id]
    if not mine:
        st.info("No journeys yet in this workspace: start one with New journey above.")
    shown = mine if st.session_state.get(f"all_journeys_{ws.id}") else mine[:CARDS]
    for column, j in zip(st.columns(3) * len(shown), shown, strict=False):
        with column.container(border=True, key=f"journey_card_{j.id}"):
            st.subheader(ui.literal(j.name))
            st.caption("Persona: " + ui.literal(j.persona or "none yet"))
            st.write(
                f"{people(j.friction_points)} friction points · {people(j.key_points)} key points"
            )
            st.caption(f"Updated {j.updated_at[:16].replace('T', ' ')}")
            ui.link("pages/2_Stages.py", "Open", ":material/open_in_new:", journey=j.id)
            ui.link("pages/4_Journey_map.py", "Map", ":material/map:", journey=j.id)
    if len(mine) > CARDS:
        st.toggle(f"Show all {len(mine)} journeys", key=f"all_journeys_{ws.id}")
