"""Comments on stages and moments: stored with author and time, own ones editable, kept by
exports, imports, snapshots and restores."""

import json

import pytest

from journey import comments, exchange
from journey.comments import NotYourCommentError
from journey.model import Comment, ConflictError, ValidationError
from journey.storage import Store


def first_moment(store: Store, journey_id: int):
    return store.load_journey(journey_id).stage("decision").moments[0]


def test_a_comment_on_a_moment_is_stored_with_its_author_time_and_text(store, journey_id):
    moment = first_moment(store, journey_id)
    added = store.add_comment("moment", moment.id, "Ana", "  Ask the bank partner  ")
    assert (added.author, added.text, added.version) == ("Ana", "Ask the bank partner", 1)
    assert added.created_at == added.updated_at != ""
    loaded = first_moment(store, journey_id)
    assert loaded.comments == [added]


def test_comments_on_a_stage_load_with_the_stage_oldest_first(store, journey_id):
    stage = store.load_journey(journey_id).stage("awareness")
    store.add_comment("stage", stage.id, "Ana", "first")
    store.add_comment("stage", stage.id, "Bo", "second")
    loaded = store.load_journey(journey_id).stage("awareness")
    assert [(c.author, c.text) for c in loaded.comments] == [("Ana", "first"), ("Bo", "second")]
    assert store.load_journey(journey_id).stage("decision").comments == []


def test_empty_or_overlong_comments_are_refused(store, journey_id):
    moment = first_moment(store, journey_id)
    with pytest.raises(ValidationError, match="cannot be empty"):
        store.add_comment("moment", moment.id, "Ana", "   ")
    with pytest.raises(ValidationError, match="the limit is 5,000"):
        store.add_comment("moment", moment.id, "Ana", "x" * 5001)
    assert store.comments("moment", moment.id) == []


def test_the_author_can_edit_a_comment_and_the_edit_is_dated(store, journey_id):
    moment = first_moment(store, journey_id)
    c = store.add_comment("moment", moment.id, "Ana", "draft")
    store.edit_comment(c.id, c.version, "Ana", "final")
    edited = store.get_comment(c.id)
    assert (edited.text, edited.version) == ("final", 2)


def test_nobody_else_can_edit_or_delete_a_comment(store, journey_id):
    moment = first_moment(store, journey_id)
    c = store.add_comment("moment", moment.id, "Ana", "mine")
    with pytest.raises(NotYourCommentError, match="only Ana can change"):
        store.edit_comment(c.id, c.version, "Bo", "hijacked")
    with pytest.raises(NotYourCommentError):
        store.delete_comment(c.id, "Bo")
    assert store.get_comment(c.id).text == "mine"


def test_a_stale_edit_of_a_comment_is_a_conflict(store, journey_id):
    moment = first_moment(store, journey_id)
    c = store.add_comment("moment", moment.id, "Ana", "v1")
    store.edit_comment(c.id, 1, "Ana", "v2")
    with pytest.raises(ConflictError):
        store.edit_comment(c.id, 1, "Ana", "v2 from an old tab")
    assert store.get_comment(c.id).text == "v2"


def test_the_author_can_delete_a_comment(store, journey_id):
    moment = first_moment(store, journey_id)
    c = store.add_comment("moment", moment.id, "Ana", "gone soon")
    store.delete_comment(c.id, "Ana")
    assert store.comments("moment", moment.id) == []


def test_deleting_a_moment_deletes_its_comments_and_undo_brings_them_back(store, journey_id):
    moment = first_moment(store, journey_id)
    store.add_comment("moment", moment.id, "Ana", "keep me")
    snapshot_id = store.delete_moment(moment.id)
    assert store.db.execute("SELECT count(*) FROM comments").fetchone()[0] == 0
    store.restore_snapshot(snapshot_id)
    restored = first_moment(store, journey_id)
    assert [(c.author, c.text) for c in restored.comments] == [("Ana", "keep me")]


def test_exports_carry_comments_and_round_trip_them_exactly(store, journey_id, tmp_path):
    j = store.load_journey(journey_id)
    store.add_comment("stage", j.stage("awareness").id, "Ana", "<b>not bold</b>")
    store.add_comment("moment", first_moment(store, journey_id).id, "Bo", "Call the bank")
    doc = store.export_workspace(j.workspace_id)
    stage = doc["journeys"][0]["stages"][0]
    assert [c["text"] for c in stage["comments"]] == ["<b>not bold</b>"]
    assert doc["journeys"][0]["stages"][2]["moments"][0]["comments"][0]["author"] == "Bo"
    assert doc["format_version"] == 2
    fresh = Store(tmp_path / "empty.db")
    result = fresh.import_document(json.loads(exchange.dumps(doc)))
    again = fresh.export_workspace(result.workspace_id)
    assert {**again, "exported_at": ""} == {**doc, "exported_at": ""}


