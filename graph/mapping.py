"""SourceRecord → triples, in two parts:

- ``triples``: everything read from one file (source node, projects, indicators, targets,
  warnings, local categories), written to that file's named graph;
- ``shared``: descriptions of legal documents and organizations, which several files cite.
  They go to one shared graph so the union default graph holds each such triple once
  (Oxigraph's union graph does not de-duplicate a triple present in two named graphs).

Pure: no store here. IRIs come from :class:`graph.iris.Minter`; categories from
:mod:`graph.frameworks`; units from :mod:`graph.units`.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from graph import frameworks
from graph.iris import Minter, source_key
from graph.units import unit_iri
from graph.vocab import ELI, JX
from ingest.records import Indicator, LegalRef, SourceRecord, TableRecord

# Bump when the mapping changes: unchanged files are then re-mapped on the next ingest.
MAPPING_VERSION = "1"

Triple = tuple[URIRef, URIRef, URIRef | Literal]
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


@dataclass
class MappedSource:
    graph: URIRef
    source: URIRef
    sha256: str
    triples: list[Triple] = field(default_factory=list)
    shared: list[Triple] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # mapper's own, {"line", "code", "message", "project"}
    tables: int = 0
    indicators: int = 0
    documents: set[URIRef] = field(default_factory=set)
    parse_warnings: int = 0


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


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _decimal(v: float | int | str | None) -> Literal | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    return Literal(d, datatype=XSD.decimal)


@lru_cache(maxsize=8192)
def _int(v: int) -> Literal:  # cached: line numbers and positions repeat across tables
    return Literal(int(v), datatype=XSD.integer)


class _Mapper:
    def __init__(self, record: SourceRecord, minter: Minter, issuers: IssuerLookup | None) -> None:
        self.r = record
        self.m = minter
        self.issuers = issuers
        self.path = source_key(record.path)
        self.out = MappedSource(
            graph=minter.source_graph(self.path), source=minter.source(self.path), sha256=record_sha256(record)
        )
        self.add = self.out.triples.append
        self.share = self.out.shared.append
        self._seen_shared: set[Triple] = set()
        self._local: set[URIRef] = set()

    def shared(self, t: Triple) -> None:
        if t not in self._seen_shared:
            self._seen_shared.add(t)
            self.share(t)

    def run(self) -> MappedSource:
        src = self.out.source
        self.add((src, RDF.type, JX.Source))
        self.add((src, JX.path, Literal(self.r.path)))
        self.add((src, DCTERMS.title, Literal(Path(self.r.path).name)))
        self.add((src, JX.sha256, Literal(self.out.sha256)))
        self.add((src, JX.mappingVersion, Literal(MAPPING_VERSION)))
        if self.r.encoding:
            self.add((src, JX.encoding, Literal(self.r.encoding)))
        seen: Counter[str] = Counter()
        for table in self.r.tables:
            key = "\x1f".join(str(x) for x in (table.year, table.unit, table.title))
            seen[key] += 1
            self.table(table, seen[key])
        return self.out

    # ------------------------------------------------------------------ project
    def table(self, t: TableRecord, occurrence: int) -> None:
        p = self.m.project(self.path, t.year, t.unit, t.title, occurrence)
        self.out.tables += 1
        add = self.add
        add((p, RDF.type, JX.Project))
        add((p, PROV.wasDerivedFrom, self.out.source))
        if t.lines and t.lines[0]:
            add((p, JX.sourceLine, _int(t.lines[0])))
            add((p, JX.endLine, _int(t.lines[1])))
        if t.title:
            add((p, DCTERMS.title, _zh(t.title)))
        if t.unit:
            add((p, JX.applicant, self.organization(t.unit)))
        if t.year:
            add((p, JX.fiscalYear, Literal(f"{int(t.year):04d}", datatype=XSD.gYear)))
        if t.category:
            add((p, JX.projectCategory, _zh(t.category)))
        if t.performance_type:
            add((p, JX.performanceType, _zh(t.performance_type)))
        if t.gov_purchase is not None:
            add((p, JX.governmentPurchase, Literal(bool(t.gov_purchase))))
        warnings: list[tuple[int | None, str, str]] = [(w.line, w.code, w.message) for w in t.warnings]
        self.out.parse_warnings += len(t.warnings)
        for prop, value in ((JX.startDate, t.start), (JX.endDate, t.end)):
            if value and _DATE.match(value):
                add((p, prop, Literal(value, datatype=XSD.date)))
            elif value:
                warnings.append((t.lines[0] or None, "bad-date", f"date {value!r} is not YYYY-MM-DD; not stored"))
        b = t.budget
        for prop, value in ((JX.budgetTotal, b.total), (JX.budgetCurrentYear, b.current_year),
                            (JX.budgetPreviousYear, b.prev_year_budget),
                            (JX.executedPreviousYear, b.prev_year_executed)):
            lit = _decimal(value)
            if lit is not None:
                add((p, prop, lit))
        for name, text in t.text_fields.items():
            if text:
                prop = TEXT_FIELDS.get(name)
                add((p, prop, _zh(text)) if prop else (p, JX.textField, _zh(f"{name}：{text}")))
        for ref in t.legal_bases:
            doc = self.document(ref)
            if doc is not None:
                add((p, JX.legalBasis, doc))
        for ref in t.other_cited_documents:
            doc = self.document(ref)
            if doc is not None:
                add((p, JX.cites, doc))

        scheme = frameworks.detect_scheme([i.l1 for i in t.indicators], [i.l2 for i in t.indicators])
        add((p, JX.framework, scheme))
        for n, ind in enumerate(t.indicators, start=1):
            warnings.extend(self.indicator(p, ind, ind.position or n, scheme))
        for n, (line, code, message) in enumerate(warnings, start=1):
            w = self.m.warning(p, n)
            add((p, JX.warning, w))
            add((w, RDF.type, JX.Warning))
            add((w, JX.warningCode, Literal(code)))
            add((w, JX.message, Literal(message)))
            if line:
                add((w, JX.sourceLine, _int(line)))
        self.out.warnings.extend(
            {"line": line, "code": code, "message": message, "project": str(p)}
            for line, code, message in warnings[len(t.warnings):]
        )

    # ------------------------------------------------------------------ indicator
    def indicator(self, p: URIRef, ind: Indicator, position: int, scheme: URIRef) -> list[tuple]:
        i = self.m.indicator(p, position)
        self.out.indicators += 1
        add = self.add
        add((p, JX.hasIndicator, i))
        add((i, RDF.type, JX.Indicator))
        add((i, RDFS.label, _zh(ind.name)))
        add((i, JX.position, _int(position)))
        add((i, PROV.wasDerivedFrom, self.out.source))
        if ind.line:
            add((i, JX.sourceLine, _int(ind.line)))
        for k, v in ind.extra.items():
            add((i, JX.attribute, _zh(f"{k}：{v}")))
        category, warning = self.category(ind.l1, ind.l2, scheme)
        add((i, JX.category, category))
        warnings = [(ind.line or None, "category", f"{ind.name}: {warning}")] if warning else []
        if ind.target is not None:
            warnings.extend(self.target(i, ind))
        return warnings

    def target(self, i: URIRef, ind: Indicator) -> list[tuple]:
        t, tg = self.m.target(i), ind.target
        assert tg is not None
        add = self.add
        add((i, JX.target, t))
        add((t, RDF.type, JX.Target))
        add((t, JX.rawText, Literal(tg.raw)))
        if tg.op:
            if tg.op in OPERATORS:
                add((t, JX.operator, Literal(tg.op)))
        num = _decimal(tg.value)
        if num is not None:
            add((t, JX.numericValue, num))
        if tg.unit:
            add((t, JX.unitLabel, Literal(tg.unit)))
            u = unit_iri(tg.unit)
            if u is None:  # keep the unit: an IRI of our own, labelled as written
                u = self.m.unit(tg.unit)
                add((u, RDF.type, JX.Unit))
                add((u, RDFS.label, _zh(tg.unit)))
            add((t, JX.unit, u))
        if tg.qualitative:
            add((t, JX.qualitativeValue, _zh(tg.qualitative)))
        if tg.op and tg.op not in OPERATORS:
            return [(ind.line or None, "bad-operator", f"{ind.name}: operator {tg.op!r} not stored")]
        return []

    # ------------------------------------------------------------------ categories
    def category(self, l1: str | None, l2: str | None, scheme: URIRef) -> tuple[URIRef, str | None]:
        res = frameworks.resolve(l1, l2, scheme)
        if res.concept is not None:
            return res.concept.iri, res.warning
        # No framework concept: a local one, in this source's scheme, never a silent drop.
        top = res.top.iri if res.top else self.local_concept(None, (l1 or "").strip() or "未分类")
        label = (l2 or "").strip() or "未分类"
        return self.local_concept(top, label, l1 or ""), res.warning

    def local_concept(self, broader: URIRef | None, label: str, parent_label: str = "") -> URIRef:
        c = self.m.local_concept(self.path, str(broader or ""), parent_label, label)
        if c not in self._local:
            self._local.add(c)
            scheme = self.m.local_scheme(self.path)
            if scheme not in self._local:
                self._local.add(scheme)
                self.add((scheme, RDF.type, SKOS.ConceptScheme))
                self.add((scheme, RDF.type, JX.LocalScheme))
                self.add((scheme, SKOS.prefLabel, _zh(f"{Path(self.r.path).name} 本地指标分类")))
                self.add((scheme, PROV.wasDerivedFrom, self.out.source))
            self.add((c, RDF.type, SKOS.Concept))
            self.add((c, SKOS.prefLabel, _zh(label)))
            self.add((c, SKOS.inScheme, scheme))
            if broader is not None:
                self.add((c, SKOS.broader, broader))
            else:
                self.add((c, SKOS.topConceptOf, scheme))
        return c

    # ------------------------------------------------------------------ shared nodes
    def organization(self, name: str) -> URIRef:
        o = self.m.organization(name)
        self.shared((o, RDF.type, ORG.Organization))
        self.shared((o, SKOS.prefLabel, _zh(name.strip())))
        return o

    def document(self, ref: LegalRef) -> URIRef | None:
        d = self.m.document(ref.doc_number, ref.title)
        if d is None:
            return None
        self.out.documents.add(d)
        s = self.shared
        s((d, RDF.type, JX.LegalDocument))
        if ref.doc_number:
            s((d, ELI.id_local, Literal(ref.doc_number)))
        if ref.title:
            s((d, DCTERMS.title, _zh(ref.title)))
        if ref.issuer_code:
            s((d, JX.issuerCode, Literal(ref.issuer_code)))
            known = self.issuers(ref.issuer_code) if self.issuers else None
            if known:
                issuer, level = known
                o = self.organization(issuer)
                s((d, ELI.passed_by, o))
                if level:
                    s((o, JX.administrativeLevel, Literal(level)))
        if ref.year:
            s((d, JX.documentYear, Literal(f"{int(ref.year):04d}", datatype=XSD.gYear)))
        if ref.serial is not None:
            s((d, JX.serialNumber, _int(ref.serial)))
        return d


def map_source(record: SourceRecord, minter: Minter | None = None,
               issuers: IssuerLookup | None | bool = True) -> MappedSource:
    """Map one parsed file. ``issuers=True`` uses the ingest registry when it exists."""
    lookup = default_issuer_lookup() if issuers is True else (issuers or None)
    return _Mapper(record, minter or Minter(), lookup).run()
