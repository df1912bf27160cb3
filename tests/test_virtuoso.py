"""Virtuoso as a store, against a real `virtuoso-t` (tests/virtuoso_server.py): an empty
server, credentials, answers capped at ResultSetMaxRows, writes over its request limits,
rollback, blank nodes, its system graphs, transient errors sent again (through a
fault-injecting proxy, and a real lock time-out). The store contract tests (test_graph_store,
test_graph_batch) also run on it through the ``store`` fixture; the end-to-end comparison
with the embedded store is in test_virtuoso_e2e.py."""
from __future__ import annotations

import time

import httpx
import pyoxigraph as ox
import pytest

from graph.remote import RemoteStore, ServerAuth, TruncatedAnswerError, parse_store_url
from graph.remote_writes import MARKER, post_triples
from graph.store import open_store
from tests.test_graph_store import make_record

BASE = "https://w3id.org/jixiao/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def quads(store) -> list[str]:
    return sorted(store.export("nq").decode("utf-8").splitlines())


def test_store_url_credentials_and_endpoints(monkeypatch):
    conf = parse_store_url("http://dba:s%40cret@127.0.0.1:8890#query=sparql&update=sparql-auth&gsp=crud", env={})
    assert (conf.base, conf.query, conf.update, conf.gsp) == (
        "http://127.0.0.1:8890", "http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/sparql-auth",
        "http://127.0.0.1:8890/crud")
    assert (conf.user, conf.password) == ("dba", "s@cret")
    env = parse_store_url("http://h:1/ds", env={"JIXIAO_STORE_USER": "u", "JIXIAO_STORE_PASSWORD": "p"})
    assert (env.user, env.password, env.query) == ("u", "p", "http://h:1/ds/query")
    assert parse_store_url("http://h:1/ds", env={}).user is None


def test_empty_server_reads_without_crashing(virtuoso_url, tmp_path):
    # Nothing written, not even the ontology: Virtuoso answers GRAPH ?g {} with ?g unbound.
    with RemoteStore(virtuoso_url, read_only=True) as store:
        assert store.stats() == {"projects": 0, "indicators": 0, "documents": 0, "organizations": 0,
                                 "sources": 0, "triples": 0}
        assert store.sources() == [] and store.jixiao_graphs() == []
        assert store.export("nq") in (b"", None)
        assert store.select("SELECT ?g WHERE { GRAPH ?g { } }") in ([], [{"g": None}])


def test_answers_keep_their_terms_and_a_base_resolves(virtuoso_url):
    # SELECT answers come as Turtle where that is exact, else as JSON: either way the terms are
    # the server's (an xsd:decimal 5 stays a decimal, a double a double). And jixiao serve sends
    # a BASE with the prologue: Virtuoso takes it only before the PREFIX lines.
    with RemoteStore(virtuoso_url, read_only=True) as store:
        q = """SELECT ?i ?s ?lang ?d ?dec ?dbl ?y WHERE { BIND(<rel> AS ?i) BIND("字" AS ?s) BIND("字"@zh AS ?lang)
               BIND(xsd:decimal(5) AS ?dec) BIND(xsd:double(1.5) AS ?dbl) BIND("2020"^^xsd:gYear AS ?y) }"""
        rows = list(store.query(q, base_iri="http://example.org/a/").raw)
        assert len(rows) == 1
        row = rows[0]
        assert row["i"] == ox.NamedNode("http://example.org/a/rel")
        assert row["s"] == ox.Literal("字") and row["lang"] == ox.Literal("字", language="zh")
        assert row["dec"] == ox.Literal("5", datatype=ox.NamedNode(XSD + "decimal"))
        assert row["dbl"].datatype == ox.NamedNode(XSD + "double")
        assert row["y"] == ox.Literal("2020", datatype=ox.NamedNode(XSD + "gYear"))
        ordered = 'SELECT ?n WHERE { VALUES ?n { "丙" "甲" "乙" "c" "a" } } ORDER BY DESC(?n)'  # read as Turtle
        assert [r["n"] for r in store.select(ordered)] == sorted(["丙", "甲", "乙", "c", "a"], reverse=True)


