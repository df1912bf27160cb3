"""PDF with a text layer through pdfplumber: ruled tables and the lines of text around them.

Tables are found by their rules; a cell's lines join into one value; a cell spanning rows
or columns becomes a merge. A table that goes on at the top of the next page continues the
one before it, and a category cell cut by the page break carries its value onto the rows of
the next page. Page headers and footers that repeat from page to page, and page numbers, are
left out. Rows are located as "page 3 table 1 row 7"; text lines as "page 3 line 2".
A PDF whose pages hold no text (a scan) is refused: OCR is not part of jixiao.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from ingest.decode import UnreadableFile
from ingest.limits import LimitExceeded
from ingest.readers import Document, register
from ingest.readers.grid import Grid, GridCell, RowSink, join_lines
from ingest.table_model import Merge

MAX_PAGES = 2000
_TOL = 2.0
_PAGE_NUMBER = re.compile(r"^(?:page\s*\d+(?:\s*(?:of|/)\s*\d+)?|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|"
                          r"[-—–]?\s*\d+\s*[-—–]?|\d+\s*/\s*\d+)$", re.I)


@dataclass
class _Table:
    grid: Grid
    top: float
    bottom: float
    x0: float
    x1: float
    lefts: list[float]


def _spans(edges: list[float], lo: float, hi: float) -> int:
    return max(1, sum(1 for e in edges if lo - _TOL <= e < hi - _TOL))


def _table(page, t) -> _Table:
    texts = t.extract()
    rows = t.rows
    tops = [r.bbox[1] for r in rows]
    lefts = sorted({round(c[0], 1) for r in rows for c in r.cells if c is not None})
    x0, top, x1, bottom = t.bbox
    grid = Grid()
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        line: list[GridCell | None] = []
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                line.append(None)
                continue
            text = texts[r][c] if r < len(texts) and c < len(texts[r]) else ""
            cell = GridCell(join_lines((text or "").split("\n")), rows=_spans(tops, bbox[1], bbox[3]),
                            cols=_spans(lefts, bbox[0], bbox[2]))
            line.append(cell)
            covered.update((r + dr, c + dc) for dr in range(cell.rows) for dc in range(cell.cols))
        grid.cells.append(line)
    # A merged cell cut by a page break has no rule on the cut side, so no cell is found for
    # it: each run of positions in a column that no cell covers is that cell.
    for c in range(len(lefts)):
        r = 0
        while r < len(rows):
            if (r, c) in covered:
                r += 1
                continue
            end = r
            while end + 1 < len(rows) and (end + 1, c) not in covered:
                end += 1
            right = lefts[c + 1] if c + 1 < len(lefts) else x1
            box = (lefts[c], rows[r].bbox[1], right, rows[end].bbox[3])
            text = page.within_bbox(box).extract_text() or ""
            while len(grid.cells[r]) <= c:
                grid.cells[r].append(None)
            grid.cells[r][c] = GridCell(join_lines(text.split("\n")), rows=end - r + 1)
            r = end + 1
    return _Table(grid, top, bottom, x0, x1, lefts)


def _goes_on(prev: _Table, t: _Table) -> bool:
    """A table at the top of a page goes on from the one that ended the page before when
    it ends at the same right edge and its columns are columns of that table (the leading
    ones may have no rules left when their cells were cut by the break)."""
    return abs(prev.x1 - t.x1) < 3 and all(any(abs(a - b) < 3 for b in prev.lefts) for a in t.lefts)


def _align(prev: _Table, t: _Table) -> None:
    """Give ``t`` the columns of ``prev``: leading columns without rules become one empty cell
    each, spanning the rows no cell of ``t`` covers at their top."""
    offset = min(range(len(prev.lefts)), key=lambda i: abs(prev.lefts[i] - t.lefts[0])) if t.lefts else 0
    if offset <= 0:
        return
    for r, line in enumerate(t.grid.cells):
        line[:0] = [GridCell("", rows=len(t.grid.cells)) if r == 0 else None for _ in range(offset)]
    t.lefts = prev.lefts[:offset] + t.lefts


def _key(line: dict) -> tuple[str, int]:
    return re.sub(r"\d+", "#", line["text"].strip()), round(line["top"] / 4)


def _furniture(pages: list[tuple[float, list[dict]]]) -> set[tuple[str, int]]:
    """Running headers and footers: a line in the top or bottom tenth of the page written at
    the same height on two pages in a row (a title that opens two tables is not in a row)."""
    keys = [{_key(x) for x in lines if x["top"] < 0.1 * height or x["bottom"] > 0.9 * height}
            for height, lines in pages]
    out: set[tuple[str, int]] = set()
    for a, b in zip(keys, keys[1:], strict=False):
        out |= a & b
    return out


@register("pdf")
def read_pdf(data: bytes, path: str, max_rows: int) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises many kinds for a damaged file; pdfplumber wraps them
        causes = [exc, exc.__cause__, exc.__context__, *(a for a in exc.args if isinstance(a, BaseException))]
        if any(isinstance(c, (PDFPasswordIncorrect, PDFEncryptionError)) for c in causes):
            raise UnreadableFile("encrypted-file", "a password-protected PDF: save or print it without a "
                                                   "password first") from exc
        raise UnreadableFile("corrupt-file", f"a damaged PDF ({type(exc).__name__}: {exc})") from exc
    with pdf:
        if len(pages) > MAX_PAGES:
            raise UnreadableFile("too-large", f"a PDF of {len(pages)} pages, above the limit of {MAX_PAGES}")
        try:
            return _read(pages, path, max_rows)
        except (UnreadableFile, LimitExceeded):
            raise
        except Exception as exc:
            raise UnreadableFile("corrupt-file", f"a damaged PDF ({type(exc).__name__}: {exc})") from exc


def _read(pages, path: str, max_rows: int) -> Document:
    visible = [p.within_bbox(p.bbox) for p in pages]  # text drawn outside the page is not shown
    if not any(p.chars for p in visible):
        raise UnreadableFile("no-text-layer", f"a PDF of {len(pages)} page(s) with no text layer (a scan?): "
                                              "OCR is not supported; ask for the original file or a text export")
    found = []
    for p in visible:
        tables = [_table(p, t) for t in p.find_tables()]
        tables.sort(key=lambda t: t.top)
        lines = [x for x in p.extract_text_lines(return_chars=False)
                 if not any(t.top - _TOL <= (x["top"] + x["bottom"]) / 2 <= t.bottom + _TOL for t in tables)]
        found.append((p, tables, lines))
    furniture = _furniture([(p.height, lines) for p, _, lines in found])
    sink = RowSink(path, max_rows)
    carry: dict[int, tuple[str, Merge]] = {}
    prev: _Table | None = None
    for n, (_page, tables, lines) in enumerate(found, start=1):
        text = [x for x in lines if _key(x) not in furniture and not _PAGE_NUMBER.match(x["text"].strip())]
        first = tables[0] if tables else None
        continued = None
        if prev is not None and first is not None and _goes_on(prev, first):
            # LibreOffice draws the text of a cell cut by the break again, clipped, above the
            # table: lines there that only repeat the carried values are that overflow
            before = [x for x in text if x["bottom"] <= first.top + _TOL]
            carried = {v for v, _ in carry.values()}
            if all(set(x["text"].split()) <= carried for x in before):
                text = [x for x in text if x not in before]
                continued = first
                _align(prev, first)
        items = [(t.top, "table", t) for t in tables] + [(x["top"], "line", x) for x in text]
        items.sort(key=lambda i: (i[0], i[1]))
        for k, (_, kind, item) in enumerate(items):
            if kind == "line":
                sink.paragraph(" ".join(item["text"].split()), f"page {n} line {k + 1}")
                prev, carry = None, {}
                continue
            t = item
            number = tables.index(t) + 1
            if t is not continued:
                sink.gap()
            carry = sink.grid(t.grid, lambda r, n=n, number=number: f"page {n} table {number} row {r + 1}",
                              lambda r0, c0, r1, c1, n=n, number=number:
                              f"page {n} table {number} rows {r0 + 1}-{r1 + 1}, columns {c0 + 1}-{c1 + 1}",
                              carry=carry if t is continued else None)
            prev = t
        if not items or items[-1][1] != "table":
            prev, carry = None, {}
    return Document(rows=sink.rows, format="pdf")
