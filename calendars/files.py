"""Calendar days as people paste or upload them: one day a line, `2026-10-01 holiday 国庆节`
(date, kind, name), the fields separated by spaces, tabs or commas, so that lines copied from a
spreadsheet or a CSV file read the same. Blank lines and a header line (starting with "date" or
"日期") are skipped. The rows keep their line numbers for the service to name."""

from __future__ import annotations

import re
from typing import Any

from hrperf.lib.tables import decode_text, read_limited

SEPARATORS = re.compile(r"\s*[,\t，]\s*|\s+")
HEADER_WORDS = ("date", "day", "日期")
MAX_LINES = 1000


def read_day_lines(text: str) -> list[dict[str, Any]]:
    """The rows of pasted text: `{"row", "day", "kind", "name"}` per non-blank line."""
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        parts = SEPARATORS.split(stripped, maxsplit=2)
        if number == 1 and parts[0].strip().lower() in HEADER_WORDS:
            continue
        parts += [""] * (3 - len(parts))
        rows.append(
            {
                "row": number,
                "day": parts[0].strip(),
                "kind": parts[1].strip(),
                "name": parts[2].strip().strip('"').strip(),
            }
        )
    return rows


def read_day_file(upload: Any) -> list[dict[str, Any]]:
    """The rows of an uploaded CSV or text file (UTF-8 or GB18030), as pasted lines. Raises
    `hrperf.lib.tables.ImportRejected` for a file too large or not text."""
    return read_day_lines(decode_text(read_limited(upload)))
