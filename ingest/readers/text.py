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
from collections.abc import Callable

from ingest.decode import decode
from ingest.glued import unglue_header_line, unglue_line
from ingest.layouts import labels_first
from ingest.readers import Document, register
from ingest.readers.grid import too_many_rows
from ingest.table_model import Row
from ingest.targets import looks_like_target
from ingest.text import SourceView, clean_html, compact, split_lines, strip_controls
from ingest.vocabulary import header_role, is_header_row, label_info, looks_like_label, project_column_role

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


def split_cells(line: str, borderless: bool = False) -> tuple[list[str], str]:
    """One line → (cells, layout). Empty cells are kept where the separator shows them. In a
    ``borderless`` file (its rows do not start with a '|' border) a leading '|' closes an empty
    first cell (a merged 一级 cell): '| | 名称 | 11所 |' is ['', '', '名称', '11所']."""
    if "\t" in line:
        return line.split("\t"), "tab"
    stripped = line.strip()
    if stripped and _PIPES_ONLY.match(stripped):
        return [], "pipe-rule"
    m = _TRAILING_PIPES.match(stripped)
    if m and m.group("cell").strip():
        # one cell per line, closed by a '|' marker (and the padding of empty cells after it)
        return [_LETTER_SPACED.sub(lambda x: x.group(0).replace(" ", ""), m.group("cell").strip())], "single"
    if stripped.count("|") >= 2 or (stripped.startswith("|") and stripped.endswith("|")) or \
            re.fullmatch(r"[^|]*\S \| \S[^|]*", stripped):  # 'name | 1座': the last row, cut before its closing '|'
        if _PIPE_RULE.match(stripped):
            return [], "pipe-rule"
        cells = stripped.split("|")
        if stripped.startswith("|") and not borderless:
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


_INDENTED_PIPE = re.compile(r"^\s+\|")
_ROW_END = re.compile(r"^\s*\|\s*\|[\s|]*$")


def _pipe_cells_over_lines(lines: list[str]) -> list[str]:
    """HTML tables flattened with a cell per indented line and '|' between cells ('        | 数量指标'
    or '     质量指标' / '        | '), a cell's text wrapped onto indented lines ('社会效益' /
    '       指标'), rows ended by a line of pipes ('| |', '||||') or by a line that starts at the
    margin. Each row becomes one tab-separated line at its first line; its other lines are left
    empty so that line numbers still point at the source."""
    if sum(bool(_INDENTED_PIPE.match(x)) for x in lines) < 10:
        return lines
    out = list(lines)
    row: list[str] = []
    start = -1
    seps = 0

    def flush() -> None:
        nonlocal row, start, seps
        if row and start >= 0:
            cells = [re.sub(r"\s+", " ", c).strip() for c in row]
            out[start] = "\t".join(cells) if seps else cells[0]
        row, start, seps = [], -1, 0

    for k, line in enumerate(lines):
        t = line.strip()
        if not t:
            flush()
            out[k] = line
            continue
        if _ROW_END.match(line):
            flush()
            out[k] = ""
            continue
        if t.startswith("|"):
            if line.startswith("|"):
                flush()  # '|   项目完成指标' at the margin: a row's first cell, after its border
            if start < 0:
                start = k
            parts = t.split("|")[1:]
            for part in parts:
                row.append(part.strip())
            seps += len(parts)
            out[k] = ""
            continue
        if line[:1].isspace() and row:
            row[-1] = (row[-1] + t) if row[-1] and re.search(r"[\u4e00-\u9fff]$", row[-1]) else \
                (row[-1] + " " + t).strip()
            out[k] = ""
            continue
        flush()  # a line at the margin starts a row
        row, start = [t], k
        out[k] = ""
    flush()
    return out


def _one_cell_line(line: str) -> bool:
    m = _TRAILING_PIPES.match(line.strip())
    return bool(m and m.group("cell").strip())


def _join_wrapped_pipe_cells(lines: list[str]) -> list[str]:
    """One cell per line closed by '|': a line with no '|' between two such lines is the first part of
    the next line's cell, wrapped ('打造金安国际网球' / '公开赛等系列品牌赛事 |'). It stays a line of its
    own (blank) so that line numbers keep pointing at the source."""
    if sum(_one_cell_line(x) for x in lines) < 10:
        return lines
    out = list(lines)
    for k in range(1, len(out) - 1):
        t = out[k].strip()
        if t and "|" not in t and _one_cell_line(out[k - 1]) and _one_cell_line(out[k + 1]):
            out[k + 1] = t + out[k + 1].strip()
            out[k] = ""
    return out


