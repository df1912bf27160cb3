"""The JSON API's schema (shown at /docs). Shapes come from ``graph.views`` and
``search.service``; ``extra="allow"`` keeps fields those layers add later."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Target(_Open):
    raw: str | None = None
    op: str | None = None
    value: float | int | None = None
    unit: str | None = None
    qualitative: str | None = None


class ProjectRef(_Open):
    iri: str
    title: str | None = None
    applicant: str | None = None
    year: int | None = None


class SearchHit(_Open):
    iri: str
    name: str | None = None
    score: float | None = None
    l1: str | None = None
    l2: str | None = None
    target: Target | None = None
    project: ProjectRef | None = None


class SearchResponse(_Open):
    query: str
    results: list[SearchHit]


class SimilarResponse(_Open):
    results: list[SearchHit]


class ProjectSummary(ProjectRef):
    applicant_iri: str | None = None
    category: str | None = None
    budget_total: float | int | None = None
    indicators: int = 0
    legal_bases: int = 0


class ProjectList(_Open):
    total: int
    items: list[ProjectSummary]
    limit: int
    offset: int


class DocumentRef(_Open):
    iri: str
    title: str | None = None
    number: str | None = None
    issuer: str | None = None
    issuer_iri: str | None = None


class IndicatorRow(_Open):
    iri: str
    name: str | None = None
    position: int | None = None
    line: int | None = None
    l1: str | None = None
    l2: str | None = None
    target: Target | None = None


class IndicatorGroup(_Open):
    l2: str
    indicators: list[IndicatorRow]


class IndicatorTree(_Open):
    l1: str
    groups: list[IndicatorGroup]


class Budget(_Open):
    total: float | int | None = None
    current_year: float | int | None = None
    prev_year_budget: float | int | None = None
    prev_year_executed: float | int | None = None


class ParseWarning(_Open):
    code: str | None = None
    message: str | None = None
    line: int | None = None


class Project(ProjectRef):
    applicant_iri: str | None = None
    category: str | None = None
    start: str | None = None
    end: str | None = None
    budget: Budget
    legal_bases: list[DocumentRef]
    cited_documents: list[DocumentRef]
    indicators: list[IndicatorRow]
    tree: list[IndicatorTree]
    warnings: list[ParseWarning]


class DocumentSummary(DocumentRef):
    issuer_code: str | None = None
    year: int | None = None
    basis_of: int = 0
    cited_by: int = 0


class DocumentList(_Open):
    total: int
    items: list[DocumentSummary]
    limit: int
    offset: int


class GraphNode(_Open):
    id: str
    kind: str  # project | document | issuer
    label: str | None = None


class GraphEdge(_Open):
    source: str
    target: str
    kind: str  # basis | cites | issued_by


class CitationGraph(_Open):
    focus: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class Citation(ProjectSummary):
    fields: list[str] = []  # the table fields that cite the document: 立项依据, 保证项目实施的制度、措施 …


class LegalDocument(DocumentRef):
    issuer_code: str | None = None
    year: int | None = None
    serial: int | float | None = None
    resting: list[ProjectSummary]
    citing: list[ProjectSummary]
    citations: list[Citation] = []
    graph: CitationGraph


class Indicator(IndicatorRow):
    project: ProjectRef
    similar: list[SearchHit]


class Cluster(_Open):
    iri: str | None = None
    label: str | None = None
    projects: int = 0
    indicators: int = 0
    variants: list[dict] = []
    targets: list[dict] = []


class ClusterList(_Open):
    total: int
    min_projects: int
    clusters: list[Cluster]


class Stats(_Open):
    stats: dict
    questions: list[dict]
