"""Linked data by the standards, against a real `jixiao serve` over the bundled sample:

- common clients with their default calls (SPARQLWrapper, rdflib's SPARQLStore);
- every query form in every usual format, ``format=``/``output=`` aliases, unknown values
  falling back to Accept, FROM honoured;
- CORS for reads (and never with the update token), OPTIONS preflight;
- the Graph Store Protocol (GET, and PUT/POST/DELETE with the token);
- every kind of minted IRI dereferences (303, then Turtle / JSON-LD / N-Triples / RDF/XML /
  HTML), in the raw and the percent-encoded path forms; unknown IRIs are 404;
- IRIs do not depend on where the data folder is.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from api.app import Jixiao
from api.server.runner import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
TOKEN = "linked-data-test-token"
DOC = "沪人服〔2016〕1号"
BASE = "https://w3id.org/jixiao/id/"
JX = "https://w3id.org/jixiao/ontology#"
PREFIX = f"PREFIX jx: <{JX}> PREFIX eli: <http://data.europa.eu/eli/ontology#> "  # clients send their own
CONSTRUCT = "CONSTRUCT { ?p jx:legalBasis ?d } WHERE { ?p jx:legalBasis ?d }"
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG,
}


def ingest(sample_dir: Path, data: Path) -> None:
    jx = Jixiao(data=data)
    try:
        summary = jx.ingest([sample_dir], index=False)
    finally:
        jx.close()
    assert not summary.errors, summary.errors


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    data = tmp_path_factory.mktemp("data")
    ingest(folder, data)
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with ServerProcess(["--data", str(data), "--update-token", TOKEN, "--sparql-workers", "1"],
                       log_path=str(log)) as url, httpx.Client(base_url=url, timeout=60) as client:
        client.url = url
        yield client


def select(server: httpx.Client, query: str) -> list[dict]:
    r = server.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def one_iri(server: httpx.Client, pattern: str) -> str:
    rows = select(server, f"SELECT ?x WHERE {{ {pattern} }} ORDER BY ?x LIMIT 1")
    assert rows, pattern
    return rows[0]["x"]


# ------------------------------------------------------------------ common clients, default calls


def test_sparqlwrapper_default_calls(server):
    endpoint = server.url + "/sparql"
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(PREFIX + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a jx:Project }")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "4"
    for query in (PREFIX + "CONSTRUCT { ?p a jx:Project } WHERE { ?p a jx:Project }",
                  PREFIX + f'DESCRIBE ?d WHERE {{ ?d eli:id_local "{DOC}" }}'):
        sw = SPARQLWrapper(endpoint)  # the defaults: RDF/XML asked for CONSTRUCT and DESCRIBE
        sw.setQuery(query)
        g = sw.queryAndConvert()
        assert isinstance(g, Graph) and len(g) > 0, query
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("ASK { ?s ?p ?o }")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore_default_calls(server):
    g = Graph(store=SPARQLStore(server.url + "/sparql"))
    rows = list(g.query(PREFIX + "SELECT ?p WHERE { ?p a jx:Project }"))
    assert len(rows) == 4
    constructed = g.query(PREFIX + "CONSTRUCT { ?p a jx:Project } WHERE { ?p a jx:Project }")
    assert len(constructed.graph) == 4
    described = g.query(f"DESCRIBE <{rows[0][0]}>")
    assert (rows[0][0], None, None) in described.graph
    assert bool(g.query("ASK { ?s ?p ?o }"))


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize("media", sorted(RDF_FORMATS))
def test_construct_and_describe_in_every_usual_format(server, media):
    for query in (CONSTRUCT, f'DESCRIBE ?d WHERE {{ ?d eli:id_local "{DOC}" }}'):
        r = server.get("/sparql", params={"query": query}, headers={"Accept": media})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == media
        quads = list(ox.parse(r.content, RDF_FORMATS[media]))
        assert quads and all(q.graph_name == ox.DefaultGraph() for q in quads)


@pytest.mark.parametrize(("param", "value", "query", "ctype"), [
    ("format", "rdf", CONSTRUCT, "application/rdf+xml"),
    ("format", "xml", CONSTRUCT, "application/rdf+xml"),
    ("format", "xml", "ASK {}", "application/sparql-results+xml"),
    ("output", "json", "ASK {}", "application/sparql-results+json"),
    ("output", "srx", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+xml"),
    ("format", "text/csv", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/csv"),
    ("format", "application/rdf+xml", CONSTRUCT, "application/rdf+xml"),
    ("format", "nq", CONSTRUCT, "application/n-quads"),
    ("format", "trig", CONSTRUCT, "application/trig"),
])
def test_format_aliases(server, param, value, query, ctype):
    r = server.get("/sparql", params={"query": query, param: value})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(ctype)


def test_an_unknown_format_falls_back_to_accept(server):
    r = server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "format": "bogus"},
                   headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    r = server.get("/sparql", params={"query": CONSTRUCT, "format": "csv"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")


def test_from_is_honoured_and_the_union_applies_without_a_dataset(server):
    graph = one_iri(server, "GRAPH ?x { ?p a jx:Project }")
    count = "SELECT (COUNT(DISTINCT ?p) AS ?n) {from} WHERE {{ ?p a jx:Project }}"
    assert select(server, count.format(**{"from": ""}))[0]["n"] == "4"
    assert select(server, count.format(**{"from": f"FROM <{graph}>"}))[0]["n"] == "4"
    assert select(server, count.format(**{"from": f"FROM <{BASE}graph/ontology>"}))[0]["n"] == "0"
    assert select(server, count.format(**{"from": f"FROM NAMED <{graph}>"}))[0]["n"] == "0"  # empty default
    r = server.get("/sparql", params={"query": count.format(**{"from": ""}), "default-graph-uri": f"{BASE}graph/ontology"})
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_relative_iris_resolve_against_the_endpoint(server):
    r = server.get("/sparql", params={"query": "SELECT (STR(<x>) AS ?x) WHERE {}"})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["x"]["value"] == server.url + "/x"


def test_repeated_query_is_400(server):
    r = server.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert r.status_code == 400 and "query" in r.json()["error"]


# ------------------------------------------------------------------ CORS


def test_cors_for_reads(server):
    origin = {"Origin": "https://yasgui.example"}
    r = server.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    r = server.post("/sparql", content=b"ASK {}", headers={**origin, "Content-Type": "application/sparql-query"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = server.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type, accept"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "content-type" in pre.headers["access-control-allow-headers"]
    # no request with same-origin manners gets CORS headers it did not ask for
    assert "access-control-allow-origin" not in server.get("/sparql", params={"query": "ASK {}"}).headers


def test_no_cors_for_requests_with_the_token(server):
    origin = {"Origin": "https://evil.example"}
    pre = server.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "authorization, content-type"})
    assert "access-control-allow-origin" not in pre.headers
    r = server.post("/sparql", content=b"INSERT DATA { <urn:x:cors> <urn:x:p> 1 }",
                    headers={**origin, "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert "access-control-allow-origin" not in r.headers


# ------------------------------------------------------------------ Graph Store Protocol


def test_graph_store_get(server):
    graph = one_iri(server, "GRAPH ?x { ?p a jx:Project }")
    r = server.get("/sparql", params={"graph": graph}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, ox.RdfFormat.TURTLE))
    assert any(t.object == ox.NamedNode(JX + "Project") for t in triples)
    assert "sparql-service-description" not in r.text
    r = server.get("/sparql?default", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and JX + "Project" in r.text
    assert server.get("/sparql", params={"graph": BASE + "graph/none"}).status_code == 404
    assert server.get("/sparql", params={"graph": "not an iri"}).status_code == 400


def test_graph_store_writes_need_the_token(server):
    g = "http://example.org/gsp-test"
    body = b"<http://example.org/s> <http://example.org/p> \"one\" ."
    nt = {"Content-Type": "application/n-triples"}
    assert server.put("/sparql", params={"graph": g}, content=body, headers=nt).status_code == 403
    auth = {**nt, "Authorization": f"Bearer {TOKEN}"}
    assert server.put("/sparql", params={"graph": g}, content=body, headers=auth).status_code == 201
    r = server.post("/sparql", params={"graph": g}, content=b'<http://example.org/s> <http://example.org/p> "two" .',
                    headers=auth)
    assert r.status_code == 204
    got = server.get("/sparql", params={"graph": g}, headers={"Accept": "application/n-triples"}).text
    assert '"one"' in got and '"two"' in got
    assert server.put("/sparql", params={"graph": g}, content=body, headers=auth).status_code == 204
    got = server.get("/sparql", params={"graph": g}, headers={"Accept": "application/n-triples"}).text
    assert '"one"' in got and '"two"' not in got
    bad = server.put("/sparql", params={"graph": g}, content=b"not rdf", headers=auth)
    assert bad.status_code == 400
    assert server.delete("/sparql", params={"graph": g}, headers=auth).status_code == 204
    assert server.get("/sparql", params={"graph": g}).status_code == 404
    assert server.delete("/sparql", params={"graph": g}, headers=auth).status_code == 404


# ------------------------------------------------------------------ dereferencing


KINDS = {
    "project": "?x a jx:Project",
    "indicator": "?x a jx:Indicator",
    "target": "?x a jx:Target",
    "warning": "?x a jx:Warning",
    "organisation": "?x a org:Organization",
    "document": f'?x eli:id_local "{DOC}"',
    "series": "?x a jx:ProjectSeries",
    "indicator series": "?x a jx:IndicatorSeries",
    "source": "?x a jx:Source",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_iri_dereferences_to_rdf(server, kind):
    iri = one_iri(server, KINDS[kind])
    assert iri.startswith(BASE)
    path = "/id/" + iri[len(BASE):]
    for media, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                       ("application/rdf+xml", ox.RdfFormat.RDF_XML), ("application/ld+json", ox.RdfFormat.JSON_LD)):
        r = server.get(path, headers={"Accept": media})
        assert r.status_code == 303, (kind, media, r.status_code, r.text[:200])
        described = server.get(r.headers["location"], headers={"Accept": media})
        assert described.status_code == 200 and described.headers["content-type"].startswith(media)
        triples = list(ox.parse(described.content, fmt))
        assert any(t.subject == ox.NamedNode(iri) for t in triples), (kind, media)
    page = server.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_jsonld_has_a_context(server):
    iri = one_iri(server, KINDS["project"])
    r = server.get("/id/" + iri[len(BASE):], headers={"Accept": "application/ld+json"}, follow_redirects=True)
    doc = r.json()
    assert doc["@context"]["jx"] == JX
    g = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert (URIRef(iri), None, None) in g


def test_chinese_document_iris_resolve_in_both_path_forms(server):
    iri = one_iri(server, KINDS["document"])
    key = iri[len(BASE):]  # doc/%E6%B2%AA… : the IRI's own text
    assert "%" in key
    for path in ("/id/" + key,  # the usual percent-encoding of the number (the IRI as written)
                 "/id/doc/" + quote(DOC, safe=""),  # the same, built from the number
                 "/id/" + quote(key, safe="/")):  # the raw IRI text, itself escaped
        r = server.get(path, headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert r.status_code == 200, path
        assert DOC in r.text
    page = server.get("/id/" + key, headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and DOC in page.text


def test_unknown_iris_are_404(server):
    for accept in ("text/turtle", "text/html", "application/json"):
        assert server.get("/id/project/0000000000000000", headers={"Accept": accept}).status_code == 404
    assert server.get("/data/project/0000000000000000").status_code == 404


# ------------------------------------------------------------------ stable IRIs


def _iris(data: Path) -> set[str]:
    jx = Jixiao(data=data, read_only=True)
    try:
        return {r["s"] for r in jx.store.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")}
    finally:
        jx.close()


def test_a_moved_data_folder_keeps_every_iri(tmp_path):
    first, second = tmp_path / "here" / "tables", tmp_path / "elsewhere" / "deeper" / "copy"
    for folder in (first, second):
        folder.mkdir(parents=True)
        shutil.copy(SAMPLE, folder / "renamed.txt" if folder == second else folder / SAMPLE.name)
    ingest(first, tmp_path / "data1")
    ingest(second, tmp_path / "data2")
    a, b = _iris(tmp_path / "data1"), _iris(tmp_path / "data2")
    assert a == b and any("/project/" in i for i in a) and any("/source/" in i for i in a)
