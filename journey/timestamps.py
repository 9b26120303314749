"""How a timestamp column is written, told from a sample of its values (pure).

Analytics tools export time in many encodings: epoch seconds (Mixpanel ``time``),
milliseconds, microseconds (GA4 ``event_timestamp``) or nanoseconds, as integers or floats;
ISO 8601 with ``T`` or a space, ``Z``, ``+02``, ``+0200``, ``+02:00``, a space before the
offset (Shopify ``2025-10-05 00:08:00 +0200``) or a trailing ``UTC``; basic dates ``YYYYMMDD``
(GA4 ``event_date``) and ``YYYYMMDDHHMMSS``; plain dates. :func:`classify` names the encoding of
a column from a sample (the engine, :mod:`journey.events`, then parses every row with it) and
:class:`TimestampReading` states it in words.

Epoch units are told apart by magnitude: a value near now (2001..2286) is about 1e9 in seconds,
1e12 in milliseconds, 1e15 in microseconds and 1e18 in nanoseconds, so the median magnitude of
the sample picks the unit (thresholds at 1e11, 1e14 and 1e17). All-digit values of exactly 8 or
14 digits are basic dates (``20240301``) and date-times (``20240301103000``).

Zone abbreviations (BST, IST, CST...) mean different zones in different countries, so they
are never guessed: a column holding them is refused unless the person names an IANA zone,
which is then used for those values. Naive values take the named zone (default UTC).
"""

from __future__ import annotations

import re
import statistics
import zoneinfo
from dataclasses import dataclass

from .model import ValidationError

__all__ = ["ENCODINGS", "TimestampReading", "check_timezone", "classify"]

ENCODINGS = {
    "epoch_s": "epoch seconds",
    "epoch_ms": "epoch milliseconds",
    "epoch_us": "epoch microseconds",
    "epoch_ns": "epoch nanoseconds",
    "iso8601": "ISO 8601",
    "yyyymmdd": "basic date YYYYMMDD",
    "yyyymmddhhmmss": "basic date-time YYYYMMDDHHMMSS",
    "native": "timestamps typed in the file",
}
"""The named encodings (``--timestamp-format`` also takes a strftime pattern)."""

EPOCH_MICROSECONDS = {"epoch_s": 1_000_000, "epoch_ms": 1_000, "epoch_us": 1, "epoch_ns": 0.001}
"""Factor from each epoch unit to microseconds."""

_NUMBER = re.compile(r"^\s*[+-]?\d+(\.\d*)?([eE][+-]?\d+)?\s*$")
_DIGITS = re.compile(r"^\s*\d+\s*$")
_OFFSET = re.compile(r"\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?|UTC|GMT)$", re.IGNORECASE)
_SPACE_OFFSET = re.compile(r"\d:\d\d(:\d\d(\.\d+)?)?\s+[+-]\d\d(:?\d\d)?$")
_ABBREVIATION = re.compile(r"\d\s*([A-Za-z]{2,5})$")
_UNAMBIGUOUS = {"Z", "UTC", "GMT", "UT"}


@dataclass(frozen=True)
class TimestampReading:
    """How a timestamp column is read: ``encoding`` (a key of :data:`ENCODINGS` or
    ``strftime``), the strftime ``pattern`` for that, ``timezone`` for naive values (IANA),
    whether the values carry their own offset (``aware``), whether a space sits before the
    offset, and whether the values end in a zone abbreviation to be read in ``timezone``."""

    encoding: str
    timezone: str = "UTC"
    pattern: str | None = None
    aware: bool = False
    space_offset: bool = False
    abbreviation: bool = False
    guessed: bool = True

    def describe(self, column: str, first: str | None = None, last: str | None = None) -> str:
        """``"event_timestamp: epoch microseconds, 2024-03-01 to 2024-03-31, UTC"``."""
        what = (
            f"strftime {self.pattern!r}"
            if self.encoding == "strftime"
            else ENCODINGS.get(self.encoding, self.encoding)
        )
        if self.aware:
            zone = "offsets in the values, shown in UTC"
        else:
            zone = f"naive, read in {self.timezone}" if self.timezone != "UTC" else "UTC"
        if self.abbreviation:
            zone = f"zone abbreviations read as {self.timezone}"
        span = f", {first} to {last}" if first and last else ""
        how = "" if self.guessed else " (as named)"
        return f"{column}: {what}{how}{span}, {zone}"