def test_a_version_1_file_is_upgraded_on_import(store, journey_id, tmp_path):
    doc = store.export_workspace(store.load_journey(journey_id).workspace_id)
    doc["format_version"] = 1
    parsed = exchange.parse_document(doc)
    assert parsed.journeys[0][0].stage("decision").moments[0].comments == []
    assert doc["format_version"] == 1  # the caller's document is left as it was
    fresh = Store(tmp_path / "empty.db")
    result = fresh.import_document(doc)
    assert fresh.export_workspace(result.workspace_id)["format_version"] == 2


def test_a_comment_without_text_in_a_file_is_refused_with_its_path(store, journey_id):
    doc = store.export_workspace(store.load_journey(journey_id).workspace_id)
    doc["journeys"][0]["stages"][1]["comments"] = [
        {"author": "A", "text": "", "created_at": "2026-01-01T00:00:00+00:00"}
    ]
    with pytest.raises(ValidationError, match=r"journeys\[0\]\.stages\[1\]\.comments\[0\]\.text"):
        exchange.parse_document(doc)


def test_only_the_author_may_change_a_comment():
    c = Comment(author="Ana", text="t")
    assert comments.may_change(c, "Ana")
    assert not comments.may_change(c, "Bo")
    assert not comments.may_change(Comment(author="", text="t"), "")


def test_a_comment_label_names_author_time_and_edits():
    c = Comment(
        author="Ana",
        text="Call",
        created_at="2026-11-29T10:05:00+00:00",
        updated_at="2026-11-29T11:00:00+00:00",
    )
    assert comments.label(c) == "Ana, 2026-11-29 10:05 (edited): Call"


def test_the_report_lists_comments_in_map_order_with_what_they_are_about(store, journey_id):
    from journey import report

    j = store.load_journey(journey_id)
    store.add_comment("moment", first_moment(store, journey_id).id, "Bo", "Call the bank")
    store.add_comment("stage", j.stage("awareness").id, "Ana", "Too many ads")
    rows = report.comment_rows(store.load_journey(journey_id))
    assert [(r["on"], r["author"], r["text"]) for r in rows] == [
        ("Awareness", "Ana", "Too many ads"),
        ("Decision · Friction point “Financing is slow”", "Bo", "Call the bank"),
    ]


def test_comments_appear_in_the_html_report_as_text_never_markup(store, journey_id):
    from journey import report

    moment = first_moment(store, journey_id)
    store.add_comment("moment", moment.id, "Ana", '<script>alert("x")</script> check')
    page = report.build(store, journey_id=journey_id, fmt="html").decode()
    assert "<h2>Comments</h2>" in page
    shown = page.replace(report.ZERO_WIDTH_SPACE, "")  # long words' break opportunities
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; check" in shown
    assert "<script>" not in page


def test_hovering_a_marker_or_stage_on_the_map_shows_its_comments(store, journey_id):
    from journey import journey_map

    j = store.load_journey(journey_id)
    store.add_comment("moment", first_moment(store, journey_id).id, "Bo", "Call the bank")
    store.add_comment("stage", j.stage("awareness").id, "Ana", "Too <i>many</i> ads")
    spec = journey_map.emotion_curve(store.load_journey(journey_id)).to_dict()
    rows = [row for data in spec["datasets"].values() for row in data]
    by_title = {row["title"]: row["comments"] for row in rows if "comments" in row}
    assert by_title["Financing is slow"].startswith("Bo, ")
    assert by_title["Financing is slow"].endswith(": Call the bank")
    assert any(c.endswith(": Too <i>many</i> ads") for c in by_title.values())
    tooltips = [
        t["title"] for layer in spec["layer"] for t in layer.get("encoding", {}).get("tooltip", [])
    ]
    assert tooltips.count("Comments") == 2


def test_a_tooltip_shows_the_latest_three_comments_and_counts_the_rest():
    made = [
        Comment(author="A", text=f"c{i}", created_at=f"2026-11-29T10:0{i}:00+00:00")
        for i in range(5)
    ]
    assert comments.tooltip_text(made) == (
        "+2 earlier | A, 2026-11-29 10:02: c2 | A, 2026-11-29 10:03: c3 | A, 2026-11-29 10:04: c4"
    )
    assert comments.tooltip_text([]) == "—"
