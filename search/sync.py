"""Reconcile an index generation with the indicators of the graph.

Indicators keep their stable FAISS id while their IRI lives; new IRIs get fresh ids (never
reused); vanished IRIs are dropped. Vectors come from the previous generation's text cache
where the same normalised name was embedded before, so a re-ingest embeds only new wordings.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from search.encoders import Encoder
from search.lexical import LexicalIndex
from search.state import IndexState
from search.storage import FORMAT
from search.text import normalise
from search.vectors import HNSW_THRESHOLD, VectorIndex

_EMBED_BATCH = 256


def build_state(graph_rows: dict[str, dict[str, Any]], old: IndexState | None, encoder: Encoder,
                encoder_spec: str, generation: str, hnsw_threshold: int = HNSW_THRESHOLD,
                embedded: dict[str, np.ndarray] | None = None, consume: bool = False,
                ) -> tuple[IndexState | None, dict[str, Any]]:
    """A new state, or None when the index already matches the graph; and the report.
    ``embedded``: vectors of new wordings made already (``search.service.WordingPrefetch``).
    ``consume``: empty ``graph_rows`` while the rows are made (each row is then held once,
    not twice: ~80 MB less at 10k tables)."""
    started = time.perf_counter()
    old_rows = old.by_iri if old is not None else {}
    next_id = old.manifest["next_id"] if old is not None else 1

    rows: list[dict[str, Any]] = []
    added = changed = 0
    renamed_ids: list[int] = []  # old ids of kept IRIs whose name changed
    removed_ids = [r["id"] for iri, r in old_rows.items() if iri not in graph_rows]
    for iri in sorted(graph_rows):
        g = graph_rows.pop(iri) if consume else graph_rows[iri]
        text = normalise(g["name"] or "")
        prev = old_rows.get(iri)
        if prev is None:
            row_id, next_id = next_id, next_id + 1
            added += 1
        elif prev["text"] != text:
            # a new vector gets a new id: an HNSW graph cannot replace a vector in place
            renamed_ids.append(prev["id"])
            row_id, next_id = next_id, next_id + 1
        else:
            row_id = prev["id"]
        row = {"id": row_id, "iri": iri, "text": text, **{k: v for k, v in g.items() if k != "iri"}}
        if prev is not None and row != prev:
            changed += 1
        rows.append(row)
    rows.sort(key=lambda r: r["id"])

    report: dict[str, Any] = {"indicators": len(rows), "added": added, "removed": len(removed_ids),
                              "changed": changed, "embedded": 0}
    if old is not None and not added and not removed_ids and not changed:
        report.update(unchanged=True, texts=len(old.texts), kind=old.vectors.kind,
                      generation=old.manifest["generation"], seconds=round(time.perf_counter() - started, 3))
        return None, report

    # distinct texts: keep the previous order for known ones (stable text ids), then new ones
    wanted = {r["text"] for r in rows}
    texts = [t for t in (old.texts if old is not None else []) if t in wanted]
    known = set(texts)
    fresh = sorted(wanted - known)
    texts.extend(fresh)
    dim = encoder.dim
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    if old is not None and texts:
        for i, t in enumerate(texts[:len(texts) - len(fresh)]):
            vectors[i] = old.text_vectors[old.text_id[t]]
    first = len(texts) - len(fresh)
    missing = []
    for n, t in enumerate(fresh):
        v = embedded.get(t) if embedded else None
        if v is None:
            missing.append(n)
        else:
            vectors[first + n] = v
    for start in range(0, len(missing), _EMBED_BATCH):
        chunk = missing[start:start + _EMBED_BATCH]
        vectors[[first + n for n in chunk]] = encoder.encode([fresh[n] for n in chunk])
    report["embedded"] = len(fresh)

    text_id = {t: i for i, t in enumerate(texts)}
    old_ids = {r["id"] for r in old_rows.values()}
    index = _updated_vector_index(old, rows, text_id, vectors, dim, removed_ids + renamed_ids,
                                  new_ids={r["id"] for r in rows if r["id"] not in old_ids},
                                  hnsw_threshold=hnsw_threshold)
    lexical = (old.lexical if old is not None and texts == old.texts else LexicalIndex.build(texts))
    manifest = {
        "format": FORMAT,
        "generation": generation,
        "encoder": {"name": encoder.name, "spec": encoder_spec, "dim": dim},
        "kind": index.kind,
        "next_id": next_id,
        "indicators": len(rows),
        "texts": len(texts),
        "synced_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    state = IndexState(manifest=manifest, rows=rows, texts=texts, text_vectors=vectors,
                       vectors=index, lexical=lexical)
    report.update(unchanged=False, texts=len(texts), kind=index.kind, generation=generation,
                  seconds=round(time.perf_counter() - started, 3))
    return state, report


def _updated_vector_index(old: IndexState | None, rows: list[dict], text_id: dict[str, int],
                          vectors: np.ndarray, dim: int, drop_ids: list[int], new_ids: set[int],
                          hnsw_threshold: int) -> VectorIndex:
    kind = VectorIndex.kind_for(len(rows), hnsw_threshold)
    if old is None or old.vectors.kind != kind or (kind == "hnsw" and old.vectors.needs_rebuild(len(drop_ids))):
        # first build, a change of kind, or an HNSW graph holding too many deleted vectors
        index = VectorIndex.empty(dim, kind)
        _add_rows(index, rows, text_id, vectors)
        return index
    # incremental: copy the previous index (it may still be serving queries), then edit it
    index = old.vectors.copy()
    if drop_ids:
        index.remove(np.array(drop_ids, dtype=np.int64))
    _add_rows(index, [r for r in rows if r["id"] in new_ids], text_id, vectors)
    return index


_ADD_CHUNK = 16_384  # rows per FAISS add: a vector per indicator, so never the whole matrix at once


def _add_rows(index: VectorIndex, rows: list[dict], text_id: dict[str, int], vectors: np.ndarray) -> None:
    """Add the rows' vectors (their texts' vectors) to ``index`` chunk by chunk: at 10k tables
    the matrix of one vector per indicator is 400 MB, which FAISS copies again."""
    for start in range(0, len(rows), _ADD_CHUNK):
        part = rows[start:start + _ADD_CHUNK]
        index.add(np.array([r["id"] for r in part], dtype=np.int64), vectors[[text_id[r["text"]] for r in part]])


# ---------------------------------------------------------------------------------------
# The rows of a sync: from the ingest where it can hand them over, else from the graph

def ontology_digest() -> str:
    """The digest of the ontology files the category labels come from."""
    import ontology
    from graph.base import ONTOLOGY_FILES

    return ontology.digest(*ONTOLOGY_FILES)


def graph_rows_and_sources(store) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Every indicator row read from the graph, and the sources record of the state."""
    from search.graph_rows import read_indicator_rows, source_applicants, source_projects

    return read_indicator_rows(store), {"ontology": ontology_digest(), "graphs": source_projects(store),
                                        "applicants": source_applicants(store)}


