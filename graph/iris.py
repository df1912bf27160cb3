"""Stable instance IRIs under a configurable base (default ``https://w3id.org/jixiao/id/``).

IRIs depend on what the data says, never on where the files are: moving the data folder,
ingesting on another machine, or re-publishing the same table keeps every IRI
(docs/vocabulary.md, "IRI policy"):

- a source file by its content (SHA-256 of its bytes): ``source/{sha}`` and its named
  graph ``graph/{sha}`` (64 hex digits, as ``sha256sum`` prints them); a changed file is a new source that replaces the
  earlier version ingested from the same path;
- a project of one year by its applicant unit, title and fiscal year (``project/{digest}``;
  a second identical header in one file gets ``…-2``), whichever file holds it: two files
  with the same project describe one node, each in its own named graph; the same unit and
  title across years meet at a series ``series/{digest}``;
- an indicator by its project and its name (``{project}/indicator/{digest of the name}``,
  ``…-2`` only when the name repeats in the table); its row position is a property; the
  same indicator across years meets at ``{series}/indicator/{digest of the name}``;
- a target hangs off its indicator, a warning off its project (numbered);
- a legal document by its canonical number (``doc/`` + percent-encoded number), or, without
  a number, by a digest of its normalized title, so every project citing it meets one node;
- an organization by a digest of its normalized name (applicants and issuing bodies meet).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from rdflib import URIRef

from graph.vocab import DEFAULT_BASE


def _digest(*parts: object, n: int = 16) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


_TITLE_NOISE = re.compile(r"[\s《》<>〈〉「」『』“”\"'‘’.,，。、:：;；!！?？()（）\[\]【】〔〕-]+")


@lru_cache(maxsize=65536)  # titles, names and indicator names repeat across tables and files
def normalize_title(title: str) -> str:
    """Title key: NFKC, lower case, without whitespace, quotes, brackets or punctuation."""
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title)).lower()


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Organization key: NFKC without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


@lru_cache(maxsize=65536)
def _indicator_key(name: str) -> str:
    return _digest(normalize_title(name or ""), n=12)


def source_key(path: str | Path) -> str:
    """A file's resolved POSIX path: where it was read from (recorded as ``jx:path``), not its identity."""
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

    # The search layer's graphs and nodes (rebuilt with the index).
    def similarity_graph(self) -> URIRef:
        return self._iri("graph/similarity")

    # The audit report (graph/audit.py): one named graph, replaced by every stored audit.
    def audit_graph(self) -> URIRef:
        return self._iri("graph/audit")

    def audit_report(self) -> URIRef:
        return self._iri("audit/report")

    def source_audit_report(self, sha256: str) -> URIRef:
        """The findings of one source's tables, stored in the source's graph at ingest."""
        return self._iri(f"audit/source/{self.source_id(sha256)}")

    def reuse_graph(self) -> URIRef:
        return self._iri("graph/reuse")

    def similarity_iri(self, source: str, other: str) -> str:
        """The node carrying the score of one similarity link."""
        return f"{self.base}similarity/{hashlib.sha1(f'{source} {other}'.encode()).hexdigest()[:20]}"

    def reuse_cluster_iri(self, key: str) -> str:
        """A cluster of equivalent indicators (its key comes from ``search.clusters``)."""
        return f"{self.base}reuse/{key}"

    @staticmethod
    def source_id(sha256: str) -> str:
        """A source's key: the SHA-256 of its bytes (64 hex digits, what ``sha256sum`` prints)."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
            raise ValueError(f"a source is keyed by the SHA-256 of its content, not {sha256!r}")
        return sha256

    def source_graph(self, sha256: str) -> URIRef:
        return self._iri(f"graph/{self.source_id(sha256)}")

    def source(self, sha256: str) -> URIRef:
        return self._iri(f"source/{self.source_id(sha256)}")

    def project(self, year: int | None, unit: str | None, title: str | None, occurrence: int = 1,
                kind: str = "goal") -> URIRef:
        return URIRef(self.project_iri(year, unit, title, occurrence, kind))

    def project_iri(self, year: int | None, unit: str | None, title: str | None, occurrence: int = 1,
                    kind: str = "goal") -> str:
        """A project of one year: its applicant unit, title and fiscal year, wherever its table
        is; ``occurrence`` numbers a repeated header within one file. Tables of another kind
        than the goal table (a self-evaluation of the same project) are nodes of their own."""
        parts: tuple = (year, normalize_name(unit or ""), normalize_title(title or ""))
        key = _digest(*parts) if kind == "goal" else _digest(*parts, kind)
        return self.base + f"project/{key}" + (f"-{occurrence}" if occurrence > 1 else "")

    def series_iri(self, unit: str | None, title: str | None) -> str:
        """The same project (unit and title) across fiscal years."""
        return self.base + "series/" + _digest(normalize_name(unit or ""), normalize_title(title or ""))

    def indicator(self, project: URIRef, name: str, occurrence: int = 1) -> URIRef:
        return URIRef(self.indicator_iri(project, name, occurrence))

    def target(self, indicator: URIRef) -> URIRef:
        return URIRef(self.target_iri(indicator))

    def warning(self, owner: URIRef, n: int) -> URIRef:
        return URIRef(self.warning_iri(owner, n))

    # Plain-string forms (the mapper builds pyoxigraph terms from these).
    @staticmethod
    def indicator_key(name: str) -> str:
        return _indicator_key(name or "")

    @classmethod
    def indicator_iri(cls, project: str, name: str, occurrence: int = 1) -> str:
        """An indicator by its project and name; ``-2``… only when the name repeats in the table."""
        return f"{project}/indicator/{cls.indicator_key(name)}" + (f"-{occurrence}" if occurrence > 1 else "")

    @classmethod
    def indicator_series_iri(cls, series: str, name: str) -> str:
        """The same indicator of a project series across years."""
        return f"{series}/indicator/{cls.indicator_key(name)}"

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

    def local_scheme(self, sha256: str) -> URIRef:
        """A source's own indicator categories (those no framework knows)."""
        return self._iri(f"scheme/{self.source_id(sha256)}")

    def local_concept(self, sha256: str, *labels: str) -> URIRef:
        return URIRef(f"{self.local_scheme(sha256)}/{_digest(*labels, n=12)}")

    def unit(self, label: str) -> URIRef:
        return self._iri("unit/" + quote(unicodedata.normalize("NFKC", label.strip()), safe=""))
