"""Writing the search package's own named graphs through the graph store's public interface."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

# Above this many triples an embedded store is written with its bulk loader: one SPARQL
# INSERT DATA of half a million triples takes over a minute, the bulk loader seconds.
BULK_TRIPLES = 20_000


def replace_named_graph(store: Any, graph_iri: str, ntriples: str) -> None:
    """Replace the whole content of one named graph with ``ntriples`` (N-Triples text).

    Small graphs (and remote stores) go through ``replace_graph``, one atomic update. Large
    ones on the embedded store are dropped, then bulk-loaded: not atomic, which is why the
    graph's generation stamp is its LAST triple (``search.rdf_export``) — a load cut short
    leaves a graph without the current stamp, which ``check()`` reports and the next
    ``sync()`` rewrites.
    """
    bulk_load = getattr(store, "bulk_load", None)
    if bulk_load is None or ntriples.count("\n") < BULK_TRIPLES:
        store.replace_graph(graph_iri, ntriples, format="nt")
        return
    store.drop_graph(graph_iri)
    graph = ox.NamedNode(graph_iri)
    bulk_load(ox.Quad(t.subject, t.predicate, t.object, graph)
              for t in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))


def apply_delta(store: Any, graph_iri: str, old_ntriples: str, new_ntriples: str) -> int:
    """Turn the graph holding ``old_ntriples`` into ``new_ntriples`` with one atomic update of
    the lines that differ (our N-Triples are written deterministically, one triple a line,
    without blank nodes, so equal triples are equal lines). Returns the triples changed."""
    old, new = set(old_ntriples.splitlines()), set(new_ntriples.splitlines())
    removed, added = sorted(old - new), sorted(new - old)
    if not removed and not added:
        return 0
    parts = []
    if removed:
        parts.append(f"DELETE DATA {{ GRAPH <{graph_iri}> {{\n" + "\n".join(removed) + "\n} }")
    if added:
        parts.append(f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n" + "\n".join(added) + "\n} }")
    store.update(" ;\n".join(parts))
    return len(removed) + len(added)


def read_graph_stamps(store: Any, graph_iris: list[str]) -> dict[str, str]:
    """graph IRI → the index generation recorded in it (``<g> dcterms:identifier "gen-…"``)."""
    values = " ".join(f"<{g}>" for g in graph_iris)
    rows = store.select(
        "SELECT ?g ?id WHERE { VALUES ?g { " + values + " } "
        "GRAPH ?g { ?g <http://purl.org/dc/terms/identifier> ?id } }")
    return {str(r["g"]): str(r["id"]) for r in rows}
