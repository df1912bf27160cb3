"""Files → SourceRecords: read bytes, decode, split into rows, interpret each table."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from ingest import readers
from ingest.decode import UnreadableFile
from ingest.header import LEGAL_BASIS_KEYS
from ingest.limits import IngestLimits, LimitExceeded, env_name
from ingest.prose import read_prose_table
from ingest.records import ParseWarning, SourceRecord, TableRecord
from ingest.table_model import Row
from ingest.tables import add_prose_bases, is_heading, read_tables, split_tables, stated_wan_figures
from ingest.text import SourceView, compact

# what `jixiao ingest DIR` picks up from folders; the reader is chosen by the detected type
TEXT_SUFFIXES = readers.SUFFIXES
MAX_BYTES = IngestLimits.max_bytes  # the default; see ingest/limits.py


def parse_bytes(data: bytes, path: str, limits: IngestLimits | None = None) -> SourceRecord:
    """One file's bytes → its tables. Beyond a limit (``ingest.limits``) the file gets one
    error naming the line and the limit, and no tables: nothing of it is stored."""
    limits = limits or IngestLimits.from_env()
    src = SourceRecord(path=path, sha256=hashlib.sha256(data).hexdigest())
    try:
        doc = readers.read(data, path, max_rows=limits.max_lines)
        src.encoding, src.format = doc.encoding, doc.format
        _read_tables(src, doc, path, limits)
    except UnreadableFile as exc:
        where = f"{path}:{exc.line}" if exc.line else path
        src.errors.append({"path": path, "line": exc.line, "code": exc.code, "message": f"{where}: {exc.message}"})
        return src
    except LimitExceeded as exc:
        src.tables = []
        where = f"{path}:{exc.line}" if exc.line else path
        src.errors.append({"path": path, "line": exc.line, "code": exc.code,
                           "message": f"{where}: {exc.message}; nothing from this file was stored"})
    return src


def _check_lines(rows: list[Row], limits: IngestLimits) -> None:
    # the readers stop at the limit (readers.read(max_rows=…)); this is the net behind them
    if len(rows) > limits.max_lines:
        raise LimitExceeded("too-many-lines", limits.max_lines + 1,
                            f"more than {limits.max_lines:,} lines in one file ({len(rows):,}); "
                            f"raise {env_name('max_lines')} if this is a real export")


def _check_ranges(ranges: list[tuple[int, int]], rows: list, limits: IngestLimits) -> None:
    if len(ranges) > limits.max_tables:
        raise LimitExceeded("too-many-tables", rows[ranges[limits.max_tables][0]].line,
                            f"more than {limits.max_tables:,} tables in one file ({len(ranges):,}); "
                            f"raise {env_name('max_tables')} if this is a real export")
    for start, end in ranges:
        if end - start > limits.max_table_rows:
            raise LimitExceeded("table-too-long", rows[start].line,
                                f"the table starting here has {end - start:,} rows, more than the "
                                f"{limits.max_table_rows:,} a table may have (real ones have about 60); "
                                f"raise {env_name('max_table_rows')} if this is a real export")


def _read_tables(src: SourceRecord, doc: readers.Document, path: str, limits: IngestLimits) -> None:
    rows, view = doc.rows, doc.view
    _check_lines(rows, limits)
    ranges = split_tables(rows)
    _check_ranges(ranges, rows, limits)
    if not ranges:
        prose = read_prose_table(rows)
        if prose is None:
            src.errors.append({"path": path, "line": None, "code": "no-table",
                               "message": f"{path}: no performance-goal table found (no 绩效目标表 heading or 项目名称 "
                                          "field)"})
            return
        # the goal table written as prose: its indicators, and the documents the text rests on
        add_prose_bases(prose, "\n".join(r.text for r in rows if not r.blank), "the text", prose.warnings,
                        prose.lines[0])
        page_year = _page_year(rows)
        if page_year is not None:
            prose.year = page_year[0]
        src.tables.append(prose)
        if view is not None and view.changed:
            _restore(prose, view)
        return
    indicators = 0
    wan_figures = stated_wan_figures(rows)
    for start, end in ranges:
        try:
            for table in read_tables(rows[start:end], wan_figures):
                # a heading with neither a project name nor indicators under it (a page title,
                # a heading quoted in prose) is not a table
                if table.title is not None or table.indicators:
                    if table.year is None and src.tables and src.tables[-1].year and \
                            not any(is_heading(r) for r in rows[start:end][:6]):
                        # a project under the same heading as the one above: the heading's year is its year
                        table.year = src.tables[-1].year
                        table.warnings.append(ParseWarning(table.lines[0], "year-from-heading",
                                                           f"no year of its own: {table.year}, the year of the "
                                                           "heading above, applies"))
                    src.tables.append(table)
                    indicators += len(table.indicators)
        except Exception as exc:  # a bug must not lose the other tables of the file
            line = rows[start].line
            src.errors.append({"path": path, "line": line, "code": "internal-error",
                               "message": f"{path}:{line}: table could not be read ({type(exc).__name__}: {exc})"})
        if indicators > limits.max_indicators:
            raise LimitExceeded("too-many-indicators", rows[start].line,
                                f"more than {limits.max_indicators:,} indicators in one file (reached in the "
                                f"table starting here); raise {env_name('max_indicators')} if this is a real export")
    if not src.tables and not src.errors:
        src.errors.append({"path": path, "line": rows[ranges[0][0]].line, "code": "no-table",
                           "message": f"{path}:{rows[ranges[0][0]].line}: a 绩效目标表 heading with no project "
                                      "(no 项目名称 and no indicators) under it"})
    if src.format in (None, "text", "csv", "html"):
        _drop_cut_row(src, rows)  # a workbook, a Word or PDF file is never cut inside a row
    # a notice above the first table ('根据《…》（财建〔2022〕111号）…，现将…下达') gives the legal
    # bases of the tables that have no 立项依据 of their own
    preamble = "\n".join(r.text for r in rows[:ranges[0][0]] if not r.blank)
    page_year = _page_year(rows[:ranges[0][0]])
    for t in src.tables:
        if t.year is None and page_year is not None:
            t.year = page_year[0]
            t.warnings.append(ParseWarning(page_year[1], "year-from-page", f"the table states no year: {t.year} "
                                           "is read from the page's title above it"))
    for t in src.tables:
        if not t.legal_bases and not any(k in t.text_fields or k in t.header_fields for k in LEGAL_BASIS_KEYS):
            add_prose_bases(t, preamble, "the text above the table", t.warnings, t.lines[0])
    if view is not None and view.changed:
        for t in src.tables:
            _restore(t, view)
    _mark_duplicates(src)
    _locate(src, rows)


def _locate(src: SourceRecord, rows: list[Row]) -> None:
    """Point tables, indicators and warnings into the format (sheet and cell, table and row,
    page and row) where the reader gave rows a location; text exports keep their lines."""
    where = {r.line: r.location for r in rows if r.location}
    if not where:
        return
    for t in src.tables:
        t.locations = [where.get(t.lines[0]), where.get(t.lines[1])]
        for i in t.indicators:
            i.location = where.get(i.line)
        for w in t.warnings:
            w.location = where.get(w.line) if w.line else None


_PAGE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")


def _page_year(rows: list) -> tuple[int, int] | None:
    """The year in the page's own title above the tables ('2023年慈溪市重大政策和项目绩效目标情况')."""
    for r in reversed(rows):
        t = r.text.replace("\t", "")
        m = _PAGE_YEAR.search(t)
        if m and len(t) <= 60 and any(w in t for w in ("绩效", "预算", "项目")) and not re.search(r"[:：]\s*\d", t):
            return int(m.group(1)), r.line
        if m and re.fullmatch(r"[（(]?(?:19|20)\d{2}年度?[)）]?", compact(t)):
            return int(m.group(1)), r.line  # '( 2023年度)' on a line of its own above the table: its year
    return None


