"""Readers: bytes of one file format → ``Row`` lists (see ingest.table_model).

Each reader is one module of this package that registers itself with :func:`register`;
:func:`read` detects the type of the bytes (magic bytes and container contents first, the
file suffix only where content cannot tell, as between text and CSV) and hands them to the
reader registered for it. A new format is one new module plus its line in ``_MODULES``.
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from ingest.decode import UnreadableFile
from ingest.table_model import Row
from ingest.text import SourceView


@dataclass
class Document:
    """What a reader gives back: the rows, and what the source was."""
    rows: list[Row]
    format: str  # the detected type: text, csv, html, xlsx, xls, docx, pdf
    encoding: str | None = None  # for formats read as text
    view: SourceView | None = None  # the interpretation view the rows were read through (see with_view)


def with_view(doc: Document) -> Document:
    """Read a structured format's cells through the same interpretation view as text
    (simplified characters, reading glosses removed; ingest.text.SourceView): one view line
    per row, cells joined by tabs. ``doc.view`` then restores values to the source's own."""
    if doc.view is not None:
        return doc
    lines = ["\t".join(" ".join(c.replace("\t", " ").splitlines()) for c in r.cells) for r in doc.rows]
    doc.view = SourceView("\n".join(lines))
    if doc.view.changed:
        doc.rows = [Row(line=r.line, cells=v.split("\t") if r.cells else [], layout=r.layout,
                        extra_lines=r.extra_lines, location=r.location, merges=r.merges)
                    for r, v in zip(doc.rows, doc.view.view, strict=True)]
    return doc


ReadFn = Callable[[bytes, str, int], Document]  # (bytes, path, max_rows) → Document
_READERS: dict[str, ReadFn] = {}
# the modules that register readers, imported on first use (their libraries load lazily)
_MODULES = ("text", "csv_reader", "html", "xlsx", "xls", "docx", "pdf")


def register(kind: str) -> Callable[[ReadFn], ReadFn]:
    def wrap(fn: ReadFn) -> ReadFn:
        _READERS[kind] = fn
        return fn
    return wrap


def readers() -> dict[str, ReadFn]:
    if not _READERS:
        for name in _MODULES:
            importlib.import_module(f"ingest.readers.{name}")
    return _READERS


# suffixes the folder walk picks up (`jixiao ingest DIR`); detection still decides the reader
SUFFIXES = {".txt", ".tsv", ".csv", ".md", ".text", ".html", ".htm", ".xhtml", ".xlsx", ".xlsm", ".xls",
            ".docx", ".pdf"}

_HTML = re.compile(rb"<(?:!doctype\s+html|html|body|table)\b", re.I)
_HTML_CELL = re.compile(rb"<t[dh]\b", re.I)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def detect(data: bytes, path: str = "") -> str:
    """The type of a file's bytes. Raises UnreadableFile for types no reader takes."""
    suffix = PurePath(path).suffix.lower()
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        from ingest.readers.grid import open_zip

        names = set(open_zip(data, "ZIP file").namelist())
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            raise UnreadableFile("unsupported-format", "an OpenDocument file (.ods/.odt): save it as .xlsx or .docx")
        raise UnreadableFile("unsupported-format", "a ZIP archive that is neither an .xlsx workbook nor a "
                                                   ".docx document: unpack it first")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if _utf16("EncryptedPackage") in data:
            raise UnreadableFile("encrypted-file", "a password-protected Office file: save it without a "
                                                   "password first")
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        if _utf16("WordDocument") in data:
            raise UnreadableFile("unsupported-format", "a Word 97-2003 document (.doc): save it as .docx")
        if suffix in (".xls", ".xlt"):
            return "xls"  # the stream names are at the end: a cut file still goes to xlrd, which says so
        raise UnreadableFile("unsupported-format", "an OLE file that is neither an .xls workbook nor a Word "
                                                   "document (or a damaged one)")
    sample = data[:65536]
    if suffix in (".html", ".htm", ".xhtml") or (_HTML.search(sample) and _HTML_CELL.search(sample)):
        return "html"
    if suffix == ".csv":
        return "csv"
    return "text"


def read(data: bytes, path: str, max_rows: int = 300_000) -> Document:
    """Detect the type and read. Raises UnreadableFile with a reason a person can act on, and
    ingest.limits.LimitExceeded past ``max_rows`` rows (lines of a text export), before the
    rest is split into cells."""
    kind = detect(data, path)
    try:
        reader = readers()[kind]
    except KeyError:
        raise UnreadableFile("unsupported-format", f"no reader for {kind} files") from None
    doc = reader(data, path, max_rows)
    doc.format = kind
    return with_view(doc)
