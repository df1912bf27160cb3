"""Virtuoso as a store, against a real `virtuoso-t` (tests/virtuoso_server.py): an empty
server, credentials, answers capped at ResultSetMaxRows, writes over its request limits,
rollback, blank nodes, its system graphs. The store contract tests (test_graph_store,
test_graph_batch) also run on it through the ``store`` fixture; the end-to-end comparison
with the embedded store is in test_virtuoso_e2e.py."""
from __future__ import annotations

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
