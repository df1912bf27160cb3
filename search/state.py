"""One loaded index generation: indicator rows, distinct texts and their vectors, FAISS, BM25.

Everything a query needs is here, in memory; the files are written and read by
``save``/``load`` (layout in ``search.storage``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from search.lexical import LexicalIndex
from search.storage import FORMAT, IndexFormatError, read_json, read_jsonl, write_json, write_jsonl
from search.vectors import VectorIndex


@dataclass
class IndexState:
    manifest: dict[str, Any]
    rows: list[dict[str, Any]]  # indicator rows ordered by stable id
    texts: list[str]  # distinct normalised names
    text_vectors: np.ndarray  # (len(texts), dim) float32
    vectors: VectorIndex
    lexical: LexicalIndex
    # derived lookups, rebuilt in __post_init__
    by_id: dict[int, dict[str, Any]] = field(init=False)
    by_iri: dict[str, dict[str, Any]] = field(init=False)
    text_id: dict[str, int] = field(init=False)
    rows_of_text: list[list[dict[str, Any]]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {r["id"]: r for r in self.rows}
        self.by_iri = {r["iri"]: r for r in self.rows}
        self.text_id = {t: i for i, t in enumerate(self.texts)}
        self.rows_of_text = [[] for _ in self.texts]
        for r in self.rows:
            self.rows_of_text[self.text_id[r["text"]]].append(r)

    @property
    def encoder_name(self) -> str:
        return self.manifest["encoder"]["name"]

    def save(self, folder: Path) -> None:
        write_json(folder / "manifest.json", self.manifest)
        write_jsonl(folder / "indicators.jsonl", self.rows)
        write_json(folder / "texts.json", self.texts)
        np.save(folder / "text_vectors.npy", self.text_vectors)
        self.vectors.save(folder / "vectors.faiss")
        self.lexical.save(folder / "lexical")

    @classmethod
    def load(cls, folder: Path) -> IndexState:
        manifest = read_json(folder / "manifest.json")
        if manifest.get("format") != FORMAT:
            raise IndexFormatError(f"{folder}: index format {manifest.get('format')}, expected {FORMAT}; "
                                   "rebuild it with `jixiao check --rebuild`")
        texts = read_json(folder / "texts.json")
        state = cls(
            manifest=manifest,
            rows=read_jsonl(folder / "indicators.jsonl"),
            texts=texts,
            text_vectors=np.load(folder / "text_vectors.npy"),
            vectors=VectorIndex.load(folder / "vectors.faiss", manifest["kind"]),
            lexical=LexicalIndex.load(folder / "lexical", len(texts)),
        )
        return state
