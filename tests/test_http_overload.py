"""Overload (issue #13): bursts of slow SPARQL against a real `jixiao serve` process.

* the query worker pool never exceeds ``--sparql-workers`` (it grew to 11 of 2 before);
* the rest of the site stays responsive (``/api/stats`` took 15 s during 200 slow queries);
* every overload answer is the documented JSON 503, never uvicorn's plain text;
* what uvicorn answers by itself (a request it cannot parse) is JSON too.
"""
from __future__ import annotations

import asyncio
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.server.runner import ServerProcess
from tests.test_http_sparql import SLOW, build_data

WORKERS = 2
TIMEOUT = 1.0


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out.update(int(t) for t in (task / "children").read_text().split())
        except FileNotFoundError:  # a thread that just ended
            pass
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = build_data(tmp_path_factory.mktemp("data"))
    log = tmp_path_factory.mktemp("log") / "serve.log"
    proc = ServerProcess(["--data", str(data), "--timeout", str(TIMEOUT), "--sparql-workers", str(WORKERS)],
                         log_path=str(log))
    with proc as url:
        proc.log = log
        yield proc, url


async def _burst(url: str, n: int) -> list[httpx.Response | Exception]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def one(i: int):
            try:
                # distinct queries: nothing may be answered from a cache
                return await client.get("/sparql", params={"query": SLOW + f" # {i}"})
            except httpx.HTTPError as e:
                return e
        return await asyncio.gather(*(one(i) for i in range(n)))


def _run_burst(url: str, n: int, out: list) -> threading.Thread:
    t = threading.Thread(target=lambda: out.extend(asyncio.run(_burst(url, n))), daemon=True)
    t.start()
    return t


def _assert_json_answers(answers: list) -> None:
    assert answers and all(isinstance(r, httpx.Response) for r in answers), \
        [r for r in answers if not isinstance(r, httpx.Response)][:3]
    for r in answers:
        assert r.status_code in (200, 503), (r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/json"), r.text[:200]
        if r.status_code == 503:
            assert r.json()["status"] == 503 and r.json()["error"]


@pytest.mark.slow
def test_bursts_of_timed_out_queries_never_grow_the_pool(server):
    proc, url = server
    most = 0
    for n in (60, 200):  # the bursts of the issue
        answers: list = []
        burst = _run_burst(url, n, answers)
        while burst.is_alive():
            most = max(most, len(_children(proc.pid)))
            time.sleep(0.05)
        _assert_json_answers(answers)
        assert sum(r.status_code == 503 for r in answers) >= n - WORKERS * 5  # most are turned away or stopped
        deadline = time.monotonic() + 60  # replacements for the killed workers come up, and no more
        while time.monotonic() < deadline and len(_children(proc.pid)) < WORKERS:
            most = max(most, len(_children(proc.pid)))
            time.sleep(0.1)
        for _ in range(20):
            most = max(most, len(_children(proc.pid)))
            time.sleep(0.1)
        assert len(_children(proc.pid)) == WORKERS
    assert most <= WORKERS, f"{most} query workers for --sparql-workers {WORKERS}"
    with httpx.Client(base_url=url, timeout=60) as client:  # and the pool still answers
        r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert r.status_code == 200 and r.json()["boolean"] is True
    assert "Traceback" not in proc.log.read_text(errors="replace")


@pytest.mark.slow
def test_pages_stay_responsive_during_slow_queries(server):
    proc, url = server
    with httpx.Client(base_url=url, timeout=60) as client:
        quiet = []
        for _ in range(5):
            started = time.monotonic()
            assert client.get("/api/stats").status_code == 200
            quiet.append(time.monotonic() - started)
        answers: list = []
        burst = _run_burst(url, 200, answers)
        busy = []
        while burst.is_alive() and len(busy) < 40:
            started = time.monotonic()
            r = client.get("/api/stats")
            busy.append(time.monotonic() - started)
            assert r.status_code == 200, r.text[:200]
            r = client.get("/", headers={"Accept": "text/html"})
            assert r.status_code == 200
        burst.join(120)
    _assert_json_answers(answers)
    # the issue measured 15-16 s; a page waits for no query now (generous bound: a busy machine)
    assert statistics.median(busy) < 3.0 + 10 * statistics.median(quiet), (quiet, busy)


def test_a_request_uvicorn_cannot_parse_gets_json(server):
    _, url = server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(b"GET /\x00bad HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"application/json" in head.lower()
    assert b'"status": 400' in body


@pytest.mark.slow
def test_a_stop_does_not_wait_for_a_long_query(tmp_path):
    # a query allowed to run 120 s is in flight when the server is asked to stop (SIGTERM, as systemd
    # or Ctrl-C does): the stop cuts it off after a short grace period and kills its worker, instead of
    # holding the stop until the query's time limit (it took 25 s with the default 30 s limit)
    data = build_data(tmp_path / "data")
    sp = ServerProcess(["--data", str(data), "--timeout", "120"])
    url = sp.__enter__()
    try:
        httpx.get(url + "/api/stats", timeout=60)
        sent = threading.Event()

        def run() -> None:
            sent.set()
            try:
                httpx.get(url + "/sparql", params={"query": SLOW}, timeout=200)
            except httpx.HTTPError:
                pass

        threading.Thread(target=run, daemon=True).start()
        sent.wait()
        time.sleep(2)  # the query is running in a worker
        children = _children(sp.pid)
        started = time.monotonic()
        sp.proc.send_signal(signal.SIGTERM)
        try:
            sp.proc.wait(timeout=100)
        except subprocess.TimeoutExpired:
            pass
        took = time.monotonic() - started
    finally:
        sp.__exit__()
    assert took < 60, took  # far below the query's 120 s: 5 s of grace, then the worker is killed
    for pid in children:  # the query workers went with it
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
