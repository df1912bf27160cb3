"""Lexical index: BM25 (bm25s) over character n-grams of the distinct indicator wordings.

Documents are distinct texts, not indicators, so a wording used by many projects does not
lose weight in the inverse document frequency merely because it is popular.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from search.text import char_ngrams

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    def __init__(self, retriever=None, size: int = 0) -> None:
        self._bm25 = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        if not texts:
            return cls(None, 0)
        bm25 = bm25s.BM25()
        bm25.index([char_ngrams(t) or [""] for t in texts], show_progress=False)
        return cls(bm25, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text (0 where nothing matches)."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        ids = self._bm25.get_tokens_ids(char_ngrams(query))
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        import bm25s

        if size == 0:
            return cls(None, 0)
        return cls(bm25s.BM25.load(str(folder), show_progress=False), size)
