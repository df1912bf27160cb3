"""``/sparql``: the SPARQL 1.1 Protocol (query by GET, POST body, POST form; update by POST
with the token), plus the query page for browsers. Queries run in ``QueryPool`` workers."""
from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.server.config import ServerConfig
from api.server.deps import get_config, get_pool, get_store
from api.server.errors import error_response
from api.server.lazy import lazy
from api.server.render import page
from api.server.sparql import describe, gsp, negotiate
from api.server.sparql.access import ProtocolError, after_update, check_token
from api.server.sparql.guard import may_reach_network, names_service
from api.server.sparql.pool import QueryBusy, QueryPool, QueryTimeout, WorkerCrashed
from api.server.sparql.results import GRAPH_MEDIA, graph_body
from graph.sparqltext import DatasetConflict, apply_using

gallery = lazy("api.server.gallery")  # the example queries (graph.vocab: rdflib) on first use

router = APIRouter(tags=["SPARQL"])
VOID_CACHE_SECONDS = 60  # counting every triple is a full scan: do it at most once a minute

QUERY_TYPES = ("application/sparql-query",)
UPDATE_TYPES = ("application/sparql-update",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FORMAT_PARAMS = ("format", "output")  # ours and Fuseki's; Virtuoso's is format too


@router.get("/sparql", summary="SPARQL query (GET ?query=), Graph Store GET (?graph= / ?default), "
                               "or the query page in a browser", response_class=Response)
async def sparql_get(request: Request, query: str | None = None, format: str | None = None,
                     example: str | None = None, pool: QueryPool = Depends(get_pool),
                     config: ServerConfig = Depends(get_config)) -> Response:
    params = list(request.query_params.multi_items())
    if "update" in request.query_params:
        return error_response(request, 405, "SPARQL Update must be sent with POST")
    try:
        _single(params, "query")
        fmt = _format(params)
        if gsp.names_graph(params):
            if query is not None:
                raise ProtocolError(400, "send either a query or a graph (Graph Store Protocol), not both")
            return await gsp.read(request, params, negotiate.choose(request.headers.get("accept"), fmt), pool, config)
        dataset = _dataset(params, "default-graph-uri", "named-graph-uri")
    except ProtocolError as e:
        return error_response(request, e.status, e.message, html=False)
    choice = negotiate.choose(request.headers.get("accept"), fmt)
    if query is None and example is not None:
        chosen = gallery.find(example)
        if chosen is None:
            return error_response(request, 404, f"no example query {example!r}")
        query = chosen.full
        choice = negotiate.choose("text/html", fmt or "html") if choice.html or not fmt else choice
    if query is None:
        if choice.html or fmt == "html":
            return page(request, "sparql.html", sparql_page_data(None, None, config), json_url=None)
        return _graph_response(request, describe.service_description(_base(request)), choice)
    return await _run_query(request, query, choice, pool, config, dataset)


@router.post("/sparql", summary="SPARQL query or update (POST body or form); Graph Store POST "
                                "(?graph= / ?default, with the update token)", response_class=Response)
async def sparql_post(request: Request, pool: QueryPool = Depends(get_pool),
                      config: ServerConfig = Depends(get_config), store=Depends(get_store)) -> Response:
    ctype, charset = _content_type(request)
    params = list(request.query_params.multi_items())
    try:
        if ctype not in QUERY_TYPES + UPDATE_TYPES + FORM_TYPES and gsp.names_graph(params):
            return await gsp.write(request, "POST", params, config, store, pool)
        if charset not in (None, "utf-8", "utf8", "us-ascii"):
            raise ProtocolError(415, f"the request body must be UTF-8 (charset={charset} was given)")
        if ctype in QUERY_TYPES + UPDATE_TYPES:
            body = await _utf8(request)
            field = "query" if ctype in QUERY_TYPES else "update"
            if "query" in request.query_params or "update" in request.query_params:
                raise ProtocolError(400, f"a direct POST carries the {field} in its body; "
                                         "query= or update= in the URL as well is ambiguous")
            query, update = (body, None) if field == "query" else (None, body)
        elif ctype in FORM_TYPES:
            form = await request.form()
            params += [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            query, update = _single(params, "query"), _single(params, "update")
            if query is not None and update is not None:
                raise ProtocolError(400, "send either query or update, not both")
            if query is None and update is None:
                raise ProtocolError(400, "the form needs a query or an update field")
        else:
            raise ProtocolError(415, "POST a SPARQL query as application/sparql-query, an update as "
                                     "application/sparql-update, or either as a form (query= / update=)")
        fmt = _format(params)
        if update is not None:
            using = _dataset(params, "using-graph-uri", "using-named-graph-uri")
            return await _run_update(request, update, pool, config, store, using)
        dataset = _dataset(params, "default-graph-uri", "named-graph-uri")
    except ProtocolError as e:
        return error_response(request, e.status, e.message, html=False)
    choice = negotiate.choose(request.headers.get("accept"), fmt)
    return await _run_query(request, query, choice, pool, config, dataset)


@router.put("/sparql", summary="Graph Store PUT (?graph= / ?default, with the update token)",
            response_class=Response)
async def sparql_put(request: Request, pool: QueryPool = Depends(get_pool),
                     config: ServerConfig = Depends(get_config), store=Depends(get_store)) -> Response:
    return await _gsp_write(request, "PUT", pool, config, store)


@router.delete("/sparql", summary="Graph Store DELETE (?graph= / ?default, with the update token)",
               response_class=Response)
async def sparql_delete(request: Request, pool: QueryPool = Depends(get_pool),
                        config: ServerConfig = Depends(get_config), store=Depends(get_store)) -> Response:
    return await _gsp_write(request, "DELETE", pool, config, store)


async def _gsp_write(request: Request, method: str, pool: QueryPool, config: ServerConfig, store) -> Response:
    params = list(request.query_params.multi_items())
    try:
        if not gsp.names_graph(params):
            raise ProtocolError(405 if "query" in request.query_params or "update" in request.query_params else 400,
                                f"{method} /sparql is the Graph Store Protocol: name the graph with ?graph=IRI "
                                "or ?default (queries and updates use GET or POST)")
        return await gsp.write(request, method, params, config, store, pool)
    except ProtocolError as e:
        return error_response(request, e.status, e.message, html=False)


# --------------------------------------------------------------------- protocol parameters


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} {name} parameters; the protocol allows one")
    return values[0] if values else None


def _format(params: list[tuple[str, str]]) -> str | None:
    return next((v for k, v in params if k in FORMAT_PARAMS and v), None)


def _dataset(params: list[tuple[str, str]], default_name: str, named_name: str) -> dict | None:
    """The protocol's dataset (lists of graph IRIs), or None when the request names none."""
    default = [v for k, v in params if k == default_name]
    named = [v for k, v in params if k == named_name]
    if not default and not named:
        return None
    for iri in default + named:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"{iri!r} is not an absolute IRI (in {default_name} / {named_name})") from None
    return {"default_graphs": default, "named_graphs": named}


