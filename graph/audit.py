"""The audit: performance-goal tables checked against the setting rules in ``ontology/audit.ttl``.

The rules are SHACL-SPARQL shapes (one ``sh:NodeShape`` per rule, targeting ``jx:Project``),
so any SHACL-SPARQL engine can run them on any jixiao graph. Two engines run them here and
give the same findings (``tests/test_audit.py`` checks it on every fixture):

- ``pyshacl``: the reference. The graph is copied into rdflib and validated by pyshacl.
  Right for a few hundred tables; rdflib is too slow beyond that.
- ``sparql`` (default): each constraint's ``SELECT`` is run once over all tables by the
  store's own SPARQL engine (Oxigraph), with ``$this`` joined to the shape's target class
  instead of pre-bound table by table — the standard way to run SHACL-SPARQL at scale.
  Only ``sh:SPARQLConstraint`` on ``sh:targetClass`` shapes is supported (all rules are).
  It runs file by file (:func:`audit_source`: one file's triples and the frameworks in a
  small in-memory store), or for a batch of files in one store with the same findings
  (:func:`audit_sources`), in the ingest's parse workers, which store the findings with the
  source (:func:`attach_findings`), and for ``jixiao audit PATH…``. In the workers the same
  rules are first evaluated straight over each file's mapped triples
  (:mod:`graph.audit_direct`: the same findings, a third to a fifth of the CPU), the store
  used only for a file that engine leaves to it; a store audit gathers
  the stored findings (:func:`gather_stored`) and runs the rules over the store only for
  tables without current ones (:func:`audit_query`).

Settings (``jxa:settings``) are triples for pyshacl and are substituted into the queries
for the ``sparql`` engine. A finding's line is the line of its row (``?value`` is an
indicator) or else the line of the table's heading. :func:`report_triples` writes the
findings as an ``sh:ValidationReport`` for the store's audit graph.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from graph.vocab import JX, JX_IRI, JXA, PREFIXES, SH

SEVERITIES: dict[str, str] = {"violation": str(SH.Violation), "warning": str(SH.Warning), "info": str(SH.Info)}
SEVERITY_RANK = {"violation": 0, "warning": 1, "info": 2}
GROUPS = ("completeness", "quantification", "consistency", "legal-basis", "self-evaluation")
# Settings a rule may read from jxa:settings, with their datatypes.
SETTINGS: dict[str, URIRef] = {"costRequiredFrom": XSD.gYear}
ENGINES = ("sparql", "pyshacl")

_SETTING_PATTERN = re.compile(r"jxa:settings\s+jxa:(\w+)\s+\?(\w+)\s*\.")
_MESSAGE_VAR = re.compile(r"\{[?$](\w+)\}")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


class AuditError(ValueError):
    """A bad setting, rule id or engine name (a clear message for the CLI and the API)."""


# ------------------------------------------------------------------------------ rules

@dataclass(frozen=True)
class Rule:
    id: str
    iri: str
    severity: str  # violation | warning | info
    group: str
    label_zh: str
    label_en: str
    rationale: str
    source: str
    target_class: str
    select: str  # the constraint's SELECT, as written in the shapes file
    message: str  # the sh:message template ({?var} placeholders)
    prefixes: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "severity": self.severity, "group": self.group, "label": self.label_zh,
                "label_en": self.label_en, "rationale": self.rationale, "source": self.source}


def _text(g: Graph, s, p, lang: str | None = None) -> str:
    for o in g.objects(s, p):
        if lang is None or getattr(o, "language", None) == lang:
            return str(o)
    return ""


@cache
def rules() -> tuple[Rule, ...]:
    """Every rule of ``ontology/audit.ttl``, in file order of their ids (sorted)."""
    from ontology import load

    g = load("audit.ttl")
    out = []
    for shape in set(g.subjects(RDF.type, SH.NodeShape)):
        rid = _text(g, shape, DCTERMS.identifier)
        constraint = g.value(shape, SH.sparql)
        if not rid or constraint is None:
            raise AuditError(f"audit shape {shape} needs dcterms:identifier and sh:sparql")
        prefixes = []
        for decl in g.objects(g.value(constraint, SH.prefixes), SH.declare):
            prefixes.append((str(g.value(decl, SH.prefix)), str(g.value(decl, SH.namespace))))
        severity = g.value(shape, SH.severity, default=SH.Violation)
        out.append(Rule(
            id=rid, iri=str(shape),
            severity=next(k for k, v in SEVERITIES.items() if v == str(severity)),
            group=_text(g, shape, JXA.group), label_zh=_text(g, shape, RDFS.label, "zh"),
            label_en=_text(g, shape, RDFS.label, "en"), rationale=_text(g, shape, RDFS.comment),
            source=_text(g, shape, DCTERMS.source), target_class=str(g.value(shape, SH.targetClass)),
            select=str(g.value(constraint, SH.select)), message=_text(g, constraint, SH.message),
            prefixes=tuple(sorted(prefixes)),
        ))
    return tuple(sorted(out, key=lambda r: (GROUPS.index(r.group) if r.group in GROUPS else 99, r.id)))


def rule_ids() -> list[str]:
    return [r.id for r in rules()]


def default_settings() -> dict[str, Literal]:
    """The settings written in ``ontology/audit.ttl`` (``jxa:settings``)."""
    return dict(_default_settings())


@cache
def _default_settings() -> dict[str, Literal]:
    from ontology import load

    g = load("audit.ttl")
    return {str(p)[len(str(JXA)):]: o for p, o in g.predicate_objects(JXA.settings)
            if str(p).startswith(str(JXA)) and isinstance(o, Literal)}


def parse_settings(pairs: Iterable[str] = ()) -> dict[str, Literal]:
    """Default settings overridden by ``NAME=VALUE`` pairs (``costRequiredFrom=2025``)."""
    out = default_settings()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or name not in SETTINGS:
            raise AuditError(f"unknown setting {pair!r}; known settings: {', '.join(f'{k}=VALUE' for k in SETTINGS)}")
        if not value:
            out.pop(name, None)
            continue
        lit = Literal(value, datatype=SETTINGS[name])
        if SETTINGS[name] == XSD.gYear and not re.fullmatch(r"\d{4}", value):
            raise AuditError(f"setting {name} needs a year (YYYY), got {value!r}")
        out[name] = lit
    return out


# ------------------------------------------------------------------------------ findings

@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    file: str | None
    line: int | None
    project: str | None  # the table's title (项目名称)
    project_iri: str
    value: str | None = None  # the offending node (an indicator or a document) or value
    applicant: str | None = None  # the table's 申报单位 (the issuer of the table)
    result: str | None = None  # its sh:ValidationResult stored with the source, when gathered from there

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "file": self.file,
                "line": self.line, "project": self.project, "project_iri": self.project_iri,
                "applicant": self.applicant}

    def key(self) -> tuple:
        return (self.rule, self.project_iri, self.file, self.line,
                self.value if self.value and "://" in self.value else None)


CSV_FIELDS = ("rule", "severity", "message", "file", "line", "project", "project_iri", "applicant")


@dataclass
class AuditReport:
    findings: list[Finding]
    engine: str
    seconds: float
    projects: int
    settings: dict[str, Literal] = field(default_factory=dict)
    rules: tuple[Rule, ...] = field(default_factory=rules)
    errors: list[dict] = field(default_factory=list)  # files that could not be read (file mode)

    def filtered(self, severities: Sequence[str] = (), rule_ids: Sequence[str] = (),
                 project: str | None = None) -> AuditReport:
        """The findings of some severities / rules / one project (IRI); same metadata."""
        for r in rule_ids:
            if r not in {x.id for x in self.rules}:
                raise AuditError(f"unknown rule {r!r}; rules: {', '.join(x.id for x in self.rules)}")
        for s in severities:
            if s not in SEVERITIES:
                raise AuditError(f"unknown severity {s!r}; use {', '.join(SEVERITIES)}")
        keep = [f for f in self.findings
                if (not severities or f.severity in severities) and (not rule_ids or f.rule in rule_ids)
                and (project is None or f.project_iri == project)]
        return AuditReport(keep, self.engine, self.seconds, self.projects, self.settings, self.rules, self.errors)

    def by_issuer(self) -> list[dict[str, Any]]:
        """Findings per applicant (申报单位): ``{"applicant", "tables", "findings", <severity>…}``, most first."""
        rows: dict[str, dict[str, Any]] = {}
        for f in self.findings:
            row = rows.setdefault(f.applicant or "", {"applicant": f.applicant, "tables": set(), "findings": 0,
                                                      **{s: 0 for s in SEVERITIES}})
            row["tables"].add(f.project_iri)
            row["findings"] += 1
            row[f.severity] += 1
        out = [{**r, "tables": len(r["tables"])} for r in rows.values()]
        return sorted(out, key=lambda r: (-r["findings"], r["applicant"] or ""))

    def counts(self) -> dict[str, int]:
        """Findings per rule id (every rule listed, 0 included)."""
        c = Counter(f.rule for f in self.findings)
        return {r.id: c.get(r.id, 0) for r in self.rules}

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "counts": self.counts(),
                "by_issuer": self.by_issuer(),
                "projects": self.projects, "engine": self.engine, "seconds": round(self.seconds, 3),
                "settings": {k: str(v) for k, v in self.settings.items()}, "errors": self.errors}

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
        w.writeheader()
        for f in self.findings:
            w.writerow(f.to_dict())
        return buf.getvalue()


def _sort_key(f: Finding) -> tuple:
    return (f.file or "", f.line or 0, SEVERITY_RANK.get(f.severity, 9), f.rule, f.value or "")


# ------------------------------------------------------------------------------ the sparql engine

def _prologue(rule: Rule) -> str:
    prefixes = dict(PREFIXES)
    prefixes.update(rule.prefixes)
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(prefixes.items()))


def _literal_sparql(lit: Literal) -> str:
    return Literal(str(lit), datatype=lit.datatype, lang=lit.language).n3()


def set_based_query(rule: Rule, settings: dict[str, Literal], focus: Sequence[str] | None = None) -> str:
    """The rule's SELECT run over all tables at once: ``$this`` becomes ``?this`` bound by
    ``?this a <target class>`` (and by ``VALUES`` when ``focus`` limits the tables)."""

    def setting(m: re.Match) -> str:
        lit = settings.get(m.group(1))
        return f"VALUES ?{m.group(2)} {{ {_literal_sparql(lit)} }}" if lit is not None else "FILTER(false)"

    q = _SETTING_PATTERN.sub(setting, rule.select).replace("$this", "?this")
    m = _WHERE.search(q)
    if m is None:
        raise AuditError(f"rule {rule.id}: its SELECT has no WHERE clause")
    if focus is not None:  # every group that binds ?this (subqueries too) starts from the focus
        values = "\n  VALUES ?this { " + " ".join(f"<{p}>" for p in focus) + " }\n"
        q = _WHERE.sub(lambda w: w.group(0) + values, q)
        m = _WHERE.search(q)
        assert m is not None
    bind = f"\n  ?this a <{rule.target_class}> .\n"
    return _prologue(rule) + q[:m.end()] + bind + q[m.end():]


def _term_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | Literal):
        return str(term.value) if isinstance(term, ox.Literal) else str(term)
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _message(template: str, get: Callable[[str], Any]) -> str:
    return _MESSAGE_VAR.sub(lambda m: _term_text(get(m.group(1))), template)


Raw = tuple[str, str, str | None, str]  # (rule id, focus IRI, value (IRI or lexical form) or None, message)


@functools.lru_cache(maxsize=256)
def _cached_query(rule: Rule, settings: tuple[tuple[str, str], ...]) -> str:
    return set_based_query(rule, {k: _parse_literal(v) for k, v in settings})


def _parse_literal(n3: str) -> Literal:
    from rdflib.util import from_n3

    lit = from_n3(n3)
    assert isinstance(lit, Literal)
    return lit


def _run_sparql(query: Callable[[str], Any], selected: Sequence[Rule], settings: dict[str, Literal],
                focus: Sequence[str] | None) -> list[Raw]:
    out: list[Raw] = []
    frozen = tuple(sorted((k, _literal_sparql(v)) for k, v in settings.items()))
    for rule in selected:
        text = set_based_query(rule, settings, focus) if focus is not None else _cached_query(rule, frozen)
        solutions = query(text)
        names = {v.value for v in solutions.variables}
        for sol in solutions:
            row = {name: sol[name] for name in names}
            value = row.get("value")
            out.append((rule.id, row["this"].value, None if value is None else _term_text(value),
                        _message(rule.message, row.get)))
    return out


# ------------------------------------------------------------------------------ the pyshacl engine

def _run_pyshacl(data: Graph, selected: Sequence[Rule], settings: dict[str, Literal]) -> list[Raw]:
    import pyshacl

    from ontology import load

    # the settings are the ones asked for, not those of a report saved in the store earlier
    data.remove((JXA.settings, None, None))
    shapes = Graph()
    wanted = {r.iri for r in selected}
    full = load("audit.ttl")
    for t in full:
        shapes.add(t)
    for r in rules():  # deactivate the rules not asked for
        if r.iri not in wanted:
            shapes.add((URIRef(r.iri), SH.deactivated, Literal(True)))
    # into the data graph itself (a copy): pyshacl's ont_graph only brings class and property
    # definitions across ("inoculation"), not the settings' triples
    for name, lit in settings.items():
        data.add((JXA.settings, JXA[name], lit))
    _conforms, results, _text_report = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True)
    by_iri = {r.iri: r for r in rules()}
    out: list[Raw] = []
    for res in results.subjects(RDF.type, SH.ValidationResult):
        rule = by_iri.get(str(results.value(res, SH.sourceShape)))
        if rule is None:
            continue
        focus, value = results.value(res, SH.focusNode), results.value(res, SH.value)
        message = results.value(res, SH.resultMessage)
        # a node shape's result without ?value has the focus node as sh:value (SHACL §5.3.2)
        out.append((rule.id, str(focus), None if value is None or value == focus else str(value),
                    str(message) if message is not None else rule.message))
    return out


# ------------------------------------------------------------------------------ running

def _select_rules(rule_ids: Sequence[str] = ()) -> list[Rule]:
    known = {r.id: r for r in rules()}
    for r in rule_ids:
        if r not in known:
            raise AuditError(f"unknown rule {r!r}; rules: {', '.join(known)}")
    return [r for r in rules() if not rule_ids or r.id in rule_ids]


_CONTEXT = f"""SELECT ?p ?title ?line ?path ?applicant WHERE {{
  ?p a <{JX_IRI}Project> .
  OPTIONAL {{ ?p <{JX_IRI}applicant>/<http://www.w3.org/2004/02/skos/core#prefLabel> ?applicant }}
  OPTIONAL {{ ?p <{DCTERMS.title}> ?title }}
  OPTIONAL {{ ?p <{JX_IRI}sourceLine> ?line }}
  OPTIONAL {{ ?p <http://www.w3.org/ns/prov#wasDerivedFrom>/<{JX_IRI}path> ?path }}
}}"""


def _findings(raw: list[Raw], query: Callable[[str], Any]) -> tuple[list[Finding], int]:
    """Raw results with each table's file and title and each finding's line."""
    projects: dict[str, tuple[str | None, int | None, str | None, str | None]] = {}
    for sol in query(_CONTEXT):
        p = sol["p"].value
        if p not in projects or projects[p][0] is None:
            projects[p] = (_opt(sol, "title"), _opt_int(sol, "line"), _opt(sol, "path"), _opt(sol, "applicant"))
    nodes = sorted({v for _r, _p, v, _m in raw if v and v.startswith(("http://", "https://", "urn:"))})
    lines: dict[str, int] = {}
    for i in range(0, len(nodes), 2000):
        values = " ".join(f"<{n}>" for n in nodes[i:i + 2000])
        for sol in query(f"SELECT ?n ?line WHERE {{ VALUES ?n {{ {values} }} ?n <{JX_IRI}sourceLine> ?line }}"):
            lines[sol["n"].value] = int(sol["line"].value)
    by_id = {r.id: r for r in rules()}
    seen: set[tuple] = set()
    out: list[Finding] = []
    for rid, p, value, message in raw:
        title, head, path, applicant = projects.get(p, (None, None, None, None))
        f = Finding(rule=rid, severity=by_id[rid].severity, message=message, file=path,
                    line=lines.get(value or "", head), project=title, project_iri=p, value=value,
                    applicant=applicant)
        if f.key() not in seen:
            seen.add(f.key())
            out.append(f)
    out.sort(key=_sort_key)
    return out, len(projects)


def _opt(sol, name: str) -> str | None:
    term = sol[name]
    return None if term is None else term.value


def _opt_int(sol, name: str) -> int | None:
    v = _opt(sol, name)
    return int(v) if v is not None else None


def audit_query(query: Callable[[str], Any], data: Callable[[], Graph] | None = None, engine: str = "sparql",
                settings: dict[str, Literal] | None = None, rule_ids: Sequence[str] = (),
                focus: Sequence[str] | None = None) -> AuditReport:
    """Audit the graph behind ``query`` (a SPARQL SELECT → pyoxigraph solutions function).

    ``data`` gives the same graph as rdflib (for ``engine="pyshacl"``); ``focus`` limits the
    ``sparql`` engine to some tables (project IRIs).
    """
    if engine not in ENGINES:
        raise AuditError(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}")
    settings = default_settings() if settings is None else settings
    selected = _select_rules(rule_ids)
    t0 = time.perf_counter()
    if engine == "pyshacl":
        if data is None:
            raise AuditError("the pyshacl engine needs the graph as rdflib")
        raw = _run_pyshacl(data(), selected, settings)
        if focus is not None:
            keep = set(focus)
            raw = [r for r in raw if r[1] in keep]
    else:
        raw = _run_sparql(query, selected, settings, focus)
    findings, projects = _findings(raw, query)
    if focus is not None:
        projects = len(set(focus))
    return AuditReport(findings, engine, time.perf_counter() - t0, projects, dict(settings))


def audit_store(store, engine: str = "sparql", settings: dict[str, Literal] | None = None,
                rule_ids: Sequence[str] = (), focus: Sequence[str] | None = None) -> AuditReport:
    """Audit every table in a :class:`graph.base.GraphStore` (the union of its graphs)."""
    from graph.validate import union_graph

    if engine == "sparql":  # the findings stored at ingest, the rest audited now
        return gather_stored(lambda q: store.query(q).raw, settings, rule_ids, focus)
    return audit_query(lambda q: store.query(q).raw, lambda: union_graph(store), engine, settings, rule_ids, focus)


def memory_store(nquads: Iterable[bytes]) -> ox.Store:
    """An in-memory Oxigraph store holding mapped sources (N-Quads) and the frameworks."""
    import ontology

    s = ox.Store()
    s.bulk_load(ontology.read_text("frameworks.ttl").encode("utf-8"), ox.RdfFormat.TURTLE)
    for chunk in nquads:
        s.bulk_load(chunk, ox.RdfFormat.N_QUADS)
    return s


def audit_memory(store: ox.Store, engine: str = "sparql", settings: dict[str, Literal] | None = None,
                 rule_ids: Sequence[str] = ()) -> AuditReport:
    """Audit an in-memory store from :func:`memory_store` (files audited without a store)."""
    from graph.validate import _to_rdflib

    def query(q: str):
        return store.query(q, use_default_graph_as_union=True)

    def data() -> Graph:
        g = Graph()
        for q in store:
            g.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
        return g

    return audit_query(query, data, engine, settings, rule_ids)


# ------------------------------------------------------------------------------ one source at a time

@cache
def _framework_quads() -> tuple[ox.Quad, ...]:
    import ontology

    return tuple(ox.parse(ontology.read_text("frameworks.ttl").encode("utf-8"), ox.RdfFormat.TURTLE))


@cache
def _rules_text() -> bytes:
    import ontology

    return b"".join(ontology.read_text(name).encode("utf-8") + b"\x00" for name in ("audit.ttl", "frameworks.ttl"))


def audit_version(settings: dict[str, Literal] | None = None) -> str:
    """A digest of what findings depend on besides the tables: the rules, the frameworks and
    the settings. Findings stored with a source count only while it is the current one."""
    settings = default_settings() if settings is None else settings
    return _audit_version(tuple(sorted((name, _literal_sparql(value)) for name, value in settings.items())))


@cache
def _audit_version(settings: tuple[tuple[str, str], ...]) -> str:
    h = hashlib.sha256(_rules_text())
    for name, value in settings:
        h.update(f"{name}={value}\x00".encode())
    return h.hexdigest()[:16]


def audit_source(nquads: bytes, settings: dict[str, Literal] | None = None,
                 rule_ids: Sequence[str] = ()) -> list[Finding]:
    """The rules over one mapped source alone (its N-Quads, :class:`graph.base.PreparedSource`)
    with the frameworks, in a small in-memory store: each of its tables is audited against
    its own rows, even where a table of another file has the same project IRI. The same
    set-based queries as :func:`audit_query`, so the findings are the same as there."""
    store = ox.Store()
    store.extend(_framework_quads())
    # a plain load, and lenient: the text comes from Oxigraph's own serializer (graph.base.prepare),
    # and checking its IRIs again costs more than the rules (bulk_load's set-up is for big loads)
    store.load(nquads, ox.RdfFormat.N_QUADS, lenient=True)

    def query(q: str):
        return store.query(q, use_default_graph_as_union=True)

    settings = default_settings() if settings is None else settings
    raw = _run_sparql(query, _select_rules(rule_ids), settings, None)
    return _findings(raw, query)[0]


class Footprint:
    """What a mapped source says about which nodes, for auditing many sources in one store
    (:func:`audit_sources`): sources may share a store only where the union of their triples
    describes every node each of them mentions exactly as that source alone does. Made from
    the source's triples, which it keeps (:mod:`graph.audit_direct` audits from them); its
    ``desc``/``nodes`` are worked out only when a store is needed."""

    def __init__(self, own: Sequence[tuple], shared: Sequence[tuple]) -> None:
        self.own, self.shared = own, shared
        self._desc: dict | None = None
        self._nodes: set | None = None

    @classmethod
    def of(cls, own: Sequence[tuple], shared: Sequence[tuple]) -> Footprint:
        """From a mapped source's triples (``MappedSource.own`` and ``.shared_ox``)."""
        return cls(own, shared)

    @property
    def desc(self) -> dict:
        """subject → its (predicate, object) pairs, in the source's own and shared graphs"""
        if self._desc is None:
            self._work_out()
        assert self._desc is not None
        return self._desc

    @property
    def nodes(self) -> set:
        """every IRI it mentions, as subject or object"""
        if self._nodes is None:
            self._work_out()
        assert self._nodes is not None
        return self._nodes

    def _work_out(self) -> None:
        desc: dict[Any, list] = {}
        literal = ox.Literal
        nodes = set()
        for part in (self.own, self.shared):
            for s, p, o in part:
                d = desc.get(s)
                if d is None:
                    desc[s] = [(p, o)]
                else:
                    d.append((p, o))
                if type(o) is not literal:
                    nodes.add(o)
        nodes.update(desc)
        self._desc, self._nodes = desc, nodes


class _Group:
    """Sources audited together in one store: their footprints merged."""

    def __init__(self) -> None:
        self.members: list[int] = []
        self.nodes: set = set()
        self.desc: dict = {}  # subject → (a member's footprint, its description as a frozenset or None)

    def _described(self, x: Any) -> frozenset:
        entry = self.desc.get(x)
        if entry is None:
            return frozenset()
        fp, pairs = entry
        if pairs is None:
            pairs = frozenset(fp.desc[x])
            self.desc[x] = (fp, pairs)
        return pairs

    def fits(self, fp: Footprint) -> bool:
        """No node that either side mentions is described differently by the other: two
        files' tables of one project (their rows differ) never share a store, the same
        unit or document described alike by both may."""
        for x in (fp.nodes & self.desc.keys()) | (self.nodes & fp.desc.keys()):
            mine = fp.desc.get(x)
            if (frozenset(mine) if mine is not None else frozenset()) != self._described(x):
                return False
        return True

    def add(self, i: int, fp: Footprint) -> None:
        self.members.append(i)
        self.nodes |= fp.nodes
        for x in fp.desc:
            if x not in self.desc:
                self.desc[x] = (fp, None)


def audit_groups(footprints: Sequence[Footprint]) -> list[list[int]]:
    """The sources (indexes) put into as few stores as :meth:`_Group.fits` allows, first fit."""
    groups: list[_Group] = []
    for i, fp in enumerate(footprints):
        g = next((g for g in groups if g.fits(fp)), None)
        if g is None:
            g = _Group()
            groups.append(g)
        g.add(i, fp)
    return [g.members for g in groups]


def audit_sources(nquads: Sequence[bytes], footprints: Sequence[Footprint],
                  settings: dict[str, Literal] | None = None, rule_ids: Sequence[str] = (),
                  direct: bool = True) -> list[list[Finding]]:
    """The findings of :func:`audit_source` for each of many sources. Each source's own
    triples (kept by its :class:`Footprint`) are audited by :mod:`graph.audit_direct`, the
    same rules as joins over a dict, 3–5× less CPU than a store; a source that engine leaves to
    the store (``direct=False``: all of them) is audited with the rules run once per group of
    sources in one in-memory store (:func:`audit_groups`) instead of once per source: each
    finding goes back to the source whose graph describes its table. Sources whose tables
    share a project IRI, or that describe a shared node differently, are put in different
    stores, so every table is still audited against its own rows alone."""
    settings = default_settings() if settings is None else settings
    selected = _select_rules(rule_ids)
    out: list[list[Finding]] = [[] for _ in nquads]
    rest = list(range(len(nquads)))
    if direct:  # the rules evaluated over each source's triples: the same findings, 3-5x less CPU
        from graph import audit_direct

        if audit_direct.applies():
            rest = []
            for i, fp in enumerate(footprints):
                try:
                    out[i] = audit_direct.source_findings(fp.own, fp.shared, settings, selected)
                except audit_direct.Unsure:  # where only the store knows (its order): the store's way
                    rest.append(i)
    if not rest:
        return out
    for group in audit_groups([footprints[i] for i in rest]):
        members = [rest[j] for j in group]
        store = ox.Store()
        store.extend(_framework_quads())
        for i in members:
            store.load(nquads[i], ox.RdfFormat.N_QUADS, lenient=True)  # as in audit_source

        def query(q: str, store: ox.Store = store):
            return store.query(q, use_default_graph_as_union=True)

        found = _findings(_run_sparql(query, selected, settings, None), query)[0]
        for f in found:  # sorted already; a table is described by one member (or alike by several)
            project = ox.NamedNode(f.project_iri)
            for i in members:
                if project in footprints[i].desc:
                    out[i].append(f)
    return out


def attach_findings(prepared: Any, minter: Any = None, findings: list[Finding] | None = None) -> Any:
    """Audit a :class:`graph.base.PreparedSource` (default settings) and add its findings to
    its graph as an ``sh:ValidationReport`` (``Minter.source_audit_report``) carrying the
    :func:`audit_version`: what the ingest workers do, so that a store audit only gathers
    them (:func:`gather_stored`). The findings are also kept in ``prepared.findings``.
    ``findings``: found already (:func:`audit_sources`, default settings)."""
    from graph.iris import Minter

    minter = minter or Minter()
    if findings is None:
        findings = audit_source(prepared.nquads)
    report_iri = str(minter.source_audit_report(prepared.sha256))
    n, lit = ox.NamedNode, ox.Literal
    r = n(report_iri)
    triples = [ox.Triple(r, n(str(RDF.type)), n(str(SH.ValidationReport))),
               ox.Triple(r, n(str(SH.conforms)), lit("false" if findings else "true", datatype=n(str(XSD.boolean)))),
               ox.Triple(r, n(str(JXA.rulesVersion)), lit(audit_version()))]
    by_id = {x.id: x for x in rules()}
    for f in findings:
        triples += _result_triples(r, report_iri, f, by_id)
    g = f"<{prepared.graph}>"
    extra = "".join(f"{t.subject} {t.predicate} {t.object} {g} .\n" for t in triples)
    prepared.nquads += extra.encode("utf-8")
    prepared.quads += len(triples)
    prepared.triples += len(set(triples))
    prepared.findings = findings
    return prepared


def files_report(prepared: Sequence[Any], settings: dict[str, Literal] | None = None,
                 rule_ids: Sequence[str] = ()) -> AuditReport:
    """The audit of some mapped files (:class:`graph.base.PreparedSource`), each on its own:
    the findings the ingest workers found (:func:`attach_findings`, default settings), or
    found now for files audited with other settings or not at all."""
    settings = default_settings() if settings is None else settings
    selected = {r.id for r in _select_rules(rule_ids)}
    default = audit_version(settings) == audit_version()
    t0 = time.perf_counter()
    out: list[Finding] = []
    for p in prepared:
        found = p.findings if default and p.findings is not None else audit_source(p.nquads, settings, rule_ids)
        out += [f for f in found if f.rule in selected]
    out.sort(key=_sort_key)
    return AuditReport(out, "sparql", time.perf_counter() - t0, sum(p.tables for p in prepared), dict(settings))


_VERSIONS = f"""SELECT ?g ?version WHERE {{ GRAPH ?g {{
  ?report a <{SH}ValidationReport> ; <{JXA}rulesVersion> ?version }} }}"""
_STORED = f"""SELECT ?g ?r ?rule ?message ?project ?line ?value WHERE {{ GRAPH ?g {{ #FOCUS
  ?report <{JXA}rulesVersion> ?version ; <{SH}result> ?r .
  ?r <{SH}focusNode> ?project ; <{JX_IRI}rule> ?rule ; <{SH}resultMessage> ?message .
  OPTIONAL {{ ?r <{JX_IRI}sourceLine> ?line }} OPTIONAL {{ ?r <{SH}value> ?value }} }} }}"""
_TITLES = f"""SELECT ?p ?title ?applicant WHERE {{ ?p a <{JX_IRI}Project> .
  OPTIONAL {{ ?p <{JX_IRI}applicant>/<http://www.w3.org/2004/02/skos/core#prefLabel> ?applicant }}
  OPTIONAL {{ ?p <{DCTERMS.title}> ?title }} }}"""
_SOURCE_PROJECTS = f"""SELECT ?g ?p ?path WHERE {{ GRAPH ?g {{ #FOCUS
  ?p a <{JX_IRI}Project> .
  OPTIONAL {{ ?p <http://www.w3.org/ns/prov#wasDerivedFrom>/<{JX_IRI}path> ?path }} }} }}"""


def _focus_values(focus: Sequence[str] | None, var: str) -> str:
    return "" if focus is None else f"VALUES ?{var} {{ {' '.join(f'<{p}>' for p in focus)} }}"


def _with_focus(query: str, focus: Sequence[str] | None, var: str) -> str:
    """``VALUES ?var`` for the focus, where the query marks it (``#FOCUS``, inside a ``GRAPH``
    block, so that Oxigraph starts from it) or after its ``WHERE {``."""
    if "#FOCUS" in query:
        return query.replace("#FOCUS", _focus_values(focus, var))
    if focus is None:
        return query
    m = _WHERE.search(query)
    assert m is not None
    return query[:m.end()] + " " + _focus_values(focus, var) + query[m.end():]


def gather_stored(query: Callable[[str], Any], settings: dict[str, Literal] | None = None,
                  rule_ids: Sequence[str] = (), focus: Sequence[str] | None = None) -> AuditReport:
    """The findings stored with each source at ingest (:func:`attach_findings`), gathered
    (three queries: versions, findings, projects and titles); the tables of sources without
    current findings (stored by an older version, with other settings, or written without
    the ingest workers) are audited now by :func:`audit_query`, limited to them."""
    settings = default_settings() if settings is None else settings
    selected = {r.id for r in _select_rules(rule_ids)}
    version = audit_version(settings)
    t0 = time.perf_counter()
    stored: list[tuple[str, str, str, str, str, int | None, str | None]] = []
    current = {sol["g"].value for sol in query(_VERSIONS) if sol["version"].value == version}
    for sol in query(_with_focus(_STORED, focus, "project")):
        g = sol["g"].value
        if g in current and sol["rule"].value in selected:
            stored.append((g, sol["r"].value, sol["rule"].value, sol["message"].value, sol["project"].value,
                           _opt_int(sol, "line"), _opt(sol, "value")))
    paths: dict[str, str | None] = {}
    projects: set[str] = set()
    stale: set[str] = set()
    for sol in query(_with_focus(_SOURCE_PROJECTS, focus, "p")):
        g, p = sol["g"].value, sol["p"].value
        projects.add(p)
        if g in current:
            if paths.get(g) is None:
                paths[g] = _opt(sol, "path")
        else:
            stale.add(p)
    context: dict[str, tuple[str | None, str | None]] = {}
    for sol in query(_with_focus(_TITLES, focus, "p")):
        p = sol["p"].value
        if p not in context or context[p][0] is None:
            context[p] = (_opt(sol, "title"), _opt(sol, "applicant"))
    by_id = {r.id: r for r in rules()}
    keep = projects - stale
    seen: set[tuple] = set()
    out: list[Finding] = []
    for g, iri, rid, message, p, line, value in stored:
        if p not in keep:
            continue
        title, applicant = context.get(p, (None, None))
        f = Finding(rule=rid, severity=by_id[rid].severity, message=message, file=paths.get(g), line=line,
                    project=title, project_iri=p, value=None if value == p else value, applicant=applicant,
                    result=iri)
        if f.key() not in seen:
            seen.add(f.key())
            out.append(f)
    if stale:  # audited now, over the union of their graphs
        rest = audit_query(query, None, "sparql", settings, rule_ids,
                           focus=None if stale == projects and focus is None else sorted(stale))
        out += rest.findings
    out.sort(key=_sort_key)
    return AuditReport(out, "sparql", time.perf_counter() - t0, len(projects), dict(settings))


# ------------------------------------------------------------------------------ the report as RDF

def report_triples(report: AuditReport, report_iri: str) -> list[ox.Triple]:
    """The findings as an ``sh:ValidationReport`` (``report_iri``) with one ``sh:ValidationResult``
    each: ``sh:focusNode`` the table, ``sh:value`` the row or document, ``jx:sourceLine`` the
    line, ``jx:rule`` the rule id, plus severity, message and source shape. A finding gathered
    from its source's graph (stored at ingest) is linked by ``sh:result``, not copied."""
    n, lit = ox.NamedNode, ox.Literal
    r = n(report_iri)
    sh = str(SH)
    by_id = {x.id: x for x in report.rules}
    out = [ox.Triple(r, n(str(RDF.type)), n(sh + "ValidationReport")),
           ox.Triple(r, n(sh + "conforms"), lit("true" if not report.findings else "false",
                                                datatype=n(str(XSD.boolean)))),
           ox.Triple(r, n(str(DCTERMS.created)), lit(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                                      datatype=n(str(XSD.dateTime)))),
           ox.Triple(r, n(str(DCTERMS.description)), lit(f"jixiao audit, engine {report.engine}, "
                                                          f"{report.projects} tables"))]
    for name, value in sorted(report.settings.items()):
        out.append(ox.Triple(n(str(JXA.settings)), n(str(JXA[name])),
                             lit(str(value), datatype=n(str(value.datatype or XSD.string)))))
    for f in report.findings:
        if f.result:  # stored with its source at ingest: the report points at it
            out.append(ox.Triple(r, n(sh + "result"), n(f.result)))
        else:
            out += _result_triples(r, report_iri, f, by_id)
    return out


def _result_triples(r: ox.NamedNode, report_iri: str, f: Finding, by_id: dict[str, Rule]) -> list[ox.Triple]:
    """One finding as an ``sh:ValidationResult`` of the report ``r``."""
    n, lit = ox.NamedNode, ox.Literal
    sh = str(SH)
    # not by the file's path: IRIs stay when a data folder moves (unique within one report)
    where = (f.rule, f.project_iri, f.line, f.value if f.value and "://" in f.value else None)
    key = hashlib.sha256("\x1f".join(map(str, where)).encode("utf-8")).hexdigest()[:20]
    res = n(f"{report_iri}/result/{key}")
    out = [ox.Triple(r, n(sh + "result"), res),
           ox.Triple(res, n(str(RDF.type)), n(sh + "ValidationResult")),
           ox.Triple(res, n(sh + "focusNode"), n(f.project_iri)),
           ox.Triple(res, n(sh + "resultSeverity"), n(SEVERITIES[f.severity])),
           ox.Triple(res, n(sh + "sourceShape"), n(by_id[f.rule].iri)),
           ox.Triple(res, n(sh + "sourceConstraintComponent"), n(sh + "SPARQLConstraintComponent")),
           ox.Triple(res, n(sh + "resultMessage"), lit(f.message, language="zh")),
           ox.Triple(res, n(str(JX.rule)), lit(f.rule))]
    if f.line is not None:
        out.append(ox.Triple(res, n(str(JX.sourceLine)), lit(str(f.line), datatype=n(str(XSD.integer)))))
    if not f.value:  # as a SHACL engine reports it: the focus node is the value
        out.append(ox.Triple(res, n(sh + "value"), n(f.project_iri)))
    elif f.value.startswith(("http://", "https://", "urn:")):
        out.append(ox.Triple(res, n(sh + "value"), n(f.value)))
    else:
        out.append(ox.Triple(res, n(sh + "value"), lit(f.value)))
    return out


def save_report(store, report: AuditReport) -> str:
    """Replace the store's audit graph with this report (one atomic update); its graph IRI."""
    graph = str(store.minter.audit_graph())
    body = ox.serialize(report_triples(report, str(store.minter.audit_report())), format=ox.RdfFormat.N_TRIPLES)
    store.replace_graph(graph, body or b"", "nt")
    return graph


def saved_findings_query(graph: str) -> str:
    """SPARQL listing the findings of the report saved by :func:`save_report` (its results are
    in the audit graph, or in the sources' graphs where they were stored at ingest)."""
    return f"""PREFIX sh: <{SH}>
SELECT ?rule ?severity ?message ?project ?line ?value WHERE {{
  GRAPH <{graph}> {{ ?report a sh:ValidationReport ; sh:result ?r . }}
  ?r jx:rule ?rule ; sh:resultSeverity ?severity ; sh:resultMessage ?message ; sh:focusNode ?project .
  OPTIONAL {{ ?r jx:sourceLine ?line }} OPTIONAL {{ ?r sh:value ?value }} }} ORDER BY ?project ?line ?rule"""
