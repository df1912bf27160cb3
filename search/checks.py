"""``Searcher.check``: does the search index agree with the graph?"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from search.graph_rows import read_indicator_rows
from search.storage import current_generation, index_root
from search.text import normalise
from search.write_graph import read_graph_stamps

if TYPE_CHECKING:
    from search.service import Searcher

_SHOWN = 20  # IRIs listed per kind of disagreement


def check_index(searcher: Searcher) -> dict[str, Any]:
    problems: list[str] = []
    graph_rows = read_indicator_rows(searcher.store)
    state = searcher.state
    report: dict[str, Any] = {"ok": False, "problems": problems, "graph": {"indicators": len(graph_rows)}}
    live = current_generation(index_root(searcher.data))
    if state is None:
        report["index"] = None
        if graph_rows:
            problems.append(f"no search index, but the graph has {len(graph_rows)} indicators: run sync")
        report["ok"] = not problems
        return report

    generation = state.manifest["generation"]
    report["index"] = {"generation": generation, "encoder": state.encoder_name, "kind": state.vectors.kind,
                       "indicators": len(state.rows), "texts": len(state.texts),
                       "vectors": state.vectors.ntotal, "tombstones": len(state.vectors.tombstones)}
    if live is None or live.name != generation:
        problems.append(f"the index on disk ({live.name if live else 'none'}) is not the one loaded ({generation})")

    # the index files agree with each other
    ids = set(int(i) for i in state.vectors.ids())
    if ids != set(state.by_id):
        problems.append(f"FAISS holds {len(ids)} ids, the id map {len(state.by_id)}")
    if len(state.text_vectors) != len(state.texts) or state.lexical.size != len(state.texts):
        problems.append("text cache, vectors and lexical index have different sizes")

    # the index agrees with the graph
    missing = sorted(set(graph_rows) - set(state.by_iri))
    stale = sorted(set(state.by_iri) - set(graph_rows))
    changed = sorted(iri for iri, g in graph_rows.items() if iri in state.by_iri and _differs(g, state.by_iri[iri]))
    for key, label, iris in (
            ("missing_from_index", "indicators in the graph but not in the index", missing),
            ("stale_in_index", "indicators in the index but no longer in the graph", stale),
            ("changed", "indicators whose name or context changed since the last sync", changed)):
        report[key] = iris[:_SHOWN]
        if iris:
            problems.append(f"{len(iris)} {label}: run sync")

    # the materialised similarity / reuse graphs come from this index generation
    stamps = read_graph_stamps(searcher.store, searcher._graph_iris())
    report["graphs"] = {g: stamps.get(g) for g in searcher._graph_iris()}
    for g in searcher._graph_iris():
        if stamps.get(g) != generation:
            problems.append(f"named graph <{g}> was built from {stamps.get(g) or 'nothing'}, not {generation}")
    report["ok"] = not problems
    return report


def _differs(graph_row: dict, index_row: dict) -> bool:
    if normalise(graph_row["name"] or "") != index_row["text"]:
        return True
    return any(graph_row.get(k) != index_row.get(k) for k in ("name", "l1", "l2", "target", "project"))
