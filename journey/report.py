"""The workshop report: one journey (or a whole workspace) as a handout, in PDF or HTML.

After a mapping session the facilitator sends one file: the persona, the map with its full
text and actions, the emotion curve, buyer-journey against customer-journey timeframes
(estimated on the map, and observed when the journey has an event log), the friction points
(most votes, then most severe) and key points (most votes, then most impact) with owner,
status and action, the KPIs against their targets, the saved scenarios side by side, and the
date and revision of what it shows.

The design is three steps, each testable alone:

1. :func:`gather` reads what a report needs from the store (no SQL here: only
   :class:`~journey.storage.Store` methods) into a :class:`JourneyReport`;
2. :func:`journey_context` turns it into plain display values (pure; the figures come from
   :mod:`journey.formulas`, :mod:`journey.kpis` and :mod:`journey.events`, never computed
   twice) and :func:`render_html` fills the Jinja2 template ``templates/report.html.j2``
   with autoescaping on, so every text people typed is escaped. Charts are inline SVG drawn
   offline by vl-convert: the HTML is one self-contained file with no external reference and
   no script. A workspace report's charts are the cost that grows with it: :func:`journey_contexts`
   builds them under :func:`quick_charts` (no repeated Altair checks); a worker thread, or
   from :data:`CHARTS_FOR_PROCESSES` charts on worker processes
   (:mod:`journey.report_workers`), draws them while the next journey's are built, and the
   drawn SVGs are kept in a persistent cache keyed by content (:mod:`journey.report_cache`);
3. :func:`build_pdf` lays each journey out alone with WeasyPrint (in worker processes for a
   workspace, each part cached by the SHA-256 of its HTML) on A4 or US Letter paper and joins
   the parts with pikepdf (qPDF: 1,800 pages in about 2 s, pypdf took 19 s), an outline
   entry per journey; a stage is never split across pages
   (``break-inside: avoid``) and all text stays selectable. ``python -m bench.report`` times
   it at 1, 20 and 200 journeys.

>>> data = build(store, journey_id=1, fmt="pdf", paper="a4")  # bytes of a PDF
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import pathlib
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import jinja2
import pandas as pd
import regex
from altair.utils import schemapi
from markupsafe import Markup

from . import (
    charts,
    exchange,
    formatting,
    formulas,
    images,
    journey_map,
    kpis,
    report_cache,
    report_workers,
)
from .model import (
    MOMENT_KIND_LABELS,
    MOMENT_STATUSES,
    STAGES,
    Journey,
    Persona,
    ValidationError,
    stage_label,
)
from .storage import Store

TEMPLATES = pathlib.Path(__file__).resolve().parent / "templates"

#: Paper sizes for the PDF: the CSS ``@page size`` of each.
PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}
FORMATS: tuple[str, ...] = ("pdf", "html")
MIME: dict[str, str] = {"pdf": "application/pdf", "html": "text/html"}

#: Scenarios per comparison table: more columns would not fit the width of a page.
SCENARIOS_PER_TABLE = 3
#: Width of the charts in the report, in pixels (the page is about 700 CSS pixels wide).
CHART_WIDTH = 600
#: The charts' font: metric-compatible with Arial, shipped by Debian's fonts-liberation.
CHART_FONT = "Liberation Sans"

BUTTON_HELP = (
    "The handout of this journey: persona, the map with full text and actions, "
    "emotion curve, buyer vs customer journey timeframes, friction and key points "
    "with owners and actions, KPIs, scenarios. The HTML is one file that works "
    "offline; `python -m journey report` writes the same."
)

RANKING_RULE = {
    "friction": "Ranked by votes, then severity (5 is the most severe).",
    "key": "Ranked by votes, then impact (5 is the most impact).",
}


@dataclass
class JourneyReport:
    """What one journey's report shows, read from the store by :func:`gather`.

    ``observed`` is the newest event log's figures beside the map's estimates
    (:func:`journey.observed.figures`), or None when the journey has no event log.
    ``votes`` maps a moment id to its dots in the journey's latest vote (empty without one).
    """

    journey: Journey
    workspace: str
    persona: Persona | None = None
    observed: dict | None = None
    votes: dict[int, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------- reading


def gather(store: Store, journey_id: int) -> JourneyReport:
    """Everything one journey's report needs; NotFoundError for an unknown journey."""
    journey = store.load_journey(journey_id)
    persona = store.get_persona(journey.persona_id) if journey.persona_id else None
    workspace = store.get_workspace(journey.workspace_id).name
    observed_figures = None
    datasets = store.event_datasets(journey_id)
    if datasets:
        from . import observed  # DuckDB and pyarrow: loaded only when there is a log

        observed_figures = observed.figures(store, datasets[0].id, journey)
    vote = store.latest_vote(journey_id)
    return JourneyReport(
        journey=journey,
        workspace=workspace,
        persona=persona,
        observed=observed_figures,
        votes=store.vote_tallies(vote["id"]) if vote else {},
    )


