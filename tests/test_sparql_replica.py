"""The in-memory read replica of the query workers (graph.replica, issue 15): same answers as
the store on disk, used once loaded, kept in step with what a writer publishes, skipped when
it would not fit. Real store, real ingest, a real server with real worker processes."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import httpx
import pytest

from api.app import Jixiao
from api.server.runner import ServerProcess
from graph.replica import ReplicatedReader
from graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
PROJECT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?p a jx:Project }"


def _research_queries() -> dict[str, str]:
    """The six research queries of benchmarks/bench_sparql.py, with their PREFIX lines."""
    spec = importlib.util.spec_from_file_location("bench_sparql_queries", ROOT / "benchmarks" / "bench_sparql.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: module.q(name) for name in module.QUERIES}


def _rows(store, sparql: str) -> list[tuple]:
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in store.select(sparql))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("replica")
    writer = Jixiao(data=data)
    try:
        summary = writer.ingest([SAMPLES], index=False)
        assert not summary.errors and summary.tables >= 4
    finally:
        writer.close()
    return data


def test_replica_gives_the_stores_answers_to_the_research_queries(data_dir):
    disk = open_store(data=data_dir, read_only=True)
    replica = ReplicatedReader(data_dir, budget_mb=512)
    try:
        assert replica.wait_ready(60), replica.reason
        for name, sparql in _research_queries().items():
            expected = _rows(disk, sparql)
            got = _rows(replica, sparql)
            assert replica.last_engine == "memory", name
            assert got == expected, name
        assert any(_rows(disk, s) for s in _research_queries().values())  # not all empty
    finally:
        replica.close()
        disk.close()


def test_replica_follows_a_published_write(data_dir, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    replica = ReplicatedReader(data, budget_mb=512)
    writer = open_store(data=data)
    try:
        assert replica.wait_ready(60), replica.reason
        before = int(replica.select(PROJECT_COUNT)[0]["n"])
        writer.update('INSERT DATA { GRAPH <urn:test:new> { <urn:test:p> a jx:Project ; dcterms:title "新项目" } }')
        writer.publish()
        # the very next query sees the write (on the new snapshot on disk, or its copy)
        assert int(replica.select(PROJECT_COUNT)[0]["n"]) == before + 1
        assert replica.wait_ready(60), replica.reason
        assert int(replica.select(PROJECT_COUNT)[0]["n"]) == before + 1
        assert replica.last_engine == "memory"
        assert replica.select('SELECT ?t WHERE { <urn:test:p> dcterms:title ?t }')[0]["t"] == "新项目"
    finally:
        writer.close()
        replica.close()


def test_no_copy_when_it_does_not_fit_or_is_off(data_dir):
    small = ReplicatedReader(data_dir, budget_mb=1)  # the sample's copy needs more than 1 MiB
    off = ReplicatedReader(data_dir, budget_mb=0)
    try:
        assert not small.wait_ready(60)
        assert small.status == "disk" and small.reason.startswith("too large")
        assert small.select(PROJECT_COUNT)[0]["n"] == off.select(PROJECT_COUNT)[0]["n"]
        assert small.last_engine == "disk" and off.status == "disk" and off.reason == "off"
    finally:
        small.close()
        off.close()


def test_a_held_replica_waits_for_its_release_and_answers_from_disk_meanwhile(data_dir, tmp_path):
    """The server holds the workers' copies until its own start-up is done (a pipe, closed
    by api.server.app when the search index is warm): none is made while held."""
    import os
    import shutil
    import time

    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    for stale in (data / "snapshots").glob("*.nq"):
        stale.unlink()
    r, w = os.pipe()
    replica = ReplicatedReader(data, budget_mb=512, start_after_fd=r)
    try:
        time.sleep(1.0)  # ample time to dump and load the sample's copy, were it not held
        assert replica.copied is None and replica.status == "loading"
        assert not list((data / "snapshots").glob("*.nq"))  # not even the dump was written
        assert int(replica.select(PROJECT_COUNT)[0]["n"]) >= 4 and replica.last_engine == "disk"
        os.close(w)
        w = None
        assert replica.wait_ready(60), replica.reason
        assert int(replica.select(PROJECT_COUNT)[0]["n"]) >= 4 and replica.last_engine == "memory"
    finally:
        replica.close()
        os.close(r)
        if w is not None:
            os.close(w)


def _ask(client: httpx.Client, sparql: str) -> httpx.Response:
    r = client.get("/sparql", params={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return r


def _bindings(r: httpx.Response) -> list:
    return sorted(map(str, r.json()["results"]["bindings"]))


@pytest.mark.slow
def test_endpoint_answers_from_the_replica_with_the_same_results(data_dir):
    import time

    queries = _research_queries()
    with ServerProcess(["--data", str(data_dir), "--replica-mb", "0", "--sparql-workers", "1"]) as disk_url, \
            httpx.Client(base_url=disk_url, timeout=60) as disk:
        expected = {name: _bindings(_ask(disk, s)) for name, s in queries.items()}
        assert _ask(disk, PROJECT_COUNT).headers["x-jixiao-engine"] == "disk"
    with ServerProcess(["--data", str(data_dir), "--replica-mb", "512", "--sparql-workers", "1"]) as url, \
            httpx.Client(base_url=url, timeout=60) as c:
        deadline = time.monotonic() + 90
        while _ask(c, PROJECT_COUNT).headers["x-jixiao-engine"] != "memory":
            assert time.monotonic() < deadline, "the worker never switched to its in-memory copy"
            time.sleep(0.2)
        for name, sparql in queries.items():
            r = _ask(c, sparql)
            assert r.headers["x-jixiao-engine"] == "memory", name
            assert _bindings(r) == expected[name], name
