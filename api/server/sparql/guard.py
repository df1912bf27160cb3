"""Refuse SPARQL that could make the server send requests (``SERVICE``, ``LOAD``).

Two layers, neither of which reads the query the way a lexer would:

* The query workers of the embedded store have no network at all
  (:mod:`api.server.sparql.sandbox`): that is what makes SERVICE impossible there, by
  construction. :func:`names_service` only gives the common case a clear 403 up front.
* Where no sandbox stands behind the check — SPARQL Update, which runs in the server
  process, and the workers of a remote store, which need the network to reach it —
  :func:`may_reach_network` refuses every text in which the keyword could be hiding:
  the letters ``service`` (or ``load`` for updates) anywhere, case-insensitively, in the
  text as written or after any number of rounds of ``\\u``/``\\U`` unescaping (the two ways
  a SPARQL engine may read escapes). It over-refuses (the word in a literal or an IRI) and
  never under-refuses: an engine cannot parse a keyword whose letters are not there.
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
_MAX_ROUNDS = 8


def _unescape(m: re.Match) -> str:
    try:
        return chr(int(m.group(1) or m.group(2), 16))
    except (ValueError, OverflowError):
        return " "


def readings(text: str) -> list[str]:
    """The text as written, then after each round of codepoint unescaping until nothing changes."""
    out = [text]
    for _ in range(_MAX_ROUNDS):
        nxt = _CODEPOINT.sub(_unescape, out[-1])
        if nxt == out[-1]:
            break
        out.append(nxt)
    return out


def may_reach_network(text: str, update: bool = False) -> bool:
    """Could an engine read ``SERVICE`` (or, for an update, ``LOAD``) in this text?"""
    words = ("service", "load") if update else ("service",)
    return any(w in reading.lower() for reading in readings(text) for w in words)


def names_service(query: str) -> bool:
    """SERVICE as a keyword in the plain reading (strings, IRIs and comments blanked out).

    Only for a clear early refusal: it is not what keeps the server from sending requests.
    """
    return any(_SERVICE.search(_NOISE.sub(" ", reading)) for reading in readings(query))


# the name the router has always imported
uses_service = names_service
