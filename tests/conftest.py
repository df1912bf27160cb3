"""Shared fixtures: keep this small and generic (several packages' tests use it)."""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"


@pytest.fixture
def sample_file() -> Path:
    """The bundled sample export (4 projects, 200 indicators)."""
    return SAMPLE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph_bin() -> str:
    exe = Path(sys.executable).with_name("oxigraph")
    return str(exe) if exe.exists() else (shutil.which("oxigraph") or "oxigraph")


@contextlib.contextmanager
def run_oxigraph(location: Path, union_default_graph: bool = False) -> Iterator[str]:
    """A real `oxigraph serve` on 127.0.0.1 and a free port; yields its base URL, then stops it."""
    import httpx

    port = _free_port()
    cmd = [_oxigraph_bin(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        cmd.append("--union-default-graph")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph serve did not start: {proc.stderr.read().decode()[:500]}") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def oxigraph_url(tmp_path: Path) -> Iterator[str]:
    """URL of a fresh `oxigraph serve` (default graph NOT the union), stopped after the test."""
    with run_oxigraph(tmp_path / "oxigraph-server") as url:
        yield url


@pytest.fixture
def oxigraph_serve():
    """Factory for servers with options: ``with oxigraph_serve(path, union_default_graph=True) as url``."""
    return run_oxigraph


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[str]:
    """``--store`` URL of one real Virtuoso for the session (tests/virtuoso_server.py); skips,
    saying why, where Debian's virtuoso-opensource is not installed."""
    from tests.virtuoso_server import MISSING, VIRTUOSO, run_virtuoso

    if VIRTUOSO is None:
        pytest.skip(MISSING)
    with run_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture
def virtuoso_url(virtuoso_server: str) -> str:
    """The session's Virtuoso, emptied of everything but its own system graphs."""
    from tests.virtuoso_server import clear

    clear(virtuoso_server)
    return virtuoso_server


@pytest.fixture(params=["embedded", "remote", "virtuoso"])
def store(request, tmp_path: Path, oxigraph_serve):
    """A fresh graph store: embedded, over a real `oxigraph serve`, and over a real Virtuoso."""
    from graph.store import open_store

    if request.param == "embedded":
        s = open_store(data=tmp_path / "data")
        yield s
        s.close()
    elif request.param == "virtuoso":
        s = open_store(data=tmp_path / "data", url=request.getfixturevalue("virtuoso_url"))
        yield s
        s.close()
    else:
        with oxigraph_serve(tmp_path / "server") as url:
            s = open_store(data=tmp_path / "data", url=url)
            yield s
            s.close()


@pytest.fixture(scope="module")
def sample_sparql_endpoint(tmp_path_factory) -> Iterator[str]:
    """A real `jixiao serve` over the ingested sample (no search index); yields its /sparql URL."""
    from api.app import Jixiao
    from api.server.runner import ServerProcess

    data = tmp_path_factory.mktemp("data")
    jx = Jixiao(data=data)
    try:
        assert not jx.ingest([SAMPLE], index=False).errors
    finally:
        jx.close()
    with ServerProcess(["--data", str(data), "--sparql-workers", "1"]) as url:
        yield url + "/sparql"
