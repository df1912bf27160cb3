"""SPARQL parse errors for people: the line and column, the line itself with a caret, and what
was expected in words — not pyoxigraph's list of Unicode ranges.

    readable_error("error at 1:35: expected one of Prefix not found, ['%'], …", query)
    → "SPARQL syntax error at line 1, column 35: prefix not found (undeclared prefix?)
         SELECT ?x WHERE { ?x a foo:Project }
                                           ^"
"""
from __future__ import annotations

import re

_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
_KEYWORD = re.compile(r"^[A-Z][A-Z0-9_]*$|^'[^']{1,12}'$")
_MAX_EXPECTED = 8


def error_position(message: str) -> tuple[int, int] | None:
    """(line, column), both from 1, of a parser message ``error at L:C: …``; None without one."""
    m = _AT.search(message)
    return (int(m.group(1)), int(m.group(2))) if m else None


def readable_error(message: str, query: str | None = None) -> str:
    """``message`` as one short sentence with its position, plus the line and a caret."""
    m = _AT.search(message)
    if m is None:
        return message
    line, column, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    head = message[:m.start()].strip().rstrip(":")
    what = _expected(rest)
    text = f"{head or 'SPARQL error'}: syntax error at line {line}, column {column}: {what}"
    lines = (query or "").splitlines()
    if 1 <= line <= len(lines):
        src = lines[line - 1]
        caret = " " * max(0, min(column - 1, len(src))) + "^"
        text += f"\n  {src}\n  {caret}"
    return text


def _expected(rest: str) -> str:
    rest = rest.strip()
    if not rest.startswith("expected one of "):
        return rest.splitlines()[0][:200]
    items = _split(rest[len("expected one of "):])
    notes = [i for i in items if " " in i and not i.startswith(("[", "'"))]  # e.g. "Prefix not found"
    words = [i.strip("'") for i in items if _KEYWORD.match(i)]
    parts = []
    if any("prefix not found" in n.lower() for n in notes):
        parts.append("prefix not found (undeclared prefix? the known ones are listed on the SPARQL page)")
    if words:
        shown = ", ".join(words[:_MAX_EXPECTED]) + (" …" if len(words) > _MAX_EXPECTED else "")
        parts.append(f"expected one of {shown}")
    elif not parts:
        parts.append("unexpected text here")
    return "; ".join(parts)


def _split(s: str) -> list[str]:
    """Top-level comma-separated items (brackets and quotes nest)."""
    items, depth, quote, cur = [], 0, False, []
    for ch in s:
        if ch == "'" and (not cur or cur[-1] != "\\"):
            quote = not quote
        elif not quote and ch == "[":
            depth += 1
        elif not quote and ch == "]":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if cur:
        items.append("".join(cur).strip())
    return [i for i in items if i]
