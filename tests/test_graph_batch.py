"""Many sources at once (``GraphStore.write_sources``): batched, yet atomic per source.

- a batch of new sources is one atomic write; when it fails, its sources are written one
  by one, so a bad source loses only itself and no source is stored in part;
- a process killed (SIGKILL) in the middle of a bulk batch leaves every source of the
  batch wholly absent or wholly present (RocksDB ingests the batch's files atomically);
- changed, unchanged and repeated sources in one call behave as with ``replace_source``.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from graph.base import prepare_source
from graph.store import EmbeddedStore, open_store
from tests.test_graph_store import make_record

ROOT = Path(__file__).resolve().parents[1]


def prepared(store, tmp_path: Path, n: int, **kw):
    return [prepare_source(make_record(tmp_path / f"f{i}.txt", title=f"项目{i}", sha=f"{i:064x}", **kw), store.minter)
            for i in range(n)]


def project_titles(store) -> list[str]:
    return sorted(r["t"] for r in store.select("SELECT ?t WHERE { ?p a jx:Project ; dcterms:title ?t }"))


def test_batch_equals_one_by_one(store, tmp_path):
    items = prepared(store, tmp_path, 5)
    out = list(store.write_sources(items, batch_quads=10**9))  # one batch
    assert [o.changed for _, o in out] == [True] * 5
    assert all(o.triples == store.graph_triple_count(o.graph) for _, o in out)
    before = sorted(store.export("nq").splitlines())
    # the same five through replace_source, one by one, into a second store
    other = open_store(data=tmp_path / "other")
    try:
        for i in range(5):
            other.replace_source(make_record(tmp_path / f"f{i}.txt", title=f"项目{i}", sha=f"{i:064x}"))
        assert sorted(other.export("nq").splitlines()) == before
    finally:
        other.close()
    # again: all unchanged, nothing written
    again = list(store.write_sources(prepared(store, tmp_path, 5)))
    assert [o.changed for _, o in again] == [False] * 5
    assert [o.triples for _, o in again] == [o.triples for _, o in out]
    assert sorted(store.export("nq").splitlines()) == before


def test_a_failing_batch_falls_back_source_by_source(store, tmp_path, monkeypatch):
    items = prepared(store, tmp_path, 4)
    bad = items[2].graph
    real = store._write_new
    calls: list[int] = []

    def write_new(batch):
        calls.append(len(batch))
        if any(i.graph == bad for i in batch):
            raise OSError("disk trouble while writing source 2")
        real(batch)

    monkeypatch.setattr(store, "_write_new", write_new)
    out = list(store.write_sources(items, batch_quads=10**9))
    assert calls == [4, 1, 1, 1, 1]  # the batch, then each source alone
    by_graph = {i.graph: o for i, o in out}
    assert isinstance(by_graph[bad], OSError)
    assert all(not isinstance(o, Exception) and o.changed for g, o in by_graph.items() if g != bad)
    assert project_titles(store) == ["项目0", "项目1", "项目3"]  # good ones kept, the bad one absent
    assert store.graph_triple_count(bad) == 0
    assert store.stats()["sources"] == 3


def test_batches_split_at_the_size_limit(store, tmp_path, monkeypatch):
    items = prepared(store, tmp_path, 7)
    sizes: list[int] = []
    real = store._write_new

    def write_new(batch):
        sizes.append(len(batch))
        real(batch)

    monkeypatch.setattr(store, "_write_new", write_new)
    list(store.write_sources(items, batch_quads=items[0].quads * 3))
    assert sizes == [3, 3, 1]
    assert len(project_titles(store)) == 7


def test_changed_unchanged_new_and_repeated_in_one_call(store, tmp_path):
    list(store.write_sources(prepared(store, tmp_path, 2)))
    mk = lambda i, sha, target="=15名", value=15: prepare_source(  # noqa: E731
        make_record(tmp_path / f"f{i}.txt", title=f"项目{i}", sha=sha, target=target, value=value), store.minter)
    items = [mk(0, f"{0:064x}"),  # unchanged
             mk(1, "f" * 64, "=20名", 20),  # changed
             mk(2, f"{2:064x}"),  # new
             mk(2, "e" * 64, "=30名", 30)]  # the same path again, changed within the call
    out = [(i.path, o.changed) for i, o in store.write_sources(items)]
    assert sorted(out) == sorted([(items[0].path, False), (items[1].path, True), (items[2].path, True),
                                  (items[3].path, True)])
    raws = sorted(r["raw"] for r in store.select("SELECT ?raw WHERE { ?t jx:rawText ?raw FILTER(STRSTARTS(?raw, \"=\")) }"))
    assert raws == ["=15名", "=20名", "=30名"]  # one version of each source, the last one given
    assert store.stats()["sources"] == 3


# ---------------------------------------------------------------- crash in the middle of a bulk batch

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from graph.base import prepare_source
    from graph.store import BULK_MIN_QUADS, open_store
    from tests.test_graph_store import make_record

    data, n = Path(sys.argv[1]), int(sys.argv[2])
    store = open_store(data=data)
    items = [prepare_source(make_record(data.parent / f"f{i}.txt", title=f"项目{i}", sha=f"{i:064x}"), store.minter)
             for i in range(n)]
    assert sum(i.quads for i in items) >= BULK_MIN_QUADS  # the bulk loader's path
    real = store._write_new

    def write_new(batch):
        print("WRITING", flush=True)
        real(batch)
        print("WRITTEN", flush=True)

    store._write_new = write_new
    for _ in store.write_sources(items, batch_quads=10**9):
        pass
    print("DONE", flush=True)
    sys.stdin.read()  # wait to be killed
""")


