"""A real Virtuoso (Debian's ``virtuoso-opensource``, installed by ``make virtuoso``) for tests.

``run_virtuoso(folder)`` writes an ini into ``folder``, starts ``virtuoso-t +foreground`` with
a fresh database there on two free 127.0.0.1 ports (SQL and HTTP), waits until its SPARQL
endpoint answers, yields the ``--store`` URL (user dba, password dba) and stops the server.
The ini keeps Virtuoso's default answer cap (``ResultSetMaxRows = 10000``) so the tests see
what users of a stock server see, and docs/scaling.md's time limits (``MaxQueryExecutionTime =
600``, no cost estimate) so a loaded machine does not time transactions out.
"""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
MISSING = ("Virtuoso is not installed (Debian package virtuoso-opensource: `make virtuoso` installs it "
           "when run as root)")
FRAGMENT = "#query=sparql&update=sparql-auth&gsp=sparql-graph-crud-auth"
START_SECONDS = 300  # a fresh database takes ~30 s to create on an idle machine

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = {http_port}
ServerRoot = {db}/www
ServerThreads = 8
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
; Virtuoso sets this as every /sparql request's transaction time-out, updates included: on a
; loaded 2-core machine a 120 s limit cut writes ("SR171 Transaction timed out").
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_virtuoso(folder: Path, max_rows: int = 10_000, buffers: int = 40_000) -> Iterator[str]:
    """A fresh Virtuoso in ``folder``; yields ``http://dba:dba@127.0.0.1:PORT#…``, then stops it."""
    import httpx

    if VIRTUOSO is None:
        raise RuntimeError(MISSING)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows,
                              buffers=buffers, dirty=buffers * 3 // 4),
                   encoding="utf-8")
    log = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([VIRTUOSO, "+configfile", str(ini), "+foreground"], cwd=folder,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(base + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not start: {(folder / 'stdout.log').read_text()[-800:]}")
            time.sleep(0.5)
        yield f"http://dba:dba@127.0.0.1:{http_port}{FRAGMENT}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def clear(url: str) -> None:
    """Drop every graph but Virtuoso's own (those it has before anything is written)."""
    from graph.remote import RemoteStore

    store = RemoteStore(url, read_only=True)
    try:
        graphs = [r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
                  if r.get("g") and not r["g"].startswith(SYSTEM_GRAPHS)]
        for i in range(0, len(graphs), 200):
            store._run_update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs[i:i + 200]))
    finally:
        store.close()


SYSTEM_GRAPHS = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp", "http://localuriqaserver/")
