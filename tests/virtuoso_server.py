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
import re
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
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 0
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_virtuoso(folder: Path, max_rows: int = 10_000, buffers: int = 40_000,
                 max_seconds: int = 600) -> Iterator[str]:
    """A fresh Virtuoso in ``folder``; yields ``http://dba:dba@127.0.0.1:PORT#…``, then stops it.
    ``max_seconds``: its ``MaxQueryExecutionTime``, every /sparql transaction's time-out."""
    import httpx

    if VIRTUOSO is None:
        raise RuntimeError(MISSING)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows,
                              buffers=buffers, dirty=buffers * 3 // 4, max_seconds=max_seconds),
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


def isql(folder: Path, script: str) -> subprocess.Popen:
    """Start ``isql-vt`` (Debian's Virtuoso SQL client) on the server in ``folder`` with a script
    of statements; the caller waits for it."""
    port = re.search(r"^ServerPort = (\d+)$", (folder / "virtuoso.ini").read_text(), re.MULTILINE).group(1)
    (folder / "script.sql").write_text(script, encoding="utf-8")
    return subprocess.Popen(["isql-vt", port, "dba", "dba", str(folder / "script.sql")], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


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


# Virtuoso's answers to a transaction it rolled back, as it sends them (HTTP 500, text/plain):
# SR171 captured from Virtuoso 7.2.5 over /sparql-auth (an update waiting on a row an isql
# session held past MaxQueryExecutionTime); SR172 is the same message form with the
# deadlock's SQL state and text. SP030 (HTTP 400) is a SPARQL syntax error: not transient.
VIRTUOSO_SERVER_HEADER = "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"
TIMED_OUT = (500, "Virtuoso S1T00 Error SR171: Transaction timed out")
DEADLOCKED = (500, "Virtuoso 40001 Error SR172: Transaction deadlocked")
SYNTAX_ERROR = (400, "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '}' before '}'")


class Fault:
    """Answer the first ``times`` requests that ``match`` with Virtuoso's ``error`` instead of
    forwarding them. ``match(method, path, body)`` sees the request as it arrives."""

    def __init__(self, match, error: tuple[int, str], times: int = 1) -> None:
        self.match, self.status, self.message, self.left = match, error[0], error[1], times


class FaultProxy:
    """A real HTTP proxy on a free 127.0.0.1 port in front of a real server: every request is
    forwarded as it is (credentials, challenges and all) except those a :class:`Fault` takes,
    which get the server's error answer, as Virtuoso words it (its message, then the request's
    SPARQL text). ``log`` holds every request: (method, path, body, status, injected, time,
    the answer's first 200 bytes)."""

    HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}

    def __init__(self, target: str) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        import httpx

        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, bytes, int, bool, float, bytes]] = []
        self._lock = threading.Lock()
        upstream = httpx.Client(base_url=target, timeout=600)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fault = proxy._take(self.command, self.path, body)
                if fault is not None:
                    form = parse_qs(body.decode("utf-8", "replace"))
                    sparql = (form.get("update") or form.get("query") or [""])[0]
                    status, payload = fault.status, f"{fault.message}\n\nSPARQL query:\n{sparql}".encode()
                    headers = [("Server", VIRTUOSO_SERVER_HEADER), ("Content-Type", "text/plain")]
                else:
                    resp = upstream.request(self.command, self.path, content=body,
                                            headers=[(k, v) for k, v in self.headers.items()
                                                     if k.lower() not in proxy.HOP])
                    status, payload = resp.status_code, resp.content
                    headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in proxy.HOP]
                with proxy._lock:
                    proxy.log.append((self.command, self.path, body, status, fault is not None, time.monotonic(),
                                      payload[:200]))
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any  # noqa: N815 - http.server's names

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._upstream = upstream
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _take(self, method: str, path: str, body: bytes) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.left > 0 and fault.match(method, path, body):
                    fault.left -= 1
                    return fault
        return None

    def url(self, store_url: str) -> str:
        """``store_url`` (http://USER:PASSWORD@127.0.0.1:PORT#…) pointed at this proxy."""
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(store_url)
        auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit((parts.scheme, f"{auth}127.0.0.1:{self.port}", parts.path, parts.query, parts.fragment))

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._upstream.close()


def server_url(store_url: str) -> str:
    """``http://127.0.0.1:PORT`` of a ``--store`` URL (no credentials, no fragment)."""
    from urllib.parse import urlsplit

    parts = urlsplit(store_url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port}"
