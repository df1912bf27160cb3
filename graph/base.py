"""What both backends share: per-source atomic replace, stats, export, ontology loading.

A backend supplies four primitives — ``_run_query`` (returns pyoxigraph results),
``_run_update`` (one SPARQL Update request, applied atomically), ``_quads`` and
``_load_ontology`` — and inherits everything else, so the embedded Oxigraph store and a
remote SPARQL server behave the same.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

import ontology
from graph.iris import Minter, source_key
from graph.mapping import MAPPING_VERSION, MappedSource, map_source
from graph.results import GRAPH_FORMATS, QueryResult
from graph.vocab import JX_IRI, PREFIXES
from ingest.records import SourceRecord

ONTOLOGY_FILES = ("jixiao.ttl", "frameworks.ttl")
VERSION_PREDICATE = "http://purl.org/dc/terms/hasVersion"


@dataclass
class ReplaceResult:
    """What :meth:`GraphStore.replace_source` did for one file."""

    graph: str  # the source's named graph IRI
    changed: bool  # False: same sha256 and mapping version, nothing written
    triples: int  # triples in the source's named graph afterwards
    sha256: str
    tables: int = 0
    indicators: int = 0
    documents: int = 0
    parse_warnings: int = 0
    warnings: list[dict] = field(default_factory=list)  # the mapper's own (unknown categories…)


@dataclass
class PreparedSource:
    """One source mapped and serialized, ready to write; picklable (what a parse worker
    hands to the writer process). ``nquads``: the file graph's triples, then its shared
    descriptions, as N-Quads written by Oxigraph's serializer."""

    path: str
    graph: str
    sha256: str
    nquads: bytes
    quads: int  # lines in nquads
    triples: int  # distinct triples in the file graph
    tables: int = 0
    indicators: int = 0
    documents: int = 0
    parse_warnings: int = 0
    warnings: list[dict] = field(default_factory=list)
    version: str = MAPPING_VERSION
    replaces: list[str] = field(default_factory=list)  # graphs of earlier versions this one replaces
    findings: list | None = None  # its tables' audit findings, once audited (graph.audit.attach_findings)
    # what the search index needs of this source, made beside it by the caller (graph.ingest_workers,
    # search.graph_rows.source_rows), so the index is not read back from the store; None: not made
    index_rows: dict | None = None

    def result(self, changed: bool, triples: int | None = None) -> ReplaceResult:
        return ReplaceResult(graph=self.graph, changed=changed, triples=self.triples if triples is None else triples,
                             sha256=self.sha256, tables=self.tables, indicators=self.indicators,
                             documents=self.documents, parse_warnings=self.parse_warnings, warnings=self.warnings)

    def indicator_iris(self) -> set[str]:
        """The indicators this source's graph will hold (objects of ``jx:hasIndicator``)."""
        has = ox.NamedNode(f"{JX_IRI}hasIndicator")
        return {q.object.value for q in ox.parse(self.nquads, ox.RdfFormat.N_QUADS)
                if q.predicate == has and q.graph_name.value == self.graph}

    def graph_triples(self) -> tuple[list[ox.Triple], list[ox.Triple]]:
        """(file graph triples, shared triples), parsed back from ``nquads``."""
        own: list[ox.Triple] = []
        shared: list[ox.Triple] = []
        for q in ox.parse(self.nquads, ox.RdfFormat.N_QUADS):
            (own if q.graph_name.value == self.graph else shared).append(ox.Triple(q.subject, q.predicate, q.object))
        return own, shared


