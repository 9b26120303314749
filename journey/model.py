"""The journey domain: stages, the records a workshop fills in, and their rules.

Everything here is plain data. Dataclasses mirror the rows the storage module keeps;
``validate_*`` functions check a record against the domain rules and raise
:class:`ValidationError` carrying the path of the bad field (``stages[2].emotion``), so a page
can show the message next to the field and the command line can name it in a file.

The five stages run in a fixed order. The first three make up the *buyer journey* (up to and
including the purchase); all five make up the *customer journey*.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# ---------------------------------------------------------------------------- stages

STAGES: tuple[str, ...] = ("awareness", "consideration", "decision", "retention", "advocacy")
BUYER_STAGES: tuple[str, ...] = STAGES[:3]
POST_PURCHASE_STAGES: tuple[str, ...] = STAGES[3:]

STAGE_LABELS: dict[str, str] = {
    "awareness": "Awareness",
    "consideration": "Consideration",
    "decision": "Decision",
    "retention": "Retention",
    "advocacy": "Advocacy",
}
STAGE_ALIASES: dict[str, str] = {
    "recognition": "awareness",
    "purchase": "decision",
    "loyalty": "advocacy",
}

MOMENT_KINDS: tuple[str, ...] = ("friction", "key")
MOMENT_KIND_LABELS = {"friction": "Friction point", "key": "Key point"}
MOMENT_STATUSES: tuple[str, ...] = ("open", "in progress", "done")
METRIC_SIDES: tuple[str, ...] = ("buyer", "customer")
METRIC_DIRECTIONS: tuple[str, ...] = ("higher", "lower")

DURATION_UNITS: dict[str, float] = {
    "hours": 1 / 24,
    "days": 1.0,
    "weeks": 7.0,
    "months": 365.25 / 12,
    "years": 365.25,
}

MAX_TEXT = 10_000  # characters in one free-text field
MAX_NAME = 200  # characters in a name or title
#: The largest values the economic inputs and durations may take (the what-if levers' limits
#: too): far beyond any real journey, small enough that every figure computed from them stays
#: finite (a float overflows near 1.8e308).
MAX_PEOPLE = 1e12  # entrants per period
MAX_MONEY = 1e12  # order value, acquisition spend per period
MAX_PURCHASES = 1e6  # purchases per customer per period
MAX_DAYS = 36_525.0  # a stage's duration, one period: 100 years


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage.title())


def is_buyer_stage(stage: str) -> bool:
    """True for awareness, consideration and decision: the stages up to the purchase."""
    return stage in BUYER_STAGES


#: The two parts of a journey, as every page, chart, table and export names them.
BUYER_PART = "Buyer journey"
AFTER_PART = "After purchase"


def journey_part(stage: str) -> str:
    """:data:`BUYER_PART` for awareness, consideration and decision, else :data:`AFTER_PART`."""
    return BUYER_PART if is_buyer_stage(stage) else AFTER_PART


def normalise_stage(name: str) -> str:
    """Map a stage name or alias (``"Recognition"``) to its canonical key, or raise."""
    key = str(name).strip().lower()
    key = STAGE_ALIASES.get(key, key)
    if key not in STAGES:
        raise ValidationError(f"unknown stage {name!r}; expected one of {', '.join(STAGES)}")
    return key


def to_days(value: float, unit: str) -> float:
    """Convert a duration in ``unit`` (hours, days, weeks, months, years) to days."""
    if unit not in DURATION_UNITS:
        raise ValidationError(f"unknown unit {unit!r}; expected one of {', '.join(DURATION_UNITS)}")
    return float(value) * DURATION_UNITS[unit]


def best_unit(days: float) -> tuple[float, str]:
    """The friendliest (value, unit) for a duration in days: 21 -> (3.0, "weeks")."""
    if days is None or days == 0:
        return 0.0, "days"
    for unit in ("years", "months", "weeks", "days"):
        value = days / DURATION_UNITS[unit]
        if value >= 1 and abs(value - round(value, 1)) < 1e-9:
            return round(value, 1), unit
    if days < 1:
        return round(days * 24, 2), "hours"
    return round(days, 2), "days"


def short_days(days: float | None) -> str:
    """A compact duration for a label: "6 h", "24 d", "4.4 mo", "1.2 yr", "n/a"."""
    from .formatting import duration

    return duration(days, short=True)


# ---------------------------------------------------------------------------- errors


class JourneyError(Exception):
    """Base class for errors a person can cause and act on."""


class ValidationError(JourneyError, ValueError):
    """A value breaks a domain rule. ``path`` names the field (``stages[2].emotion``)."""

    def __init__(self, message: str, path: str = ""):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    def at(self, prefix: str) -> ValidationError:
        """The same error, with ``prefix`` put in front of its path."""
        if not prefix:
            return self
        path = (
            f"{prefix}.{self.path}"
            if self.path and not self.path.startswith("[")
            else (f"{prefix}{self.path}")
        )
        return ValidationError(self.message, path)


class NotFoundError(JourneyError, LookupError):
    """A record asked for by id does not exist (any more)."""


class StorageError(JourneyError):
    """The database or a file cannot be used as asked: a missing folder, a file that is not a
    database (or not a Journey Lab one), a read-only database, a full disk."""


class ConflictError(JourneyError):
    """Someone else saved the record since it was read; nothing was written.

    ``current`` is the record as stored now, ``yours`` the values that were refused, and
    ``fields`` the names where the two differ, so a page can show both and lose neither.
    """

    def __init__(self, what: str, current: dict, yours: dict, expected_version: int):
        self.what = what
        self.current = current
        self.yours = yours
        self.expected_version = expected_version
        self.fields = [k for k, v in yours.items() if current.get(k) != v]
        changes = "; ".join(
            f"{k} is now {_short(current.get(k))} (yours: {_short(yours[k])})" for k in self.fields
        )
        if current.get("deleted"):
            detail = "it was deleted"
        else:
            detail = f"version {expected_version} -> {current.get('version')}" + (
                f": {changes}" if changes else ""
            )
        super().__init__(
            f"{what} was changed by someone else since you opened it ({detail}). "
            "Nothing was saved: review the values and save again."
        )


class ChangedSinceError(JourneyError):
    """Undoing or restoring a revision would overwrite a later save of the same fields; nothing
    was written.

    ``what`` names the record, ``fields`` the fields saved again since (as the store names
    them) and ``authors`` who saved them, so a page can name both in its own words.
    """

    def __init__(
        self, what: str, fields: list[str], authors: list[str], revision: Revision | None = None
    ):
        self.what = what
        self.fields = fields
        self.authors = authors
        self.revision = revision  # the revision that was to be put back
        names = ", ".join(f.replace("_", " ") for f in fields)
        super().__init__(
            f"{what}: {names} changed since (saved by {', '.join(authors)}); putting the old "
            "value back would overwrite that save. Nothing was changed: restore the later saves "
            "first, newest first, or edit the field by hand."
        )


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


# ---------------------------------------------------------------------------- records


@dataclass
class Workspace:
    name: str
    description: str = ""
    id: int | None = None
    version: int = 1
    updated_at: str = ""


@dataclass
class Persona:
    name: str
    role: str = ""
    age_range: str = ""
    goals: str = ""
    motivations: str = ""
    pain_points: str = ""
    channels: list[str] = field(default_factory=list)
    quote: str = ""
    notes: str = ""
    id: int | None = None
    workspace_id: int | None = None
    version: int = 1
    updated_at: str = ""


@dataclass
class Touchpoint:
    channel: str
    description: str = ""
    id: int | None = None
    stage_id: int | None = None


@dataclass
class Comment:
    """A note someone left on a stage or a moment: who, when (ISO UTC), the text (plain)."""

    author: str
    text: str
    created_at: str = ""
    updated_at: str = ""
    id: int | None = None
    version: int = 1


@dataclass
class Moment:
    """A friction point (``kind="friction"``) or key point (``kind="key"``) at a stage."""

    kind: str
    title: str
    description: str = ""
    severity: int = 3  # severity of a friction point, impact of a key point: 1..5
    channel: str = ""
    action: str = ""
    owner: str = ""
    status: str = "open"
    id: int | None = None
    stage_id: int | None = None
    stage: str = ""
    version: int = 1
    updated_at: str = ""
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Stage:
    stage: str
    label: str = ""
    customer_goal: str = ""
    customer_actions: str = ""
    business_actions: str = ""
    thoughts: str = ""
    emotion: int = 0  # -2 (very negative) .. +2 (very positive)
    duration_days: float = 0.0
    conversion: float | None = None  # share that goes on to the next stage, 0..1
    touchpoints: list[Touchpoint] = field(default_factory=list)
    moments: list[Moment] = field(default_factory=list)
    id: int | None = None
    journey_id: int | None = None
    version: int = 1
    updated_at: str = ""
    comments: list[Comment] = field(default_factory=list)

    @property
    def position(self) -> int:
        return STAGES.index(self.stage)


@dataclass
class MetricValue:
    date: str  # ISO date, YYYY-MM-DD
    value: float
    id: int | None = None


@dataclass
class Metric:
    key: str
    name: str
    side: str = "buyer"  # buyer journey or customer journey KPI
    unit: str = ""
    target: float | None = None
    direction: str = "higher"  # which way is better
    values: list[MetricValue] = field(default_factory=list)
    id: int | None = None
    journey_id: int | None = None
    version: int = 1
    updated_at: str = ""


@dataclass
class Scenario:
    name: str
    levers: dict[str, float] = field(default_factory=dict)
    id: int | None = None
    journey_id: int | None = None
    version: int = 1
    updated_at: str = ""


@dataclass
class Assumptions:
    """The journey's economic inputs: the starting point of every what-if."""

    entrants: float = 1000.0  # people entering awareness per period
    order_value: float = 0.0
    purchases_per_period: float = 1.0
    margin: float = 0.3  # gross margin, 0..1
    retention: float = 0.0  # share of customers kept from one period to the next, 0..1
    discount_rate: float = 0.1  # per period, 0..1
    spend: float | None = None  # acquisition spend per period; None: not entered
    period_days: float = 365.0  # one period, in days

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ASSUMPTION_FIELDS}


