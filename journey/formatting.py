"""The one number formatter: every figure a page, a chart or the command line shows.

- people (and other counts) as whole numbers with thousands separators: ``1,008``;
- money with the workspace currency (``JOURNEY_CURRENCY``, an ISO 4217 code, default EUR):
  ``€4,250``, ``€12.50`` below 100, ``4,250 CHF`` for a code without a symbol here;
- shares as percentages with one decimal: ``22.6%``;
- durations in the unit they were entered in when it divides them evenly (``4 weeks``),
  else in the best unit (``7.3 weeks``, ``5.1 years``); ``short`` gives ``6 h``, ``24 d``,
  ``4.4 mo``, ``1.2 yr`` for chart labels;
- ratios with a multiplication sign: ``3.2×``;
- ``compact=True`` (metric cards): a million or more as ``€88.1M``, ``1.2B``, so a card
  never breaks inside a number; the exact figure goes in the card's help.

Undefined figures (None, NaN) are ``n/a``. Pure functions: no Streamlit, no database.
"""

from __future__ import annotations

import math
import os

DEFAULT_CURRENCY = "EUR"
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}
NOT_AVAILABLE = "n/a"

#: Every number input's display format (Streamlit's printf-style, sprintf.js): the number as
#: people typed it, ``2`` weeks and ``35`` %, not ``2.00`` and ``35.00``; ``0.25``, ``19800``.
INPUT_FORMAT = "%g"