def check_timezone(name: str | None) -> str:
    """An IANA zone name, checked (``None`` or empty -> ``"UTC"``)."""
    if not name:
        return "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"unknown time zone {name!r}: name an IANA zone such as "
            "Europe/London, America/Chicago or Asia/Kolkata"
        ) from None
    return name


def _epoch_unit(values: list[str]) -> str:
    magnitude = statistics.median(abs(float(v)) for v in values)
    if magnitude < 1e11:
        return "epoch_s"
    if magnitude < 1e14:
        return "epoch_ms"
    if magnitude < 1e17:
        return "epoch_us"
    return "epoch_ns"


def classify(
    values: list,
    column_type: str = "VARCHAR",
    *,
    override: str | None = None,
    timezone: str | None = None,
    column: str = "timestamp",
) -> TimestampReading:
    """The encoding of a timestamp column from a sample of its non-empty ``values`` (text or
    numbers) and the type the file gives it (``BIGINT``, ``TIMESTAMP WITH TIME ZONE``...).

    ``override`` names the encoding instead (a key of :data:`ENCODINGS`, or a strftime pattern
    such as ``%d/%m/%Y %H:%M``); ``timezone`` is the IANA zone of naive values. Raises
    ValidationError for an unknown zone, or values with a zone abbreviation and no zone named.
    """
    named_zone = bool(timezone)
    zone = check_timezone(timezone)
    texts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    upper = column_type.upper()
    if override:
        if "%" in override:
            return TimestampReading(
                "strftime", zone, pattern=override, aware="%z" in override, guessed=False
            )
        key = override.lower().replace("-", "_")
        aliases = {
            "iso": "iso8601",
            "iso_8601": "iso8601",
            "seconds": "epoch_s",
            "milliseconds": "epoch_ms",
            "microseconds": "epoch_us",
            "nanoseconds": "epoch_ns",
            "epoch": "epoch_s",
        }
        key = aliases.get(key, key)
        if key not in ENCODINGS:
            raise ValidationError(
                f"unknown timestamp format {override!r}: use one of {', '.join(ENCODINGS)} "
                "or a strftime pattern such as %d/%m/%Y %H:%M"
            )
        base = (
            classify(values, column_type, timezone=timezone, column=column)
            if key == "iso8601"
            else None
        )
        return TimestampReading(
            key,
            zone,
            aware=bool(base and base.aware),
            space_offset=bool(base and base.space_offset),
            abbreviation=bool(base and base.abbreviation),
            guessed=False,
        )
    if upper.startswith(("TIMESTAMP", "DATE")):
        return TimestampReading("native", zone, aware="TIME ZONE" in upper or "TZ" in upper)
    numeric = upper.startswith(
        (
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "UBIGINT",
            "UINTEGER",
            "FLOAT",
            "DOUBLE",
            "DECIMAL",
        )
    )
    if texts and (numeric or all(_NUMBER.match(t) for t in texts)):
        if not numeric and all(_DIGITS.match(t) for t in texts):
            lengths = {len(t) for t in texts}
            if lengths == {8} and all(t[:2] in ("19", "20") for t in texts):
                return TimestampReading("yyyymmdd", zone)
            if lengths == {14} and all(t[:2] in ("19", "20") for t in texts):
                return TimestampReading("yyyymmddhhmmss", zone)
        return TimestampReading(_epoch_unit(texts), "UTC")
    abbreviations = {m.group(1) for t in texts if (m := _ABBREVIATION.search(t))}
    ambiguous = sorted(a for a in abbreviations if a.upper() not in _UNAMBIGUOUS)
    if ambiguous:
        if not named_zone:
            raise ValidationError(
                f"column {column!r} gives times with the zone abbreviation "
                f"{', '.join(ambiguous[:3])}, which means different zones in different "
                "countries: name the zone (--timezone, such as Europe/London; on the page: "
                "Time zone)"
            )
        return TimestampReading("iso8601", zone, abbreviation=True)
    aware = bool(texts) and all(_OFFSET.search(t) for t in texts)
    space = any(_SPACE_OFFSET.search(t) for t in texts)
    return TimestampReading("iso8601", zone, aware=aware, space_offset=space)
