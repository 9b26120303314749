"""The KPI board: the standard buyer and customer KPIs, their status against target, and CSV.

The buyer journey is measured by leads, website traffic, conversions, the lead-to-customer rate
and campaign ROI; the customer journey by customer lifetime value, the repeat purchase rate,
CSAT, NPS and the retention (loyalty) rate (DESIGN.md section 3). :data:`STANDARD_KPIS` holds
these ten. A journey keeps its own copy of each as a :class:`~journey.model.Metric` (with its
target and dated values) and may carry metrics of its own, which the board shows after them.

A KPI's status compares its latest actual value with its target, in the direction that is
better (``"higher"`` or ``"lower"``):

- **on track**: the target is met (at or above it; at or below it when lower is better);
- **at risk**: missed by no more than 10% of the target (:data:`AT_RISK_TOLERANCE`);
- **off track**: missed by more than that;
- **no data**: no value yet, or no target to compare with.

KPI values come as a CSV file (:func:`parse_kpi_csv`) with the columns ``metric`` (a key or a
name), ``date`` (YYYY-MM-DD) and ``value``. Every row is checked before anything is returned;
a file with any bad row raises :class:`CsvRowsError`, which lists each bad row with its number
and what is wrong, so the caller stores all the values or none.

Nothing here touches the database or Streamlit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import csvsafe, formatting, formulas, textfile
from .model import (
    METRIC_SIDES,
    Journey,
    JourneySummary,
    Metric,
    MetricValue,
    ValidationError,
    value_field,
)

AT_RISK_TOLERANCE = 0.10  # a miss of at most 10% of the target is "at risk"
STATUSES: tuple[str, ...] = ("on track", "at risk", "off track", "no data")
STATUS_COLOURS: dict[str, str] = {
    "on track": "green",
    "at risk": "orange",
    "off track": "red",
    "no data": "gray",
}
STATUS_RULE = (
    "Status compares the latest value with the target: on track when the target is met, "
    f"at risk when it is missed by at most {AT_RISK_TOLERANCE:.0%} of the target, off track "
    "when missed by more, no data without a value or a target."
)

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_LISTED_PROBLEMS = 20  # bad rows named in the error message (all are in .problems)
CSV_COLUMNS: tuple[str, ...] = ("metric", "date", "value")

SIDE_LABELS: dict[str, str] = {"buyer": "Buyer journey", "customer": "Customer journey"}


# ---------------------------------------------------------------------------- the standard set


@dataclass(frozen=True)
class KpiInfo:
    """A standard KPI: how it is named, which journey it measures, and what it means."""

    key: str
    label: str
    side: str  # "buyer" or "customer"
    unit: str  # "people", "visits", "sales", "share", "money", "score"
    direction: str  # "higher" or "lower" is better
    explain: str
    low: float | None = None  # values outside low..high are refused on import
    high: float | None = None


STANDARD_KPIS: tuple[KpiInfo, ...] = (
    KpiInfo(
        "leads",
        "Leads",
        "buyer",
        "people",
        "higher",
        "People who showed interest and entered consideration in the period "
        "(sign-ups, enquiries, test-drive requests).",
        low=0,
    ),
    KpiInfo(
        "website_traffic",
        "Website traffic",
        "buyer",
        "visits",
        "higher",
        "Visits to the website in the period.",
        low=0,
    ),
    KpiInfo(
        "conversions",
        "Conversions",
        "buyer",
        "sales",
        "higher",
        "Purchases (new customers) in the period.",
        low=0,
    ),
    KpiInfo(
        "lead_to_customer_rate",
        "Lead-to-customer rate",
        "buyer",
        "share",
        "higher",
        "Conversions ÷ leads in the period, as a share (0.25 = 25%).",
        low=0,
        high=1,
    ),
    KpiInfo(
        "campaign_roi",
        "Campaign ROI",
        "buyer",
        "share",
        "higher",
        "(Margin from the campaign − campaign spend) ÷ campaign spend (1.2 = 120% return).",
        low=-1,
    ),
    KpiInfo(
        "clv",
        "Customer lifetime value",
        "customer",
        "money",
        "higher",
        "Margin a customer brings over their lifetime: order value × purchases per period × "
        "margin × expected lifetime.",
    ),
    KpiInfo(
        "repeat_purchase_rate",
        "Repeat purchase rate",
        "customer",
        "share",
        "higher",
        "Customers with two or more purchases ÷ customers, as a share.",
        low=0,
        high=1,
    ),
    KpiInfo(
        "csat",
        "Customer satisfaction (CSAT)",
        "customer",
        "score",
        "higher",
        "Mean satisfaction score (1-5), or the % of customers answering 4 or 5: "
        "use one of the two consistently.",
        low=0,
        high=100,
    ),
    KpiInfo(
        "nps",
        "Net Promoter Score",
        "customer",
        "score",
        "higher",
        "% promoters (9-10) − % detractors (0-6), from −100 to 100.",
        low=-100,
        high=100,
    ),
    KpiInfo(
        "retention_rate",
        "Retention (loyalty) rate",
        "customer",
        "share",
        "higher",
        "Customers at the end of the period who were customers at its start ÷ customers at "
        "its start, as a share.",
        low=0,
        high=1,
    ),
)
STANDARD_BY_KEY: dict[str, KpiInfo] = {k.key: k for k in STANDARD_KPIS}


def new_metric(key: str, target: float | None = None) -> Metric:
    """A journey metric for the standard KPI ``key`` (with ``target``, if given), no values."""
    info = STANDARD_BY_KEY.get(key)
    if info is None:
        raise ValidationError(
            f"{key!r} is not a standard KPI; expected one of {', '.join(STANDARD_BY_KEY)}", "metric"
        )
    return Metric(
        key=info.key,
        name=info.label,
        side=info.side,
        unit=info.unit,
        direction=info.direction,
        target=target,
    )


def find_metric(journey: Journey, key: str) -> Metric | None:
    """The journey's metric with this key, or None."""
    return next((m for m in journey.metrics if m.key == key), None)