def _drop_cut_row(src: SourceRecord, rows: list) -> None:
    """A last indicator with no value on the file's last line, in a table whose other rows have
    values: the file was cut inside that row (stored pages keep only their first bytes)."""
    if not src.tables or not src.tables[-1].indicators:
        return
    t = src.tables[-1]
    last = t.indicators[-1]
    own = compact("".join([last.name, last.l1 or "", last.l2 or "", *last.extra.values()]))
    # the lines after the row's first are its own cells (a name below its labels), nothing else
    after = [r for r in rows if not r.blank and r.line > last.line]
    ends_file = all(compact(r.text) and compact(r.text) in own for r in after)
    with_target = sum(1 for i in t.indicators[:-1] if i.target is not None)
    others = [i.target for i in t.indicators[:-1] if i.target is not None]
    if last.target is not None and ends_file and re.fullmatch(r"[<>=≤≥＜＞＝≦≧]{1,2}", compact(last.target.raw or "")):
        # the file ends right after an operator ('指标:项目总下达资金 | <'): the value was cut, there is none
        t.warnings.append(ParseWarning(last.line, "cut-off-value", f"the file ends right after the operator "
                                       f"'{last.target.raw}' of {last.name}: its value is cut, none is read"))
        last.target = None
        return
    if last.target is not None and ends_file and len(others) >= 3 and \
            re.fullmatch(r"\d{1,2}", compact(last.target.raw or "")) and not last.target.unit and \
            not last.target.op and not last.extra and \
            all(o.op or o.unit or o.value is None for o in others):
        # every other target has an operator or a unit, the last row's is a bare digit or two at the
        # end of the file: the value may be cut ('验收合格率 1' of '100%'). It is what the file prints, so
        # it is kept — and flagged for whoever relies on it
        t.warnings.append(ParseWarning(last.line, "cut-off-value", f"the file ends right after the value of "
                                       f"{last.name} ('{last.target.raw}', while the table's other targets have "
                                       "an operator or a unit): the value may be cut"))
        return
    if last.target is None and ends_file and len(t.indicators) >= 2 and \
            with_target >= 0.8 * (len(t.indicators) - 1):
        t.indicators.pop()
        t.warnings.append(ParseWarning(last.line, "cut-off-row", f"the file ends inside the row of {last.name}: "
                                       "the table is read up to the cut"))


def _restore(t: TableRecord, view: SourceView) -> None:
    """Values read through the interpretation view get the source's own characters back."""
    t.title = view.restore(t.title)
    t.unit = view.restore(t.unit)
    t.text_fields = {k: view.restore(v) or v for k, v in t.text_fields.items()}
    t.header_fields = {k: view.restore(v) or v for k, v in t.header_fields.items()}
    for ref in [*t.legal_bases, *t.other_cited_documents]:
        ref.title = view.restore(ref.title)
    for i in t.indicators:
        i.name = view.restore(i.name, i.line) or i.name
        i.l1 = view.restore(i.l1)
        i.l2 = view.restore(i.l2)
        if i.target is not None:
            i.target.raw = view.restore(i.target.raw, i.line) or i.target.raw
            i.target.unit = view.restore(i.target.unit, i.line)
            i.target.qualitative = view.restore(i.target.qualitative, i.line)
        i.extra = {k: view.restore(v, i.line) or v for k, v in i.extra.items()}
    t.warnings.insert(0, ParseWarning(t.lines[0], "traditional-script", "read through a simplified-character view "
                                      "(traditional characters or reading glosses in the source); values keep the "
                                      "source's characters"))


def _mark_duplicates(src: SourceRecord) -> None:
    seen: dict[tuple, int] = {}
    for t in src.tables:
        key = (t.unit, t.year, t.title)
        if t.title and key in seen:
            t.warnings.append(ParseWarning(t.lines[0], "duplicate-table",
                                           f"table {t.title} appears again (first at line {seen[key]})"))
        else:
            seen[key] = t.lines[0]


def parse_file(path: str | Path, limits: IngestLimits | None = None) -> SourceRecord:
    limits = limits or IngestLimits.from_env()
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            return SourceRecord(path=str(path), errors=[{"path": str(path), "line": None, "code": "too-large",
                                "message": f"{path}: file is {size} bytes, above the {limits.max_bytes}-byte limit "
                                           f"({env_name('max_bytes')})"}])
        data = p.read_bytes()
    except OSError as exc:
        return SourceRecord(path=str(path), errors=[{"path": str(path), "line": None, "code": "unreadable",
                                                     "message": f"{path}: cannot read file ({exc.strerror or exc})"}])
    return parse_bytes(data, str(path), limits)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders expand to the text files inside them (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES))
        else:
            out.append(p)
    return out


def parse_paths(paths: Iterable[str | Path], limits: IngestLimits | None = None) -> list[SourceRecord]:
    limits = limits or IngestLimits.from_env()
    return [parse_file(p, limits) for p in expand_paths(paths)]
