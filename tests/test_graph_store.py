"""The store interface, on both backends: embedded Oxigraph and a real `oxigraph serve`."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.mapping import map_source
from graph.results import SparqlError
from graph.store import EmbeddedStore, StoreBusyError, open_store
from ingest.records import Indicator, LegalRef, SourceRecord, TableRecord, Target

DOC = LegalRef(title="上海市人才服务中心2016年度人才公共服务工作要点", doc_number="沪人服〔2016〕1号",
               issuer_code="沪人服", year=2016, serial=1)


def make_record(path: Path, title: str = "项目甲", target: str = "=15名", value: int = 15, sha: str = "a" * 64,
                docs=(DOC,)) -> SourceRecord:
    return SourceRecord(path=str(path), encoding="utf-8", sha256=sha, tables=[TableRecord(
        title=title, unit="上海市人才服务中心", year=2020, start="2020-01-01", end="2020-12-31",
        legal_bases=list(docs),
        indicators=[Indicator("产出目标", "数量", "服务人数", Target(target, "=", value, "名"), 10, 1),
                    Indicator("效果目标", "满意度", "服务对象满意度", Target("≥85%", "≥", 85, "%"), 11, 2)],
        lines=(1, 12))])


def titles_for(store, number: str) -> list[str]:
    return [r["title"] for r in store.select(f"""SELECT ?title WHERE {{
        ?doc eli:id_local "{number}" . ?p jx:legalBasis|jx:cites ?doc ; dcterms:title ?title }} ORDER BY ?title""")]


def test_replace_is_idempotent_and_replaces_changed_sources(store, tmp_path):
    rec = make_record(tmp_path / "a.txt")
    first = store.replace_source(rec)
    assert first.changed and first.triples > 20 and first.indicators == 2
    total = store.triple_count()
    again = store.replace_source(make_record(tmp_path / "a.txt"))
    assert not again.changed and again.triples == first.triples and again.graph == first.graph
    assert store.triple_count() == total

    changed = store.replace_source(make_record(tmp_path / "a.txt", target="=20名", value=20, sha="b" * 64))
    # a source is keyed by its content: new content is a new graph, which replaces the
    # version ingested from the same path
    assert changed.changed and changed.graph != first.graph
    raws = {r["raw"] for r in store.select("SELECT ?raw WHERE { ?t jx:rawText ?raw }")}
    assert "=20名" in raws and "=15名" not in raws  # the old graph is gone, not merged
    assert store.triple_count() == total  # same shape, same size
    assert store.stats()["sources"] == 1


def test_union_default_graph_holds_shared_documents_once(store, tmp_path):
    store.replace_source(make_record(tmp_path / "a.txt", title="项目甲"))
    store.replace_source(make_record(tmp_path / "b.txt", title="项目乙", sha="c" * 64))
    # no GRAPH clause: the default graph is the union of all named graphs
    assert titles_for(store, "沪人服〔2016〕1号") == ["项目乙", "项目甲"]  # one row each, no duplicates
    docs = store.select('SELECT ?d WHERE { ?d eli:id_local "沪人服〔2016〕1号" }')
    assert len(docs) == 1
    graphs = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?p a jx:Project } }")
    assert len(graphs) == 2  # one named graph per source file
    s = store.stats()
    assert (s["projects"], s["indicators"], s["documents"], s["sources"]) == (2, 4, 1, 2)


def test_removing_a_source_collects_documents_nobody_cites(store, tmp_path):
    store.replace_source(make_record(tmp_path / "a.txt"))
    store.replace_source(make_record(tmp_path / "b.txt", title="项目乙", sha="c" * 64, docs=()))
    assert store.stats()["documents"] == 1
    assert store.remove_source(tmp_path / "a.txt")
    assert store.stats()["documents"] == 0
    assert not store.select('SELECT ?d WHERE { ?d eli:id_local "沪人服〔2016〕1号" }')
    # the organization is still the applicant of 项目乙, so it stays
    assert store.select('SELECT ?o WHERE { ?o skos:prefLabel "上海市人才服务中心"@zh }')
    assert not store.remove_source(tmp_path / "a.txt")


def test_failed_update_leaves_the_store_as_it_was(store, tmp_path):
    if getattr(store, "chunked", False):
        pytest.skip("Virtuoso commits each operation of an update request on its own; jixiao's chunked "
                    "writes roll back instead (tests/test_virtuoso.py)")
    store.replace_source(make_record(tmp_path / "a.txt"))
    before = sorted(store.export("nq").splitlines())
    mapped = map_source(make_record(tmp_path / "a.txt", target="=99名", value=99, sha="d" * 64), store.minter)
    # The real replace request, with an operation that fails after DROP and INSERT have run.
    broken = store.replace_update(mapped) + " ;\nLOAD <http://127.0.0.1:9/nothing.ttl>"
    with pytest.raises((OSError, RuntimeError, SparqlError)):
        store.update(broken)
    assert sorted(store.export("nq").splitlines()) == before


def test_select_gives_python_values_and_query_gives_endpoint_formats(store, tmp_path):
    store.replace_source(make_record(tmp_path / "a.txt"))
    rows = store.select("""SELECT ?i ?name ?v ?pos ?year ?start ?op ?missing WHERE {
        ?p jx:hasIndicator ?i ; jx:fiscalYear ?year ; jx:startDate ?start .
        ?i rdfs:label ?name ; jx:position ?pos ; jx:target [ jx:numericValue ?v ; jx:operator ?op ] .
        OPTIONAL { ?i jx:nothing ?missing } } ORDER BY ?pos""")
    assert [r["name"] for r in rows] == ["服务人数", "服务对象满意度"]
    r = rows[0]
    assert r["v"] == Decimal("15") and r["pos"] == 1 and r["year"] == 2020
    assert r["start"] == dt.date(2020, 1, 1) and r["op"] == "=" and r["missing"] is None
    assert r["i"].startswith("https://w3id.org/jixiao/id/project/")

    res = store.query("SELECT ?name WHERE { ?i a jx:Indicator ; rdfs:label ?name } ORDER BY ?name")
    assert res.kind == "select" and res.variables == ["name"]
    doc = json.loads(res.serialize("json"))
    assert doc["head"]["vars"] == ["name"]
    assert [b["name"]["value"] for b in doc["results"]["bindings"]] == ["服务人数", "服务对象满意度"]
    assert store.query("SELECT ?name WHERE { ?i rdfs:label ?name }").serialize("csv").startswith(b"name\r\n")
    assert b"<sparql" in store.query("ASK { ?s ?p ?o }").serialize("xml")
    assert store.ask("ASK { ?i a jx:Indicator }") and not store.ask("ASK { ?i a jx:Nothing }")
    graph = store.query("CONSTRUCT { ?i rdfs:label ?n } WHERE { ?i a jx:Indicator ; rdfs:label ?n }")
    assert graph.kind == "graph"
    assert len(list(ox.parse(graph.serialize("ttl"), ox.RdfFormat.TURTLE))) == 2
    with pytest.raises(SparqlError):
        store.select("SELECT WHERE {")


def test_export_round_trips(store, tmp_path):
    store.replace_source(make_record(tmp_path / "a.txt"))
    quads = list(ox.parse(store.export("trig"), ox.RdfFormat.TRIG))
    assert len(quads) == store.triple_count()
    assert len({q.graph_name for q in quads}) == 3  # ontology, the source, shared descriptions
    ttl = list(ox.parse(store.export("ttl"), ox.RdfFormat.TURTLE))
    assert len(ttl) == len(quads)
    out = tmp_path / "x.nt"
    store.export("nt", out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(quads)
    json.loads(store.export("jsonld"))
    with pytest.raises(ValueError):
        store.export("docx")


def test_replace_graph_for_other_packages(store):
    g = "https://w3id.org/jixiao/id/graph/similarity"
    store.replace_graph(g, "<http://ex/a> <http://ex/p> <http://ex/b> .\n<http://ex/a> <http://ex/p> \"x\" .\n")
    assert store.graph_triple_count(g) == 2
    store.replace_graph(g, "@prefix ex: <http://ex/> . ex:c ex:p ex:d .", format="ttl")
    assert store.graph_triple_count(g) == 1
    with pytest.raises(SyntaxError):
        store.replace_graph(g, "not rdf")
    assert store.graph_triple_count(g) == 1
    store.drop_graph(g)
    assert store.graph_triple_count(g) == 0


def test_ontology_and_frameworks_are_loaded_once(store):
    assert store.ask("ASK { jx:Project a owl:Class ; rdfs:label ?l }")
    assert store.ask("ASK { jx:sh_effect_satisfaction skos:exactMatch jx:nat_satisfaction_beneficiary }")
    n = store.triple_count()
    assert store.ensure_ontology() is False
    assert store.triple_count() == n


# ---------------------------------------------------------------- embedded only


def test_sparql_runs_in_oxigraph_not_in_rdflib(tmp_path):
    """RDF-star's TRIPLE() parses in Oxigraph only: rdflib's own evaluator rejects it."""
    from rdflib import Graph

    s = open_store(data=tmp_path)
    try:
        s.replace_source(make_record(tmp_path / "a.txt"))
        q = "SELECT (COUNT(DISTINCT TRIPLE(?s, ?p, ?o)) AS ?n) WHERE { ?s a jx:Indicator ; ?p ?o }"
        assert s.select(q)[0]["n"] > 10
        # The rdflib view (oxrdflib) hands plain query strings to Oxigraph as well …
        rows = list(s.dataset.query(q))
        assert int(rows[0][0]) > 10
        # … whereas rdflib's Python evaluator cannot even parse the query.
        with pytest.raises(Exception):  # noqa: B017 - pyparsing's ParseException
            Graph().query(q)
    finally:
        s.close()


def test_one_writer_and_snapshot_readers(tmp_path):
    data = tmp_path / "data"
    writer = open_store(data=data)
    writer.replace_source(make_record(tmp_path / "a.txt"))
    with pytest.raises(StoreBusyError):
        open_store(data=data)
    assert writer.publish() is not None
    reader = open_store(data=data, read_only=True)
    assert reader.stats()["projects"] == 1
    with pytest.raises(PermissionError):
        reader.replace_source(make_record(tmp_path / "b.txt"))
    # the writer adds a file while the reader stays open; after publish the reader sees it
    writer.replace_source(make_record(tmp_path / "b.txt", title="项目乙", sha="e" * 64))
    assert reader.stats()["projects"] == 1  # still its snapshot
    writer.publish()
    assert reader.stats()["projects"] == 2
    reader.close()
    writer.close()
    snapshots = [p for p in (data / "snapshots").iterdir() if p.is_dir()]
    assert 1 <= len(snapshots) <= 3
    # and the store is reopened for writing once the writer is gone
    again = open_store(data=data)
    assert again.stats()["projects"] == 2
    again.close()


def test_reader_of_an_empty_data_folder(tmp_path):
    r = open_store(data=tmp_path / "nothing", read_only=True)
    assert r.stats()["projects"] == 0
    assert isinstance(r, EmbeddedStore)


def test_persistence_across_reopen(tmp_path):
    s = open_store(data=tmp_path)
    s.replace_source(make_record(tmp_path / "a.txt"))
    n = s.triple_count()
    s.close()
    s = open_store(data=tmp_path)
    assert s.triple_count() == n
    assert not s.replace_source(make_record(tmp_path / "a.txt")).changed
    s.close()


# ---------------------------------------------------------------- remote only


def test_remote_on_a_union_default_graph_server(tmp_path, oxigraph_serve):
    with oxigraph_serve(tmp_path / "server", union_default_graph=True) as url:
        s = open_store(url=url)
        s.replace_source(make_record(tmp_path / "a.txt"))
        s.replace_source(make_record(tmp_path / "b.txt", title="项目乙", sha="c" * 64))
        assert s._union is True  # detected: queries go to the server as they are
        assert titles_for(s, "沪人服〔2016〕1号") == ["项目乙", "项目甲"]
        s.close()


def test_remote_unreachable_is_a_connection_error():
    with pytest.raises(ConnectionError):
        open_store(url="http://127.0.0.1:9")


def test_reader_of_a_never_published_store(tmp_path):
    data = tmp_path / "data"
    writer = open_store(data=data)
    writer.replace_source(make_record(tmp_path / "a.txt"))
    with pytest.raises(StoreBusyError):  # being written, nothing published: refuse, never read it
        open_store(data=data, read_only=True)
    writer.close()
    shutil.rmtree(data / "snapshots")  # as if written before snapshots existed
    reader = open_store(data=data, read_only=True)  # publishes a snapshot, reads that
    assert reader.stats()["projects"] == 1
    assert (data / "snapshots" / "CURRENT").exists()
    reader.close()


def test_publish_makes_a_first_snapshot_even_without_changes(tmp_path):
    data = tmp_path / "data"
    s = open_store(data=data)
    s.replace_source(make_record(tmp_path / "a.txt"))
    s.close()
    shutil.rmtree(data / "snapshots")  # as if written before snapshots existed
    writer = open_store(data=data)  # e.g. the web server holding the store for updates
    assert writer.publish() is not None  # readers need one, changed or not
    assert writer.publish() is None  # nothing new since
    reader = open_store(data=data, read_only=True)
    assert reader.stats()["projects"] == 1
    reader.close()
    writer.close()
