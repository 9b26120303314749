"""The workshop report: what the PDF and HTML hold, read back from the real files."""

from __future__ import annotations

import datetime as dt
import html.parser
import io
import re

import pytest
from pypdf import PdfReader

from journey import report
from journey.model import Moment, Persona, Scenario, Stage, ValidationError, stage_label
from journey.storage import Store

NOW = dt.datetime(2026, 11, 29, 9, 30, tzinfo=dt.UTC)
HOSTILE = '<script>alert("x")</script><img src="https://evil.example/p.png">'


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, spaces collapsed (PDF text extraction breaks lines freely)."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


@pytest.fixture
def car(seeded: Store):
    """The sample car journey (it has an event log), loaded whole."""
    journey_id = next(j.id for j in seeded.journeys() if j.name == "Buying a family car")
    return seeded, seeded.load_journey(journey_id)


# ---------------------------------------------------------------------------- the PDF


def test_the_pdf_holds_the_persona_every_stage_every_friction_point_and_action_and_timeframes(car):
    store, journey = car
    persona = store.get_persona(journey.persona_id)
    text = pdf_text(report.build(store, journey_id=journey.id, fmt="pdf", now=NOW))

    assert persona.name in text
    assert " ".join(persona.quote.split()) in text
    for stage in journey.stages:
        assert stage_label(stage.stage) in text
        assert " ".join(stage.label.split()) in text
    frictions = [m for m in journey.moments if m.kind == "friction"]
    assert len(frictions) >= 5
    for m in frictions:
        assert " ".join(m.title.split()) in text
        assert " ".join(m.action.split()) in text
    # The two timeframes: 14 + 30 + 7 = 51 days; + 1,460 + 365 = 1,876 days (sample data).
    assert "Buyer journey awareness → decision 51 days" in text
    assert "Customer journey awareness → advocacy 5.1 years" in text
    assert "2026-11-29 09:30 UTC" in text


def test_the_pdf_of_a_journey_with_an_event_log_shows_observed_timeframes_and_data_quality(car):
    store, journey = car
    dataset = store.event_datasets(journey.id)[0]
    text = pdf_text(report.build(store, journey_id=journey.id, fmt="pdf"))

    assert "Observed (median)" in text
    assert f"Data quality: Event log {dataset.name}" in text
    assert f"{dataset.total_rows:,} rows read" in text


def test_a_journey_without_an_event_log_says_its_timeframes_are_estimates(store, journey_id):
    text = pdf_text(report.build(store, journey_id=journey_id, fmt="pdf"))

    assert "No event log is imported for this journey" in text
    assert "Observed (median)" not in text


def test_the_pdf_comes_in_a4_and_us_letter(store, journey_id):
    sizes = {}
    for paper in ("a4", "letter"):
        data = report.build(store, journey_id=journey_id, fmt="pdf", paper=paper)
        box = PdfReader(io.BytesIO(data)).pages[0].mediabox
        sizes[paper] = (round(float(box.width)), round(float(box.height)))

    assert sizes == {"a4": (595, 842), "letter": (612, 792)}


def test_page_breaks_never_split_a_stage(store):
    """Five long stages cannot share pages evenly: each must still sit on one page."""
    ws = store.create_workspace("Long")
    stages = [
        Stage(
            stage=key,
            label=f"Stage heading {key}",
            customer_goal=f"GOALSTART{key} " + "goal words " * 60,
            customer_actions="action words " * 120,
            business_actions="business words " * 40 + f" ENDMARK{key}",
            moments=[
                Moment(kind="friction", title=f"Problem {i} at {key}", action="fix it " * 20)
                for i in range(3)
            ],
        )
        for key in ("awareness", "consideration", "decision", "retention", "advocacy")
    ]
    j = store.create_journey(ws.id, "Long journey", journey=_journey("Long journey", stages))
    pages = pdf_pages(report.build(store, journey_id=j.id, fmt="pdf"))

    for key in ("awareness", "consideration", "decision", "retention", "advocacy"):
        start = [i for i, p in enumerate(pages) if f"GOALSTART{key}" in p]
        end = [i for i, p in enumerate(pages) if f"ENDMARK{key}" in p]
        assert start == end and len(start) == 1, key


def _journey(name: str, stages: list[Stage]):
    from journey.model import Journey

    return Journey(name=name, stages=stages)


