"""CSV as Excel saves it (comma, or tab/semicolon), in any encoding the text path detects (GBK
on Chinese Windows). Quoted cells may hold commas and line breaks; a merged cell arrives
empty below its first row, as in a text export."""
from __future__ import annotations

import csv
import io

from ingest.decode import UnreadableFile, decode
from ingest.readers import Document, register
from ingest.readers.grid import join_lines, too_many_rows
from ingest.table_model import Row
from ingest.text import strip_controls


def _delimiter(text: str) -> str:
    sample = [x for x in text[:20000].splitlines() if x.strip()][:50]
    counts = {d: sum(x.count(d) for x in sample) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


@register("csv")
def read_csv(data: bytes, path: str, max_rows: int) -> Document:
    text, encoding = decode(data)
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[Row] = []
    start = 1
    try:
        for record in reader:
            if len(rows) >= max_rows:
                raise too_many_rows(max_rows)
            cells = [join_lines(c.split("\n")) for c in record]
            row = Row(line=start, cells=cells, layout="tab", location=f"line {start}")
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile("bad-csv", f"not readable as CSV: {exc}", line=start) from exc
    return Document(rows=rows, format="csv", encoding=encoding)