def _content_type(request: Request) -> tuple[str, str | None]:
    raw = request.headers.get("content-type", "")
    ctype = raw.split(";")[0].strip().lower()
    charset = None
    for part in raw.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return ctype, charset


async def _utf8(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProtocolError(400, f"the request body is not UTF-8 (byte {e.start})") from None


def endpoint(request: Request) -> str:
    """The endpoint's own URL: the base IRI of every query and update sent to it."""
    return _base(request) + "/sparql"




# --------------------------------------------------------------------- running


async def _run_query(request: Request, query: str, choice: negotiate.Choice, pool: QueryPool,
                     config: ServerConfig, dataset: dict | None = None) -> Response:
    refused = None
    if not config.allow_service and _may_use_service(query, pool):
        refused = (403, "SERVICE (federated query) is disabled on this endpoint: the server does not send "
                        "requests to addresses chosen by clients")
    if choice.html:
        # browsers get the query page with the results as a table (JSON underneath)
        answer, error = (None, refused) if refused else await _ask(pool, query, "json", "turtle",
                                                                     _options(request, dataset))
        if error is None and not answer.ok:
            error = (answer.status, answer.message)
        data = sparql_page_data(query, None if error else answer, config, error)
        return page(request, "sparql.html", data, status_code=error[0] if error else 200)
    if refused:
        return error_response(request, *refused, html=False)
    if choice.result_fmt is None and choice.graph_fmt is None:
        return error_response(request, 406, "none of the requested media types is one this endpoint serves",
                              html=False)
    answer, error = await _ask(pool, query, choice.result_fmt, choice.graph_fmt, _options(request, dataset))
    if error is not None:
        return error_response(request, error[0], error[1], html=False)
    if not answer.ok:
        return error_response(request, answer.status, answer.message, html=False)
    headers = {"Vary": "Accept"}
    if answer.engine:  # the in-memory replica or the store on disk (graph.replica)
        headers["X-Jixiao-Engine"] = answer.engine
    if answer.truncated:
        headers["X-SPARQL-MaxRows"] = str(config.max_rows)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


def _options(request: Request, dataset: dict | None) -> dict:
    """How the worker runs the query: the protocol's dataset, and the endpoint as base IRI."""
    return {**(dataset or {}), "base_iri": endpoint(request)}


async def _ask(pool: QueryPool, query: str, result_fmt, graph_fmt, options: dict | None = None):
    try:
        return await run_in_threadpool(pool.run, query, result_fmt, graph_fmt, options=options), None
    except QueryTimeout:
        return None, (503, f"the query ran longer than the time limit ({pool.timeout:g} s) and was stopped; "
                           "add LIMIT, narrow the patterns, or run it on your own copy of the data")
    except QueryBusy:
        return None, (503, "every query worker stayed busy for the whole time limit; try again shortly")
    except WorkerCrashed:
        return None, (503, "the query worker stopped while running this query (most likely it needed more "
                           "memory than a query may use)")


async def _run_update(request: Request, update: str, pool: QueryPool, config: ServerConfig, store,
                      using: dict | None = None) -> Response:
    check_token(request, config)
    if not config.allow_service and may_reach_network(update, update=True):
        # updates run in this process, which has the network: refuse any text that could hold
        # SERVICE or LOAD (see api/server/sparql/guard.py)
        return error_response(request, 403, "SERVICE and LOAD are disabled on this endpoint: the server does not "
                              "send requests to addresses chosen by clients (the words service/load may not "
                              "appear in an update unless the server runs with --allow-service)")
    if using:
        try:
            update = apply_using(update, using["default_graphs"], using["named_graphs"])
        except DatasetConflict as e:
            return error_response(request, 400, str(e), html=False)
    try:
        await run_in_threadpool(store.update, update, endpoint(request))
    except (SyntaxError, ValueError) as e:  # graph.results.SparqlError is a ValueError
        return error_response(request, 400, f"SPARQL error: {_short(e)}")
    except PermissionError as e:
        return error_response(request, 403, _short(e))
    except (RuntimeError, OSError) as e:
        if may_reach_network(update, update=True):  # what LOAD or SERVICE fetched was not usable
            return error_response(request, 502, f"LOAD or SERVICE failed: {_short(e)}")
        return error_response(request, 400, f"SPARQL error: {_short(e)}")
    await run_in_threadpool(after_update, request, pool)
    return Response(status_code=204)


def _may_use_service(query: str, pool: QueryPool) -> bool:
    """SERVICE named plainly (a clear 403 up front), or — where the workers have the network —
    anywhere an engine could read it. Sandboxed workers cannot send requests at all."""
    return names_service(query) or (not getattr(pool, "sandboxed", False) and may_reach_network(query))


def _short(e: Exception, limit: int = 500) -> str:
    text = str(e) or type(e).__name__
    return text if len(text) <= limit else text[:limit] + "…"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _graph_response(request: Request, triples: list, choice: negotiate.Choice) -> Response:
    fmt = choice.graph_fmt or "turtle"
    return Response(graph_body(triples, fmt), media_type=GRAPH_MEDIA[fmt], headers={"Vary": "Accept"})


# --------------------------------------------------------------------- the query page


def sparql_page_data(query: str | None, answer, config: ServerConfig, error: tuple[int, str] | None = None) -> dict:
    """The SPARQL page: editor text, the gallery, and (after a run) the results as a table."""
    data: dict = {"query": query if query is not None else gallery.DEFAULT_QUERY,
                  "prefixes": gallery.PREFIXES, "examples": gallery.by_group(), "editor": gallery.editor_config(),
                  "timeout": config.timeout, "max_rows": config.max_rows, "result": None, "error": None}
    if error:
        data["error"] = {"status": error[0], "message": error[1]}
    if query is not None and answer is not None:
        data["result"] = _table(answer)
        data["downloads"] = _downloads(query, answer.kind)
    return data


def _table(answer) -> dict:
    if answer.kind == "graph":
        return {"kind": "graph", "text": answer.body.decode("utf-8", "replace"), "truncated": answer.truncated}
    doc = json.loads(answer.body)
    if "boolean" in doc:
        return {"kind": "ask", "boolean": doc["boolean"]}
    variables = doc["head"]["vars"]
    rows = [[b.get(v) for v in variables] for b in doc["results"]["bindings"]]
    return {"kind": "select", "vars": variables, "rows": rows, "truncated": answer.truncated}


def _downloads(query: str, kind: str) -> list[dict]:
    fmts = ["json", "csv", "tsv", "xml"] if kind in ("select", "ask") else ["turtle", "ntriples", "jsonld"]
    return [{"format": f, "url": "/sparql?" + urlencode({"query": query, "format": f})} for f in fmts]


# --------------------------------------------------------------------- dataset description


@router.get("/.well-known/void", summary="VoID/DCAT description of the dataset", response_class=Response)
@router.get("/void", summary="VoID/DCAT description of the dataset", response_class=Response)
async def void(request: Request, format: str | None = None, pool: QueryPool = Depends(get_pool)) -> Response:
    cache = request.app.state.cache
    key = ("void", int(time.monotonic() // VOID_CACHE_SECONDS))
    numbers = cache.get(key)
    if numbers is None:
        try:
            numbers = await run_in_threadpool(describe.dataset_numbers, pool)
        except (QueryTimeout, QueryBusy, WorkerCrashed, RuntimeError) as e:
            return error_response(request, 503, f"could not count the dataset now: {e or type(e).__name__}")
        cache[key] = numbers
    base = _base(request)
    dump = base + "/dumps/jixiao.nq"
    choice = negotiate.choose(request.headers.get("accept"), format)
    return _graph_response(request, describe.void_triples(base, numbers, dump), choice)