# ---------------------------------------------------------------------------- status


def status(actual: float | None, target: float | None, direction: str = "higher") -> str:
    """ "on track", "at risk", "off track" or "no data" (see the module docstring).

    >>> status(95, 100), status(89, 100), status(100, 100), status(None, 100)
    ('at risk', 'off track', 'on track', 'no data')
    >>> status(105, 100, "lower")
    'at risk'
    """
    if actual is None or target is None:
        return "no data"
    shortfall = target - actual if direction == "higher" else actual - target
    if shortfall <= 0:
        return "on track"
    if shortfall <= AT_RISK_TOLERANCE * abs(target) + 1e-12:
        return "at risk"
    return "off track"


@dataclass(frozen=True)
class KpiRow:
    """One KPI on the board: its latest actual value against its target."""

    key: str
    label: str
    side: str
    unit: str
    direction: str
    target: float | None
    actual: float | None  # the latest value
    date: str | None  # the latest value's date
    gap: float | None  # actual - target
    gap_pct: float | None  # gap / |target| x 100; None without a target or when it is 0
    status: str
    dates: tuple[str, ...]  # every value, oldest first
    values: tuple[float, ...]
    explain: str
    metric_id: int | None = None  # None: the journey does not track this standard KPI yet
    version: int | None = None

    @property
    def standard(self) -> bool:
        return self.key in STANDARD_BY_KEY


def _row(metric: Metric | None, info: KpiInfo | None) -> KpiRow:
    values = sorted(metric.values, key=lambda v: v.date) if metric else []
    latest = values[-1] if values else None
    actual = latest.value if latest else None
    target = metric.target if metric else None
    direction = metric.direction if metric else info.direction
    gap = None if actual is None or target is None else actual - target
    gap_pct = None if gap is None or target == 0 else 100.0 * gap / abs(target)
    return KpiRow(
        key=metric.key if metric else info.key,
        label=metric.name if metric else info.label,
        side=metric.side if metric else info.side,
        unit=metric.unit if metric else info.unit,
        direction=direction,
        target=target,
        actual=actual,
        date=latest.date if latest else None,
        gap=gap,
        gap_pct=gap_pct,
        status=status(actual, target, direction),
        dates=tuple(v.date for v in values),
        values=tuple(v.value for v in values),
        explain=info.explain if info else "A metric of this journey.",
        metric_id=metric.id if metric else None,
        version=metric.version if metric else None,
    )


