"""Nearest distinct wordings of every distinct wording, the shared first step of the
similarity links and the reuse clusters (both are computed over texts, not indicators,
because identical names have identical vectors)."""
from __future__ import annotations

import numpy as np

from search.vectors import VectorIndex, batch_threads


def text_neighbours(text_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, text ids) of the k nearest texts of each text, itself included, best first."""
    n = len(text_vectors)
    if n == 0:
        return np.zeros((0, 0), np.float32), np.zeros((0, 0), np.int64)
    index = VectorIndex.build(np.arange(n, dtype=np.int64), text_vectors, text_vectors.shape[1])
    scores, ids = index.search(text_vectors, min(k, n), threads=batch_threads())
    return scores, ids
