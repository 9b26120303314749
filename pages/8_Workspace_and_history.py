"""Workspace: export and import whole workspaces, and undo through snapshots."""

import streamlit as st

from journey import editing, exchange, mermaid, report, ui
from journey.model import JourneyError, ValidationError, stage_label
from journey.storage import kept_note

PAGE = ui.page_setup(__file__)
db = ui.store()
journey_id = ui.sidebar(db)
workspace_id = st.session_state.get("workspace_id")

ui.page_title(PAGE)
if workspace_id is None:
    st.info("No workspace yet: create one on the Home page (New workspace).")
    st.stop()
workspace = db.get_workspace(workspace_id)
st.caption("Workspace: " + ui.literal(workspace.name))

st.header("Export", divider="gray")
st.write(
    "The whole workspace as one JSON file (the exchange format), for backups, handouts "
    "or moving to another Journey Lab."
)
left, middle = st.columns(2)
ui.download(
    "⬇️ Workspace as JSON",
    lambda: exchange.dumps(db.export_workspace(workspace_id)),
    f"journey-lab-workspace-{workspace_id}.json",
    key="export_workspace",
    where=left,
)
if journey_id is not None:
    journey = db.load_journey(journey_id)
    ui.download(
        "⬇️ This journey as JSON",
        lambda: exchange.dumps(db.export_journey(journey_id)),
        f"journey-{journey_id}.json",
        key="export_journey",
        where=middle,
    )
    csv_columns = st.columns(3)
    for column, (label, make) in zip(
        csv_columns,
        [
            ("stages", exchange.stages_csv),
            ("moments", exchange.moments_csv),
            ("metrics", exchange.metrics_csv),
        ],
        strict=True,
    ):
        ui.download(
            f"⬇️ {label.title()} as CSV",
            make(journey),
            f"journey-{journey_id}-{label}.csv",
            key=f"export_csv_{label}",
            where=column,
        )

st.subheader("Workshop report of the workspace")
st.caption(
    "Every journey of the workspace in one handout (persona, map, charts, friction and key "
    "points, KPIs, scenarios); `python -m journey report --workspace ID` writes the same. "
    "A large workspace takes a while: the bar shows how far it is."
)
left, middle = st.columns(2)
report_format = (
    left.segmented_control(
        "Report format",
        list(report.FORMATS),
        default="pdf",
        key="ws_report_format",
        format_func=str.upper,
    )
    or "pdf"
)
report_paper = ui.report_paper(key="ws_report_paper", where=middle)
if st.button("Build the workspace report", key="ws_report_build", icon=":material/description:"):
    try:
        st.session_state["ws_report"] = (
            workspace_id,
            report_format,
            report.build(
                db,
                workspace_id=workspace_id,
                fmt=report_format,
                paper=report_paper,
                progress=ui.progress_bar(),
            ),
        )
    except JourneyError as e:
        ui.show_error(e)
built = st.session_state.get("ws_report")
if built and built[0] == workspace_id:
    ui.download(
        f"Workshop report ({built[1].upper()})",
        built[2],
        report.file_name(workspace.name, built[1]),
        key="ws_report_download",
        icon=":material/download:",
    )

