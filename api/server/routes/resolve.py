"""Dereferencing instance IRIs (``https://w3id.org/jixiao/id/{key}``), the Cool URIs way.

``GET /id/{key}`` answers ``303 See Other`` to a document about the thing:

- a browser (``text/html``) goes to the thing's page — project, document or indicator —
  or, for the other kinds (organisations, targets, warnings, series, reuse clusters…), to
  ``/data/{key}`` shown as HTML;
- an RDF client (Turtle, JSON-LD, N-Triples, RDF/XML) goes to ``/data/{key}?format=…``;
- a plain JSON client (``application/json``, or ``*/*``) goes to the page's JSON twin under
  ``/api/``, where there is one, else to the Turtle description.

``/data/{key}`` is the describing document: every triple with the IRI as subject or object
(capped at the server's row limit), in the format asked for. An IRI the store does not know
is a 404. The key may be given as the IRI's own text (``doc/%E6%B2%AA…``, as it appears in
the data) or with its characters decoded (``doc/沪人服…``); both resolve.

A w3id.org redirect for ``/jixiao/id/`` can point here, so the dataset's IRIs open anywhere.
"""
from __future__ import annotations

import json
from urllib.parse import quote, unquote

import pyoxigraph as ox
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.server.deps import get_store
from api.server.lazy import lazy
from api.server.render import page
from api.server.sparql.negotiate import parse_accept
from api.server.sparql.results import GRAPH_MEDIA, graph_body

views = lazy("graph.views")
vocab = lazy("graph.vocab")  # rdflib and the store load on first use, not at start

router = APIRouter()

# what /data/{key} serves; JSON-LD is compacted against the vocabulary's prefixes (@context)
RDF_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/ld+json": "jsonld",
             "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml"}
FORMAT_NAMES = {"turtle": "turtle", "ttl": "turtle", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
                "nt": "ntriples", "ntriples": "ntriples", "rdf": "rdfxml", "rdfxml": "rdfxml", "xml": "rdfxml",
                "html": "html"}
EXTENSION = {"turtle": "ttl", "jsonld": "jsonld", "ntriples": "nt", "rdfxml": "rdf"}
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _wanted(accept: str | None) -> str | None:
    """"html", "json" (the JSON twin), an RDF format key, or None (nothing we serve)."""
    for media, _q in parse_accept(accept or "*/*"):
        if media in HTML_TYPES:
            return "html"
        if media in RDF_TYPES:
            return RDF_TYPES[media]
        if media in ("application/json", "*/*", "application/*"):
            return "json"
        if media == "text/*":
            return "turtle"
    return None


