"""Modules a route needs only when it runs, imported on first use (``jixiao serve`` starts sooner).

``views = lazy("graph.views")`` stands for the module: the first attribute read imports it
(thread-safe: Python's import lock), later reads go straight to it. The server binds without
rdflib, the store and the ingest's readers loaded, and the warm-up thread imports them right
after (api.server.app), so the first page that needs them rarely waits for the import.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self.__dict__["_lazy_name"] = name

    def load(self) -> ModuleType:
        module = importlib.import_module(self._lazy_name)
        self.__dict__["_lazy_module"] = module
        return module

    def __getattr__(self, attr: str) -> Any:  # only for names not set on the proxy itself
        module = self.__dict__.get("_lazy_module") or self.load()
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._lazy_name!r}>"


def lazy(name: str) -> LazyModule:
    return LazyModule(name)