ASSUMPTION_FIELDS: tuple[str, ...] = tuple(Assumptions.__dataclass_fields__)
#: The assumptions a new journey starts from (and a what-if's levers by default), read-only.
ASSUMPTION_DEFAULTS: Mapping[str, float | None] = MappingProxyType(Assumptions().as_dict())

# The editable fields of each kind of row, in the order documents, exports and forms list
# them: the one list storage (updates), exchange (documents, CSV) and editing (forms) use.
PERSONA_FIELDS: tuple[str, ...] = (
    "name",
    "role",
    "age_range",
    "goals",
    "motivations",
    "pain_points",
    "channels",
    "quote",
    "notes",
)
#: A stage's editable fields (its key, ``stage``, is fixed; touchpoints are rows of their own).
STAGE_FIELDS: tuple[str, ...] = (
    "label",
    "customer_goal",
    "customer_actions",
    "business_actions",
    "thoughts",
    "emotion",
    "duration_days",
    "conversion",
)
MOMENT_FIELDS: tuple[str, ...] = (
    "kind",
    "title",
    "description",
    "severity",
    "channel",
    "action",
    "owner",
    "status",
)
METRIC_FIELDS: tuple[str, ...] = ("key", "name", "side", "unit", "target", "direction")
#: A metric's dated value as an editable field of the metric: ``value_on_2026-01-31``.
VALUE_FIELD_PREFIX = "value_on_"


