"""The table model every reader produces: rows of cells, each row with its source line.

Readers for .xlsx/.html/.docx exports only have to produce ``Row`` lists; the
interpretation (tables.py, header.py, indicators.py) never looks at the file format.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    line: int  # 1-based line (or row) in the source
    cells: list[str]
    layout: str = "tab"  # tab | pipe | spaces | single
    extra_lines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        # computed once: every stage of the interpretation asks for them
        self.text = "\t".join(c.strip() for c in self.cells if c.strip())
        self.blank = not self.text

    def nonempty(self) -> list[tuple[int, str]]:
        return [(i, c.strip()) for i, c in enumerate(self.cells) if c.strip()]
