"""SHACL validation of the whole graph against ``ontology/shapes.ttl`` (pyshacl)."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import BNode

from graph.base import GraphStore


@dataclass
class ValidationReport:
    conforms: bool
    text: str  # pyshacl's human-readable report
    results: Graph  # the SHACL validation report graph
    violations: int
    warnings: int


def _to_rdflib(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)  # RDF 1.1 simple literal; rdflib compares it unequal otherwise
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def union_graph(store: GraphStore) -> Graph:
    """The union of all named graphs as an in-memory rdflib Graph (CONSTRUCT in Oxigraph)."""
    g = Graph()
    for t in store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").raw:
        g.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return g


def validate(store: GraphStore) -> ValidationReport:
    """Validate the store's union graph. Warnings (sh:Warning) do not break conformance."""
    import pyshacl

    from ontology import load

    data = union_graph(store)
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=load("shapes.ttl"), inference="none", allow_warnings=True, advanced=True,
    )
    sh = "http://www.w3.org/ns/shacl#"
    severities = list(results.objects(None, URIRef(sh + "resultSeverity")))
    return ValidationReport(
        conforms=bool(conforms), text=str(text), results=results,
        violations=sum(1 for s in severities if str(s) == sh + "Violation"),
        warnings=sum(1 for s in severities if str(s) == sh + "Warning"),
    )
