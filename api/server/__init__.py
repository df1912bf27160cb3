"""HTTP for jixiao: the SPARQL endpoint, the JSON API and the web pages (FastAPI).

``create_app(jx, config)`` builds the application; ``jixiao serve`` runs it with uvicorn.
Wiring only: data comes from ``graph.views`` and ``jx.searcher``, queries run in
``sparql.pool``'s killable worker processes.

The names below are imported on first use: importing a light module of this package (the
server's front, ``api.server.front``) must not import FastAPI.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.server.app import create_app
    from api.server.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
_WHERE = {"create_app": "api.server.app", "ServerConfig": "api.server.config"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
