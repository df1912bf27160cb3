"""What the structured readers share: merged cells → explicit rows, cell text, limits.

A structured reader (html, xlsx, xls, docx, pdf) turns each table of its file into a
:class:`Grid` — the cells as laid out, each merged cell once with its span — and
:class:`RowSink` expands grids and paragraphs into the ``Row`` list of the table model.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.decode import UnreadableFile
from ingest.limits import LimitExceeded, env_name
from ingest.table_model import Merge, Row

# The limits a text table has: the pipeline refuses files above MAX_BYTES; an office file
# may not unpack to more than that either (a zip bomb), nor hold more cells than a text
# export of that size could.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CELLS = 5_000_000

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_WORD = re.compile(r"[A-Za-z]")


def join_lines(lines: list[str]) -> str:
    """The lines of one cell (``<br>``, paragraphs, wrapped PDF lines) → one cell value.

    Chinese text wraps anywhere, so lines join without a space; a space is kept only
    between two Latin letters, where a line break stood for one.
    """
    out = ""
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if out and _WORD.match(out[-1]) and _WORD.match(line[0]):
            out += " "
        out += line
    return out


_SUPERSCRIPT = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def superscript(text: str) -> str:
    return text.translate(_SUPERSCRIPT)


def subscript(text: str) -> str:
    return text.translate(_SUBSCRIPT)


@dataclass
class GridCell:
    text: str
    rows: int = 1
    cols: int = 1


@dataclass
class Grid:
    """One table: ``cells[r][c]`` is the cell whose top-left corner is there, None where a
    merge covers the position or nothing is written."""
    cells: list[list[GridCell | None]] = field(default_factory=list)

    @classmethod
    def from_spans(cls, rows: list[list[GridCell]]) -> Grid:
        """Rows as HTML and Word write them (each row lists only the cells that start in it,
        left to right, skipping positions covered from above) → a grid with positions."""
        if sum(cell.rows * cell.cols for row in rows for cell in row) > MAX_CELLS:
            raise UnreadableFile("too-large", f"a table whose cells span more than {MAX_CELLS} cells: above the "
                                              "limit for one file")
        g = cls()
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(rows):
            line: list[GridCell | None] = []
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                _put(line, c, cell)
                for dr in range(cell.rows):
                    for dc in range(cell.cols):
                        taken.add((r + dr, c + dc))
                c += cell.cols
            g.cells.append(line)
        return g


def _put(line: list[GridCell | None], c: int, cell: GridCell) -> None:
    while len(line) <= c:
        line.append(None)
    line[c] = cell


Locate = Callable[[int, int], str]  # (row, col) of the grid → a cell's name in the format


class RowSink:
    """Collects the rows of one file in reading order; numbers them 1, 2, …"""

    def __init__(self, path: str, max_rows: int) -> None:
        self.path = path
        self.max_rows = max_rows
        self.rows: list[Row] = []
        self.cells = 0

    def _add(self, cells: list[str], layout: str, location: str, merges: dict[int, Merge] | None = None) -> Row:
        self.cells += len(cells)
        if self.cells > MAX_CELLS:
            raise UnreadableFile("too-large", f"more than {MAX_CELLS} cells: above the limit for one file",
                                 line=len(self.rows) + 1)
        if len(self.rows) >= self.max_rows:
            raise too_many_rows(self.max_rows)
        row = Row(line=len(self.rows) + 1, cells=cells, layout=layout, location=location, merges=merges or {})
        self.rows.append(row)
        return row

    def gap(self) -> None:
        """A blank row between blocks, as a text export has a blank line (never two)."""
        if self.rows and not self.rows[-1].blank:
            self._add([], "single", self.rows[-1].location)

    def paragraph(self, text: str, location: str) -> None:
        text = text.strip()
        if text:
            self._add([text], "single", location)

    def grid(self, grid: Grid, locate_row: Callable[[int], str], locate_range: Callable[[int, int, int, int], str],
             carry: dict[int, tuple[str, Merge]] | None = None) -> dict[int, tuple[str, Merge]]:
        """Add a table. A merged cell's value fills every row it spans (across a row, the
        first cell holds it and the others stay empty, as a text export has them); every
        covered cell records the merge. ``carry`` continues vertical merges of the table
        before (a PDF table going on over a page break): an empty cell in the first row under
        such a merge takes its value. Returns the vertical merges reaching the last row."""
        width = 0
        for line in grid.cells:
            for c, cell in enumerate(line):
                width = max(width, c + (cell.cols if cell is not None else 1))
        first_line = len(self.rows) + 1
        down: dict[int, tuple[str, Merge, int]] = {}  # column → (value, merge, last row it covers)
        for r, line in enumerate(grid.cells):
            cells = [""] * width
            merges: dict[int, Merge] = {}
            for c, cell in enumerate(line):
                if cell is None:
                    continue
                down.pop(c, None)
                if r == 0 and carry and c in carry and not cell.text.strip():
                    value, m = carry[c]
                    down[c] = (value, m, cell.rows - 1)
                    continue
                cells[c] = cell.text
                if cell.rows > 1 or cell.cols > 1:
                    m = Merge(location=locate_range(r, c, r + cell.rows - 1, c + cell.cols - 1),
                              rows=cell.rows, cols=cell.cols, first_line=first_line + r)
                    for dc in range(cell.cols):
                        merges[c + dc] = m
                    if cell.rows > 1:
                        down[c] = (cell.text, m, r + cell.rows - 1)
            for c, (value, m, last) in list(down.items()):
                if last < r:
                    del down[c]
                    continue
                if not cells[c]:
                    cells[c] = value
                for dc in range(m.cols):
                    merges[c + dc] = m
            self._add(cells, "tab", locate_row(r), merges)
        end = len(grid.cells) - 1
        return {c: (v, m) for c, (v, m, last) in down.items() if last == end}


def too_many_rows(max_rows: int) -> LimitExceeded:
    """The text path's line limit, for rows of any format (ingest.limits)."""
    return LimitExceeded("too-many-lines", max_rows + 1, f"more than {max_rows:,} lines (rows) in one file; "
                                                         f"raise {env_name('max_lines')} if this is a real export")


def column_name(c: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        name = chr(65 + rem) + name
    return name


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """Open an OOXML container, refusing one that is corrupt or unpacks beyond the limit."""
    import io

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UnreadableFile("corrupt-file", f"a damaged {what} (the ZIP container cannot be read: {exc})") from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableFile("too-large", f"a {what} that unpacks to {total} bytes, above the "
                                          f"{MAX_UNPACKED_BYTES}-byte limit (a ZIP bomb?)")
    return z
