"""One loaded index generation: indicator rows, distinct texts and their vectors, FAISS, BM25.

Everything a query needs is here, in memory; the files are written and read by
``save``/``load`` (layout in ``search.storage``).
"""
from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from search.lexical import LexicalIndex
from search.storage import FORMAT, IndexFormatError, gc_paused, read_json, read_jsonl, write_json, write_jsonl
from search.vectors import VectorIndex

# one similarity link: indicator ids (stable ids of this generation) and the rounded cosine
LINK_DTYPE = np.dtype([("source", np.int64), ("other", np.int64), ("score", np.float32)])


@dataclass
class IndexState:
    manifest: dict[str, Any]
    rows: Sequence[dict[str, Any]]  # indicator rows ordered by stable id (a list, or a RowFile)
    texts: list[str]  # distinct normalised names
    text_vectors: np.ndarray  # (len(texts), dim) float32
    vectors: VectorIndex
    lexical: LexicalIndex
    clusters: list[dict[str, Any]] | None = None  # reuse clusters computed at sync (clusters.json)
    links: np.ndarray | None = None  # similarity links computed at sync (links.npy, LINK_DTYPE)
    # where the rows came from: {"ontology": digest, "graphs": {source graph: [projects]},
    # "applicants": {project: [organizations]}} (sources.json); lets the next sync take
    # the rows of the sources an ingest did not touch from this state (search.sync.ingest_rows)
    sources: dict[str, Any] | None = None
    # the rows' columns as saved beside them (columns.npz); None: derived from the rows on first use
    saved_columns: FilterColumns | None = None

    # A search needs only the few rows it returns. A loaded state keeps its rows in their
    # file (RowFile: one row parsed when asked for) and their ids, wordings and filter fields
    # as numpy columns (columns.npz), so it is ready in a fraction of a second at any size.
    # The dict lookups below are built on first use, by the paths that need every row
    # (sync, check, clusters) — never by a search.

    @cached_property
    def columns(self) -> FilterColumns:
        return self.saved_columns or FilterColumns.of(self.rows, self.text_id)

    @cached_property
    def text_id(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.texts)}

    @cached_property
    def by_id(self) -> dict[int, dict[str, Any]]:
        with gc_paused():
            return {r["id"]: r for r in self.rows}

    @cached_property
    def by_iri(self) -> dict[str, dict[str, Any]]:
        with gc_paused():
            return {r["iri"]: r for r in self.rows}

    @cached_property
    def rows_of_text(self) -> list[list[dict[str, Any]]]:
        return [self.rows_of_text_at(t) for t in range(len(self.texts))]

    @cached_property
    def project_size(self) -> dict[str, int]:
        cols = self.columns
        counts = np.bincount(cols.project, minlength=len(cols.projects))
        return {p["iri"]: int(n) for p, n in zip(cols.projects, counts, strict=True)}

    @cached_property
    def _text_order(self) -> tuple[np.ndarray, np.ndarray]:
        """Row positions grouped by wording (in row order within one), and each wording's start."""
        text = self.columns.text
        order = np.argsort(text, kind="stable")
        starts = np.searchsorted(text[order], np.arange(len(self.texts) + 1))
        return order, starts

    def rows_of_text_at(self, t: int) -> list[dict[str, Any]]:
        """The rows of wording ``t``, in row order."""
        order, starts = self._text_order
        return [self.rows[int(i)] for i in order[starts[t]:starts[t + 1]]]

    def position_of_id(self, i: int) -> int | None:
        ids = self.columns.ids
        pos = int(np.searchsorted(ids, i))
        return pos if pos < len(ids) and ids[pos] == i else None

    def row_by_id(self, i: int) -> dict[str, Any] | None:
        pos = self.position_of_id(int(i))
        return None if pos is None else self.rows[pos]

    def row_by_iri(self, iri: str) -> dict[str, Any] | None:
        """The row of indicator ``iri`` (its hash column finds it: no row parsed but that one)."""
        if "by_iri" in self.__dict__:
            return self.by_iri.get(iri)
        for pos in np.flatnonzero(self.columns.iri_hash == iri_hash(iri)).tolist():
            row = self.rows[pos]
            if row["iri"] == iri:
                return row
        return None

    def text_of_id(self, i: int) -> int | None:
        """The wording (text id) of indicator ``i``, without reading its row."""
        pos = self.position_of_id(int(i))
        return None if pos is None else int(self.columns.text[pos])

    @property
    def encoder_name(self) -> str:
        return self.manifest["encoder"]["name"]

    def save(self, folder: Path) -> None:
        write_json(folder / "manifest.json", self.manifest)
        offsets = write_jsonl(folder / "indicators.jsonl", self.rows)
        self.columns.save(folder, offsets)
        write_json(folder / "texts.json", self.texts)
        np.save(folder / "text_vectors.npy", self.text_vectors)
        self.vectors.save(folder / "vectors.faiss")
        self.lexical.save(folder / "lexical")
        if self.clusters is not None:
            write_json(folder / "clusters.json", self.clusters)
        if self.links is not None:
            np.save(folder / "links.npy", self.links)
        if self.sources is not None:
            write_json(folder / "sources.json", self.sources)

    @classmethod
    def load(cls, folder: Path) -> IndexState:
        manifest = read_json(folder / "manifest.json")
        if manifest.get("format") != FORMAT:
            raise IndexFormatError(f"{folder}: index format {manifest.get('format')}, expected {FORMAT}; "
                                   "rebuild it with `jixiao check --rebuild`")
        texts = read_json(folder / "texts.json")
        with gc_paused():  # clusters and the row lookups build many small objects, no cycles
            state = cls._load(folder, manifest, texts)
        # they live as long as this generation is served: out of the collector's way (later full
        # collections would walk them all); freed by reference counting when replaced
        gc.freeze()
        return state

    @classmethod
    def _load(cls, folder: Path, manifest: dict[str, Any], texts: list[str]) -> IndexState:
        saved = FilterColumns.load(folder)
        rows: Sequence[dict[str, Any]]
        if saved is not None:
            rows = RowFile(folder / "indicators.jsonl", saved.offsets)
        else:  # an index written before the columns were saved: every row parsed now
            rows = read_jsonl(folder / "indicators.jsonl")
        state = cls(
            manifest=manifest,
            rows=rows,
            texts=texts,
            # memory-mapped: the pages a query touches are read, not the whole file at start
            text_vectors=np.load(folder / "text_vectors.npy", mmap_mode="r"),
            vectors=VectorIndex.load(folder / "vectors.faiss", manifest["kind"]),
            lexical=LexicalIndex.load(folder / "lexical", len(texts)),
            clusters=read_json(folder / "clusters.json") if (folder / "clusters.json").exists() else None,
            links=np.load(folder / "links.npy") if (folder / "links.npy").exists() else None,
            sources=read_json(folder / "sources.json") if (folder / "sources.json").exists() else None,
            saved_columns=saved,
        )
        return state


