"""jixiao's Turtle files, shipped as package data.

- ``jixiao.ttl``: the OWL ontology (every ``jx:`` term, labels zh/en, comments, domains/ranges)
- ``frameworks.ttl``: the indicator frameworks as SKOS concept schemes
- ``shapes.ttl``: SHACL shapes of a well-formed project
- ``audit.ttl``: the audit rules, SHACL-SPARQL shapes (graph/audit.py, docs/audit.md)
"""
from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from rdflib import Graph

FILES = ("jixiao.ttl", "frameworks.ttl", "shapes.ttl", "audit.ttl")


def read_text(name: str) -> str:
    """The text of one of :data:`FILES`."""
    if name not in FILES:
        raise ValueError(f"unknown ontology file {name!r}; expected one of {FILES}")
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


@cache
def load(name: str) -> Graph:
    """One file parsed into an in-memory rdflib Graph (cached: do not modify it)."""
    return Graph().parse(data=read_text(name), format="turtle")


def digest(*names: str) -> str:
    """SHA-256 of the given files' text: the store reloads them when it changes."""
    h = hashlib.sha256()
    for name in names:
        h.update(read_text(name).encode("utf-8"))
    return h.hexdigest()
