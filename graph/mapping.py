"""SourceRecord → triples, in two parts:

- ``triples``: everything read from one file (source node, projects, indicators, targets,
  warnings, local categories), written to that file's named graph;
- ``shared``: descriptions of legal documents and organizations, which several files cite.
  They go to one shared graph so the union default graph holds each such triple once
  (Oxigraph's union graph does not de-duplicate a triple present in two named graphs).

Pure: no store here. IRIs come from :class:`graph.iris.Minter`; categories from
:mod:`graph.frameworks`; units from :mod:`graph.units`.

Terms are pyoxigraph's (``NamedNode``/``Literal``), which the store writes as they are;
``MappedSource.triples``/``.shared`` give the same triples as rdflib terms, converted on
first use, for rdflib users and the tests. When this mapper replaced the rdflib-term one
(commit d8f79be) a test checked the triples were identical; the mapping has changed on
purpose since (MAPPING_VERSION), so that one-off check was retired.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from graph import frameworks
from graph.iris import Minter
from graph.units import unit_iri
from graph.vocab import ELI, JX
from ingest.records import Indicator, LegalRef, SourceRecord, TableRecord

# Bump when the mapping changes: unchanged files are then re-mapped on the next ingest.
# 2: self-evaluations; 3: IRIs keyed by content and identity, not by the path; 4: the numbers
# the audit rules compare (weights, 上年实际值, the actual value as a number, budget parts).
MAPPING_VERSION = "4"

Triple = tuple[URIRef, URIRef, URIRef | Literal]
OxTriple = tuple[ox.NamedNode, ox.NamedNode, "ox.NamedNode | ox.Literal"]
IssuerLookup = Callable[[str], "tuple[str, str] | None"]

TEXT_FIELDS: dict[str, URIRef] = {
    "项目概况": JX.overview,
    "立项依据": JX.legalBasisText,
    "项目设立的必要性": JX.necessity,
    "保证项目实施的制度、措施": JX.safeguards,
    "项目实施计划": JX.implementationPlan,
    "总目标及阶段性目标": JX.overallGoal,
}
OPERATORS = {"=", "≥", "≤", ">", "<"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
# A cell that is one number: an optional operator, the number, an optional unit (no other digit).
_ONE_NUMBER = re.compile(r"^[=≥≤><≧≦]?\s*(-?\d[\d,]*(?:\.\d+)?)\s*([^\d\s]{0,6})$")
_PREV_YEAR_COLUMN = re.compile(r"(\d{4})\s*年(?:度)?\s*实际")


@dataclass
class MappedSource:
    graph: URIRef
    source: URIRef
    sha256: str
    path: str = ""
    # pyoxigraph terms: what the store writes
    own: list[OxTriple] = field(default_factory=list)
    shared_ox: list[OxTriple] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # mapper's own, {"line", "code", "message", "project"}
    tables: int = 0
    indicators: int = 0
    documents: set[URIRef] = field(default_factory=set)
    parse_warnings: int = 0

    def ox_triples(self) -> list[OxTriple]:
        return self.own

    def ox_shared(self) -> list[OxTriple]:
        return self.shared_ox

    @property
    def triples(self) -> Sequence[Triple]:
        """The file graph's triples as rdflib terms (converted on first use; ``len`` is free)."""
        return _RdflibView(self.own)

    @property
    def shared(self) -> Sequence[Triple]:
        """Shared descriptions as rdflib terms (converted on first use; ``len`` is free)."""
        return _RdflibView(self.shared_ox)


