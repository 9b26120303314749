r"""Generate a synthetic customer event log: people choosing, buying and keeping a car.

Each customer enters through a channel (the segment: search, social, dealer or referral), sees
ads and visits the site (awareness), compares models, downloads brochures and books test drives
(consideration), asks for a quote and perhaps buys (decision), then comes back for service and
logs into the app (retention), and some post reviews or refer friends (advocacy). Timing is
realistic in shape: the buyer journey takes days to weeks, the post-purchase life months; not
everyone converts, a few buy again. ``email_open`` events belong to no stage (to be ignored).
Events after the extraction date (2026-06-30) are cut off, as in a real export.

Columns: ``customer_id``, ``timestamp`` (ISO 8601 in UTC with ``Z`` in CSV; a UTC timestamp
column in Parquet), ``event``, ``value`` (the price, on purchases only) and ``segment``.

The sample file shipped in ``sample_data/`` was made with::

    python scripts/generate_events.py --customers 400 --seed 7 \
        --out sample_data/car-buying-events.csv

Large logs (1M to 10M events: about 125k customers per million events) are generated and written
a chunk of customers at a time, so memory stays bounded::

    python scripts/generate_events.py --customers 125000 --out /tmp/events.parquet --format parquet

The same ``--seed`` gives the same file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

START = np.datetime64("2025-01-01T00:00:00", "s")
EXTRACTED = np.datetime64("2026-06-30T23:59:59", "s")
DAY = 86_400.0
CHUNK = 50_000  # customers per chunk

SEGMENTS = np.array(["search", "social", "dealer", "referral"])
SEGMENT_SHARE = [0.40, 0.30, 0.20, 0.10]
# Chance of going on to consider, by segment (dealer walk-ins and referrals are warmer leads).
CONSIDER = np.array([0.60, 0.45, 0.85, 0.80])
DECIDE = 0.60  # of those considering: ask for a quote
BUY = 0.70  # of those asking for a quote: buy
RETAIN = 0.85  # of buyers: come back for service or use the app
ADVOCATE = 0.35  # of retained buyers: post a review or refer someone
REPEAT = 0.20  # of buyers: buy again

SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("timestamp", pa.string()),
        ("event", pa.string()),
        ("value", pa.int64()),
        ("segment", pa.string()),
    ]
)
PARQUET_SCHEMA = SCHEMA.set(1, pa.field("timestamp", pa.timestamp("s", tz="UTC")))


class _Events:
    """Columns of one chunk's events, appended phase by phase."""

    def __init__(self) -> None:
        self.who: list[np.ndarray] = []
        self.when: list[np.ndarray] = []
        self.what: list[np.ndarray] = []
        self.value: list[np.ndarray] = []

    def add(
        self, who: np.ndarray, when: np.ndarray, what: np.ndarray, value: np.ndarray | None = None
    ) -> None:
        self.who.append(who)
        self.when.append(when)
        self.what.append(what)
        self.value.append(np.full(len(who), -1) if value is None else value)


