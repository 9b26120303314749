"""Mermaid journey text: export, import, round trip, and the grammar's own rules."""

from __future__ import annotations

import json
import math
import pathlib

import pytest

from journey import cli, mermaid
from journey.model import Journey, Moment, Persona, Stage, blank_stages
from journey.storage import Store

CASES = json.loads(
    (pathlib.Path(__file__).parent / "mermaid_grammar_cases.json").read_text(encoding="utf-8")
)["cases"]
NASTY = "journey: #1; 100%% sure, really"


def _as_read(diagram: mermaid.Diagram) -> dict:
    """A parsed diagram in the shape the grammar cases record (mermaid's journeyDb)."""

    def task(section: str, t: mermaid.Task) -> dict:
        return {
            "section": section,
            "task": t.name,
            "score": None if math.isnan(t.score) else t.score,
            "people": t.actors,
        }

    return {
        "title": diagram.title or None,
        "sections": [s.name for s in diagram.sections],
        "tasks": [task("", t) for t in diagram.loose_tasks]
        + [task(s.name, t) for s in diagram.sections for t in s.tasks],
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_parser_reads_each_text_as_mermaids_own_grammar_does(name):
    case = CASES[name]
    try:
        read = _as_read(mermaid.parse(case["text"]))
    except mermaid.MermaidError:
        read = None
    assert read == case["expected"]


def test_the_grammar_cases_include_texts_it_refuses_and_keyword_traps():
    refused = {n for n, c in CASES.items() if c["expected"] is None}
    assert {
        "task_without_score",
        "task_starting_with_section",
        "semicolon_in_task",
        "hash_comment_in_task",
        "no_header",
    } <= refused
    # "Title search: 3" is silently read as a title: the export must never write that.
    assert CASES["task_starting_with_title"]["expected"]["title"] == "search: 3"


def test_the_syntax_check_names_the_line_and_mermaids_score_range():
    assert mermaid.check_syntax(CASES["plain"]["text"]) == []
    assert mermaid.check_syntax("journey\n  section A\n    Make tea\n") == [
        "line 3: the task 'Make tea' needs a score after a colon, such as ': 3'"
    ]
    assert mermaid.check_syntax("journey\n  section A\n    Tea: 7: Me\n    Cake: x\n") == [
        "line 3: the task 'Tea' has the score 7; Mermaid's scores are 1 to 5",
        "line 4: the task 'Cake' has the score not a number; Mermaid's scores are 1 to 5",
    ]


# ---------------------------------------------------------------------------- export


def _journey() -> Journey:
    stages = blank_stages()
    by = {s.stage: s for s in stages}
    by["awareness"].label = "Noticing the need"
    by["awareness"].emotion = -1
    by["awareness"].customer_actions = "Searches online; reads reviews\nAsks friends"
    by["awareness"].moments = [
        Moment(kind="friction", title="Ads talk horsepower"),
        Moment(kind="key", title="Comparison guide"),
    ]
    by["decision"].emotion = 2
    by["decision"].customer_actions = "Section of the form: signs; Title search #2"
    by["decision"].moments = [Moment(kind="friction", title=NASTY)]
    return Journey(name="Buying: a car; #1", stages=stages)


def test_a_journey_exports_as_sections_of_tasks_scored_by_the_stage_emotion():
    text = mermaid.to_mermaid(_journey(), "Maya, the parent")
    lines = text.splitlines()

    assert lines[:7] == [
        "journey",
        "    title Buying\ua789 a car\uff1b \uff031",
        "    section Awareness - Noticing the need",
        "      Searches online: 2: Maya\u201a the parent",
        "      reads reviews: 2: Maya\u201a the parent",
        "      Asks friends: 2: Maya\u201a the parent",
        "      Friction - Ads talk horsepower: 2: Maya\u201a the parent",
    ]
    assert "    section Consideration" in lines
    assert "      Key point - Comparison guide: 2: Maya\u201a the parent" in lines
    assert mermaid.check_syntax(text) == []


def test_export_keeps_names_that_start_with_a_keyword_from_being_read_as_one():
    text = mermaid.to_mermaid(_journey())
    diagram = mermaid.parse(text)

    decision = next(s for s in diagram.sections if s.name == "Decision")
    assert [t.score for t in decision.tasks] == [5, 5, 5]
    assert [t.name.lstrip("\u200b") for t in decision.tasks][:2] == [
        "Section of the form\ua789 signs",
        "Title search \uff032",
    ]
    assert diagram.title == "Buying\ua789 a car\uff1b \uff031"
    assert [s.name for s in diagram.sections][1:] == [
        "Consideration",
        "Decision",
        "Retention",
        "Advocacy",
    ]


def test_export_import_export_gives_the_same_text():
    first = mermaid.to_mermaid(_journey(), "Maya, the parent")
    imported = mermaid.from_mermaid(first)
    second = mermaid.to_mermaid(imported.journey, imported.persona)

    assert second == first
    assert imported.messages == []
    assert imported.persona == "Maya, the parent"
    assert imported.journey.name == "Buying: a car; #1"
    decision = imported.journey.stage("decision")
    assert [m.title for m in decision.moments] == [NASTY]
    assert decision.emotion == 2


def test_every_sample_journey_round_trips_and_passes_the_grammar(seeded: Store):
    for row in seeded.journeys():
        journey = seeded.load_journey(row.id)
        persona = seeded.get_persona(journey.persona_id).name if journey.persona_id else None
        text = mermaid.to_mermaid(journey, persona)
        imported = mermaid.from_mermaid(text)

        assert mermaid.check_syntax(text) == [], row.name
        assert mermaid.to_mermaid(imported.journey, imported.persona) == text, row.name
        assert [len(s.moments) for s in imported.journey.stages] == [
            len(s.moments) for s in journey.stages
        ]
        assert [s.emotion for s in imported.journey.stages] == [s.emotion for s in journey.stages]


# ---------------------------------------------------------------------------- import


def test_sections_are_placed_by_stage_name_then_in_order_and_the_rest_is_reported():
    text = (
        "journey\n  title Shop\n  Stray: 3: Me\n"
        "  section Decision - Paying\n    Pays: 1: Me\n    Friction - Card refused: 1: Me\n"
        "  section Browse\n    Looks around: 5: Me, Cat\n    Key point - Sale banner: 4: Me\n"
        "  section Recognition\n    Sees an ad: 4: Me\n"
        "  section Loyalty\n  section Unboxing\n    Opens: 4: Me\n"
        "  section Extra\n    Late: 2: Me\n"
    )
    imported = mermaid.from_mermaid(text)
    stages = {s.stage: s for s in imported.journey.stages}

    assert stages["decision"].label == "Paying"
    assert stages["decision"].customer_actions == "Pays"
    assert [(m.kind, m.title) for m in stages["decision"].moments] == [("friction", "Card refused")]
    assert stages["decision"].emotion == -2
    assert stages["awareness"].customer_actions == "Sees an ad"
    assert stages["advocacy"].customer_actions == ""
    assert stages["consideration"].label == "Browse"
    assert stages["consideration"].emotion == 2  # scores 5 and 4: mean 4.5, half up 5, − 3
    assert stages["retention"].label == "Unboxing"
    assert imported.persona == "Me"
    assert imported.messages == [
        "1 task(s) before the first section were not imported (a task belongs to a stage): "
        "'Stray'.",
        "Section 'Browse' (line 7) names no free stage: placed at Consideration, by its order.",
        "Section 'Recognition' (line 10) placed at Awareness: 'Recognition' is read as another "
        "name for that stage.",
        "Section 'Loyalty' (line 12) placed at Advocacy: 'Loyalty' is read as another name for "
        "that stage.",
        "Section 'Unboxing' (line 13) names no free stage: placed at Retention, by its order.",
        "Section 'Extra' (line 15) was not imported: the five stages are all taken (its "
        "tasks: 'Late').",
        "A journey has one persona, 'Me': the other actor(s) 'Cat' were not imported.",
    ]


def test_text_that_breaks_the_grammar_is_refused_naming_the_line():
    with pytest.raises(mermaid.MermaidError, match="line 3: the task 'Make tea' needs a score"):
        mermaid.from_mermaid("journey\n  section A\n    Make tea\n")
    with pytest.raises(mermaid.MermaidError, match="starts with the word 'journey'"):
        mermaid.from_mermaid("graph TD\n  A --> B\n")


def test_an_imported_journey_is_stored_with_the_actor_as_its_persona(store: Store):
    ws = store.create_workspace("Docs")
    existing = store.create_persona(ws.id, Persona(name="Maya"))
    text = mermaid.to_mermaid(_journey(), "Maya")
    journey_id = mermaid.store_imported(store, ws.id, mermaid.from_mermaid(text))
    stored = store.load_journey(journey_id)

    assert stored.persona_id == existing.id
    assert len(store.personas(ws.id)) == 1
    assert mermaid.to_mermaid(stored, "Maya") == text


# ---------------------------------------------------------------------------- command line


def test_the_command_line_exports_checks_and_imports_mermaid(seeded: Store, tmp_path, capsys):
    db = str(seeded.path)
    out = tmp_path / "car.mmd"
    assert cli.main(["mermaid", "export", "--journey", "1", "-o", str(out), "--db", db]) == 0
    assert cli.main(["mermaid", "check", str(out), "--db", db]) == 0
    assert cli.main(["mermaid", "import", str(out), "--workspace", "1", "--db", db]) == 0
    printed = capsys.readouterr().out

    assert "a valid Mermaid journey diagram" in printed
    assert "imported 'Buying a family car' as journey 4 of workspace 1" in printed
    assert mermaid.to_mermaid(seeded.load_journey(4), "Maya Hoffmann") == out.read_text()


def test_the_command_line_refuses_a_bad_diagram_with_status_2_and_changes_nothing(
    seeded: Store, tmp_path, capsys
):
    bad = tmp_path / "bad.mmd"
    bad.write_text("journey\n  section A\n    Tea: 9\n")
    before = len(seeded.journeys())

    assert (
        cli.main(["mermaid", "import", str(bad), "--workspace", "1", "--db", str(seeded.path)]) == 2
    )
    assert "line 3: the task 'Tea' has the score 9" in capsys.readouterr().err
    assert len(seeded.journeys()) == before


def test_a_stage_without_tasks_exports_as_an_empty_section():
    journey = Journey(
        name="Blank",
        stages=[Stage(stage=s.stage, label=s.label, emotion=1) for s in blank_stages()],
    )
    assert mermaid.to_mermaid(journey) == (
        "journey\n    title Blank\n    section Awareness\n    section Consideration\n"
        "    section Decision\n    section Retention\n    section Advocacy\n"
    )
