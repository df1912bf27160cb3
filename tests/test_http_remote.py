"""`jixiao serve --store URL`: the same endpoint and pages over a remote SPARQL server
(`oxigraph serve`, from the test extras), with the time limit still enforced."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.server.runner import ServerProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")

pytestmark = pytest.mark.skipif(not Path(OXIGRAPH).exists(), reason="the oxigraph server binary is not installed")


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--timeout-s", "10"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def client(remote, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(SAMPLE), "--store", remote, "--data", str(data)],
                   check=True, capture_output=True)
    with ServerProcess(["--store", remote, "--data", str(data), "--timeout", "2"]) as url, \
            httpx.Client(base_url=url, timeout=60, follow_redirects=True) as c:
        yield c


def test_remote_query_page_and_search(client):
    r = client.get("/sparql", params={"query": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a jx:Project }"})
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "4"
    doc = client.get("/api/documents/by-number/沪人服〔2016〕1号").json()
    assert len(doc["resting"]) == 1 and len(doc["citing"]) == 1
    hits = client.get("/api/search", params={"q": "满意度"}).json()["results"]
    assert hits and "满意度" in hits[0]["name"]


def test_remote_timeout_and_service(client):
    started = time.monotonic()
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert r.status_code == 503 and time.monotonic() - started < 7
    assert client.get("/sparql", params={"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"}).status_code == 403
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
