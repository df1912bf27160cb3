"""The one place where the parts are wired together (datasette's `app.py`).

CLI commands and HTTP routes call a :class:`Jixiao` object; they never reach
into ``graph``/``search`` internals themselves.

Flow of one ingest: ``ingest.parse_file`` → ``graph`` store ``replace_source``
(atomic per source file) → ``search`` index ``sync`` (reconciles the FAISS index
with the indicators in the graph, so the two never disagree).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


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
        """Parse files, replace each one's named graph, then sync the search index.

        A file that fails (unreadable, no table, or an error while storing) is reported in
        ``errors`` with its path and line, leaves the store as it was, and the other files
        are still ingested. ``progress(path, done, total)`` is called after each file.
        """
        import ingest as ingest_pkg
        from ingest.pipeline import expand_paths

        files = expand_paths(paths)
        summary = IngestSummary()
        docs: set[str] = set()
        for n, path in enumerate(files, start=1):
            summary.sources += 1
            try:
                record = ingest_pkg.parse_file(path)
            except Exception as exc:  # a parser bug must not stop the other files
                record = None
                summary.errors.append(_error(path, None, "parse-crash", f"{type(exc).__name__}: {exc}"))
            if record is not None and record.errors:
                summary.errors.extend({"path": str(path), **e} for e in record.errors)
            if record is not None and not record.errors and not any(t.title or t.indicators for t in record.tables):
                record.tables = []  # nothing a table is made of: neither 项目名称 nor indicators
            if record is None or record.errors or not record.tables:
                if record is not None and not record.errors:
                    summary.errors.append(_error(path, None, "no-table", f"{path}: no performance-goal table found"))
                summary.failed += 1
            else:
                try:
                    result = self.store.replace_source(record)
                except Exception as exc:  # the replace is atomic: the store is unchanged
                    summary.failed += 1
                    summary.errors.append(_error(path, None, "store", f"{type(exc).__name__}: {exc}"))
                else:
                    summary.changed += result.changed
                    summary.unchanged += not result.changed
                    summary.tables += result.tables
                    summary.indicators += result.indicators
                    summary.warnings += result.parse_warnings + len(result.warnings)
                    summary.triples_added += result.triples if result.changed else 0
                    docs.update(d.doc_number or d.title or "" for t in record.tables
                                for d in (*t.legal_bases, *t.other_cited_documents))
                    summary.results.append(result)
            if progress is not None:
                progress(Path(path), n, len(files))
        summary.documents = len(docs - {""})
        if hasattr(self.store, "publish"):
            self.store.publish()  # readers (the web server) switch to the new snapshot
        if index:
            summary.index = self._sync_index()
        return summary

    def _sync_index(self) -> str:
        """Reconcile the search index with the graph; skipped only while search/ is not built."""
        try:
            from search.service import Searcher  # noqa: F401
        except ImportError as exc:
            if (getattr(exc, "name", None) or "").startswith("search") or "Searcher" in str(exc):
                return f"skipped (search not available: {exc})"
            raise
        result = self.searcher.sync()
        if isinstance(result, dict):
            return ", ".join(f"{k}={v}" for k, v in result.items() if k in ("indicators", "added", "removed",
                                                                           "changed", "seconds"))
        return "synced" if result is None else str(result)

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
    results: list = field(default_factory=list)  # graph.base.ReplaceResult per stored source
    index: str | None = None  # what happened to the search index


def _error(path: str | Path, line: int | None, code: str, message: str) -> dict:
    return {"path": str(path), "line": line, "code": code, "message": message}
