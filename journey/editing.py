"""Pure helpers for the editing pages: form values in, change dicts and display rows out.

The Personas, Stages and Friction-and-key-points pages keep no logic of their own: they read
their widgets, hand the values to a function here and pass the result to the store. Nothing
here imports streamlit or speaks SQL, so each rule (a percent becomes a share, a blank
touchpoint row is dropped, which moments a filter keeps) is tested with plain values in
``tests/test_editing.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from .model import (
    MOMENT_FIELDS,
    MOMENT_KIND_LABELS,
    STAGE_FIELDS,
    STAGES,
    ChangedSinceError,
    Moment,
    Revision,
    Stage,
    ValidationError,
    best_unit,
    journey_part,
    stage_label,
    to_days,
)

#: Channels offered in the pickers; anything people type is kept too.
CHANNELS: tuple[str, ...] = (
    "Web",
    "Social",
    "Email",
    "Dealership",
    "Phone",
    "App",
    "Review sites",
    "Events",
    "Chat",
    "Support desk",
    "Community",
    "Store",
)

#: Emotion scores as the stage form's slider shows them.
EMOTIONS: dict[int, str] = {-2: "😣 -2", -1: "🙁 -1", 0: "😐 0", 1: "🙂 +1", 2: "😀 +2"}

#: How a friction point and a key point are marked in lists.
ICONS: dict[str, str] = {"friction": "⚠️", "key": "⭐"}


#: What the forms call each field, for messages that point at the right widget.
FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "role": "Role",
    "age_range": "Age range",
    "goals": "Goals",
    "motivations": "Motivations",
    "pain_points": "Pain points",
    "channels": "Preferred channels",
    "quote": "Quote",
    "notes": "Notes",
    "label": "Label",
    "customer_goal": "Customer goal",
    "customer_actions": "Customer actions",
    "business_actions": "Business actions",
    "thoughts": "Thoughts",
    "emotion": "Emotion",
    "duration_days": "Typical duration",
    "conversion": "Conversion to the next stage",
    "touchpoints": "Touchpoints and channels",
    "kind": "Kind",
    "title": "Title",
    "description": "Description",
    "severity": "Severity",
    "channel": "Channel",
    "action": "Action",
    "owner": "Owner",
    "status": "Status",
    "stage": "Stage",
    "stage_id": "Stage",
    "persona_id": "Persona",
    "entrants": "Entrants",
    "order_value": "Order value",
    "purchases_per_period": "Purchases per period",
    "margin": "Margin",
    "retention": "Retention",
    "discount_rate": "Discount rate",
    "spend": "Spend",
    "period_days": "One period",
    "key": "Key",
    "side": "Side",
    "unit": "Unit",
    "target": "Target",
    "direction": "Better",
    "levers": "Levers",
}

#: What each kind of editable row is called in messages ("This friction point was ...").
KIND_LABELS: dict[str, str] = {
    "persona": "persona",
    "stage": "stage",
    "moment": "point",
    "journey": "journey",
    "metric": "KPI",
    "scenario": "scenario",
}


# ---------------------------------------------------------------------------- text and lists


def _text(value: Any) -> str:
    """A cell or widget value as text: None and NaN (an untouched new row) become ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def clean_channels(channels: Iterable[str]) -> list[str]:
    """Channel names as picked: trimmed, blanks dropped, the first of each spelling kept.

    >>> clean_channels(["Web", " email ", "web", ""])
    ['Web', 'email']
    """
    seen: set[str] = set()
    kept = []
    for channel in channels:
        name = _text(channel).strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def channel_options(used: Iterable[Iterable[str]] = ()) -> list[str]:
    """The channel vocabulary, then every other channel already in use, spelled as stored
    (trimmed) so a persona's or moment's own channels are always among the options."""
    extra = {c for channels in used for c in (_text(c).strip() for c in channels)}
    extra -= {*CHANNELS, ""}
    return [*CHANNELS, *sorted(extra, key=lambda c: (c.casefold(), c))]


# ---------------------------------------------------------------------------- stages


def has_conversion(stage: str) -> bool:
    """Whether a stage leads on to another (advocacy is the last: it has no conversion)."""
    return stage != STAGES[-1]


def conversion_percent(share: float | None) -> float | None:
    """A stored conversion share (0..1) as the percent a form shows: 0.4 -> 40.0."""
    return None if share is None else round(share * 100, 6)


def conversion_share(percent: float | None) -> float | None:
    """A percent typed in a form (0..100) as the share stored: 40 -> 0.4; empty stays None."""
    return None if percent is None else round(percent / 100, 8)


def touchpoints_from_rows(rows: Iterable[dict]) -> list[dict]:
    """The touchpoint editor's rows as ``{"channel", "description"}`` dicts for the store.

    Cells are trimmed and rows left completely blank are dropped; a row with a description
    but no channel is kept, so the store's check names it.
    """
    kept = []
    for row in rows:
        channel = _text(row.get("channel")).strip()
        description = _text(row.get("description")).strip()
        if channel or description:
            kept.append({"channel": channel, "description": description})
    return kept


