"""``python -m journey events``: import an event log for a journey and print its figures.

``events import FILE --journey ID`` reads a CSV or Parquet log with the engine of
:mod:`journey.events` (columns and mapping guessed unless given as options), stores it through
:func:`journey.observed.import_events` (checked first, written in one transaction) and prints
one line. ``events report --journey ID [--json]`` prints the figures the Observed timeframes
page shows, from :func:`journey.observed.figures`: with ``--json`` exactly that dict.

:func:`add_commands` registers both on the top-level parser of :mod:`journey.cli`; the handlers
follow its pattern: ``handler(args, store) -> exit status``, bad input raised as a
:class:`journey.model.JourneyError` (which ``cli.main`` prints as one line, exit status 2).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
from collections.abc import Callable

from . import event_mapping
from .cli_parts import Parents, Subcommands, command_group, subcommand
from .events import quality_lines
from .model import STAGES, NotFoundError, ValidationError, stage_label
from .storage import Store


def add_commands(sub: Subcommands, db_parents: Parents) -> None:
    """Add ``events import`` and ``events report`` to the top-level subcommands ``sub``."""
    inner = command_group(
        sub,
        "events",
        "Import an event log for a journey, or print its observed timeframes.",
        "Observed timeframes from a customer event log (CSV or Parquet).",
    )
    p = subcommand(
        inner,
        "import",
        cmd_events_import,
        db_parents,
        "Import a CSV or Parquet event log.",
        "Import a CSV or Parquet event log for a journey: checked whole, then "
        "stored in one transaction. Columns and the mapping are guessed unless "
        "given; progress goes to stderr.",
    )
    p.add_argument("path", metavar="FILE", help="the event log (.csv, .csv.gz, .parquet, .pq)")
    p.add_argument(
        "--journey", type=int, required=True, metavar="ID", help="the journey the log belongs to"
    )
    for role, what in (
        ("customer", "the customer id"),
        ("timestamp", "the timestamp"),
        ("event", "the event name"),
    ):
        p.add_argument(f"--{role}", metavar="COL", help=f"column of {what} (default: guessed)")
    for role, what in (
        ("value", "a value such as the order amount"),
        ("segment", "a segment such as the channel"),
    ):
        p.add_argument(
            f"--{role}", metavar="COL", help=f"column of {what} (default: guessed; '' for none)"
        )
    p.add_argument(
        "--insert-id",
        metavar="COL",
        help="column of the vendor's insert id (Mixpanel $insert_id): rows that share "
        "it, the customer, event and time are one event (default: guessed; '' "
        "for none)",
    )
    p.add_argument(
        "--fallback-customer",
        metavar="COL",
        help="column whose id stands in where the customer id is empty (such as an "
        "anonymous or device id)",
    )
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="the file's text encoding, such as cp1252 (default: detected)",
    )
    p.add_argument(
        "--timestamp-format",
        metavar="FORMAT",
        help="how the timestamps are written: epoch_s, epoch_ms, epoch_us, "
        "epoch_ns, iso8601, yyyymmdd, yyyymmddhhmmss, or a strftime pattern "
        "such as '%%d/%%m/%%Y %%H:%%M' (default: told from the values)",
    )
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA zone of timestamps without an offset (default: UTC)",
    )
    p.add_argument(
        "--plausible-from",
        metavar="DATE",
        default="2000-01-01",
        help="events before this date are left out and counted (default: "
        "2000-01-01; '' keeps them)",
    )
    p.add_argument(
        "--plausible-to",
        metavar="DATE",
        default="tomorrow",
        help="events after this date are left out and counted (default: tomorrow; '' keeps them)",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="EVENT=STAGE",
        help="map an event to a stage (" + ", ".join(STAGES) + ") or to 'ignore'; "
        "repeat for each event. Events not named are ignored. Without --map "
        "the guessed mapping is used.",
    )
    p.add_argument(
        "--purchase",
        action="append",
        default=[],
        metavar="EVENT",
        help="an event that is a purchase (repeatable; default: guessed without "
        "--map, none with it)",
    )
    p.add_argument("--name", help="the name to store the log under (default: the file name)")

    p = subcommand(
        inner,
        "report",
        cmd_events_report,
        db_parents,
        "Print the observed-timeframe figures.",
        "Print an imported event log's figures beside the journey's estimates: "
        "the same figures the Observed timeframes page shows.",
    )
    p.add_argument("--journey", type=int, required=True, metavar="ID")
    p.add_argument(
        "--dataset",
        type=int,
        metavar="ID",
        help="which imported log (default: the journey's newest)",
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON")


# ---------------------------------------------------------------------------- import


def cmd_events_import(args: argparse.Namespace, store: Store) -> int:
    from . import events, observed  # DuckDB and pyarrow: loaded only by the events commands

    store.require_journey(args.journey)  # an unknown journey fails before the file is read
    path = pathlib.Path(args.path)
    options = events.ReadOptions(
        encoding=args.encoding,
        timestamp_format=args.timestamp_format,
        timezone=args.timezone,
        plausible_from=args.plausible_from or None,
        plausible_to=args.plausible_to or None,
    )
    info = events.inspect(path, options=options)
    guess = info["guess"]
    columns = events.ColumnChoice(
        customer=args.customer or guess.customer,
        timestamp=args.timestamp or guess.timestamp,
        event=args.event or guess.event,
        value=guess.value if args.value is None else (args.value or None),
        segment=guess.segment if args.segment is None else (args.segment or None),
        insert_id=guess.insert_id if args.insert_id is None else (args.insert_id or None),
        fallback_customer=args.fallback_customer or None,
    )
    counts = (
        info["event_names"]
        if columns.event == guess.event
        else events.event_counts(path, columns, options=options)
    )
    names = [name for name, _ in counts]
    mapping = event_mapping.mapping_from_options(
        names, events.guess_mapping(names), args.map, args.purchase
    )
    if not mapping.purchase_events:
        raise ValidationError(
            "no event is marked as the purchase: add --purchase EVENT (such "
            "as --purchase purchase) and map it with --map EVENT=decision"
        )
    if mapping.guessed:
        print(
            "mapping guessed (confirm it with --map EVENT=STAGE and --purchase EVENT):",
            file=sys.stderr,
        )
        for name in names:
            stage = mapping.stages.get(name) or "ignore"
            mark = " (purchase)" if name in mapping.purchase_events else ""
            print(f"  --map {name}={stage}{mark}", file=sys.stderr)
    candidates = info["customer_candidates"]
    if len(candidates) > 1:
        print(
            "customer id candidates (rows each would keep): "
            + ", ".join(f"{n} {c:,}" for n, c in candidates.items())
            + f"; using {columns.customer}",
            file=sys.stderr,
        )
    dataset_id = observed.import_events(
        store,
        args.journey,
        path,
        columns,
        mapping,
        name=args.name,
        event_names=counts,
        progress=_progress_lines(),
        options=options,
    )
    stored = store.get_event_dataset(dataset_id)
    report = stored.report
    print(
        f"imported {stored.name} as event log {dataset_id} of journey {args.journey}: "
        f"{stored.total_rows:,} rows, {stored.events_rows:,} mapped events, "
        f"{stored.customers:,} customers, {report['purchasers']:,} purchasers"
    )
    for line in events.quality_lines(report.get("quality") or {}):
        print(f"quality: {line}")
    return 0


def _progress_lines() -> Callable[[float, str], None]:
    """Progress as lines on stderr, one per step of 5% or new kind of message."""
    last: list = [None, None]

    def progress(fraction: float, message: str) -> None:
        step, kind = int(fraction * 20), message.split(" ")[0]
        if [step, kind] != last:
            last[:] = [step, kind]
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    return progress


# ---------------------------------------------------------------------------- report


def cmd_events_report(args: argparse.Namespace, store: Store) -> int:
    from . import observed

    journey = store.load_journey(args.journey)
    ids = [d.id for d in store.event_datasets(args.journey)]
    if args.dataset is None:
        if not ids:
            raise NotFoundError(
                f"journey {args.journey} has no imported event log; import one with "
                f"`python -m journey events import FILE --journey {args.journey}`"
            )
        dataset_id = ids[0]
    else:
        store.get_event_dataset(args.dataset)  # NotFoundError when there is no such log
        if args.dataset not in ids:
            raise ValidationError(
                f"event log {args.dataset} belongs to another journey, not journey {args.journey}"
            )
        dataset_id = args.dataset
    figures = observed.figures(store, dataset_id, journey)
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        print("\n".join(summary_lines(figures)))
    return 0


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def summary_lines(figures: dict) -> list[str]:
    """The figures as readable text: headline numbers, then one small table per figure."""
    d = figures["dataset"]
    lines = [
        f"event log {d['id']}: {d['name']} (imported {d['created_at'][:16].replace('T', ' ')})",
        f"{d['total_rows']:,} rows, {d['events_rows']:,} mapped events, "
        f"{figures['customers']:,} customers, {figures['purchasers']:,} purchasers "
        f"(conversion {_share(figures['conversion'])}, repeat purchase rate "
        f"{_share(figures['repeat_purchase_rate'])})",
        *[f"quality: {line}" for line in quality_lines(figures.get("quality") or {})],
        "",
        f"{'timeframe (days)':<28}{'count':>8}{'mean':>10}{'median':>10}{'p90':>10}",
    ]
    for key, label in (
        ("buyer_timeframe_days", "buyer journey"),
        ("customer_timeframe_days", "customer journey"),
        ("post_purchase_days", "after the purchase"),
    ):
        s = figures[key]
        lines.append(
            f"{label:<28}{s['count']:>8,}{_days(s['mean']):>10}"
            f"{_days(s['median']):>10}{_days(s['p90']):>10}"
        )
    lines += ["", f"{'funnel':<28}{'reached':>8}{'of all':>10}{'drop-off':>10}"]
    for f in figures["funnel"]:
        lines.append(
            f"{stage_label(f['stage']):<28}{f['reached']:>8,}"
            f"{_share(f['share_of_first']):>10}"
            f"{'' if f['drop_off'] is None else _share(f['drop_off']):>10}"
        )
    lines += [
        "",
        f"{'time between stages (days)':<28}{'count':>8}{'median':>10}{'p90':>10}{'swapped':>10}",
    ]
    for g in figures["time_between_stages"]:
        pair = f"{stage_label(g['from'])} → {stage_label(g['to'])}"
        lines.append(
            f"{pair:<28}{g['count']:>8,}{_days(g['median']):>10}{_days(g['p90']):>10}"
            f"{g['out_of_order']:>10,}"
        )
    lines += ["", f"{'estimated vs observed (days)':<28}{'map':>8}{'observed':>10}{'ratio':>10}"]
    for r in (figures["estimated_vs_observed"] or []) + (
        figures["estimated_vs_observed_journeys"] or []
    ):
        name = stage_label(r["stage"]) if "stage" in r else f"{r['journey']} journey"
        ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        lines.append(
            f"{name:<28}{_days(r['estimated_days']):>8}{_days(r['observed_days']):>10}"
            f"{ratio:>10}" + ("  ! differs more than 2x" if r["flag"] else "")
        )
    for key, label in (("by_segment", "segment"), ("by_month", "month of first seen")):
        if figures[key]:
            lines += [
                "",
                f"{label:<28}{'customers':>10}{'buyers':>8}{'conv.':>8}{'median buyer days':>19}",
            ]
            for r in figures[key]:
                name = str(r["segment" if key == "by_segment" else "month"] or "(none)")
                lines.append(
                    f"{name[:27]:<28}{r['customers']:>10,}{r['purchasers']:>8,}"
                    f"{_share(r['conversion']):>8}"
                    f"{_days(r['buyer_timeframe_median_days']):>19}"
                )
    return lines
