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


class _Worker:
    def __init__(self, args: list[str]) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.server.sparql.worker", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, start_new_session=True)
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
                 memory_mb: int = 0) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self.max_rows = max_rows
        self._args = (["--store", store_url] if store_url else ["--data", str(data or "jixiao-data")])
        self._args += (["--base-iri", base_iri] if base_iri else []) + (
            ["--memory-mb", str(memory_mb)] if memory_mb else [])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0  # workers killed for running past the time limit
        self._spawning = 0
        self._closed = False

    # -- life cycle ---------------------------------------------------------------
    def start(self) -> None:
        for _ in range(self.size):
            self._spawn()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()

    def worker_pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._all)

    # -- queries ------------------------------------------------------------------
    def run(self, query: str, result_fmt: str | None, graph_fmt: str | None,
            timeout: float | None = None, max_rows: int | None = None) -> Answer:
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        deadline = time.monotonic() + limit
        self._top_up()
        req = {"query": query, "result_fmt": result_fmt, "graph_fmt": graph_fmt,
               "max_rows": self.max_rows if max_rows is None else min(max_rows, self.max_rows)}
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
    def _top_up(self) -> None:
        """Start workers for any that failed to start or died, so the pool never shrinks."""
        with self._lock:
            missing = self.size - len(self._all) - self._spawning
        for _ in range(max(0, missing)):
            self._spawn_in_background()

    def _spawn_in_background(self) -> None:
        with self._lock:
            self._spawning += 1

        def run() -> None:
            try:
                self._spawn()
            finally:
                with self._lock:
                    self._spawning -= 1

        threading.Thread(target=run, name="jixiao-worker-spawn", daemon=True).start()

    def _spawn(self) -> None:
        if self._closed:
            return
        w = _Worker(self._args)
        try:
            w.wait_ready(60)
        except Exception:
            log.exception("query worker failed to start")
            w.kill()
            return
        with self._lock:
            if self._closed:
                w.kill()
                return
            self._all.add(w)
        self._idle.put(w)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        # start the replacement off the request path: the client already has its answer
        self._spawn_in_background()