def kpi_board(journey: Journey) -> list[KpiRow]:
    """Every KPI of the board: the ten standard ones (buyer first), then the journey's own.

    A standard KPI the journey does not track yet has no values and the status "no data".
    """
    rows = [_row(find_metric(journey, info.key), info) for info in STANDARD_KPIS]
    rows += [_row(m, None) for m in journey.metrics if m.key not in STANDARD_BY_KEY]
    order = {side: i for i, side in enumerate(METRIC_SIDES)}
    return sorted(rows, key=lambda r: order.get(r.side, len(order)))


def status_text(row: KpiRow) -> str:
    """The status with what it rests on: "at risk · −1.2% vs target 25,000".

    >>> status_text(_row(Metric("k", "K", target=400, values=[MetricValue("2026-01-01", 402)]),
    ...                  None))
    'on track · +0.5% vs target 400'
    """
    if row.actual is None:
        return "no data · no values yet"
    if row.target is None:
        return "no data · no target set"
    target = format_value(row.target, row.unit)
    if row.gap_pct is None:
        return f"{row.status} · target {target}"
    return f"{row.status} · {row.gap_pct:+.1f}% vs target {target}"


def board_table(rows: Iterable[KpiRow]) -> list[dict[str, str]]:
    """The board as a table: one row per KPI, formatted for display."""
    return [
        {
            "KPI": r.label,
            "Side": SIDE_LABELS.get(r.side, r.side),
            "Unit": r.unit,
            "Target": format_value(r.target, r.unit),
            "Latest": format_value(r.actual, r.unit),
            "Date": r.date or "",
            "Status": r.status,
            "Values": str(len(r.values)),
        }
        for r in rows
    ]


def format_value(value: float | None, unit: str = "", *, compact: bool = False) -> str:
    """A KPI value for display, by :func:`journey.formatting.figure`: shares as percentages,
    money in its currency, other numbers with separators.

    >>> format_value(0.226, "share"), format_value(19800, "visits"), format_value(4.1, "score")
    ('22.6%', '19,800', '4.1')
    """
    return formatting.figure(value, unit or "", compact=compact)


def format_days(days: float | None) -> str:
    """A duration in days for display (:func:`journey.formatting.duration`).

    >>> format_days(51), format_days(1876), format_days(0.25)
    ('51 days', '5.1 years', '6 hours')
    """
    return formatting.duration(days)


# ---------------------------------------------------------------------------- timeframes


@dataclass(frozen=True)
class TimeframeRow:
    """A journey's (or a persona's average) buyer and customer timeframes, for comparison."""

    name: str
    persona: str
    journeys: int  # how many journeys the row stands for
    buyer_days: float
    customer_days: float
    ratio: float | None  # customer / buyer; None when the buyer journey takes 0 days
    journey_id: int | None = None  # None for a persona's row


def timeframe_rows(
    journeys: Iterable[JourneySummary],
    durations: Mapping[int, Mapping[str, float]],
    by: str = "journey",
) -> list[TimeframeRow]:
    """Buyer and customer timeframes per journey, or averaged per persona (``by="persona"``).

    ``journeys`` are the summary rows of :meth:`journey.storage.Store.journeys` (their
    ``id``, ``name`` and ``persona`` are read); ``durations`` maps a journey id to its
    ``{stage: days}``. The timeframes and the ratio are the what-if engine's
    (:func:`formulas.buyer_timeframe`, :func:`formulas.customer_timeframe`,
    :func:`formulas.timeframe_ratio`). A persona's row is the mean of its journeys'
    timeframes, and its ratio the ratio of those means.
    """
    if by not in ("journey", "persona"):
        raise ValueError(f"by must be 'journey' or 'persona', got {by!r}")
    rows = []
    for j in journeys:
        days = durations.get(j.id, {})
        buyer, customer = formulas.buyer_timeframe(days), formulas.customer_timeframe(days)
        rows.append(
            TimeframeRow(
                j.name,
                j.persona or "no persona",
                1,
                buyer,
                customer,
                formulas.timeframe_ratio(buyer, customer),
                j.id,
            )
        )
    if by == "journey":
        return rows
    groups: dict[str, list[TimeframeRow]] = {}
    for row in rows:
        groups.setdefault(row.persona, []).append(row)
    out = []
    for persona, members in groups.items():
        buyer = sum(r.buyer_days for r in members) / len(members)
        customer = sum(r.customer_days for r in members) / len(members)
        ratio = formulas.timeframe_ratio(buyer, customer)
        out.append(TimeframeRow(persona, persona, len(members), buyer, customer, ratio))
    return out