def prepare(mapped: MappedSource, shared_graph: str) -> PreparedSource:
    """A mapped source as a :class:`PreparedSource` (N-Quads for its graph and the shared one)."""
    own = mapped.ox_triples()
    shared = mapped.ox_shared()
    # str() of a pyoxigraph term is its N-Triples form, escaped by Oxigraph: the same bytes
    # as ox.serialize(..., N_QUADS) without building a Quad per triple (a test checks).
    # Subjects, predicates and IRI objects repeat (~5 triples a subject, in a row; types and
    # categories): their text is made once. A literal's text is made where it is written.
    known: dict[Any, str] = {}
    get = known.get
    lines: list[str] = []
    line = lines.append
    named = ox.NamedNode
    for part, graph in ((own, mapped.graph), (shared, shared_graph)):
        tail = f" <{graph}> .\n"
        last = st = None
        for s, p, o in part:
            if s is not last:
                st = get(s)
                if st is None:
                    st = known[s] = str(s)
                last = s
            pt = get(p)
            if pt is None:
                pt = known[p] = str(p)
            if type(o) is named:
                ot = get(o)
                if ot is None:
                    ot = known[o] = str(o)
                line(f"{st} {pt} {ot}{tail}")
            else:
                line(f"{st} {pt} {o}{tail}")
    text = "".join(lines)
    return PreparedSource(
        path=str(mapped.path), graph=str(mapped.graph), sha256=mapped.sha256, nquads=text.encode("utf-8"),
        quads=len(own) + len(shared), triples=len(set(own)), tables=mapped.tables, indicators=mapped.indicators,
        documents=len(mapped.documents), parse_warnings=mapped.parse_warnings, warnings=mapped.warnings)


def prepare_source(record: SourceRecord, minter: Minter | None = None) -> PreparedSource:
    """Map one parsed file and serialize it for :meth:`GraphStore.write_sources`."""
    minter = minter or Minter()
    return prepare(map_source(record, minter), str(minter.shared_graph()))


