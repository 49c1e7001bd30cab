"""The appendix table as CSV, in two dialects, with every figure rounded as the table prints it.

- `summary.csv`, the plain one: comma-separated, a dot before decimals (`37.06`), UTF-8 with a byte-order
  mark. For software and for Excel or LibreOffice set to English (US) regional settings.
- `summary_excel_vi.csv`, for Excel under Vietnamese regional settings (list separator `;`, decimal
  comma): semicolon-separated, a comma before decimals (`37,06`), UTF-8 with a byte-order mark, so that a
  double click opens it in columns with numbers Excel can add up and Vietnamese letters intact.

No thousands separators in either: Excel reads them back as text under the other locale's habits."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.domain.rendering import Translates
from bot.domain.summary import Summary
from bot.files.table import PROGRESS_DIGITS, headers, rows

PLAIN = "csv"
EXCEL_VI = "csv_vi"


def _number(value: float | int | None, digits: int, decimal: str) -> str:
    if value is None:
        return ""
    text = f"{value:.{max(digits, 0)}f}"
    return text.replace(".", decimal)


def summary_csv(summary: Summary, t: Translates, dialect: str = PLAIN) -> bytes:
    """The table as CSV: `dialect` PLAIN (`,` and `.`) or EXCEL_VI (`;` and `,`); see the module's note."""
    delimiter, decimal = (";", ",") if dialect == EXCEL_VI else (",", ".")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers(summary, t))
    for row in rows(summary, t):
        cells: list[Any] = [
            row.number,
            row.name,
            row.unit,
            row.target,
            _number(row.previous, row.digits, decimal),
            _number(row.value, row.digits, decimal),
            _number(row.progress, PROGRESS_DIGITS, decimal),
            row.status_label,
            row.remarks,
        ]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")
