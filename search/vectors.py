"""The FAISS index of indicator vectors, keyed by stable int64 ids (see ``search.storage``).

Exact inner-product search (``IndexFlatIP`` in an ``IndexIDMap``) while the index is small;
above ``HNSW_THRESHOLD`` vectors an HNSW graph (``IndexHNSWFlat``), which is persisted like
the flat index and loaded as is, never rebuilt at start. Vectors are unit length, so inner
product is cosine similarity. HNSW cannot delete: a removed id becomes a tombstone, excluded
from every search by an ID selector, and the graph is rebuilt (during ``sync``, never at
start or during a query) only once tombstones exceed ``TOMBSTONE_REBUILD_FRACTION`` — a
rebuild of a million vectors takes minutes, a re-ingest should not. Recall of HNSW against
exact is measured by ``benchmarks/bench_search.py``.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np

# Exact search costs ~17 ms per query per 100k vectors on one core (512-d); above this size an
# HNSW graph answers in well under a millisecond. Numbers: docs/search.md, bench_search.py.
HNSW_THRESHOLD = 100_000
HNSW_M = 16  # graph degree: M=32 doubles build time for no measurable recall gain at efSearch 64
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 64  # recall@10 against exact measured by benchmarks/bench_search.py
TOMBSTONE_REBUILD_FRACTION = 0.2  # of the vectors in an HNSW index


@contextlib.contextmanager
def faiss_threads(n: int) -> Iterator[None]:
    """OpenMP threads for FAISS: one for a single query (thread start-up costs more than it
    saves), all cores for batch work such as computing similarity links."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(max(1, n))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def batch_threads() -> int:
    return os.cpu_count() or 1


class VectorIndex:
    def __init__(self, index: faiss.Index, kind: str, tombstones: np.ndarray | None = None) -> None:
        self.index = index
        self.kind = kind  # "flat" | "hnsw"
        # ids still in the HNSW graph but deleted (sorted); always empty for flat
        self.tombstones = np.zeros(0, np.int64) if tombstones is None else np.asarray(tombstones, np.int64)

    @property
    def ntotal(self) -> int:
        """Live vectors (tombstones excluded)."""
        return int(self.index.ntotal) - len(self.tombstones)

    def needs_rebuild(self, extra_tombstones: int) -> bool:
        stored = int(self.index.ntotal)
        return stored > 0 and (len(self.tombstones) + extra_tombstones) / stored > TOMBSTONE_REBUILD_FRACTION

    def copy(self) -> VectorIndex:
        """An owned, writable copy (``clone_index`` would keep a loaded index's mapped vectors)."""
        owned = faiss.deserialize_index(faiss.serialize_index(self.index))
        return VectorIndex(owned, self.kind, self.tombstones.copy())

    @property
    def dim(self) -> int:
        return int(self.index.d)

    @staticmethod
    def kind_for(n: int, threshold: int = HNSW_THRESHOLD) -> str:
        return "hnsw" if n >= threshold else "flat"

    @classmethod
    def empty(cls, dim: int, kind: str = "flat") -> VectorIndex:
        if kind == "hnsw":
            base = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            base.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            base = faiss.IndexFlatIP(dim)
        return cls(faiss.IndexIDMap(base), kind)

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, dim: int, kind: str | None = None) -> VectorIndex:
        index = cls.empty(dim, kind or cls.kind_for(len(ids)))
        index.add(ids, vectors)
        return index

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            with faiss_threads(batch_threads()):
                self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                        np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> None:
        """Delete ids: really for flat, as tombstones for HNSW. Ids are never re-added."""
        if not len(ids):
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if self.kind == "flat":
            self.index.remove_ids(ids)
        else:
            self.tombstones = np.union1d(self.tombstones, ids)

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None,
               threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query row; ids are -1 where fewer than k exist."""
        k = max(1, min(k, self.ntotal)) if self.ntotal else 0
        q = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        if k == 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        sel = None
        if allowed is not None:  # callers pass live ids only
            sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        elif len(self.tombstones):
            sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(self.tombstones))
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        else:
            params = faiss.SearchParameters()
        if sel is not None:
            params.sel = sel
        with faiss_threads(threads):
            scores, ids = self.index.search(q, k, params=params)
        return scores, ids

    def ids(self) -> np.ndarray:
        """Live ids."""
        stored = faiss.vector_to_array(self.index.id_map).astype(np.int64)
        return np.setdiff1d(stored, self.tombstones) if len(self.tombstones) else stored

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
        if len(self.tombstones):
            np.save(_tombstone_path(path), self.tombstones)

    @classmethod
    def load(cls, path: Path, kind: str) -> VectorIndex:
        """The saved index, its vectors memory-mapped (faiss ``IO_FLAG_MMAP_IFC``): opening is
        instant at any size and a search reads the pages it touches. A loaded index is only
        searched; a sync changes a ``copy()``, which is in memory."""
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
        if kind == "hnsw":
            faiss.downcast_index(index.index).hnsw.efSearch = HNSW_EF_SEARCH
        tomb = _tombstone_path(path)
        return cls(index, kind, np.load(tomb) if tomb.exists() else None)


def _tombstone_path(path: Path) -> Path:
    return path.with_name(path.stem + ".tombstones.npy")
