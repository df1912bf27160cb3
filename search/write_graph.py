"""Writing the search package's own named graphs through the graph store's public interface."""
from __future__ import annotations

from typing import Any


def replace_named_graph(store: Any, graph_iri: str, ntriples: str) -> None:
    """Replace the whole content of one named graph with ``ntriples`` (N-Triples text)."""
    store.replace_graph(graph_iri, ntriples, format="nt")


def read_graph_stamps(store: Any, graph_iris: list[str]) -> dict[str, str]:
    """graph IRI → the index generation recorded in it (``<g> dcterms:identifier "gen-…"``)."""
    values = " ".join(f"<{g}>" for g in graph_iris)
    rows = store.select(
        "SELECT ?g ?id WHERE { VALUES ?g { " + values + " } "
        "GRAPH ?g { ?g <http://purl.org/dc/terms/identifier> ?id } }")
    return {str(r["g"]): str(r["id"]) for r in rows}
