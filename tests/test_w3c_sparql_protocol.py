"""The W3C SPARQL 1.1 Protocol test suite (w3c/rdf-tests), run against a real `jixiao serve`.

Every ``mf:ProtocolTest`` of ``tests/data/w3c-sparql-protocol/manifest.ttl`` becomes one
test: its ``ut:graphData`` is loaded, then its HTTP requests are sent in order — method,
path (the manifest's ``/sparql/`` is this server's ``/sparql``), headers and body exactly as
the manifest gives them, the body encoded in its ``cnt:characterEncoding`` — and each
response is checked against ``mf:expectedStatus``, ``mf:expectedFormat`` and
``mf:expectedBoolean``. The server has an update token (the update tests need it), sent
with every request, and an empty data folder of its own (the tests run CLEAR ALL).
"""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from api.server.runner import ServerProcess

SUITE = Path(__file__).resolve().parent / "data" / "w3c-sparql-protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
TOKEN = "w3c-protocol-suite"

RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = RESULT_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/xhtml+xml", "text/html"}

manifest = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
ENTRIES = list(Collection(manifest, manifest.value(URIRef(MANIFEST.as_uri()), MF.entries)))


def _name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[-1]


def test_the_suite_is_complete():
    # the suite as published has 34 tests; all of them run below
    assert len(ENTRIES) == 34
    assert all((t, RDF.type, MF.ProtocolTest) in manifest for t in ENTRIES)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("w3c-data")
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with ServerProcess(["--data", str(data), "--update-token", TOKEN], log_path=str(log)) as url, \
            httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def _load_graph_data(server: httpx.Client, test: URIRef) -> None:
    parts = []
    for node in manifest.objects(test, UT.graphData):
        name = str(manifest.value(node, RDFS.label))
        nt = (SUITE / Path(str(manifest.value(node, UT.graph))).name).read_text(encoding="utf-8")
        parts.append(f"GRAPH <{name}> {{ {nt} }}")
    if parts:
        r = server.post("/sparql", content=("DROP ALL ; INSERT DATA { " + "\n".join(parts) + " }").encode(),
                        headers={"Content-Type": "application/sparql-update"})
        assert r.status_code == 204, r.text


def _request(server: httpx.Client, req) -> httpx.Response:
    method = str(manifest.value(req, HT.methodName))
    path = str(manifest.value(req, HT.absolutePath))
    assert path.startswith("/sparql/")
    path = "/sparql" + path[len("/sparql/"):]
    headers = {}
    header_list = manifest.value(req, HT.headers)
    if header_list is not None:
        for h in Collection(manifest, header_list):
            headers[str(manifest.value(h, HT.fieldName))] = str(manifest.value(h, HT.fieldValue))
    body = manifest.value(req, HT.body)
    content = None
    if body is not None:
        encoding = str(manifest.value(body, CNT.characterEncoding) or "UTF-8")
        content = str(manifest.value(body, CNT.chars)).encode(encoding)
    return server.request(method, path, content=content, headers=headers)


def _boolean(r: httpx.Response, ctype: str) -> bool:
    if ctype == "application/sparql-results+json":
        return json.loads(r.content)["boolean"]
    root = ElementTree.fromstring(r.content)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def _check(r: httpx.Response, expect) -> None:
    statuses = set(manifest.objects(expect, MF.expectedStatus))
    ok = ((HTS.StatusCode2xx in statuses and 200 <= r.status_code < 300)
          or (HTS.StatusCode3xx in statuses and 300 <= r.status_code < 400)
          or (HTS.StatusCode4xx in statuses and 400 <= r.status_code < 500))
    assert ok, f"status {r.status_code}, expected {sorted(s.rsplit('#')[-1] for s in statuses)}: {r.text[:300]}"
    ctype = r.headers.get("content-type", "").split(";")[0].strip()
    fmt = manifest.value(expect, MF.expectedFormat)
    if fmt is not None:
        allowed = {"boolean": RESULT_TYPES, "tabular": TABULAR_TYPES, "RDF": RDF_TYPES}[str(fmt)]
        assert ctype in allowed, f"content type {ctype!r} is not one for {fmt}"
        if str(fmt) == "RDF":
            list(ox.parse(r.content, ox.RdfFormat.from_media_type(ctype)))  # it parses
    boolean = manifest.value(expect, MF.expectedBoolean)
    if boolean is not None:
        assert _boolean(r, ctype) is boolean.toPython()


@pytest.mark.parametrize("test", ENTRIES, ids=_name)
def test_w3c_protocol(server, test):
    _load_graph_data(server, test)
    action = manifest.value(test, MF.action)
    requests = list(Collection(manifest, manifest.value(action, HT.requests)))
    assert requests
    for req in requests:
        r = _request(server, req)
        _check(r, manifest.value(req, HT.resp))