def timeframe_table(rows: Iterable[TimeframeRow]) -> list[dict]:
    """The comparison as a table, one row per journey or persona, for display: durations
    and the ratio as text from :mod:`journey.formatting` ("7.3 weeks", "36.8×")."""
    return [
        {
            "Journey or persona": r.name,
            "Persona": r.persona,
            "Journeys": r.journeys,
            "Buyer journey": formatting.duration(r.buyer_days),
            "Customer journey": formatting.duration(r.customer_days),
            "Customer ÷ buyer": formatting.ratio(r.ratio),
        }
        for r in rows
    ]


def drop_off_table(reached: Sequence[float]) -> list[dict]:
    """The funnel's drop-off per step (:func:`journey.formulas.drop_off`) as a table."""
    from .formulas import drop_off
    from .model import stage_label

    return [
        {
            "From": stage_label(d.stage),
            "To": stage_label(d.next_stage),
            "Reached": formatting.people(d.reached),
            "Go on": formatting.people(d.next_reached),
            "Lost": formatting.people(d.lost),
            "Drop-off": formatting.percent(d.share),
        }
        for d in drop_off(reached)
    ]


# ---------------------------------------------------------------------------- CSV in


class CsvRowsError(ValidationError):
    """A KPI file with bad rows: ``problems`` lists every one as (row number, what is wrong).

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """

    def __init__(self, problems: list[tuple[int, str]], name: str = ""):
        self.problems = problems
        shown = "\n".join(f"row {n}: {what}" for n, what in problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        tail = f"\n… and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} bad row(s); nothing was imported.\n{shown}{tail}", name)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: 1,234 or 1,234.5: comma groups of three that cannot be a decimal (never 0,125)
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
#: 1.250 in a semicolon-separated file: a dot before three digits is a decimal or a group
_DOT_GROUPS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+%?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+%?$")  # 0,125 in a semicolon-separated file
_SEPARATORS = ",;\t"


def _lookup(journey: Journey) -> dict[str, str]:
    """Lower-cased keys and names (journey metrics first, then the standard set) -> key."""
    names: dict[str, str] = {}
    for info in STANDARD_KPIS:
        names.setdefault(info.label.lower(), info.key)
        names.setdefault(info.key, info.key)
    for m in journey.metrics:  # the journey's own names win over the standard labels
        names[m.name.strip().lower()] = m.key
        names[m.key.lower()] = m.key
    return names


def _metric_key(text: str, names: Mapping[str, str]) -> str:
    raw = text.strip()
    if not raw:
        raise ValueError("the metric is empty")
    key = names.get(raw.lower()) or names.get(re.sub(r"[\s\-]+", "_", raw.lower()))
    if key is None:
        raise ValueError(
            f"unknown metric {raw[:60]!r}; use a key such as "
            f"{', '.join(sorted(set(names.values()))[:12])}"
        )
    return key


def _date(text: str) -> str:
    raw = text.strip()
    if not raw:
        raise ValueError("the date is empty")
    try:
        if not _DATE.match(raw):
            raise ValueError
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ValueError(f"the date {raw[:40]!r} is not a date as YYYY-MM-DD") from None


