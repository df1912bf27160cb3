"""Stable instance IRIs under a configurable base (default ``https://w3id.org/jixiao/id/``).

The same input gives the same IRIs on every ingest, so re-ingesting a file replaces its
nodes instead of adding new ones, and links from the search index stay valid:

- a source file is keyed by its resolved path; its named graph and its source node share
  that key;
- a project by its source, year, applicant, title and occurrence (two identical headers
  in one file get ``…-2``), so reordering tables in a file does not change IRIs;
- an indicator by its project and position; its target hangs off the indicator;
- a legal document by its canonical number (``doc/`` + percent-encoded number), or, without
  a number, by a digest of its normalized title, so every project citing it meets one node;
- an organization by a digest of its normalized name (applicants and issuing bodies meet).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from rdflib import URIRef

from graph.vocab import DEFAULT_BASE


def _digest(*parts: object, n: int = 16) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


_TITLE_NOISE = re.compile(r"[\s《》<>〈〉「」『』“”\"'‘’.,，。、:：;；!！?？()（）\[\]【】〔〕-]+")


def normalize_title(title: str) -> str:
    """Title key: NFKC, lower case, without whitespace, quotes, brackets or punctuation."""
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title)).lower()


def normalize_name(name: str) -> str:
    """Organization key: NFKC without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def source_key(path: str | Path) -> str:
    """The identity of a source file: its resolved POSIX path."""
    return Path(path).expanduser().resolve().as_posix()


class Minter:
    """Mints jixiao instance IRIs under one base."""

    def __init__(self, base: str | None = None) -> None:
        base = base or DEFAULT_BASE
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    # Shared graph (legal documents and organizations cited by several sources).
    def shared_graph(self) -> URIRef:
        return self._iri("graph/shared")

    def ontology_graph(self) -> URIRef:
        return self._iri("graph/ontology")

    def source_id(self, path: str | Path) -> str:
        return _digest(source_key(path))

    def source_graph(self, path: str | Path) -> URIRef:
        return self._iri(f"graph/{self.source_id(path)}")

    def source(self, path: str | Path) -> URIRef:
        return self._iri(f"source/{self.source_id(path)}")

    def project(self, path: str | Path, year: int | None, unit: str | None, title: str | None,
                occurrence: int = 1) -> URIRef:
        return URIRef(self.project_iri(path, year, unit, title, occurrence))

    def project_iri(self, path: str | Path, year: int | None, unit: str | None, title: str | None,
                    occurrence: int = 1) -> str:
        key = _digest(source_key(path), year, normalize_name(unit or ""), normalize_title(title or ""))
        return self.base + f"project/{key}" + (f"-{occurrence}" if occurrence > 1 else "")

    def indicator(self, project: URIRef, position: int) -> URIRef:
        return URIRef(self.indicator_iri(project, position))

    def target(self, indicator: URIRef) -> URIRef:
        return URIRef(self.target_iri(indicator))

    def warning(self, owner: URIRef, n: int) -> URIRef:
        return URIRef(self.warning_iri(owner, n))

    # Plain-string forms (the mapper builds pyoxigraph terms from these).
    @staticmethod
    def indicator_iri(project: str, position: int) -> str:
        return f"{project}/indicator/{position}"

    @staticmethod
    def target_iri(indicator: str) -> str:
        return f"{indicator}/target"

    @staticmethod
    def warning_iri(owner: str, n: int) -> str:
        return f"{owner}/warning/{n}"

    def document(self, doc_number: str | None, title: str | None) -> URIRef | None:
        """One IRI per canonical number; a numberless document is keyed by its title."""
        if doc_number:
            return self._iri("doc/" + quote(unicodedata.normalize("NFC", doc_number.strip()), safe=""))
        if title and normalize_title(title):
            return self._iri("doc/t-" + _digest(normalize_title(title)))
        return None

    def organization(self, name: str) -> URIRef:
        return self._iri("org/" + _digest(normalize_name(name)))

    def local_scheme(self, path: str | Path) -> URIRef:
        return self._iri(f"scheme/{self.source_id(path)}")

    def local_concept(self, path: str | Path, *labels: str) -> URIRef:
        return URIRef(f"{self.local_scheme(path)}/{_digest(*labels, n=12)}")

    def unit(self, label: str) -> URIRef:
        return self._iri("unit/" + quote(unicodedata.normalize("NFKC", label.strip()), safe=""))
