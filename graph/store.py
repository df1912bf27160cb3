"""The store: embedded Oxigraph on disk (default) or a remote SPARQL 1.1 server.

    store = open_store(data=Path("jixiao-data"))                 # DATA/store, RocksDB
    store = open_store(data=..., url="http://127.0.0.1:7878")    # any SPARQL 1.1 + GSP server

Embedded: pyoxigraph's ``Store`` on disk, exposed to rdflib users as ``store.dataset`` (an
rdflib ``Dataset`` over oxrdflib's ``OxigraphStore`` with ``default_union=True``). All
SPARQL goes straight to ``pyoxigraph.Store.query`` with ``use_default_graph_as_union=True``
— never through rdflib's Python evaluator, which oxrdflib silently falls back to when a
query comes with arguments it does not support.

Concurrent readers: RocksDB lets one process open the store for writing. A writer
publishes a snapshot (``Store.backup``: hard links, milliseconds) after it changed
something; ``open_store(..., read_only=True)`` opens the newest snapshot with
``Store.read_only`` and switches to a newer one when it appears. So the web server reads
while ``jixiao ingest`` writes, and sees the new data once the ingest is done.
"""
from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from graph.base import GraphStore, ReplaceResult
from graph.results import SparqlError
from graph.sparqltext import has_dataset_clause
from graph.vocab import PREFIXES

__all__ = ["EmbeddedStore", "GraphStore", "ReplaceResult", "StoreBusyError", "open_store"]

KEEP_SNAPSHOTS = 3
BULK_MIN_QUADS = 20_000  # below this a batch of new sources is one ordinary transaction


class StoreBusyError(RuntimeError):
    """Another process holds the embedded store open for writing."""


def open_store(data: Path | str = Path("jixiao-data"), url: str | None = None, base_iri: str | None = None,
               read_only: bool = False) -> GraphStore:
    """Open the graph store: remote when ``url`` is given, else embedded in ``data/store``.

    ``read_only=True`` (embedded) opens the newest published snapshot: use it for processes
    that only read (the web server) so that an ingest can run meanwhile.
    """
    if url:
        from graph.remote import RemoteStore

        return RemoteStore(url, base_iri=base_iri, read_only=read_only)
    return EmbeddedStore(Path(data), base_iri=base_iri, read_only=read_only)