def test_credentials_from_the_url_or_the_environment(virtuoso_url, tmp_path, monkeypatch):
    anonymous = virtuoso_url.replace("dba:dba@", "")
    monkeypatch.delenv("JIXIAO_STORE_USER", raising=False)
    monkeypatch.delenv("JIXIAO_STORE_PASSWORD", raising=False)
    with pytest.raises(PermissionError, match="JIXIAO_STORE_USER"):
        open_store(data=tmp_path, url=anonymous)  # writing the ontology needs the update endpoint
    with pytest.raises(PermissionError, match="refused"):
        open_store(data=tmp_path, url=virtuoso_url.replace("dba:dba@", "dba:wrong@"))
    monkeypatch.setenv("JIXIAO_STORE_USER", "dba")
    monkeypatch.setenv("JIXIAO_STORE_PASSWORD", "dba")
    with open_store(data=tmp_path, url=anonymous) as store:
        store.replace_source(make_record(tmp_path / "a.txt"))
        assert store.stats()["projects"] == 1
        assert store._http.auth.scheme == "digest"  # what Virtuoso's challenge asked for


def test_basic_auth_is_sent_when_the_challenge_asks_for_it():
    # A real (in-process) HTTP server that wants Basic credentials.
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            good = "Basic " + base64.b64encode(b"u:p").decode()
            self.send_response(200 if self.headers.get("Authorization") == good else 401)
            self.send_header("WWW-Authenticate", 'Basic realm="x"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        auth = ServerAuth("u", "p")
        assert httpx.get(url, auth=auth).status_code == 200 and auth.scheme == "basic"
        assert httpx.get(url, auth=ServerAuth("u", "wrong")).status_code == 401
        assert httpx.get(url).status_code == 401
    finally:
        server.shutdown()


@pytest.mark.slow
def test_capped_answers_are_paged_or_refused_and_big_writes_are_chunked(virtuoso_url, tmp_path):
    n = 12_000
    g = BASE + "graph/similarity"
    filler = "指标" * 400  # ~1.2 KB a triple: the graph is ~14 MB, over Virtuoso's 10 MB request limit
    text = "".join(f'<{BASE}x/{i}> <{BASE}p> "{i} {filler}" .\n' for i in range(n))
    assert len(text.encode()) > 10 << 20
    with open_store(data=tmp_path, url=virtuoso_url) as store:
        store.replace_graph(g, text)
        # the server really caps: asked directly, it cuts the answer at 10,000 rows and says so
        raw = httpx.post(store.query_url, data={"query": f"SELECT ?s WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=600)
        assert len(raw.json()["results"]["bindings"]) == 10_000 and raw.headers["x-sparql-maxrows"] == "10000"
        rows = store.select(f"SELECT ?s ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        assert len(rows) == n and len({r["s"] for r in rows}) == n
        ordered = store.select(f"SELECT ?s WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} ORDER BY DESC(?s)")
        assert [r["s"] for r in ordered] == sorted((r["s"] for r in rows), reverse=True)
        with pytest.raises(TruncatedAnswerError, match="10000"):
            store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        assert store.graph_triple_count(g) == n
        exported = list(ox.parse(store.export("nq"), ox.RdfFormat.N_QUADS))
        assert sum(q.graph_name.value == g for q in exported) == n
        assert len(exported) == store.triple_count()


def test_a_source_over_the_insert_limit_is_written_whole(virtuoso_url, tmp_path):
    # ~30 triples per indicator: 200 indicators are far over the ~1,200 triples of one INSERT DATA.
    from ingest.records import Indicator, Target

    rec = make_record(tmp_path / "big.txt")
    rec.tables[0].indicators = [Indicator("产出目标", "数量", f"服务人数{k}", Target(f"={k}名", "=", k, "名"), 10 + k, k)
                                for k in range(1, 201)]
    with open_store(data=tmp_path, url=virtuoso_url) as store:
        first = store.replace_source(rec)
        assert first.changed and first.triples > 2_000
        assert store.stats()["indicators"] == 200
        assert store.graph_triple_count(first.graph) == first.triples
        assert not store.replace_source(rec).changed


def test_a_failed_chunked_replace_puts_the_old_version_back(virtuoso_url, tmp_path, monkeypatch):
    with open_store(data=tmp_path, url=virtuoso_url) as store:
        store.replace_source(make_record(tmp_path / "a.txt"))
        before = quads(store)
        real = store.gsp_post
        calls = [0]

        def failing(graph, data):
            calls[0] += 1
            if calls[0] == 2:  # after the shared descriptions, while writing the source graph
                raise ConnectionError("server went away")
            real(graph, data)

        monkeypatch.setattr(store, "gsp_post", failing)
        with pytest.raises(ConnectionError):
            store.replace_source(make_record(tmp_path / "a.txt", target="=99名", value=99, sha="d" * 64))
        assert quads(store) == before
        calls[0] = -100
        with pytest.raises(ConnectionError):  # a new source that fails is not left behind
            calls[0] = 1
            store.replace_source(make_record(tmp_path / "b.txt", title="项目乙", sha="e" * 64))
        assert quads(store) == before


def test_a_graph_left_without_its_marker_is_written_again(virtuoso_url, tmp_path):
    # What a kill between the data and the marker leaves: the triples without jx:sha256.
    rec = make_record(tmp_path / "a.txt")
    with open_store(data=tmp_path / "e") as embedded:
        embedded.replace_source(rec)
        want = quads(embedded)
    with open_store(data=tmp_path, url=virtuoso_url) as store:
        from graph.base import prepare_source

        item = prepare_source(rec, store.minter)
        own, _ = item.graph_triples()
        post_triples(store, item.graph, [t for t in own if t.predicate.value != MARKER][:-5])
        assert store.source_state(item.graph) is None  # not a source: incomplete
        assert store.replace_source(rec).changed
        assert quads(store) == want


def test_blank_nodes_and_system_graphs(virtuoso_url, tmp_path):
    g = BASE + "graph/reuse"
    with open_store(data=tmp_path, url=virtuoso_url) as store:
        store.replace_graph(g, f'<{BASE}c/1> <{BASE}p> [ <{BASE}q> "1" ; <{BASE}r> [ <{BASE}q> "2" ] ] .\n',
                           format="ttl")
        exported = list(ox.parse(store.export("trig"), ox.RdfFormat.TRIG))
        mine = [q for q in exported if q.graph_name.value == g]
        assert len(mine) == 4 and sum(isinstance(q.object, ox.BlankNode) for q in mine) == 2
        assert {q.graph_name.value for q in exported} == {g, BASE + "graph/ontology"}
        # Virtuoso's own graphs hold thousands of triples; none of them is counted or exported
        everything = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
        assert everything > store.triple_count() == len(exported)


# ------------------------------------------------------------------ transient errors
def _attempts(log: list, first: int) -> tuple[int | str, ...]:
    """Statuses of the request ``log[first]`` and of its repeats (same method, path and body),
    up to the first one that passed ("ok": 200 or 201); the server's 401 challenges are not
    repeats."""
    method, path, body = log[first][:3]
    out: list[int | str] = []
    for entry in log[first:]:
        if entry[:3] == (method, path, body) and entry[3] != 401:
            out.append(entry[3] if entry[3] >= 300 else "ok")
            if entry[3] < 300:
                break
    return tuple(out)


def _gsp(method, path, body):
    return method == "POST" and path.startswith("/sparql-graph-crud-auth")


def _update(method, path, body):
    return path.startswith("/sparql-auth") and body.startswith(b"update=")


def _query(method, path, body):
    return path.split("?")[0] == "/sparql" and body.startswith(b"query=")


@pytest.mark.slow
def test_an_ingest_goes_through_transient_errors(virtuoso_url, tmp_path, monkeypatch):
    """A fault-injecting proxy in front of the real Virtuoso answers some requests with the
    errors Virtuoso sends for a rolled-back transaction (SR171 time-out, 40001/SR172 deadlock):
    the ingest goes through, and each such request was sent again, after the configured wait,
    until it passed — the store holds what the embedded store holds."""
    from api.app import Jixiao
    from tests.conftest import SAMPLE
    from tests.virtuoso_server import DEADLOCKED, TIMED_OUT, Fault, FaultProxy, server_url

    monkeypatch.setenv("JIXIAO_STORE_RETRY_DELAYS", "0.2,0.2,0.2,0.2")  # the default waits 1, 3, 10, 30 s
    want = tmp_path / "embedded"
    jx = Jixiao(data=want)
    try:
        assert not jx.ingest([SAMPLE], index=False).errors
    finally:
        jx.close()

    with FaultProxy(server_url(virtuoso_url)) as proxy:
        proxy.faults = [Fault(_gsp, TIMED_OUT, times=2), Fault(_update, DEADLOCKED), Fault(_query, DEADLOCKED)]
        jx = Jixiao(data=tmp_path / "virtuoso", store_url=proxy.url(virtuoso_url))
        try:
            report = jx.ingest([SAMPLE], index=False)
        finally:
            jx.close()
        assert not report.errors and report.sources == 1
        assert all(f.left == 0 for f in proxy.faults), "every fault was met: the ingest went through them"
        injected = [i for i, e in enumerate(proxy.log) if e[4]]
        assert len(injected) == 4
        firsts = [i for i in injected if not any(j < i and proxy.log[j][:3] == proxy.log[i][:3] for j in injected)]
        assert sorted((_attempts(proxy.log, i) for i in firsts), key=len) == [(500, "ok"), (500, "ok"),
                                                                               (500, 500, "ok")]
        for i in injected:  # each repeat came after the wait, not before
            repeat = next(e for e in proxy.log[i + 1:] if e[:3] == proxy.log[i][:3] and e[3] != 401)
            assert repeat[5] - proxy.log[i][5] >= 0.2

    with open_store(data=want, read_only=True) as emb, open_store(data=tmp_path / "v", url=virtuoso_url) as virt:
        assert quads(virt) == quads(emb)


def test_other_errors_are_reported_at_once_and_repeats_end(virtuoso_url, tmp_path, monkeypatch):
    """Through the same proxy: a syntax error (SP030, HTTP 400) is sent once and reported in
    Virtuoso's words; a transaction rolled back more often than there are repeats ends in an
    error that says so."""
    from graph.results import SparqlError
    from tests.virtuoso_server import SYNTAX_ERROR, TIMED_OUT, Fault, FaultProxy, server_url

    monkeypatch.setenv("JIXIAO_STORE_RETRY_DELAYS", "0.1,0.1,0.1,0.1")
    sparql = "SELECT ?s WHERE { ?s a jx:Project }"
    with FaultProxy(server_url(virtuoso_url)) as proxy, \
            open_store(data=tmp_path, url=proxy.url(virtuoso_url), read_only=True) as store:
        assert store.select(sparql) == []  # passes through
        proxy.faults = [Fault(_query, SYNTAX_ERROR)]
        start = len(proxy.log)
        with pytest.raises(SparqlError, match="SP030: SPARQL compiler"):
            store.select(sparql)
        assert [e[3] for e in proxy.log[start:]] == [400]  # sent once
        proxy.faults = [Fault(_query, TIMED_OUT, times=5)]  # more than the four repeats
        start = len(proxy.log)
        with pytest.raises(RuntimeError, match=r"answered 500 \(sent 5 times.*SR171: Transaction timed out"):
            store.select(sparql)
        assert [e[3] for e in proxy.log[start:]] == [500] * 5
        proxy.faults = [Fault(_query, TIMED_OUT, times=4)]  # as many as the repeats: the fifth passes
        start = len(proxy.log)
        assert store.select(sparql) == []
        assert _attempts(proxy.log, start) == (500, 500, 500, 500, "ok")


def test_retry_delays_from_the_url_or_the_environment(monkeypatch):
    from graph.remote import RETRY_DELAYS, RemoteStore, parse_retry_delays

    assert RETRY_DELAYS == (1.0, 3.0, 10.0, 30.0)
    assert parse_retry_delays("0.5, 2") == (0.5, 2.0) and parse_retry_delays("") == ()
    with pytest.raises(ValueError, match="1,3,10,30"):
        parse_retry_delays("soon")
    monkeypatch.delenv("JIXIAO_STORE_RETRY_DELAYS", raising=False)
    url = "http://127.0.0.1:9/ds"  # nothing listens there: read_only opens no connection
    assert RemoteStore(url, read_only=True).retry_delays == RETRY_DELAYS
    monkeypatch.setenv("JIXIAO_STORE_RETRY_DELAYS", "2,4")
    assert RemoteStore(url, read_only=True).retry_delays == (2.0, 4.0)
    assert RemoteStore(url + "#retry=", read_only=True).retry_delays == ()


@pytest.mark.slow
def test_a_real_transaction_time_out_is_sent_again(tmp_path, monkeypatch):
    """No injected error: a Virtuoso of its own whose transactions time out after 3 s
    (``MaxQueryExecutionTime``), and an isql session holding a lock on the very triple jixiao
    deletes, for longer than that. Virtuoso rolls jixiao's update back (SR171, HTTP 500);
    jixiao sends it again, and once the session lets go the update passes."""
    from tests.virtuoso_server import MISSING, VIRTUOSO, FaultProxy, isql, run_virtuoso, server_url

    if VIRTUOSO is None:
        pytest.skip(MISSING)
    monkeypatch.setenv("JIXIAO_STORE_RETRY_DELAYS", "1,1,2,5,10")
    g, ready, locked = BASE + "graph/locked", f"<{BASE}x/ready> <{BASE}p> \"1\"", f"<{BASE}x/1> <{BASE}p> \"1\""
    folder = tmp_path / "db"
    with run_virtuoso(folder, max_seconds=3, buffers=10_000) as url, FaultProxy(server_url(url)) as proxy, \
            open_store(data=tmp_path / "d", url=proxy.url(url)) as store:
        store.change_graph(g, [], [locked + " ."])
        session = isql(folder, f"SPARQL INSERT DATA {{ GRAPH <{g}> {{ {ready} }} }};\n"  # committed: "I am here"
                               "set autocommit manual;\n"
                               f"SPARQL DELETE DATA {{ GRAPH <{g}> {{ {locked} }} }};\n"  # its lock held
                               "delay(7);\nrollback work;\n")
        deadline = time.monotonic() + 120
        while not store.query(f"ASK {{ GRAPH <{g}> {{ {ready} }} }}").raw and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the session's next statement takes the lock
        start = len(proxy.log)
        store.change_graph(g, [locked + " ."], [])  # one DELETE DATA
        session.communicate(timeout=120)
        writes = [e for e in proxy.log[start:] if e[1].startswith("/sparql-auth") and e[3] != 401]
        assert not any(e[4] for e in writes)  # nothing injected: the proxy only counted
        assert [e[3] for e in writes][:1] == [500] and len(writes) >= 2 and writes[-1][3] == 200, writes
        assert writes[0][6].startswith(b"Virtuoso S1T00 Error SR171: Transaction timed out")
        assert not store.query(f"ASK {{ GRAPH <{g}> {{ {locked} }} }}").raw
