"""The RDF vocabularies jixiao writes, as rdflib namespaces.

``JX`` is a :class:`~rdflib.namespace.DefinedNamespace` with ``_fail = True``: a misspelt
term raises where it is used instead of minting a silent new IRI. Every term listed here
is defined (labels zh/en, comment, domain/range) in ``ontology/jixiao.ttl``; a test keeps
the two in step.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

JX_IRI = "https://w3id.org/jixiao/ontology#"
DEFAULT_BASE = "https://w3id.org/jixiao/id/"


class JX(DefinedNamespace):
    """jixiao ontology terms (public contract: shared spec vocabulary.md)."""

    _fail = True
    _NS = Namespace(JX_IRI)

    # classes
    Project: URIRef
    Indicator: URIRef
    Target: URIRef
    LegalDocument: URIRef
    Source: URIRef
    Warning: URIRef
    Unit: URIRef
    LocalScheme: URIRef
    Similarity: URIRef
    SelfEvaluation: URIRef
    DepartmentTargets: URIRef
    ProjectSeries: URIRef
    IndicatorSeries: URIRef
    # concept schemes
    ShanghaiFramework: URIRef
    NationalFramework: URIRef
    ReuseScheme: URIRef
    # project
    applicant: URIRef
    fiscalYear: URIRef
    projectCategory: URIRef
    performanceType: URIRef
    governmentPurchase: URIRef
    startDate: URIRef
    endDate: URIRef
    budgetTotal: URIRef
    budgetCurrentYear: URIRef
    budgetPreviousYear: URIRef
    executedPreviousYear: URIRef
    legalBasis: URIRef
    cites: URIRef
    hasIndicator: URIRef
    inSeries: URIRef
    partOfSeries: URIRef
    framework: URIRef
    textField: URIRef
    overview: URIRef
    legalBasisText: URIRef
    necessity: URIRef
    safeguards: URIRef
    implementationPlan: URIRef
    overallGoal: URIRef
    endLine: URIRef
    warning: URIRef
    # source
    sha256: URIRef
    sourceLine: URIRef
    sourceLocation: URIRef
    sourceFormat: URIRef
    path: URIRef
    encoding: URIRef
    mappingVersion: URIRef
    # indicator / target
    category: URIRef
    position: URIRef
    target: URIRef
    attribute: URIRef
    rawText: URIRef
    operator: URIRef
    numericValue: URIRef
    unit: URIRef
    unitLabel: URIRef
    qualitativeValue: URIRef
    actualValue: URIRef
    points: URIRef
    evaluationScore: URIRef
    evaluates: URIRef
    # legal documents and organizations
    issuerCode: URIRef
    documentYear: URIRef
    serialNumber: URIRef
    administrativeLevel: URIRef
    # warnings
    warningCode: URIRef
    message: URIRef
    # audit facts (graph/mapping.py) and audit results (graph/audit.py)
    weight: URIRef
    previousActual: URIRef
    actualNumericValue: URIRef
    budgetFiscal: URIRef
    budgetOther: URIRef
    executionRateWeight: URIRef
    rule: URIRef
    # similarity (written by search/)
    similarIndicator: URIRef
    similarity: URIRef
    other: URIRef
    score: URIRef
    reuseCluster: URIRef
    # local units (graph/units.py, defined in ontology/jixiao.ttl)
    unit_ming: URIRef
    unit_ren: URIRef
    unit_renci: URIRef
    unit_tao: URIRef
    unit_xiang: URIRef
    unit_xiangci: URIRef
    unit_chang: URIRef
    unit_changci: URIRef
    unit_qi: URIRef
    unit_ci: URIRef
    unit_ge: URIRef
    unit_bu: URIRef
    unit_kuai: URIRef
    unit_mian: URIRef
    unit_lun: URIRef
    unit_xiang_box: URIRef
    unit_ceng: URIRef
    unit_jian: URIRef
    unit_tai: URIRef
    unit_jia: URIRef
    unit_hu: URIRef
    unit_suo: URIRef
    unit_ben: URIRef
    unit_ce: URIRef
    unit_pian: URIRef
    unit_fen: URIRef
    unit_qi_issue: URIRef
    unit_pi: URIRef
    unit_liang: URIRef
    unit_dong: URIRef
    unit_jian_room: URIRef
    unit_zhang: URIRef
    unit_men: URIRef
    unit_keshi: URIRef
    unit_zuo: URIRef
    unit_chu: URIRef
    unit_tiao: URIRef
    unit_zhong: URIRef
    unit_fen_score: URIRef
    unit_yuan: URIRef
    unit_wanyuan: URIRef
    unit_yiyuan: URIRef
    unit_wanren: URIRef
    unit_wanrenci: URIRef
    unit_pingfangmi_wan: URIRef
    # framework concepts (ontology/frameworks.ttl)
    nat_benefit: URIRef
    nat_benefit_ecological: URIRef
    nat_benefit_economic: URIRef
    nat_benefit_social: URIRef
    nat_benefit_sustainable: URIRef
    nat_cost: URIRef
    nat_cost_ecological: URIRef
    nat_cost_economic: URIRef
    nat_cost_social: URIRef
    nat_output: URIRef
    nat_output_cost: URIRef
    nat_output_quality: URIRef
    nat_output_quantity: URIRef
    nat_output_timeliness: URIRef
    nat_satisfaction: URIRef
    nat_satisfaction_beneficiary: URIRef
    sh_effect: URIRef
    sh_effect_ecological: URIRef
    sh_effect_economic: URIRef
    sh_effect_satisfaction: URIRef
    sh_effect_social: URIRef
    sh_effect_sustainable: URIRef
    sh_impact: URIRef
    sh_impact_facilities: URIRef
    sh_impact_hr: URIRef
    sh_impact_longterm: URIRef
    sh_impact_other: URIRef
    sh_impact_sharing: URIRef
    sh_input: URIRef
    sh_input_assets: URIRef
    sh_input_budget: URIRef
    sh_input_finance: URIRef
    sh_input_implementation: URIRef
    sh_output: URIRef
    sh_output_cost: URIRef
    sh_output_quality: URIRef
    sh_output_quantity: URIRef
    sh_output_timeliness: URIRef


class ELI(DefinedNamespace):
    """The few European Legislation Identifier terms jixiao uses."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: URIRef
    id_local: URIRef
    passed_by: URIRef
    title: URIRef


# The audit rules (ontology/audit.ttl): each rule is a sh:NodeShape named jxa:<rule id>.
JXA = Namespace("https://w3id.org/jixiao/audit#")
SH = Namespace("http://www.w3.org/ns/shacl#")

UNIT = Namespace("http://qudt.org/vocab/unit/")
QUDT = Namespace("http://qudt.org/schema/qudt/")

# Prefixes bound for SPARQL (the contract's queries are written without PREFIX lines) and
# for Turtle output.
PREFIXES: dict[str, str] = {
    "jx": JX_IRI,
    "eli": str(ELI._NS),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "unit": str(UNIT),
    "qudt": str(QUDT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}


def sparql_prologue() -> str:
    """PREFIX lines for every prefix in :data:`PREFIXES` (for servers we cannot configure)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