def gather_workspace(store: Store, workspace_id: int) -> tuple[str, list[JourneyReport]]:
    """The workspace's name and a :class:`JourneyReport` per journey, in id order."""
    name = store.get_workspace(workspace_id).name
    return name, [gather(store, j.id) for j in store.journeys(workspace_id)]


# ---------------------------------------------------------------------------- display values


def revision(journey: Journey) -> dict[str, Any]:
    """Which state of the journey a report shows.

    ``version`` is the journey row's edit counter; ``last_changed`` the newest ``updated_at``
    of the journey and everything it holds (stages, moments, metrics, scenarios);
    ``fingerprint`` the first 10 hex digits of the SHA-256 of its exchange-format JSON, so
    two reports with the same fingerprint show the same content.
    """
    stamps = [
        journey.updated_at,
        *(s.updated_at for s in journey.stages),
        *(m.updated_at for m in journey.moments),
        *(m.updated_at for m in journey.metrics),
        *(s.updated_at for s in journey.scenarios),
    ]
    content = json.dumps(
        exchange.journey_to_dict(journey, None), sort_keys=True, ensure_ascii=False
    )
    return {
        "version": journey.version,
        "last_changed": max((s for s in stamps if s), default=""),
        "fingerprint": hashlib.sha256(content.encode()).hexdigest()[:10],
    }


def ranked_moments(
    journey: Journey, kind: str, votes: Mapping[int, int] | None = None
) -> list[dict[str, Any]]:
    """The journey's friction (``kind="friction"``) or key points, most important first.

    Sorted by votes (most first), then severity or impact (highest first), then stage order
    and title. Each row: ``rank``, ``title``, ``stage`` (label), ``severity``, ``votes``,
    ``description``, ``channel``, ``action``, ``owner``, ``status``.
    """
    votes = votes or {}
    found = [m for s in journey_map.ordered_stages(journey) for m in s.moments if m.kind == kind]
    found.sort(
        key=lambda m: (-votes.get(m.id, 0), -m.severity, STAGES.index(m.stage), m.title.casefold())
    )
    return [
        {
            "rank": i,
            "title": m.title,
            "stage": stage_label(m.stage),
            "severity": m.severity,
            "votes": votes.get(m.id, 0),
            "description": m.description,
            "channel": m.channel,
            "action": m.action,
            "owner": m.owner,
            "status": m.status,
        }
        for i, m in enumerate(found, start=1)
    ]


#: Who the report lists a decision under when its point names no owner.
NO_OWNER = "No owner yet"


def decision_rows(journey: Journey) -> list[dict[str, str]]:
    """The workshop's decisions: every friction or key point with an agreed action, as
    who does what. Grouped by owner (alphabetically, points without an owner last), then
    open before in progress before done, then map order. Each row: ``owner``, ``action``,
    ``point`` (``Friction point "…"`` or ``Key point "…"``), ``stage`` (label), ``status``."""
    rows = [
        (m.owner.strip().casefold() if m.owner.strip() else "\uffff", i, m)
        for i, m in enumerate(
            m for s in journey_map.ordered_stages(journey) for m in s.moments if m.action.strip()
        )
    ]
    rows.sort(key=lambda r: (r[0], MOMENT_STATUSES.index(r[2].status), r[1]))
    return [
        {
            "owner": m.owner.strip() or NO_OWNER,
            "action": m.action,
            "point": f'{MOMENT_KIND_LABELS[m.kind]} "{m.title}"',
            "stage": stage_label(m.stage),
            "status": m.status,
        }
        for _, _, m in rows
    ]


def comment_rows(journey: Journey) -> list[dict[str, str]]:
    """Every comment of the journey in map order (stage, then its moments), oldest first
    within each. Each row: ``on`` (what it is about, e.g. ``Decision · Friction point
    "Financing is slow"``), ``author``, ``when`` (``YYYY-MM-DD HH:MM`` UTC, ``edited`` noted),
    ``text`` (plain; the template escapes it)."""
    rows = []
    for s in journey_map.ordered_stages(journey):
        stage = stage_label(s.stage)
        targets = [(stage, s.comments)] + [
            (f"{stage} · {MOMENT_KIND_LABELS[m.kind]} “{m.title}”", m.comments) for m in s.moments
        ]
        for on, comments in targets:
            rows.extend(
                {"on": on, "author": c.author, "when": _comment_time(c), "text": c.text}
                for c in comments
            )
    return rows


def _comment_time(c) -> str:
    when = c.created_at[:16].replace("T", " ")
    return f"{when}, edited" if c.updated_at and c.updated_at != c.created_at else when


