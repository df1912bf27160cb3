"""What the endpoint says about itself: a SPARQL 1.1 Service Description and a VoID/DCAT
description of the dataset (triple count, classes, endpoint, dumps)."""
from __future__ import annotations

import json

import pyoxigraph as ox

from api.server.sparql.pool import QueryPool

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(v: int) -> ox.Literal:
    return ox.Literal(str(v), datatype=_n(XSD + "integer"))


def dataset_numbers(pool: QueryPool) -> dict:
    """Triple, graph and class counts, asked of the query workers (so they are time-limited)."""
    def select(q: str) -> list[dict]:
        a = pool.run(q, "json", None)
        if not a.ok:
            raise RuntimeError(a.message)
        return json.loads(a.body)["results"]["bindings"]

    triples = select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    default = select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # union view, deduplicated
    graphs = select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    classes = select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    return {
        "quads": int(triples[0]["n"]["value"]) if triples else 0,
        "triples": int(default[0]["n"]["value"]) if default else 0,
        "graphs": int(graphs[0]["n"]["value"]) if graphs else 0,
        "classes": [{"class": b["c"]["value"], "entities": int(b["n"]["value"])} for b in classes],
    }


def void_triples(base_url: str, numbers: dict, dump_url: str | None) -> list[ox.Triple]:
    ds = _n(base_url + "/void#dataset")
    endpoint = _n(base_url + "/sparql")
    t = [
        ox.Triple(ds, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(ds, RDF_TYPE, _n(DCAT + "Dataset")),
        ox.Triple(ds, _n(DCT + "title"), ox.Literal("jixiao 财政项目支出绩效目标表知识图谱", language="zh")),
        ox.Triple(ds, _n(DCT + "title"), ox.Literal("jixiao: performance-goal tables of Chinese government projects",
                                                    language="en")),
        ox.Triple(ds, _n(VOID + "sparqlEndpoint"), endpoint),
        ox.Triple(ds, _n(VOID + "triples"), _int(numbers["triples"])),
        ox.Triple(ds, _n(VOID + "vocabulary"), _n("https://w3id.org/jixiao/ontology#")),
        ox.Triple(ds, _n(VOID + "uriSpace"), ox.Literal("https://w3id.org/jixiao/id/")),
    ]
    service = _n(base_url + "/void#sparql-service")
    t += [
        ox.Triple(ds, _n(DCAT + "distribution"), service),
        ox.Triple(service, RDF_TYPE, _n(DCAT + "DataService")),
        ox.Triple(service, _n(DCAT + "endpointURL"), endpoint),
        ox.Triple(service, _n(DCT + "conformsTo"), _n("https://www.w3.org/TR/sparql11-protocol/")),
    ]
    if dump_url:
        dist = _n(base_url + "/void#dump")
        t += [
            ox.Triple(ds, _n(VOID + "dataDump"), _n(dump_url)),
            ox.Triple(ds, _n(DCAT + "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, _n(DCAT + "Distribution")),
            ox.Triple(dist, _n(DCAT + "downloadURL"), _n(dump_url)),
            ox.Triple(dist, _n(DCAT + "mediaType"), ox.Literal("application/n-quads")),
        ]
    for i, c in enumerate(numbers["classes"]):
        part = _n(f"{base_url}/void#class-{i}")
        t += [
            ox.Triple(ds, _n(VOID + "classPartition"), part),
            ox.Triple(part, _n(VOID + "class"), _n(c["class"])),
            ox.Triple(part, _n(VOID + "entities"), _int(c["entities"])),
        ]
    return t


def service_description(base_url: str) -> list[ox.Triple]:
    s = _n(base_url + "/sparql")
    t = [
        ox.Triple(s, RDF_TYPE, _n(SD + "Service")),
        ox.Triple(s, _n(SD + "endpoint"), s),
        ox.Triple(s, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(s, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(s, _n(SD + "defaultDataset"), _n(base_url + "/void#dataset")),
    ]
    for media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
                  "application/rdf+xml", "application/n-quads", "application/trig"):
        t.append(ox.Triple(s, _n(SD + "resultFormat"), ox.Literal(media)))
    return t
