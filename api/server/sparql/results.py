"""Serialize query results with a row cap.

pyoxigraph can serialize whole result sets, but not the first N rows of one, so SELECT
results are written here (SPARQL 1.1 Query Results JSON, XML, CSV and TSV). Graph results
(CONSTRUCT/DESCRIBE) are capped here and serialized by pyoxigraph.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

# media type → (format key, pyoxigraph format) for each kind of result
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",  # Turtle is a subset of N3: what Virtuoso and Fuseki answer to it
    "text/plain": "ntriples",
}
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_MEDIA = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}
_GRAPH_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": term_json(term.subject),
                                            "predicate": term_json(term.predicate),
                                            "object": term_json(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def term_plain(term) -> str:
    """CSV form: the bare value (IRIs and literals without markup, blank nodes as _:id)."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def take(rows: Iterable, limit: int) -> tuple[list, bool]:
    """The first ``limit`` items and whether more existed (one extra is pulled to know)."""
    out = []
    for row in rows:
        if len(out) == limit:
            return out, True
        out.append(row)
    return out, False


def select_body(variables: Sequence[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "json":
        bindings = [{v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt == "xml":
        return _select_xml(variables, rows).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in rows:
            w.writerow(["" if t is None else term_plain(t) for t in row])
        return buf.getvalue().encode()
    if fmt == "tsv":
        # TSV cells are terms in Turtle/N-Triples syntax, which escapes tabs and newlines
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(fmt)


def ask_body(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (_XML_HEAD + "<head/><boolean>" + ("true" if value else "false") + "</boolean></sparql>\n").encode()
    # CSV/TSV have no boolean form in the standard; the common convention is a bare word
    return ("true\n" if value else "false\n").encode()


def graph_body(triples: list, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in ``fmt``; the dataset formats (N-Quads, TriG) put them in the default graph.
    Turtle and TriG are abbreviated with the vocabulary's prefixes (jx:Project, not
    <https://…#Project>) unless ``prefixes`` says otherwise; RDF/XML uses ``prefixes`` if given."""
    rdf = _GRAPH_FORMAT[fmt]
    items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples] if rdf.supports_datasets else triples
    if prefixes is None and rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        prefixes = _turtle_prefixes()
    if prefixes and rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return ox.serialize(items, format=rdf, prefixes=prefixes) or b""
    return ox.serialize(items, format=rdf) or b""


def _turtle_prefixes() -> dict[str, str]:
    from graph.vocab import PREFIXES

    return dict(PREFIXES)


_XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return ("<triple><subject>" + _xml_term(term.subject) + "</subject><predicate>"
                + _xml_term(term.predicate) + "</predicate><object>" + _xml_term(term.object)
                + "</object></triple>")
    raise TypeError(term)


def _select_xml(variables: Sequence[str], rows: list[list]) -> str:
    parts = [_XML_HEAD, "<head>"]
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                parts.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts)