def test_a_workspace_report_holds_every_journey_of_the_workspace(seeded: Store):
    ws = seeded.workspaces()[0]
    text = pdf_text(report.build(seeded, workspace_id=ws.id, fmt="pdf"))

    for j in seeded.journeys(ws.id):
        assert j.name in text
    assert f"{len(seeded.journeys(ws.id))} journeys" in text


# ---------------------------------------------------------------------------- the HTML


class _Resources(html.parser.HTMLParser):
    """Tags and every attribute value that could make a browser fetch something."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.references: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if value and (
                (re.search(r"https?:|//", value) and name != "xmlns")
                or name in ("src", "href", "xlink:href", "srcset", "action")
            ):
                self.references.append(f"{tag}[{name}]={value}")


def test_the_html_is_one_offline_file_without_scripts_or_external_references(car):
    store, journey = car
    page = report.build(store, journey_id=journey.id, fmt="html").decode()
    found = _Resources()
    found.feed(page)

    assert "script" not in found.tags
    assert "link" not in found.tags and "img" not in found.tags and "iframe" not in found.tags
    assert found.references == []
    assert not re.search(r"https?://", page)  # not even a namespace: nothing to resolve
    assert not re.search(r"url\(|@import", page)
    assert page.count("<svg") == 2  # the emotion curve and the timeframes, inline


def test_every_text_people_typed_is_escaped_in_the_html(store):
    ws = store.create_workspace(HOSTILE)
    persona = store.create_persona(ws.id, Persona(name=HOSTILE, quote=HOSTILE))
    j = store.create_journey(ws.id, HOSTILE, persona_id=persona.id)
    store.add_moment(
        j.stage("decision").id,
        Moment(kind="friction", title=HOSTILE[:190], action=HOSTILE, owner=HOSTILE[:190]),
    )
    store.update_stage(
        j.stage("awareness").id,
        j.stage("awareness").version,
        customer_goal=HOSTILE,
        thoughts=HOSTILE,
    )
    store.save_scenario(j.id, HOSTILE[:190], {"retention": 0.5})
    page = report.build(store, journey_id=j.id, fmt="html").decode()
    found = _Resources()
    found.feed(page)

    assert "script" not in found.tags and "img" not in found.tags
    assert found.references == []
    shown = page.replace(report.ZERO_WIDTH_SPACE, "")  # long words' break opportunities
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown
    assert "evil.example" in shown  # shown, as text


def test_long_words_wrap_inside_the_page_and_keep_every_letter(store, journey_id):
    """Tester: a 10,000-letter word in a description ran off the right edge of the PDF, and
    long scenario names pushed the comparison table's last columns off the page."""
    word = "D" * 3000
    url = "https://intranet.example.org/projects/checkout/" + "segment-" * 20 + "end"
    j = store.load_journey(journey_id)
    store.update_journey(j.id, j.version, description=word)
    moment = j.moments[0]
    store.update_moment(moment.id, moment.version, action=f"See {url}")
    for name in ("A", "B", "C"):
        store.save_scenario(journey_id, name + "x" * 60, {"retention": 0.5})
    data = report.build(store, journey_id=journey_id, fmt="pdf", now=NOW)
    lines = [
        line
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().split("\n")
    ]
    assert max(len(line) for line in lines) < 130  # one line of 10 pt text across A4
    footers = re.compile(r"Car buyer · page \d+ of \d+")  # the word runs over a page break
    text = footers.sub("", "".join(lines).replace(report.ZERO_WIDTH_SPACE, ""))
    assert word in text and url in text and "Cx" + "x" * 59 in text
    assert report.breakable("short words stay as they are") == "short words stay as they are"


@pytest.mark.parametrize("text", ["👨‍👩‍👧‍👦" * 12, "e\u0301" * 40, "مرحبا" * 10, "🇩🇪" * 30])
def test_long_words_break_between_whole_characters(text):
    """Tester: breaks every 20 code points split joined emoji into single people and took
    accents off their letters."""
    import unicodedata

    broken = report.breakable(text)
    pieces = broken.split(report.ZERO_WIDTH_SPACE)
    assert len(pieces) > 1 and "".join(pieces) == text
    for piece in pieces:
        assert not unicodedata.combining(piece[0]) and not piece.startswith("\u200d")
        assert not piece.endswith("\u200d")
    assert "🇩" not in "".join(p[-1] for p in pieces if len(p) % 2)  # flags stay pairs


