"""SPARQL 1.1 Protocol conformance and hardening, against a real `jixiao serve` process.

The server runs in a child process on a free loopback port, over a data folder built by
``Jixiao.ingest`` from the bundled sample tables; requests go over real HTTP (httpx).
"""
from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import httpx
import pytest

from api.app import Jixiao
from api.server import gallery
from api.server.runner import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
TIMEOUT = 2.0  # the server's per-query limit in these tests
MAX_ROWS = 500

COUNT_PROJECTS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a jx:Project }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def build_data(folder: Path) -> Path:
    jx = Jixiao(data=folder)
    try:
        summary = jx.ingest([SAMPLE])
    finally:
        jx.close()
    assert not summary.errors, summary.errors
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return build_data(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def server(data_dir, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "serve.log"
    proc = ServerProcess(["--data", str(data_dir), "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS)],
                         log_path=str(log))
    with proc as url, httpx.Client(base_url=url, timeout=60) as client:
        client.server = proc  # the tests look at its worker processes
        yield client


def bindings(r: httpx.Response) -> list[dict]:
    return r.json()["results"]["bindings"]


# ------------------------------------------------------------------ query forms


def test_get_query_answers_sparql_json(server):
    r = server.get("/sparql", params={"query": COUNT_PROJECTS}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert bindings(r)[0]["n"]["value"] == "4"


def test_default_graph_is_the_union_of_named_graphs(server):
    # no GRAPH clause, no FROM: the four projects live in the sample file's named graph
    r = server.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?g) WHERE { GRAPH ?x { ?p a jx:Project } }"})
    assert bindings(r)[0]["g"]["value"] == "4"
    r = server.get("/sparql", params={"query": COUNT_PROJECTS})
    assert bindings(r)[0]["n"]["value"] == "4"


def test_post_query_body(server):
    r = server.post("/sparql", content=COUNT_PROJECTS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200
    assert bindings(r)[0]["n"]["value"] == "4"


def test_post_query_form(server):
    r = server.post("/sparql", data={"query": COUNT_PROJECTS}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    assert "<literal datatype=\"http://www.w3.org/2001/XMLSchema#integer\">4</literal>" in r.text


@pytest.mark.parametrize(("accept", "ctype"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_content_negotiation(server, accept, ctype):
    q = 'SELECT ?title WHERE { ?p a jx:Project ; dcterms:title ?title } ORDER BY ?title'
    r = server.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert "人才公寓管理维护专项" in r.text


def test_csv_and_tsv_shapes(server):
    q = 'SELECT ?title ?year WHERE { ?p a jx:Project ; dcterms:title ?title ; jx:fiscalYear ?year } ORDER BY ?title'
    rows = list(csv.reader(io.StringIO(server.get("/sparql", params={"query": q, "format": "csv"}).text)))
    assert rows[0] == ["title", "year"] and len(rows) == 5 and rows[1][1] == "2020"
    tsv = server.get("/sparql", params={"query": q, "format": "tsv"}).text.splitlines()
    assert tsv[0] == "?title\t?year"
    assert tsv[1].startswith('"') and "@zh" in tsv[1]  # TSV cells are RDF terms


def test_format_parameter_overrides_accept(server):
    r = server.get("/sparql", params={"query": COUNT_PROJECTS, "format": "csv"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines() == ["n", "4"]


def test_ask(server):
    r = server.get("/sparql", params={"query": 'ASK { ?d eli:id_local "沪人服〔2016〕1号" }'})
    assert r.status_code == 200 and r.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(("accept", "ctype", "marker"), [
    ("text/turtle", "text/turtle", "<https://w3id.org/jixiao/ontology#legalBasis>"),
    ("application/n-triples", "application/n-triples", "<https://w3id.org/jixiao/ontology#legalBasis>"),
    ("application/ld+json", "application/ld+json", "https://w3id.org/jixiao/ontology#legalBasis"),
])
def test_construct_negotiation(server, accept, ctype, marker):
    q = "CONSTRUCT { ?p jx:legalBasis ?d } WHERE { ?p jx:legalBasis ?d }"
    r = server.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert marker in r.text or "jx:legalBasis" in r.text
    if ctype == "application/ld+json":
        assert isinstance(r.json(), list | dict)


def test_describe(server):
    r = server.get("/sparql", params={"query": 'DESCRIBE ?d WHERE { ?d eli:id_local "沪人服〔2016〕1号" }',
                                      "format": "nt"})
    assert r.status_code == 200 and "沪人服〔2016〕1号" in r.text


def test_syntax_error_is_400_with_the_parser_message(server):
    r = server.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert r.status_code == 400
    body = r.json()
    assert "error at" in body["error"] and body["status"] == 400


def test_unacceptable_media_type_is_406(server):
    r = server.get("/sparql", params={"query": COUNT_PROJECTS}, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_wrong_post_content_type_is_415(server):
    r = server.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415


def test_row_cap(server):
    r = server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert len(bindings(r)) == MAX_ROWS
    assert r.headers["x-sparql-maxrows"] == str(MAX_ROWS)


def test_service_description_and_void(server, data_dir):
    r = server.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "sparql-service-description#Service" in r.text
    v = server.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert v.status_code == 200
    assert "<http://rdfs.org/ns/void#triples>" in v.text
    assert "<http://rdfs.org/ns/void#sparqlEndpoint>" in v.text
    assert "https://w3id.org/jixiao/ontology#Project" in v.text  # a class partition
    assert "/dumps/jixiao.nq>" in v.text and "http://www.w3.org/ns/dcat#Dataset" in v.text
    dump = server.get("/dumps/jixiao.nq")
    assert dump.status_code == 200 and dump.headers["content-type"].startswith("application/n-quads")
    assert "<https://w3id.org/jixiao/ontology#Project>" in dump.text
    again = server.get("/dumps/jixiao.nq")  # the snapshot's shared file, the same content
    assert again.status_code == 200 and sorted(again.text.splitlines()) == sorted(dump.text.splitlines())
    from graph.store import open_store

    reader = open_store(data=data_dir, read_only=True)  # every quad of the store, exported by it
    try:
        assert sorted(dump.text.splitlines()) == sorted(reader.export("nq").decode("utf-8").splitlines())
    finally:
        reader.close()


@pytest.mark.parametrize("example", gallery.EXAMPLES, ids=lambda e: e.id)
def test_every_gallery_example_runs(server, example):
    r = server.get("/sparql", params={"query": example.full})
    assert r.status_code == 200, r.text
    if example.query.lstrip().upper().startswith("SELECT"):
        assert bindings(r), f"example {example.id} found nothing in the sample data"
    page = server.get("/sparql", params={"example": example.id}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'class="alert"' not in page.text


# ------------------------------------------------------------------ read-only, SERVICE


def test_update_is_refused_without_a_token(server):
    update = 'INSERT DATA { <urn:x:a> <urn:x:b> "c" }'
    r = server.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403 and "read-only" in r.json()["error"]
    r = server.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer guess"})
    assert r.status_code == 403
    assert server.get("/sparql", params={"update": update}).status_code == 405
    ask = server.get("/sparql", params={"query": "ASK { <urn:x:a> ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_update_through_the_query_parameter_is_a_syntax_error(server):
    r = server.get("/sparql", params={"query": 'INSERT DATA { <urn:x:a> <urn:x:b> "c" }'})
    assert r.status_code == 400


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . SeRvIcE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }",
])
def test_service_is_refused(server, query):
    r = server.get("/sparql", params={"query": query})
    assert r.status_code == 403
    assert "SERVICE" in r.json()["error"]


def test_the_word_service_in_a_literal_is_fine(server):
    r = server.get("/sparql", params={"query": 'SELECT ?x WHERE { BIND("SERVICE" AS ?x) }'})
    assert r.status_code == 200


# ------------------------------------------------------------------ time limit


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out.update(int(t) for t in text)
    return out


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_slow_query_is_stopped_and_its_worker_killed(server):
    server_pid = server.server.pid
    before = _children(server_pid)
    assert len(before) >= 2  # the query workers
    started = time.monotonic()
    r = server.get("/sparql", params={"query": SLOW})
    elapsed = time.monotonic() - started
    assert r.status_code == 503
    assert "time limit" in r.json()["error"]
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + 5
    # the worker that ran it is gone (killed, not left computing) and a new one replaced it
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        after = _children(server_pid)
        if len(after) >= len(before) and after != before:
            break
        time.sleep(0.2)
    after = _children(server_pid)
    gone = before - after
    assert gone, "no worker was killed"
    for pid in gone:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    # nothing keeps burning CPU once the answer was sent (after the replacement's start-up)
    for _ in range(5):
        time.sleep(1.0)
        ticks = {p: _cpu_ticks(p) for p in after}
        time.sleep(1.0)
        busy = {p for p in after if Path(f"/proc/{p}").exists() and _cpu_ticks(p) - ticks[p] > 20}
        if not busy:
            break
    assert not busy, f"workers still busy: {busy}"
    # and the endpoint keeps answering
    assert bindings(server.get("/sparql", params={"query": COUNT_PROJECTS}))[0]["n"]["value"] == "4"


def test_html_page_reports_a_timeout(server):
    r = server.get("/sparql", params={"query": SLOW, "format": "html"})
    assert r.status_code == 503
    assert "time limit" in r.text and "Traceback" not in r.text


# ------------------------------------------------------------------ HTTP hardening


def test_query_string_size_limit(server):
    r = server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 64_500})
    assert r.status_code == 414
    assert "query string" in r.json()["error"]


def test_body_size_limit(server):
    big = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_100_000).encode()
    r = server.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_body_size_limit_without_content_length(server):
    def chunks():
        yield b"SELECT * WHERE { ?s ?p ?o } #"
        for _ in range(30):
            yield b"x" * 50_000

    r = server.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


@pytest.mark.parametrize("path", [
    "/static/../api/app.py",
    "/static/%2e%2e/%2e%2e/api/app.py",
    "/static/..%2f..%2fapp.py",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static//etc/passwd",
    "/static/....//....//etc/passwd",
    "/static/%252e%252e/app.py",
])
def test_no_path_traversal(server, path):
    r = server.get(path)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text and "class Jixiao" not in r.text and "import" not in r.text


def test_static_files_are_served(server):
    r = server.get("/static/jixiao.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")


def test_errors_carry_no_stack_trace(server):
    for r in (server.get("/nowhere"), server.get("/nowhere", headers={"Accept": "text/html"}),
              server.get("/api/projects/none"), server.get("/api/search", params={"q": ""}),
              server.get("/api/search", params={"q": "x", "k": "many"}),
              server.get("/sparql", params={"query": "SELECT"})):
        assert r.status_code in (400, 404, 422)
        assert "Traceback" not in r.text and 'File "' not in r.text
        if "text/html" not in r.headers["content-type"]:
            assert "error" in r.json()


def test_concurrent_queries_are_all_answered(server):
    import concurrent.futures

    def one(_):
        return server.get("/sparql", params={"query": COUNT_PROJECTS}).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(40)))
    assert codes == [200] * 40


def test_json_results_are_valid_utf8_json(server):
    r = server.get("/sparql", params={"query": "SELECT ?n WHERE { ?i a jx:Indicator ; rdfs:label ?n } LIMIT 5"})
    assert all("value" in b["n"] for b in json.loads(r.content.decode("utf-8"))["results"]["bindings"])


# ------------------------------------------------------------------ update with the token

TOKEN = "correct-horse-battery"


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    data = build_data(tmp_path_factory.mktemp("data-rw"))
    with ServerProcess(["--data", str(data), "--update-token", TOKEN]) as url, \
            httpx.Client(base_url=url, timeout=60) as client:
        yield client


def _update(client, text: str, token: str | None):
    headers = {"Content-Type": "application/sparql-update"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/sparql", content=text.encode(), headers=headers)


def test_update_needs_the_right_token(writable):
    insert = 'INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> "c" } }'
    assert _update(writable, insert, None).status_code == 403
    wrong = _update(writable, insert, "correct-horse")
    assert wrong.status_code == 403 and "token" in wrong.json()["error"]
    ask = {"query": "ASK { <urn:x:a> <urn:x:b> \"c\" }"}
    assert writable.get("/sparql", params=ask).json()["boolean"] is False
    assert _update(writable, insert, TOKEN).status_code == 204
    # the query workers see the change (the server publishes a new snapshot after an update)
    assert writable.get("/sparql", params=ask).json()["boolean"] is True
    form = writable.post("/sparql", data={"update": 'DELETE DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> "c" } }'},
                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert form.status_code == 204
    assert writable.get("/sparql", params=ask).json()["boolean"] is False


def test_bad_update_is_400_and_service_in_update_is_refused(writable):
    assert _update(writable, "INSERT DATA { <urn:x:a> }", TOKEN).status_code == 400
    r = _update(writable, "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", TOKEN)
    assert r.status_code == 403


def test_docs_list_every_gallery_example():
    doc = (ROOT / "docs" / "sparql-examples.md").read_text(encoding="utf-8")
    for example in gallery.EXAMPLES:
        assert example.query in doc, f"docs/sparql-examples.md lacks {example.id}"


def test_workers_killed_from_outside_are_replaced(server):
    import os
    import signal

    for pid in _children(server.server.pid):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        r = server.get("/sparql", params={"query": COUNT_PROJECTS})
        if r.status_code == 200:
            break
        assert r.status_code == 503 and "Traceback" not in r.text
        assert time.monotonic() < deadline, "the endpoint did not recover"
    assert bindings(r)[0]["n"]["value"] == "4"


def test_syntax_errors_give_line_column_and_caret(server):
    q = "SELECT ?x WHERE {\n  ?x a jx:Project .\n  ?x foo:bar ?y\n}"
    message = server.get("/sparql", params={"query": q}).json()["error"]
    assert "line 3, column" in message and "prefix not found" in message
    assert "  ?x foo:bar ?y\n" in message and message.rstrip().endswith("^")
    assert "\\u{" not in message  # no wall of Unicode ranges


def test_construct_turtle_is_abbreviated_with_prefixes(server):
    q = "CONSTRUCT { ?p jx:legalBasis ?d } WHERE { ?p jx:legalBasis ?d }"
    text = server.get("/sparql", params={"query": q}, headers={"Accept": "text/turtle"}).text
    assert "@prefix jx: <https://w3id.org/jixiao/ontology#>" in text and " jx:legalBasis " in text


def test_examples_carry_no_prefix_lines_and_the_page_loads_yasgui(server):
    assert all("PREFIX" not in e.full for e in gallery.EXAMPLES)
    page = server.get("/sparql", headers={"Accept": "text/html"}).text
    assert '/static/yasgui.min.js' in page and '/static/sparql.js' in page
    assert server.get("/static/yasgui.min.js").status_code == 200
    assert server.get("/api/prefixes").json()["jx"] == "https://w3id.org/jixiao/ontology#"
