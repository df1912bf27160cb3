"""The example queries of the SPARQL page, for researchers, preparers and auditors.

They are documentation that runs: the HTTP tests execute every one against the sample data,
and docs/sparql-examples.md lists the same queries.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from graph.vocab import ELI, JX, sparql_prologue
from graph.vocab import PREFIXES as PREFIX_MAP

# Every prefix the endpoint knows, as PREFIX lines. The endpoint declares them itself, so
# queries (and these examples) are written without them; the page lists them for reference.
PREFIXES = sparql_prologue()
# Terms the editor completes besides the jx: and eli: vocabularies.
COMMON_TERMS = ("rdf:type", "rdfs:label", "rdfs:comment", "skos:prefLabel", "skos:broader", "skos:inScheme",
                "skos:closeMatch", "dcterms:title", "prov:wasDerivedFrom", "org:Organization")

DEFAULT_QUERY = """SELECT ?title ?applicant ?year WHERE {
  ?p a jx:Project ; dcterms:title ?title .
  OPTIONAL { ?p jx:applicant/skos:prefLabel ?applicant }
  OPTIONAL { ?p jx:fiscalYear ?year }
}
LIMIT 100"""

GROUPS = {"researchers": "研究人员 Researchers", "preparers": "编制人员 Preparers", "auditors": "审计人员 Auditors"}


@dataclass(frozen=True)
class Example:
    id: str
    group: str
    title: str  # Chinese first, English after
    query: str  # without PREFIX lines: the endpoint declares every prefix of graph.vocab.PREFIXES

    @property
    def full(self) -> str:
        """The query as the editor shows and runs it (no PREFIX noise)."""
        return self.query


EXAMPLES: list[Example] = [
    Example("indicators-per-l1", "researchers", "各一级指标下的指标数量 · Indicators per level-1 category", """\
SELECT ?l1label (SUM(?c) AS ?n) WHERE {
  { SELECT ?l2 (COUNT(?i) AS ?c) WHERE { ?i a jx:Indicator ; jx:category ?l2 . } GROUP BY ?l2 }
  ?l2 skos:broader ?l1 . ?l1 skos:prefLabel ?l1label .
}
GROUP BY ?l1label
ORDER BY DESC(?n)"""),
    Example("numeric-targets", "researchers", "数值目标的分布 · How numeric targets are set", """\
SELECT ?op ?value ?unit (COUNT(?i) AS ?indicators) WHERE {
  ?i jx:target ?t .
  ?t jx:operator ?op ; jx:numericValue ?value .
  OPTIONAL { ?t jx:unitLabel ?unit }
}
GROUP BY ?op ?value ?unit
ORDER BY DESC(?indicators)
LIMIT 50"""),
    Example("budgets", "researchers", "各项目预算 · Budgets by project and applicant", """\
SELECT ?title ?applicant ?year ?total ?current WHERE {
  ?p a jx:Project ; dcterms:title ?title .
  OPTIONAL { ?p jx:applicant/skos:prefLabel ?applicant }
  OPTIONAL { ?p jx:fiscalYear ?year }
  OPTIONAL { ?p jx:budgetTotal ?total }
  OPTIONAL { ?p jx:budgetCurrentYear ?current }
}
ORDER BY DESC(?total)"""),
    Example("qualitative-targets", "researchers", "定性目标用词 · Words used as qualitative targets", """\
SELECT ?word (COUNT(?i) AS ?indicators) WHERE {
  ?i jx:target/jx:qualitativeValue ?word .
}
GROUP BY ?word
ORDER BY DESC(?indicators)"""),
    Example("satisfaction", "preparers", "满意度指标怎么写、目标定多少 · How projects word and set satisfaction targets", """\
SELECT ?name ?raw ?title WHERE {
  { ?i rdfs:label ?name . FILTER(CONTAINS(?name, "满意度")) }
  ?p jx:hasIndicator ?i ; dcterms:title ?title .
  OPTIONAL { ?i jx:target/jx:rawText ?raw }
}
ORDER BY ?name"""),
    Example("timeliness", "preparers", "时效指标 · Timeliness indicators across projects", """\