class _RdflibView(Sequence):
    """A list of pyoxigraph triples seen as rdflib triples."""

    def __init__(self, triples: list[OxTriple]) -> None:
        self._ox = triples
        self._list: list[Triple] | None = None

    def _items(self) -> list[Triple]:
        if self._list is None:
            self._list = [(from_ox(s), from_ox(p), from_ox(o)) for s, p, o in self._ox]
        return self._list

    def __len__(self) -> int:
        return len(self._ox)

    def __getitem__(self, i):
        return self._items()[i]

    def __iter__(self):
        return iter(self._items())

    def __contains__(self, t: object) -> bool:
        return t in self._items()

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def from_ox(term):
    """A pyoxigraph term as an rdflib term (the same lexical form, datatype, language)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"not a mapped term: {term!r}")


_XSD_STRING = str(XSD.string)


@lru_cache(maxsize=65536)
def _n(iri: str) -> ox.NamedNode:
    """A NamedNode for an IRI (vocabulary, concepts and shared nodes repeat: cached)."""
    return ox.NamedNode(iri)


class _V:
    """The vocabulary as pyoxigraph terms (attribute access like the rdflib namespaces)."""

    def __init__(self, ns) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> ox.NamedNode:
        term = _n(str(getattr(self._ns, name)))
        setattr(self, name, term)
        return term


_JX, _RDF, _RDFS, _SKOS, _DCT, _PROV, _ORG, _ELI = (_V(ns) for ns in (JX, RDF, RDFS, SKOS, DCTERMS, PROV, ORG, ELI))
_T_DECIMAL, _T_INTEGER, _T_GYEAR, _T_DATE, _T_BOOLEAN = (_n(str(t)) for t in (
    XSD.decimal, XSD.integer, XSD.gYear, XSD.date, XSD.boolean))
_TEXT_FIELDS_OX = {k: _n(str(v)) for k, v in TEXT_FIELDS.items()}
_TRUE, _FALSE = ox.Literal("true", datatype=_T_BOOLEAN), ox.Literal("false", datatype=_T_BOOLEAN)


def default_issuer_lookup() -> IssuerLookup | None:
    """``ingest.issuers.lookup`` when the registry exists (it is maintained in ingest/)."""
    try:
        from ingest.issuers import lookup
    except ImportError:
        return None
    return lookup


def record_sha256(record: SourceRecord) -> str:
    """The file digest the parser recorded, else of the file, else of the record itself."""
    if record.sha256:
        return record.sha256
    p = Path(record.path)
    if p.is_file():
        return hashlib.sha256(p.read_bytes()).hexdigest()
    blob = json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


@lru_cache(maxsize=65536)  # cached: names, units, operators and codes repeat across tables
def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


@lru_cache(maxsize=65536)
def _s(text: str) -> ox.Literal:
    """A plain (xsd:string) literal."""
    return ox.Literal(text)


def _decimal(v: float | int | str | None) -> ox.Literal | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    # rdflib's lexical form for a Decimal value: fixed-point notation ("1E+2" → "100")
    return ox.Literal(f"{d:f}", datatype=_T_DECIMAL)


@lru_cache(maxsize=8192)
def _int(v: int) -> ox.Literal:  # cached: line numbers and positions repeat across tables
    return ox.Literal(str(int(v)), datatype=_T_INTEGER)


def _gyear(year: int) -> ox.Literal:
    return ox.Literal(f"{int(year):04d}", datatype=_T_GYEAR)


class _Mapper:
    def __init__(self, record: SourceRecord, minter: Minter, issuers: IssuerLookup | None) -> None:
        self.r = record
        self.m = minter
        self.issuers = issuers
        sha = record_sha256(record)
        self.key = sha  # a source is keyed by its content (graph.iris)
        self.out = MappedSource(graph=minter.source_graph(sha), source=minter.source(sha), sha256=sha, path=record.path)
        self.src = _n(str(self.out.source))
        self.add = self.out.own.append
        self.share = self.out.shared_ox.append
        self._seen_shared: set[OxTriple] = set()
        self._local: set[str] = set()
        self.goals: dict[tuple, ox.NamedNode] = {}  # (title, unit, year) → goal table, for jx:evaluates
        self.year: int | None = None

    def shared(self, t: OxTriple) -> None:
        if t not in self._seen_shared:
            self._seen_shared.add(t)
            self.share(t)

    def run(self) -> MappedSource:
        src = self.src
        self.add((src, _RDF.type, _JX.Source))
        self.add((src, _JX.path, _s(self.r.path)))
        self.add((src, _DCT.title, _s(Path(self.r.path).name)))
        self.add((src, _JX.sha256, _s(self.out.sha256)))
        self.add((src, _JX.mappingVersion, _s(MAPPING_VERSION)))
        if self.r.encoding:
            self.add((src, _JX.encoding, _s(self.r.encoding)))
        if self.r.format and self.r.format != "text":
            self.add((src, _JX.sourceFormat, _s(self.r.format)))
        seen: Counter[str] = Counter()
        for table in self.r.tables:
            key = "\x1f".join(str(x) for x in (table.year, table.unit, table.title, getattr(table, "kind", "goal")))
            seen[key] += 1
            self.table(table, seen[key])
        return self.out

    # ------------------------------------------------------------------ project
    def table(self, t: TableRecord, occurrence: int) -> None:
        self.year = t.year
        piri = self.m.project_iri(t.year, t.unit, t.title, occurrence, kind=getattr(t, "kind", "goal"))
        p = ox.NamedNode(piri)
        self.out.tables += 1
        add = self.add
        add((p, _RDF.type, _JX.Project))
        kind = getattr(t, "kind", "goal")
        if kind == "self-evaluation":
            add((p, _RDF.type, _JX.SelfEvaluation))
            goal = self.goals.get((t.title, t.unit, t.year)) if t.title else None
            if goal is not None:
                add((p, _JX.evaluates, goal))
        elif kind == "department":
            add((p, _RDF.type, _JX.DepartmentTargets))
        elif t.title:
            self.goals.setdefault((t.title, t.unit, t.year), p)
        add((p, _PROV.wasDerivedFrom, self.src))
        series = self.m.series_iri(t.unit, t.title) if (t.unit or t.title) else None
        if series is not None:
            add((p, _JX.inSeries, _n(series)))
            self.shared((_n(series), _RDF.type, _JX.ProjectSeries))
            if t.title:
                self.shared((_n(series), _DCT.title, _zh(t.title)))
        if t.lines and t.lines[0]:
            add((p, _JX.sourceLine, _int(t.lines[0])))
            add((p, _JX.endLine, _int(t.lines[1])))
        if t.locations and t.locations[0]:
            add((p, _JX.sourceLocation, _s(t.locations[0])))
        if t.title:
            add((p, _DCT.title, _zh(t.title)))
        if t.unit:
            add((p, _JX.applicant, self.organization(t.unit)))
        if t.year:
            add((p, _JX.fiscalYear, _gyear(t.year)))
        if t.category:
            add((p, _JX.projectCategory, _zh(t.category)))
        if t.performance_type:
            add((p, _JX.performanceType, _zh(t.performance_type)))
        if t.gov_purchase is not None:
            add((p, _JX.governmentPurchase, _TRUE if t.gov_purchase else _FALSE))
        warnings: list[tuple[int | None, str, str]] = [(w.line, w.code, w.message) for w in t.warnings]
        where = {w.line: w.location for w in t.warnings if w.location} | {
            i.line: i.location for i in t.indicators if i.location}
        self.out.parse_warnings += len(t.warnings)
        for prop, value in ((_JX.startDate, t.start), (_JX.endDate, t.end)):
            if value and _DATE.match(value):
                add((p, prop, ox.Literal(value, datatype=_T_DATE)))
            elif value:
                warnings.append((t.lines[0] or None, "bad-date", f"date {value!r} is not YYYY-MM-DD; not stored"))
        b = t.budget
        for prop, value in ((_JX.budgetTotal, b.total), (_JX.budgetCurrentYear, b.current_year),
                            (_JX.budgetPreviousYear, b.prev_year_budget),
                            (_JX.executedPreviousYear, b.prev_year_executed)):
            lit = _decimal(value)
            if lit is not None:
                add((p, prop, lit))
        for prop, value in audit_budget_facts(t):
            add((p, prop, _decimal(value)))
        for name, text in t.text_fields.items():
            if text:
                prop = _TEXT_FIELDS_OX.get(name)
                add((p, prop, _zh(text)) if prop else (p, _JX.textField, _zh(f"{name}：{text}")))
        for ref in t.legal_bases:
            doc = self.document(ref)
            if doc is not None:
                add((p, _JX.legalBasis, doc))
                add((p, _DCT.references, doc))  # the standard term, beside the contract's
        for ref in t.other_cited_documents:
            doc = self.document(ref)
            if doc is not None:
                add((p, _JX.cites, doc))
                add((p, _DCT.references, doc))

        scheme = frameworks.detect_scheme([i.l1 for i in t.indicators], [i.l2 for i in t.indicators])
        add((p, _JX.framework, _n(str(scheme))))
        names: Counter[str] = Counter()
        for n, ind in enumerate(t.indicators, start=1):
            key = Minter.indicator_key(ind.name)
            names[key] += 1
            warnings.extend(self.indicator(p, piri, ind, ind.position or n, scheme, names[key], series))
        for n, (line, code, message) in enumerate(warnings, start=1):
            w = ox.NamedNode(self.m.warning_iri(piri, n))
            add((p, _JX.warning, w))
            add((w, _RDF.type, _JX.Warning))
            add((w, _JX.warningCode, _s(code)))
            add((w, _JX.message, _s(message)))
            if line:
                add((w, _JX.sourceLine, _int(line)))
                if where.get(line):
                    add((w, _JX.sourceLocation, _s(where[line])))
        self.out.warnings.extend(
            {"line": line, "code": code, "message": message, "project": piri}
            for line, code, message in warnings[len(t.warnings):]
        )

    # ------------------------------------------------------------------ indicator
    def indicator(self, p: ox.NamedNode, piri: str, ind: Indicator, position: int, scheme: URIRef,
                  occurrence: int = 1, series: str | None = None) -> list[tuple]:
        iiri = self.m.indicator_iri(piri, ind.name, occurrence)
        i = ox.NamedNode(iiri)
        self.out.indicators += 1
        add = self.add
        add((p, _JX.hasIndicator, i))
        add((i, _RDF.type, _JX.Indicator))
        add((i, _RDFS.label, _zh(ind.name)))
        add((i, _JX.position, _int(position)))
        add((i, _PROV.wasDerivedFrom, self.src))
        if series is not None and occurrence == 1:  # the same indicator of this project in other years
            s = _n(self.m.indicator_series_iri(series, ind.name))
            add((i, _JX.inSeries, s))
            self.shared((s, _RDF.type, _JX.IndicatorSeries))
            self.shared((s, _RDFS.label, _zh(ind.name)))
            self.shared((s, _JX.partOfSeries, _n(series)))
        if ind.line:
            add((i, _JX.sourceLine, _int(ind.line)))
        if ind.location:
            add((i, _JX.sourceLocation, _s(ind.location)))
        for k, v in ind.extra.items():
            add((i, _JX.attribute, _zh(f"{k}：{v}")))
        if ind.actual:
            add((i, _JX.actualValue, _zh(ind.actual)))
        for prop, value in ((_JX.points, ind.points), (_JX.evaluationScore, ind.score)):
            lit = _decimal(value) if value and _NUMBER.match(value.strip()) else None
            if lit is not None:
                add((i, prop, lit))
        for prop, value in audit_indicator_facts(ind, self.year):
            add((i, prop, _decimal(value)))
        category, warning = self.category(ind.l1, ind.l2, scheme)
        add((i, _JX.category, category))
        warnings = [(ind.line or None, "category", f"{ind.name}: {warning}")] if warning else []
        if ind.target is not None:
            warnings.extend(self.target(i, iiri, ind))
        return warnings

    def target(self, i: ox.NamedNode, iiri: str, ind: Indicator) -> list[tuple]:
        t, tg = ox.NamedNode(self.m.target_iri(iiri)), ind.target
        assert tg is not None
        add = self.add
        add((i, _JX.target, t))
        add((t, _RDF.type, _JX.Target))
        add((t, _JX.rawText, _s(tg.raw)))
        if tg.op:
            if tg.op in OPERATORS:
                add((t, _JX.operator, _s(tg.op)))
        num = _decimal(tg.value)
        if num is not None:
            add((t, _JX.numericValue, num))
        if tg.unit:
            add((t, _JX.unitLabel, _s(tg.unit)))
            known = unit_iri(tg.unit)
            if known is None:  # keep the unit: an IRI of our own, labelled as written
                u = _n(str(self.m.unit(tg.unit)))
                add((u, _RDF.type, _JX.Unit))
                add((u, _RDFS.label, _zh(tg.unit)))
            else:
                u = _n(str(known))
            add((t, _JX.unit, u))
        if tg.qualitative:
            add((t, _JX.qualitativeValue, _zh(tg.qualitative)))
        if tg.op and tg.op not in OPERATORS:
            return [(ind.line or None, "bad-operator", f"{ind.name}: operator {tg.op!r} not stored")]
        return []

    # ------------------------------------------------------------------ categories
    def category(self, l1: str | None, l2: str | None, scheme: URIRef) -> tuple[ox.NamedNode, str | None]:
        res = frameworks.resolve(l1, l2, scheme)
        if res.concept is not None:
            return _n(str(res.concept.iri)), res.warning
        # No framework concept: a local one, in this source's scheme, never a silent drop.
        top = str(res.top.iri) if res.top else self.local_concept(None, (l1 or "").strip() or "未分类")
        label = (l2 or "").strip() or "未分类"
        return _n(self.local_concept(top, label, l1 or "")), res.warning

    def local_concept(self, broader: str | None, label: str, parent_label: str = "") -> str:
        c = str(self.m.local_concept(self.key, broader or "", parent_label, label))
        if c not in self._local:
            self._local.add(c)
            scheme = str(self.m.local_scheme(self.key))
            sn, cn = _n(scheme), _n(c)
            if scheme not in self._local:
                self._local.add(scheme)
                self.add((sn, _RDF.type, _SKOS.ConceptScheme))
                self.add((sn, _RDF.type, _JX.LocalScheme))
                self.add((sn, _SKOS.prefLabel, _zh(f"{Path(self.r.path).name} 本地指标分类")))
                self.add((sn, _PROV.wasDerivedFrom, self.src))
            self.add((cn, _RDF.type, _SKOS.Concept))
            self.add((cn, _SKOS.prefLabel, _zh(label)))
            self.add((cn, _SKOS.inScheme, sn))
            if broader is not None:
                self.add((cn, _SKOS.broader, _n(broader)))
            else:
                self.add((cn, _SKOS.topConceptOf, sn))
        return c

    # ------------------------------------------------------------------ shared nodes
    def organization(self, name: str) -> ox.NamedNode:
        o = _n(str(self.m.organization(name)))
        self.shared((o, _RDF.type, _ORG.Organization))
        self.shared((o, _SKOS.prefLabel, _zh(name.strip())))
        return o

    def document(self, ref: LegalRef) -> ox.NamedNode | None:
        diri = self.m.document(ref.doc_number, ref.title)
        if diri is None:
            return None
        self.out.documents.add(diri)
        d = _n(str(diri))
        s = self.shared
        s((d, _RDF.type, _JX.LegalDocument))
        if ref.doc_number:
            s((d, _ELI.id_local, _s(ref.doc_number)))
        if ref.title:
            s((d, _DCT.title, _zh(ref.title)))
        if ref.issuer_code:
            s((d, _JX.issuerCode, _s(ref.issuer_code)))
            known = self.issuers(ref.issuer_code) if self.issuers else None
            if known:
                issuer, level = known
                o = self.organization(issuer)
                s((d, _ELI.passed_by, o))
                if level:
                    s((o, _JX.administrativeLevel, _s(level)))
        if ref.year:
            s((d, _JX.documentYear, _gyear(ref.year)))
        if ref.serial is not None:
            s((d, _JX.serialNumber, _int(ref.serial)))
        return d


# ---------------------------------------------------------------------- audit facts
# Numbers the audit rules (ontology/audit.ttl) compare, read from the columns and header
# fields the parser keeps as written. Only a cell that is one clean number is read; anything
# else is left out (it stays in jx:attribute / the header text), never guessed.

def one_number(text: object) -> Decimal | None:
    """The number of a cell that holds one number (``95%``, ``≥ 10``, ``1,200.5``), else None."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        d = Decimal(str(text))
        return d if d.is_finite() else None
    m = _ONE_NUMBER.match(unicodedata.normalize("NFKC", str(text)).strip())
    if not m:
        return None
    try:
        return Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None


