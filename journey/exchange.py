"""The JSON exchange format: a whole workspace in one versioned, lossless file.

A document holds a workspace, its personas and its journeys (stages with touchpoints and
moments, metrics with dated values, scenarios). Personas carry a document-local ``id``
(``"persona-1"``) that journeys refer to; database ids never appear, so a document moves
between databases. ``schema/exchange-v2.schema.json`` describes the format.

Versions: 2 added comments on stages and moments (author, times, plain text); a version-1
file is upgraded by :func:`upgrade` before it is checked (it has no comments, so only its
version number changes). ``schema/exchange-v1.schema.json`` stays to describe old files.

Nothing here touches the database. :func:`parse_document` checks a document completely (the
JSON Schema first, then the domain rules) and returns dataclasses ready to store, or raises
:class:`~journey.model.ValidationError` whose path names the bad field, for example
``journeys[0].stages[2].emotion: 7 is outside -2..2``.

Round trip: export, import into an empty database, export again gives the same document
but for ``exported_at``.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import stat
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema

from . import csvsafe
from .model import (
    ASSUMPTION_FIELDS,
    METRIC_FIELDS,
    MOMENT_FIELDS,
    PERSONA_FIELDS,
    STAGE_FIELDS,
    STAGES,
    Assumptions,
    Comment,
    Journey,
    Metric,
    MetricValue,
    Moment,
    Persona,
    Scenario,
    Stage,
    Touchpoint,
    ValidationError,
    Workspace,
    stage_label,
    validate_journey,
    validate_persona,
    validate_workspace,
)

FORMAT = "journey-lab"
FORMAT_VERSION = 2
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
SCHEMA_PATH = pathlib.Path(__file__).parent / "schema" / "exchange-v2.schema.json"

PERSONA_KEYS = PERSONA_FIELDS
STAGE_KEYS = ("stage", *STAGE_FIELDS)
MOMENT_KEYS = MOMENT_FIELDS
COMMENT_KEYS = ("author", "text", "created_at", "updated_at")
METRIC_KEYS = METRIC_FIELDS


@dataclass
class Parsed:
    """A checked document: personas by their document id, journeys with their persona ref."""

    workspace: Workspace
    personas: dict[str, Persona]
    journeys: list[tuple[Journey, str | None]]


# ---------------------------------------------------------------------------- export


def persona_to_dict(p: Persona, ref: str | None = None) -> dict:
    out = {"id": ref} if ref else {}
    out.update({k: getattr(p, k) for k in PERSONA_KEYS})
    out["channels"] = list(p.channels)
    return out


def journey_to_dict(j: Journey, persona_ref: str | None) -> dict:
    return {
        "name": j.name,
        "description": j.description,
        "persona": persona_ref,
        "assumptions": j.assumptions.as_dict(),
        "stages": [
            {
                **{k: getattr(s, k) for k in STAGE_KEYS},
                "touchpoints": [
                    {"channel": t.channel, "description": t.description} for t in s.touchpoints
                ],
                "moments": [
                    {k: getattr(m, k) for k in MOMENT_KEYS} | _comments(m) for m in s.moments
                ],
            }
            | _comments(s)
            for s in sorted(j.stages, key=lambda s: STAGES.index(s.stage))
        ],
        "metrics": [
            {
                **{k: getattr(m, k) for k in METRIC_KEYS},
                "values": [{"date": v.date, "value": v.value} for v in m.values],
            }
            for m in j.metrics
        ],
        "scenarios": [
            {"name": s.name, "levers": dict(sorted(s.levers.items()))} for s in j.scenarios
        ],
    }


def _comments(item: Stage | Moment) -> dict:
    """``{"comments": [...]}`` for a stage or moment with comments, else ``{}``."""
    if not item.comments:
        return {}
    return {"comments": [{k: getattr(c, k) for k in COMMENT_KEYS} for c in item.comments]}


def build_document(ws: Workspace, personas: list[Persona], journeys: list[Journey]) -> dict:
    """The exchange document for a workspace's personas and journeys."""
    refs = {p.id: f"persona-{n}" for n, p in enumerate(personas, start=1)}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "workspace": {"name": ws.name, "description": ws.description},
        "personas": [persona_to_dict(p, refs[p.id]) for p in personas],
        "journeys": [journey_to_dict(j, refs.get(j.persona_id)) for j in journeys],
    }


