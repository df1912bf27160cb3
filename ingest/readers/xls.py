"""Excel 97-2003 workbooks (.xls) through xlrd: every sheet, merged ranges, values through
their number formats as in .xlsx. Rows are located as ``sheet!A12:D12``."""
from __future__ import annotations

from ingest.decode import UnreadableFile
from ingest.readers import Document, register
from ingest.readers.grid import MAX_CELLS, Grid, GridCell, RowSink, column_name, join_lines
from ingest.readers.numbers import format_date, format_number


@register("xls")
def read_xls(data: bytes, path: str, max_rows: int) -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct/index errors for damage
        text = str(exc)
        if "encrypt" in text.lower() or "password" in text.lower():
            raise UnreadableFile("encrypted-file", "a password-protected .xls workbook: save it without "
                                                   "a password first") from exc
        raise UnreadableFile("corrupt-file", f"a damaged .xls workbook ({type(exc).__name__}: {exc})") from exc
    sink = RowSink(path, max_rows)

    def shown(sh, r: int, c: int) -> str:
        cell = sh.cell(r, c)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return ""
        if cell.ctype == xlrd.XL_CELL_DATE:
            return format_date(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        if cell.ctype == xlrd.XL_CELL_NUMBER:
            fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key) if cell.xf_index is not None else None
            return format_number(cell.value, fmt.format_str if fmt else None)
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return "TRUE" if cell.value else "FALSE"
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(cell.value, "#ERROR")
        return join_lines(str(cell.value).split("\n"))

    for i in range(book.nsheets):
        sh = book.sheet_by_index(i)
        if sh.nrows * sh.ncols > MAX_CELLS:
            raise UnreadableFile("too-large", f"sheet {sh.name} spans {sh.nrows} rows × {sh.ncols} columns, "
                                              f"above the limit of {MAX_CELLS} cells")
        spans = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in sh.merged_cells}
        grid = Grid()
        for r in range(sh.nrows):
            line: list[GridCell | None] = []
            for c in range(sh.row_len(r)):
                rows, cols = spans.get((r, c), (1, 1))
                text = shown(sh, r, c)
                line.append(GridCell(text, rows, cols) if text or rows > 1 or cols > 1 else None)
            grid.cells.append(line)
        while grid.cells and not any(grid.cells[-1]):
            grid.cells.pop()
        if not grid.cells:
            continue
        name = sh.name
        last = column_name(max(len(x) for x in grid.cells) - 1)
        sink.gap()
        sink.grid(grid, lambda r, name=name, last=last: f"{name}!A{r + 1}:{last}{r + 1}",
                  lambda r0, c0, r1, c1, name=name: f"{name}!{column_name(c0)}{r0 + 1}:{column_name(c1)}{r1 + 1}")
        book.unload_sheet(i)
    return Document(rows=sink.rows, format="xls")