def test_sigkill_during_a_bulk_batch_leaves_sources_whole_or_absent(tmp_path):
    n = 600  # ~600 × 60 quads: above the bulk loader's threshold, one batch
    outcomes = set()
    for attempt, delay in enumerate((0.0, 0.05, 0.15, 0.4, None)):
        data = tmp_path / f"run{attempt}" / "data"
        data.parent.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data), str(n)], cwd=ROOT, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            assert line.strip() == "WRITING", proc.stderr.read()
            if delay is None:  # let it finish
                assert proc.stdout.readline().strip() == "WRITTEN"
            else:
                time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        store = EmbeddedStore(data)
        try:
            assert not list(data.joinpath("store").glob("bulk-*.sst"))  # leftovers removed on open
            expected = prepare_source(make_record(data.parent / "f0.txt", title="项目0", sha="0" * 64),
                                      store.minter).triples
            counts = store.graph_triple_counts(store.minter.source_graph(f"{i:064x}") for i in range(n))
            present = [c for c in counts.values() if c]
            assert all(c == expected for c in present)  # no source in part
            assert len(present) in (0, n)  # the batch is one atomic write
            titles = project_titles(store)
            assert len(titles) == len(present)
            outcomes.add(len(present))
        finally:
            store.close()
    assert n in outcomes  # the undisturbed run wrote everything


def test_a_failing_state_query_fails_those_files_only(store, tmp_path, monkeypatch):
    items = prepared(store, tmp_path, 5)
    real = store.source_states
    calls = [0]

    def states(graphs):
        calls[0] += 1
        if calls[0] == 1:
            raise ConnectionError("server went away")
        return real(graphs)

    monkeypatch.setattr(store, "source_states", states)
    monkeypatch.setattr(store, "state_chunk", 2)
    out = list(store.write_sources(items))
    failed = [i.path for i, o in out if isinstance(o, Exception)]
    assert failed == [items[0].path, items[1].path]  # the first chunk's files fail …
    assert project_titles(store) == ["项目2", "项目3", "项目4"]  # … the others are stored


def test_prepared_text_is_what_oxigraphs_serializer_writes(tmp_path):
    """``prepare`` writes N-Quads from the terms' own text (each subject and predicate made
    once): byte for byte what ``ox.serialize`` writes for the same quads."""
    import pyoxigraph as ox

    import ingest
    from graph.base import prepare
    from graph.iris import Minter
    from graph.mapping import map_source

    minter = Minter()
    mapped = map_source(ingest.parse_file(ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"), minter)
    g, shared = ox.NamedNode(str(mapped.graph)), ox.NamedNode(str(minter.shared_graph()))
    quads = [ox.Quad(s, p, o, g) for s, p, o in mapped.own] + [ox.Quad(s, p, o, shared) for s, p, o in mapped.shared_ox]
    item = prepare(mapped, str(minter.shared_graph()))
    assert len(quads) > 1000 and item.quads == len(quads)
    assert item.nquads == ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    # and on every real table (their literals: quotes, newlines, tabs, full-width text)
    for path in sorted(p for p in (ROOT / "tests" / "data").glob("realdata*/tables/**/*") if p.is_file()):
        record = ingest.parse_file(path)
        if record.errors or not record.tables:
            continue
        mapped = map_source(record, minter)
        g = ox.NamedNode(str(mapped.graph))
        quads = [ox.Quad(s, p, o, g) for s, p, o in mapped.own] + [ox.Quad(s, p, o, shared) for s, p, o in mapped.shared_ox]
        assert prepare(mapped, str(minter.shared_graph())).nquads == ox.serialize(quads, format=ox.RdfFormat.N_QUADS), path
