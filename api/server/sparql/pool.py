"""The server side of the query workers: dispatch, time limit, kill and replace.

Each worker is a child process (``api.server.sparql.worker``). A query is sent to an idle
worker; if no answer arrives within the time limit the worker is killed with SIGKILL —
which really stops the query, unlike abandoning a thread — and a fresh worker is started
in the background. Workers open the store read-only themselves and follow the snapshots
the writer publishes, so they need nothing from this process but the query.
"""
from __future__ import annotations

import logging
import os
import queue
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from api.server.sparql import wire

log = logging.getLogger("jixiao.sparql")
START_WAIT = 60.0  # seconds a query made at start-up may wait for the first worker


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class QueryBusy(Exception):
    """Every worker stayed busy for the whole time limit."""


class WorkerCrashed(Exception):
    """The worker died while running the query (for example it hit its memory limit)."""


@dataclass
class Answer:
    ok: bool
    status: int = 200
    message: str = ""
    kind: str = ""
    media_type: str = ""
    body: bytes = b""
    truncated: bool = False
    rows: int = 0
    engine: str = ""  # what answered: "memory" (the in-memory replica), "disk" or "remote"


class _Worker:
    def __init__(self, args: list[str], pass_fds: tuple[int, ...] = ()) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.server.sparql.worker", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, start_new_session=True, pass_fds=pass_fds)
        self.fd = self.proc.stdout.fileno()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout: float) -> None:
        self.recv(timeout)

    def send(self, message: dict) -> None:
        wire.send(self.proc.stdin, message)

    def recv(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            raise QueryTimeout
        # the answer has started; the rest of it follows without waiting on the query
        return wire.recv(self.proc.stdout)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not die", self.pid)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


class QueryPool:
    """``size`` workers; ``run(...)`` is blocking and thread-safe (call it from a thread pool)."""

    def __init__(self, size: int = 2, timeout: float = 30.0, max_rows: int = 10_000,
                 data: Path | None = None, store_url: str | None = None, base_iri: str | None = None,
                 memory_mb: int = 0, sandbox: bool = False, replica_mb: int = 0,
                 hold_replicas: bool = False) -> None:
        """``hold_replicas``: the workers' in-memory copies start loading only when
        ``release_replicas()`` is called (the server's own start-up first: its search index and
        encoder), or after ``REPLICA_HOLD_SECONDS`` at the latest."""
        from api.server.sparql import sandbox as _sandbox

        self.size = max(1, size)
        self.timeout = timeout
        self.max_rows = max_rows
        self._args = (["--store", store_url] if store_url else ["--data", str(data or "jixiao-data")])
        self._args += (["--base-iri", base_iri] if base_iri else []) + (
            ["--memory-mb", str(memory_mb)] if memory_mb else [])
        self.replica_mb = 0 if store_url else max(0, replica_mb)
        self._args += ["--replica-mb", str(self.replica_mb)] if self.replica_mb else []
        # a pipe the workers' copy loaders wait on: closing its write end releases them all (a
        # worker started later finds it closed and loads at once)
        self._hold: tuple[int, int | None] | None = None
        if self.replica_mb and hold_replicas:
            r, w = os.pipe()
            self._hold = (r, w)
            self._args += ["--replica-after-fd", str(r)]
        # workers without network (SERVICE impossible) where asked for and the machine can
        self.sandboxed = bool(sandbox and not store_url and _sandbox.available())
        if sandbox and not self.sandboxed:
            log.warning("query workers run without the network sandbox (%s): SERVICE is refused by the "
                        "text check alone", "remote store" if store_url else "no seccomp here")
        self._args += ["--no-network"] if self.sandboxed else []
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0  # workers killed for running past the time limit
        self._spawning = 0
        self._closed = False
        self._starting = threading.Event()  # cleared while a start(wait=False) has no worker ready yet
        self._starting.set()

    # -- life cycle ---------------------------------------------------------------
    def start(self, wait: bool = True) -> None:
        """Start the workers. ``wait=False`` returns at once (the server binds meanwhile): they
        start side by side in threads, and a query made before the first is ready waits for it
        (up to ``START_WAIT`` seconds, not counted in the query's time limit)."""
        with self._lock:
            missing = max(0, self.size - len(self._all) - self._spawning)
            self._spawning += missing
        if wait:
            for _ in range(missing):
                self._spawn_counted()
            return
        if not missing:
            return
        self._starting.clear()
        spawners = [threading.Thread(target=self._spawn_counted, name="jixiao-worker-spawn", daemon=True)
                    for _ in range(missing)]
        for t in spawners:
            t.start()

        def all_tried() -> None:  # none started (a broken store): queries stop waiting, get QueryBusy
            for t in spawners:
                t.join()
            self._starting.set()

        threading.Thread(target=all_tried, name="jixiao-worker-start", daemon=True).start()

    def release_replicas(self) -> None:
        """Let the workers' in-memory copies load (see ``hold_replicas``); idempotent."""
        with self._lock:
            if self._hold is not None and self._hold[1] is not None:
                os.close(self._hold[1])
                self._hold = (self._hold[0], None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        self._starting.set()
        for w in workers:
            w.kill()
        self.release_replicas()
        with self._lock:
            if self._hold is not None:
                os.close(self._hold[0])
                self._hold = None

    def live_workers(self) -> int:
        """Workers started or starting: never more than ``size``."""
        with self._lock:
            return len(self._all) + self._spawning

    def worker_pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._all)

    # -- queries ------------------------------------------------------------------
    def run(self, query: str, result_fmt: str | None, graph_fmt: str | None,
            timeout: float | None = None, max_rows: int | None = None, options: dict | None = None) -> Answer:
        self._starting.wait(START_WAIT)
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        deadline = time.monotonic() + limit
        self._top_up()
        req = {"query": query, "result_fmt": result_fmt, "graph_fmt": graph_fmt,
               "max_rows": self.max_rows if max_rows is None else min(max_rows, self.max_rows)}
        if options:  # GraphStore.query's: the protocol's dataset (graph lists), the base IRI
            req["options"] = options
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise QueryBusy from None
            try:
                worker.send(req)
            except (OSError, ValueError):
                # this idle worker had died (killed from outside, crashed): try the next one
                self._replace(worker)
                continue
            break
        try:
            reply = worker.recv(deadline - time.monotonic())
        except QueryTimeout:
            self.killed += 1
            log.warning("query stopped after %.1f s (worker %s killed): %.200s", limit, worker.pid, query)
            self._replace(worker)
            raise
        except (EOFError, OSError) as e:
            self._replace(worker)
            raise WorkerCrashed(str(e)) from None
        self._idle.put(worker)
        return Answer(**{k: v for k, v in reply.items() if k in Answer.__dataclass_fields__})

    # -- workers ------------------------------------------------------------------
    # One count bounds the pool: ``len(_all) + _spawning`` (workers alive or starting) is
    # raised only under the lock and only up to ``size``. A replaced worker is killed and
    # reaped before its successor starts, so there are never more than ``size`` processes.
    def _top_up(self) -> None:
        """Start workers for any that failed to start or died, up to ``size`` and no further."""
        with self._lock:
            if self._closed:
                return
            missing = max(0, self.size - len(self._all) - self._spawning)
            self._spawning += missing
        for _ in range(missing):
            threading.Thread(target=self._spawn_counted, name="jixiao-worker-spawn", daemon=True).start()

    def _spawn_counted(self) -> None:
        """Start one worker whose place ``_spawning`` already holds, and give the place back."""
        w: _Worker | None = None
        try:
            if not self._closed:
                w = _Worker(self._args, pass_fds=(self._hold[0],) if self._hold is not None else ())
                w.wait_ready(60)
        except Exception:
            log.exception("query worker failed to start")
            if w is not None:
                w.kill()
            w = None
        with self._lock:
            self._spawning -= 1
            keep = w is not None and not self._closed and len(self._all) < self.size
            if keep:
                self._all.add(w)
        if keep:
            self._idle.put(w)
            self._starting.set()
        elif w is not None:
            w.kill()

    def _replace(self, worker: _Worker) -> None:
        # killed and reaped while it still holds its place, so no successor starts beside it
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        # start the replacement off the request path: the client already has its answer
        self._top_up()