def _spread(
    rng: np.random.Generator,
    who: np.ndarray,
    counts: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``counts[i]`` events for customer ``who[i]``, at random moments of [start, start+length)."""
    rows = np.repeat(np.arange(len(who)), counts)
    when = start[rows] + rng.random(len(rows)) * length[rows]
    return who[rows], when


def _pick(rng: np.random.Generator, names: list[str], share: list[float], n: int) -> np.ndarray:
    return np.array(names)[rng.choice(len(names), size=n, p=share)]


def _chunk(rng: np.random.Generator, first: int, n: int, width: int) -> pa.Table:
    """The events of customers ``first`` .. ``first + n - 1``, sorted by time."""
    ev = _Events()
    ids = np.arange(n)
    segment = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARE)
    t0 = rng.random(n) * 540 * DAY  # first contact, over 18 months

    # Awareness: a few ad views and site visits over a few days.
    aware_len = rng.lognormal(np.log(3 * DAY), 0.8, n)
    counts = 1 + rng.poisson(1.5, n)
    who, when = _spread(rng, ids, counts, t0, aware_len)
    ev.add(who, when, _pick(rng, ["ad_view", "site_visit"], [0.45, 0.55], len(who)))

    # Consideration: comparisons, brochures, test drives over one to three weeks.
    considers = rng.random(n) < CONSIDER[segment]
    c = ids[considers]
    cons_start = t0[c] + aware_len[c] + rng.exponential(2 * DAY, len(c))
    cons_len = rng.lognormal(np.log(10 * DAY), 0.6, len(c))
    who, when = _spread(rng, c, 1 + rng.poisson(2.0, len(c)), cons_start, cons_len)
    ev.add(
        who,
        when,
        _pick(
            rng, ["compare_models", "brochure_download", "test_drive"], [0.45, 0.30, 0.25], len(who)
        ),
    )

    # Decision: a quote or two, then (for most) the purchase a few days later.
    decides = rng.random(len(c)) < DECIDE
    d = c[decides]
    dec_start = cons_start[decides] + cons_len[decides] + rng.exponential(3 * DAY, len(d))
    dec_len = rng.lognormal(np.log(4 * DAY), 0.5, len(d))
    who, when = _spread(rng, d, 1 + rng.poisson(0.4, len(d)), dec_start, dec_len)
    ev.add(who, when, np.full(len(who), "quote_request"))
    buys = rng.random(len(d)) < BUY
    b = d[buys]
    bought = dec_start[buys] + dec_len[buys] + rng.exponential(2 * DAY, len(b))
    ev.add(b, bought, np.full(len(b), "purchase"), _price(rng, len(b)))

    # Some buy again (a second car for the household), three to twelve months later.
    again = rng.random(len(b)) < REPEAT
    r = b[again]
    ev.add(
        r,
        bought[again] + (90 + rng.random(len(r)) * 275) * DAY,
        np.full(len(r), "purchase"),
        _price(rng, len(r)),
    )

    # Retention: service visits and app logins over the months after the purchase.
    retains = rng.random(len(b)) < RETAIN
    k = b[retains]
    ret_start = bought[retains] + rng.exponential(20 * DAY, len(k)) + DAY
    ret_len = rng.lognormal(np.log(150 * DAY), 0.7, len(k))
    who, when = _spread(rng, k, 1 + rng.poisson(3.0, len(k)), ret_start, ret_len)
    ev.add(who, when, _pick(rng, ["service_visit", "app_login"], [0.35, 0.65], len(who)))

    # Advocacy: reviews and referrals, weeks to months after the purchase.
    advocates = rng.random(len(k)) < ADVOCATE
    a = k[advocates]
    adv_start = ret_start[advocates] + rng.exponential(45 * DAY, len(a))
    adv_len = rng.lognormal(np.log(60 * DAY), 0.8, len(a))
    who, when = _spread(rng, a, 1 + rng.poisson(0.6, len(a)), adv_start, adv_len)
    ev.add(who, when, _pick(rng, ["review_posted", "referral"], [0.6, 0.4], len(who)))

    # Noise that belongs to no stage.
    reads = ids[rng.random(n) < 0.3]
    who, when = _spread(
        rng, reads, 1 + rng.poisson(1.0, len(reads)), t0[reads], np.full(len(reads), 90 * DAY)
    )
    ev.add(who, when, np.full(len(who), "email_open"))

    who = np.concatenate(ev.who)
    when = START + np.concatenate(ev.when).astype("timedelta64[s]")
    what = np.concatenate(ev.what)
    value = np.concatenate(ev.value)
    keep = when <= EXTRACTED
    order = np.argsort(when[keep], kind="stable")
    who, when, what, value = (x[keep][order] for x in (who, when, what, value))
    customer_ids = np.char.add("C", np.char.zfill((first + who + 1).astype(str), width))
    return pa.table(
        {
            "customer_id": customer_ids,
            "timestamp": when,
            "event": what,
            "value": pa.array(value, mask=value < 0),
            "segment": SEGMENTS[segment[who]],
        }
    )


def _price(rng: np.random.Generator, n: int) -> np.ndarray:
    """Car prices, rounded to 10: most between 20k and 50k."""
    return (np.round(rng.lognormal(np.log(32_000), 0.3, n) / 10) * 10).astype(np.int64)


def generate(customers: int, seed: int = 7, chunk: int = CHUNK) -> Iterator[pa.Table]:
    """The event log of ``customers`` customers, as tables of at most ``chunk`` customers."""
    rng = np.random.default_rng(seed)
    width = max(6, len(str(customers)))
    for first in range(0, customers, chunk):
        yield _chunk(rng, first, min(chunk, customers - first), width)


def _as_csv(table: pa.Table) -> pa.Table:
    text = np.char.add(np.datetime_as_string(table["timestamp"].to_numpy(), unit="s"), "Z")
    return table.set_column(1, "timestamp", pa.array(text)).cast(SCHEMA)


def write(customers: int, out: Path, seed: int = 7, fmt: str | None = None) -> int:
    """Write the log to ``out`` (CSV or Parquet, from ``fmt`` or the extension); rows written."""
    fmt = fmt or ("parquet" if out.suffix.lower() in (".parquet", ".pq") else "csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    if fmt == "parquet":
        with pq.ParquetWriter(out, PARQUET_SCHEMA, compression="zstd") as writer:
            for table in generate(customers, seed):
                table = table.set_column(
                    1, "timestamp", table["timestamp"].cast(pa.timestamp("s", tz="UTC"))
                )
                writer.write_table(table.cast(PARQUET_SCHEMA))
                rows += table.num_rows
    else:
        # Plain, unquoted CSV: no generated value holds a comma, a quote or a line break.
        options = pacsv.WriteOptions(quoting_style="none", include_header=False)
        with open(out, "wb") as f:
            f.write((",".join(SCHEMA.names) + "\n").encode())
            with pacsv.CSVWriter(f, SCHEMA, write_options=options) as writer:
                for table in generate(customers, seed):
                    writer.write_table(_as_csv(table))
                    rows += table.num_rows
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, required=True, help="how many customers")
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--format",
        choices=["csv", "parquet"],
        help="file format (default: from the extension of --out)",
    )
    args = parser.parse_args(argv)
    if args.customers < 1:
        parser.error("--customers must be at least 1")
    rows = write(args.customers, args.out, args.seed, args.format)
    print(f"wrote {rows:,} events of {args.customers:,} customers to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
