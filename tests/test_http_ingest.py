"""Readers through the server during `jixiao ingest` on the same data folder (issue 8):
every answer shows each source wholly old or wholly new, and the server never errs."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from api.app import Jixiao
from api.server.runner import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
pytestmark = pytest.mark.slow

PER_GRAPH = """SELECT ?g (COUNT(DISTINCT ?p) AS ?projects) (COUNT(DISTINCT ?i) AS ?indicators) WHERE {
  GRAPH ?g { ?p a jx:Project . OPTIONAL { ?p jx:hasIndicator ?i } } } GROUP BY ?g"""


def test_readers_see_whole_sources_while_an_ingest_runs(tmp_path):
    data = tmp_path / "data"
    jx = Jixiao(data=data)
    try:
        assert not jx.ingest([SAMPLE]).errors
    finally:
        jx.close()
    copies = []
    text = SAMPLE.read_text(encoding="utf-8")
    for n in range(3):  # the tables of three later years: new sources and new projects
        copy = tmp_path / f"copy-{n}.txt"
        copy.write_text(text.replace("(2020年度)", f"({2021 + n}年度)"), encoding="utf-8")
        copies.append(copy)

    seen: list[tuple[int, int]] = []
    problems: list[str] = []
    stop = threading.Event()

    with ServerProcess(["--data", str(data)]) as url:
        def read() -> None:
            with httpx.Client(base_url=url, timeout=60) as c:
                while not stop.is_set():
                    r = c.get("/sparql", params={"query": PER_GRAPH})
                    if r.status_code != 200:
                        problems.append(f"sparql {r.status_code}: {r.text[:200]}")
                        continue
                    for b in r.json()["results"]["bindings"]:
                        seen.append((int(b["projects"]["value"]), int(b["indicators"]["value"])))
                    s = c.get("/api/search", params={"q": "满意度", "k": 5})
                    if s.status_code != 200:
                        problems.append(f"search {s.status_code}")
                    p = c.get("/api/projects")
                    if p.status_code != 200 or p.json()["total"] % 4:
                        problems.append(f"projects {p.status_code} {p.text[:100]}")

        readers = [threading.Thread(target=read) for _ in range(2)]
        for t in readers:
            t.start()
        try:
            for copy in copies:  # a separate process writes while the server reads
                subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(copy), "--data", str(data)],
                               check=True, capture_output=True)
        finally:
            stop.set()
            for t in readers:
                t.join()
        with httpx.Client(base_url=url, timeout=60) as c:
            final = c.get("/api/projects").json()["total"]

    assert not problems, problems[:5]
    assert seen and set(seen) == {(4, 200)}  # every graph seen had all its projects and indicators
    assert final == 16  # the server followed the ingests
