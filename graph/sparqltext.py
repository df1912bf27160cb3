"""What the SPARQL Protocol needs to know about a query or update's text, without running it.

A small lexer that skips comments, string literals and IRIs, so keywords are found only
where they are keywords:

- :func:`has_dataset_clause`: does a query name its own dataset (``FROM`` / ``FROM NAMED``)?
  Then the union default graph must not replace it.
- :func:`apply_using`: the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` as
  ``USING`` / ``USING NAMED`` clauses in every ``DELETE``/``INSERT … WHERE`` operation;
  :class:`DatasetConflict` when the update names its own (``USING`` / ``WITH``), which
  the protocol makes an error.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["DatasetConflict", "apply_using", "has_dataset_clause", "keywords"]

# Things to skip whole: long strings first, then short ones, IRIs, comments.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)
# A bare word: keywords, but not variables (?x, $x), prefixed names (a:b), language tags (@en)
# or blank nodes (_:b), which the lookbehind/lookahead keep from matching as keywords.
_WORD = re.compile(r"(?<![?$:@\w])[A-Za-z]+(?![\w:])")


def keywords(text: str) -> Iterator[tuple[str, int, int]]:
    """``(KEYWORD, position, brace depth)`` for every bare word outside strings, IRIs and comments."""
    depth = 0
    pos = 0
    for m in _SKIP.finditer(text + "\n"):
        yield from _words(text, pos, m.start(), depth)
        depth += _depth_change(text[pos:m.start()])
        pos = m.end()
    yield from _words(text, pos, len(text), depth)


def _words(text: str, start: int, end: int, depth: int) -> Iterator[tuple[str, int, int]]:
    chunk = text[start:end]
    last = 0
    for m in _WORD.finditer(chunk):
        depth += _depth_change(chunk[last:m.start()])
        last = m.start()
        yield m.group(0).upper(), start + m.start(), depth


def _depth_change(s: str) -> int:
    return s.count("{") - s.count("}")


def has_dataset_clause(query: str) -> bool:
    """True when a query has ``FROM`` or ``FROM NAMED`` (only dataset clauses use that keyword)."""
    return any(word == "FROM" and depth == 0 for word, _, depth in keywords(query))


class DatasetConflict(ValueError):
    """The update names its dataset (USING / WITH) and the request does too."""


def apply_using(update: str, default: Iterable[str] = (), named: Iterable[str] = ()) -> str:
    """The update with ``USING <g>`` / ``USING NAMED <g>`` before the ``WHERE`` of every
    ``DELETE``/``INSERT … WHERE`` operation (SPARQL 1.1 Protocol §2.2.3)."""
    default, named = list(default), list(named)
    if not default and not named:
        return update
    clause = "".join(f"USING <{g}> " for g in default) + "".join(f"USING NAMED <{g}> " for g in named)
    out: list[str] = []
    last = 0
    previous, previous_end = "", 0
    for word, pos, depth in keywords(update):
        if depth:
            continue
        if word in ("USING", "WITH"):
            raise DatasetConflict("the update names its dataset (USING or WITH) and the request gives "
                                  "using-graph-uri / using-named-graph-uri: use one or the other")
        # DELETE WHERE (the short form, nothing between the two words) takes no USING
        if word == "WHERE" and not (previous == "DELETE" and not update[previous_end:pos].strip()):
            out.append(update[last:pos])
            out.append(clause)
            last = pos
        previous, previous_end = word, pos + len(word)
    out.append(update[last:])
    return "".join(out)