def value_field(date: str) -> str:
    """The editable field of a metric's value on ``date`` (YYYY-MM-DD): ``value_on_<date>``."""
    return f"{VALUE_FIELD_PREFIX}{date}"


def value_field_date(name: str) -> str | None:
    """The date a metric field names (``value_on_2026-01-31`` -> "2026-01-31"), else None."""
    return name[len(VALUE_FIELD_PREFIX) :] if name.startswith(VALUE_FIELD_PREFIX) else None


@dataclass
class Journey:
    name: str
    description: str = ""
    persona_id: int | None = None
    assumptions: Assumptions = field(default_factory=Assumptions)
    stages: list[Stage] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    id: int | None = None
    workspace_id: int | None = None
    version: int = 1
    updated_at: str = ""

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.stage == key:
                return stage
        raise NotFoundError(f"journey {self.name!r} has no {key} stage")

    @property
    def moments(self) -> list[Moment]:
        return [m for s in self.stages for m in s.moments]


@dataclass(frozen=True)
class JourneySummary:
    """One row of :meth:`Store.journeys`: a journey's ids and names, and what it holds."""

    id: int
    name: str
    workspace_id: int
    workspace: str  # the workspace's name
    persona_id: int | None
    persona: str | None  # the persona's name; None without a persona
    updated_at: str  # ISO 8601, UTC
    stages: int
    friction_points: int
    key_points: int


@dataclass(frozen=True)
class EventDataset:
    """An imported event log as :meth:`Store.event_datasets` and :meth:`Store.get_event_dataset`
    read it: its settings and counts, and its stored report (``get_event_dataset`` only)."""

    id: int
    journey_id: int
    name: str
    columns: dict  # the file's column for each role: {"customer": ..., "segment": ...}
    mapping: dict  # how events map to stages and purchases (see journey.observed)
    event_names: list  # [name, count] pairs, most frequent first
    total_rows: int
    events_rows: int
    ignored_rows: int
    customers: int
    version: int
    created_at: str  # ISO 8601, UTC
    updated_at: str
    report: dict | None = None  # the stored figures; None in the list of a journey's logs


