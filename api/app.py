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

        Files are parsed and mapped in worker processes (two, when there are enough files)
        while this process writes: new sources go to the store in batches, each batch one
        atomic write that falls back to source-by-source writes if it fails
        (``GraphStore.write_sources``), so every source is stored whole or not at all.
        """
        from ingest.limits import IngestLimits, env_name
        from ingest.pipeline import expand_paths

        files = expand_paths(paths)
        limits = IngestLimits.from_env()
        admitted = [0]  # indicators of the files handed to the store so far (max_ingest_indicators)
        summary = IngestSummary()
        ingested: dict[str, dict] | None = {} if index else None  # source graph → its index rows
        # new wordings are embedded in the background while the store writes
        prefetch = None
        if index:
            try:
                prefetch = self.searcher.prefetch()
            except Exception:  # e.g. an index of another model: the sync reports it, after the writes
                prefetch = None
        errors_at: list[list[dict]] = [[] for _ in files]
        results_at: dict[int, object] = {}
        docs_at: dict[int, list[str]] = {}
        where: dict[int, int] = {}  # id(prepared item) → file index
        docs: set[str] = set()

        def items():
            for n, (path, errors, prepared, doc_keys) in enumerate(
                    _prepared_files(files, self.store.minter.base, index_rows=index), start=1):
                summary.sources += 1
                errors_at[n - 1].extend(errors)
                if prepared is not None and admitted[0] + prepared.indicators > limits.max_ingest_indicators:
                    errors_at[n - 1].append(_error(path, None, "ingest-limit", (
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
            before = set().union(*(self.store.source_indicators(g) for g in [item.graph, *item.replaces]))
            dropped = before - item.indicator_iris()
            if dropped:
                self.searcher.withdraw(dropped)

        for item, outcome in self.store.write_sources(items(), before_replace=withdraw_dropped if index else None):
            i = where.pop(id(item))
            if isinstance(outcome, Exception):  # the source's write is atomic: the store is unchanged
                summary.failed += 1
                errors_at[i].append(_error(files[i], None, "store", f"{type(outcome).__name__}: {outcome}"))
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
            summary.outdated = self.store.outdated_sources()
        except Exception:  # a count for a message: never fail an ingest over it
            summary.outdated = 0
        if hasattr(self.store, "publish"):
            self.store.publish()  # readers (the web server) switch to the new snapshot
        if index:
            summary.index_report = self.searcher.sync(ingested=ingested, prefetched=prefetch)
            summary.index = _index_line(summary.index_report)
        return summary

    def audit(self, paths: Iterable[str | Path] | None = None, engine: str = "sparql",
              settings: Iterable[str] = (), rules: Iterable[str] = (), save: bool = False,
              focus: Iterable[str] | None = None):
        """Check tables against the audit rules (ontology/audit.ttl); a ``graph.audit.AuditReport``.

        With ``paths``: the files are parsed and audited in memory, without a store (files
        that cannot be read are in ``report.errors``). Without: every table in the store;
        ``save=True`` then replaces the store's audit graph with the report (as RDF).
        ``settings`` are ``NAME=VALUE`` pairs; ``focus`` limits a store audit to some projects.
        """
        from graph import audit

        settings_ = audit.parse_settings(settings)
        rules = list(rules)
        if paths is not None:
            from ingest.pipeline import expand_paths

            files = expand_paths(paths)
            errors: list[dict] = []
            prepared_ = []
            for _path, errs, prepared, _docs in _prepared_files(files, self.base_iri):
                errors.extend(errs)
                if prepared is not None:
                    prepared_.append(prepared)
            if engine == "pyshacl":  # the reference: every file in one graph
                report = audit.audit_memory(audit.memory_store([p.nquads for p in prepared_]), engine,
                                            settings_, rules)
            else:  # each file on its own, as the ingest workers audit it (already done there)
                report = audit.files_report(prepared_, settings_, rules)
            report.errors = errors
            return report
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


def _index_line(report: dict) -> str:
    """A sync report as one line for the ingest summary."""
    return ", ".join(f"{k}={v}" for k, v in report.items()
                     if k in ("indicators", "added", "removed", "changed", "embedded", "rows_from", "seconds"))


def _error(path: str | Path, line: int | None, code: str, message: str) -> dict:
    return {"path": str(path), "line": line, "code": code, "message": message}


# Parsing and mapping in worker processes ------------------------------------------------

POOL_MIN_FILES = 8  # fewer files: parse in this process (starting workers costs ~1 s)
POOL_WORKERS = 2
POOL_AHEAD = 384  # files parsed ahead of the writer: workers keep going during a batch write (~60 MB)
AUDIT_BATCH = 8  # files a worker parses, then audits together in one in-memory store (graph.audit.audit_sources)


def prepare_file(path: str, base_iri: str | None, index_rows: bool = False,
                 ) -> tuple[str, list[dict], object | None, list[str]]:
    """Parse one file and map it for the store: ``(path, errors, PreparedSource or None, doc keys)``.

    None when the file cannot be stored (unreadable, no table, a parser or mapping error);
    its errors say why. Runs in a worker process (everything in and out is picklable).
    """
    return prepare_files([path], base_iri, index_rows)[0]


def prepare_files(paths: list[str], base_iri: str | None, index_rows: bool = False,
                  ) -> list[tuple[str, list[dict], object | None, list[str]]]:
    """:func:`prepare_file` for some files, in order, their tables audited together: the
    audit rules run once over all of them (``graph.audit.audit_sources``: the same findings
    as file by file, for ~30% less audit CPU), and the findings are stored with each source."""
    from graph.iris import Minter

    out = []
    footprints: list = []
    for path in paths:
        result, footprint = _prepare_one(path, base_iri, index_rows)
        out.append(result)
        footprints.append(footprint)
    audited = [i for i, r in enumerate(out) if r[2] is not None]
    if not audited:
        return out
    from graph import audit

    minter = Minter(base_iri)
    try:  # the audit rules, stored with each source (a store audit gathers them)
        found = audit.audit_sources([out[i][2].nquads for i in audited], [footprints[i] for i in audited])
    except Exception:  # one file's trouble must not cost the others their findings: file by file
        found = [None] * len(audited)
    for i, findings in zip(audited, found, strict=True):
        path, errors, prepared, _docs = out[i]
        try:
            audit.attach_findings(prepared, minter, findings)
        except Exception as exc:  # the file is still stored; `jixiao audit` audits its tables itself
            errors.append(_error(path, None, "audit", f"audit at ingest failed: {type(exc).__name__}: {exc}"))
    return out


def _prepare_one(path: str, base_iri: str | None, index_rows: bool):
    """One file parsed and mapped (not yet audited), and its ``graph.audit.Footprint``."""
    import ingest as ingest_pkg
    from graph.audit import Footprint
    from graph.base import prepare
    from graph.iris import Minter
    from graph.mapping import map_source

    errors: list[dict] = []
    try:
        record = ingest_pkg.parse_file(path)
    except Exception as exc:  # a parser bug must not stop the other files
        return (path, [_error(path, None, "parse-crash", f"{type(exc).__name__}: {exc}")], None, []), None
    if record.errors:
        errors.extend({"path": str(path), **e} for e in record.errors)
        return (path, errors, None, []), None
    if not any(t.title or t.indicators for t in record.tables):
        # nothing a table is made of: neither 项目名称 nor indicators
        return (path, [_error(path, None, "no-table", f"{path}: no performance-goal table found")], None, []), None
    try:
        minter = Minter(base_iri)
        mapped = map_source(record, minter)
        prepared = prepare(mapped, str(minter.shared_graph()))
        footprint = Footprint.of(mapped.own, mapped.shared_ox)
    except Exception as exc:  # mapping failed: reported like a failed store, nothing written
        return (path, [_error(path, None, "store", f"{type(exc).__name__}: {exc}")], None, []), None
    if index_rows:
        try:  # the search index's rows of this source, so the index needs not read them back
            from search.graph_rows import source_rows

            prepared.index_rows = source_rows(mapped.own, mapped.shared_ox)
        except Exception:  # never fails the file: the sync then reads the rows from the graph
            prepared.index_rows = None
    doc_keys = [d.doc_number or d.title or "" for t in record.tables for d in (*t.legal_bases, *t.other_cited_documents)]
    return (path, errors, prepared, doc_keys), footprint


def _prepared_files(files: list[Path], base_iri: str | None, index_rows: bool = False):
    """``prepare_file`` for each file, in order; in two worker processes when there are many
    (each given ``AUDIT_BATCH`` files at a time)."""
    import os

    batches = [[str(f) for f in files[i:i + AUDIT_BATCH]] for i in range(0, len(files), AUDIT_BATCH)]
    if len(files) < POOL_MIN_FILES or (os.cpu_count() or 1) < 2:
        for batch in batches:
            yield from prepare_files(batch, base_iri, index_rows)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers start at once with the modules already imported, and — unlike spawn or
    # forkserver — never re-run the caller's main script. They inherit the open store's
    # memory but never touch it (they only parse and map), and leave with os._exit, so no
    # RocksDB destructor runs twice; RocksDB's file lock is not inherited across fork.
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=POOL_WORKERS, mp_context=ctx) as pool:
        ahead: deque = deque()
        todo = iter(batches)
        broken = False

        def submit(batch: list[str]):
            nonlocal broken
            if not broken:
                try:
                    return pool.submit(prepare_files, batch, base_iri, index_rows)
                except Exception:  # BrokenProcessPool, shutdown: parse here from now on
                    broken = True
            return None

        for batch in todo:
            ahead.append((batch, submit(batch)))
            if len(ahead) * AUDIT_BATCH >= POOL_AHEAD:
                break
        while ahead:
            batch, fut = ahead.popleft()
            nxt = next(todo, None)
            if nxt is not None:
                ahead.append((nxt, submit(nxt)))
            try:
                if fut is None:
                    raise RuntimeError("no worker")
                results = fut.result()
            except Exception:  # a worker died (killed, out of memory): these files in this process
                broken = True
                results = prepare_files(batch, base_iri, index_rows)
            yield from results
