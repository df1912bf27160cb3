"""Issue 5's done criteria on the bundled sample, through `jixiao ingest` / `jixiao sparql`,
on the embedded store and on a real `oxigraph serve` (--store URL)."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.store import open_store

AUDITORS = """SELECT ?title WHERE {
  ?doc eli:id_local "沪委办发〔2018〕12号" .
  ?p jx:legalBasis ?doc ; dcterms:title ?title .
}"""
RESEARCHERS = """SELECT ?l1label (COUNT(?i) AS ?n) WHERE {
  ?i a jx:Indicator ; jx:category ?l2 . ?l2 skos:broader ?l1 . ?l1 skos:prefLabel ?l1label .
} GROUP BY ?l1label"""
PREPARERS = """SELECT ?name ?raw ?title WHERE {
  ?p jx:hasIndicator ?i ; dcterms:title ?title . ?i rdfs:label ?name .
  OPTIONAL { ?i jx:target/jx:rawText ?raw }
  FILTER(CONTAINS(?name, "满意度"))
}"""
PROJECTS = {"高峰人才及其团队服务专项", "公共服务专项经费", "人才大厦管理维护专项", "人才公寓管理维护专项"}

runner = CliRunner()


def jixiao(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(params=["embedded", "remote"])
def where(request, tmp_path, sample_file, oxigraph_serve):
    """CLI options naming a store into which `jixiao ingest` has put the sample."""
    if request.param == "embedded":
        opts = ["--data", str(tmp_path / "data")]
        jixiao("ingest", str(sample_file), *opts, "--no-index")
        yield opts
    else:
        with oxigraph_serve(tmp_path / "server") as url:
            opts = ["--data", str(tmp_path / "data"), "--store", url]
            jixiao("ingest", str(sample_file), *opts, "--no-index")
            yield opts


def sparql_json(query: str, opts: list[str]) -> list[dict[str, str]]:
    doc = json.loads(jixiao("sparql", query, "--format", "json", *opts))
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_auditors_query(where):
    assert sparql_json(AUDITORS, where) == [{"title": "高峰人才及其团队服务专项"}]


def test_researchers_query_counts_all_200_indicators(where):
    rows = sparql_json(RESEARCHERS, where)
    counts = {r["l1label"]: int(r["n"]) for r in rows}
    assert set(counts) == {"投入与管理", "产出", "效果", "影响力"}  # the Shanghai framework's 一级
    assert sum(counts.values()) == 200


def test_preparers_query_finds_satisfaction_targets_of_all_four_projects(where):
    out = jixiao("sparql", PREPARERS, "--format", "csv", *where)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["title"] for r in rows} == PROJECTS
    assert all("满意度" in r["name"] and r["raw"] == "≥85%" for r in rows)
    assert {r["name"] for r in rows} >= {"高峰人才及团队满意度", "办事人员满意度", "入住专家满意度"}


def test_document_cited_by_two_projects_is_one_node(where):
    rows = sparql_json("""SELECT ?doc ?title WHERE { ?doc eli:id_local "沪人服〔2016〕1号" .
        ?p jx:legalBasis|jx:cites ?doc ; dcterms:title ?title }""", where)
    assert len({r["doc"] for r in rows}) == 1
    assert {r["title"] for r in rows} == {"公共服务专项经费", "人才大厦管理维护专项"}


def test_every_indicator_has_provenance_and_a_category(where):
    rows = sparql_json("""SELECT (COUNT(?i) AS ?n) WHERE { ?i a jx:Indicator ; jx:sourceLine ?line ;
        prov:wasDerivedFrom [ jx:sha256 ?sha ] ; jx:category/skos:inScheme ?scheme }""", where)
    assert int(rows[0]["n"]) == 200


def test_table_format_and_stats(where):
    out = jixiao("sparql", AUDITORS, *where)
    assert "高峰人才及其团队服务专项" in out
    stats = json.loads(jixiao("stats", "--json", *where))
    assert stats["projects"] == 4 and stats["indicators"] == 200 and stats["sources"] == 1
    assert stats["documents"] >= 20 and stats["triples"] > 3000


def test_shacl_validation_of_the_sample_conforms(where):
    result = runner.invoke(app, ["validate", *where])
    assert result.exit_code == 0, result.output
    assert "conforms: True" in result.stdout


def test_validation_fails_on_a_malformed_project(tmp_path, sample_file):
    data = tmp_path / "data"
    jixiao("ingest", str(sample_file), "--data", str(data), "--no-index")
    s = open_store(data=data)
    s.update('INSERT DATA { GRAPH <urn:x:bad> { <urn:x:p> a jx:Project ; dcterms:title "无申报单位"@zh } }')
    s.close()
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert "conforms: False" in result.stdout


def test_reingest_is_idempotent_and_a_changed_file_replaces_its_graph(tmp_path, sample_file):
    src = tmp_path / "rencai.txt"
    shutil.copy(sample_file, src)
    opts = ["--data", str(tmp_path / "data")]
    jixiao("ingest", str(src), *opts, "--no-index")
    before = json.loads(jixiao("stats", "--json", *opts))
    out = runner.invoke(app, ["ingest", str(src), *opts, "--no-index"])
    assert out.exit_code == 0 and "unchanged" in out.output
    assert json.loads(jixiao("stats", "--json", *opts)) == before  # same triple count

    text = src.read_text(encoding="utf-8").replace("高峰人才及团队满意度\t≥85%", "高峰人才及团队满意度\t≥90%")
    src.write_text(text, encoding="utf-8")
    jixiao("ingest", str(src), *opts, "--no-index")
    raws = {r["raw"] for r in sparql_json(PREPARERS, opts) if r["name"] == "高峰人才及团队满意度"}
    assert raws == {"≥90%"}  # replaced, not merged with the old ≥85%
    after = json.loads(jixiao("stats", "--json", *opts))
    assert after == before  # same shape: one source, 4 projects, same number of triples


def test_bad_file_is_reported_and_the_others_are_ingested(tmp_path, sample_file):
    bad = tmp_path / "empty.txt"
    bad.write_text("这不是绩效目标表\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    opts = ["--data", str(tmp_path / "data")]
    result = runner.invoke(app, ["ingest", str(bad), str(missing), str(sample_file), *opts, "--no-index"])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "missing.txt" in result.output
    stats = json.loads(jixiao("stats", "--json", *opts))
    assert stats["projects"] == 4 and stats["sources"] == 1


def test_export_formats(tmp_path, sample_file):
    import pyoxigraph as ox

    opts = ["--data", str(tmp_path / "data")]
    jixiao("ingest", str(sample_file), *opts, "--no-index")
    trig = tmp_path / "all.trig"
    jixiao("export", "--format", "trig", "--out", str(trig), *opts)
    quads = list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    assert len(quads) == json.loads(jixiao("stats", "--json", *opts))["triples"]
    nt = jixiao("export", "--format", "nt", *opts)
    assert len(nt.splitlines()) == len(quads)


def test_sparql_errors_are_reported(tmp_path):
    result = runner.invoke(app, ["sparql", "SELECT WHERE {", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "SPARQL error" in result.output


def test_help_has_examples():
    for cmd in ("ingest", "sparql", "export", "validate", "stats"):
        out = runner.invoke(app, [cmd, "--help"]).output
        assert "Example: jixiao " + cmd in out, cmd


def test_app_ingest_summary_and_search_sync(tmp_path, sample_file):
    from api.app import Jixiao

    seen = []
    jx = Jixiao(data=tmp_path / "data")
    try:
        summary = jx.ingest([sample_file], progress=lambda path, done, total: seen.append((path.name, done, total)))
        assert seen == [(sample_file.name, 1, 1)]
        assert (summary.sources, summary.changed, summary.failed) == (1, 1, 0)
        assert (summary.tables, summary.indicators) == (4, 200)
        assert summary.documents >= 20 and summary.warnings > 0 and summary.triples_added > 2000
        assert summary.index and not summary.index.startswith("skipped")
        again = jx.ingest([sample_file], index=False)
        assert (again.changed, again.unchanged, again.triples_added) == (0, 1, 0)
    finally:
        jx.close()


def test_sparql_from_a_file_and_construct_as_turtle(tmp_path, sample_file):
    import pyoxigraph as ox

    opts = ["--data", str(tmp_path / "data")]
    jixiao("ingest", str(sample_file), *opts, "--no-index")
    q = tmp_path / "q.rq"
    q.write_text("CONSTRUCT { ?doc eli:id_local ?n } WHERE { ?doc eli:id_local ?n }", encoding="utf-8")
    ttl = jixiao("sparql", "--file", str(q), "--format", "ttl", *opts)
    triples = list(ox.parse(ttl.encode("utf-8"), ox.RdfFormat.TURTLE))
    assert "沪委办发〔2018〕12号" in {t.object.value for t in triples}
    assert len(triples) == int(sparql_json(
        "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d eli:id_local ?x }", opts)[0]["n"])
