"""Writing the search package's own named graphs through the graph store's public interface."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.base import PreparedSource

# Above this many triples an embedded store is written with its bulk loader: one SPARQL
# INSERT DATA of half a million triples takes over a minute, the bulk loader seconds.
BULK_TRIPLES = 20_000
BULK_CHUNK_CHARS = 64 << 20  # N-Triples characters per bulk write (≈ 300k triples)


def replace_named_graph(store: Any, graph_iri: str, ntriples: str | Iterable[str],
                        triples: int | None = None) -> None:
    """Replace the whole content of one named graph with ``ntriples``: N-Triples text, or an
    iterable of N-Triples chunks (whole lines) when ``triples`` gives their number of lines.

    Small graphs (and remote stores) go through ``replace_graph``, one atomic update. Large
    ones on the embedded store are dropped, then written chunk by chunk through the store's
    bulk path for new sources (``write_sources``: Oxigraph's bulk loader parsing N-Quads
    itself, each chunk atomic), so the graph's text is never whole in memory. The graph as
    a whole is not written atomically, which is why its generation stamp is its LAST triple
    (``search.rdf_export``) — a load cut short leaves a graph without the current stamp,
    which ``check()`` reports and the next ``sync()`` rewrites.
    """
    if triples is None:
        ntriples = ntriples if isinstance(ntriples, str) else "".join(ntriples)
        triples = ntriples.count("\n")
    if getattr(store, "bulk_load", None) is None or triples < BULK_TRIPLES:
        text = ntriples if isinstance(ntriples, str) else "".join(ntriples)
        store.replace_graph(graph_iri, text, format="nt")
        return
    store.drop_graph(graph_iri)
    chunks = [ntriples] if isinstance(ntriples, str) else ntriples
    tail = f" <{graph_iri}> .\n"
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= BULK_CHUNK_CHARS:
            _write_chunk(store, graph_iri, "".join(pending), tail)
            pending, size = [], 0
    if pending:
        _write_chunk(store, graph_iri, "".join(pending), tail)


def _write_chunk(store: Any, graph_iri: str, ntriples: str, tail: str) -> None:
    """One atomic bulk write of whole N-Triples lines into ``graph_iri``. Our lines end in
    " .\n" and a literal never holds a raw newline, so appending the graph makes N-Quads."""
    nquads = ntriples.replace(" .\n", tail).encode()
    lines = ntriples.count("\n")
    item = PreparedSource(path=graph_iri, graph=graph_iri, sha256="", nquads=nquads, quads=lines,
                          triples=lines)
    for _, outcome in store.write_sources([item], batch_quads=lines + 1):
        if isinstance(outcome, Exception):
            raise outcome


def apply_delta(store: Any, graph_iri: str, old_ntriples: str, new_ntriples: str) -> int:
    """Turn the graph holding ``old_ntriples`` into ``new_ntriples`` with one atomic update of
    the lines that differ (our N-Triples are written deterministically, one triple a line,
    without blank nodes, so equal triples are equal lines). Returns the triples changed."""
    old, new = set(old_ntriples.splitlines()), set(new_ntriples.splitlines())
    removed, added = sorted(old - new), sorted(new - old)
    if not removed and not added:
        return 0
    if getattr(store, "change_graph", None) is not None:  # a remote store: in chunks where the server needs them
        store.change_graph(graph_iri, removed, added)
        return len(removed) + len(added)
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
