"""Word documents (.docx) through python-docx: paragraphs (headings naming the project
included) and tables in document order. Horizontal merges (``gridSpan``) and vertical ones
(``vMerge``) become merges; a cell's paragraphs join into one value. Rows are located as
"table 2 row 5" and paragraphs as "paragraph 7"."""
from __future__ import annotations

import io

from ingest.decode import UnreadableFile
from ingest.readers import Document, register
from ingest.readers.grid import Grid, GridCell, RowSink, join_lines, open_zip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_SPAN = 1000  # Word tables have at most 63 columns; a larger span is damage or an attack


def _text(el) -> str:
    """The text of a paragraph: runs, tabs and breaks as Word shows them."""
    out: list[str] = [""]
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}sym"):
        if node.tag == f"{W}t":
            out[-1] += node.text or ""
        elif node.tag == f"{W}tab":
            out[-1] += " "
        elif node.tag in (f"{W}br", f"{W}cr"):
            out.append("")
    return join_lines(out)


def _cell_text(tc) -> str:
    return join_lines([_text(p) for p in tc.iter(f"{W}p")])


def _int(el, default: int = 0) -> int:
    if el is None:
        return default
    try:
        return max(0, int(el.get(f"{W}val")))
    except (TypeError, ValueError):
        return default


def table_grid(tbl) -> Grid:
    """w:tbl → Grid. ``vMerge`` continues the cell above in the same grid column."""
    placed: list[dict[int, tuple[object, str, int]]] = []  # row → {col: (tc, vmerge, span)}
    for tr in tbl.iterfind(f"{W}tr"):
        trpr = tr.find(f"{W}trPr")
        c = min(_int(trpr.find(f"{W}gridBefore"), 0), _MAX_SPAN) if trpr is not None else 0
        row: dict[int, tuple[object, str, int]] = {}
        for tc in tr.iterfind(f"{W}tc"):
            tcpr = tc.find(f"{W}tcPr")
            span = min(_int(tcpr.find(f"{W}gridSpan"), 1), _MAX_SPAN) if tcpr is not None else 1
            vm = tcpr.find(f"{W}vMerge") if tcpr is not None else None
            state = "" if vm is None else ("restart" if vm.get(f"{W}val") == "restart" else "continue")
            row[c] = (tc, state, max(span, 1))
            c += max(span, 1)
        placed.append(row)
    grid = Grid()
    for r, row in enumerate(placed):
        line: list[GridCell | None] = []
        for c, (tc, state, span) in sorted(row.items()):
            if state == "continue" and r > 0:
                continue
            rows = 1
            if state == "restart":
                while r + rows < len(placed) and placed[r + rows].get(c, (None, ""))[1] == "continue":
                    rows += 1
            while len(line) <= c:
                line.append(None)
            line[c] = GridCell(_cell_text(tc), rows, span)
        grid.cells.append(line)
    return grid


def _blocks(body):
    """Paragraphs and tables in document order, through content controls (w:sdt)."""
    for el in body:
        if el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif el.tag in (f"{W}p", f"{W}tbl"):
            yield el


@register("docx")
def read_docx(data: bytes, path: str, max_rows: int) -> Document:
    import docx

    open_zip(data, ".docx document")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise UnreadableFile("corrupt-file", f"a damaged .docx document ({type(exc).__name__}: {exc})") from exc
    sink = RowSink(path, max_rows)
    tables = paragraphs = 0
    for el in _blocks(document.element.body):
        if el.tag == f"{W}p":
            paragraphs += 1
            text = _text(el)
            if text.strip():
                sink.paragraph(" ".join(text.split()), f"paragraph {paragraphs}")
            continue
        tables += 1
        n = tables
        sink.gap()
        sink.grid(table_grid(el), lambda r, n=n: f"table {n} row {r + 1}",
                  lambda r0, c0, r1, c1, n=n: f"table {n} rows {r0 + 1}-{r1 + 1}, columns {c0 + 1}-{c1 + 1}")
        sink.gap()
    return Document(rows=sink.rows, format="docx")
