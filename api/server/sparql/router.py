"""``/sparql``: the SPARQL 1.1 Protocol (query by GET, POST body, POST form; update by POST
with the token), plus the query page for browsers. Queries run in ``QueryPool`` workers."""
from __future__ import annotations

import hmac
import json
import time
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.server import gallery
from api.server.config import ServerConfig
from api.server.deps import get_config, get_pool, get_store
from api.server.errors import error_response
from api.server.render import page
from api.server.sparql import describe, negotiate
from api.server.sparql.guard import may_reach_network, names_service
from api.server.sparql.pool import QueryBusy, QueryPool, QueryTimeout, WorkerCrashed
from api.server.sparql.results import GRAPH_MEDIA

router = APIRouter(tags=["SPARQL"])
VOID_CACHE_SECONDS = 60  # counting every triple is a full scan: do it at most once a minute

QUERY_TYPES = ("application/sparql-query",)
UPDATE_TYPES = ("application/sparql-update",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@router.get("/sparql", summary="SPARQL query (GET ?query=), or the query page in a browser",
            response_class=Response)
async def sparql_get(request: Request, query: str | None = None, format: str | None = None,
                     example: str | None = None, pool: QueryPool = Depends(get_pool), config: ServerConfig = Depends(get_config)) -> Response:
    if "update" in request.query_params:
        return error_response(request, 405, "SPARQL Update must be sent with POST")
    choice = negotiate.choose(request.headers.get("accept"), format)
    if query is None and example is not None:
        chosen = gallery.find(example)
        if chosen is None:
            return error_response(request, 404, f"no example query {example!r}")
        query = chosen.full
        choice = negotiate.choose("text/html", format or "html") if choice.html or not format else choice
    if query is None:
        if choice.html or format == "html":
            return page(request, "sparql.html", sparql_page_data(None, None, config), json_url=None)
        return _graph_response(request, describe.service_description(_base(request)), choice)
    return await _run_query(request, query, choice, pool, config)


@router.post("/sparql", summary="SPARQL query or update (POST body or form)", response_class=Response)
async def sparql_post(request: Request, pool: QueryPool = Depends(get_pool),
                      config: ServerConfig = Depends(get_config), store=Depends(get_store)) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = request.query_params.get("format")
    if ctype in QUERY_TYPES:
        query, update = (await request.body()).decode("utf-8", "replace"), None
    elif ctype in UPDATE_TYPES:
        query, update = None, (await request.body()).decode("utf-8", "replace")
    elif ctype in FORM_TYPES:
        form = await request.form()
        query, update = form.get("query"), form.get("update")
        fmt = form.get("format") or fmt
        if query is not None and update is not None:
            return error_response(request, 400, "send either query or update, not both")
        if query is None and update is None:
            return error_response(request, 400, "the form needs a query or an update field")
    else:
        return error_response(request, 415, "POST a SPARQL query as application/sparql-query, an update as "
                              "application/sparql-update, or either as a form (query= / update=)")
    choice = negotiate.choose(request.headers.get("accept"), fmt)
    if update is not None:
        return await _run_update(request, str(update), pool, config, store)
    return await _run_query(request, str(query), choice, pool, config)


async def _run_query(request: Request, query: str, choice: negotiate.Choice, pool: QueryPool,
                     config: ServerConfig) -> Response:
    refused = None
    if not config.allow_service and _may_use_service(query, pool):
        refused = (403, "SERVICE (federated query) is disabled on this endpoint: the server does not send "
                        "requests to addresses chosen by clients")
    if choice.html:
        # browsers get the query page with the results as a table (JSON underneath)
        answer, error = (None, refused) if refused else await _ask(pool, query, "json", "turtle")
        if error is None and not answer.ok:
            error = (answer.status, answer.message)
        data = sparql_page_data(query, None if error else answer, config, error)
        return page(request, "sparql.html", data, status_code=error[0] if error else 200)
    if refused:
        return error_response(request, *refused, html=False)
    if choice.result_fmt is None and choice.graph_fmt is None:
        return error_response(request, 406, "none of the requested media types is one this endpoint serves",
                              html=False)
    answer, error = await _ask(pool, query, choice.result_fmt, choice.graph_fmt)
    if error is not None:
        return error_response(request, error[0], error[1], html=False)
    if not answer.ok:
        return error_response(request, answer.status, answer.message, html=False)
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["X-SPARQL-MaxRows"] = str(config.max_rows)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def _ask(pool: QueryPool, query: str, result_fmt, graph_fmt):
    try:
        return await run_in_threadpool(pool.run, query, result_fmt, graph_fmt), None
    except QueryTimeout:
        return None, (503, f"the query ran longer than the time limit ({pool.timeout:g} s) and was stopped; "
                           "add LIMIT, narrow the patterns, or run it on your own copy of the data")
    except QueryBusy:
        return None, (503, "every query worker stayed busy for the whole time limit; try again shortly")
    except WorkerCrashed:
        return None, (503, "the query worker stopped while running this query (most likely it needed more "
                           "memory than a query may use)")


async def _run_update(request: Request, update: str, pool: QueryPool, config: ServerConfig, store) -> Response:
    if not config.update_token:
        return error_response(request, 403, "this endpoint is read-only: SPARQL Update is refused "
                              "(start the server with --update-token to allow it)")
    given = request.headers.get("authorization", "")
    token = given[7:].strip() if given.lower().startswith("bearer ") else ""
    if not token or not hmac.compare_digest(token.encode(), config.update_token.encode()):
        return error_response(request, 403, "SPARQL Update needs the server's update token "
                              "(Authorization: Bearer <token>); none or a wrong one was given")
    if not config.allow_service and may_reach_network(update, update=True):
        # updates run in this process, which has the network: refuse any text that could hold
        # SERVICE or LOAD (see api/server/sparql/guard.py)
        return error_response(request, 403, "SERVICE and LOAD are disabled on this endpoint: the server does not "
                              "send requests to addresses chosen by clients (the words service/load may not "
                              "appear in an update unless the server runs with --allow-service)")
    try:
        await run_in_threadpool(store.update, update)
    except (SyntaxError, ValueError) as e:  # graph.results.SparqlError is a ValueError
        return error_response(request, 400, f"SPARQL error: {_short(e)}")
    except PermissionError as e:
        return error_response(request, 403, _short(e))
    except (RuntimeError, OSError) as e:
        if may_reach_network(update, update=True):  # what LOAD or SERVICE fetched was not usable
            return error_response(request, 502, f"LOAD or SERVICE failed: {_short(e)}")
        return error_response(request, 400, f"SPARQL error: {_short(e)}")
    await run_in_threadpool(_after_update, request, pool)
    return Response(status_code=204)


def _may_use_service(query: str, pool: QueryPool) -> bool:
    """SERVICE named plainly (a clear 403 up front), or — where the workers have the network —
    anywhere an engine could read it. Sandboxed workers cannot send requests at all."""
    return names_service(query) or (not getattr(pool, "sandboxed", False) and may_reach_network(query))


def _short(e: Exception, limit: int = 500) -> str:
    text = str(e) or type(e).__name__
    return text if len(text) <= limit else text[:limit] + "…"


def _after_update(request: Request, pool: QueryPool) -> None:
    # the query workers read the published snapshot: publish the new state; keep the index in step
    store = request.app.state.jx.store
    if hasattr(store, "publish"):
        store.publish()
    request.app.state.cache.clear()
    searcher = request.app.state.jx.__dict__.get("searcher")
    if searcher is not None and hasattr(searcher, "sync"):
        searcher.sync()


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _graph_response(request: Request, triples: list, choice: negotiate.Choice) -> Response:
    fmt = choice.graph_fmt or "turtle"
    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    return Response(ox.serialize(triples, format=formats[fmt]) or b"", media_type=GRAPH_MEDIA[fmt])


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