def _value(text: str, key: str, unit: str, decimal_comma: bool = False) -> float:
    """The number in a cell. ``decimal_comma`` (a semicolon-separated file) reads ``0,125`` as
    0.125 and ``1.250,5`` as 1250.5, and refuses ``1.250`` (a decimal or a thousands group?);
    elsewhere a comma is only a thousands separator (``1,234``), and ``0,125`` or ``12,5`` are
    refused, as they could mean either."""
    raw = text.strip()
    if not raw:
        raise ValueError("the value is empty")
    ambiguous = (
        f"the value {raw[:40]!r} could be read two ways (is the comma or dot a decimal mark "
        "or a thousands separator?): write it with a dot as the decimal mark and no thousands "
        "separator, such as 1250.5 or 0.125"
    )
    if decimal_comma and _DOT_GROUPS.match(raw):
        raise ValueError(ambiguous)
    if decimal_comma and _DECIMAL_COMMA.match(raw.replace(".", "")):
        number = raw.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(raw) and not decimal_comma:
        number = raw.replace(",", "")
    elif "," in raw:
        raise ValueError(ambiguous)
    else:
        number = raw
    percent = number.endswith("%")
    if percent:
        if unit != "share":
            raise ValueError(
                f"the value {raw!r} is a percentage, but {key} is not a share: "
                "enter the number itself"
            )
        number = number[:-1].strip()
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"the value {raw[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"the value {raw!r} is not a finite number")
    return value / 100 if percent else value


def _check_range(value: float, key: str) -> None:
    info = STANDARD_BY_KEY.get(key)
    if info is None:
        return
    too_low = info.low is not None and value < info.low
    too_high = info.high is not None and value > info.high
    if too_low or too_high:
        if info.low is not None and info.high is not None:
            span = f"{info.low:g}..{info.high:g}"
        else:
            span = f"at least {info.low:g}" if info.low is not None else f"at most {info.high:g}"
        raise ValueError(f"{value:g} is outside the range of {key} ({span})")


def _unit(journey: Journey, key: str) -> str:
    metric = find_metric(journey, key)
    if metric is not None and metric.unit:
        return metric.unit
    info = STANDARD_BY_KEY.get(key)
    return info.unit if info else ""


def _existing(journey: Journey) -> set[tuple[str, str]]:
    return {(m.key, v.date) for m in journey.metrics for v in m.values}