@lru_cache(maxsize=4096)  # the same column names in every table
def _column(key: str) -> str:
    return re.sub(r"\s+|[(（][^)）]*[)）]", "", unicodedata.normalize("NFKC", key))


def audit_indicator_facts(ind: Indicator, year: int | None) -> list[tuple[ox.NamedNode, Decimal]]:
    """(property, number) for an indicator row: jx:weight (权重), jx:previousActual (上年实际值,
    or a column for the year before the table's), jx:actualNumericValue (the actual value as a
    number: the record's ``actual``, else a 实际完成值-like column), and jx:points / jx:evaluationScore
    from 分值 / 得分 columns when the record has no ``points`` / ``score`` (those the mapping writes)."""
    found: dict[str, Decimal] = {}
    for key, value in ind.extra.items():
        col = _column(key)
        num = one_number(value)
        if num is None:
            continue
        m = _PREV_YEAR_COLUMN.search(col)
        if col == "权重":
            found.setdefault("weight", num)
        elif "上年" in col and ("实际" in col or "完成" in col):
            found.setdefault("previousActual", num)
        elif m and year and int(m.group(1)) == year - 1:
            found.setdefault("previousActual", num)
        elif col in ("实际值", "实际完成值", "全年实际值", "实际完成情况", "年度实际值", "实际达成值"):
            found.setdefault("actualNumericValue", num)
        elif col == "得分" and not getattr(ind, "score", None):
            found.setdefault("evaluationScore", num)
        elif col in ("分值", "满分") and not getattr(ind, "points", None):
            found.setdefault("points", num)
    actual = one_number(getattr(ind, "actual", None))
    if actual is not None:
        found["actualNumericValue"] = actual
    return [(getattr(_JX, name), num) for name, num in found.items()]


