"""The SPARQL 1.1 Graph Store Protocol on ``/sparql`` (indirect graph identification).

``GET ?graph=IRI`` / ``GET ?default`` return that graph's triples in the negotiated RDF
format (404 for a graph with no triples); reads go through the query workers like any
query, with the same time limit and row cap. ``PUT`` (replace), ``POST`` (add) and
``DELETE`` need the update token, like SPARQL Update. The default graph is, as for
queries, the union of the named graphs when read; writes to ``?default`` change the
store's own default graph.
"""
from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.server.config import ServerConfig
from api.server.sparql import negotiate
from api.server.sparql.access import ProtocolError, after_update, check_token
from api.server.sparql.pool import QueryBusy, QueryPool, QueryTimeout, WorkerCrashed


def names_graph(params: list[tuple[str, str]]) -> bool:
    return any(k in ("graph", "default") for k, _ in params)


def target(params: list[tuple[str, str]]) -> str | None:
    """The graph IRI, or None for the default graph; ProtocolError when ambiguous or invalid."""
    graphs = [v for k, v in params if k == "graph"]
    default = any(k == "default" for k, _ in params)
    if len(graphs) + default != 1:
        raise ProtocolError(400, "name exactly one graph: ?graph=IRI or ?default")
    if default:
        return None
    try:
        return ox.NamedNode(graphs[0]).value
    except ValueError:
        raise ProtocolError(400, f"graph={graphs[0]!r} is not an absolute IRI") from None


async def read(request: Request, params: list[tuple[str, str]], choice: negotiate.Choice, pool: QueryPool,
               config: ServerConfig) -> Response:
    graph = target(params)
    if choice.graph_fmt is None:
        raise ProtocolError(406, "none of the requested media types is an RDF format this endpoint serves")
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    try:
        answer = await run_in_threadpool(pool.run, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", None,
                                         choice.graph_fmt)
    except (QueryTimeout, QueryBusy, WorkerCrashed) as e:
        raise ProtocolError(503, f"reading the graph did not finish ({type(e).__name__}); try again, or "
                                 "download the dump (/dumps/jixiao.nq)") from None
    if not answer.ok:
        raise ProtocolError(answer.status, answer.message)
    if graph and answer.rows == 0:
        raise ProtocolError(404, f"no graph <{graph}> in this dataset")
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["X-SPARQL-MaxRows"] = str(config.max_rows)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def write(request: Request, method: str, params: list[tuple[str, str]], config: ServerConfig, store,
                pool: QueryPool) -> Response:
    check_token(request, config)
    graph = target(params)
    name = f"GRAPH <{graph}>" if graph else "DEFAULT"
    existed = await run_in_threadpool(_exists, store, graph)
    if method == "DELETE":
        if not existed:
            raise ProtocolError(404, f"no graph <{graph}> in this dataset" if graph else "the default graph is empty")
        update = f"DROP SILENT {name}"
    else:
        triples = _body_triples(request.headers.get("content-type", ""), await request.body())
        data = f"GRAPH <{graph}> {{\n{triples}}}" if graph else triples
        update = (f"DROP SILENT {name} ;\n" if method == "PUT" else "") + f"INSERT DATA {{\n{data}}}"
    try:
        await run_in_threadpool(store.update, update)
    except PermissionError as e:
        raise ProtocolError(403, str(e)) from None
    await run_in_threadpool(after_update, request, pool)
    return Response(status_code=204 if existed or method == "DELETE" else 201)


def _exists(store, graph: str | None) -> bool:
    if graph is None:
        return bool(store.query("ASK { ?s ?p ?o }"))
    return bool(store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))


def _body_triples(content_type: str, body: bytes) -> str:
    """The request's RDF as N-Triples (re-serialized by Oxigraph, so safe inside INSERT DATA)."""
    media = content_type.split(";")[0].strip().lower()
    fmt = ox.RdfFormat.from_media_type(media) if media else None
    if fmt is None or fmt.supports_datasets:
        raise ProtocolError(415, f"send the graph as Turtle, N-Triples, RDF/XML or JSON-LD (Content-Type "
                                 f"{media or 'missing'} is not one of them)")
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, fmt)]
    except SyntaxError as e:
        raise ProtocolError(400, f"the {media} body does not parse: {e}") from None
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