@dataclass(frozen=True)
class ImportResult:
    """What :meth:`Store.import_document` wrote."""

    workspace_id: int  # the workspace the document went into (new or given)
    personas: int  # how many personas the document held
    journeys: list[int]  # the ids of its journeys, in the document's order
    snapshot_id: int | None  # the snapshot of what an import over a workspace replaced
    kept: list[int]  # journeys an import over a workspace kept for their event logs


@dataclass(frozen=True)
class RestoreResult:
    """What :meth:`Store.restore_snapshot` put back."""

    kind: str  # "journey", "persona" or "workspace"
    id: int  # the restored row's id (its old id)
    snapshot_id: int | None  # the snapshot that undoes the restore; None if nothing was replaced
    kept: list[int]  # journeys a workspace restore kept for their event logs


@dataclass
class Snapshot:
    id: int
    journey_id: int | None
    workspace_id: int | None
    reason: str
    created_at: str
    title: str = ""


# ---------------------------------------------------------------------------- validation


def check_text(value: Any, path: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """A string field: the right type, not too long, present when required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"expected text, got {type(value).__name__}", path)
    if required and not value.strip():
        raise ValidationError("must not be empty", path)
    if len(value) > limit:
        raise ValidationError(f"is {len(value):,} characters long; the limit is {limit:,}", path)
    return value


def check_number(
    value: Any,
    path: str,
    *,
    low: float | None = None,
    high: float | None = None,
    optional: bool = False,
    integer: bool = False,
) -> float | int | None:
    """A numeric field within ``low..high`` (inclusive)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"expected a number, got {_short(value)}", path)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"{value} is not a finite number", path)
    if integer and value != int(value):
        raise ValidationError(f"{value} is not a whole number", path)
    if low is not None and high is not None and not low <= value <= high:
        raise ValidationError(f"{_fmt(value)} is outside {_fmt(low)}..{_fmt(high)}", path)
    if low is not None and value < low:
        raise ValidationError(f"{_fmt(value)} is below {_fmt(low)}", path)
    if high is not None and value > high:
        raise ValidationError(f"{_fmt(value)} is above {_fmt(high)}", path)
    return int(value) if integer else value


def check_choice(value: Any, path: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValidationError(f"{_short(value)} is not one of {', '.join(choices)}", path)
    return value


def check_date(value: Any, path: str) -> str:
    import datetime as dt

    if not isinstance(value, str):
        raise ValidationError(f"expected a date as YYYY-MM-DD, got {_short(value)}", path)
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)", path) from None


def _fmt(x: float) -> str:
    return f"{x:g}"


def validate_workspace(ws: Workspace) -> None:
    check_text(ws.name, "name", required=True, limit=MAX_NAME)
    check_text(ws.description, "description")


def validate_persona(p: Persona) -> None:
    check_text(p.name, "name", required=True, limit=MAX_NAME)
    for name in ("role", "age_range"):
        check_text(getattr(p, name), name, limit=MAX_NAME)
    for name in ("goals", "motivations", "pain_points", "quote", "notes"):
        check_text(getattr(p, name), name)
    if not isinstance(p.channels, list):
        raise ValidationError("expected a list of channel names", "channels")
    for i, channel in enumerate(p.channels):
        check_text(channel, f"channels[{i}]", required=True, limit=MAX_NAME)


def validate_assumptions(a: Assumptions) -> None:
    check_number(a.entrants, "entrants", low=0, high=MAX_PEOPLE)
    check_number(a.order_value, "order_value", low=0, high=MAX_MONEY)
    check_number(a.purchases_per_period, "purchases_per_period", low=0, high=MAX_PURCHASES)
    check_number(a.margin, "margin", low=0, high=1)
    check_number(a.retention, "retention", low=0, high=1)
    check_number(a.discount_rate, "discount_rate", low=0, high=1)
    check_number(a.spend, "spend", low=0, high=MAX_MONEY, optional=True)
    check_number(a.period_days, "period_days", low=1, high=MAX_DAYS)


def validate_touchpoint(t: Touchpoint) -> None:
    check_text(t.channel, "channel", required=True, limit=MAX_NAME)
    check_text(t.description, "description")