def test_decisions_list_who_does_what_by_owner_open_first(store, journey_id):
    decision = store.load_journey(journey_id).stage("decision").id
    for title, owner, status, action in [
        ("Slow loan", "Finance", "done", "Pre-approve online"),
        ("Hidden fees", "Sales", "open", "Show the full price"),
        ("No test drive", "", "open", "Book drives online"),
        ("Long forms", "finance", "open", "One-page form"),
        ("Unanswered", "Sales", "open", ""),  # no action: no decision yet
    ]:
        store.add_moment(
            decision,
            Moment(kind="friction", title=title, owner=owner, status=status, action=action),
        )
    rows = report.decision_rows(store.load_journey(journey_id))

    assert [(r["owner"], r["action"], r["status"]) for r in rows] == [
        ("finance", "One-page form", "open"),
        ("Finance", "Pre-approve online", "done"),
        ("Sales", "Show the full price", "open"),
        (report.NO_OWNER, "Book drives online", "open"),
    ]
    assert rows[0]["point"] == 'Friction point "Long forms"' and rows[0]["stage"] == "Decision"
    text = pdf_text(report.build(store, journey_id=journey_id, fmt="pdf", now=NOW))
    assert "Decisions: who does what" in text and "Show the full price" in text


def test_the_revision_names_the_version_and_changes_with_the_content(store, journey_id):
    before = report.revision(store.load_journey(journey_id))
    j = store.load_journey(journey_id)
    store.update_stage(j.stage("awareness").id, j.stage("awareness").version, emotion=2)
    after = report.revision(store.load_journey(journey_id))

    assert before["version"] == 1
    assert before["fingerprint"] != after["fingerprint"]
    assert after["last_changed"] >= before["last_changed"]
    assert report.revision(store.load_journey(journey_id)) == after


# ---------------------------------------------------------------------------- the figures


def test_friction_points_are_ranked_by_votes_then_severity(store, journey_id):
    j = store.load_journey(journey_id)
    mild = store.add_moment(
        j.stage("awareness").id, Moment(kind="friction", title="Mild", severity=2)
    )
    store.add_moment(j.stage("retention").id, Moment(kind="friction", title="Severe", severity=5))
    j = store.load_journey(journey_id)

    by_severity = [m["title"] for m in report.ranked_moments(j, "friction")]
    by_votes = [m["title"] for m in report.ranked_moments(j, "friction", {mild.id: 3})]

    assert by_severity == ["Severe", "Financing is slow", "Mild"]
    assert by_votes == ["Mild", "Severe", "Financing is slow"]


def test_timeframes_add_up_the_stage_durations_of_each_journey(store, journey_id):
    j = store.load_journey(journey_id)
    for key, days in {
        "awareness": 10,
        "consideration": 20,
        "decision": 5,
        "retention": 300,
        "advocacy": 65,
    }.items():
        stage = j.stage(key)
        store.update_stage(stage.id, stage.version, duration_days=days)
    rows = report.timeframes(store.load_journey(journey_id), None)

    assert [(r["label"], r["estimated_days"], r["estimated"]) for r in rows] == [
        ("Buyer journey", 35.0, "5 weeks"),
        ("Customer journey", 400.0, "1.1 years"),
    ]
    assert [r["observed"] for r in rows] == ["", ""]


def test_kpis_against_targets_list_the_tracked_ones_with_their_status(car):
    _, journey = car
    rows, untracked = report.kpi_rows(journey)

    assert {r["label"] for r in rows} == {m.name for m in journey.metrics}
    assert all(r["status"] in ("on track", "at risk", "off track", "no data") for r in rows)
    assert untracked == []


def test_scenarios_are_compared_side_by_side_three_to_a_table(store, journey_id):
    for i in range(4):
        store.save_scenario(journey_id, f"S{i}", {"retention": 0.1 * (i + 1)})
    store.save_scenario(journey_id, "Old lever", {"retention": 0.5})
    j = store.load_journey(journey_id)
    j.scenarios.append(Scenario(name="Broken", levers={"no_such_lever": 1.0}))
    tables, skipped = report.scenario_tables(j)

    assert [t["columns"][2::2] for t in tables] == [["S0", "S1", "S2"], ["S3", "Old lever"]]
    assert len(skipped) == 1 and skipped[0].startswith("Scenario Broken skipped")


def test_a_report_is_pdf_or_html_of_a_journey_or_a_workspace(store, journey_id):
    with pytest.raises(ValidationError, match="format"):
        report.build(store, journey_id=journey_id, fmt="docx")
    with pytest.raises(ValidationError, match="one journey or of one workspace"):
        report.build(store, fmt="pdf")
    with pytest.raises(ValidationError, match="paper"):
        report.build(store, journey_id=journey_id, fmt="html", paper="a3")
    assert report.format_for("out/Report.PDF") == "pdf"
    with pytest.raises(ValidationError, match=r"\.pdf or \.html"):
        report.format_for("report.docx")