def dumps(doc: dict) -> str:
    """The document as JSON text, the way files are written."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- import


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def read_file(
    path: str | pathlib.Path, *, name: str | None = None, limit: int | None = None
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises ValidationError naming the file for a folder, a device or pipe (which could be
    read forever), a file over the limit, or one that cannot be read.
    """
    path = pathlib.Path(path)
    name = name or str(path)
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ValidationError(f"{name}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError(f"{name}: not a regular file (a device or a pipe?)")
        if info.st_size > limit:
            raise ValidationError(_too_big(name, info.st_size, limit))
        with path.open("rb") as handle:  # read at most one byte past the limit
            raw = handle.read(limit + 1)
    except OSError as e:
        raise ValidationError(f"{name}: cannot read the file ({e.strerror})") from None
    if len(raw) > limit:
        raise ValidationError(_too_big(name, len(raw), limit))
    return raw


def load_document(source: str | pathlib.Path | bytes, *, name: str | None = None) -> dict:
    """Read a document from a path or from uploaded bytes, refusing huge or broken files."""
    if isinstance(source, bytes):
        raw, name = source, name or "upload"
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise ValidationError(_too_big(name, len(raw)))
    else:
        name = name or str(source)
        raw = read_file(source, name=name)
    try:
        text = raw.decode("utf-8-sig")
        doc = json.loads(
            text, object_pairs_hook=_Object, parse_int=_parse_int, parse_constant=_Constant
        )
    except UnicodeDecodeError:
        raise ValidationError(f"{name}: not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise ValidationError(
            f"{name}: not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
        ) from None
    except RecursionError:
        line, column = _too_deep_at(text)
        raise ValidationError(
            f"{name}: nested more than {MAX_DEPTH} levels deep at line {line}, column {column}"
        ) from None
    try:
        check_values(doc)
    except ValidationError as e:
        raise in_file(e, name) from None
    return doc


def in_file(error: ValidationError, name: str) -> ValidationError:
    """``error`` with the file's name in front (once), for messages about an uploaded file."""
    if str(error).startswith(f"{name}: "):
        return error
    return ValidationError(error.message, f"{name}: {error.path}" if error.path else name)


# ---------------------------------------------------------------------------- raw JSON values
# What json.loads accepts but a document may not hold: objects with a key twice, integers
# beyond SQLite's 64 bits (or with thousands of digits, which Python refuses to convert),
# NaN and Infinity, lone surrogates (not text, SQLite cannot store them) and deep nesting.

MAX_DEPTH = 64
INT64 = (-(2**63), 2**63 - 1)


class _Object(dict):
    """A JSON object that remembers the first key it held twice."""

    def __init__(self, pairs: list[tuple[str, Any]]):
        super().__init__(pairs)
        self.duplicate = None
        if len(self) != len(pairs):
            seen: set[str] = set()
            self.duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))


class _BigInt(str):
    """An integer literal too long to convert (kept as its text, refused by check_values)."""


class _Constant(str):
    """``NaN``, ``Infinity`` or ``-Infinity``: JavaScript, not JSON numbers."""


def _parse_int(text: str) -> int | _BigInt:
    return _BigInt(text) if len(text) > 30 else int(text)


