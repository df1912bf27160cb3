"""The one place where the parts are wired together (datasette's `app.py`).

CLI commands and HTTP routes call a :class:`Jixiao` object; they never reach
into ``graph``/``search`` internals themselves. ``Jixiao`` opens the store and the
searcher and calls the pipeline; it holds no pipeline of its own.

Flow of one ingest (``search.indexed_ingest.ingest_files``): ``ingest.parse_file`` →
``graph.mapping`` → ``graph.audit`` in worker processes (``graph.ingest_workers``) →
``graph`` store ``write_sources`` (atomic per source file) → ``search`` index ``sync``
(reconciles the FAISS index with the indicators in the graph, so the two never disagree).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.indexed_ingest import IngestSummary


@dataclass
class Jixiao:
    data: Path = Path("jixiao-data")
    store_url: str | None = None
    encoder: str | None = None  # None: the index's recorded model, else the default
    base_iri: str | None = None
    read_only: bool = False  # readers (web server) open the store's published snapshot

    @cached_property
    def store(self):
        from graph.store import open_store

        return open_store(data=self.data, url=self.store_url, base_iri=self.base_iri, read_only=self.read_only)

    @cached_property
    def searcher(self):
        from search.service import Searcher

        return Searcher.open(self.data, self.store, encoder=self.encoder)

    def ingest(self, paths: Iterable[str | Path], progress: Callable[[Path, int, int], None] | None = None,
               index: bool = True) -> IngestSummary:
        """Parse files, replace each one's named graph, then sync the search index
        (``search.indexed_ingest.ingest_files``: errors, limits, workers and batches are
        described there). ``progress(path, done, total)`` is called after each file."""
        from search.indexed_ingest import ingest_files

        return ingest_files(self.store, paths, searcher=(lambda: self.searcher) if index else None,
                            progress=progress)

    def audit(self, paths: Iterable[str | Path] | None = None, engine: str = "sparql",
              settings: Iterable[str] = (), rules: Iterable[str] = (), save: bool = False,
              focus: Iterable[str] | None = None):
        """Check tables against the audit rules (ontology/audit.ttl); a ``graph.audit.AuditReport``.

        With ``paths``: the files are parsed and audited in memory, without a store (files
        that cannot be read are in ``report.errors``; ``graph.ingest_workers.audit_files``).
        Without: every table in the store; ``save=True`` then replaces the store's audit
        graph with the report (as RDF).
        ``settings`` are ``NAME=VALUE`` pairs; ``focus`` limits a store audit to some projects.
        """
        from graph import audit

        settings_ = audit.parse_settings(settings)
        rules = list(rules)
        if paths is not None:
            from graph.ingest_workers import audit_files

            return audit_files(paths, self.base_iri, engine, settings_, rules)
        report = audit.audit_store(self.store, engine, settings_, rules,
                                   focus=list(focus) if focus is not None else None)
        if save:
            audit.save_report(self.store, report)
            if hasattr(self.store, "publish"):
                self.store.publish()
        return report

    def close(self) -> None:
        for name in ("searcher", "store"):
            obj = self.__dict__.pop(name, None)
            if obj is not None and hasattr(obj, "close"):
                obj.close()

