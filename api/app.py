"""The one place where the parts are wired together (datasette's `app.py`).

CLI commands and HTTP routes call a :class:`Jixiao` object; they never reach
into ``graph``/``search`` internals themselves.

Flow of one ingest: ``ingest.parse_file`` → ``graph`` store ``replace_source``
(atomic per source file) → ``search`` index ``sync`` (reconciles the FAISS index
with the indicators in the graph, so the two never disagree).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass
class Jixiao:
    data: Path = Path("jixiao-data")
    store_url: str | None = None
    encoder: str | None = None  # None: the index's recorded model, else the default
    base_iri: str | None = None

    @cached_property
    def store(self):
        from graph.store import open_store

        return open_store(data=self.data, url=self.store_url, base_iri=self.base_iri)

    @cached_property
    def searcher(self):
        from search.service import Searcher

        return Searcher.open(self.data, self.store, encoder=self.encoder)

    def close(self) -> None:
        for name in ("searcher", "store"):
            obj = self.__dict__.pop(name, None)
            if obj is not None and hasattr(obj, "close"):
                obj.close()


@dataclass
class IngestSummary:
    sources: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    tables: int = 0
    indicators: int = 0
    documents: int = 0
    warnings: int = 0
    triples_added: int = 0
    errors: list[dict] = field(default_factory=list)