class EmbeddedStore(GraphStore):
    """Oxigraph (RocksDB) in ``data/store``, snapshots for readers in ``data/snapshots``."""

    batch_quads = 250_000

    def __init__(self, data: Path, base_iri: str | None = None, read_only: bool = False) -> None:
        super().__init__(base_iri)
        self.data = Path(data)
        self.path = self.data / "store"
        self.snapshots = self.data / "snapshots"
        self.read_only = read_only
        self._dirty = False
        self._snapshot_id: str | None = None
        self._dataset = None
        if read_only:
            self._ox = self._open_reader()
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                self._ox = ox.Store(str(self.path))
            except OSError as e:
                if "lock" in str(e).lower():
                    raise StoreBusyError(
                        f"{self.path} is open for writing in another process (e.g. a running "
                        f"`jixiao ingest`); read-only users should open it with read_only=True"
                    ) from e
                raise
            # SST files of a bulk load killed before its commit: never part of the store
            # (the commit ingests them atomically), and we hold the lock now.
            for stale in self.path.glob("bulk-*.sst"):
                stale.unlink(missing_ok=True)
            self.ensure_ontology()

    # ------------------------------------------------------------------ rdflib view
    @property
    def dataset(self):
        """An rdflib ``Dataset`` over this store (oxrdflib); its default graph is the union.

        ``Dataset.query`` reaches Oxigraph's engine only when called with a query string and
        no extra keyword arguments; :meth:`query` is the safe way.
        """
        if self._dataset is None:
            from oxrdflib import OxigraphStore
            from rdflib import Dataset

            ds = Dataset(store=OxigraphStore(store=self._ox), default_union=True)
            for prefix, iri in PREFIXES.items():
                ds.bind(prefix, iri, override=True)
            self._dataset = ds
        return self._dataset

    # ------------------------------------------------------------------ primitives
    def _run_query(self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                   base_iri: str | None = None):
        self._refresh_reader()
        if default_graphs is None and named_graphs is None:
            # the union default graph, unless the query names its dataset (FROM / FROM NAMED)
            options: dict = {"use_default_graph_as_union": not has_dataset_clause(sparql)}
        else:
            options = {"default_graph": [ox.NamedNode(g) for g in default_graphs or []],
                       "named_graphs": [ox.NamedNode(g) for g in named_graphs or []]}
        if base_iri:
            options["base_iri"] = base_iri
        try:
            result = self._query_engine().query(sparql, prefixes=PREFIXES, **options)
        except SyntaxError as e:
            raise SparqlError(str(e)) from e
        if isinstance(result, ox.QueryTriples):
            return list(result)
        return result

    def _query_engine(self) -> ox.Store:
        """The Oxigraph store queries run on (``graph.replica`` answers from memory instead)."""
        return self._ox

    def _run_update(self, sparql: str, base_iri: str | None = None) -> None:
        try:
            self._ox.update(sparql, prefixes=PREFIXES, base_iri=base_iri)
        except SyntaxError as e:
            raise SparqlError(str(e)) from e

    def _write_new(self, items) -> None:
        """Write new sources all or nothing, without SPARQL parsing.

        Large batches go through Oxigraph's bulk loader: it sorts the quads into new SST
        files and ingests them with ONE RocksDB ``IngestExternalFiles`` call at commit, which
        RocksDB records atomically (after a crash either all of the files are in or none).
        That path costs about a third of the CPU of the transactional write path (WAL +
        memtables + compaction), whatever the size of a transaction. Small batches use
        ``Store.load``, one transaction: the bulk loader's fixed cost (new files for every
        index) does not pay off there.
        """
        data = b"".join(i.nquads for i in items)
        if sum(i.quads for i in items) >= BULK_MIN_QUADS:
            self._ox.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        else:
            self._ox.load(data, format=ox.RdfFormat.N_QUADS)

    def _quads(self) -> Iterator[ox.Quad]:
        self._refresh_reader()
        return iter(self._ox)

    def _load_ontology(self, graph: str, turtle: str) -> None:
        from rdflib import URIRef

        self._ox.remove_graph(ox.NamedNode(graph))
        # oxrdflib's ox-turtle parser hands the text to Oxigraph's own (transactional) loader.
        self.dataset.graph(URIRef(graph)).parse(data=turtle, format="ox-turtle")

    def triple_count(self) -> int:
        self._refresh_reader()
        return len(self._ox)

    def bulk_load(self, quads: Iterable[ox.Quad]) -> None:
        """Fast non-transactional load (benchmarks, restoring an export)."""
        self._check_writable()
        self._ox.bulk_extend(quads)
        self._changed()

    # ------------------------------------------------------------------ snapshots for readers
    def _changed(self) -> None:
        self._dirty = True

    def publish(self) -> Path | None:
        """Snapshot the store for read-only openers (cheap: RocksDB backups use hard links).

        Does nothing when the newest snapshot already shows the current state.
        """
        if self.read_only:
            return None
        current = self._current_snapshot()
        if not self._dirty and current and (self.snapshots / current).is_dir():
            return None  # readers already see this state
        target = self._snapshot(self._ox)
        self._dirty = False
        return target

    def _snapshot(self, store: ox.Store) -> Path:
        store.flush()
        self.snapshots.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}"
        target = self.snapshots / name
        store.backup(str(target))
        tmp = self.snapshots / f"CURRENT.{os.getpid()}"
        tmp.write_text(name, encoding="utf-8")
        os.replace(tmp, self.snapshots / "CURRENT")  # atomic switch for readers
        # Keep a few old snapshots: a reader may still be on one while it notices the switch.
        old = sorted(p for p in self.snapshots.iterdir() if p.is_dir() and p.name != name)
        for p in old[:-(KEEP_SNAPSHOTS - 1) or None]:
            shutil.rmtree(p, ignore_errors=True)
        return target

    def _current_snapshot(self) -> str | None:
        try:
            return (self.snapshots / "CURRENT").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _open_reader(self) -> ox.Store:
        name = self._current_snapshot()
        self._snapshot_id = name
        if name and (self.snapshots / name).is_dir():
            return ox.Store.read_only(str(self.snapshots / name))
        if (self.path / "CURRENT").exists():
            # Never published (a store from before snapshots, or a crash): publish one now,
            # unless a writer is busy — reading a directory being written is unsafe.
            try:
                primary = ox.Store(str(self.path))
            except OSError as e:
                if "lock" in str(e).lower():
                    raise StoreBusyError(f"{self.path} is being written and has no snapshot yet; "
                                         f"try again when the ingest has finished") from e
                raise
            target = self._snapshot(primary)
            del primary
            gc.collect()
            self._snapshot_id = target.name
            return ox.Store.read_only(str(target))
        return ox.Store()  # nothing ingested yet: an empty in-memory store

    def _refresh_reader(self) -> None:
        if self.read_only and self._current_snapshot() != self._snapshot_id:
            self._ox = self._open_reader()
            self._dataset = None

    def close(self) -> None:
        if getattr(self, "_ox", None) is None:
            return
        if not self.read_only:
            self.publish()
        self._dataset = None
        self._ox = None
        # RocksDB's lock goes with the last reference to the Store; rdflib's Dataset keeps
        # reference cycles to it, so collect them now to let another process (or a reopen) in.
        gc.collect()