def iri_hash(iri: str) -> int:
    """A stable 64-bit hash of an IRI (the same in every process, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(iri.encode("utf-8"), digest_size=8).digest(), "little")


class RowFile(Sequence):
    """The rows of ``indicators.jsonl`` read in place: ``rows[i]`` parses line ``i`` (the file
    is memory-mapped; ``offsets`` are the lines' starts and the end). Iterating parses them all,
    once (kept for the paths that walk every row: sync, check, clusters)."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        import mmap

        from orjson import loads

        self._loads = loads
        self.path = path
        self.offsets = offsets
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            expected = int(offsets[-1]) if len(offsets) else 0
            if size != expected:
                raise IndexFormatError(f"{path}: {size} bytes, its saved columns say {expected}; "
                                       "rebuild the index with `jixiao check --rebuild`")
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._all: list[dict[str, Any]] | None = None

    def __len__(self) -> int:
        return max(0, len(self.offsets) - 1)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if self._all is not None:
            return self._all[i]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._loads(self._map[int(self.offsets[i]):int(self.offsets[i + 1])])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._all is None:  # from the mapping: the file may be gone (a newer generation replaced it)
            loads, m, ends = self._loads, self._map, self.offsets.tolist()
            with gc_paused():
                self._all = [loads(m[a:b]) for a, b in zip(ends[:-1], ends[1:], strict=True)]
        return iter(self._all)


@dataclass
class FilterColumns:
    """Per-indicator columns as numpy arrays, so a filter over a million indicators is a few
    vector operations instead of a Python loop. String tests run once per distinct value."""

    ids: np.ndarray  # int64 stable ids
    text: np.ndarray  # text id
    year: np.ndarray  # 0 when unknown
    l1: np.ndarray  # code into labels
    l2: np.ndarray
    project: np.ndarray  # code into projects
    iri_hash: np.ndarray  # uint64 hash of the row's IRI (iri_hash): finds a row by IRI
    labels: list[str | None]
    projects: list[dict[str, Any]]
    offsets: np.ndarray | None = None  # where each row starts in indicators.jsonl, and its end

    ARRAYS = ("ids", "text", "year", "l1", "l2", "project", "iri_hash")

    def save(self, folder: Path, offsets: list[int]) -> None:
        """``columns.npz`` (the arrays and the rows' offsets) and ``columns.json`` (labels, projects)."""
        with open(folder / "columns.npz", "wb") as fh:
            np.savez(fh, offsets=np.asarray(offsets, dtype=np.int64),
                     **{name: getattr(self, name) for name in self.ARRAYS})
        write_json(folder / "columns.json", {"labels": self.labels, "projects": self.projects})

    @classmethod
    def load(cls, folder: Path) -> FilterColumns | None:
        """The saved columns, or None when the generation has none (written by an older version)."""
        if not (folder / "columns.npz").exists() or not (folder / "columns.json").exists():
            return None
        with np.load(folder / "columns.npz") as arrays:
            if not {*cls.ARRAYS, "offsets"} <= set(arrays.files):  # saved by an older version
                return None
            loaded = {name: arrays[name] for name in (*cls.ARRAYS, "offsets")}
        meta = read_json(folder / "columns.json")
        if len(loaded["offsets"]) != len(loaded["ids"]) + 1:
            raise IndexFormatError(f"{folder / 'columns.npz'}: {len(loaded['ids'])} rows, "
                                   f"{len(loaded['offsets'])} offsets; rebuild the index with `jixiao check --rebuild`")
        return cls(labels=meta["labels"], projects=meta["projects"], **loaded)

    @classmethod
    def of(cls, rows: Sequence[dict[str, Any]], text_id: dict[str, int]) -> FilterColumns:
        labels: dict[str | None, int] = {}
        projects: dict[str, int] = {}
        project_rows: list[dict[str, Any]] = []
        l1, l2, proj = [], [], []
        for r in rows:
            l1.append(labels.setdefault(r.get("l1"), len(labels)))
            l2.append(labels.setdefault(r.get("l2"), len(labels)))
            p = r["project"]
            if p["iri"] not in projects:
                projects[p["iri"]] = len(projects)
                project_rows.append(p)
            proj.append(projects[p["iri"]])
        return cls(
            ids=np.array([r["id"] for r in rows], dtype=np.int64),
            text=np.array([text_id[r["text"]] for r in rows], dtype=np.int64),
            year=np.array([r["project"].get("year") or 0 for r in rows], dtype=np.int64),
            l1=np.array(l1, dtype=np.int64), l2=np.array(l2, dtype=np.int64), project=np.array(proj, dtype=np.int64),
            iri_hash=np.array([iri_hash(r["iri"]) for r in rows], dtype=np.uint64),
            labels=list(labels), projects=project_rows)

    def mask(self, category: str | None, year: int | None, applicant: str | None,
             project: str | None) -> np.ndarray:
        """Rows accepted by the filters (same rules as ``search.ranking.Filters.accepts``)."""
        keep = np.ones(len(self.ids), dtype=bool)
        if year is not None:
            keep &= self.year == int(year)
        if category is not None:
            codes = [i for i, label in enumerate(self.labels) if label == category]
            keep &= np.isin(self.l1, codes) | np.isin(self.l2, codes)
        if applicant is not None:
            keep &= np.isin(self.project, [i for i, p in enumerate(self.projects)
                                           if applicant in (p.get("applicant") or "")])
        if project is not None:
            keep &= np.isin(self.project, [i for i, p in enumerate(self.projects)
                                           if project == p["iri"] or project in (p.get("title") or "")])
        return keep
