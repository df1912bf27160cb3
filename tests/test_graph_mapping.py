"""Records → triples: stable IRIs, shared documents, targets, categories, warnings."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import rdflib.namespace as rdfns
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from graph.iris import Minter, normalize_title
from graph.mapping import map_source
from graph.vocab import ELI, JX, UNIT
from ingest.records import Budget, Indicator, LegalRef, ParseWarning, SourceRecord, TableRecord, Target

FIRE_LAW = LegalRef(title="《中华人民共和国消防法》")
HU_REN_FU = LegalRef(title="上海市人才服务中心2016年度人才公共服务工作要点", doc_number="沪人服〔2016〕1号",
                     doc_number_raw="沪人服（2016）1号", issuer_code="沪人服", year=2016, serial=1)


def table(title: str = "示例项目", indicators=None, **kw) -> TableRecord:
    kw = {"start": "2020-01-01", "end": "2020-12-31", **kw}
    return TableRecord(
        title=title, unit="上海市人才服务中心", year=2020, category="经常性专项业务费",
        budget=Budget(total=9_900_000, current_year=9_900_000.5),
        text_fields={"项目概况": "概况", "其他说明": "补充"},
        indicators=indicators if indicators is not None else [
            Indicator("产出目标", "数量", "服务人数", Target("=15名", "=", 15, "名"), 31, 1),
            Indicator("效果目标", "满意度", "满意度", Target("≥85%", "≥", 85, "%"), 32, 2),
            Indicator("投入与管理", "财务管理", "资金使用规范性", Target("合规", qualitative="合规"), 33, 3),
            Indicator("产出目标", "质量", "验收面积", Target("=3600m²", "=", 3600.5, "m²"), 34, 4),
            Indicator("产出目标", "数量", "档案", Target("=5000卷", "=", 5000, "卷"), 35, 5),
            Indicator("产出目标", "质量", "无目标", None, 36, 6),
        ],
        lines=(3, 40), **kw,
    )


def record(path: str, *tables: TableRecord, sha: str = "0" * 64) -> SourceRecord:
    return SourceRecord(path=path, encoding="utf-8", sha256=sha, tables=list(tables))


def test_same_input_same_iris_and_base_is_configurable(tmp_path):
    r = record(str(tmp_path / "a.txt"), table())
    a, b = map_source(r), map_source(r)
    assert a.triples == b.triples and a.shared == b.shared
    other = map_source(r, Minter("http://example.org/jx"))
    subjects = {str(s) for s, _, _ in other.triples}
    assert all(s.startswith("http://example.org/jx/") for s in subjects)
    assert str(other.graph).startswith("http://example.org/jx/graph/")


def test_project_fields_and_provenance(tmp_path):
    m = map_source(record(str(tmp_path / "a.txt"), table()))
    g = set(m.triples)
    p = next(s for s, pr, o in g if pr == RDF.type and o == JX.Project)
    assert (p, DCTERMS.title, Literal("示例项目", lang="zh")) in g
    assert (p, JX.fiscalYear, Literal("2020", datatype=rdfns.XSD.gYear)) in g
    assert (p, JX.startDate, Literal("2020-01-01", datatype=rdfns.XSD.date)) in g
    assert (p, JX.budgetTotal, Literal(Decimal("9900000"), datatype=rdfns.XSD.decimal)) in g
    assert (p, JX.budgetCurrentYear, Literal(Decimal("9900000.5"), datatype=rdfns.XSD.decimal)) in g
    assert (p, JX.overview, Literal("概况", lang="zh")) in g
    assert (p, JX.textField, Literal("其他说明：补充", lang="zh")) in g
    assert (p, PROV.wasDerivedFrom, m.source) in g
    assert (p, JX.sourceLine, Literal(3, datatype=rdfns.XSD.integer)) in g
    assert (m.source, JX.sha256, Literal("0" * 64)) in g
    applicant = next(o for s, pr, o in g if pr == JX.applicant)
    assert (applicant, SKOS.prefLabel, Literal("上海市人才服务中心", lang="zh")) in set(m.shared)


def test_indicators_targets_units(tmp_path):
    m = map_source(record(str(tmp_path / "a.txt"), table()))
    g = set(m.triples)
    inds = {s for s, pr, o in g if pr == RDF.type and o == JX.Indicator}
    assert len(inds) == 6 and m.indicators == 6

    def ind(name):
        return next(s for s in inds if (s, RDFS.label, Literal(name, lang="zh")) in g)

    def tgt(name):
        return next(o for s, pr, o in g if s == ind(name) and pr == JX.target)

    i = ind("服务人数")
    assert (i, JX.position, Literal(1, datatype=rdfns.XSD.integer)) in g
    assert (i, JX.sourceLine, Literal(31, datatype=rdfns.XSD.integer)) in g
    assert (i, JX.category, JX.sh_output_quantity) in g
    assert (i, PROV.wasDerivedFrom, m.source) in g
    t = tgt("服务人数")
    assert (t, JX.rawText, Literal("=15名")) in g
    assert (t, JX.operator, Literal("=")) in g
    assert (t, JX.numericValue, Literal(Decimal("15"), datatype=rdfns.XSD.decimal)) in g
    assert (t, JX.unit, JX.unit_ming) in g and (t, JX.unitLabel, Literal("名")) in g
    assert (tgt("满意度"), JX.unit, UNIT.PERCENT) in g
    assert (tgt("满意度"), JX.operator, Literal("≥")) in g
    assert (tgt("验收面积"), JX.unit, UNIT.M2) in g
    assert (tgt("验收面积"), JX.numericValue, Literal(Decimal("3600.5"), datatype=rdfns.XSD.decimal)) in g
    assert (tgt("资金使用规范性"), JX.qualitativeValue, Literal("合规", lang="zh")) in g
    assert not any(s == tgt("资金使用规范性") and pr == JX.numericValue for s, pr, o in g)
    # a unit nobody listed keeps an IRI of its own, labelled as written
    juan = next(o for s, pr, o in g if s == tgt("档案") and pr == JX.unit)
    assert (juan, RDFS.label, Literal("卷", lang="zh")) in g and (juan, RDF.type, JX.Unit) in g
    # no target in the source: no jx:target, nothing invented
    assert not any(s == ind("无目标") and pr == JX.target for s, pr, o in g)


def test_same_document_number_is_one_node_whichever_project_or_file_cites_it(tmp_path):
    a = map_source(record(str(tmp_path / "a.txt"), table("甲", legal_bases=[HU_REN_FU])))
    b = map_source(record(str(tmp_path / "b.txt"), table("乙", other_cited_documents=[HU_REN_FU])))
    doc_a = next(o for _, p, o in a.triples if p == JX.legalBasis)
    doc_b = next(o for _, p, o in b.triples if p == JX.cites)
    assert doc_a == doc_b
    shared = set(a.shared)
    assert (doc_a, RDF.type, JX.LegalDocument) in shared
    assert (doc_a, ELI.id_local, Literal("沪人服〔2016〕1号")) in shared
    assert (doc_a, JX.issuerCode, Literal("沪人服")) in shared
    assert (doc_a, JX.documentYear, Literal("2016", datatype=rdfns.XSD.gYear)) in shared
    assert (doc_a, JX.serialNumber, Literal(1, datatype=rdfns.XSD.integer)) in shared
    # document descriptions are shared, never in the per-file graph
    assert not any(s == doc_a for s, _, _ in a.triples)


def test_numberless_document_is_keyed_by_normalized_title():
    m = Minter()
    assert m.document(None, "《中华人民共和国消防法》") == m.document(None, "中华人民共和国 消防法")
    assert m.document(None, "中华人民共和国消防法") != m.document(None, "中华人民共和国特种设备安全法")
    assert m.document("沪人服〔2016〕1号", "x") == m.document("沪人服〔2016〕1号", "y")
    assert m.document(None, None) is None
    assert normalize_title("《关于〈加快实施〉的通知》") == normalize_title("关于加快实施的通知")


def test_issuing_body_linked_when_the_code_is_known(tmp_path):
    def known(code):
        return ("上海市人才服务中心", "municipal") if code == "沪人服" else None

    m = map_source(record(str(tmp_path / "a.txt"), table(legal_bases=[HU_REN_FU, FIRE_LAW])), issuers=known)
    shared = set(m.shared)
    doc = Minter().document("沪人服〔2016〕1号", None)
    body = next(o for s, p, o in shared if s == doc and p == ELI.passed_by)
    assert (body, SKOS.prefLabel, Literal("上海市人才服务中心", lang="zh")) in shared
    # the issuing body and the applicant with the same name are one organization
    assert body == next(o for _, p, o in m.triples if p == JX.applicant)
    law = Minter().document(None, FIRE_LAW.title)
    assert not any(s == law and p == ELI.passed_by for s, p, o in shared)
    unknown = map_source(record(str(tmp_path / "a.txt"), table(legal_bases=[HU_REN_FU])), issuers=None)
    assert not any(p == ELI.passed_by for _, p, _ in unknown.shared)


def test_unknown_category_becomes_a_local_concept_with_a_warning(tmp_path):
    inds = [Indicator("产出目标", "绿化养护", "绿化面积", Target("=10亩", "=", 10, "亩"), 50, 1),
            Indicator("自定义一级", "自定义二级", "其它事项", None, 51, 2),
            Indicator(None, None, "无类别", None, 52, 3)]
    m = map_source(record(str(tmp_path / "a.txt"), table(indicators=inds)))
    g = set(m.triples)
    assert m.indicators == 3  # never dropped
    cats = [o for _, p, o in m.triples if p == JX.category]
    assert len(cats) == 3
    for c in cats:
        scheme = next(o for s, p, o in g if s == c and p == SKOS.inScheme)
        assert (scheme, RDF.type, JX.LocalScheme) in g
        assert any(s == c and p == SKOS.broader for s, p, o in g)  # every category has a 一级
    assert (cats[0], SKOS.broader, JX.sh_output) in g
    assert (cats[0], SKOS.prefLabel, Literal("绿化养护", lang="zh")) in g
    assert len(m.warnings) == 3 and all(w["code"] == "category" for w in m.warnings)
    assert m.warnings[0]["line"] == 50
    warning_nodes = {s for s, p, o in g if p == RDF.type and o == JX.Warning}
    assert len(warning_nodes) == 3


def test_parse_warnings_become_warning_nodes(tmp_path):
    t = table(warnings=[ParseWarning(36, "missing-target", "indicator 无目标 has no target value")])
    m = map_source(record(str(tmp_path / "a.txt"), t))
    g = set(m.triples)
    w = next(s for s, p, o in g if p == JX.warningCode and o == Literal("missing-target"))
    assert (w, JX.sourceLine, Literal(36, datatype=rdfns.XSD.integer)) in g
    assert (w, JX.message, Literal("indicator 无目标 has no target value")) in g
    p = next(s for s, pr, o in g if pr == JX.warning and o == w)
    assert (p, RDF.type, JX.Project) in g
    assert m.parse_warnings == 1


def test_two_identical_headers_in_one_file_get_two_projects(tmp_path):
    m = map_source(record(str(tmp_path / "a.txt"), table(), table()))
    projects = {s for s, p, o in m.triples if p == RDF.type and o == JX.Project}
    assert len(projects) == 2


def test_bad_dates_are_not_stored_but_reported(tmp_path):
    m = map_source(record(str(tmp_path / "a.txt"), table(start="2020年1月")))
    assert not any(p == JX.startDate for _, p, _ in m.triples)
    assert any(w["code"] == "bad-date" for w in m.warnings)


def test_graph_is_per_source_content_wherever_the_file_is(tmp_path):
    a = map_source(record(str(tmp_path / "a.txt"), table()))
    b = map_source(record(str(tmp_path / "b.txt"), table(), sha="1" * 64))
    assert a.graph != b.graph and isinstance(a.graph, URIRef)
    assert str(a.graph).endswith("/graph/" + "0" * 64)  # the file's SHA-256
    moved = map_source(record("/elsewhere/on/another/machine/a.txt", table()))
    assert moved.graph == a.graph and moved.source == a.source
    assert {t for t in moved.triples if "path" not in str(t[1])} == {t for t in a.triples if "path" not in str(t[1])}


def test_project_iri_is_unit_title_and_year_and_indicators_are_keyed_by_name(tmp_path):
    a = map_source(record(str(tmp_path / "a.txt"), table()))
    # the same table re-published in another file: the same project and indicators
    b = map_source(record(str(tmp_path / "b.txt"), table(), sha="1" * 64))
    projects = {str(s) for s, p, o in a.triples if o == JX.Project}
    assert projects == {str(s) for s, p, o in b.triples if o == JX.Project}
    # a row inserted above: the other indicators keep their IRIs; position is a property
    rows = table().indicators
    inserted = table(indicators=[Indicator("产出目标", "数量", "新增指标", Target("=1个", "=", 1, "个"), 30, 1)]
                     + [dataclasses.replace(i, position=i.position + 1) for i in rows])
    c = map_source(record(str(tmp_path / "c.txt"), inserted, sha="2" * 64))
    ind = {str(o) for s, p, o in a.triples if p == JX.hasIndicator}
    assert ind < {str(o) for s, p, o in c.triples if p == JX.hasIndicator}
    # another year of the same project: another project, the same series and indicator series
    d = map_source(record(str(tmp_path / "d.txt"), dataclasses.replace(table(), year=2021), sha="3" * 64))
    assert {str(s) for s, p, o in d.triples if o == JX.Project}.isdisjoint(projects)
    series = {str(o) for s, p, o in a.triples if p == JX.inSeries}
    assert series and series == {str(o) for s, p, o in d.triples if p == JX.inSeries}
    assert any(o == JX.ProjectSeries for s, p, o in a.shared)
