"""docs/ingest.md is checked against the parser (datasette's tests/test_docs.py): every warning code
the parser can emit is explained in its "Warning codes" table, and every code there is one the parser
emits."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ParseWarning(line, "code", …) and RowParse warnings ("code", message)
_EMITTED = (re.compile(r'ParseWarning\([^,()]+(?:\([^()]*\))?[^,()]*,\s*"([a-z][a-z0-9-]+)"'),
            re.compile(r'warnings\.append\(\(\s*"([a-z][a-z0-9-]+)"'))


def _emitted() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "ingest").rglob("*.py"):
        text = path.read_text("utf-8")
        for pattern in _EMITTED:
            codes.update(pattern.findall(text))
    return codes


def _documented() -> set[str]:
    doc = (ROOT / "docs" / "ingest.md").read_text("utf-8")
    section = doc[doc.index("## Warning codes"):doc.index("## Data files")]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    return {code for line in table for code in re.findall(r"`([a-z][a-z0-9-]+)`", line.split("|")[1])}


def test_every_warning_code_the_parser_emits_is_documented():
    emitted = _emitted()
    assert len(emitted) >= 30  # the scan finds the parser's warnings (a broken pattern would find none)
    assert emitted - _documented() == set()


def test_every_documented_warning_code_is_emitted():
    assert _documented() - _emitted() == set()
