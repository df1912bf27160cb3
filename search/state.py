"""One loaded index generation: indicator rows, distinct texts and their vectors, FAISS, BM25.

Everything a query needs is here, in memory; the files are written and read by
``save``/``load`` (layout in ``search.storage``).
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
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
    rows: list[dict[str, Any]]  # indicator rows ordered by stable id
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
    # derived lookups, rebuilt in __post_init__
    by_id: dict[int, dict[str, Any]] = field(init=False)
    by_iri: dict[str, dict[str, Any]] = field(init=False)
    text_id: dict[str, int] = field(init=False)
    rows_of_text: list[list[dict[str, Any]]] = field(init=False)
    project_size: dict[str, int] = field(init=False)
    columns: FilterColumns = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {r["id"]: r for r in self.rows}
        self.by_iri = {r["iri"]: r for r in self.rows}
        self.text_id = {t: i for i, t in enumerate(self.texts)}
        self.rows_of_text = [[] for _ in self.texts]
        self.project_size = {}
        for r in self.rows:
            self.rows_of_text[self.text_id[r["text"]]].append(r)
            self.project_size[r["project"]["iri"]] = self.project_size.get(r["project"]["iri"], 0) + 1
        self.columns = FilterColumns.of(self.rows, self.text_id)

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
        with gc_paused():  # the derived lookups (__post_init__) build ~1M small objects, no cycles
            state = cls._load(folder, manifest, texts)
        # they live as long as this generation is served: out of the collector's way (later full
        # collections would walk them all); freed by reference counting when replaced
        gc.freeze()
        return state

    @classmethod
    def _load(cls, folder: Path, manifest: dict[str, Any], texts: list[str]) -> IndexState:
        state = cls(
            manifest=manifest,
            rows=read_jsonl(folder / "indicators.jsonl"),
            texts=texts,
            text_vectors=np.load(folder / "text_vectors.npy"),
            vectors=VectorIndex.load(folder / "vectors.faiss", manifest["kind"]),
            lexical=LexicalIndex.load(folder / "lexical", len(texts)),
            clusters=read_json(folder / "clusters.json") if (folder / "clusters.json").exists() else None,
            links=np.load(folder / "links.npy") if (folder / "links.npy").exists() else None,
            sources=read_json(folder / "sources.json") if (folder / "sources.json").exists() else None,
        )
        return state


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
    labels: list[str | None]
    projects: list[dict[str, Any]]

    @classmethod
    def of(cls, rows: list[dict[str, Any]], text_id: dict[str, int]) -> FilterColumns:
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