def timeframes(journey: Journey, observed: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Buyer journey and customer journey: estimated days, and observed when there is a log.

    Estimated: the sums of the map's stage durations (:func:`journey.formulas.buyer_timeframe`
    and :func:`~journey.formulas.customer_timeframe`). Observed: the median over purchasers
    of first purchase − first seen and of last seen − first seen, with mean, p90 and count
    (:func:`journey.events.report`). Each row holds the figures in days and as text.
    """
    days = formulas.stage_days(journey)
    estimated = {
        "buyer": formulas.buyer_timeframe(days),
        "customer": formulas.customer_timeframe(days),
    }
    rows = []
    for side, label, stages in (
        ("buyer", "Buyer journey", "awareness → decision"),
        ("customer", "Customer journey", "awareness → advocacy"),
    ):
        stats = (observed or {}).get(f"{side}_timeframe_days") or {}
        median = stats.get("median")
        rows.append(
            {
                "side": side,
                "label": label,
                "stages": stages,
                "estimated_days": estimated[side],
                "estimated": kpis.format_days(estimated[side]),
                "observed_days": median,
                "observed": kpis.format_days(median) if observed else "",
                "observed_detail": (
                    f"mean {kpis.format_days(stats.get('mean'))}, p90 "
                    f"{kpis.format_days(stats.get('p90'))}, "
                    f"{stats.get('count') or 0:,} purchasers"
                )
                if observed
                else "",
            }
        )
    return rows


def data_quality_line(observed: Mapping[str, Any] | None) -> str:
    """How the event log behind the observed figures was read, in one sentence ("" without).

    For example: "Event log log.csv, imported 2026-11-02: 1,000 rows read; 900 mapped events
    used, 80 ignored, 20 dropped (no customer, time or event name); 120 customers, 30
    purchasers." Dropped = rows read − used − ignored.
    """
    if not observed:
        return ""
    d = observed.get("dataset") or {}
    total, used, ignored = d.get("total_rows", 0), d.get("events_rows", 0), d.get("ignored_rows", 0)
    dropped = max(total - used - ignored, 0)
    line = (
        f"Event log {d.get('name', '')}, imported {str(d.get('created_at', ''))[:10]}: "
        f"{total:,} rows read; {used:,} mapped events used, {ignored:,} ignored"
    )
    if dropped:
        line += f", {dropped:,} dropped (no customer, time or event name)"
    return (
        line + f"; {d.get('customers', 0):,} customers, "
        f"{observed.get('purchasers', 0):,} purchasers."
    )


def kpi_rows(journey: Journey) -> tuple[list[dict[str, str]], list[str]]:
    """The KPIs the journey tracks against their targets, and the standard ones it does not.

    Rows: ``label``, ``side``, ``target``, ``latest``, ``date``, ``status`` and ``detail``
    (:func:`journey.kpis.status_text`); status by :func:`journey.kpis.status`.
    """
    board = kpis.kpi_board(journey)
    rows = [
        {
            "label": r.label,
            "side": kpis.SIDE_LABELS.get(r.side, r.side),
            "target": kpis.format_value(r.target, r.unit),
            "latest": kpis.format_value(r.actual, r.unit),
            "date": r.date or "",
            "status": r.status,
            "detail": kpis.status_text(r),
        }
        for r in board
        if r.metric_id is not None
    ]
    untracked = [r.label for r in board if r.metric_id is None]
    return rows, untracked


def scenario_tables(
    journey: Journey,
    per_table: int = SCENARIOS_PER_TABLE,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The saved scenarios side by side against the journey's own values.

    Returns tables of at most ``per_table`` scenarios each (``{"columns": [...], "rows":
    [[...]]}``, from :func:`journey.formulas.compare` through
    :func:`journey.kpis.scenario_table`) and a note per scenario that could not be computed
    (a lever that no longer exists).
    """
    baseline = formulas.levers_from_journey(journey)
    compared, skipped = {}, []
    for scenario in journey.scenarios:
        try:
            levers = formulas.apply(baseline, scenario.levers)
            formulas.whatif(levers)
        except ValueError as e:
            skipped.append(f"Scenario {scenario.name} skipped: {e}")
            continue
        compared[scenario.name] = levers
    names = list(compared)
    tables = []
    for start in range(0, len(names), per_table):
        chunk = {n: compared[n] for n in names[start : start + per_table]}
        table = kpis.scenario_table(formulas.compare(baseline, chunk))
        columns = list(table[0]) if table else []
        tables.append(
            {"columns": columns, "rows": [[row.get(c, "") for c in columns] for row in table]}
        )
    return tables, skipped


def _levers_text(levers: Mapping[str, float]) -> str:
    return "; ".join(formulas.lever_text(name, value) for name, value in sorted(levers.items()))


