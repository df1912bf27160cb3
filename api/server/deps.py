"""FastAPI dependencies: routes receive the store, searcher and query pool through these,
so a test can build the app around a small real dataset (STYLE: one router per resource)."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi import HTTPException, Request

from api.server.config import ServerConfig
from api.server.sparql.pool import QueryPool

SEARCHER_CHECK_SECONDS = 1.0
SEARCH_RETRY_AFTER = 5  # seconds, in the 503 of a search made while the index loads
_searcher_lock = threading.Lock()


def get_jx(request: Request):
    return request.app.state.jx


def get_store(request: Request):
    return request.app.state.jx.store


def get_searcher(request: Request):
    """The searcher, reopened when another process (``jixiao ingest``) published a new index
    generation — the server's store follows the graph's snapshots the same way."""
    app = request.app
    jx = app.state.jx
    ready = getattr(app.state, "search_ready", None)
    if ready is not None and not ready.is_set():
        wait = app.state.config.search_wait
        if not ready.wait(wait):
            raise HTTPException(503, f"the search index is still loading (the server started moments ago); "
                                     f"waited {wait:g} s — retry shortly",
                                headers={"Retry-After": str(SEARCH_RETRY_AFTER)})
    now = time.monotonic()
    if now - app.state.searcher_checked >= SEARCHER_CHECK_SECONDS:
        app.state.searcher_checked = now
        generation = _index_generation(jx.data)
        with _searcher_lock:
            if generation != app.state.searcher_generation:
                old = jx.__dict__.pop("searcher", None)
                fresh = jx.searcher
                # keep the loaded model: same encoder, no second load of its weights
                if old is not None and getattr(old, "encoder_spec", None) == getattr(fresh, "encoder_spec", 0):
                    fresh._encoder = getattr(old, "_encoder", None)
                app.state.searcher_generation = generation
    return jx.searcher


def _index_generation(data) -> str | None:
    try:
        from search.storage import current_generation, index_root
    except ImportError:
        return None
    folder = current_generation(index_root(Path(data)))
    return None if folder is None else folder.name


def get_pool(request: Request) -> QueryPool:
    return request.app.state.pool


def get_config(request: Request) -> ServerConfig:
    return request.app.state.config
