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
    # legal documents and organizations
    issuerCode: URIRef
    documentYear: URIRef
    serialNumber: URIRef
    administrativeLevel: URIRef
    # warnings
    warningCode: URIRef
    message: URIRef
    # similarity (written by search/)
    similarIndicator: URIRef
    similarity: URIRef
    other: URIRef
    score: URIRef
    reuseCluster: URIRef


class ELI(DefinedNamespace):
    """The few European Legislation Identifier terms jixiao uses."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: URIRef
    id_local: URIRef
    passed_by: URIRef
    title: URIRef


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
