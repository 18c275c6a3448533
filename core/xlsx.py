"""Workbooks that never carry a live formula from user text (issue 15, formula injection).

openpyxl stores any string that begins with ``=`` as a formula, and Excel or LibreOffice also
evaluate text beginning with ``+``, ``-``, ``@``, a tab or a carriage return when a cell is edited
or the sheet is re-imported. Every workbook the product writes appends its rows through
:func:`append_row`: such a text becomes a string cell with Excel's quote prefix (shown as typed,
never evaluated), and numbers and dates are untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)``, with formula-leading texts kept as plain strings."""
    values = list(values)
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):
            cell = sheet.cell(row=row, column=column)
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True
