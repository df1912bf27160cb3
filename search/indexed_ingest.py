"""The ingest pipeline: files → store → search index, the index kept in step with the graph.

``ingest_files`` is what ``jixiao ingest`` runs (through ``api.app.Jixiao.ingest``): it
expands the paths, has the files parsed, mapped and audited in worker processes (``graph.ingest_workers.prepared_files``), holds an ingest to its limits
(``ingest.limits``), hands the prepared files to ``GraphStore.write_sources`` (batched, atomic
per file), withdraws from the search index what a new version of a file drops before its
graph is replaced, publishes a snapshot for readers, and syncs the index
(``Searcher.sync``); an :class:`IngestSummary` says what happened.

Why here, in ``search/``: the pipeline drives the search index (prefetching embeddings
while the store writes, withdrawing dropped indicators, the sync), so it cannot live in
``graph/``, which never imports ``search/`` (ingest → graph → search → api); nor in ``api/``,
the outside face, which holds no domain logic. A package of its own above ``search/`` would
be a fifth layer for one function. The graph-level step (parse + map + audit, in forked
workers) stays in ``graph.ingest_workers``; this module adds only what needs the index.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from graph.ingest_workers import file_error, prepared_files

if TYPE_CHECKING:
    from graph.base import GraphStore
    from search.service import Searcher


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
    index_report: dict | None = None  # Searcher.sync's report (embedded, rows_from, …)
    outdated: int = 0  # sources still written by an earlier mapping version (re-ingest them)


def ingest_files(store: GraphStore, paths: Iterable[str | Path], searcher: Callable[[], Searcher] | None = None,
                 progress: Callable[[Path, int, int], None] | None = None) -> IngestSummary:
    """Parse files, replace each one's named graph, then sync the search index.

    ``searcher()`` gives the index to keep in step (called when it is needed: opening it may
    fail, e.g. an index of another model, and the sync then reports it after the writes);
    None: the graph only (``--no-index``).

    A file that fails (unreadable, no table, or an error while storing) is reported in
    ``errors`` with its path and line, leaves the store as it was, and the other files
    are still ingested. ``progress(path, done, total)`` is called after each file.

    Files are parsed and mapped in worker processes (two, when there are enough files)
    while this process writes: new sources go to the store in batches, each batch one
    atomic write that falls back to source-by-source writes if it fails
    (``GraphStore.write_sources``), so every source is stored whole or not at all.
    """
    from ingest.limits import IngestLimits, env_name
    from ingest.pipeline import expand_paths

    index = searcher is not None
    index_rows = None
    if index:  # the index's rows of each source, made in the workers beside its triples
        from search.graph_rows import source_rows as index_rows
    files = expand_paths(paths)
    limits = IngestLimits.from_env()
    admitted = [0]  # indicators of the files handed to the store so far (max_ingest_indicators)
    summary = IngestSummary()
    ingested: dict[str, dict] | None = {} if index else None  # source graph → its index rows
    # new wordings are embedded in the background while the store writes
    prefetch = None
    if searcher is not None:
        try:
            prefetch = searcher().prefetch()
        except Exception:  # e.g. an index of another model: the sync reports it, after the writes
            prefetch = None
    errors_at: list[list[dict]] = [[] for _ in files]
    results_at: dict[int, object] = {}
    docs_at: dict[int, list[str]] = {}
    where: dict[int, int] = {}  # id(prepared item) → file index
    docs: set[str] = set()

    def items():
        for n, (path, errors, prepared, doc_keys) in enumerate(
                prepared_files(files, store.minter.base, index_rows=index_rows), start=1):
            summary.sources += 1
            errors_at[n - 1].extend(errors)
            if prepared is not None and admitted[0] + prepared.indicators > limits.max_ingest_indicators:
                errors_at[n - 1].append(file_error(path, None, "ingest-limit", (
                    f"{path}: not stored: this ingest already holds {admitted[0]:,} indicators and this file "
                    f"would pass the {limits.max_ingest_indicators:,} one ingest may store "
                    f"({env_name('max_ingest_indicators')})")))
                prepared = None
            if prepared is None:
                summary.failed += 1
            else:
                admitted[0] += prepared.indicators
                where[id(prepared)] = n - 1
                docs_at[n - 1] = doc_keys
                yield prepared
            if progress is not None:
                progress(Path(path), n, len(files))

    def withdraw_dropped(item) -> None:
        # the index first lets go of what the new version drops, then the graph is
        # replaced, then the sync adds what is new: killed anywhere, the published index
        # never holds an indicator the graph does not
        before = set().union(*(store.source_indicators(g) for g in [item.graph, *item.replaces]))
        dropped = before - item.indicator_iris()
        if dropped:
            searcher().withdraw(dropped)

    for item, outcome in store.write_sources(items(), before_replace=withdraw_dropped if index else None):
        i = where.pop(id(item))
        if isinstance(outcome, Exception):  # the source's write is atomic: the store is unchanged
            summary.failed += 1
            errors_at[i].append(file_error(files[i], None, "store", f"{type(outcome).__name__}: {outcome}"))
            continue
        result = outcome
        if ingested is not None:
            if item.index_rows is None:
                ingested = None
            else:
                ingested[item.graph] = item.index_rows
                if prefetch is not None and result.changed:
                    prefetch.add(r["name"] for r in item.index_rows["rows"].values())
        results_at[i] = result
        summary.changed += result.changed
        summary.unchanged += not result.changed
        summary.tables += result.tables
        summary.indicators += result.indicators
        summary.warnings += result.parse_warnings + len(result.warnings)
        summary.triples_added += result.triples if result.changed else 0
        docs.update(docs_at.pop(i, ()))
    summary.errors = [e for errs in errors_at for e in errs]
    summary.results = [results_at[i] for i in sorted(results_at)]
    summary.documents = len(docs - {""})
    try:  # sources a previous version wrote with path-based IRIs (migrated when re-ingested)
        summary.outdated = store.outdated_sources()
    except Exception:  # a count for a message: never fail an ingest over it
        summary.outdated = 0
    if hasattr(store, "publish"):
        store.publish()  # readers (the web server) switch to the new snapshot
    if searcher is not None:
        summary.index_report = searcher().sync(ingested=ingested, prefetched=prefetch)
        summary.index = index_line(summary.index_report)
    return summary


def index_line(report: dict) -> str:
    """A sync report as one line for the ingest summary."""
    return ", ".join(f"{k}={v}" for k, v in report.items()
                     if k in ("indicators", "added", "removed", "changed", "embedded", "rows_from", "seconds"))
