"""The research queries are shipped in faster forms (benchmarks/bench_sparql.py QUERIES, and
the gallery's examples): pre-aggregated before the labels are joined, the text filter
applied to the labels first, MINUS instead of a per-row FILTER NOT EXISTS. Each must give
exactly the rows of the form the vocabulary spec writes (AS_WRITTEN), on the store on disk
and in memory — on data where every part of the question is exercised: a project without
a legal basis, one whose basis has no number, categories sharing a label."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.app import Jixiao
from graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"


def _bench_sparql():
    spec = importlib.util.spec_from_file_location("bench_sparql_forms", ROOT / "benchmarks" / "bench_sparql.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench_sparql()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("forms")
    writer = Jixiao(data=data)
    try:
        assert not writer.ingest([SAMPLES], index=False).errors
        writer.store.update("""INSERT DATA { GRAPH <urn:test:extra> {
          <urn:test:p1> a jx:Project ; dcterms:title "无依据项目" .
          <urn:test:p2> a jx:Project ; dcterms:title "依据无文号项目" ; jx:legalBasis <urn:test:d> .
          <urn:test:d> dcterms:title "某办法" .
        } }""")
        writer.store.publish()
    finally:
        writer.close()
    return data


def _rows(store, sparql: str) -> list[tuple]:
    res = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return sorted((tuple(str(sol[n]) if sol[n] is not None else None for n in names) for sol in res), key=repr)


@pytest.mark.parametrize("name", sorted(BENCH.AS_WRITTEN))
def test_the_faster_form_gives_the_written_forms_rows(data_dir, name):
    disk = open_store(data=data_dir, read_only=True)
    try:
        snapshot = disk.snapshots / disk._snapshot_id
        on_disk = ox.Store.read_only(str(snapshot))
        memory = ox.Store()
        memory.bulk_extend(on_disk.quads_for_pattern(None, None, None, None))
        for store in (on_disk, memory):
            written = _rows(store, BENCH.PREFIXES + BENCH.AS_WRITTEN[name])
            assert written, f"{name}: the test data must give the question some rows"
            assert _rows(store, BENCH.q(name)) == written, name
    finally:
        disk.close()


def test_a3_sees_both_kinds_of_project_without_a_numbered_basis(data_dir):
    store = open_store(data=data_dir, read_only=True)
    try:
        titles = {r["title"] for r in store.select(BENCH.q("a3_projects_without_numbered_basis"))}
        assert {"无依据项目", "依据无文号项目"} <= titles
    finally:
        store.close()
