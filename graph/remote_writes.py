"""Writing to a SPARQL server with request limits and no multi-request transactions (Virtuoso).

Virtuoso refuses an ``INSERT DATA`` of more than about 1,200 triples (SP031, the length of
the SQL it compiles to), takes seconds to compile one of a thousand, refuses requests over
10 MB, and commits each operation of an update request on its own — a failing second
operation does not undo the first. So one request cannot replace a source atomically, and
a big one cannot be sent at all. :class:`graph.remote.RemoteStore` writes such a server
this way:

- **Data in Graph Store Protocol POSTs** of N-Triples, at most :data:`REQUEST_BYTES` each
  (Virtuoso's Turtle loader: ~5–20 k triples/s, no SQL compiled per triple). Triples with
  blank nodes go together in one request: a blank-node label names one node per request.
- **The marker last.** A source's graph counts as written only when it holds its
  ``jx:sha256`` triple (``GraphStore.source_state``); that triple is written after all the
  others. A graph without its marker is incomplete: the next ingest of the file finds no
  state, drops what is there and writes the source again.
- **Rollback on failure.** A new source whose write fails is dropped again. A changed source
  is read first, then dropped and written anew; if that fails, the old triples are written
  back (marker last) and the error is reported — the store holds the old version or the new
  one. Shared descriptions (documents, organizations) are added before the graphs that
  cite them and collected afterwards, as in one-request replaces.
- **What this cannot promise.** Other readers may see a source half-written while it is
  being written (Virtuoso reads committed rows), and a process killed in the middle leaves
  an incomplete graph (without a marker) until the file is ingested again.

Named graphs other packages own (the search graphs) are dropped and written in chunks,
their last triple (the generation stamp, ``search.rdf_export``) in the last request; a
delta is applied as removals (stamp first) then additions (stamp last).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.base import PreparedSource, gc_shared_update, ntriples
from graph.results import GRAPH_FORMATS
from graph.vocab import JX_IRI

if TYPE_CHECKING:
    from graph.remote import RemoteStore

UPDATE_TRIPLES = 250  # per INSERT DATA / DELETE DATA (Virtuoso: SP031 near 1,200; compile time grows faster)
REQUEST_BYTES = 4 << 20  # per Graph Store POST (Virtuoso refuses 10 MB)
GRAPHS_PER_REQUEST = 200  # graphs named in one look-up or DROP request
MARKER = f"{JX_IRI}sha256"


def write_new(store: RemoteStore, items: Sequence[PreparedSource], collect_shared: bool = True) -> None:
    """Write sources not yet in the store; on failure none of them is left behind (and, with
    ``collect_shared``, neither are shared descriptions only they cite)."""
    shared = str(store.minter.shared_graph())
    own: dict[str, list[ox.Triple]] = {}
    markers: list[tuple[str, ox.Triple]] = []
    shared_triples: list[ox.Triple] = []
    for item in items:
        triples, sh = item.graph_triples()
        own[item.graph] = [t for t in triples if t.predicate.value != MARKER]
        markers += [(item.graph, t) for t in triples if t.predicate.value == MARKER]
        shared_triples += sh
    # Left over by a write that was killed: not a source (no marker), so written again whole.
    drop_graphs(store, existing_graphs(store, own))
    try:
        post_triples(store, shared, shared_triples)
        for graph, triples in own.items():
            post_triples(store, graph, triples)
        insert_data(store, markers)
    except BaseException:
        _rollback(store, list(own), shared, shared_triples if collect_shared else [])
        raise


def replace_changed(store: RemoteStore, item: PreparedSource, superseded: Sequence[str] = ()) -> None:
    """Replace a source already in the store (its graph, and ``superseded``: graphs of earlier
    versions of its file): the new version whole, or the old graphs back."""
    shared = str(store.minter.shared_graph())
    graphs = [item.graph, *superseded]
    cited = [x for g in graphs for x in store._shared_cited_by(g)]
    old = {g: store.graph_triples(g) for g in graphs}
    drop_graphs(store, graphs)
    try:
        write_new(store, [item], collect_shared=False)
    except BaseException:
        try:
            drop_graphs(store, [item.graph])
            for g, triples in old.items():
                post_triples(store, g, [t for t in triples if t.predicate.value != MARKER])
            insert_data(store, [(g, t) for g, triples in old.items() for t in triples if t.predicate.value == MARKER])
            # shared descriptions only the new version cited go again
            _rollback(store, [], shared, item.graph_triples()[1])
        except Exception:  # noqa: S110 - no marker: the next ingest writes the file again
            pass
        raise
    if cited:
        for chunk in _chunks(sorted(set(cited)), GRAPHS_PER_REQUEST):
            store._run_update(gc_shared_update(shared, chunk))


def _rollback(store: RemoteStore, graphs: list[str], shared: str, shared_triples: list[ox.Triple]) -> None:
    """Undo a failed write as far as the server lets us (it may be the server that failed)."""
    try:
        drop_graphs(store, graphs)
        nodes = sorted({t.subject.value for t in shared_triples if isinstance(t.subject, ox.NamedNode)})
        for chunk in _chunks(nodes, GRAPHS_PER_REQUEST):
            store._run_update(gc_shared_update(shared, chunk))
    except Exception:  # noqa: S110 - the graphs have no marker: the next ingest rewrites them
        pass


def replace_graph(store: RemoteStore, graph: str, data: str | bytes, format: str = "nt") -> None:
    """Drop ``graph`` and write ``data`` into it in chunks, its last triple in the last request."""
    rdf = GRAPH_FORMATS.get(format) or ox.RdfFormat.from_extension(format)
    if rdf is None:
        raise ValueError(f"unknown RDF format {format!r}")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, rdf, without_named_graphs=True)]
    drop_graphs(store, [graph])
    last = triples[-1:] if triples and not _has_bnode(triples[-1]) else []
    post_triples(store, graph, triples[:len(triples) - len(last)])
    post_triples(store, graph, last)


def change_graph(store: RemoteStore, graph: str, removed: list[str], added: list[str]) -> None:
    """Apply a delta of N-Triples lines: removals (the graph's own triples first), then additions
    (the graph's own triples last) — a delta cut short leaves the graph without its stamp."""
    own = f"<{graph}> "
    removed = sorted(removed, key=lambda line: not line.startswith(own))
    added = sorted(added, key=lambda line: line.startswith(own))
    for chunk in _chunks(removed, UPDATE_TRIPLES):
        store._run_update(f"DELETE DATA {{ GRAPH <{graph}> {{\n" + "\n".join(chunk) + "\n} }")
    tail = [line for line in added if line.startswith(own)]
    head = added[:len(added) - len(tail)]
    for lines in (head, tail):
        for chunk in _byte_chunks((line + "\n" for line in lines), REQUEST_BYTES):
            store.gsp_post(graph, chunk)


def post_triples(store: RemoteStore, graph: str, triples: Sequence[ox.Triple]) -> None:
    """Graph Store POSTs of at most REQUEST_BYTES each; triples with blank nodes in one request."""
    if not triples:
        return
    with_bnodes = [t for t in triples if _has_bnode(t)]
    plain = [t for t in triples if not _has_bnode(t)] if with_bnodes else triples
    if with_bnodes:
        store.gsp_post(graph, ntriples(with_bnodes).encode("utf-8"))
    lines = ntriples(plain).splitlines(keepends=True)
    for chunk in _byte_chunks(lines, REQUEST_BYTES):
        store.gsp_post(graph, chunk)


def insert_data(store: RemoteStore, quads: Sequence[tuple[str, ox.Triple]]) -> None:
    """Small ``INSERT DATA`` requests (UPDATE_TRIPLES each), in order."""
    for chunk in _chunks(list(quads), UPDATE_TRIPLES):
        by_graph: dict[str, list[ox.Triple]] = {}
        for graph, t in chunk:
            by_graph.setdefault(graph, []).append(t)
        body = "\n".join(f"GRAPH <{g}> {{\n{ntriples(ts)}}}" for g, ts in by_graph.items())
        store._run_update(f"INSERT DATA {{\n{body}\n}}")


def existing_graphs(store: RemoteStore, graphs: Iterable[str]) -> list[str]:
    """Those of ``graphs`` that hold at least one triple."""
    found: list[str] = []
    for chunk in _chunks(sorted(set(graphs)), GRAPHS_PER_REQUEST):
        values = " ".join(f"<{g}>" for g in chunk)
        rows = store.select(f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
        found += [r["g"] for r in rows if r.get("g")]
    return found


def drop_graphs(store: RemoteStore, graphs: Iterable[str]) -> None:
    for chunk in _chunks(list(graphs), GRAPHS_PER_REQUEST):
        store._run_update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in chunk))


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _chunks(items: Sequence, n: int) -> Iterator[Sequence]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _byte_chunks(lines: Iterable[str], limit: int) -> Iterator[bytes]:
    """Whole lines, at most ``limit`` bytes per chunk (a longer single line goes alone)."""
    pending: list[bytes] = []
    size = 0
    for line in lines:
        data = line.encode("utf-8")
        if pending and size + len(data) > limit:
            yield b"".join(pending)
            pending, size = [], 0
        pending.append(data)
        size += len(data)
    if pending:
        yield b"".join(pending)