SELECT ?name ?raw ?title WHERE {
  ?p jx:hasIndicator ?i ; dcterms:title ?title .
  ?i rdfs:label ?name ; jx:category/skos:prefLabel ?l2 .
  OPTIONAL { ?i jx:target/jx:rawText ?raw }
  FILTER(CONTAINS(STR(?l2), "时效"))
}
ORDER BY ?title ?name"""),
    Example("common-wordings", "preparers", "多个项目共用的指标名称 · Indicator names used by several projects", """\
SELECT ?name (COUNT(DISTINCT ?p) AS ?projects) (GROUP_CONCAT(DISTINCT ?raw; separator=" | ") AS ?targets) WHERE {
  ?p jx:hasIndicator ?i . ?i rdfs:label ?name .
  OPTIONAL { ?i jx:target/jx:rawText ?raw }
}
GROUP BY ?name
HAVING (COUNT(DISTINCT ?p) > 1)
ORDER BY DESC(?projects) ?name"""),
    Example("missing-targets", "preparers", "没有目标值的指标 · Indicators without a target", """\
SELECT ?title ?name WHERE {
  ?p jx:hasIndicator ?i ; dcterms:title ?title .
  ?i rdfs:label ?name .
  FILTER NOT EXISTS { ?i jx:target ?t }
}
ORDER BY ?title"""),
    Example("resting-on", "auditors", "哪些项目以沪委办发〔2018〕12号为立项依据 · Projects resting on one document", """\
SELECT ?title WHERE {
  ?doc eli:id_local "沪委办发〔2018〕12号" .
  ?p jx:legalBasis ?doc ; dcterms:title ?title .
}"""),
    Example("shared-documents", "auditors", "被多个项目引用的文件 · Documents several projects rely on", """\
SELECT ?number ?title (COUNT(DISTINCT ?p) AS ?projects) WHERE {
  ?doc a jx:LegalDocument .
  { ?p jx:legalBasis ?doc } UNION { ?p jx:cites ?doc }
  OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?doc dcterms:title ?title }
}
GROUP BY ?number ?title
ORDER BY DESC(?projects) ?number"""),
    Example("bases-by-issuer", "auditors", "立项依据及发文机关 · Legal bases with their issuing bodies", """\
SELECT ?project ?number ?issuer WHERE {
  ?p jx:legalBasis ?doc ; dcterms:title ?project .
  OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?doc eli:passed_by/skos:prefLabel ?issuer }
}
ORDER BY ?project ?number"""),
    Example("execution-rate", "auditors", "上年预算执行率 · Last year's budget execution rate", """\
SELECT ?title ?budget ?executed ((?executed / ?budget) AS ?rate) WHERE {
  ?p dcterms:title ?title ; jx:budgetPreviousYear ?budget ; jx:executedPreviousYear ?executed .
  FILTER(?budget > 0)
}
ORDER BY ?rate"""),
    Example("citation-graph", "auditors", "引用关系图（CONSTRUCT）· The citation graph as RDF", """\
CONSTRUCT {
  ?p jx:legalBasis ?doc . ?p jx:cites ?cited .
  ?p dcterms:title ?title . ?doc eli:id_local ?number .
} WHERE {
  ?p a jx:Project ; dcterms:title ?title .
  OPTIONAL { ?p jx:legalBasis ?doc . OPTIONAL { ?doc eli:id_local ?number } }
  OPTIONAL { ?p jx:cites ?cited }
}"""),
]


def by_group() -> list[dict]:
    return [{"group": g, "label": label,
             "examples": [dict(asdict(e), full=e.full) for e in EXAMPLES if e.group == g]}
            for g, label in GROUPS.items()]


def find(example_id: str) -> Example | None:
    return next((e for e in EXAMPLES if e.id == example_id), None)


def editor_config() -> dict:
    """What the SPARQL editor (YASGUI) needs, offline: the endpoint's prefixes (completion and
    abbreviated IRIs in results) and the vocabulary's terms (completion)."""
    terms = [f"jx:{name}" for name in JX.__annotations__] + [f"eli:{name}" for name in ELI.__annotations__]
    return {"prefixes": dict(PREFIX_MAP), "terms": sorted(set(terms) | set(COMMON_TERMS)),
            "default_query": DEFAULT_QUERY}
