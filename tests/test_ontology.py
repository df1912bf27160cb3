"""The Turtle files: the vocabulary contract is fully defined, the frameworks are well formed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.frameworks import NATIONAL, SHANGHAI, detect_scheme, lookup, normalize_label, resolve
from graph.units import LOCAL_UNITS, unit_iri
from graph.vocab import JX, JX_IRI, UNIT
from ontology import load

VOCABULARY = Path("/work/shared/spec/vocabulary.md")
JX_NS = JX_IRI


def contract_terms() -> set[str]:
    """Every jx: term the shared vocabulary contract names."""
    if VOCABULARY.exists():
        text = VOCABULARY.read_text(encoding="utf-8")
    else:  # the contract as of this writing, for checkouts without the shared folder
        text = " ".join("jx:" + t for t in (
            "Project applicant fiscalYear projectCategory startDate endDate budgetTotal budgetCurrentYear "
            "budgetPreviousYear executedPreviousYear legalBasis cites hasIndicator sha256 sourceLine Indicator "
            "category position target rawText operator numericValue unit unitLabel qualitativeValue "
            "LegalDocument issuerCode documentYear serialNumber similarIndicator similarity Similarity other "
            "score reuseCluster NationalFramework ShanghaiFramework ReuseScheme").split())
    return set(re.findall(r"jx:([A-Za-z][A-Za-z0-9_]*)", text))


def test_contract_has_the_terms_we_expect():
    terms = contract_terms()
    assert {"Project", "Indicator", "legalBasis", "numericValue", "reuseCluster"} <= terms


@pytest.mark.parametrize("term", sorted(contract_terms()))
def test_every_contract_term_is_defined_with_labels_and_comment(term):
    g = load("jixiao.ttl")
    iri = URIRef(JX_NS + term)
    types = set(g.objects(iri, RDF.type))
    assert types & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme}, term
    langs = {lit.language for lit in g.objects(iri, RDFS.label)}
    assert {"zh", "en"} <= langs, f"{term} needs rdfs:label @zh and @en"
    assert any(True for _ in g.objects(iri, RDFS.comment)), f"{term} needs rdfs:comment"
    if OWL.ObjectProperty in types or OWL.DatatypeProperty in types:
        assert (iri, RDFS.range, None) in g, f"{term} needs a range"
    # the DefinedNamespace knows it too (a typo raises instead of minting an IRI)
    assert getattr(JX, term) == iri


def test_vocab_namespace_and_ontology_agree():
    declared = {name for name in JX.__annotations__}
    defined = {str(s)[len(JX_NS):] for f in ("jixiao.ttl", "frameworks.ttl") for s in load(f).subjects(RDF.type, None)
               if str(s).startswith(JX_NS)}
    assert declared == defined
    with pytest.raises(AttributeError):
        JX.notATerm  # noqa: B018 - _fail = True


def test_contract_reuses_standard_vocabularies():
    g = load("jixiao.ttl")
    assert (JX.LegalDocument, RDFS.subClassOf, URIRef("http://data.europa.eu/eli/ontology#LegalResource")) in g
    assert (JX.applicant, RDFS.range, URIRef("http://www.w3.org/ns/org#Organization")) in g
    assert (JX.category, RDFS.range, SKOS.Concept) in g


def test_local_units_are_defined_and_qudt_is_used_where_it_fits():
    g = load("jixiao.ttl")
    for name, (zh, _en, _alts) in LOCAL_UNITS.items():
        iri = URIRef(JX_NS + name)
        assert (iri, RDF.type, JX.Unit) in g
        assert Literal(zh, lang="zh") in set(g.objects(iri, RDFS.label))
    for word in "名 套 项 场 起 人 次 个 部 块 面 轮 箱 层".split():
        assert unit_iri(word) is not None and str(unit_iri(word)).startswith(JX_NS), word
    assert unit_iri("%") == UNIT.PERCENT
    assert unit_iri("％") == UNIT.PERCENT  # full-width
    assert unit_iri("m²") == UNIT.M2 and unit_iri("㎡") == UNIT.M2
    assert unit_iri("天") == UNIT.DAY
    assert unit_iri("箱") != unit_iri("项")
    assert unit_iri("furlongs") is None


# ---------------------------------------------------------------- frameworks.ttl


def test_every_framework_concept_is_well_formed():
    g = load("frameworks.ttl")
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 35
    for c in concepts:
        pref = list(g.objects(c, SKOS.prefLabel))
        # exactly one prefLabel, @zh: GROUP BY prefLabel queries must count a concept once
        assert len(pref) == 1 and pref[0].language == "zh", c
        scheme = g.value(c, SKOS.inScheme)
        assert scheme in (SHANGHAI, NATIONAL)
        broader = g.value(c, SKOS.broader)
        if broader is None:
            assert (c, SKOS.topConceptOf, scheme) in g
        else:
            assert g.value(broader, SKOS.inScheme) == scheme
            assert g.value(broader, SKOS.broader) is None  # two levels
        for other in g.objects(c, SKOS.exactMatch):  # stated both ways: no reasoner runs
            assert (other, SKOS.exactMatch, c) in g
            assert g.value(other, SKOS.inScheme) != scheme


def test_framework_structure_matches_the_issue():
    def children(top):
        g = load("frameworks.ttl")
        return {str(g.value(c, SKOS.prefLabel)) for c in g.subjects(SKOS.broader, top)}

    assert children(lookup("投入与管理", SHANGHAI, 1)) == {"投入管理", "财务管理", "实施管理", "资产管理"}
    assert children(lookup("产出", SHANGHAI, 1)) == {"数量", "质量", "时效", "成本"}
    assert children(lookup("效果", SHANGHAI, 1)) == {"社会效益", "经济效益", "生态效益", "满意度", "可持续影响"}
    assert children(lookup("影响力", SHANGHAI, 1)) == {"长效管理", "人力资源", "配套设施", "信息共享", "其它"}
    assert children(lookup("产出指标", NATIONAL, 1)) == {"数量指标", "质量指标", "时效指标", "成本指标"}
    assert children(lookup("效益指标", NATIONAL, 1)) == {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"}
    assert children(lookup("满意度指标", NATIONAL, 1)) == {"服务对象满意度指标"}


def test_one_query_finds_satisfaction_or_cost_indicators_in_either_framework():
    import pyoxigraph as ox

    from ontology import read_text

    store = ox.Store()
    store.load(read_text("frameworks.ttl"), ox.RdfFormat.TURTLE)
    ex = "http://example.org/"
    store.load(f"""@prefix jx: <{JX_NS}> .
        <{ex}a> jx:category jx:sh_effect_satisfaction .   # Shanghai 满意度
        <{ex}b> jx:category jx:nat_satisfaction_beneficiary . # national 服务对象满意度指标
        <{ex}c> jx:category jx:sh_output_cost .             # Shanghai 成本
        <{ex}d> jx:category jx:nat_cost_economic .          # national (2021) 经济成本指标
        <{ex}e> jx:category jx:nat_output_cost .            # national (old) 成本指标 under 产出
        <{ex}f> jx:category jx:sh_output_quantity .""", ox.RdfFormat.TURTLE)

    def find(top: str) -> set[str]:
        q = f"""PREFIX skos: <{SKOS}> PREFIX jx: <{JX_NS}>
            SELECT ?i WHERE {{ ?i jx:category ?c . ?c (skos:exactMatch|skos:broadMatch|skos:broader)* jx:{top} }}"""
        return {s["i"].value[len(ex):] for s in store.query(q)}

    assert find("nat_satisfaction") == {"a", "b"}
    assert find("nat_cost") == {"c", "d", "e"}


def test_wording_variants_are_alt_labels_and_resolve():
    g = load("frameworks.ttl")
    alts = {str(a) for a in g.objects(JX.nat_output, SKOS.altLabel)}
    assert {"产出目标", "项目完成指标"} <= alts
    for variant in ("产出目标", "产出指标", "产出指标（必填）", "产出目标(必填)", " 1．产出指标 ", "＊产出目标"):
        assert lookup(variant, SHANGHAI, 1) == JX.sh_output, variant
        assert lookup(variant, NATIONAL, 1) == JX.nat_output, variant
    assert lookup("项目完成指标", NATIONAL, 1) == JX.nat_output
    assert lookup("项目效益指标", NATIONAL, 1) == JX.nat_benefit
    assert lookup("效果目标", SHANGHAI, 1) == JX.sh_effect
    assert lookup("其他", SHANGHAI) == lookup("其它", SHANGHAI) == JX.sh_impact_other
    assert lookup("满意度指标（选填）", NATIONAL, 1) == JX.nat_satisfaction
    assert lookup("不存在的类别") is None


def test_normalize_label():
    assert normalize_label("产出指标（必填）") == "产出"
    assert normalize_label("ＡＢ 数量 目标") == "AB数量"
    assert normalize_label("一、效益指标") == "效益"
    assert normalize_label("其他") == "其它"
    assert normalize_label(None) == ""
    assert normalize_label("指标") == "指标"  # never reduced to nothing


def test_detect_scheme_from_the_wording():
    assert detect_scheme(["投入与管理", "产出目标", "效果目标", "影响力目标"], ["投入管理", "数量"]) == SHANGHAI
    assert detect_scheme(["产出指标", "效益指标", "满意度指标"], ["数量指标", "服务对象满意度指标"]) == NATIONAL
    assert detect_scheme(["项目完成指标", "项目效益指标"], ["数量指标"]) == NATIONAL
    assert detect_scheme([], []) == NATIONAL


def test_resolve_reports_what_does_not_fit():
    ok = resolve("产出目标", "数量", SHANGHAI)
    assert ok.concept.iri == JX.sh_output_quantity and ok.warning is None
    unknown = resolve("产出目标", "绿化", SHANGHAI)
    assert unknown.concept is None and unknown.top.iri == JX.sh_output and "local" in unknown.warning
    misplaced = resolve("长效管理", "满意度", SHANGHAI)
    assert misplaced.concept.iri == JX.sh_effect_satisfaction and misplaced.warning
    shifted = resolve("长效管理", None, SHANGHAI)
    assert shifted.concept.iri == JX.sh_impact_longterm and shifted.warning


def test_shapes_parse():
    from rdflib.namespace import SH

    g = load("shapes.ttl")
    targets = set(g.objects(None, SH.targetClass))
    assert {JX.Project, JX.Indicator, JX.Target, JX.LegalDocument} <= targets
