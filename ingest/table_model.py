"""The table model every reader produces: rows of cells, each row with its source line.

Readers (ingest/readers/: text, csv, html, xlsx, xls, docx, pdf) only produce ``Row``
lists; the interpretation (tables.py, header.py, indicators.py) never looks at the file
format. ``line`` is the row's 1-based position in what the reader produced (the text line
for text exports); ``location`` says where the row is in its format ("sheet 项目表 row 12",
"table 2 row 5", "page 3 table 1 row 7"), and ``merges`` records the merged cells it holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Merge:
    """A merged cell of the source. Its value stands in every cell it covers (rows below
    included); each covered cell's row records the merge under that column."""
    location: str  # the merged range in the format's terms: "A21:A34", "table 3 rows 2-15, column 1"
    rows: int  # rows spanned
    cols: int  # columns spanned
    first_line: int  # line of the row that holds the value


@dataclass
class Row:
    line: int  # 1-based line (or row) in the source
    cells: list[str]
    layout: str = "tab"  # tab | pipe | spaces | single
    extra_lines: list[int] = field(default_factory=list)
    location: str = ""  # where the row is in its format; "" for text exports (the line says it)
    merges: dict[int, Merge] = field(default_factory=dict)  # column → merged cell covering it

    def __post_init__(self) -> None:
        # computed once: every stage of the interpretation asks for them
        self._nonempty = [(i, s) for i, c in enumerate(self.cells) if (s := c.strip())]
        self.text = "\t".join(s for _, s in self._nonempty)
        self.blank = not self.text

    def nonempty(self) -> list[tuple[int, str]]:
        return list(self._nonempty)