_ONE_HAN = re.compile(r"^\s*[\u4e00-\u9fff]\s*$")


def _join_vertical_words(lines: list[str]) -> list[str]:
    """A narrow merged cell written top to bottom, one character per line ('产' / '出' / '指' / '标'):
    the run is one word when the word it spells is a table's label or header word (产出指标, 绩效指标,
    总体目标). Any other run stays as it is: lines of one character each are also cells of their own
    ('是' / '是': a target and its actual value). The word is put at the run's last line (where a '|'
    marker after the cell attaches to it); the others are left empty so that line numbers keep
    pointing at the source."""
    out = list(lines)
    k = 0
    while k < len(out):
        if len(out[k]) > 8 or not _ONE_HAN.match(out[k]):
            k += 1
            continue
        end = k
        while end < len(out) and len(out[end]) <= 8 and _ONE_HAN.match(out[end]):
            end += 1
        word = "".join(x.strip() for x in out[k:end])
        if end - k >= 2 and (looks_like_label(word) or header_role(word) is not None):
            for j in range(k, end - 1):
                out[j] = ""
            out[end - 1] = word
        k = end
    return out


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


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip(" \u3000"))


def _indented_tree(lines: list[str]) -> dict[int, list[str]] | None:
    """A budget system's tree export ('项目 / 指标值 / 绩效金额', then one node per line indented by
    its depth — unit, project, 一级, 二级, indicator — each value on the unindented line below it):
    → {line index: cells} rows of 一级/二级/三级/指标值 plus the project's own fields. None when the
    text is not such a tree: 一级 labels at one depth, 二级 labels one deeper, and indicators one
    deeper still, each followed by a value."""
    from ingest.targets import looks_like_target
    nodes = [(k, _depth(x), x.strip()) for k, x in enumerate(lines) if x.strip()]
    l1_depths = {d for _, d, t in nodes if d > 0 and (i := label_info(t)) is not None and 1 in i.levels}
    l2_depths = {d for _, d, t in nodes if d > 0 and (i := label_info(t)) is not None and i.levels == {2}}
    d1 = next((d for d in sorted(l1_depths) if d + 1 in l2_depths), None)
    if d1 is None or d1 < 2:
        return None
    out: dict[int, list[str]] = {}
    l1 = l2 = None
    found = 0
    for n, (k, d, t) in enumerate(nodes):
        nxt = nodes[n + 1] if n + 1 < len(nodes) else None
        value = nxt[2] if nxt is not None and nxt[1] < d1 - 2 + 1 and nxt[1] < d else None
        if d == d1 - 2 and value is None:
            out[k] = ["预算单位：", t]  # the unit, the tree's first level
        elif d == d1 - 1:
            out[k] = ["项目名称：", t]
            if value is not None and re.fullmatch(r"[\d,]+(?:\.\d+)?", value):
                out[nxt[0]] = ["绩效金额：", value]
        elif d == d1 and label_info(t) is not None:
            l1, l2 = t, None
        elif d == d1 + 1 and label_info(t) is not None:
            l2 = t
        elif d == d1 + 2 and l1 is not None:
            if value is not None and looks_like_target(value):
                out[k] = [l1, l2 or "", t, value]
                out[nxt[0]] = []
                found += 1
            else:
                out[k] = [l1, l2 or "", t, ""]
    if found < 3:
        return None
    first = min(out)
    out[first] = ["一级指标", "二级指标", "三级指标", "指标值"] if not out[first] else out[first]
    return out


def read_rows(text: str) -> list[Row]:
    raw_lines = split_lines(text)
    lines = _join_wrapped_pipe_cells(_join_page_chunks(_join_vertical_words(
        [clean_html(strip_controls(raw)) for raw in raw_lines])))
    lines = _pipe_cells_over_lines(lines)
    tree = _indented_tree(lines)
    if tree is not None:
        header_at = min(k for k, c in tree.items() if len(c) == 4)
        rows = []
        for n, line in enumerate(lines, start=1):
            k = n - 1
            if k == header_at:
                rows.append(Row(line=n, cells=["一级指标", "二级指标", "三级指标", "指标值"], layout="tab"))
            if k in tree:
                if tree[k]:
                    rows.append(Row(line=n, cells=tree[k], layout="tab"))
            else:
                cells, layout = split_cells(line)
                rows.append(Row(line=n, cells=cells, layout=layout))
        return rows
    drop_single_blanks = _paragraph_spaced(lines)
    borderless = _borderless_pipes(lines)
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
            # a whole table flattened into one line with spaces between its cells: one cell per token,
            # or, where its rows are numbered ('指标6:… 12次 96次 1 1'), one row per numbered indicator
            rows.extend(numbered_flat_rows(line, n) or _flat_cells(line, n))
            continue
        cells, layout = split_cells(line, borderless)
        rows.append(Row(line=n, cells=cells, layout=layout))
    if drop_single_blanks:
        return rows  # one cell per paragraph: the empty lines left are empty cells, not row ends
    return _cell_groups_as_rows(rows, raw_lines)


