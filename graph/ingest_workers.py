"""The ingest's worker step: files parsed, mapped and audited, ready for the store.

Each file goes ``ingest.parse_file`` → ``graph.mapping.map_source`` → ``graph.base.prepare``
(its N-Quads), and the files of one batch are audited together (``graph.audit``); the result,
a ``graph.base.PreparedSource``, is what ``GraphStore.write_sources`` writes. With many files
this runs in forked worker processes (:func:`prepared_files`).

This is graph-level work (records → triples), so it lives in ``graph/``, which must never
import ``search/`` or ``api/`` (ingest → graph → search → api). The search index's rows of a
source are made beside it in the same worker, from the mapped triples, by a function the
caller passes in (``index_rows``, e.g. ``search.graph_rows.source_rows``: a module-level
function, so it travels to the workers by name). The ingest as a whole — limits, batch
writes, the search index kept in step — is ``search.indexed_ingest``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

# Parsing and mapping in worker processes ------------------------------------------------

POOL_MIN_FILES = 8  # fewer files: parse in this process (starting workers costs ~1 s)
POOL_WORKERS = 2
POOL_AHEAD = 384  # files parsed ahead of the writer: workers keep going during a batch write (~60 MB)
AUDIT_BATCH = 8  # files a worker parses, then audits together (graph.audit.audit_sources)

# a source's search-index rows from its mapped triples (own, shared): search.graph_rows.source_rows
IndexRows = Callable[[list, list], dict[str, Any]]
Prepared = tuple[str, list[dict], Any, list[str]]  # (path, errors, PreparedSource or None, doc keys)


def file_error(path: str | Path, line: int | None, code: str, message: str) -> dict:
    """One entry of an ingest's ``errors``: ``{path, line, code, message}``."""
    return {"path": str(path), "line": line, "code": code, "message": message}


def prepare_file(path: str, base_iri: str | None, index_rows: IndexRows | None = None) -> Prepared:
    """Parse one file and map it for the store: ``(path, errors, PreparedSource or None, doc keys)``.

    None when the file cannot be stored (unreadable, no table, a parser or mapping error);
    its errors say why. Runs in a worker process (everything in and out is picklable).
    ``index_rows``: also make the search index's rows of the source (``PreparedSource.index_rows``).
    """
    return prepare_files([path], base_iri, index_rows)[0]


def prepare_files(paths: list[str], base_iri: str | None, index_rows: IndexRows | None = None,
                  ) -> list[Prepared]:
    """:func:`prepare_file` for some files, in order, their tables audited together
    (``graph.audit.audit_sources``: the rules evaluated straight over each file's triples,
    ``graph/audit_direct.py``, or run once over a store of several files; the same findings
    as file by file), and the findings are stored with each source."""
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
            errors.append(file_error(path, None, "audit", f"audit at ingest failed: {type(exc).__name__}: {exc}"))
    return out


def _prepare_one(path: str, base_iri: str | None, index_rows: IndexRows | None):
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
        return (path, [file_error(path, None, "parse-crash", f"{type(exc).__name__}: {exc}")], None, []), None
    if record.errors:
        errors.extend({"path": str(path), **e} for e in record.errors)
        return (path, errors, None, []), None
    if not any(t.title or t.indicators for t in record.tables):
        # nothing a table is made of: neither 项目名称 nor indicators
        return (path, [file_error(path, None, "no-table", f"{path}: no performance-goal table found")], None, []), None
    try:
        minter = Minter(base_iri)
        mapped = map_source(record, minter)
        prepared = prepare(mapped, str(minter.shared_graph()))
        footprint = Footprint.of(mapped.own, mapped.shared_ox)
    except Exception as exc:  # mapping failed: reported like a failed store, nothing written
        return (path, [file_error(path, None, "store", f"{type(exc).__name__}: {exc}")], None, []), None
    if index_rows is not None:
        try:  # the search index's rows of this source, so the index needs not read them back
            prepared.index_rows = index_rows(mapped.own, mapped.shared_ox)
        except Exception:  # never fails the file: the sync then reads the rows from the graph
            prepared.index_rows = None
    doc_keys = [d.doc_number or d.title or "" for t in record.tables for d in (*t.legal_bases, *t.other_cited_documents)]
    return (path, errors, prepared, doc_keys), footprint


def prepared_files(files: list[Path], base_iri: str | None, index_rows: IndexRows | None = None,
                   ) -> Iterator[Prepared]:
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


def audit_files(paths: Iterable[str | Path], base_iri: str | None, engine: str, settings: dict,
                rules: list[str]):
    """Files parsed and audited in memory, without a store; a ``graph.audit.AuditReport``
    (``Jixiao.audit(paths)``, ``jixiao audit FILE…``). Files that cannot be read are in
    ``report.errors``. ``settings``: ``graph.audit.parse_settings``'s result."""
    from graph import audit
    from ingest.pipeline import expand_paths

    files = expand_paths(paths)
    errors: list[dict] = []
    prepared_ = []
    for _path, errs, prepared, _docs in prepared_files(files, base_iri):
        errors.extend(errs)
        if prepared is not None:
            prepared_.append(prepared)
    if engine == "pyshacl":  # the reference: every file in one graph
        report = audit.audit_memory(audit.memory_store([p.nquads for p in prepared_]), engine,
                                    settings, rules)
    else:  # each file on its own, as the ingest workers audit it (already done there)
        report = audit.files_report(prepared_, settings, rules)
    report.errors = errors
    return report
