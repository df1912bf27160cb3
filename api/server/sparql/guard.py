"""Refuse SPARQL ``SERVICE`` (federated queries) unless the server allows it.

A SERVICE clause makes the server send HTTP requests to an address the client chooses
(server-side request forgery), so it is refused by default. The keyword is found on the
query's tokens: comments, string literals and IRIs are blanked out first, so ``"SERVICE"``
in a literal or ``ex:service`` as a name does not trip it.
"""
from __future__ import annotations

import re

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.S,
)
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:.-])", re.I)


def _unescape(m: re.Match) -> str:
    try:
        return chr(int(m.group(1) or m.group(2), 16))
    except (ValueError, OverflowError):
        return " "


def uses_service(query: str) -> bool:
    # SPARQL allows \u escapes anywhere in a query; apply them first so they cannot hide it
    text = _CODEPOINT.sub(_unescape, query)
    text = _NOISE.sub(" ", text)
    return bool(_SERVICE.search(text))