def _delimiter(text: str) -> str:
    """The separator the header line uses most: comma, semicolon or tab."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    return max(_SEPARATORS, key=lambda sep: (counts[sep], sep == ","))


def parse_kpi_csv(data: bytes, journey: Journey, name: str = "") -> list[tuple[str, MetricValue]]:
    """Check a KPI file completely and return its values as ``(metric key, MetricValue)``.

    Columns (in any order, more are ignored): ``metric`` (a metric's key or name, or a
    standard KPI's key or label: "nps", "Net Promoter Score"), ``date`` (YYYY-MM-DD) and
    ``value`` (a number; a share may be written as a percentage, "22.6%"). Blank lines are
    skipped. A row is bad when a cell is empty or malformed, a standard KPI's value is out of
    its range (a share above 1, an NPS above 100), or its metric already has a value on that
    date (in the journey or earlier in the file).

    The file is read as :mod:`journey.textfile` reads event logs: UTF-8 with or without BOM,
    Windows-1252 and others detected, Excel's ``sep=;`` first line; the delimiter is a comma,
    a semicolon or a tab, whichever the header uses. In a semicolon-separated file the comma is
    the decimal mark (``0,125`` is 0.125); elsewhere a value like ``0,125`` is refused.

    Raises :class:`CsvRowsError` (a ValidationError) listing every bad row, or
    ValidationError for a file that is too big, cannot be decoded, lacks a column or has no
    rows.
    """
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(
            f"the file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_CSV_BYTES // 1024 // 1024} MB",
            name,
        )
    try:
        text, reading = textfile.decode(data)
    except ValidationError as e:
        raise ValidationError(str(e), name) from None
    delimiter = reading.delimiter or _delimiter(text)
    decimal_comma = delimiter == ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        records = list(reader)
    except csv.Error as e:
        raise ValidationError(f"not a readable CSV file ({e})", name) from None
    columns = [c.strip().lower() for c in header or []]
    missing = [c for c in CSV_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in columns if c) or "none"
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}; the first row must "
            f"name the columns metric, date, value (found: {found})",
            name,
        )
    at = {c: columns.index(c) for c in CSV_COLUMNS}
    names, existing = _lookup(journey), _existing(journey)
    seen: dict[tuple[str, str], int] = {}
    values: list[tuple[str, MetricValue]] = []
    problems: list[tuple[int, str]] = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {c: record[i] if i < len(record) else "" for c, i in at.items()}
        try:
            key = _metric_key(cells["metric"], names)
            date = _date(cells["date"])
            value = _value(cells["value"], key, _unit(journey, key), decimal_comma)
            _check_range(value, key)
            if (key, date) in existing:
                raise ValueError(f"{key} already has a value on {date}")
            if (key, date) in seen:
                raise ValueError(f"{key} on {date} appears twice (also row {seen[key, date]})")
        except ValueError as e:
            problems.append((number, str(e)))
            continue
        seen[key, date] = number
        values.append((key, MetricValue(date=date, value=value)))
    if problems:
        raise CsvRowsError(problems, name)
    if not values:
        raise ValidationError("the file has no rows of values under its header", name)
    return values


def entry(journey: Journey, key: str, date: str | dt.date, value: float) -> MetricValue:
    """One value typed by hand, checked by the same rules as a CSV row (ValidationError)."""
    date_text = date.isoformat() if isinstance(date, dt.date) else str(date)
    row = io.StringIO()
    csv.writer(row).writerows([CSV_COLUMNS, [key, date_text, repr(float(value))]])
    try:
        [(_, parsed)] = parse_kpi_csv(row.getvalue().encode(), journey)
    except CsvRowsError as e:
        raise ValidationError(e.problems[0][1]) from None
    return parsed


def value_fields(row: KpiRow) -> dict[str, float]:
    """A tracked KPI's dated values as the metric's editable fields (the correction form's
    base): ``{"value_on_2026-01-31": 0.25, ...}``, oldest first."""
    return {value_field(d): v for d, v in zip(row.dates, row.values, strict=True)}


def correction(key: str, value: float | None) -> float | None:
    """A corrected value (None: delete it), checked by a CSV row's range rule for ``key``
    (a share above 1, an NPS above 100 is refused: ValidationError)."""
    if value is None:
        return None
    try:
        _check_range(float(value), key)
    except ValueError as e:
        raise ValidationError(str(e)) from None
    return float(value)


def group_values(values: Iterable[tuple[str, MetricValue]]) -> dict[str, list[MetricValue]]:
    """Parsed values grouped by metric key, in the order the keys first appear."""
    groups: dict[str, list[MetricValue]] = {}
    for key, value in values:
        groups.setdefault(key, []).append(value)
    return groups


# ---------------------------------------------------------------------------- CSV out


def _csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    return csvsafe.to_csv(header, rows, lineterminator="\n")


def kpi_values_csv(journey: Journey) -> str:
    """Every dated value of the journey's metrics, one row each, oldest first per metric.

    The ``metric``, ``date`` and ``value`` columns are the ones :func:`parse_kpi_csv` reads,
    so the file can be edited and uploaded into another journey.
    """
    header = ["metric", "name", "side", "unit", "direction", "target", "date", "value"]
    rows = [
        [m.key, m.name, m.side, m.unit, m.direction, m.target, v.date, v.value]
        for m in journey.metrics
        for v in sorted(m.values, key=lambda v: v.date)
    ]
    return _csv(header, rows)


SCENARIO_COLUMNS: tuple[str, ...] = (
    "scenario",
    "output",
    "label",
    "baseline",
    "value",
    "change",
    "change_pct",
)


def scenarios_csv(rows: Iterable[Mapping]) -> str:
    """The rows of :func:`journey.formulas.compare` as CSV (undefined figures left empty)."""
    return _csv(SCENARIO_COLUMNS, ([row[c] for c in SCENARIO_COLUMNS] for row in rows))


def scenario_table(rows: Sequence[Mapping]) -> list[dict[str, str]]:
    """The rows of :func:`journey.formulas.compare` side by side: one row per output.

    Columns: ``Output``, ``Baseline``, then per scenario its value and its change against the
    baseline in % (``"<name> Δ%"``), all formatted for display ("n/a" where undefined).
    """
    format_output = formulas.format_output  # the engine's display formats
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        line = table.setdefault(
            row["output"],
            {"Output": row["label"], "Baseline": format_output(row["output"], row["baseline"])},
        )
        name = str(row["scenario"])
        if name in ("Output", "Baseline"):
            name = f"{name} (scenario)"
        line[name] = format_output(row["output"], row["value"])
        pct = row["change_pct"]
        line[f"{name} Δ%"] = "n/a" if pct is None else f"{pct:+.1f}%"
    return list(table.values())
