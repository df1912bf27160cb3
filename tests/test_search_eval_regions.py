"""Graded search quality over the real tables (benchmarks/eval_search_regions.py).

The labelled set must judge wordings the parser really produces, and docs/search.md must
report what the benchmark measures.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_search_regions import KINDS, evaluate, ingested_searcher, load_eval, ndcg  # noqa: E402


def test_regions_eval_set_is_well_formed():
    data = load_eval()
    queries = data["queries"]
    assert len(queries) >= 40
    assert {q["kind"] for q in queries} == set(KINDS)
    assert {q["split"] for q in queries} == {"tuning", "held-out"}
    assert all(sum(q["kind"] == k for q in queries) >= 10 for k in KINDS)
    for q in queries:
        assert set(q["relevant"].values()) <= {1, 2}, q["q"]
        assert 2 in q["relevant"].values(), q["q"]  # every query names at least its own indicator
    assert len({q["q"] for q in queries}) == len(queries)


def test_ndcg_is_graded():
    grades = {"a": 2, "b": 1}
    assert ndcg(["a", "b"], grades) == pytest.approx(1.0)
    assert ndcg(["b", "a"], grades) < ndcg(["a", "x", "b"], grades) < 1.0
    assert ndcg(["x", "y"], grades) == 0.0


@pytest.fixture(scope="module")
def regions_searcher(tmp_path_factory):
    return ingested_searcher(tmp_path_factory.mktemp("regions"))


@pytest.mark.slow
def test_every_judged_wording_is_read_from_the_tables(regions_searcher):
    names = {r["name"] for r in regions_searcher.state.rows}
    missing = [(q["q"], n) for q in load_eval()["queries"] for n in q["relevant"] if n not in names]
    assert not missing


@pytest.mark.slow
def test_docs_report_the_regions_eval_as_measured(regions_searcher):
    """docs/search.md's table is this run's numbers; floors keep a ranking change from losing them."""
    doc = (ROOT / "docs" / "search.md").read_text(encoding="utf-8")
    section = doc.split("## Quality across regions", 1)[1]
    queries = load_eval()["queries"]
    for split in ("all", "held-out"):
        m = evaluate(regions_searcher, [q for q in queries if split in ("all", q["split"])])
        for kind in ("all", *KINDS) if split == "all" else ("all",):
            row = re.search(rf"^\| {split} \| {kind} \| (\d+) \|(.*)$", section, re.M)
            assert row, (split, kind)
            assert int(row.group(1)) == m[kind]["n"]
            numbers = [float(x) for x in re.findall(r"\d+\.\d+", row.group(2))]
            measured = [m[kind][k] for k in ("ndcg@10", "recall@10", "precision@10")]
            assert all(abs(a - b) <= 0.02 for a, b in zip(numbers, measured, strict=True)), (split, kind, measured)
    m = evaluate(regions_searcher, queries)
    assert m["all"]["ndcg@10"] >= 0.75 and m["keyword"]["precision@10"] >= 0.9


def test_vocabulary_maps_typed_words_to_table_terms():
    from search.vocabulary import expand_query

    assert "及时率" in expand_query("timely disbursement") and "拨付" in expand_query("timely disbursement")
    assert "疫苗" in expand_query("小孩打预防针")
    assert expand_query("resatisfaction") == ""  # English triggers match at the start of a word
    assert expand_query("qwertyuiop") == "" and expand_query("number of rates") == ""  # no class words


@pytest.mark.slow
def test_tuned_fusion_weights_reach_the_documented_tuning_figure(regions_searcher, monkeypatch):
    """With the weights tuned on the tuning queries, Searcher.search fuses the vocabulary and
    category lists and passes 0.85 there (docs/search.md; the default keeps them off because the
    held-out queries do not improve)."""
    from search import ranking

    tuning = [q for q in load_eval()["queries"] if q["split"] == "tuning"]
    before = evaluate(regions_searcher, tuning)["all"]["ndcg@10"]
    monkeypatch.setattr(ranking, "FUSION_WEIGHTS", (1.0, 0.5, 3.0, 0.5))
    after = evaluate(regions_searcher, tuning)["all"]["ndcg@10"]
    assert after >= 0.85 and after > before + 0.05


@pytest.mark.parametrize(("applicant", "region"), [
    ("淮北市文化旅游体育局", "淮北市"), ("武汉市青山区教育局", "武汉市青山区"), ("固原市原州区自然资源局", "固原市原州区"),
    ("820001-井研县马踏镇人民政府", "井研县"), ("中共黄石市委党校", "黄石市"),
    ("324001-甘孜藏族自治州市场监督管理局机关", "甘孜藏族自治州"), ("广西壮族自治区财政厅", "广西壮族自治区"),
    ("上海市人才服务中心", "上海市"), ("赤龙社区卫生服务中心", None), ("区疾控中心", None), ("卫健委", None), (None, None)])
def test_region_of_an_applicant(applicant, region):
    from search.text import region_of

    assert region_of(applicant) == region