def persona_rows(persona: Persona | None) -> list[tuple[str, str]]:
    """The persona's filled-in fields as (label, text) pairs, in a fixed order."""
    if persona is None:
        return []
    fields = [
        ("Role", persona.role),
        ("Age", persona.age_range),
        ("Goals", persona.goals),
        ("Motivations", persona.motivations),
        ("Pain points", persona.pain_points),
        ("Preferred channels", ", ".join(persona.channels)),
        ("Notes", persona.notes),
    ]
    return [(label, text) for label, text in fields if text and text.strip()]


def _spec(chart) -> str:
    """A chart's Vega-Lite spec as JSON text, ready for vl-convert.

    The chart's text is set in :data:`CHART_FONT`, the font vl-convert measures it with and
    the PDF draws it with, so labels fit their room. ARIA labels are off: they would repeat
    the tooltips (moment titles and actions) inside the SVG, where the report already shows
    them as escaped text; what remains is stage names and figures. Its DataFrames are
    turned into rows first (:func:`_plain_rows`).
    """
    _plain_rows(chart)
    spec = chart.to_dict(validate=False)  # the builders' charts are valid: tested there
    spec["config"] = {**spec.get("config", {}), "font": CHART_FONT, "aria": False}
    return json.dumps(spec, sort_keys=True)


@functools.lru_cache(maxsize=512)
def _svg_of_spec(spec: str) -> str:
    """SVG of a Vega-Lite spec (JSON text), remembered: a repeated download draws nothing.

    Compiled to Vega, then drawn (:func:`journey.report_workers.draw_svg`), without the
    namespace declarations inline SVG needs none of, so the document holds no URL at all.
    """
    return report_workers.draw_svg(spec, images.vl_version())


_PLAIN = (str, int, float, bool, type(None))


def _rows(frame: pd.DataFrame) -> list[dict] | None:
    """A DataFrame of plain values (text, numbers, booleans, missing) as its rows, missing
    values as None: what Altair's default data transformer gives after checking and
    converting every column, several times slower. None for anything else (dates,
    categories, numpy objects, over 5,000 rows: Altair's own limit)."""
    if len(frame) > 5000 or not all(isinstance(k, str) for k in frame.columns):
        return None
    rows = frame.to_dict(orient="records")
    if not all(isinstance(v, _PLAIN) for r in rows for v in r.values()):
        return None
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in rows
    ]


def _plain_rows(chart) -> None:
    """Replace the DataFrames of a chart and its layers by their rows (:func:`_rows`), in
    place, so that serialising it skips Altair's data transformer. No global setting is
    touched: Streamlit swaps Altair's data transformer while it draws charts in other
    threads."""
    data = getattr(chart, "data", None)
    if isinstance(data, pd.DataFrame) and (rows := _rows(data)) is not None:
        chart.data = alt.InlineData(values=rows)
    if isinstance(chart, alt.LayerChart):
        for part in chart.layer:
            _plain_rows(part)


_QUICK_LOCK = threading.Lock()
#: Builds inside :func:`quick_charts` now, and Altair's debug mode before the first began.
_quick = {"users": 0, "debug": True}


@contextlib.contextmanager
def quick_charts() -> Iterator[None]:
    """Build Altair charts without Altair's schema check of every object made (its "debug
    mode"): the same Vega-Lite specs (tested), faster. The setting is Altair-global: the
    first build to enter turns it off and the last to leave restores it, so overlapping
    builds in several threads leave it as it was; a chart built meanwhile in another thread
    is still checked when serialised."""
    with _QUICK_LOCK:
        if _quick["users"] == 0:
            _quick["debug"] = schemapi.DEBUG_MODE
            schemapi.disable_debug_mode()
        _quick["users"] += 1
    try:
        yield
    finally:
        with _QUICK_LOCK:
            _quick["users"] -= 1
            if _quick["users"] == 0 and _quick["debug"]:
                schemapi.enable_debug_mode()


def journey_context(report: JourneyReport, *, with_charts: bool = True) -> dict[str, Any]:
    """The display values of one journey's report (what the template shows), all plain."""
    journey = report.journey
    kpi_table, untracked = kpi_rows(journey)
    tables, skipped = scenario_tables(journey)
    days = formulas.stage_days(journey)
    context = {
        "id": journey.id,
        "name": journey.name,
        "description": journey.description,
        "workspace": report.workspace,
        "revision": revision(journey),
        "persona": report.persona,
        "persona_rows": persona_rows(report.persona),
        "cards": journey_map.stage_cards(journey),
        "timeframes": timeframes(journey, report.observed),
        "timeframe_ratio": formulas.timeframe_ratio(
            formulas.buyer_timeframe(days), formulas.customer_timeframe(days)
        ),
        "observed": report.observed is not None,
        "comparison": _comparison(report.observed),
        "data_quality": data_quality_line(report.observed),
        "votes": report.votes,  # moment id -> dots, beside each point of the map
        "friction": ranked_moments(journey, "friction", report.votes),
        "key": ranked_moments(journey, "key", report.votes),
        "ranking_rule": RANKING_RULE,
        "kind_labels": MOMENT_KIND_LABELS,
        "kpis": kpi_table,
        "kpis_untracked": untracked,
        "status_rule": kpis.STATUS_RULE,
        "scenarios": [
            {"name": s.name, "levers": _levers_text(s.levers)} for s in journey.scenarios
        ],
        "scenario_tables": tables,
        "scenarios_skipped": skipped,
        "decisions": decision_rows(journey),
        "comments": comment_rows(journey),
        "emotion_svg": None,
        "timeframe_svg": None,
    }
    if with_charts:
        emotion, timeframe = chart_specs(journey)
        context["emotion_svg"] = Markup(_svg_of_spec(emotion))
        context["timeframe_svg"] = Markup(_svg_of_spec(timeframe))
    return context


