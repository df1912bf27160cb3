"""Plain-text exports: tab-separated, ``|``-separated, space-aligned or one cell per line.

What the page-to-text step of a disclosure site leaves is read as a careful reader would:
- ``cell |`` lines (one cell per line with a ``|`` marker) are one cell; a line of only ``|``
  is a blank line (the end of a table row);
- a file whose lines are each followed by one blank line (one cell per paragraph) is read
  with those single blank lines removed: they separate cells, not rows;
- a single space between CJK text and the next token separates cells in lines that have no
  other separator (``数量指标 对符合政策的家庭进行扶助 63人``); a space after a digit does not
  (``〔2018〕 410 号``, ``7 岁``), except before another number (``1 5``: two cells).
"""
from __future__ import annotations

import re

from ingest.decode import decode
from ingest.glued import unglue_header_line, unglue_line
from ingest.readers import Document, register
from ingest.readers.grid import too_many_rows
from ingest.table_model import Row
from ingest.text import SourceView, clean_html, split_lines, strip_controls
from ingest.vocabulary import label_info

_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_PIPES_ONLY = re.compile(r"^[|\s]+$")
_SPACE_RUN = re.compile(r"(?:[ \t]*\u3000[ \t\u3000]*|[ ]{2,})")
# one space after a CJK character (or a closing bracket/percent sign) before a non-space:
# a cell boundary in space-separated exports
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff)）%。])[ ](?=[^\s)）\]】(（])|(?<=\d)[ ](?=[\d≥≤=<>])"
                        r"|(?<=\d\.\d\d)[ ](?=[\u4e00-\u9fff])|(?<=\d,\d\d\d)[ ](?=[\u4e00-\u9fff])")
# (an amount written with cents or thousands separators ends its cell: '1,030,700.00 保障我院…')
# letter-spaced words ('产 出 指 标', '绩 效 目 标'): single characters with single spaces between
_LETTER_SPACED = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?: [\u4e00-\u9fff]){2,}(?![\u4e00-\u9fff])")
_TRAILING_PIPES = re.compile(r"^(?P<cell>[^|]*?)\s*\|[\s|]*$")
_PROSE = re.compile(r"[。；;]")


def split_cells(line: str) -> tuple[list[str], str]:
    """One line → (cells, layout). Empty cells are kept where the separator shows them."""
    if "\t" in line:
        return line.split("\t"), "tab"
    stripped = line.strip()
    if stripped and _PIPES_ONLY.match(stripped):
        return [], "pipe-rule"
    m = _TRAILING_PIPES.match(stripped)
    if m and m.group("cell").strip():
        # one cell per line, closed by a '|' marker (and the padding of empty cells after it)
        return [_LETTER_SPACED.sub(lambda x: x.group(0).replace(" ", ""), m.group("cell").strip())], "single"
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
    if " " in stripped:
        stripped = _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), stripped)
    if " " in stripped and _CJK_SPACE.search(stripped):
        cells = _CJK_SPACE.split(stripped)
        # prose has sentence marks; a table row may too, when it starts with a category label
        if not _PROSE.search(stripped) or label_info(cells[0]) is not None or (
                len(cells) >= 6 and any(label_info(c) is not None for c in cells[1:])):
            # (a wide sheet's first row: a goal sentence in one cell, category labels after it)
            return cells, "spaces"
    return [stripped], "single"


def _is_gap(line: str) -> bool:
    t = line.strip()
    return not t or t == "|"


def _paragraph_spaced(lines: list[str]) -> bool:
    """Is every line followed by exactly one empty (or lone '|') line: one cell per paragraph?"""
    gaps = 0
    single = 0
    n = len(lines)
    for i, line in enumerate(lines):
        if _is_gap(line):
            continue
        gaps += 1
        if i + 2 < n and _is_gap(lines[i + 1]) and not _is_gap(lines[i + 2]):
            single += 1
    return gaps >= 12 and single >= 0.5 * gaps


_PAGE_CHUNK = re.compile(r"^(\d{1,2})、")


def _join_page_chunks(lines: list[str]) -> list[str]:
    """Document previews cut a table's text into numbered page chunks ('1、…', '2、…', '3、…', each
    a long line): a chunk numbered one more than the long chunk before it continues it. The joined
    text stays on the first chunk's line; the others become empty lines (line numbers kept)."""
    out = list(lines)
    start, last = None, 0
    for k, line in enumerate(lines):
        m = _PAGE_CHUNK.match(line)
        if m and start is not None and int(m.group(1)) == last + 1:
            out[start] += line[m.end():]
            out[k] = ""
            last += 1
        elif m and len(line) >= 300:
            start, last = k, int(m.group(1))
        elif line.strip():
            start = None
    return out


def read_rows(text: str) -> list[Row]:
    raw_lines = split_lines(text)
    lines = _join_page_chunks([clean_html(strip_controls(raw)) for raw in raw_lines])
    drop_single_blanks = _paragraph_spaced(lines)
    rows = []
    for n, line in enumerate(lines, start=1):
        if drop_single_blanks and _is_gap(line):
            prev_blank = n >= 2 and _is_gap(lines[n - 2])
            next_blank = n < len(lines) and _is_gap(lines[n])
            if not prev_blank and not next_blank:
                continue  # the gap between two paragraphs: not a row boundary
        if drop_single_blanks and " " in line.strip() and "\t" not in line and not _row_in_paragraph(line):
            # one cell per paragraph: a space inside a line is inside its cell ('一级 指标')
            rows.append(Row(line=n, cells=[line.strip()], layout="single"))
            continue
        if len(line) >= 80 and "\t" not in line and (glued := unglue_line(line)) is not None:
            # a whole table flattened into one line with no separator at all: split by its evidence
            rows.extend(Row(line=n, cells=cells, layout=layout) for layout, cells in glued)
            continue
        if len(line) >= 80 and "\t" not in line and " " not in line.strip() and "|" not in line and \
                (keyed := unglue_header_line(line)) is not None:
            rows.extend(Row(line=n, cells=cells, layout="tab") for cells in keyed)
            continue
        if _flattened_table(line):
            # a whole table flattened into one line with spaces between its cells: one cell per token
            rows.extend(Row(line=n, cells=[tok], layout="single") for tok in line.split())
            continue
        cells, layout = split_cells(line)
        rows.append(Row(line=n, cells=cells, layout=layout))
    return rows


def _row_in_paragraph(line: str) -> bool:
    """'成本指标(0-20)分 经济成本指标 项目建设成本 ≤65万元 10': a whole row in one paragraph, its
    cells split by single spaces — it starts with a category label and has at least four cells."""
    cells, layout = split_cells(line)
    return layout == "spaces" and len(cells) >= 4 and label_info(cells[0]) is not None and \
        label_info(cells[1]) is not None


_TABLE_WORDS = ("一级指标", "二级指标", "三级指标", "指标值")


def _flattened_table(line: str) -> bool:
    """A long line holding a table's header words and many space-separated cells."""
    if len(line) < 150 or "\t" in line or "|" in line:
        return False
    tokens = line.split()
    return len(tokens) >= 15 and sum(w in line for w in _TABLE_WORDS) >= 2


@register("text")
def read_text(data: bytes, path: str, max_rows: int) -> Document:
    text, encoding = decode(data)
    if text.count("\n") + 1 > max_rows:
        # counted before any line is split into cells: the cost so far is one pass over the text
        raise too_many_rows(max_rows)
    view = SourceView(text)
    return Document(rows=read_rows(view.text if view.changed else text), format="text", encoding=encoding,
                    view=view)
