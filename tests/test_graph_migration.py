"""A store written before mapping version 2 (IRIs keyed by the file's path) is migrated by
re-ingesting: the old graph ingested from the same path is replaced in the same step, and
the ingest counts the sources an earlier version wrote until none is left."""
from __future__ import annotations

from pathlib import Path

from api.app import Jixiao
from tests.tablegen import table_text

OLD_GRAPH = "https://w3id.org/jixiao/id/graph/0123456789abcdef"  # a path digest, as version 1 minted


def _graphs(jx: Jixiao) -> set[str]:
    return {r["g"] for r in jx.store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a jx:Source } }")}


def test_reingest_replaces_a_version_1_graph(tmp_path: Path):
    f, other = tmp_path / "a.txt", tmp_path / "b.txt"
    f.write_text(table_text(title="甲"), encoding="utf-8")
    other.write_text(table_text(title="乙"), encoding="utf-8")
    jx = Jixiao(data=tmp_path / "data")
    try:
        jx.ingest([f], index=False)
        (new,) = _graphs(jx)
        # make it look like version 1 wrote it: another graph IRI, mapping version "1"
        jx.store.update(f"""MOVE <{new}> TO <{OLD_GRAPH}> ;
            DELETE {{ GRAPH <{OLD_GRAPH}> {{ ?s jx:mappingVersion ?v }} }}
            INSERT {{ GRAPH <{OLD_GRAPH}> {{ ?s jx:mappingVersion "1" }} }}
            WHERE {{ GRAPH <{OLD_GRAPH}> {{ ?s jx:mappingVersion ?v }} }}""")
        assert _graphs(jx) == {OLD_GRAPH}
        summary = jx.ingest([other], index=False)
        assert summary.outdated == 1  # the CLI prints a note for these
        summary = jx.ingest([f], index=False)
        assert summary.changed == 1 and summary.outdated == 0
        assert OLD_GRAPH not in _graphs(jx) and new in _graphs(jx)
        titles = jx.store.select("SELECT ?t WHERE { ?p a jx:Project ; dcterms:title ?t } ORDER BY ?t")
        assert [r["t"] for r in titles] == ["乙", "甲"]  # once each: the old version is gone
    finally:
        jx.close()
