"""Bytes → text: BOMs, UTF-8, GB18030/GBK, UTF-16; refuse binaries with a clear reason."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


class UnreadableFile(Exception):
    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


_MAGIC = [
    (b"%PDF", "a PDF file: export its text first (e.g. pdftotext -layout) and parse the .txt"),
    (b"PK\x03\x04", "a ZIP container (.xlsx/.docx): save it as text (tab-separated) first"),
    (b"\xd0\xcf\x11\xe0", "an OLE file (.xls/.doc): save it as text (tab-separated) first"),
    (b"\x89PNG", "a PNG image, not a table export"),
    (b"\xff\xd8\xff", "a JPEG image, not a table export"),
    (b"GIF8", "a GIF image, not a table export"),
    (b"\x1f\x8b", "a gzip archive: decompress it first"),
    (b"{\\rtf", "an RTF document: save it as plain text first"),
]


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises UnreadableFile for empty or binary input."""
    if not data.strip():
        raise UnreadableFile("empty-file", "the file is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile("binary-file", f"not a text export: {what}")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF32_LE, "utf-32")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), "utf-8" if enc == "utf-8-sig" else enc
    if _looks_utf16(data):
        enc = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return data.decode(enc, errors="replace"), "utf-16"
    if b"\x00" in data[:8000] or _binary(data):
        line = data[: max(data.find(b"\x00"), 0)].count(b"\n") + 1
        raise UnreadableFile("binary-file", "not a text export: holds binary data (NUL or control bytes)", line=line)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding and not _binary(data):
        return data.decode(best.encoding, errors="replace"), best.encoding
    line = data[: utf8_error.start].count(b"\n") + 1
    raise UnreadableFile("binary-file", "not text in any known encoding (binary data?)", line=line)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    if len(sample) < 4:
        return False
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) / 2
    return max(zeros_even, zeros_odd) > 0.1 * half and min(zeros_even, zeros_odd) < 0.05 * half


_CONTROL_BYTES = bytes(b for b in range(256) if b < 9 or 13 < b < 32)
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def _binary(data: bytes) -> bool:
    sample = data[:8000]
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > 0.05 * len(sample)