def chart_specs(journey: Journey) -> tuple[str, str]:
    """The report's two charts of a journey, the emotion curve and the timeframes, as
    Vega-Lite JSON text (:func:`_spec`), built under :func:`quick_charts`."""
    with quick_charts():
        return (
            _spec(journey_map.emotion_curve(journey, width=CHART_WIDTH, height=230)),
            _spec(charts.timeframe_chart(formulas.stage_days(journey))),
        )


@functools.cache
def _chart_code() -> str:
    """What, besides a journey, decides how its report charts look: the source of the
    ``journey`` package (the chart builders, formats and this module's chart settings) and
    the versions of Altair and vl-convert. Part of :func:`charts_key`, so an upgrade never
    serves charts drawn by older code."""
    import vl_convert

    package = pathlib.Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.read_bytes())
    digest.update(f"{alt.__version__} {vl_convert.__version__}".encode())
    return digest.hexdigest()


def charts_key(journey: Journey) -> str:
    """The report cache's key of a journey's two drawn charts, from what they are drawn from
    (every field of the journey, the currency and :func:`_chart_code`), so a warm build
    finds them without building its Altair charts (about 20 ms each) to key them by spec.
    Any change to the journey is a new key, even one the charts do not show."""
    content = json.dumps(dataclasses.asdict(journey), sort_keys=True, default=str)
    return report_cache.key("charts", _chart_code(), formatting.currency(), content)


#: Charts of a report from which they are drawn in worker processes: below, starting the
#: workers (each its own Python and vl-convert engine, about 2 s of CPU) costs more than
#: it saves (measured on 2 CPUs: 20 journeys 3.2 s in one process, 7.9 s with two workers;
#: 200 journeys 29 s in one process, 19 s with two).
CHARTS_FOR_PROCESSES = 200


def journey_contexts(
    reports: Sequence[JourneyReport],
    progress: Progress | None = None,
    share: float = 1.0,
    *,
    cache: report_cache.ReportCache | None = None,
    processes: int | None = None,
) -> list[dict[str, Any]]:
    """:func:`journey_context` of each report, charts drawn while the next are built.

    A journey's charts found in ``cache`` by its content (:func:`charts_key`) are neither
    built nor drawn; a chart found by its spec's SHA-256 is built but not drawn; the others are
    drawn by one worker thread in this process (vl-convert lets go of Python's lock, so the
    drawing overlaps building the next journey's values) or, from
    :data:`CHARTS_FOR_PROCESSES` charts on, by worker processes, one per CPU (``processes``
    forces a count: 1 for this process only). ``progress`` hears of each journey done, as a
    fraction of ``share``. Raises :class:`journey.report_workers.ReportWorkerError` when a
    worker process dies or fails.
    """
    say = progress or (lambda fraction, message: None)
    keys = [charts_key(r.journey) for r in reports] if cache is not None else []
    found = [cache.get(k) for k in keys] if cache is not None else [None] * len(reports)
    if processes is None:
        missing = sum(f is None for f in found)
        processes = report_workers.processes_for(2 * missing, CHARTS_FOR_PROCESSES)
    contexts: list[dict[str, Any]] = []
    drawing: list[tuple[dict, list[Future | str]]] = []
    submitted: dict[str, Future] = {}
    version = images.vl_version()

    def svg(pool: Executor, spec: str) -> Future | str:
        if cache is not None and (found := cache.get(report_cache.key("svg", spec))):
            return found
        if spec not in submitted:
            submitted[spec] = (
                pool.submit(_svg_of_spec, spec)
                if processes == 1
                else pool.submit(report_workers.draw_svg, spec, version)
            )
        return submitted[spec]

    def finish(context: dict, svgs: list[Future | str]) -> None:
        drawn = []
        for spec_svg in svgs:
            if isinstance(spec_svg, str):
                drawn.append(spec_svg)
                continue
            text = report_workers.result(spec_svg, "drawing a chart")
            drawn.append(text)
        context["emotion_svg"], context["timeframe_svg"] = (Markup(t) for t in drawn)
        contexts.append(context)
        say(
            share * len(contexts) / len(reports),
            f"Charts of journey {len(contexts):,} of {len(reports):,}",
        )

    pool: Executor = (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-charts")
        if processes == 1
        else report_workers.pool(processes)
    )
    with pool:
        try:
            for r, drawn in zip(reports, found, strict=True):
                context = journey_context(r, with_charts=False)
                if drawn is None:
                    drawn = [svg(pool, s) for s in chart_specs(r.journey)]
                drawing.append((context, list(drawn)))
                if len(drawing) > (1 if processes == 1 else 4 * processes):
                    finish(*drawing.pop(0))
            for pending in drawing:
                finish(*pending)
        except BaseException:
            for future in submitted.values():
                future.cancel()
            raise
    if cache is not None:
        for spec, future in submitted.items():
            cache.set(report_cache.key("svg", spec), future.result())
        for key, drawn, context in zip(keys, found, contexts, strict=True):
            if drawn is None:
                cache.set(key, (str(context["emotion_svg"]), str(context["timeframe_svg"])))
    return contexts