def touchpoint_rows(stage: Stage) -> list[dict]:
    """A stage's touchpoints as rows for the editor (the inverse of touchpoints_from_rows)."""
    return [{"channel": t.channel, "description": t.description} for t in stage.touchpoints]


def stage_values(stage: Stage) -> dict:
    """A stage's editable values as :func:`stage_changes` returns them (the merge's base):
    durations in days, the conversion as a share (none for advocacy), touchpoint dicts."""
    values = {k: getattr(stage, k) for k in STAGE_FIELDS if k != "conversion"}
    if has_conversion(stage.stage):
        values["conversion"] = stage.conversion
    return {**values, "touchpoints": touchpoint_rows(stage)}


def stage_changes(
    stage: Stage,
    *,
    label: str,
    customer_goal: str,
    customer_actions: str,
    business_actions: str,
    thoughts: str,
    emotion: int,
    duration_value: float,
    duration_unit: str,
    conversion: float | None,
    touchpoints: Iterable[dict],
) -> dict:
    """The form's values for ``stage`` as keyword arguments for ``Store.update_stage``.

    The duration is converted to days and the conversion percent to a share (left out for
    advocacy, which has no next stage); the touchpoint rows are cleaned. A duration or
    conversion shown as it was loaded keeps the stored number exactly (the form shows it
    rounded: 10.123 days reads 10.12).
    """
    days = stage.duration_days
    if (duration_value, duration_unit) != best_unit(days):
        days = to_days(duration_value or 0, duration_unit)
    changes = {
        "label": label,
        "customer_goal": customer_goal,
        "customer_actions": customer_actions,
        "business_actions": business_actions,
        "thoughts": thoughts,
        "emotion": emotion,
        "duration_days": days,
        "touchpoints": touchpoints_from_rows(touchpoints),
    }
    if has_conversion(stage.stage):
        unchanged = conversion == conversion_percent(stage.conversion)
        changes["conversion"] = stage.conversion if unchanged else conversion_share(conversion)
    return changes


# ---------------------------------------------------------------------------- moments


def action_label(kind: str) -> str:
    """What the action field is called: friction is addressed, a key point is used."""
    return "How we address it" if kind == "friction" else "How we use it"


def severity_label(kind: str) -> str:
    """A friction point has a severity, a key point an impact (both 1..5)."""
    return "Severity" if kind == "friction" else "Impact"


def filter_moments(
    moments: Iterable[Moment],
    *,
    stages: Iterable[str] = (),
    kinds: Iterable[str] = (),
    statuses: Iterable[str] = (),
) -> list[Moment]:
    """The moments that match every filter given; an empty filter lets everything through."""
    stages, kinds, statuses = set(stages), set(kinds), set(statuses)
    return [
        m
        for m in moments
        if (not stages or m.stage in stages)
        and (not kinds or m.kind in kinds)
        and (not statuses or m.status in statuses)
    ]


def moment_counts(stages: Iterable[Stage]) -> list[dict]:
    """One row per stage: its part of the journey, friction points, key points, still open."""
    return [
        {
            "Stage": stage_label(s.stage),
            "Part": journey_part(s.stage),
            "Friction points": sum(m.kind == "friction" for m in s.moments),
            "Key points": sum(m.kind == "key" for m in s.moments),
            "Not done": sum(m.status != "done" for m in s.moments),
        }
        for s in stages
    ]


#: Moments listed per page on the Friction and key points page.
PAGE_SIZE = 20


