"""The FastAPI application: routers, static files, limits, errors, and the query pool's life."""
from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.server import errors
from api.server.admission import Admission, lanes_for
from api.server.config import ServerConfig
from api.server.cors import Cors
from api.server.limits import RequestLimits, SecurityHeaders
from api.server.links import Links
from api.server.render import STATIC_DIR, LazyTemplates
from api.server.routes import (
    apidocs,
    audit,
    documents,
    dumps,
    home,
    indicators,
    projects,
    resolve,
    reuse,
    search,
)
from api.server.sparql import router as sparql_router
from api.server.sparql.pool import QueryPool

log = logging.getLogger("jixiao.http")

DESCRIPTION = """Performance-goal tables (财政项目支出绩效目标表) as a knowledge graph.

* **SPARQL 1.1** at [`/sparql`](/sparql) (read-only; default graph = union of all named graphs)
* **JSON API** under `/api/` — every web page has its JSON twin
* **VoID/DCAT** description at [`/.well-known/void`](/.well-known/void)
"""


def create_app(jx, config: ServerConfig | None = None, pool: QueryPool | None = None) -> FastAPI:
    """Build the app around a :class:`api.app.Jixiao`. The query pool starts with the app."""
    config = config or ServerConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if app.state.pool is None:
            app.state.pool = make_pool(jx, config)
        publish = getattr(jx.store, "publish", None)
        if publish is not None and not getattr(jx.store, "read_only", True):
            publish()  # a writable store may hold changes (ontology load) workers must see
        # bind at once: query workers start and the search index loads in the background;
        # a SPARQL query waits for a worker, a search for the index (api.server.deps)
        app.state.pool.start(wait=False)
        app.state.search_ready = threading.Event()
        threading.Thread(target=_warm_up, args=(app,), name="jixiao-warm-up", daemon=True).start()
        try:
            yield
        finally:
            app.state.closing.set()
            app.state.pool.close()

    app = FastAPI(title="jixiao 绩效", description=DESCRIPTION, version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # /docs is our own page: Swagger UI needs a CDN
    app.state.jx = jx
    app.state.config = config
    app.state.pool = pool
    app.state.cache = {}
    app.state.searcher_checked = float("-inf")
    app.state.searcher_generation = object()  # unknown: the first search opens the index
    app.state.search_ready = None  # an Event from the start (lifespan), set by _warm_up when loaded
    app.state.closing = threading.Event()
    app.state.links = Links(getattr(jx, "base_iri", None))
    app.state.templates = LazyTemplates()
    # middleware: the last added is the outermost — headers, then the catch-all, then limits,
    # then admission (a request waits for its lane before anything reads its body)
    app.add_middleware(Admission, lanes=lanes_for(config))
    app.add_middleware(RequestLimits, max_body=config.max_body, max_query=config.max_query_string)
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Cors, origin=config.cors_origin)  # outermost: preflights never reach a route
    # StaticFiles resolves paths and refuses anything outside this folder (no symlinks followed)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (home, search, projects, documents, indicators, reuse, audit, dumps, resolve, apidocs):
        app.include_router(module.router)
    app.include_router(sparql_router.router)
    return app


def _warm_up(app: FastAPI) -> None:
    """Load the search index and the embedding model now, not on the first visitor's search.

    Runs in a background thread while the server already answers. ``search_ready`` is set
    when done — also after a failure, so searches then open the index themselves (and report
    the problem) instead of waiting for a warm-up that will not come."""
    from api.server.deps import _index_generation, _searcher_lock

    jx = app.state.jx
    started = time.perf_counter()
    try:
        # what the routes import on first use (api.server.lazy), and the store, before any
        # visitor needs them: rdflib and the store come first, every page and search needs them
        import graph.views  # noqa: F401

        jx.store  # noqa: B018
    except Exception:
        log.exception("opening the store failed; pages will retry")
    try:
        generation = _index_generation(jx.data)
        with _searcher_lock:
            if app.state.closing.is_set():
                return
            searcher = jx.searcher
            app.state.searcher_generation = generation
        if getattr(searcher, "state", None) is not None and not app.state.closing.is_set():
            preload_search(searcher)
        log.info("search index and encoder ready after %.1f s", time.perf_counter() - started)
    except Exception:
        log.exception("search warm-up failed; searches will retry")
    finally:
        app.state.search_ready.set()
        release = getattr(app.state.pool, "release_replicas", None)
        if release is not None:
            release()  # the query workers' in-memory copies load now (graph.replica)
    try:  # the rest of what pages import on first use
        import api.server.doc_numbers  # noqa: F401
        import api.server.gallery  # noqa: F401

        app.state.templates.get_template("base.html")
    except Exception:
        log.exception("page warm-up failed; pages will retry")


def preload_search(searcher) -> None:
    """What a first search would load: the encoder (its weights and first-call set-up) and the
    reuse clusters' member map. ``jixiao serve`` calls it in a thread of its own as soon as the
    data folder is known, while the application is still being built (api.commands.serve_run)."""
    if getattr(searcher, "state", None) is None:
        return
    searcher.encoder.encode(["满意度"])
    searcher._cluster_of()


def make_pool(jx, config: ServerConfig) -> QueryPool:
    """Workers open the same store read-only (the embedded store's snapshots, or the remote URL)."""
    replica_mb = config.replica_mb if config.replica_mb is not None else default_replica_mb(config.workers)
    return QueryPool(size=config.workers, timeout=config.timeout, max_rows=config.max_rows,
                     data=Path(jx.data), store_url=getattr(jx, "store_url", None),
                     base_iri=getattr(jx, "base_iri", None), memory_mb=config.worker_memory_mb,
                     sandbox=not config.allow_service, replica_mb=replica_mb, hold_replicas=True)


def default_replica_mb(workers: int) -> int:
    """Half the memory available now, shared by the query workers (MiB; 0 if unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            available_kib = next(int(line.split()[1]) for line in f if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return 0
    return int(available_kib / 1024 / 2 / max(1, workers))
