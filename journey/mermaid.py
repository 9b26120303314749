"""Mermaid ``journey`` diagrams: a journey as text to paste into GitHub or docs, and back.

Mermaid's user-journey diagram is a title, sections and tasks, each task with a score of 1
to 5 and the people taking part::

    journey
        title Buying a family car
        section Awareness - Recognising the need
          Notices the old car is too small: 4: Maya Hoffmann
          Friction - Ads talk horsepower: 4: Maya Hoffmann

The mapping (:func:`to_mermaid`, :func:`from_mermaid`):

- the journey's name is the title; each of the five stages is a section, named by its label
  ("Awareness", then " - " and the stage's own heading when it has one);
- the tasks of a section are the customer actions (one task per line or ``;``-separated
  part of the text, which import brings back one per line), then the
  friction points ("Friction - " and the title) and key points ("Key point - " and the
  title); every task carries the stage's emotion as its score, emotion + 3 (−2..+2 -> 1..5);
- the persona is the actor of every task.

Importing reads a section as the stage it names ("Awareness", "Recognition", "Decision -
Signing"...); sections that name none take the remaining stages in order. What cannot be
placed (a sixth section, tasks before the first section, more than one actor) is listed in
the import's messages. A stage's emotion is the mean of its tasks' scores − 3 (rounded half
up).
Friction and key points come in with severity or impact 3 (Mermaid has no place for it).

Mermaid's grammar (``journey.jison`` in mermaid-js) forbids ``:``, ``#`` and ``;`` in
section and task names, ``,`` in actor names, reads ``%%`` as a comment and a name starting
with ``journey``, ``title``, ``section``, ``accTitle`` or ``accDescr`` as that keyword.
Export writes those characters as look-alikes (``꞉``, ``＃``, ``；``, ``‚``, ``％％``) that
import turns back, and puts a zero-width space before a name that starts with a keyword; so
export, import, export gives the same text. :func:`check_syntax` applies the grammar's lexer
and rules, in order, to any text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from .model import (
    MAX_NAME,
    STAGES,
    Journey,
    Moment,
    Persona,
    Stage,
    ValidationError,
    normalise_stage,
    stage_label,
    validate_journey,
)
from .storage import Store

SCORE_OFFSET = 3  # emotion -2..+2 <-> Mermaid score 1..5
SCORES = range(1, 6)
FRICTION_PREFIX = "Friction - "
KEY_PREFIX = "Key point - "
SECTION_SEPARATOR = " - "
DEFAULT_SEVERITY = 3
DEFAULT_NAME = "Imported journey"
#: The longest Mermaid text read, in characters (a journey at the schema's limits exports less).
MAX_TEXT = 2_000_000
BUTTON_HELP = (
    "The journey as a Mermaid `journey` diagram to paste into GitHub, GitLab or "
    "docs: stages as sections, actions and friction and key points as tasks, the "
    "emotion as the 1-5 score. `python -m journey mermaid import FILE` reads one back."
)

#: Characters the grammar gives a meaning to, and the look-alikes export writes instead.
ESCAPES: dict[str, str] = {":": "\ua789", "#": "\uff03", ";": "\uff1b", "%%": "\uff05\uff05"}
ACTOR_ESCAPES: dict[str, str] = {**ESCAPES, ",": "\u201a"}
ZERO_WIDTH_SPACE = "\u200b"
_KEYWORD_START = re.compile(r"^(journey|title\s|section\s|acctitle|accdescr)", re.IGNORECASE)


class MermaidError(ValidationError):
    """Mermaid text that does not follow the journey grammar; names the line."""


# ---------------------------------------------------------------------------- the grammar

# JavaScript's \s (the lexer is generated for JavaScript, whose \s differs from Python's).
_JS_SPACE = (
    "[ \\f\\n\\r\\t\\v\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"
)

#: The lexer rules of mermaid's journey.jison, in its order: the first rule that matches at
#: the current position wins (jison's default), and the match is case-insensitive.
_RULES: list[tuple[str | None, re.Pattern]] = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (None, r"%%(?!\{)[^\n]*"),
        (None, r"[^}]%%[^\n]*"),
        ("NEWLINE", r"\n+"),
        (None, _JS_SPACE + "+"),
        (None, r"#[^\n]*"),
        ("journey", r"journey"),
        ("title", r"title" + _JS_SPACE + r"[^#\n;]+"),
        ("acc_title", r"accTitle" + _JS_SPACE + r"*:" + _JS_SPACE + "*"),
        ("acc_descr", r"accDescr" + _JS_SPACE + r"*:" + _JS_SPACE + "*"),
        ("acc_descr_multiline", r"accDescr" + _JS_SPACE + r"*\{" + _JS_SPACE + "*"),
        ("section", r"section" + _JS_SPACE + r"[^#:\n;]+"),
        ("taskName", r"[^#:\n;]+"),
        ("taskData", r":[^#\n;]+"),
        (":", r":"),
        ("INVALID", r"."),
    )
]
_ACC_VALUE = re.compile(r"[^\n]*")
_MULTILINE_VALUE = re.compile(r"[^}]*")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int


def _first_match(text: str, pos: int, line: int) -> tuple[str | None, re.Match]:
    """The first lexer rule that matches at ``pos`` (jison's default), with its match."""
    for kind, rule in _RULES:
        match = rule.match(text, pos)
        if match and match.end() > pos:
            return kind, match
    raise MermaidError(f"line {line}: cannot read {text[pos]!r}")  # a lone newline char


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` by the journey grammar's lexer (comments and spaces dropped)."""
    out: list[Token] = []
    pos, line = 0, 1
    while pos < len(text):
        kind, match = _first_match(text, pos, line)
        value = match.group()
        if kind is not None:
            out.append(Token(kind, value, line))
        pos, line = match.end(), line + value.count("\n")
        if kind in ("acc_title", "acc_descr"):
            value_match = _ACC_VALUE.match(text, pos)
            out.append(Token(f"{kind}_value", value_match.group(), line))
            pos = value_match.end()
        elif kind == "acc_descr_multiline":
            value_match = _MULTILINE_VALUE.match(text, pos)
            out.append(Token("acc_descr_multiline_value", value_match.group(), line))
            line += value_match.group().count("\n")
            pos = value_match.end() + (
                1 if text[value_match.end() : value_match.end() + 1] == "}" else 0
            )
    return out


@dataclass
class Task:
    name: str
    score: float
    actors: list[str]
    line: int


@dataclass
class Section:
    name: str
    line: int
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Diagram:
    """A parsed journey diagram: title, sections in order, and tasks before any section."""

    title: str = ""
    sections: list[Section] = field(default_factory=list)
    loose_tasks: list[Task] = field(default_factory=list)


def _score(data: str) -> tuple[float, list[str]]:
    """A task's data (``": 5: Me, Cat"``) read as mermaid's journeyDb.addTask reads it."""
    pieces = data[1:].split(":")
    text = pieces[0].strip()
    try:
        score = float(text) if text else 0.0  # JavaScript's Number("") is 0
    except ValueError:
        score = float("nan")
    actors = [a.strip() for a in pieces[1].split(",")] if len(pieces) > 1 else []
    return score, actors


def parse(text: str) -> Diagram:
    """Read Mermaid ``journey`` text by the grammar's rules; MermaidError names the line."""
    items = tokens(text.replace("\r\n", "\n"))
    if not items or items[0].kind != "journey":
        where = items[0].line if items else 1
        raise MermaidError(f"line {where}: a Mermaid journey starts with the word 'journey'")
    diagram = Diagram()
    current: Section | None = None
    i = 1
    while i < len(items):
        token = items[i]
        if token.kind == "title":
            diagram.title = token.text[6:]
        elif token.kind == "section":
            current = Section(token.text[8:], token.line)
            diagram.sections.append(current)
        elif token.kind == "taskName":
            following = items[i + 1] if i + 1 < len(items) else None
            if following is None or following.kind != "taskData":
                raise MermaidError(
                    f"line {token.line}: the task {token.text.strip()!r} needs "
                    "a score after a colon, such as ': 3'"
                )
            score, actors = _score(following.text)
            task = Task(token.text, score, actors, token.line)
            (current.tasks if current else diagram.loose_tasks).append(task)
            i += 1
        elif token.kind in ("acc_title", "acc_descr"):
            i += 1  # the value follows: accessibility text, not part of the journey
        elif token.kind not in ("NEWLINE", "acc_descr_multiline_value"):
            shown = token.text.strip() or token.text
            raise MermaidError(
                f"line {token.line}: unexpected {shown!r} (Mermaid's journey "
                "grammar has title, section and 'task: score: actors' lines)"
            )
        i += 1
    return diagram


def check_syntax(text: str) -> list[str]:
    """What is wrong with ``text`` as a Mermaid journey diagram, line by line ([] if nothing).

    The grammar's rules (:func:`parse`), and Mermaid's scale: every score a whole number
    from 1 to 5.
    """
    try:
        diagram = parse(text)
    except MermaidError as e:
        return [str(e)]
    problems = []
    for task in [*diagram.loose_tasks, *(t for s in diagram.sections for t in s.tasks)]:
        if task.score not in SCORES:
            problems.append(
                f"line {task.line}: the task {task.name.strip()!r} has the score "
                f"{_number(task.score)}; Mermaid's scores are 1 to 5"
            )
    return problems


def _number(value: float) -> str:
    return "not a number" if value != value else f"{value:g}"


# ---------------------------------------------------------------------------- export


def _escape(text: str, escapes: dict[str, str] = ESCAPES, *, first: bool = True) -> str:
    """Text as a name the grammar reads back unchanged (``first``: it starts the name)."""
    text = " ".join(str(text).split())  # one line, single spaces
    for plain, look_alike in escapes.items():
        text = text.replace(plain, look_alike)
    if first and _KEYWORD_START.match(text):
        text = ZERO_WIDTH_SPACE + text
    return text


def _unescape(text: str, escapes: dict[str, str] = ESCAPES) -> str:
    text = text.strip().removeprefix(ZERO_WIDTH_SPACE)
    for plain, look_alike in escapes.items():
        text = text.replace(look_alike, plain)
    return text


def emotion_to_score(emotion: int | float | None) -> int:
    """A stage's emotion (−2..+2) as Mermaid's task score (1..5): emotion + 3."""
    return int(emotion or 0) + SCORE_OFFSET


def score_to_emotion(scores: list[float]) -> int:
    """The emotion (−2..+2) of a section: the mean of its tasks' scores − 3, rounded half up
    and kept within −2..+2 (scores 5 and 4: mean 4.5 -> 5 -> +2)."""
    if not scores:
        return 0
    emotion = math.floor(sum(scores) / len(scores) + 0.5) - SCORE_OFFSET
    return min(max(emotion, -2), 2)


def section_name(stage: Stage) -> str:
    """``Awareness`` or ``Awareness - Recognising the need`` (the stage's own heading)."""
    standard = stage_label(stage.stage)
    own = " ".join((stage.label or "").split())
    if own and own.casefold() != standard.casefold():
        return _escape(f"{standard}{SECTION_SEPARATOR}{own}")
    return standard


def stage_tasks(stage: Stage) -> list[str]:
    """The task names of a stage: action lines (and ``;`` parts), then friction points,
    then key points."""
    names = [
        _escape(part)
        for line in (stage.customer_actions or "").splitlines()
        for part in line.split(";")
        if part.strip()
    ]
    for kind, prefix in (("friction", FRICTION_PREFIX), ("key", KEY_PREFIX)):
        names += [prefix + _escape(m.title, first=False) for m in stage.moments if m.kind == kind]
    return names


def to_mermaid(journey: Journey, persona: str | None = None) -> str:
    """The journey as Mermaid ``journey`` text (see the module docstring for the mapping)."""
    actor = _escape(persona, ACTOR_ESCAPES) if persona and persona.strip() else ""
    data = f": {{score}}: {actor}" if actor else ": {score}"
    lines = ["journey", f"    title {_escape(journey.name, first=False) or DEFAULT_NAME}"]
    have = {s.stage: s for s in journey.stages}
    for key in STAGES:
        stage = have.get(key) or Stage(stage=key)
        lines.append(f"    section {section_name(stage)}")
        score = emotion_to_score(stage.emotion)
        lines += [f"      {name}{data.format(score=score)}" for name in stage_tasks(stage)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- import


@dataclass
class Imported:
    """A journey read from Mermaid text, not stored yet.

    ``persona`` is the actor's name (None without actors); ``messages`` say which sections
    were placed by order or by another name of a stage (and on what stage) and what could not
    be placed, one sentence each.
    """

    journey: Journey
    persona: str | None
    messages: list[str]


def _stage_named(name: str) -> str | None:
    """The stage a section's name names ("Awareness - …", "Recognition", "decision"), or None."""
    return _naming(name)[0]


def _naming(name: str) -> tuple[str | None, str | None]:
    """``(stage, alias)``: the stage a section's name names, and the other name of the stage
    it used ("Loyalty" for Advocacy), or None when it names the stage itself."""
    head = _unescape(name).partition(SECTION_SEPARATOR)[0].strip()
    for candidate in (head, head.split(" ")[0] if head else ""):
        try:
            stage = normalise_stage(candidate)
        except ValidationError:
            continue
        return stage, (candidate if candidate.strip().lower() != stage else None)
    return None, None


def _place(sections: list[Section], messages: list[str]) -> dict[str, Section]:
    """Sections to stages: by name first, then the rest in order onto the free stages. Adds
    to ``messages``, in the order of the sections, each one placed by another name of a stage
    or by its order (and where), and each one left out."""
    placed: dict[str, Section] = {}
    unnamed = []
    notes: list[tuple[int, str]] = []
    for section in sections:
        stage, alias = _naming(section.name)
        if stage and stage not in placed:
            placed[stage] = section
            if alias:
                notes.append(
                    (
                        section.line,
                        f"Section {_unescape(section.name)!r} (line {section.line}) placed at "
                        f"{stage_label(stage)}: {alias!r} is read as another name for that stage.",
                    )
                )
        else:
            unnamed.append(section)
    free = [s for s in STAGES if s not in placed]
    for section in unnamed:
        shown = _unescape(section.name)
        if free:
            stage = free.pop(0)
            placed[stage] = section
            notes.append(
                (
                    section.line,
                    f"Section {shown!r} (line {section.line}) names no free stage: "
                    f"placed at {stage_label(stage)}, by its order.",
                )
            )
        else:
            tasks = ", ".join(repr(_unescape(t.name)) for t in section.tasks) or "no tasks"
            notes.append(
                (
                    section.line,
                    f"Section {shown!r} (line {section.line}) was not imported: the "
                    f"five stages are all taken (its tasks: {tasks}).",
                )
            )
    messages.extend(note for _, note in sorted(notes, key=lambda n: n[0]))
    return placed


def _own_label(name: str, stage: str) -> str:
    text = _unescape(name)
    head, sep, rest = text.partition(SECTION_SEPARATOR)
    if sep and _stage_named(head) == stage:
        return rest.strip()[:MAX_NAME]
    return "" if _stage_named(text) == stage else text[:MAX_NAME]


def _stage_from(stage: str, section: Section | None) -> Stage:
    result = Stage(stage=stage, label=stage_label(stage))
    if section is None:
        return result
    own = _own_label(section.name, stage)
    result.label = own or stage_label(stage)
    actions = []
    for task in section.tasks:
        name = _unescape(task.name)
        for kind, prefix in (("friction", FRICTION_PREFIX), ("key", KEY_PREFIX)):
            if name.lower().startswith(prefix.lower()):
                title = name[len(prefix) :].strip().removeprefix(ZERO_WIDTH_SPACE)
                result.moments.append(
                    Moment(kind=kind, title=title, severity=DEFAULT_SEVERITY, stage=stage)
                )
                break
        else:
            actions.append(name)
    result.customer_actions = "\n".join(actions)
    result.emotion = score_to_emotion([t.score for t in section.tasks])
    return result


def from_mermaid(text: str) -> Imported:
    """A new journey from Mermaid ``journey`` text; MermaidError for text that breaks the
    grammar or Mermaid's 1..5 scores (naming the line), ValidationError for a journey that
    breaks the domain rules (a title longer than 200 characters)."""
    if len(text) > MAX_TEXT:
        raise MermaidError(
            f"The Mermaid text is {len(text):,} characters long; at most {MAX_TEXT:,} are read."
        )
    problems = check_syntax(text)
    if problems:
        raise MermaidError(
            "; ".join(problems[:5])
            + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        )
    diagram = parse(text)
    messages: list[str] = []
    if diagram.loose_tasks:
        names = ", ".join(repr(_unescape(t.name)) for t in diagram.loose_tasks)
        messages.append(
            f"{len(diagram.loose_tasks)} task(s) before the first section were "
            f"not imported (a task belongs to a stage): {names}."
        )
    placed = _place(diagram.sections, messages)
    stages = [_stage_from(key, placed.get(key)) for key in STAGES]
    actors = Counter(
        _unescape(a, ACTOR_ESCAPES)
        for s in placed.values()
        for t in s.tasks
        for a in t.actors
        if a.strip()
    )
    persona = actors.most_common(1)[0][0] if actors else None
    others = [a for a in actors if a != persona]
    if others:
        messages.append(
            f"A journey has one persona, {persona!r}: the other actor(s) "
            f"{', '.join(map(repr, others))} were not imported."
        )
    journey = Journey(name=_unescape(diagram.title) or DEFAULT_NAME, stages=stages)
    validate_journey(journey)
    return Imported(journey=journey, persona=persona, messages=messages)


def store_imported(store: Store, workspace_id: int, imported: Imported) -> int:
    """Save an imported journey in a workspace; returns its id.

    The actor becomes the journey's persona: the workspace's persona of that name if there is
    one, else a new persona with just the name. The journey is checked before anything is
    written.
    """
    store.get_workspace(workspace_id)  # NotFoundError before anything is written
    persona_id = None
    if imported.persona:
        existing = [p for p in store.personas(workspace_id) if p.name == imported.persona]
        persona_id = (
            existing[0]
            if existing
            else store.create_persona(workspace_id, Persona(name=imported.persona[:MAX_NAME]))
        ).id
    imported.journey.persona_id = persona_id
    created = store.create_journey(
        workspace_id, imported.journey.name, persona_id=persona_id, journey=imported.journey
    )
    return created.id


def export(store: Store, journey_id: int) -> str:
    """A stored journey as Mermaid text, its persona as the actor (page and command line)."""
    journey = store.load_journey(journey_id)
    persona = store.get_persona(journey.persona_id).name if journey.persona_id else None
    return to_mermaid(journey, persona)