def page_of(items: list, page: int, size: int = PAGE_SIZE) -> tuple[list, int]:
    """The items on ``page`` (counting from 1; clamped to the pages there are) and how many
    pages there are (at least one): ``page_of(list(range(45)), 3, 20)`` -> ``([40..44], 3)``.
    """
    pages = max(1, -(-len(items) // size))
    page = min(max(1, int(page)), pages)
    return items[(page - 1) * size : page * size], pages


def moment_values(m: Moment) -> dict:
    """A moment's editable values as ``Store.editable_values`` names them (the merge's base)."""
    return {**{k: getattr(m, k) for k in MOMENT_FIELDS}, "stage_id": m.stage_id}


def moment_facts(m: Moment) -> list[str]:
    """The short facts under a moment's title: kind, stage, severity or impact, status, ..."""
    facts = [
        MOMENT_KIND_LABELS.get(m.kind, m.kind),
        stage_label(m.stage),
        f"{severity_label(m.kind).lower()} {m.severity}/5",
        m.status,
    ]
    if m.channel:
        facts.append(f"channel: {m.channel}")
    if m.owner:
        facts.append(f"owner: {m.owner}")
    return facts


def moment_from(values: dict) -> Moment:
    """A new Moment from the add form's values (stage is the stage key, not its id)."""
    return Moment(**{k: values[k] for k in (*MOMENT_FIELDS, "stage")})


# ---------------------------------------------------------------------------- errors

_TOP_FIELD = re.compile(r"^[A-Za-z_]+")


def field_of(error: ValidationError) -> str:
    """The form field a validation error is about: ``touchpoints[1].channel`` -> touchpoints."""
    match = _TOP_FIELD.match(error.path or "")
    return match.group(0) if match else ""


def error_message(error: ValidationError) -> str:
    """The error in the form's words: ``Customer goal: is 10,001 characters long; ...``."""
    field = field_of(error)
    where = FIELD_LABELS.get(field, field)
    detail = error.path[len(field) :]
    row = re.match(r"^\[(\d+)\]\.?(\w*)", detail)
    if row:
        where += f", row {int(row.group(1)) + 1}" + (f", {row.group(2)}" if row.group(2) else "")
    return f"{where}: {error.message}" if where else error.message


# ---------------------------------------------------------------------------- edits shown


def changed_since_text(error: ChangedSinceError) -> str:
    """Why an undo or restore was refused, with the fields named as the forms name them."""
    fields = ", ".join(field_label(f) for f in error.fields)
    what = revision_title(error.revision) if error.revision else error.what
    return (
        f"Not put back: {fields} of {what} changed since, saved by "
        f"{', '.join(error.authors)}; putting the old value back would overwrite that save. "
        "Nothing was changed. Restore the later saves first (newest first, in Workspace and "
        "history) or edit the field by hand."
    )


def field_label(field: str) -> str:
    """What the forms call a stored field: ``duration_days`` -> "Typical duration"."""
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def show_value(field: str, value: Any) -> str:
    """A stored value as its form shows it, with its unit: 21.0 days -> "3 weeks".

    >>> show_value("conversion", 0.4), show_value("emotion", -1), show_value("severity", 4)
    ('40 %', '🙁 -1', '4/5')
    """
    if value is None or value == "":
        return "(empty)"
    if field == "duration_days" or field == "period_days":
        amount, unit = best_unit(float(value))
        return f"{amount:g} {unit}"
    if field in ("conversion", "margin", "retention", "discount_rate"):
        return f"{conversion_percent(float(value)):g} %"
    if field == "emotion":
        return EMOTIONS.get(int(value), str(value))
    if field == "severity":
        return f"{value}/5"
    if field == "channels":
        return ", ".join(map(str, value)) or "(empty)"
    if field == "touchpoints":
        return (
            "; ".join(
                f"{_text(t.get('channel'))}: {_text(t.get('description'))}".rstrip(": ")
                for t in value
            )
            or "(none)"
        )
    if field == "levers":
        return ", ".join(f"{k} {v:g}" for k, v in sorted(value.items())) or "(none)"
    if isinstance(value, float):
        return f"{value:,g}"
    return str(value)


def change_rows(
    changes: dict[str, tuple[Any, Any]], shown: dict[str, Any] | None = None
) -> list[dict]:
    """A revision's changes as table rows: field as the form calls it, before, after.

    ``shown`` overrides how a field's values read (``{"stage_id": {3: "Decision"}.get}``).
    """
    shown = shown or {}

    def fmt(f, v):
        return shown[f](v) if f in shown else show_value(f, v)

    return [
        {"Field": field_label(f), "Before": fmt(f, old), "After": fmt(f, new)}
        for f, (old, new) in changes.items()
    ]


def typed_rows(values: dict[str, Any]) -> list[dict]:
    """What someone typed into a form whose row is gone, to show and copy: field, value."""
    return [
        {"Field": field_label(f), "What you typed": show_value(f, v)}
        for f, v in values.items()
        if v not in (None, "", [], {})
    ]


def revision_title(r: Revision) -> str:
    """What a save changed, in words: "stage Awareness", "persona Maya Hoffmann"."""
    title = stage_label(r.title) if r.kind == "stage" else r.title
    return f"{KIND_LABELS.get(r.kind, r.kind)} {title}"


def restored_notice(revision: Revision, restored: Revision | None) -> str:
    """What a restore from the history did, in words (plain text, for ``ui.notify``):
    "Restored Typical duration, Thoughts of stage Consideration as they were before save #4:
    30 days, ... (undo it in the sidebar)." ``restored`` is the new revision, or None when
    every field already held its old value."""
    if restored is None or restored.restores != revision.id:
        return (
            f"Nothing to restore: {revision_title(revision)} already holds what save "
            f"#{revision.id} replaced."
        )
    values = "; ".join(
        f"{field_label(f)}: {show_value(f, new)}" for f, (_, new) in restored.changes.items()
    )
    return (
        f"Restored {revision_title(restored)} as it was before save #{revision.id} "
        f'({values}). Undo it with "Undo my last change".'
    )


def revision_heading(r: Revision) -> str:
    """One line naming a save: "#12 · 2026-11-29 16:40 · ana · stage Awareness (restores #9)"."""
    return (
        f"#{r.id} · {r.created_at.replace('T', ' ')[:16]} · {r.author or 'someone'} · "
        f"{revision_title(r)}" + (f" (restores #{r.restores})" if r.restores else "")
    )