def check_values(doc: Any) -> None:
    """Refuse what JSON allows but a document may not hold, naming the field's path.

    Walks the document without recursion: nesting deeper than :data:`MAX_DEPTH`, an object
    with a key twice, an integer outside SQLite's 64-bit range, ``NaN``/``Infinity``, or text
    with a lone surrogate raise ValidationError.
    """
    stack: list[tuple[Any, tuple, int]] = [(doc, (), 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValidationError(
                f"nested more than {MAX_DEPTH} levels deep", _path(where[:3]) + "…"
            )
        if isinstance(value, _BigInt):
            raise ValidationError(
                f"the integer with {len(value.lstrip('-')):,} digits is too "
                "large (at most 64 bits)",
                _path(where),
            )
        if isinstance(value, _Constant):
            raise ValidationError(f"{value} is not a number JSON allows", _path(where))
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not (INT64[0] <= value <= INT64[1])
        ):
            raise ValidationError(
                f"the integer {str(value)[:12]}… is too large (at most 64 bits)", _path(where)
            )
        if isinstance(value, str):
            _check_text(value, where)
        elif isinstance(value, dict):
            if getattr(value, "duplicate", None) is not None:
                raise ValidationError(f"the key {value.duplicate!r} appears twice", _path(where))
            for key, item in value.items():
                _check_text(key, where)
                stack.append((item, (*where, key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, (*where, i), depth + 1) for i, item in enumerate(value))


def _too_deep_at(text: str) -> tuple[int, int]:
    """Line and column of the first bracket that opens level ``MAX_DEPTH + 1`` (1-based)."""
    depth, in_string, escaped = 0, False, False
    for i, char in enumerate(text):
        if in_string:
            escaped, in_string = (
                (not escaped and char == "\\"),
                in_string and (escaped or char != '"'),
            )
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, i) + 1
                return line, i - (text.rfind("\n", 0, i) + 1) + 1
        elif char in "]}":
            depth -= 1
    return 1, 1


def _check_text(text: str, where: tuple) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        bad = text[e.start]
        raise ValidationError(
            f"text with a lone surrogate (\\u{ord(bad):04x}) is not valid text", _path(where)
        ) from None


def _too_big(name: str, size: int, limit: int | None = None) -> str:
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    return f"{name}: the file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB"


def parse_document(doc: Any) -> Parsed:
    """Check a whole document and turn it into dataclasses, or raise ValidationError."""
    check_values(doc)
    if not isinstance(doc, dict):
        raise ValidationError(f"expected a JSON object at the top, got {_kind(doc)}")
    if doc.get("format") != FORMAT:
        raise ValidationError(
            f"not a Journey Lab file (format is {doc.get('format')!r}, expected {FORMAT!r})",
            "format",
        )
    version = doc.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ValidationError(
            f"format version {version} was written by a newer Journey Lab; "
            f"this one reads version {FORMAT_VERSION}",
            "format_version",
        )
    doc = upgrade(doc)
    _check_schema(doc)

    ws = Workspace(
        name=doc["workspace"]["name"], description=doc["workspace"].get("description", "")
    )
    _at("workspace", validate_workspace, ws)

    personas: dict[str, Persona] = {}
    for i, entry in enumerate(doc["personas"]):
        ref = entry["id"]
        if ref in personas:
            raise ValidationError(f"duplicate persona id {ref!r}", f"personas[{i}].id")
        persona = persona_from_dict(entry)
        _at(f"personas[{i}]", validate_persona, persona)
        personas[ref] = persona

    journeys = []
    for i, entry in enumerate(doc["journeys"]):
        ref = entry.get("persona")
        if ref is not None and ref not in personas:
            raise ValidationError(
                f"no persona with id {ref!r} in this file", f"journeys[{i}].persona"
            )
        journey = journey_from_dict(entry)
        _at(f"journeys[{i}]", validate_journey, journey)
        journeys.append((journey, ref))
    return Parsed(ws, personas, journeys)


def upgrade(doc: dict) -> dict:
    """A document of an older format version as the current version (a new dict; ``doc`` is
    left as it is). Version 1 -> 2: comments were added, and version 1 has none, so only the
    number changes. Anything else is returned unchanged for the schema to judge."""
    version = doc.get("format_version")
    if type(version) is int and version == 1:
        return {**doc, "format_version": 2}
    return doc


def persona_from_dict(entry: dict) -> Persona:
    return Persona(**{k: entry[k] for k in PERSONA_KEYS if k in entry})


def journey_from_dict(entry: dict) -> Journey:
    stages = []
    for s in entry.get("stages", []):
        stage = Stage(**{k: s[k] for k in STAGE_KEYS if k in s})
        stage.label = stage.label or stage_label(stage.stage)
        stage.touchpoints = [Touchpoint(**t) for t in s.get("touchpoints", [])]
        stage.comments = _comments_from(s)
        stage.moments = [
            Moment(**{k: v for k, v in m.items() if k != "comments"}, comments=_comments_from(m))
            for m in s.get("moments", [])
        ]
        stages.append(stage)
    metrics = [
        Metric(
            **{k: m[k] for k in METRIC_KEYS if k in m},
            values=[MetricValue(**v) for v in m.get("values", [])],
        )
        for m in entry.get("metrics", [])
    ]
    scenarios = [
        Scenario(name=s["name"], levers=dict(s.get("levers", {})))
        for s in entry.get("scenarios", [])
    ]
    assumptions = Assumptions(
        **{k: v for k, v in entry.get("assumptions", {}).items() if k in ASSUMPTION_FIELDS}
    )
    return Journey(
        name=entry["name"],
        description=entry.get("description", ""),
        assumptions=assumptions,
        stages=stages,
        metrics=metrics,
        scenarios=scenarios,
    )


def _comments_from(entry: dict) -> list[Comment]:
    return [
        Comment(
            author=c["author"],
            text=c["text"],
            created_at=c["created_at"],
            updated_at=c.get("updated_at", c["created_at"]),
        )
        for c in entry.get("comments", [])
    ]


def _at(prefix: str, check, value) -> None:
    try:
        check(value)
    except ValidationError as e:
        raise e.at(prefix) from None


def _check_schema(doc: dict) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: (list(e.absolute_path), e.message))
    if not errors:
        return
    error = _deepest(errors)
    raise ValidationError(_schema_message(error), _path(error.absolute_path))