_CLOSED_CELL = re.compile(r"^[^|]*[^\s|][^|]*\|\s*$")  # 'cell |': one cell per line, closed by its marker


def _cell_groups_as_rows(rows: list[Row], raw_lines: list[str]) -> list[Row]:
    """One cell per line, each table row followed by an empty line ('一级指标' / '二级指标' / '三级指标' /
    '指标值' / '' / '产出指标' / '数量指标' / '维修面积' / '≥400平方米' / ''), or, where cells are closed by
    '|' ('主管部门 |'), by a line of pipes ('||||', a line of one '|' then being an empty cell) or by a
    line of one '|' (when no line of pipes ends a row). When the indicator header is such a group of
    its own and the groups after it are no longer than it, each group from the header on is one row:
    where empty cells are kept, cells stand in their columns; where they vanished, the row reads as a
    space-aligned one. Only empty lines of the file count, not the lines a '|' marker or a wrapped
    cell was joined from. Groups of one line stay as they are, and so does a file whose header is no
    group of its own (its empty lines are then no evidence of row ends)."""
    if sum(r.layout == "single" for r in rows) < 0.5 * sum(not r.blank for r in rows):
        return rows  # rows of several cells: the file has its own row layout
    stripped: dict[int, str] = {}

    def raw(r: Row) -> str:
        if r.line not in stripped:
            stripped[r.line] = raw_lines[r.line - 1].strip() if r.line - 1 < len(raw_lines) else ""
        return stripped[r.line]

    texts = [t for t in (raw(r) for r in rows) if t and not _PIPES_ONLY.match(t)]
    closed = len(texts) >= 10 and sum(bool(_CLOSED_CELL.match(t)) for t in texts) >= 0.5 * len(texts)
    for mode in (("pipes", "bar") if closed else ("blank",)):
        found = _row_groups(rows, raw, mode)
        if found is not None:
            groups, keeps_empty = found
            break
    else:
        return rows
    merged = {g[0].line: g for g in groups if len(g) >= 2 and all(x.layout == "single" for x in g)}
    inside = {x.line for g in merged.values() for x in g[1:]}
    out: list[Row] = []
    for r in rows:
        if r.line in inside:
            continue
        g = merged.get(r.line)
        if g is None:
            out.append(r)
            continue
        out.append(Row(line=g[0].line, cells=[x.text for x in g], layout="pipe" if keeps_empty else "spaces",
                       extra_lines=[x.line for x in g[1:]]))
    return out


