"""CSV for spreadsheets, safe from formula injection: the one writer every CSV export uses.

A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula, and some also after a leading tab or carriage return, so text
people typed (a moment's title, a metric key, a scenario name) could run
``=HYPERLINK(...)`` or ``=cmd|...`` on the machine of whoever opens the export. Following
OWASP's "CSV Injection" advice, such a text cell gets a leading single quote, which makes the
spreadsheet show it as text. Numbers stay numbers: ints and floats are written as they are
(``-2.5`` is a value, not a formula), and so is text that is exactly a plain number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def cell(value: Any) -> Any:
    """One cell made safe: None -> ``""``, numbers unchanged, formula-like text quoted.

    >>> cell("=1+1"), cell("-2"), cell(-2.5), cell("@SUM(A1)")
    ("'=1+1", '-2', -2.5, "'@SUM(A1)")
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, lineterminator: str = "\r\n"
) -> str:
    """A CSV document (header first) with every cell passed through :func:`cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()