def ingest_rows(store, old: IndexState | None, ingested: dict[str, dict[str, Any]],
                ) -> tuple[dict[str, dict[str, Any]], dict[str, Any], int] | None:
    """The rows of every indicator in the graph after an ingest, without reading them all back.

    ``ingested``: source graph → ``search.graph_rows.source_rows`` of that source, for the
    sources the ingest prepared (written or found unchanged). The other sources' rows come
    from ``old``, the index before the ingest, whose ``sources`` record says which graphs
    and projects it was built from. A project whose rows depend on more than one source
    (the same project in two files) is joined from its sources' rows when the ingest
    handed all of them over, and read from the graph when it did not or when the sources
    that describe it changed; an applicant with several labels gets the least of them, as
    :func:`search.graph_rows.read_indicator_rows` gives it. None when the old state cannot
    say (no sources record, another ontology, a source neither ingested nor known to it):
    the caller then reads everything from the graph.

    Returns (rows, sources record, projects read from the graph).
    """
    from search.graph_rows import ambiguous_labels, merge_rows, read_indicator_rows, source_graphs

    digest = ontology_digest()
    if old is None:
        old_sources: dict[str, Any] = {"ontology": digest, "graphs": {}, "applicants": {}}
    else:
        old_sources = old.sources or {}
        if old_sources.get("ontology") != digest or "graphs" not in old_sources:
            return None
    old_graphs: dict[str, list[str]] = old_sources["graphs"]
    stored = source_graphs(store)
    graphs: dict[str, list[str]] = {}
    for g in stored:
        if g in ingested:
            graphs[g] = ingested[g]["projects"]
        elif g in old_graphs:
            graphs[g] = old_graphs[g]
        else:
            return None  # a source the old index was not built from (e.g. ingested with --no-index)
    where: dict[str, list[str]] = {}  # project → its graphs now
    for g, projects in graphs.items():
        for p in projects:
            where.setdefault(p, []).append(g)
    was: dict[str, list[str]] = {}  # project → its graphs when the old index was built
    for g, projects in old_graphs.items():
        for p in projects:
            was.setdefault(p, []).append(g)
    from_ingest: dict[str, list[str]] = {}  # project → the ingested graphs whose rows make it
    from_old: set[str] = set()
    reread: set[str] = set()
    for p, gs in where.items():
        if all(g in ingested for g in gs):
            from_ingest[p] = gs
        elif not any(g in ingested for g in gs) and sorted(was.get(p, [])) == sorted(gs):
            from_old.add(p)
        else:
            reread.add(p)
    rows: dict[str, dict[str, Any]] = {}
    if old is not None:
        for r in old.rows:
            if r["project"]["iri"] in from_old:
                rows[r["iri"]] = {k: v for k, v in r.items() if k not in ("id", "text")}
    single = [ingested[g]["rows"] for g in graphs if g in ingested]
    multi = {p for p, gs in from_ingest.items() if len(gs) > 1}
    for part in single:
        rows.update((iri, row) for iri, row in part.items()
                    if row["project"]["iri"] in from_ingest and row["project"]["iri"] not in multi)
    if multi:
        parts = [{iri: row for iri, row in ingested[g]["rows"].items() if row["project"]["iri"] in multi}
                 for g in sorted({g for p in multi for g in from_ingest[p]})]
        rows.update(merge_rows(parts))
    if reread:
        rows.update(read_indicator_rows(store, reread))
    applicants = {p: os for p, os in old_sources.get("applicants", {}).items() if p in where}
    for g in graphs:
        if g in ingested:
            applicants.update(ingested[g].get("applicants", {}))
    several = ambiguous_labels(store)
    if several:
        least: dict[str, str] = {}
        for p, orgs in applicants.items():
            labels = [several[o] for o in orgs if o in several]
            if labels:
                least[p] = min(labels)
        for row in rows.values():
            project = row["project"]
            label = least.get(project["iri"])
            if label is not None and (project.get("applicant") is None or label < project["applicant"]):
                row["project"] = dict(project, applicant=label)
    return rows, {"ontology": digest, "graphs": graphs, "applicants": applicants}, len(reread)
