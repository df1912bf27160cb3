"""Plain-text exports: tab-separated, ``|``-separated, space-aligned or one cell per line."""
from __future__ import annotations

import re

from ingest.table_model import Row
from ingest.text import clean_html, split_lines, strip_controls

_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_SPACE_RUN = re.compile(r"(?:[ \t]*\u3000[ \t\u3000]*|[ ]{2,})")


def split_cells(line: str) -> tuple[list[str], str]:
    """One line → (cells, layout). Empty cells are kept where the separator shows them."""
    if "\t" in line:
        return line.split("\t"), "tab"
    stripped = line.strip()
    if stripped.count("|") >= 2 or (stripped.startswith("|") and stripped.endswith("|")):
        if _PIPE_RULE.match(stripped):
            return [], "pipe-rule"
        cells = stripped.split("|")
        if stripped.startswith("|"):
            cells = cells[1:]
        if stripped.endswith("|"):
            cells = cells[:-1]
        return cells, "pipe"
    if _SPACE_RUN.search(stripped):
        return [c for c in _SPACE_RUN.split(stripped)], "spaces"
    return [stripped], "single"


def read_rows(text: str) -> list[Row]:
    rows = []
    for n, raw in enumerate(split_lines(text), start=1):
        line = clean_html(strip_controls(raw))
        cells, layout = split_cells(line)
        rows.append(Row(line=n, cells=cells, layout=layout))
    return rows