def _raw_key(request: Request, prefix: str) -> str:
    """The path after ``prefix`` exactly as sent (percent-escapes kept)."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return raw.decode("latin-1").split("?", 1)[0][len(prefix):]


def _candidates(links, raw: str, key: str) -> list[str]:
    """The IRIs a request path may stand for: as sent, decoded, and re-encoded the way the
    minter encodes a document number (``doc/`` + every byte escaped, upper-case hex)."""
    out = [links.iri(raw), links.iri(key)]
    head, sep, rest = key.partition("/")
    if sep:
        out.append(links.iri(head + "/" + quote(unquote(rest), safe="")))
        out.append(links.iri(quote(unquote(key), safe="/-_.~")))
    seen: list[str] = []
    for iri in out:
        if iri not in seen:
            seen.append(iri)
    return seen


def _describe(store, iri: str, limit: int) -> list[ox.Triple]:
    node = f"<{iri}>"
    res = store.query(f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} WHERE {{ {{ {node} ?p ?o }} UNION "
                      f"{{ ?s ?q {node} }} }} LIMIT {int(limit) * 2}")
    return list(res.raw)[:limit]


def _resolve(request: Request, store, prefix: str, key: str) -> tuple[str, list[ox.Triple]]:
    limit = request.app.state.config.max_rows
    for iri in _candidates(request.app.state.links, _raw_key(request, prefix), key):
        try:
            ox.NamedNode(iri)
        except ValueError:
            continue
        triples = _describe(store, iri, limit)
        if triples:
            return iri, triples
    raise HTTPException(404, f"nothing is known about {request.app.state.links.iri(key)}")


@router.get("/id/{key:path}", tags=["resolve"], status_code=303,
            summary="Dereference an instance IRI: 303 to its page, its RDF description or its JSON twin")
async def resolve(key: str, request: Request, store=Depends(get_store)) -> Response:
    links = request.app.state.links
    want = _wanted(request.headers.get("accept"))
    if want is None:
        raise HTTPException(406, "ask for text/html, an RDF format (Turtle, JSON-LD, N-Triples, RDF/XML) "
                                 "or application/json")
    iri, _ = await run_in_threadpool(_resolve, request, store, "/id/", key)
    data_url = "/data/" + links.key(iri)
    if want in ("html", "json"):
        try:
            kind = await run_in_threadpool(views.kind_of, store, iri)
        except ValueError:
            kind = None
        if kind is not None:
            url = getattr(links, kind)(iri)
            location = url if want == "html" else "/api" + url
        else:
            location = data_url + ("?format=html" if want == "html" else "?format=ttl")
    else:
        location = f"{data_url}?format={EXTENSION[want]}"
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


@router.get("/data/{key:path}", tags=["resolve"],
            summary="The RDF description of an instance IRI (Turtle, JSON-LD, N-Triples, RDF/XML or HTML)")
async def describe(key: str, request: Request, format: str | None = Query(None, max_length=20),
                   store=Depends(get_store)) -> Response:
    want = FORMAT_NAMES.get((format or "").lower()) or _wanted(request.headers.get("accept"))
    if want == "json":
        want = "jsonld"
    if want is None:
        raise HTTPException(406, "ask for Turtle, JSON-LD, N-Triples, RDF/XML or HTML")
    iri, triples = await run_in_threadpool(_resolve, request, store, "/data/", key)
    headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="describes"'}
    if want == "html":
        return page(request, "resource.html", _html_data(request, iri, triples), json_url=None)
    if want == "jsonld":
        return Response(jsonld(triples), media_type="application/ld+json", headers=headers)
    return Response(graph_body(triples, want, vocab.PREFIXES), media_type=GRAPH_MEDIA[want], headers=headers)


def jsonld(triples: list[ox.Triple]) -> bytes:
    """JSON-LD compacted with the vocabulary's prefixes as its ``@context``."""
    from rdflib import Graph

    g = Graph()
    g.parse(data=graph_body(triples, "ntriples").decode("utf-8"), format="nt")
    context = dict(vocab.PREFIXES)
    doc = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
    if isinstance(doc, dict):
        doc["@context"] = context
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _html_data(request: Request, iri: str, triples: list[ox.Triple]) -> dict:
    links = request.app.state.links

    def cell(term) -> dict:
        if isinstance(term, ox.NamedNode):
            return {"iri": term.value, "href": links.local(term.value) or term.value, "text": _short(term.value)}
        if isinstance(term, ox.Literal):
            return {"text": term.value, "lang": term.language}
        return {"text": str(term)}

    out = [{"p": cell(t.predicate), "o": cell(t.object)} for t in triples if t.subject == ox.NamedNode(iri)]
    incoming = [{"s": cell(t.subject), "p": cell(t.predicate)} for t in triples if t.subject != ox.NamedNode(iri)]
    label = next((t.object.value for t in triples if t.subject == ox.NamedNode(iri) and t.predicate.value in (
        "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://purl.org/dc/terms/title")), None)
    key = links.key(iri)
    return {"iri": iri, "label": label, "out": out, "incoming": incoming,
            "formats": [{"name": n, "url": f"/data/{key}?format={ext}"} for n, ext in
                        (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))]}


def _short(iri: str) -> str:
    for prefix, ns in vocab.PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