def _row_groups(rows: list[Row], raw: Callable[[Row], str], mode: str) -> tuple[list[list[Row]], bool] | None:
    """The groups of one-cell lines from the indicator header on, with row ends read as ``mode`` says
    ('blank': empty lines; 'pipes': lines of pipes, a '|' line an empty cell; 'bar': '|' lines too),
    and whether empty cells are kept; None unless the header is a group of its own and the groups after
    it are row-sized."""
    groups: list[list[Row]] = []
    cur: list[Row] = []

    def end_row() -> None:
        nonlocal cur
        if cur:
            groups.append(cur)
        cur = []

    for r in rows:
        line = raw(r)
        if r.blank:
            if mode == "pipes" and line == "|":
                cur.append(Row(line=r.line, cells=[""], layout="single"))  # an empty cell keeps its place
            elif (not line and r.layout != "pipe-rule") or (mode != "blank" and _ROW_END.match(line)) or \
                    (mode == "bar" and line == "|"):
                end_row()
        elif r.layout != "single" or (mode != "blank" and not _CLOSED_CELL.match(line)):
            end_row()  # a line of several cells, or without its marker (a heading, a note): a row of its own
            groups.append([r])
        else:
            cur.append(r)
            if mode == "bar" and line.endswith("||"):
                end_row()  # the cell's marker and the row's end on one line
    end_row()
    groups = [g for g in groups if any(x.text for x in g)]

    def is_header(g: list[Row]) -> bool:
        # the header is a group of its own: column names (and perhaps a title cell or two), no rows
        named = [r.text for r in g if r.text]
        roles = sum(header_role(t) is not None or project_column_role(t) is not None for t in named)
        return roles >= 3 and len(named) <= roles + 2 and is_header_row(named)

    head = next((k for k, g in enumerate(groups) if is_header(g)), None)
    if head is None:
        return None
    width = len(groups[head])
    body = groups[head + 1:]
    if len(body) < 2 or sum(len(g) >= 2 for g in body) < 0.6 * len(body) or \
            sum(len(g) <= width + 1 for g in body) < 0.8 * len(body):
        return None  # groups longer than the header: these marks are not the row ends
    # from the header on (the key lines above it are read as they are: a key line and its value line);
    # a group that is no row keeps its lines as they are
    header = [r.text for r in groups[head] if r.text]
    # a wide sheet's project columns before the indicator columns ('单位名称 | 项目名称 | 预算数 | 一级指标 …')
    lead = next((k for k, t in enumerate(header) if header_role(t) == "l1"), 0)
    lead = lead if all(project_column_role(t) is not None for t in header[:lead]) else 0
    return [groups[head], *(g if _row_like(g, width, lead) else [g[0]] for g in groups[head + 1:])], mode == "pipes"


_HEADING_WORDS = re.compile(r"(?:绩效|績效)[\u4e00-\u9fff]{0,10}表|自评表|自評表")


def _row_like(g: list[Row], width: int, lead: int = 0) -> bool:
    """Can this group of cells be one table row? No longer than the header (and a merged title cell),
    no table heading inside (the next table starts there), and no category label after a name or a
    value (a row's labels come first, after a wide sheet's ``lead`` project cells; a short word that
    reads like a label as its last cell is its value: '持续影响'; 正向指标 is a direction)."""
    texts = [r.text for r in g if r.text]
    if len(g) > width + 1 or any(_HEADING_WORDS.search(t) for t in texts):
        return False
    if sum(not re.fullmatch(r"[.…。·\s]+", t) for t in texts) < 2:
        return False  # a label beside a template's '…': one cell, nothing to join
    first = next((k for k, t in enumerate(texts) if looks_like_label(t)), len(texts))
    if first <= lead:
        texts = texts[first:]
    return labels_first(texts)


def _borderless_pipes(lines: list[str]) -> bool:
    """Rows of '|'-separated cells that do not start with a border: at least two lines of three or
    more cells start with a cell, not with '|' (a markdown-style table starts every line with one)."""
    n = 0
    for line in lines:
        t = line.strip()
        if t.count("|") >= 3 and not t.startswith("|") and "\t" not in t and \
                len([c for c in t.split("|") if c.strip()]) >= 3:
            n += 1
            if n >= 2:
                return True
    return False


def _row_in_paragraph(line: str) -> bool:
    """'成本指标(0-20)分 经济成本指标 项目建设成本 ≤65万元 10': a whole row in one paragraph, its
    cells split by single spaces — it starts with a category label and has at least four cells."""
    cells, layout = split_cells(line)
    return layout == "spaces" and len(cells) >= 4 and label_info(cells[0]) is not None and \
        label_info(cells[1]) is not None


_TABLE_WORDS = ("一级指标", "二级指标", "三级指标", "指标值")
_NUMBERED = re.compile(r"^指标\d{1,2}[:：]")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d+)?$")
# a self-evaluation's columns after the name, by the words the flattened line holds
_SELF_EVAL_COLUMNS = (("年度指标值", ("指标值",)), ("实际完成值", ("完成值", "实际")), ("分值", ("分值",)), ("得分", ("得分",)))


