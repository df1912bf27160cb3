"""HTTP for jixiao: the SPARQL endpoint, the JSON API and the web pages (FastAPI).

``create_app(jx, config)`` builds the application; ``jixiao serve`` runs it with uvicorn.
Wiring only: data comes from ``graph.views`` and ``jx.searcher``, queries run in
``sparql.pool``'s killable worker processes.
"""
from api.server.app import create_app
from api.server.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
