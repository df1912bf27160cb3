"""An in-memory read replica of the embedded store, for the processes that only query it.

The embedded store is Oxigraph on RocksDB. On the heavy research queries (aggregations over
every indicator) RocksDB's index scans are the cost: at 10k tables (2.8 M triples) those
queries took 7–16 s, and the same data in Oxigraph's in-memory store answers about ten
times faster (BENCHMARKS.md, "Research queries"). So a reader that has the memory keeps a
copy of the published snapshot in an in-memory ``pyoxigraph.Store``:

* it opens the snapshot as before (``EmbeddedStore(read_only=True)``) and answers from it
  at once; a background thread copies the snapshot into memory (Oxigraph's own dump and
  bulk load, both outside the GIL) and queries switch to the copy when it is complete;
* it follows writes: every query first checks which snapshot is published (as any reader
  does). A query never runs on a copy of an older snapshot — after a publish it runs on the
  new snapshot on disk until the new copy is loaded, then on that;
* it only copies what fits: the copy's size is estimated from the snapshot's size on disk
  (``MEMORY_PER_DISK_BYTE``, measured) and compared with the budget the caller gives.

The answers are the same as the store's (same engine, same data, same union default graph;
tests/test_sparql_replica.py compares them), only faster.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.kept import kept_path
from graph.store import EmbeddedStore

log = logging.getLogger("jixiao.replica")

# In-memory Oxigraph bytes per byte of the (compacted) RocksDB snapshot on disk, measured at
# 10k synthetic tables (1.10: 2,837 MiB for a 2,579 MiB snapshot of 8.6 M quads, BENCHMARKS.md),
# with a margin, so a copy never outgrows its budget.
MEMORY_PER_DISK_BYTE = 1.25
POLL_SECONDS = 2.0  # how often the loader looks for a newly published snapshot
HOLD_SECONDS = 120.0  # the longest a copy waits for the server's start-up (start_after_fd)
LOADER_NICE = 10  # the copy is made with what CPU the server's start and its visitors leave


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def snapshot_dump(snapshots: Path, name: str) -> Path:
    """The snapshot as one N-Quads file (``snapshots/NAME.nq``), written once for all readers.

    Reading a RocksDB snapshot term by term is slow (every IRI and most Chinese labels are
    looked up by id: ~5-15k quads a second on the reference machine), so one worker writes the
    file under a lock and the others load from it (in-memory bulk load: ~35k+ quads a second).
    """
    import fcntl

    dump = snapshots / f"{name}.nq"
    if dump.exists():
        return dump
    with open(snapshots / f"{name}.nq.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another reader may be writing it: wait for it
        if not dump.exists():
            # partial dumps of readers stopped while writing (only the lock's holder writes)
            for stale in snapshots.glob(f"{name}.nq.*.tmp"):
                stale.unlink(missing_ok=True)
            tmp = snapshots / f"{name}.nq.{os.getpid()}.tmp"
            try:
                ox.Store.read_only(str(snapshots / name)).dump(str(tmp), format=ox.RdfFormat.N_QUADS)
                os.replace(tmp, dump)  # complete or absent
            finally:
                tmp.unlink(missing_ok=True)
    return dump


def published_dump(store: object) -> Path | None:
    """The N-Quads file of the snapshot a read-only embedded store is on (written once, shared
    with the query workers' copies); None for other stores (they export themselves)."""
    if not isinstance(store, EmbeddedStore) or not store.read_only:
        return None
    store._refresh_reader()
    name = store._snapshot_id
    if name is None or not (store.snapshots / name).is_dir():
        return None
    return snapshot_dump(store.snapshots, name)


def per_snapshot(store: object, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per published snapshot, kept beside it as ``snapshots/NAME.KEY.json``.

    For figures over the whole store that only change when a writer publishes (the home
    page's counts: six COUNT DISTINCT scans, seconds at 10k tables): a server restarted on
    the same snapshot reads them back at once. Other stores: ``compute()`` every time.
    """
    if not isinstance(store, EmbeddedStore) or not store.read_only:
        return compute()
    store._refresh_reader()
    name = store._snapshot_id
    if name is None or not (store.snapshots / name).is_dir():
        return compute()
    path = kept_path(store.snapshots, name, key)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only data folder: computed again next time
        tmp.unlink(missing_ok=True)
    return value


def remove_stale_dumps(snapshots: Path) -> None:
    """Dumps (and their locks) and per-snapshot figures of snapshots the writer has removed."""
    for f in [*snapshots.glob("*.nq*"), *snapshots.glob("*.json")]:
        name = f.name.split(".", 1)[0]
        if not (snapshots / name).is_dir():
            f.unlink(missing_ok=True)


class ReplicatedReader(EmbeddedStore):
    """A read-only embedded store whose queries run on an in-memory copy once it is loaded.

    ``budget_mb``: the most memory the copy may take (estimated before loading); 0 turns the
    copy off. ``status`` says what queries run on: ``"loading"``, ``"memory"``, ``"disk"``
    (no copy: nothing published, too large, or failed — ``reason`` says which).
    """

    def __init__(self, data: Path, base_iri: str | None = None, budget_mb: int = 0,
                 start_after_fd: int | None = None) -> None:
        """``start_after_fd``: a pipe to wait on (until its writer closes it, at most
        ``HOLD_SECONDS``) before the first copy: the server's own start-up goes first."""
        super().__init__(data, base_iri=base_iri, read_only=True)
        self.start_after_fd = start_after_fd
        self.budget_bytes = max(0, budget_mb) * 1024 * 1024
        self._copy: tuple[str, ox.Store] | None = None  # (snapshot id, in-memory store)
        self.reason = "" if self.budget_bytes else "off"
        self.load_seconds: float | None = None
        self.copied: str | None = None  # the snapshot id of the last copy made
        self.last_engine = "disk"  # what the last query ran on: "memory" or "disk"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self.budget_bytes:
            self._thread = threading.Thread(target=self._follow, name="jixiao-replica", daemon=True)
            self._thread.start()

    # ------------------------------------------------------------------ queries
    def _query_engine(self) -> ox.Store:
        copy = self._copy
        if copy is not None and copy[0] == self._snapshot_id:
            self.last_engine = "memory"
            return copy[1]
        self.last_engine = "disk"
        return self._ox

    @property
    def status(self) -> str:
        self._refresh_reader()
        copy = self._copy
        if copy is not None and copy[0] == self._snapshot_id:
            return "memory"
        if self.budget_bytes and not self.reason and self._snapshot_id is not None:
            return "loading"
        return "disk"

    def wait_ready(self, timeout: float) -> bool:
        """Wait until queries run on a copy of the current snapshot (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status
            if status != "loading":
                return status == "memory"
            time.sleep(0.05)
        return False

    # ------------------------------------------------------------------ the copy
    def _follow(self) -> None:
        """Copy each newly published snapshot into memory, one at a time."""
        try:  # behind the server's own start-up and its searches: Linux nice is per thread
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOADER_NICE)
        except (AttributeError, OSError):
            pass
        if self.start_after_fd is not None:
            import select

            try:
                select.select([self.start_after_fd], [], [], HOLD_SECONDS)  # readable at EOF: released
            except (OSError, ValueError):
                pass
        while not self._stop.is_set():
            name = self._current_snapshot()
            if name is not None and name != self.copied and (self.snapshots / name).is_dir():
                self._load(name)
            self._stop.wait(POLL_SECONDS)

    def _load(self, name: str) -> None:
        folder = self.snapshots / name
        self.copied = name
        try:
            estimate = folder_bytes(folder) * MEMORY_PER_DISK_BYTE
            if estimate > self.budget_bytes:
                self.reason = (f"too large: the copy would take ~{estimate / 2**20:,.0f} MiB, the budget is "
                               f"{self.budget_bytes / 2**20:,.0f} MiB")
                self._copy = None
                log.info("no in-memory copy of snapshot %s: %s", name, self.reason)
                return
            self.reason = ""
            started = time.perf_counter()
            self._copy = None  # the old copy goes before the new one is built: never two at once
            dump = snapshot_dump(self.snapshots, name)
            memory = ox.Store()
            # N-Quads keeps every term as it is (blank node labels included); the bulk load
            # runs in Rust without the GIL, so queries go on meanwhile
            memory.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            remove_stale_dumps(self.snapshots)
            if self._current_snapshot() == name:
                self._copy = (name, memory)
                self.load_seconds = round(time.perf_counter() - started, 2)
                log.info("in-memory copy of snapshot %s ready after %.1f s", name, self.load_seconds)
        except Exception as e:  # MemoryError, a snapshot removed meanwhile: answer from disk
            self._copy = None
            self.reason = f"failed: {type(e).__name__}: {e}"
            log.warning("in-memory copy of snapshot %s failed: %s", name, e)

    def close(self) -> None:
        self._stop.set()
        self._copy = None
        super().close()