def _comparison(observed: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """Estimated beside observed per stage and journey, as text (empty without a log)."""
    if not observed:
        return []
    from .event_charts import comparison_rows, ratio_text

    rows = []
    for r in comparison_rows(observed):
        ratio = r["observed ÷ estimated"]
        rows.append(
            {
                "name": r[""],
                "estimated": kpis.format_days(r["estimated (days)"]),
                "observed": kpis.format_days(r["observed (days)"]),
                "ratio": ratio_text(ratio) if ratio else "n/a",
                "flag": "differs more than 2×" if r["differs > 2×"] else "",
            }
        )
    return rows


# ---------------------------------------------------------------------------- rendering


#: A word (a run without spaces) longer than this many characters gets break opportunities.
LONGEST_WORD = 16
#: Characters (grapheme clusters: an accented letter, a joined emoji) between two of them.
BREAK_EVERY = 10
_LONG_WORD = regex.compile(rf"\S{{{LONGEST_WORD + 1},}}")
#: Where a long word may break: after URL punctuation, else every :data:`BREAK_EVERY`.
_BREAK_AFTER = frozenset("/.-_?&=,;:")
ZERO_WIDTH_SPACE = "\u200b"


def breakable(value: Any) -> Any:
    """Text with invisible break opportunities (U+200B, zero-width space) inside words of
    more than :data:`LONGEST_WORD` characters, so a pasted URL or a 3,000-letter word wraps
    instead of running off the page (or out of its table cell); anything else unchanged.
    Breaks fall between grapheme clusters (``regex``'s ``\\X``), never inside an accented
    letter or a joined emoji.

    The report's template passes every value it shows through this (Jinja2's ``finalize``),
    before escaping. CSS alone is too slow in the PDF: WeasyPrint's ``overflow-wrap:
    anywhere`` in an auto-layout table cell took 42 s for one 3,000-letter word (and never
    ended at 10,000), soft hyphens 5 s; zero-width spaces 0.1 s. PDF text extraction drops
    them; a word copied out of the HTML holds them."""
    if not isinstance(value, str) or isinstance(value, Markup) or len(value) <= LONGEST_WORD:
        return value
    return _LONG_WORD.sub(_break_word, value)


def _break_word(match: regex.Match) -> str:
    pieces, current = [], []
    for cluster in regex.findall(r"\X", match[0]):
        current.append(cluster)
        if cluster in _BREAK_AFTER or len(current) >= BREAK_EVERY:
            pieces.append("".join(current))
            current = []
    pieces.append("".join(current))
    return ZERO_WIDTH_SPACE.join(p for p in pieces if p)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=breakable,
    )


_ENV: jinja2.Environment | None = None