def numbered_flat_rows(line: str, n: int) -> list[Row] | None:
    """A self-evaluation flattened into one line whose indicators are numbered ('指标6:举办健康教育宣传
    咨询活动 12次 96次 1 1 指标7:…'): each numbered name (its wrapped tail joined: '…报告 数') takes the
    values after it — a target, an actual value, the points and the score, as the line's own header
    words name them. Names followed by another name take the value groups after them in order
    ('指标24:… 指标25:… 14例 14例 2 2 24694人 22584人 2 1.7'). A name whose values are not exactly
    such groups is not read (its tokens stay in the text before the header row): the first rows of
    such exports are often interleaved with the header. None when the line is not of this kind."""
    tokens = line.split()
    starts = [k for k, t in enumerate(tokens) if _NUMBERED.match(t)]
    if len(starts) < 5 or not all(any(w in line for w in words) for _, words in _SELF_EVAL_COLUMNS):
        return None

    def group_ok(g: list[str]) -> bool:
        return len(g) == 4 and all(not _NUMBER.match(v) or "%" in v for v in g[:2]) and \
            all(looks_like_target(v) for v in g[:2]) and all(_NUMBER.match(v) for v in g[2:])

    accepted: list[tuple[int, list[str]]] = []  # (index of the name's token, cells)
    names: list[tuple[int, str]] = []
    values: list[str] = []
    value_at: list[int] = []
    end = -1  # the last token of the last row read
    label: str | None = None
    labels: dict[int, str] = {}

    def settle() -> None:
        nonlocal names, values, value_at, end
        if names and values and len(values) == 4 * len(names):
            groups = [values[4 * x:4 * x + 4] for x in range(len(names))]
            if all(group_ok(g) for g in groups):
                accepted.extend((k, [name, *g]) for (k, name), g in zip(names, groups, strict=True))
                end = value_at[-1]
        names, values, value_at = [], [], []

    for k in range(starts[0], len(tokens)):
        t = tokens[k]
        if _NUMBERED.match(t):
            if values:
                settle()
            names.append((k, t))
            if label:
                labels[k], label = label, None
        elif label_info(t) is not None and t.endswith("指标"):
            settle()
            label = t
        elif _NUMBER.match(t) or looks_like_target(t):
            values.append(t)
            value_at.append(k)
        elif values and re.search(r"\d$", values[-1]) and len(t) <= 2 and re.fullmatch(r"[\u4e00-\u9fff%]+", t):
            values[-1] += t  # '不少于12 种': a unit split from its number
            value_at[-1] = k
        elif names and not values:
            k0, name = names[-1]
            names[-1] = (k0, name + t)  # a name wrapped at its cell's width ('…报告' / '数')
        else:
            settle()
    settle()
    if len(accepted) < 5:
        return None
    first = accepted[0][0]
    header = ["三级指标"] + [name for name, words in _SELF_EVAL_COLUMNS]
    # the header fields before the table's own header words stay one cell per token; from those words on
    # (and the rows interleaved with them) the text is kept as a row the table reader reports, unread
    h = next((k for k, t in enumerate(tokens[:first]) if t in ("一级", "二级", "三级") or
              t.endswith(("一级指标", "二级指标", "三级指标"))), starts[0])
    h = min(h, starts[0])
    out = [Row(line=n, cells=[tok], layout="single") for tok in tokens[:h]]
    out.append(Row(line=n, cells=header, layout="tab"))
    if h < first:
        out.append(Row(line=n, cells=[" ".join(tokens[h:first])], layout="unsplit"))
    for k, cells in accepted:
        out.append(Row(line=n, cells=([labels[k]] if k in labels else []) + cells, layout="tab"))
    tail = tokens[end + 1:]
    if tail:
        out.append(Row(line=n, cells=[" ".join(tail)], layout="end"))  # after the last row: not indicators
    return out


_VALUE_TOKEN = re.compile(r"[—–\-/]|\d+(?:\.\d+)?%?")


def _flat_cells(line: str, n: int) -> list[Row]:
    """A flattened table's tokens, one cell each — unless its indicator cells are out of row order: a
    run of values longer than any row has ('75元 75元 10 10 95% 95% 30 27 95% 95% …': a sheet's cells
    flattened column by column, values printed apart from their names). Then the indicator part is
    one ``interleaved`` row that the table reader reports and does not read; the key cells before the
    indicator header are kept."""
    tokens = line.split()
    head = next((k for k, t in enumerate(tokens) if header_role(t) == "l1" or compact(t) in ("一级", "一级指标")), None)
    if head is not None:
        run = longest = 0
        for t in tokens[head:]:
            run = run + 1 if (_VALUE_TOKEN.fullmatch(t) or looks_like_target(t)) and label_info(t) is None else 0
            longest = max(longest, run)
        if longest >= 8:
            return [*(Row(line=n, cells=[t], layout="single") for t in tokens[:head]),
                    Row(line=n, cells=[" ".join(tokens[head:])], layout="interleaved")]
    return [Row(line=n, cells=[t], layout="single") for t in tokens]


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