# Days in each unit, as journey.model.DURATION_UNITS (kept here so this module stands alone).
_DAYS = {"hours": 1 / 24, "days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}


def _undefined(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _trim(text: str) -> str:
    """``"12.0"`` -> ``"12"``; ``"7.30"`` -> ``"7.3"``."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def currency() -> str:
    """The currency code money is shown in: ``$JOURNEY_CURRENCY`` (upper-cased) or EUR."""
    return (os.environ.get("JOURNEY_CURRENCY") or DEFAULT_CURRENCY).strip().upper()


def people(value: float | None) -> str:
    """A count of people (or anything counted) as a whole number: ``1,007.6`` -> ``"1,008"``."""
    if _undefined(value):
        return NOT_AVAILABLE
    return f"{round(value):,}"


def number(value: float | None) -> str:
    """A plain number: whole above 100 (``19,800``), else at most two decimals (``4.1``)."""
    if _undefined(value):
        return NOT_AVAILABLE
    return f"{value:,.0f}" if abs(value) >= 100 else _trim(f"{value:,.2f}")


def money(value: float | None, code: str | None = None) -> str:
    """An amount in currency ``code`` (default :func:`currency`): ``"€4,250"``, ``"€12.50"``,
    ``"-€80"``, ``"4,250 CHF"``."""
    if _undefined(value):
        return NOT_AVAILABLE
    code = (code or currency()).upper()
    amount = f"{abs(value):,.0f}" if abs(value) >= 100 else f"{abs(value):,.2f}"
    sign = "-" if value < 0 and amount.strip("0.,") else ""
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {code}"


#: Compact suffixes, largest first: a million or more is shortened (below, figures fit a card).
_COMPACT = ((1e12, "T"), (1e9, "B"), (1e6, "M"))


def _compact(value: float) -> tuple[float, str] | None:
    """``88_148_147_346`` -> ``(88.1, "B")``; None below a million."""
    for size, suffix in _COMPACT:
        if abs(value) >= size * 0.99995:  # 999,999.9 rounds to 1.0M, not 1,000.0K
            return round(value / size, 1), suffix
    return None


def _compact_text(value: float) -> str | None:
    """``88_148_147_346`` -> ``"88.1B"`` (unsigned); a thousand trillion or more in powers of
    ten (``"1.2e18"``), so a card's figure stays a few characters; None below a million."""
    if abs(value) >= 1e15 * 0.99995:
        return f"{abs(value):.1e}".replace("e+", "e")
    if short := _compact(value):
        return f"{_trim(f'{abs(short[0]):,.1f}')}{short[1]}"
    return None


def percent(share: float | None, decimals: int = 1) -> str:
    """A share (0.226) as a percentage: ``"22.6%"``."""
    if _undefined(share):
        return NOT_AVAILABLE
    return f"{share * 100:,.{decimals}f}%"


def ratio(value: float | None) -> str:
    """How many times: ``3.24`` -> ``"3.2×"``."""
    if _undefined(value):
        return NOT_AVAILABLE
    return f"{value:,.1f}×"


def duration(days: float | None, *, short: bool = False) -> str:
    """A duration given in days, in the unit that divides it evenly (what people entered:
    28 -> ``"4 weeks"``, 0.25 -> ``"6 hours"``, 30 -> ``"30 days"``), else, from 60 days on,
    months (90 -> ``"3 months"``) or, from 360 days on, years, to one decimal (51 ->
    ``"51 days"``, 1,876 -> ``"5.1 years"``, not 268 weeks). ``short``: the compact chart
    label (``"6 h"``, ``"24 d"``, ``"4.4 mo"``).
    """
    if _undefined(days):
        return NOT_AVAILABLE
    if short:
        return _short_duration(days)
    if days == 0:
        return "0 days"
    value, unit = _entered_unit(days)
    if (unit == "days" and abs(days) >= 60) or (unit == "weeks" and abs(value) >= 100):
        unit = "years" if abs(days) >= 360 else "months"
        value = days / _DAYS[unit]
    text = _trim(f"{value:,.1f}")
    return f"{text} {unit[:-1] if text == '1' else unit}"


def _entered_unit(days: float) -> tuple[float, str]:
    for unit in ("years", "months", "weeks", "days"):
        value = days / _DAYS[unit]
        if abs(value) >= 1 and abs(value - round(value, 1)) < 1e-9:
            return value, unit
    if abs(days) < 1:
        return days * 24, "hours"
    return days, "days"


def _short_duration(days: float) -> str:
    size = abs(days)
    if size < 1:
        return f"{days * 24:,.0f} h"
    if size < 90:
        return f"{days:,.1f} d".replace(".0 d", " d")
    if size < 730:
        return f"{days / (365.25 / 12):,.1f} mo"
    return f"{days / 365.25:,.1f} yr"


def figure(value: float | None, unit: str, *, compact: bool = False) -> str:
    """A figure by its unit: ``people``, ``money`` (or a currency code such as ``EUR``),
    ``share``, ``days``, ``ratio``, ``periods``; anything else as a plain :func:`number`.
    ``compact``: figures of a million or more (a share: a million percent) shortened for a
    metric card (``€88.1M``, ``1.2B``, ``2.2M%``, ``3.4M×``); :func:`figure_help` gives the
    exact figure for the card's help."""
    is_money = unit == "money" or (len(unit) == 3 and unit.isalpha() and unit.isupper())
    scale = 100 if unit == "share" else 1  # a share is shown as a percentage
    shortened = compact and unit not in ("days", "periods") and not _undefined(value)
    if shortened and (text := _compact_text(value * scale)):
        sign = "-" if value < 0 else ""
        if not is_money:
            return f"{sign}{text}{ {'share': '%', 'ratio': '×'}.get(unit, '') }"
        code = (unit if unit != "money" else currency()).upper()
        symbol = SYMBOLS.get(code)
        return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {code}"
    if unit == "people":
        return people(value)
    if is_money:
        return money(value, None if unit == "money" else unit)
    if unit == "share":
        return percent(value)
    if unit == "days":
        return duration(value)
    if unit == "ratio":
        return ratio(value)
    if unit == "periods" and not _undefined(value):
        return f"{_trim(f'{value:,.1f}')} periods"
    return number(value)


def figure_help(value: float | None, unit: str, explain: str = "") -> str:
    """A metric card's help: ``explain`` and, when :func:`figure` ``compact=True`` shortened
    the figure, the exact one (``"Exact: €88,148,147,346"``)."""
    exact = figure(value, unit)
    if exact == figure(value, unit, compact=True):
        return explain
    return f"{explain}\n\nExact: {exact}" if explain else f"Exact: {exact}"