def render_html(
    reports: Sequence[JourneyReport],
    *,
    title: str,
    paper: str = "a4",
    workspace: str | None = None,
    now: dt.datetime | None = None,
    with_charts: bool = True,
    contexts: Sequence[dict] | None = None,
    part: str = "all",
    first_pages: Mapping[int, int] | None = None,
) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG, no script).

    ``workspace`` (a name) adds a contents list for a workspace report. ``paper`` ("a4" or
    "letter") sets the page size used when the HTML is printed or turned into a PDF.
    ``contexts`` are the reports' :func:`journey_context` when already computed. ``part``
    is "all" (the whole report), "cover" (only the contents list, with the generated time
    and each journey's first page from ``first_pages``, journey id -> page number) or
    "journeys" (only the journeys, without the generated time: the same text every build,
    for :func:`pdf_parts`).
    """
    global _ENV
    if paper not in PAPERS:
        raise ValidationError(f"unknown paper {paper!r}; expected one of {', '.join(PAPERS)}")
    if part not in ("all", "cover", "journeys"):
        raise ValueError(f"unknown report part {part!r}")
    _ENV = _ENV or _environment()
    now = now or dt.datetime.now(dt.UTC)
    return _ENV.get_template("report.html.j2").render(
        title=title,
        workspace=workspace,
        paper=PAPERS[paper],
        generated=now.strftime("%Y-%m-%d %H:%M UTC"),
        journeys=(
            list(contexts)
            if contexts is not None
            else [journey_context(r, with_charts=with_charts) for r in reports]
        ),
        css=Markup(
            _ENV.loader.get_source(_ENV, "report.css")[0].replace("PAPER_SIZE", PAPERS[paper])
        ),
        stage_count=len(STAGES),
        part=part,
        first_pages=first_pages or {},
    )


#: ``progress(fraction, message)``: how far a build is (0.0 to 1.0) and what it is doing.
Progress = Callable[[float, str], None]

#: Share of a PDF build spent on the charts (the rest is WeasyPrint), for progress only.
PDF_CHARTS_SHARE = 0.15
#: PDF parts of a report from which they are laid out in worker processes: a worker's
#: start (Python, WeasyPrint, its first layout) costs seconds, so below, this process lays
#: them out (measured on 2 loaded CPUs: 5 parts 3.5-9 s here, 7.5-14 s with two workers;
#: 20 parts 25 s as one document, 15 s with two workers).
PARTS_FOR_PROCESSES = 12


@dataclass
class Part:
    """One part of a PDF report, laid out alone: ``label`` (its outline entry), ``html``
    (the whole document), ``journey_id`` (None for a workspace's cover) and ``cacheable``
    (False when it holds the generated time, which changes every build)."""

    label: str
    html: str
    journey_id: int | None = None
    cacheable: bool = True


def pdf_parts(
    contexts: Sequence[dict], *, title: str, paper: str, workspace: str | None, now=None
) -> list[Part]:
    """A workspace report's journeys as one :class:`Part` each (without the generated
    time, so an unchanged journey is the same HTML as last build); a single journey's
    report as one part holding the generated time. The workspace cover is made by
    :func:`build_pdf` once the journeys' page counts are known."""
    if workspace is None:
        html = render_html([], title=title, paper=paper, now=now, contexts=contexts)
        return [Part(contexts[0]["name"], html, contexts[0]["id"], cacheable=False)]
    return [
        Part(
            c["name"],
            render_html(
                [],
                title=c["name"],
                paper=paper,
                workspace=workspace,
                contexts=[c],
                part="journeys",
            ),
            c["id"],
        )
        for c in contexts
    ]


def build_pdf(
    contexts: Sequence[dict],
    *,
    title: str,
    paper: str,
    workspace: str | None,
    now: dt.datetime | None = None,
    cache: report_cache.ReportCache | None = None,
    processes: int | None = None,
    progress: Progress | None = None,
    start: float = 0.0,
) -> bytes:
    """The report as one PDF, laid out by parts (:func:`pdf_parts`) and joined with pikepdf.

    Each journey is laid out alone, by worker processes from :data:`PARTS_FOR_PROCESSES`
    parts on (``processes`` forces a count; 1 lays out here), or taken from ``cache`` (keyed
    by the SHA-256 of its HTML, stylesheet and paper size included). A workspace report then
    gets its cover: the contents list with each journey's first page, and the generated
    time. The outline (bookmarks) lists the journeys. ``progress`` hears of each part, from
    ``start`` on. Raises :class:`journey.report_workers.ReportWorkerError` when a worker
    process dies or fails.
    """
    import pikepdf

    say = progress or (lambda fraction, message: None)
    parts = pdf_parts(contexts, title=title, paper=paper, workspace=workspace, now=now)
    keys = [report_cache.key("pdf", p.html) for p in parts]
    laid: list[tuple[bytes, int] | None] = [
        (cache.get(k) if cache is not None and p.cacheable else None)
        for p, k in zip(parts, keys, strict=True)
    ]
    todo = [i for i, found in enumerate(laid) if found is None]
    span = (1.0 - start) * 0.9

    def done(count: int) -> None:
        say(
            start + span * (len(parts) - len(todo) + count) / len(parts),
            f"Laid out part {len(parts) - len(todo) + count:,} of {len(parts):,} of the PDF",
        )

    if processes is None:
        processes = report_workers.processes_for(len(todo), PARTS_FOR_PROCESSES)
    jobs = [(parts[i].html, str(TEMPLATES)) for i in todo]
    if processes == 1 or not jobs:
        drawn = []
        for count, job in enumerate(jobs, start=1):
            drawn.append(report_workers.pdf_part(*job))
            done(count)
    else:
        with report_workers.pool(processes) as pool:
            drawn = report_workers.run_all(
                pool, report_workers.pdf_part, jobs, "laying out the PDF", done
            )
    for i, result in zip(todo, drawn, strict=True):
        laid[i] = result
        if cache is not None and parts[i].cacheable:
            cache.set(keys[i], result)
    if workspace is not None:
        cover, laid = _cover(contexts, laid, title=title, paper=paper, workspace=workspace, now=now)
        parts = [Part(workspace, "", None), *parts]
        laid = [cover, *laid]
    say(start + span, f"Writing the PDF: {sum(p[1] for p in laid):,} pages")
    joined = pikepdf.Pdf.new()
    with joined.open_outline() as outline:
        for part, (data, _) in zip(parts, laid, strict=True):
            outline.root.append(pikepdf.OutlineItem(part.label, len(joined.pages)))
            joined.pages.extend(pikepdf.Pdf.open(io.BytesIO(data)).pages)
    joined.docinfo["/Title"] = title
    out = io.BytesIO()
    joined.save(out)
    return out.getvalue()


def _cover(contexts, laid, *, title, paper, workspace, now) -> tuple[tuple[bytes, int], list]:
    """The workspace cover laid out with each journey's first page in the joined PDF; laid
    out again if its own page count moves the journeys (twice at most)."""
    cover_pages, result = 1, None
    for _ in range(3):
        first, page = {}, cover_pages + 1
        for c, (_, pages) in zip(contexts, laid, strict=True):
            first[c["id"]] = page
            page += pages
        html = render_html(
            [],
            title=title,
            paper=paper,
            workspace=workspace,
            now=now,
            contexts=contexts,
            part="cover",
            first_pages=first,
        )
        result = report_workers.pdf_part(html, str(TEMPLATES))
        if result[1] == cover_pages:
            break
        cover_pages = result[1]
    return result, laid


def build(
    store: Store,
    *,
    journey_id: int | None = None,
    workspace_id: int | None = None,
    fmt: str = "pdf",
    paper: str = "a4",
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    cache: report_cache.ReportCache | bool | None = True,
    processes: int | None = None,
) -> bytes:
    """The report of one journey or of every journey of a workspace, as PDF or HTML bytes.

    Exactly one of ``journey_id`` and ``workspace_id``; ``fmt`` is "pdf" or "html" and
    ``paper`` "a4" or "letter". ``progress`` (optional, a :data:`Progress`) is told after
    each journey's charts, each PDF part laid out and before the PDF is joined; it ends
    at 1.0. ``cache`` is a :class:`journey.report_cache.ReportCache`, True (the default:
    the folder beside the store's database, :func:`journey.report_cache.beside`, none for a
    read-only store) or None / False for none; ``processes`` forces the worker processes'
    count (1: none; default: by the amount of work, :func:`journey_contexts`). Raises
    ValidationError for a bad choice, NotFoundError for an unknown id,
    :class:`journey.report_workers.ReportWorkerError` when a worker process dies or fails.
    """
    if fmt not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if (journey_id is None) == (workspace_id is None):
        raise ValidationError("a report is of one journey or of one workspace: give one")
    say = progress or (lambda fraction, message: None)
    use_beside = cache is True and not store.read_only  # a read-only store writes nothing
    opened = report_cache.beside(store.path) if use_beside else None
    given = cache if isinstance(cache, report_cache.ReportCache) else None
    try:
        return _build(
            store, journey_id, workspace_id, fmt, paper, now, say, opened or given, processes
        )
    finally:
        if opened is not None:
            opened.close()


def _build(store, journey_id, workspace_id, fmt, paper, now, say, cache, processes) -> bytes:
    if journey_id is not None:
        reports = [gather(store, journey_id)]
        title, workspace = reports[0].journey.name, None
    else:
        workspace, reports = gather_workspace(store, workspace_id)
        title = workspace
    charts_share = PDF_CHARTS_SHARE if fmt == "pdf" else 0.95
    contexts = journey_contexts(reports, say, charts_share, cache=cache, processes=processes)
    if fmt == "html":
        html = render_html(
            reports, title=title, paper=paper, workspace=workspace, now=now, contexts=contexts
        )
        say(1.0, "HTML ready")
        return html.encode("utf-8")
    data = build_pdf(
        contexts,
        title=title,
        paper=paper,
        workspace=workspace,
        now=now,
        cache=cache,
        processes=processes,
        progress=say,
        start=charts_share,
    )
    say(1.0, "PDF ready")
    return data


def file_name(title: str, fmt: str) -> str:
    """A download name for a report: ``report-buying-a-family-car.pdf``."""
    slug = re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")[:60] or "journey"
    return f"report-{slug}.{fmt}"


def format_for(path: str | pathlib.Path) -> str:
    """ "pdf" or "html" from a file name's suffix; ValidationError for anything else."""
    suffix = pathlib.Path(path).suffix.lower().lstrip(".")
    suffix = "html" if suffix == "htm" else suffix
    if suffix not in FORMATS:
        raise ValidationError(
            f"{path}: the report is written as .pdf or .html, not "
            f"{('.' + suffix) if suffix else 'a file without a suffix'}"
        )
    return suffix
