"""Ranking: dense (FAISS cosine), lexical (BM25 on character n-grams) and their reciprocal
rank fusion. Ranks are taken over distinct wordings, so indicators that share a name share a
rank and appear together, ordered by project (newest year first, then title)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.state import IndexState
from search.text import char_ngrams

RRF_K = 60  # the usual constant of reciprocal rank fusion (Cormack et al. 2009)
MODES = ("hybrid", "dense", "lexical")


@dataclass
class Filters:
    category: str | None = None  # 一级 or 二级 label, exact
    year: int | None = None
    applicant: str | None = None  # substring of the applicant's name
    project: str | None = None  # project IRI, or substring of its title

    def active(self) -> bool:
        return any(v is not None for v in (self.category, self.year, self.applicant, self.project))

    def accepts(self, row: dict) -> bool:
        p = row["project"]
        if self.category is not None and self.category not in (row.get("l1"), row.get("l2")):
            return False
        if self.year is not None and p.get("year") != int(self.year):
            return False
        if self.applicant is not None and self.applicant not in (p.get("applicant") or ""):
            return False
        if self.project is not None and not (self.project == p["iri"] or self.project in (p.get("title") or "")):
            return False
        return True


def dense_text_scores(state: IndexState, qvec: np.ndarray, depth: int,
                      allowed_ids: np.ndarray | None) -> list[tuple[int, float]]:
    """(text id, cosine) best first, from the FAISS index of indicators."""
    scores, ids = state.vectors.search(qvec.reshape(1, -1), depth, allowed=allowed_ids)
    seen: dict[int, float] = {}
    for s, i in zip(scores[0], ids[0], strict=True):
        t = state.text_of_id(int(i))
        if t is None:
            continue
        if t not in seen:
            seen[t] = float(s)
    return sorted(seen.items(), key=lambda kv: -kv[1])


def lexical_text_scores(state: IndexState, query: str, depth: int,
                        allowed_texts: np.ndarray | None) -> list[tuple[int, float]]:
    scores = state.lexical.scores(query)
    if allowed_texts is not None and len(scores):
        scores = np.where(allowed_texts, scores, 0.0)
    positive = np.flatnonzero(scores > 0)
    if len(positive) > depth:
        positive = positive[np.argpartition(-scores[positive], depth - 1)[:depth]]
    return sorted(((int(t), float(scores[t])) for t in positive), key=lambda kv: (-kv[1], kv[0]))


def fuse(*ranked: list[tuple[int, float]], weights: tuple[float, ...] | None = None) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: Σ w/(RRF_K + rank) over the lists a text appears in (w = 1
    unless ``weights`` gives one per list)."""
    fused: dict[int, float] = {}
    for n, lst in enumerate(ranked):
        w = 1.0 if weights is None else weights[n]
        if w == 0:
            continue
        for rank, (t, _) in enumerate(lst, start=1):
            fused[t] = fused.get(t, 0.0) + w / (RRF_K + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


# Hybrid fusion weights of the four lists: dense (the name's cosine), lexical (BM25 of the
# query), vocabulary (BM25 of the query's framework terms, search.vocabulary) and category
# (cosine of the query to the indicator's 二级 category label plus to its name). Tuned on
# tests/data/search_eval_regions.json by benchmarks/eval_search_regions.py --tune.
FUSION_WEIGHTS: tuple[float, ...] = (1.0, 1.0, 0.0, 0.0)


def vocabulary_text_scores(state: IndexState, query: str, depth: int,
                           allowed_texts: np.ndarray | None) -> list[tuple[int, float]]:
    """BM25 of the framework terms the query stands for (empty when it triggers none)."""
    from search.vocabulary import expand_query

    terms = expand_query(query)
    return lexical_text_scores(state, terms, depth, allowed_texts) if terms else []


def category_text_scores(state: IndexState, qvec: np.ndarray, label_vectors: dict[str, np.ndarray],
                         depth: int, allowed_texts: np.ndarray | None) -> list[tuple[int, float]]:
    """Texts by cosine(query, name) + cosine(query, 二级 category label): the category says what
    kind of indicator a terse or local name is (满意度, 时效, 成本 …)."""
    if not label_vectors:
        return []
    q = qvec.astype(state.text_vectors.dtype)
    name_cos = state.text_vectors @ q
    label_cos = {label: float(v @ q) for label, v in label_vectors.items()}
    extra = np.array([label_cos.get(rows[0].get("l2") or "", 0.0) if rows else 0.0 for rows in state.rows_of_text])
    scores = name_cos + extra
    if allowed_texts is not None:
        scores = np.where(allowed_texts, scores, -np.inf)
    top = np.argsort(-scores, kind="stable")[:depth]
    return [(int(t), float(scores[t])) for t in top if np.isfinite(scores[t])]


def expand(state: IndexState, ranked_texts: list[tuple[int, float]], k: int,
           filters: Filters | None) -> list[tuple[dict, float]]:
    """Indicators of the ranked texts, best first, at most k."""
    out: list[tuple[dict, float]] = []
    for t, score in ranked_texts:
        members = [r for r in state.rows_of_text_at(t) if filters is None or filters.accepts(r)]
        members.sort(key=lambda r: (-(r["project"].get("year") or 0), r["project"].get("title") or "", r["iri"]))
        for r in members:
            out.append((r, score))
            if len(out) == k:
                return out
    return out


# --------------------------------------------------------------------------- relevance

# A calibrated probability that a wording answers the query: logistic regression over five
# signals, fitted on the labelled set (tests/data/search_eval.json, plus queries with nothing
# relevant: 😀, qwertyuiop, 天气预报 …) by benchmarks/eval_search.py --calibrate. The signals:
# cosine to the query, how far below the best cosine, share of the query's characters/words the
# wording contains, whether it contains all of them, and log(1 + fused rank).
RELEVANCE_WEIGHTS = (6.574, -4.056, -0.146, 4.896, -0.739)
RELEVANCE_BIAS = -3.041
RELEVANCE_CUTOFF = 0.30  # below this a wording is not shown (docs/search.md: precision/recall at it)
MATCH_LABELS = ((0.70, "strong", "很相关"), (0.45, "good", "相关"), (RELEVANCE_CUTOFF, "possible", "可能相关"),
                (0.0, "weak", "弱相关"))


def relevance_features(state: IndexState, query: str, qvec: np.ndarray,
                       ranked: list[tuple[int, float]]) -> np.ndarray:
    """(len(ranked), 5) signals of each ranked text, in RELEVANCE_WEIGHTS order."""
    if not ranked:
        return np.zeros((0, len(RELEVANCE_WEIGHTS)), dtype=np.float64)
    ids = np.array([t for t, _ in ranked])
    cos = state.text_vectors[ids] @ qvec.astype(state.text_vectors.dtype)
    wanted = set(char_ngrams(query, 1))
    cover = np.array([len(wanted & set(char_ngrams(state.texts[t], 1))) / len(wanted) if wanted else 0.0
                      for t in ids.tolist()])
    return np.column_stack([cos, cos.max() - cos, cover, cover >= 0.999, np.log1p(np.arange(len(ids)))])


def relevance(features: np.ndarray) -> np.ndarray:
    """Probability of relevance from ``relevance_features``."""
    z = features @ np.array(RELEVANCE_WEIGHTS) + RELEVANCE_BIAS
    return 1.0 / (1.0 + np.exp(-z))


def match_label(p: float | None) -> tuple[str, str]:
    """("strong"|"good"|"possible"|"weak", its Chinese label) for a relevance probability."""
    if p is None:
        return ("unknown", "")
    return next((key, zh) for floor, key, zh in MATCH_LABELS if p >= floor)