if ui.can_edit():
    st.header("Import", divider="gray")
    st.write(
        "The file is checked whole before anything is written; a rejected file changes "
        "nothing. Replacing saves a snapshot of the workspace first."
    )
    upload = st.file_uploader("Journey Lab JSON file", type=["json"], key="import_file")
    mode = st.radio(
        "Put it",
        ["into a new workspace", "into this workspace (add)", "over this workspace (replace)"],
        key="import_mode",
        horizontal=True,
    )
    if upload is not None and st.button("Import", key="import_button", type="primary"):
        try:
            doc = exchange.load_document(upload.getvalue(), name=upload.name)
            result = db.import_document(
                doc,
                workspace_id=None if mode.startswith("into a new") else workspace_id,
                replace=mode.startswith("over"),
            )
        except ValidationError as e:
            ui.show_error(exchange.in_file(e, upload.name))
        except JourneyError as e:
            ui.show_error(e)
        else:
            st.session_state["workspace_id"] = result.workspace_id
            st.success(
                f"Imported {result.personas} persona(s) and "
                f"{len(result.journeys)} journey(s)" + kept_note(result) + "."
            )

    st.subheader("A journey from Mermaid text")
    st.caption(
        "Paste a Mermaid `journey` diagram (the Journey map page exports one): its sections "
        "become the five stages, by name or else by order, and its actor the persona."
    )
    text = st.text_area(
        "Mermaid journey diagram",
        key="mermaid_text",
        height=160,
        max_chars=mermaid.MAX_TEXT,
        placeholder="journey\n  title Buying a bike\n  section Awareness\n    Sees an ad: 3: Sam",
    )
    if st.button("Create the journey", key="mermaid_import", disabled=not text.strip()):
        try:
            imported = mermaid.from_mermaid(text)
            created_id = mermaid.store_imported(db, workspace_id, imported)
        except JourneyError as e:
            ui.show_error(e)
        else:
            st.session_state["journey_id"] = created_id
            for message in imported.messages:
                ui.notify(message)
            ui.notify(f"Journey “{imported.journey.name}” created from the Mermaid text.")
            st.switch_page("pages/2_Stages.py", query_params={"journey": created_id})

st.header("History", divider="gray")
st.subheader("Edits")
st.write(
    "Every save is kept: who, when, and each field before and after. Restoring a save "
    "puts back what it replaced (only those fields), and is itself a save you can undo."
)
only_journey = journey_id is not None and st.toggle("This journey only", key="history_journey")
revisions = db.revisions(
    workspace_id=workspace_id, limit=50, journey_id=journey_id if only_journey else None
)
stage_names = (
    {}
    if journey_id is None
    else {s.id: stage_label(s.stage) for s in db.load_journey(journey_id).stages}
)
if not revisions:
    st.info("No edits saved yet.")
for revision in revisions:
    with st.container(border=True, key=f"revision_{revision.id}"):
        text, action = st.columns([4, 1])
        text.text(editing.revision_heading(revision))
        text.dataframe(
            editing.change_rows(
                revision.changes, {"stage_id": lambda i: stage_names.get(i, f"stage {i}")}
            ),
            hide_index=True,
            key=f"revision_{revision.id}_changes",
        )
        if ui.can_edit() and action.button("Restore", key=f"restore_revision_{revision.id}"):
            try:
                restored = db.restore_revision(revision.id)
            except JourneyError as e:
                ui.show_error(e)
            else:
                ui.renew_edit(revision.kind, revision.target_id)
                ui.notify(editing.restored_notice(revision, restored))
                st.rerun()

st.subheader("Snapshots")
st.write(
    "A snapshot is saved before anything destructive (deleting, importing over, "
    "restoring). Restoring one snapshots what it replaces first, so it can be undone too."
)
snapshots = db.snapshots(workspace_id=workspace_id)
if ui.can_edit() and st.button("📸 Snapshot this workspace now", key="snapshot_now"):
    ui.notify(f"Snapshot #{db.snapshot_workspace(workspace_id, 'saved by hand')} saved.")
    st.rerun()
if not snapshots:
    st.info("No snapshots yet.")
for snap in snapshots[:50]:
    with st.container(border=True, key=f"snapshot_{snap.id}"):
        text, action = st.columns([4, 1])
        text.write(
            f"**#{snap.id}** · {snap.created_at.replace('T', ' ')[:16]} · " + ui.literal(snap.title)
        )
        text.caption(ui.literal(snap.reason))
        if ui.can_edit() and action.button("Restore", key=f"restore_{snap.id}"):
            try:
                result = db.restore_snapshot(snap.id)
            except JourneyError as e:
                ui.show_error(e)
            else:
                if result.kind == "journey":
                    st.session_state["journey_id"] = result.id
                ui.notify(
                    f"Restored {result.kind} {result.id} from snapshot #{snap.id}"
                    + kept_note(result)
                    + "."
                )
                st.rerun()