def validate_moment(m: Moment) -> None:
    check_choice(m.kind, "kind", MOMENT_KINDS)
    check_text(m.title, "title", required=True, limit=MAX_NAME)
    check_text(m.description, "description")
    check_number(m.severity, "severity", low=1, high=5, integer=True)
    check_text(m.channel, "channel", limit=MAX_NAME)
    check_text(m.action, "action")
    check_text(m.owner, "owner", limit=MAX_NAME)
    check_choice(m.status, "status", MOMENT_STATUSES)


def validate_stage_fields(s: Stage) -> None:
    """The stage's own fields (not its touchpoints and moments)."""
    try:
        normalise_stage(s.stage)
    except ValidationError as e:
        raise e.at("stage") from None
    check_text(s.label, "label", limit=MAX_NAME)
    for name in ("customer_goal", "customer_actions", "business_actions", "thoughts"):
        check_text(getattr(s, name), name)
    check_number(s.emotion, "emotion", low=-2, high=2, integer=True)
    check_number(s.duration_days, "duration_days", low=0, high=MAX_DAYS)
    check_number(s.conversion, "conversion", low=0, high=1, optional=True)


def validate_stage(s: Stage) -> None:
    validate_stage_fields(s)
    for i, t in enumerate(s.touchpoints):
        _nested(validate_touchpoint, t, f"touchpoints[{i}]")
    for i, m in enumerate(s.moments):
        _nested(validate_moment, m, f"moments[{i}]")


def validate_metric(m: Metric) -> None:
    check_text(m.key, "key", required=True, limit=MAX_NAME)
    check_text(m.name, "name", required=True, limit=MAX_NAME)
    check_choice(m.side, "side", METRIC_SIDES)
    check_text(m.unit, "unit", limit=MAX_NAME)
    check_number(m.target, "target", optional=True)
    check_choice(m.direction, "direction", METRIC_DIRECTIONS)
    for i, v in enumerate(m.values):
        check_date(v.date, f"values[{i}].date")
        check_number(v.value, f"values[{i}].value")


def validate_scenario(s: Scenario) -> None:
    check_text(s.name, "name", required=True, limit=MAX_NAME)
    if not isinstance(s.levers, dict):
        raise ValidationError("expected an object of lever: value", "levers")
    for k, v in s.levers.items():
        check_text(k, "levers", required=True, limit=MAX_NAME)
        check_number(v, f"levers.{k}", low=0, high=max(MAX_PEOPLE, MAX_MONEY))


def validate_journey(j: Journey) -> None:
    """A whole journey: its fields, exactly the five stages once each, and all it holds."""
    check_text(j.name, "name", required=True, limit=MAX_NAME)
    check_text(j.description, "description")
    _nested(validate_assumptions, j.assumptions, "assumptions")
    seen = _each_once(validate_stage, j.stages, "stages", "stage", "the {} stage appears twice")
    missing = [s for s in STAGES if s not in seen]
    if missing:
        raise ValidationError(f"missing stage(s): {', '.join(missing)}", "stages")
    _each_once(validate_metric, j.metrics, "metrics", "key", "metric key {!r} appears twice")
    _each_once(validate_scenario, j.scenarios, "scenarios", "name", "scenario {!r} appears twice")


def _each_once(check, items: list, where: str, key: str, twice: str) -> set:
    """Run ``check`` on each of ``items`` (errors located at ``where[i]``) and refuse a
    second item with the same ``key`` attribute: ValidationError ``twice.format(value)`` at
    ``where[i].key``. Returns the set of keys seen."""
    seen: set = set()
    for i, item in enumerate(items):
        _nested(check, item, f"{where}[{i}]")
        value = getattr(item, key)
        if value in seen:
            raise ValidationError(twice.format(value), f"{where}[{i}].{key}")
        seen.add(value)
    return seen


def _nested(check, value, prefix: str) -> None:
    try:
        check(value)
    except ValidationError as e:
        raise e.at(prefix) from None


def blank_stages() -> list[Stage]:
    """Five empty stages, in order, ready to be filled in."""
    return [Stage(stage=key, label=stage_label(key)) for key in STAGES]


@dataclass(frozen=True)
class Revision:
    """One save of an editable row: who, when, and each changed field's old and new value.

    ``kind`` is persona, stage, moment, journey, metric or scenario; ``changes`` maps a field
    (as the store names it) to ``(old, new)``; ``restores`` is the revision this save put
    back, if it was a restore.
    """

    id: int
    kind: str
    target_id: int
    journey_id: int | None
    workspace_id: int | None
    title: str
    author: str
    created_at: str
    changes: dict[str, tuple[Any, Any]]
    restores: int | None = None
