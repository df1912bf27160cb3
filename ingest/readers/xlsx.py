"""Excel workbooks (.xlsx, .xlsm) through openpyxl: every sheet, merged ranges, and values as
their cells show them (3.0 stays 3.0, 9,900,000 keeps its grouping, dates as 2020-01-01).
Rows are located as ``sheet!A12:D12``; formulas give the value Excel saved with them."""
from __future__ import annotations

import io
import re
import warnings

from ingest.decode import UnreadableFile
from ingest.readers import Document, register
from ingest.readers.grid import MAX_CELLS, Grid, GridCell, RowSink, column_name, join_lines, open_zip
from ingest.readers.numbers import format_date, format_number

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_merges(z) -> None:
    """A merged range of a whole sheet is a few bytes of XML, but openpyxl would make a cell
    object for each cell it covers: refuse such a workbook before loading it."""
    for name in z.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        area = 0
        for m in _MERGE.finditer(z.read(name)):
            c0, r0, c1, r1 = _col(m.group(1)), int(m.group(2)), _col(m.group(3)), int(m.group(4))
            area += (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)
            if area > MAX_CELLS:
                raise UnreadableFile("too-large", f"merged ranges in {name} cover more than {MAX_CELLS} cells: "
                                                  "above the limit for one file")


def cell_value(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if cell.data_type == "n" or isinstance(v, bool):
        return format_number(v, cell.number_format)
    if cell.is_date or hasattr(v, "isoformat"):
        return format_date(v)
    return join_lines(str(v).split("\n"))


@register("xlsx")
def read_xlsx(data: bytes, path: str, max_rows: int) -> Document:
    import openpyxl

    _check_merges(open_zip(data, ".xlsx workbook"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it drops
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile("corrupt-file", f"a damaged .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    sink = RowSink(path, max_rows)
    for ws in wb.worksheets:
        if ws.max_row * ws.max_column > MAX_CELLS:
            raise UnreadableFile("too-large", f"sheet {ws.title} spans {ws.max_row} rows × {ws.max_column} "
                                              f"columns, above the limit of {MAX_CELLS} cells")
        spans = {(m.min_row, m.min_col): (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
                 for m in ws.merged_cells.ranges}
        grid = Grid()
        for row in ws.iter_rows():
            line: list[GridCell | None] = []
            for cell in row:
                if not hasattr(cell, "column"):
                    line.append(None)
                    continue
                rows, cols = spans.get((cell.row, cell.column), (1, 1))
                text = cell_value(cell)
                line.append(GridCell(text, rows, cols) if text or rows > 1 or cols > 1 else None)
            grid.cells.append(line)
        while grid.cells and not any(grid.cells[-1]):
            grid.cells.pop()
        if not grid.cells:
            continue
        name = ws.title
        last = column_name(max(len(x) for x in grid.cells) - 1)
        sink.gap()
        sink.grid(grid, lambda r, name=name, last=last: f"{name}!A{r + 1}:{last}{r + 1}",
                  lambda r0, c0, r1, c1, name=name: f"{name}!{column_name(c0)}{r0 + 1}:{column_name(c1)}{r1 + 1}")
    return Document(rows=sink.rows, format="xlsx")
