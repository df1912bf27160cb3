"""A real `jixiao ingest` killed (SIGKILL) at random points: every source is wholly old
or wholly new, the index stays openable and never holds what the graph does not, and
the next ingest reconciles everything to what an uninterrupted run gives."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.app import Jixiao
from graph.iris import Minter
from tests.tablegen import ROWS, table_text

ROOT = Path(__file__).resolve().parents[1]
FILES = 10
PER_FILE = 2  # tables per file


def _corpus(folder: Path) -> None:
    folder.mkdir()
    for f in range(FILES):
        text = "\n".join(table_text(title=f"项目{f}-{k}") for k in range(PER_FILE))
        (folder / f"{f:02d}.txt").write_text(text, encoding="utf-8")


def _ingest(corpus: Path, data: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "api.cli", "ingest", str(corpus), "--data", str(data)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _indicators_per_source(data: Path) -> dict[str, int]:
    jx = Jixiao(data=data)
    try:
        rows = jx.store.select("""SELECT ?g (COUNT(?i) AS ?n) WHERE {
            GRAPH ?g { ?p a jx:Project ; jx:hasIndicator ?i } } GROUP BY ?g""")
        return {r["g"]: int(r["n"]) for r in rows}
    finally:
        jx.close()


def _check(data: Path) -> dict:
    jx = Jixiao(data=data)
    try:
        return jx.searcher.check()
    finally:
        jx.close()


@pytest.mark.slow
def test_killed_ingest_leaves_whole_sources_and_a_consistent_index(tmp_path):
    corpus = tmp_path / "corpus"
    _corpus(corpus)
    reference = tmp_path / "reference"
    started = time.monotonic()
    assert subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(corpus), "--data", str(reference)],
                          cwd=ROOT, capture_output=True).returncode == 0
    duration = time.monotonic() - started
    expected = _indicators_per_source(reference)
    assert len(expected) == FILES and set(expected.values()) == {PER_FILE * len(ROWS)}

    def kill_somewhere(data: Path, rng: random.Random) -> dict[str, int]:
        proc = _ingest(corpus, data)
        delay = rng.uniform(0.3, duration)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        counts = _indicators_per_source(data) if (data / "store").exists() else {}
        print("killed at", round(delay, 1), "s:", len(counts), "of", FILES, "sources")
        report = _check(data) if (data / "store").exists() else {"stale_in_index": []}
        assert report.get("stale_in_index", []) == []  # the index never holds what the graph does not
        return counts

    rng = random.Random(20261125)
    whole = PER_FILE * len(ROWS)
    for round_ in range(4):  # a first ingest into an empty folder, killed anywhere
        counts = kill_somewhere(tmp_path / f"fresh{round_}", rng)
        assert all(counts.get(g) in (None, n) for g, n in expected.items()), counts

    data = tmp_path / "data"
    assert subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(corpus), "--data", str(data)],
                          cwd=ROOT, capture_output=True).returncode == 0
    changed = corpus / "00.txt"
    minter = Minter()
    old_graph = str(minter.source_graph(hashlib.sha256(changed.read_bytes()).hexdigest()))
    assert old_graph in expected  # sources are keyed by content: the same IRIs in every data folder
    changed.write_text(table_text(title="项目0-0", rows=ROWS[:5]), encoding="utf-8")
    new_graph = str(minter.source_graph(hashlib.sha256(changed.read_bytes()).hexdigest()))
    for _ in range(3):  # a re-ingest with one changed source, killed anywhere
        counts = kill_somewhere(data, rng)
        # wholly old or wholly new: the new version replaces the old in one step
        assert (counts.get(old_graph), counts.get(new_graph)) in ((whole, None), (None, 5)), counts
        assert all(counts[g] == whole for g in expected if g != old_graph)

    final = _ingest(corpus, data)
    assert final.wait(timeout=600) == 0
    counts = _indicators_per_source(data)
    assert sorted(counts.values()) == sorted([5] + [PER_FILE * len(ROWS)] * (FILES - 1))
    report = _check(data)
    assert report["ok"], report["problems"]


def test_a_writer_stopped_between_the_graph_write_and_the_sync_leaves_no_stale_index_rows(tmp_path, monkeypatch):
    """The window the kill test hit under load: a changed source replaced in the graph, the
    process gone before the index sync. The index withdrew the dropped indicators first."""
    from search.service import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in range(2):
        (corpus / f"{f}.txt").write_text("\n".join(table_text(title=f"项目{f}-{k}") for k in range(2)),
                                         encoding="utf-8")
    data = tmp_path / "data"
    jx = Jixiao(data=data)
    try:
        assert not jx.ingest([corpus]).errors
    finally:
        jx.close()
    assert _check(data)["ok"]
    (corpus / "0.txt").write_text(table_text(title="项目0-0", rows=ROWS[:5]), encoding="utf-8")

    class Stopped(BaseException):
        pass

    def stop(self, *args, **kwargs):  # the process ends here, as if killed: nothing after this point runs
        raise Stopped

    jx = Jixiao(data=data)
    monkeypatch.setattr(Searcher, "sync", stop)
    try:
        with pytest.raises(Stopped):
            jx.ingest([corpus])
    finally:
        monkeypatch.undo()
        jx.close()
    counts = _indicators_per_source(data)
    assert sorted(counts.values()) == [5, PER_FILE * len(ROWS)]  # the graph holds the new version
    report = _check(data)
    assert report["stale_in_index"] == []  # and the index nothing the graph does not
    final = Jixiao(data=data)
    try:
        final.ingest([corpus])  # the next ingest reconciles
    finally:
        final.close()
    assert _check(data)["ok"]
