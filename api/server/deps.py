"""FastAPI dependencies: routes receive the store, searcher and query pool through these,
so a test can build the app around a small real dataset (STYLE: one router per resource)."""
from __future__ import annotations

from fastapi import Request

from api.server.config import ServerConfig
from api.server.sparql.pool import QueryPool


def get_jx(request: Request):
    return request.app.state.jx


def get_store(request: Request):
    return request.app.state.jx.store


def get_searcher(request: Request):
    return request.app.state.jx.searcher


def get_pool(request: Request) -> QueryPool:
    return request.app.state.pool


def get_config(request: Request) -> ServerConfig:
    return request.app.state.config