def test_the_map_section_says_each_voted_points_dots(car):
    store, journey = car
    first, second = [m for m in journey.moments if m.kind == "friction"][:2]
    vote = store.open_vote(journey.id, 3)
    for who in ("Ann", "Bo"):
        store.cast_dot(vote, first.id, who)
    store.cast_dot(vote, second.id, "Ann")
    document = report.build(store, journey_id=journey.id, fmt="html").decode()
    stages = document.split("<h2>The map, stage by stage</h2>")[1].split("<h2>")[0]
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", stages).split()))
    assert re.search(
        rf"{re.escape(first.title)} \(severity {first.severity}/5[^)]*, 2 dots\)", text
    )
    assert re.search(
        rf"{re.escape(second.title)} \(severity {second.severity}/5[^)]*, 1 dot\)", text
    )


# ---------------------------------------------------------------------------- speed and progress


def test_the_report_charts_are_the_very_same_vega_lite_specs_built_the_quick_way(car):
    import json

    from journey import charts, formulas, journey_map

    _, journey = car

    def slow(chart) -> str:
        spec = chart.to_dict(validate=False)
        spec["config"] = {**spec.get("config", {}), "font": report.CHART_FONT, "aria": False}
        return json.dumps(spec, sort_keys=True)

    expected = (
        slow(journey_map.emotion_curve(journey, width=report.CHART_WIDTH, height=230)),
        slow(charts.timeframe_chart(formulas.stage_days(journey))),
    )

    assert report.chart_specs(journey) == expected


def test_plain_frames_become_rows_and_other_frames_are_left_to_altair():
    import altair as alt
    import pandas as pd

    plain = pd.DataFrame([{"a": 1, "b": "x", "c": 1.5}, {"a": 2, "b": None, "c": float("nan")}])
    dated = pd.DataFrame({"when": pd.to_datetime(["2026-11-29"]), "n": [1]})

    def chart():
        return alt.layer(
            alt.Chart(plain).mark_point().encode(x="a:Q", y="c:Q"),
            alt.Chart(dated).mark_rule().encode(x="when:T"),
        )

    quick = chart()
    report._plain_rows(quick)

    assert report._rows(plain)[1] == {"a": 2, "b": None, "c": None}
    assert report._rows(dated) is None
    assert isinstance(quick.layer[0].data, alt.InlineData)
    assert quick.layer[1].data is dated
    assert quick.to_dict() == chart().to_dict()


def test_overlapping_quick_builds_restore_altairs_checks_when_the_last_one_ends():
    from altair.utils import schemapi

    first, second = report.quick_charts(), report.quick_charts()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert schemapi.DEBUG_MODE is False
    second.__exit__(None, None, None)
    assert schemapi.DEBUG_MODE is True


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_a_workspace_report_tells_its_progress_up_to_done(seeded: Store, fmt):
    ws = seeded.workspaces()[0]
    count = len(seeded.journeys(ws.id))
    calls: list[tuple[float, str]] = []

    report.build(seeded, workspace_id=ws.id, fmt=fmt, progress=lambda f, m: calls.append((f, m)))

    fractions = [f for f, _ in calls]
    messages = [m for _, m in calls]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] == 1.0
    assert f"Charts of journey {count} of {count}" in messages
    assert messages[-1] == f"{fmt.upper()} ready"
    if fmt == "pdf":
        assert f"Laid out part {count} of {count} of the PDF" in messages
        assert any(m.startswith("Writing the PDF: ") for m in messages)


def test_journey_contexts_draw_in_a_worker_thread_and_equal_one_by_one(seeded: Store, monkeypatch):
    import threading

    reports = [report.gather(seeded, j.id) for j in seeded.journeys()]
    one_by_one = [report.journey_context(r) for r in reports]
    draw, threads = report._svg_of_spec, []

    def recorded(spec: str) -> str:
        threads.append(threading.current_thread().name)
        return draw(spec)

    monkeypatch.setattr(report, "_svg_of_spec", recorded)
    together = report.journey_contexts(reports)

    assert together == one_by_one
    assert len(threads) == 2 * len(reports)
    assert all(name.startswith("report-charts") for name in threads)
