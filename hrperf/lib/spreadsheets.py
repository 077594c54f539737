"""Text cells that a spreadsheet must show as text, never run as a formula.

Names of employees, departments and KPIs end up in files HR opens in Excel; a name starting
with "=" (or "+", "-", "@") would otherwise be a formula there.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe;
    anything else is returned as it is."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def xlsx_text(cell: Any) -> Any:
    """An openpyxl cell holding text stays text (openpyxl makes a formula of any text starting
    with "="); the text is kept exactly. Returns the cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell
