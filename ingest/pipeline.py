"""Files → SourceRecords: read bytes, decode, split into rows, interpret each table."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ingest.decode import UnreadableFile, decode
from ingest.header import LEGAL_BASIS_KEYS
from ingest.readers.text import read_rows
from ingest.records import ParseWarning, SourceRecord, TableRecord
from ingest.tables import add_prose_bases, read_tables, split_tables
from ingest.text import SourceView

TEXT_SUFFIXES = {".txt", ".tsv", ".csv", ".md", ".text"}
MAX_BYTES = 200 * 1024 * 1024


def parse_bytes(data: bytes, path: str) -> SourceRecord:
    src = SourceRecord(path=path, sha256=hashlib.sha256(data).hexdigest())
    try:
        text, src.encoding = decode(data)
    except UnreadableFile as exc:
        src.errors.append({"path": path, "line": exc.line, "code": exc.code, "message": f"{path}: {exc.message}"})
        return src
    view = SourceView(text)
    rows = read_rows(view.text if view.changed else text)
    ranges = split_tables(rows)
    if not ranges:
        src.errors.append({"path": path, "line": None, "code": "no-table",
                           "message": f"{path}: no performance-goal table found (no 绩效目标表 heading or 项目名称 field)"})
        return src
    for start, end in ranges:
        try:
            for table in read_tables(rows[start:end]):
                # a heading with neither a project name nor indicators under it (a page title,
                # a heading quoted in prose) is not a table
                if table.title is not None or table.indicators:
                    src.tables.append(table)
        except Exception as exc:  # a bug must not lose the other tables of the file
            line = rows[start].line
            src.errors.append({"path": path, "line": line, "code": "internal-error",
                               "message": f"{path}:{line}: table could not be read ({type(exc).__name__}: {exc})"})
    if not src.tables and not src.errors:
        src.errors.append({"path": path, "line": rows[ranges[0][0]].line, "code": "no-table",
                           "message": f"{path}:{rows[ranges[0][0]].line}: a 绩效目标表 heading with no project "
                                      "(no 项目名称 and no indicators) under it"})
    _drop_cut_row(src, rows)
    # a notice above the first table ('根据《…》（财建〔2022〕111号）…，现将…下达') gives the legal
    # bases of the tables that have no 立项依据 of their own
    preamble = "\n".join(r.text for r in rows[:ranges[0][0]] if not r.blank)
    for t in src.tables:
        if not t.legal_bases and not any(k in t.text_fields or k in t.header_fields for k in LEGAL_BASIS_KEYS):
            add_prose_bases(t, preamble, "the text above the table", t.warnings, t.lines[0])
    if view.changed:
        for t in src.tables:
            _restore(t, view)
    _mark_duplicates(src)
    return src


def _drop_cut_row(src: SourceRecord, rows: list) -> None:
    """A last indicator with no value on the file's last line, in a table whose other rows have
    values: the file was cut inside that row (stored pages keep only their first bytes)."""
    if not src.tables or not src.tables[-1].indicators:
        return
    t = src.tables[-1]
    last = t.indicators[-1]
    last_line = max((r.line for r in rows if not r.blank), default=0)
    with_target = sum(1 for i in t.indicators[:-1] if i.target is not None)
    if last.target is None and last.line >= last_line and len(t.indicators) >= 3 and \
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


def parse_file(path: str | Path) -> SourceRecord:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            return SourceRecord(path=str(path), errors=[{"path": str(path), "line": None, "code": "too-large",
                                "message": f"{path}: file is {size} bytes, above the {MAX_BYTES}-byte limit"}])
        data = p.read_bytes()
    except OSError as exc:
        return SourceRecord(path=str(path), errors=[{"path": str(path), "line": None, "code": "unreadable",
                                                     "message": f"{path}: cannot read file ({exc.strerror or exc})"}])
    return parse_bytes(data, str(path))


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders expand to the text files inside them (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES))
        else:
            out.append(p)
    return out


def parse_paths(paths: Iterable[str | Path]) -> list[SourceRecord]:
    return [parse_file(p) for p in expand_paths(paths)]
