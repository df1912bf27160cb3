"""Who may write, and what a write must do afterwards (shared by SPARQL Update and the
Graph Store Protocol); the error every protocol check raises."""
from __future__ import annotations

import hmac

from fastapi import Request

from api.server.config import ServerConfig
from api.server.sparql.pool import QueryPool


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def check_token(request: Request, config: ServerConfig) -> None:
    """SPARQL Update and Graph Store writes need the server's update token (Bearer)."""
    if not config.update_token:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused "
                                 "(start the server with --update-token to allow it)")
    given = request.headers.get("authorization", "")
    token = given[7:].strip() if given.lower().startswith("bearer ") else ""
    if not token or not hmac.compare_digest(token.encode(), config.update_token.encode()):
        raise ProtocolError(403, "SPARQL Update needs the server's update token "
                                 "(Authorization: Bearer <token>); none or a wrong one was given")


def after_update(request: Request, pool: QueryPool) -> None:
    # the query workers read the published snapshot: publish the new state; keep the index in step
    store = request.app.state.jx.store
    if hasattr(store, "publish"):
        store.publish()
    request.app.state.cache.clear()
    searcher = request.app.state.jx.__dict__.get("searcher")
    if searcher is not None and hasattr(searcher, "sync"):
        searcher.sync()
