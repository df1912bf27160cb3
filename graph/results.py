"""SPARQL results shared by both backends: pyoxigraph result objects, Python values, formats.

The embedded store returns pyoxigraph results directly; the remote store parses the
server's answer (SPARQL JSON results or N-Triples) back into the same pyoxigraph objects.
So ``select`` and ``query`` behave the same whichever backend runs the query.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

import pyoxigraph as ox

from graph.vocab import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}

# Result formats by name, for SELECT/ASK and for graph (CONSTRUCT/DESCRIBE) results.
SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class SparqlError(ValueError):
    """The query or update was rejected (syntax error, unsupported feature, server refusal)."""


def to_python(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value.

    IRIs → ``str``; literals by datatype: integers → ``int``, ``xsd:decimal`` → ``Decimal``,
    float/double → ``float``, boolean → ``bool``, ``xsd:gYear`` → ``int``, ``xsd:date`` →
    ``datetime.date``; other literals (language-tagged included) → ``str``; blank nodes →
    ``"_:id"``; unbound → ``None``.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dtype, v = term.datatype.value, term.value
        try:
            if dtype in _INTEGER_TYPES:
                return int(v)
            if dtype == XSD + "decimal":
                return Decimal(v)
            if dtype in (XSD + "double", XSD + "float"):
                return float(v)
            if dtype == XSD + "boolean":
                return v in ("true", "1")
            if dtype == XSD + "gYear":
                return int(v[:4]) if v[:4].isdigit() else v
            if dtype == XSD + "date":
                return dt.date.fromisoformat(v)
        except ValueError:
            return v
        return v
    if isinstance(term, ox.Triple):
        return (to_python(term.subject), to_python(term.predicate), to_python(term.object))
    return str(term)


class QueryResult:
    """Raw results of one query, as a SPARQL endpoint needs them.

    ``kind`` is ``"select"``, ``"ask"`` or ``"graph"``. Like a database cursor it is read
    once: call :meth:`rows`, iterate, or :meth:`serialize` — not several of them.
    """

    def __init__(self, raw: ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]) -> None:
        self.raw = raw
        if isinstance(raw, ox.QuerySolutions):
            self.kind = "select"
            self.variables = [v.value for v in raw.variables]
        elif isinstance(raw, ox.QueryBoolean):
            self.kind = "ask"
            self.variables = []
        else:
            self.kind = "graph"
            self.variables = ["subject", "predicate", "object"]

    def __bool__(self) -> bool:  # an ASK answer
        return bool(self.raw) if self.kind == "ask" else True

    def rows(self) -> list[dict[str, Any]]:
        """SELECT: one dict per solution, every variable a key (None when unbound)."""
        if self.kind == "select":
            names = self.variables
            return [{n: to_python(s[n]) for n in names} for s in self.raw]
        if self.kind == "ask":
            return [{"boolean": bool(self.raw)}]
        return [dict(zip(self.variables, to_python(t), strict=True)) for t in self.raw]

    def serialize(self, fmt: str = "json", output: IO[bytes] | None = None) -> bytes | None:
        """Write the results: json/xml/csv/tsv for SELECT and ASK (json is the SPARQL 1.1
        Query Results JSON format); ttl/nt/jsonld/xml… for CONSTRUCT and DESCRIBE."""
        if self.kind == "graph":
            rdf = GRAPH_FORMATS.get(fmt) or ox.RdfFormat.from_media_type(fmt) or ox.RdfFormat.TURTLE
            return ox.serialize(self.raw, output, rdf, prefixes=PREFIXES if rdf != ox.RdfFormat.N_TRIPLES else None)
        qf = SOLUTION_FORMATS.get(fmt) or ox.QueryResultsFormat.from_media_type(fmt)
        if qf is None:
            raise ValueError(f"unknown result format {fmt!r} for a {self.kind.upper()} query; "
                             f"use one of {', '.join(SOLUTION_FORMATS)}")
        return self.raw.serialize(output, qf)

    @staticmethod
    def media_type(kind: str, fmt: str) -> str:
        if kind == "graph":
            return (GRAPH_FORMATS.get(fmt) or ox.RdfFormat.TURTLE).media_type
        return (SOLUTION_FORMATS.get(fmt) or ox.QueryResultsFormat.JSON).media_type
