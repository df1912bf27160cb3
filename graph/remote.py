"""A remote store: any SPARQL 1.1 server with the Graph Store Protocol.

``--store URL`` names the dataset; the endpoints default to Oxigraph's layout
(``URL/query``, ``URL/update``, ``URL/store``). Other servers name them in the URL fragment:

    http://127.0.0.1:7878                                   # oxigraph serve
    http://host:3030/ds#query=sparql&update=update&gsp=data # Apache Jena Fuseki
    http://host:7200/repositories/jx#query=&update=statements&gsp=rdf-graphs/service  # GraphDB

Replacing a source is the same single SPARQL Update request as in the embedded store, so
it is atomic wherever the server runs one request in one transaction (Oxigraph, Fuseki/TDB2,
GraphDB). The ontology graph is written with a Graph Store Protocol PUT.

Union default graph: jixiao's queries expect the default graph to be the union of the named
graphs. Servers configured that way (``oxigraph serve --union-default-graph``, Fuseki's
``unionDefaultGraph``) are detected and used as they are; for the others every query names
its dataset with the protocol's ``default-graph-uri``/``named-graph-uri`` parameters.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urldefrag, urlencode

import httpx
import pyoxigraph as ox

from graph.base import GraphStore
from graph.results import SparqlError
from graph.vocab import JX_IRI, sparql_prologue

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)


class RemoteStore(GraphStore):
    def __init__(self, url: str, base_iri: str | None = None, read_only: bool = False,
                 timeout: float = 120.0) -> None:
        super().__init__(base_iri)
        self.url, fragment = urldefrag(url)
        self.url = self.url.rstrip("/")
        names = {"query": "query", "update": "update", "gsp": "store", **dict(parse_qsl(fragment, keep_blank_values=True))}
        self.query_url, self.update_url, self.gsp_url = (
            f"{self.url}/{names[k]}" if names[k] else self.url for k in ("query", "update", "gsp"))
        self.read_only = read_only
        self._http = httpx.Client(timeout=timeout)
        self._prologue = sparql_prologue()
        self._union: bool | None = None
        if not read_only:
            self.ensure_ontology()
            self._union = None  # probe again now that the ontology graph is there

    # ------------------------------------------------------------------ HTTP
    def _post(self, url: str, data: list[tuple[str, str]], accept: str | None = None) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if accept:
            headers["Accept"] = accept
        try:
            # Repeated keys (default-graph-uri) need an encoded body: httpx's data= takes a dict.
            resp = self._http.post(url, content=urlencode(data).encode("ascii"), headers=headers)
        except httpx.HTTPError as e:
            raise ConnectionError(f"SPARQL server {self.url} unreachable: {e}") from e
        if resp.status_code == 400:
            raise SparqlError(resp.text.strip() or "bad request")
        if resp.status_code >= 300:
            raise RuntimeError(f"{url} answered {resp.status_code}: {resp.text.strip()[:500]}")
        return resp

    def _dataset_params(self, sparql: str) -> list[tuple[str, str]]:
        """Protocol dataset parameters making the default graph the union (if needed)."""
        if self._union is None:
            self._union = self._probe_union()
        if self._union or _FROM.search(sparql):
            return []
        graphs = self._named_graphs()
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def _probe_union(self) -> bool:
        resp = self._post(self.query_url, [("query", f"ASK {{ <{JX_IRI}Project> ?p ?o }}")], RESULTS_JSON)
        return bool(ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON))

    def _named_graphs(self) -> list[str]:
        # GRAPH ?g {} yields each named graph once without scanning its triples.
        resp = self._post(self.query_url, [("query", "SELECT ?g WHERE { GRAPH ?g { } }")], RESULTS_JSON)
        return [s["g"].value for s in ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON)]

    # ------------------------------------------------------------------ primitives
    def _run_query(self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                   base_iri: str | None = None):
        if default_graphs is None and named_graphs is None:
            dataset = self._dataset_params(sparql)
        else:  # the caller's dataset, as the protocol's parameters
            dataset = [("default-graph-uri", g) for g in default_graphs or []] + [
                ("named-graph-uri", g) for g in named_graphs or []]
        params = [("query", self._prologue + _base(base_iri) + sparql), *dataset]
        resp = self._post(self.query_url, params, f"{RESULTS_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.8")
        ctype = resp.headers.get("content-type", "").split(";")[0].strip()
        if ctype in (RESULTS_JSON, "application/json"):
            return ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON)
        fmt = ox.RdfFormat.from_media_type(ctype)
        if fmt is None:
            raise RuntimeError(f"unexpected answer type {ctype!r} from {self.query_url}")
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(resp.content, fmt)]

    def _run_update(self, sparql: str, base_iri: str | None = None) -> None:
        self._post(self.update_url, [("update", self._prologue + _base(base_iri) + sparql)])

    def _quads(self) -> Iterator[ox.Quad]:
        # The protocol has no standard "whole dataset" GET, so ask for the quads.
        resp = self._post(self.query_url, [("query", "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")],
                          RESULTS_JSON)
        for s in ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON):
            yield ox.Quad(s["s"], s["p"], s["o"], s["g"])

    def _load_ontology(self, graph: str, turtle: str) -> None:
        try:
            resp = self._http.put(self.gsp_url, params={"graph": graph}, content=turtle.encode("utf-8"),
                                  headers={"Content-Type": "text/turtle; charset=utf-8"})
        except httpx.HTTPError as e:
            raise ConnectionError(f"SPARQL server {self.url} unreachable: {e}") from e
        if resp.status_code >= 300:
            raise RuntimeError(f"Graph Store PUT {self.gsp_url} answered {resp.status_code}: {resp.text[:500]}")

    def triple_count(self) -> int:
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])

    def close(self) -> None:
        self._http.close()


def _base(base_iri: str | None) -> str:
    """A BASE declaration for the remote server (it follows the PREFIX lines of the prologue)."""
    return f"BASE <{ox.NamedNode(base_iri).value}>\n" if base_iri else ""
