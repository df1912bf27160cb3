"""Bad input through a real ingest: nothing else is lost, and a failed source leaves the
store as it was."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.app import Jixiao
from tests.tablegen import ROWS, table_text

COUNT = """SELECT ?title ?total (COUNT(?i) AS ?n) WHERE {
  ?p a jx:Project ; dcterms:title ?title ; jx:hasIndicator ?i . OPTIONAL { ?p jx:budgetTotal ?total } }
GROUP BY ?p ?title ?total ORDER BY ?title ?total"""


@pytest.fixture
def jx(tmp_path):
    app = Jixiao(data=tmp_path / "data")
    yield app
    app.close()


def rows(jx: Jixiao) -> list[tuple]:
    return [(r["title"], int(r["total"]) if r["total"] is not None else None, int(r["n"]))
            for r in jx.store.select(COUNT)]


def test_bad_files_are_reported_and_the_good_ones_ingested(jx, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text(table_text(title="甲"), encoding="utf-8")
    (folder / "b-empty.txt").write_bytes(b"")
    (folder / "c-pdf.txt").write_bytes(b"%PDF-1.4\n...")
    (folder / "d-notable.txt").write_text("一份没有表格的通知。\n", encoding="utf-8")
    (folder / "e-gb.txt").write_bytes(table_text(title="乙").encode("gb18030"))
    summary = jx.ingest([folder], index=False)
    assert summary.failed == 3 and summary.tables == 2
    assert {Path(e["path"]).name for e in summary.errors} == {"b-empty.txt", "c-pdf.txt", "d-notable.txt"}
    assert all(Path(e["path"]).name in e["message"] for e in summary.errors)
    assert rows(jx) == [("乙", 1234567, len(ROWS)), ("甲", 1234567, len(ROWS))]


def test_a_source_that_turns_bad_leaves_its_old_version(jx, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(table_text(title="甲"), encoding="utf-8")
    jx.ingest([f], index=False)
    before = rows(jx)
    f.write_bytes(b"PK\x03\x04 not a text export")
    summary = jx.ingest([f], index=False)
    assert summary.failed == 1 and "t.txt" in summary.errors[0]["message"]
    assert rows(jx) == before


def test_two_files_with_the_same_project_but_different_values_are_both_kept(jx, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(table_text(title="同名项目"), encoding="utf-8")
    b.write_text(table_text(title="同名项目", rows=ROWS[:4]).replace("1,234,567", "7,654,321"), encoding="utf-8")
    jx.ingest([a, b], index=False)
    # one project (the same unit, title and year: one IRI, docs/vocabulary.md), described by
    # both files, each in its own named graph: neither file's values overwrite the other's
    per_graph = jx.store.select("""SELECT ?g ?total (COUNT(?i) AS ?n) WHERE { GRAPH ?g {
        ?p a jx:Project ; jx:budgetTotal ?total ; jx:hasIndicator ?i } } GROUP BY ?g ?total ORDER BY ?total""")
    assert [(int(r["total"]), int(r["n"])) for r in per_graph] == [(1234567, len(ROWS)), (7654321, 4)]
    assert per_graph[0]["g"] != per_graph[1]["g"]
    sources = jx.store.select("""SELECT ?p (COUNT(DISTINCT ?src) AS ?n) WHERE {
        ?p a jx:Project ; prov:wasDerivedFrom ?src } GROUP BY ?p""")
    assert len(sources) == 1 and int(sources[0]["n"]) == 2


def test_the_same_table_twice_in_one_file_gives_two_projects(jx, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(table_text(title="甲") + "\n" + table_text(title="甲"), encoding="utf-8")
    summary = jx.ingest([f], index=False)
    assert summary.tables == 2 and summary.indicators == 2 * len(ROWS)
    assert rows(jx) == [("甲", 1234567, len(ROWS)), ("甲", 1234567, len(ROWS))]