def to_ox(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term (pyoxigraph terms pass through)."""
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def ntriples(triples: Iterable[tuple]) -> str:
    """N-Triples text (valid inside SPARQL ``INSERT DATA``) written by Oxigraph's serializer."""
    data = ox.serialize((t if isinstance(t, ox.Triple) else ox.Triple(to_ox(t[0]), to_ox(t[1]), to_ox(t[2]))
                         for t in triples),
                        format=ox.RdfFormat.N_TRIPLES)
    return (data or b"").decode("utf-8")


def gc_shared_update(shared: str, candidates: Iterable[str] | None = None) -> str:
    """Delete descriptions in the shared graph that no source cites any more.

    A node survives if a triple outside the shared graph points at it, or if a shared node
    that survives this way points at it (a document's issuing body). ``candidates`` limits
    the check to the nodes a replaced source used to cite (index lookups instead of a scan).
    """
    values = ""
    if candidates is not None:
        values = "VALUES ?x { " + " ".join(f"<{c}>" for c in sorted(set(candidates))) + " }\n  "
    return f"""DELETE {{ GRAPH <{shared}> {{ ?x ?p ?o }} }} WHERE {{
  {values}GRAPH <{shared}> {{ ?x ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?a ?l ?x }} FILTER(?g != <{shared}>) }}
  FILTER NOT EXISTS {{ GRAPH <{shared}> {{ ?y ?l2 ?x }} GRAPH ?g3 {{ ?b ?l3 ?y }} FILTER(?g3 != <{shared}>) }}
}}"""


class GraphStore(ABC):
    """The store interface (docs/architecture.md); see :func:`graph.store.open_store`."""

    read_only: bool = False
    # New sources written together in one atomic request, up to about this many quads.
    batch_quads: int = 50_000
    # Sources whose state (sha256, mapping version) is read with one query.
    state_chunk: int = 64

    def __init__(self, base_iri: str | None = None) -> None:
        self.minter = Minter(base_iri)

    # ------------------------------------------------------------------ backend primitives
    @abstractmethod
    def _run_query(self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                   base_iri: str | None = None) -> ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]:
        """Both lists None: the union default graph (or the query's FROM); else that dataset.
        ``base_iri`` resolves relative IRIs."""

    @abstractmethod
    def _run_update(self, sparql: str, base_iri: str | None = None) -> None: ...

    @abstractmethod
    def _quads(self) -> Iterator[ox.Quad]: ...

    @abstractmethod
    def _load_ontology(self, graph: str, turtle: str) -> None:
        """Replace ``graph`` with the given Turtle."""

    @abstractmethod
    def triple_count(self) -> int: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ queries
    def query(self, sparql: str, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, base_iri: str | None = None) -> QueryResult:
        """Run a SPARQL query; raw results for an endpoint (``.serialize("json")`` …).

        The default graph is the union of all named graphs, unless the query names its
        dataset (``FROM`` / ``FROM NAMED``) or the caller does (``default_graphs`` /
        ``named_graphs``, the protocol's ``default-graph-uri`` / ``named-graph-uri``, which
        replace the query's). The prefixes of the vocabulary (jx, eli, dcterms, skos, org,
        prov, unit, rdf, rdfs, owl, xsd) need no declaration; ``base_iri`` resolves relative IRIs.
        """
        options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        if default_graphs is not None or named_graphs is not None:
            options.update(default_graphs=default_graphs or [], named_graphs=named_graphs or [])
        return QueryResult(self._run_query(sparql, **options))

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Run a SELECT query; one dict of Python values per solution (see ``results.to_python``)."""
        return self.query(sparql).rows()

    def ask(self, sparql: str) -> bool:
        return bool(self.query(sparql))

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (one atomic request); ``base_iri`` resolves relative IRIs."""
        self._check_writable()
        if base_iri:
            self._run_update(sparql, base_iri=base_iri)
        else:
            self._run_update(sparql)
        self._changed()

    def _changed(self) -> None:  # noqa: B027 - hook for the embedded store's snapshots
        pass

    def _check_writable(self) -> None:
        if self.read_only:
            raise PermissionError("this store was opened read-only")

    # ------------------------------------------------------------------ sources
    def source_state(self, graph: str) -> dict[str, Any] | None:
        rows = self.select(f"""SELECT ?sha ?version WHERE {{ GRAPH <{graph}> {{
            ?s a <{JX_IRI}Source> ; <{JX_IRI}sha256> ?sha .
            OPTIONAL {{ ?s <{JX_IRI}mappingVersion> ?version }} }} }} LIMIT 1""")
        return rows[0] if rows else None

    def graph_triple_count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    def replace_source(self, record: SourceRecord) -> ReplaceResult:
        """Write one parsed file into its named graph, atomically.

        Unchanged (same sha256 and mapping version) → nothing is written. Otherwise the old
        graph is dropped, the new triples inserted and shared descriptions no longer cited
        are collected, all in ONE SPARQL Update request: it succeeds whole or not at all.
        """
        self._check_writable()
        prepared = prepare_source(record, self.minter)
        for _item, outcome in self.write_sources([prepared]):
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
        raise AssertionError("write_sources gave no outcome")  # pragma: no cover

    def source_states(self, graphs: Iterable[str]) -> dict[str, dict[str, Any]]:
        """``{graph: {"sha", "version"}}`` for those of ``graphs`` that hold a source (one query)."""
        graphs = sorted(set(graphs))
        if not graphs:
            return {}
        rows = self.select(f"""SELECT ?g ?sha ?version WHERE {{
            VALUES ?g {{ {" ".join(f"<{g}>" for g in graphs)} }}
            GRAPH ?g {{ ?s a <{JX_IRI}Source> ; <{JX_IRI}sha256> ?sha .
                        OPTIONAL {{ ?s <{JX_IRI}mappingVersion> ?version }} }} }}""")
        return {r["g"]: {"sha": r["sha"], "version": r["version"]} for r in rows}

    def source_indicators(self, graph: str) -> set[str]:
        """The indicators a stored source's graph holds now."""
        rows = self.select(f"SELECT ?i WHERE {{ GRAPH <{graph}> {{ ?p <{JX_IRI}hasIndicator> ?i }} }}")
        return {r["i"] for r in rows}

    def graph_triple_counts(self, graphs: Iterable[str]) -> dict[str, int]:
        graphs = sorted(set(graphs))
        if not graphs:
            return {}
        rows = self.select(f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{
            VALUES ?g {{ {" ".join(f"<{g}>" for g in graphs)} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g""")
        return {r["g"]: int(r["n"]) for r in rows}

    def write_sources(self, items: Iterable[PreparedSource], batch_quads: int | None = None,
                      before_replace: Callable[[PreparedSource], None] | None = None,
                      ) -> Iterator[tuple[PreparedSource, ReplaceResult | Exception]]:
        """Write many prepared sources; yields ``(item, ReplaceResult or the exception)`` per item.

        Each source is atomic: wholly written or not at all. Unchanged sources (same sha256
        and mapping version) are not written. Sources seen for the first time are written
        together, up to ``batch_quads`` quads per atomic request; when such a request fails,
        its sources are written one by one, so one bad source loses only itself. A changed
        source is replaced on its own (one SPARQL Update: drop, insert, collect shared
        descriptions nobody cites), after the pending new ones, so order is kept.
        Outcomes come in the order requests complete, not necessarily the input order.

        ``before_replace(item)`` runs just before a stored source is replaced (the search
        index withdraws the indicators the new version drops, so that it never holds what
        the graph does not, even if this process is killed right after the replace); if it
        raises, that source fails and is not written.
        """
        self._check_writable()
        limit = batch_quads or self.batch_quads
        pending: list[PreparedSource] = []
        size = 0
        written: set[str] = set()  # graphs written by this call (a path given twice)
        latest: dict[str, str] = {}  # path → the graph last written for it by this call
        dropped: set[str] = set()  # earlier versions this call replaced
        it = iter(items)
        while chunk := list(islice(it, self.state_chunk)):
            try:
                states = self.source_states(i.graph for i in chunk)
                # earlier versions of these files (other content, or an older mapping's IRIs)
                older = self.sources_at_paths(i.path for i in chunk if i.graph not in states)
            except Exception as exc:  # e.g. the server went away: these files fail, nothing written
                for item in chunk:
                    yield item, exc
                continue
            unchanged: list[PreparedSource] = []
            for item in chunk:
                if item.graph in written:  # the same source again: decide against what was written
                    yield from self._flush_new(pending)
                    pending, size = [], 0
                    try:
                        states.update(self.source_states([item.graph]))
                    except Exception as exc:
                        yield item, exc
                        continue
                state = states.get(item.graph)
                if state is not None and state["sha"] == item.sha256 and state["version"] == item.version:
                    unchanged.append(item)
                    continue
                written.add(item.graph)
                # the versions of this file that this one replaces: in the store, or given earlier in this call
                superseded = {g for g in older.get(item.path, ()) if g not in dropped}
                if latest.get(item.path, item.graph) != item.graph:
                    superseded.add(latest[item.path])
                superseded.discard(item.graph)
                latest[item.path] = item.graph
                dropped.update(superseded)
                if state is None and not superseded:
                    pending.append(item)
                    size += item.quads
                    if size >= limit:
                        yield from self._flush_new(pending)
                        pending, size = [], 0
                    continue
                yield from self._flush_new(pending)  # keep the order of writes
                pending, size = [], 0
                try:
                    item.replaces = sorted(superseded)
                    if before_replace is not None:
                        before_replace(item)
                    self._replace_changed(item, sorted(superseded))
                except Exception as exc:  # one request: the store is as it was
                    yield item, exc
                else:
                    self._changed()
                    yield item, item.result(changed=True)
            if unchanged:
                try:
                    counts = self.graph_triple_counts(i.graph for i in unchanged)
                except Exception:  # same sha256 and mapping version: the same triples
                    counts = {i.graph: i.triples for i in unchanged}
                for item in unchanged:
                    yield item, item.result(changed=False, triples=counts.get(item.graph, 0))
        yield from self._flush_new(pending)

    def _flush_new(self, items: list[PreparedSource]) -> Iterator[tuple[PreparedSource, ReplaceResult | Exception]]:
        """Write new sources in one atomic request; on failure, each one on its own."""
        if not items:
            return
        try:
            self._write_new(items)
        except Exception as exc:
            if len(items) == 1:
                yield items[0], exc
                return
            for item in items:  # the batch left nothing behind: retry source by source
                yield from self._flush_new([item])
            return
        self._changed()
        for item in items:
            yield item, item.result(changed=True)

    def _write_new(self, items: list[PreparedSource]) -> None:
        """Write sources seen for the first time, all or nothing (one SPARQL Update here)."""
        shared = str(self.minter.shared_graph())
        body = []
        for item in items:
            own, sh = item.graph_triples()
            body.append(f"GRAPH <{item.graph}> {{\n{ntriples(own)}}}\nGRAPH <{shared}> {{\n{ntriples(sh)}}}")
        self._run_update("INSERT DATA {\n" + "\n".join(body) + "\n}")

    def _replace_changed(self, item: PreparedSource, superseded: list[str] | None = None) -> None:
        """Replace a source already in the store (and ``superseded``, the graphs of earlier
        versions of its file), all or nothing: one SPARQL Update here."""
        superseded = superseded or []
        cited = [x for g in [item.graph, *superseded] for x in self._shared_cited_by(g)]
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in superseded)
        self._run_update(drops + self.replace_update(item, sorted(set(cited))))

    def _shared_cited_by(self, graph: str) -> list[str]:
        """Shared nodes (documents, organizations, issuing bodies) a source graph points at."""
        shared = str(self.minter.shared_graph())
        rows = self.select(f"""SELECT DISTINCT ?x WHERE {{
            {{ GRAPH <{graph}> {{ ?a ?l ?x }} GRAPH <{shared}> {{ ?x ?p ?o }} }}
            UNION {{ GRAPH <{graph}> {{ ?a ?l ?y }} GRAPH <{shared}> {{ ?y ?l2 ?x . ?x ?p ?o }} }} }}""")
        return [r["x"] for r in rows if not r["x"].startswith("_:")]

    def replace_update(self, mapped: MappedSource | PreparedSource, previously_cited: Iterable[str] = ()) -> str:
        """The single SPARQL Update that replaces one source's graph.

        ``previously_cited``: shared nodes the old version of the graph pointed at; those no
        source cites any more are deleted in the same request.
        """
        g, shared = str(mapped.graph), str(self.minter.shared_graph())
        if isinstance(mapped, PreparedSource):
            own, sh = mapped.graph_triples()
        else:
            own, sh = mapped.triples, mapped.shared
        update = (f"DROP SILENT GRAPH <{g}> ;\n"
                  f"INSERT DATA {{ GRAPH <{g}> {{\n{ntriples(own)}}}\n"
                  f"GRAPH <{shared}> {{\n{ntriples(sh)}}} }}")
        previously_cited = list(previously_cited)
        if previously_cited:
            update += " ;\n" + gc_shared_update(shared, previously_cited)
        return update

    def replace_graph(self, graph: str, data: str | bytes, format: str = "nt") -> None:
        """Replace one named graph with RDF text (nt, ttl, …) in one atomic update.

        For graphs other packages own (search writes its similarity graph this way).
        """
        self._check_writable()
        rdf = GRAPH_FORMATS.get(format) or ox.RdfFormat.from_extension(format)
        if rdf is None:
            raise ValueError(f"unknown RDF format {format!r}")
        # Re-serialized by Oxigraph: validates the input and makes it safe inside INSERT DATA.
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, rdf, without_named_graphs=True))
        body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        self._run_update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}")
        self._changed()

    def drop_graph(self, graph: str) -> None:
        """Remove one named graph (no error if it does not exist)."""
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def remove_source(self, path: str | Path) -> bool:
        """Drop the source ingested from ``path`` (as given then, or resolved) with its graph,
        and shared descriptions only it cited. True if there was one."""
        self._check_writable()
        found = self.sources_at_paths([str(path), source_key(path)])
        graphs = sorted({g for gs in found.values() for g in gs})
        if not graphs:
            return False
        cited = sorted({x for g in graphs for x in self._shared_cited_by(g)})
        update = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)
        if cited:
            update += " ;\n" + gc_shared_update(str(self.minter.shared_graph()), cited)
        self._run_update(update)
        self._changed()
        return True

    def sources_at_paths(self, paths: Iterable[str]) -> dict[str, list[str]]:
        """``{path: [graph, …]}``: the sources recorded as ingested from those paths (``jx:path``)."""
        paths = sorted(set(map(str, paths)))
        if not paths:
            return {}
        values = " ".join(str(ox.Literal(p)) for p in paths)
        rows = self.select(f"""SELECT ?path ?g WHERE {{ VALUES ?path {{ {values} }}
            GRAPH ?g {{ ?s a <{JX_IRI}Source> ; <{JX_IRI}path> ?path }} }}""")
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r["path"], []).append(r["g"])
        return out

    def outdated_sources(self) -> int:
        """Sources written by an earlier mapping (their IRIs may differ: re-ingest them)."""
        rows = self.select(f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{JX_IRI}Source> .
            OPTIONAL {{ ?s <{JX_IRI}mappingVersion> ?v }} FILTER(!BOUND(?v) || ?v != "{MAPPING_VERSION}") }} }}""")
        return int(rows[0]["n"]) if rows else 0

    def sources(self) -> list[dict[str, Any]]:
        """Every ingested source: graph, path, sha256."""
        return self.select(f"""SELECT ?graph ?path ?sha256 WHERE {{ GRAPH ?graph {{
            ?s a <{JX_IRI}Source> ; <{JX_IRI}path> ?path ; <{JX_IRI}sha256> ?sha256 }} }} ORDER BY ?path""")

    # ------------------------------------------------------------------ ontology
    def ensure_ontology(self) -> bool:
        """Load ontology/jixiao.ttl + frameworks.ttl into their graph when missing or changed."""
        g = str(self.minter.ontology_graph())
        digest = ontology.digest(*ONTOLOGY_FILES)
        if self.ask(f'ASK {{ GRAPH <{g}> {{ <{g}> <{VERSION_PREDICATE}> "{digest}" }} }}'):
            return False
        self._check_writable()
        turtle = "\n".join(ontology.read_text(n) for n in ONTOLOGY_FILES)
        # The version marker is part of the same load: a half-done load is reloaded next time.
        turtle += f'\n<{g}> <{VERSION_PREDICATE}> "{digest}" .\n'
        self._load_ontology(g, turtle)
        self._changed()
        return True

    # ------------------------------------------------------------------ export, stats
    def export(self, fmt: str = "trig", out: IO[bytes] | str | Path | None = None) -> bytes | None:
        """Serialize the store: trig/nq/jsonld keep the named graphs; ttl/nt/xml write the
        union of all graphs. ``out`` is a path or binary file; None returns the bytes."""
        rdf = GRAPH_FORMATS.get(fmt)
        if rdf is None:
            raise ValueError(f"unknown export format {fmt!r}; use one of ttl, nt, nq, trig, jsonld, xml")
        if rdf.supports_datasets:
            items: Iterable = self._quads()
        else:
            items = (ox.Triple(q.subject, q.predicate, q.object) for q in self._quads())
        prefixes = PREFIXES if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        if isinstance(out, Path):
            out = str(out)
        return ox.serialize(items, out, rdf, prefixes=prefixes)

    def stats(self) -> dict[str, int]:
        """Counts: projects, indicators, documents, organizations, sources, triples."""
        q = f"""SELECT
          (SUM(IF(?t = <{JX_IRI}Project>, 1, 0)) AS ?projects)
          (SUM(IF(?t = <{JX_IRI}Indicator>, 1, 0)) AS ?indicators)
          (SUM(IF(?t = <{JX_IRI}LegalDocument>, 1, 0)) AS ?documents)
          (SUM(IF(?t = <http://www.w3.org/ns/org#Organization>, 1, 0)) AS ?organizations)
          (SUM(IF(?t = <{JX_IRI}Source>, 1, 0)) AS ?sources)
        WHERE {{ SELECT DISTINCT ?x ?t WHERE {{
          VALUES ?t {{ <{JX_IRI}Project> <{JX_IRI}Indicator> <{JX_IRI}LegalDocument>
                      <http://www.w3.org/ns/org#Organization> <{JX_IRI}Source> }}
          ?x a ?t }} }}"""
        row = self.select(q)[0]
        out = {k: int(row.get(k) or 0) for k in ("projects", "indicators", "documents", "organizations", "sources")}
        out["triples"] = self.triple_count()
        return out