def _deepest(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError:
    """The most specific error: the one deepest in the document, first in document order."""
    return max(errors, key=lambda e: len(e.absolute_path))


def _path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _schema_message(error: jsonschema.ValidationError) -> str:
    value, schema_ = error.instance, error.schema
    if error.validator in ("minimum", "maximum") and "minimum" in schema_ and "maximum" in schema_:
        return f"{value:g} is outside {schema_['minimum']:g}..{schema_['maximum']:g}"
    if error.validator == "minimum":
        return f"{value:g} is below {schema_['minimum']:g}"
    if error.validator == "maximum":
        return f"{value:g} is above {schema_['maximum']:g}"
    if error.validator == "maxLength":
        return f"is {len(value):,} characters long; the limit is {schema_['maxLength']:,}"
    if error.validator == "enum":
        return f"{value!r} is not one of {', '.join(map(str, schema_['enum']))}"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in value]
        return f"missing required field {missing[0]!r}"
    if error.validator == "additionalProperties":
        extra = sorted(set(value) - set(schema_.get("properties", {})))
        return f"unknown field {extra[0]!r}" if extra else error.message
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {_article(expected)}, got {_kind(value)}"
    if error.validator == "const":
        return f"must be {error.validator_value!r}, got {value!r}"
    if error.validator == "minLength":
        return "must not be empty"
    if error.validator in ("minItems", "maxItems"):
        low, high = schema_.get("minItems"), schema_.get("maxItems")
        wanted = (
            f"exactly {low}"
            if low == high
            else (f"at least {low}" if error.validator == "minItems" else f"at most {high}")
        )
        noun = _path(error.absolute_path).rsplit(".", 1)[-1] or "items"
        return f"expected {wanted} {noun}, got {len(value)}"
    if error.validator == "pattern" and "date" in _path(error.absolute_path):
        return f"{value!r} is not a date (YYYY-MM-DD)"
    return error.message


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "an array",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return f"{names.get(type(value), type(value).__name__)} ({json.dumps(value)[:40]})"


# ---------------------------------------------------------------------------- CSV


def _csv(header: list[str], rows: list[list]) -> str:
    return csvsafe.to_csv(header, rows)


def stages_csv(j: Journey) -> str:
    """One row per stage, for spreadsheets."""
    header = [*STAGE_KEYS, "touchpoints", "friction_points", "key_points"]
    rows = [
        [
            *(getattr(s, k) for k in STAGE_KEYS),
            "; ".join(t.channel for t in s.touchpoints),
            sum(m.kind == "friction" for m in s.moments),
            sum(m.kind == "key" for m in s.moments),
        ]
        for s in j.stages
    ]
    return _csv(header, rows)


def moments_csv(j: Journey) -> str:
    """One row per friction or key point."""
    header = ["stage", *MOMENT_KEYS]
    rows = [[s.stage, *(getattr(m, k) for k in MOMENT_KEYS)] for s in j.stages for m in s.moments]
    return _csv(header, rows)


def metrics_csv(j: Journey) -> str:
    """One row per dated metric value (metrics with no values get one row without a date)."""
    header = [*METRIC_KEYS, "date", "value"]
    rows = []
    for m in j.metrics:
        base = [getattr(m, k) for k in METRIC_KEYS]
        rows.extend([*base, v.date, v.value] for v in m.values)
        if not m.values:
            rows.append([*base, "", ""])
    return _csv(header, rows)