_BUDGET_PART = re.compile(r"^(财政拨款|财政资金|其他资金)\s*(.+)$")


def audit_budget_facts(t: TableRecord) -> list[tuple[ox.NamedNode, Decimal]]:
    """(property, number) for the budget parts of a table: jx:budgetFiscal (财政拨款/财政资金)
    and jx:budgetOther (其他资金), from header fields holding one clean number, and
    jx:executionRateWeight (预算执行率权重)."""
    found: dict[str, Decimal] = {}
    for key, value in t.header_fields.items():
        col = _column(key)
        text = unicodedata.normalize("NFKC", value or "").strip()
        m = _BUDGET_PART.match(text) if col in ("其中", "其中:") else None
        if m:  # "其中：财政拨款 179.9"
            col, text = m.group(1), m.group(2)
        num = one_number(text)
        if num is None:
            continue
        unit = _ONE_NUMBER.match(unicodedata.normalize("NFKC", text).strip())
        if unit and unit.group(2).startswith("万"):  # "10000万元": in yuan, as ingest gives the total
            num *= 10000
        if col.removeprefix("其中").lstrip(":") in ("财政拨款", "财政资金", "当年财政拨款"):
            found.setdefault("budgetFiscal", num)
        elif col in ("其他资金", "当年其他资金"):
            found.setdefault("budgetOther", num)
        elif col.startswith("预算执行率权重"):
            found.setdefault("executionRateWeight", num)
    return [(getattr(_JX, name), num) for name, num in found.items()]


def map_source(record: SourceRecord, minter: Minter | None = None,
               issuers: IssuerLookup | None | bool = True) -> MappedSource:
    """Map one parsed file. ``issuers=True`` uses the ingest registry when it exists."""
    lookup = default_issuer_lookup() if issuers is True else (issuers or None)
    return _Mapper(record, minter or Minter(), lookup).run()
