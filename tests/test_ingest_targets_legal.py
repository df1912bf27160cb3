"""Target values and legal citations."""
from __future__ import annotations

import pytest

from ingest.legal import extract_citations
from ingest.targets import parse_target


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit", "qualitative"),
    [
        ("=100%", "=", 100, "%", None),
        ("≥85%", "≥", 85, "%", None),
        (">=85%", "≥", 85, "%", None),
        ("＝15名", "=", 15, "名", None),
        ("≤3天", "≤", 3, "天", None),
        ("=3600m²", "=", 3600, "m²", None),
        ("=0起", "=", 0, "起", None),
        ("≧９０％", "≥", 90, "%", None),
        ("═1套", "=", 1, "套", None),
        ("<5‰", "<", 5, "‰", None),
        ("不低于95%", "≥", 95, "%", None),
        ("≤50元/人次", "≤", 50, "元/人次", None),
        ("12.5万元", None, 12.5, "万元", None),
        ("及时", None, None, None, "及时"),
        ("合规", None, None, None, "合规"),
        ("健全", None, None, None, "健全"),
        ("三级", None, None, None, "三级"),
        ("较去年减少", None, None, None, "较去年减少"),
    ],
)
def test_targets(raw, op, value, unit, qualitative):
    t = parse_target(raw)
    assert (t.raw, t.op, t.value, t.unit, t.qualitative) == (raw, op, value, unit, qualitative)


def test_empty_target_is_none():
    assert parse_target("  ") is None


def refs(text, **kw):
    return [(r.title, r.doc_number) for r in extract_citations(text, **kw)]


def test_numbered_list_with_inner_brackets_and_wrappers():
    text = ("1、《中共中央、国务院关于进一步加强人才工作的决定》（中发〔2003〕16号）；"
            "2、《人事部关于印发〈关于加快发展人才市场的意见〉的通知》（国人部发〔2004〕12号）；"
            "3、《上海实施人才强市战略行动纲要》；4、关于印发《上海金融领域人才发展规划》（沪金融工委〔2016〕32号）。")
    assert refs(text) == [
        ("中共中央、国务院关于进一步加强人才工作的决定", "中发〔2003〕16号"),
        ("人事部关于印发〈关于加快发展人才市场的意见〉的通知", "国人部发〔2004〕12号"),
        ("上海实施人才强市战略行动纲要", None),
        ("上海金融领域人才发展规划", "沪金融工委〔2016〕32号"),
    ]


@pytest.mark.parametrize(
    ("raw", "canonical", "year", "serial"),
    [
        ("沪委办发〔2018〕12号", "沪委办发〔2018〕12号", 2018, 12),
        ("沪府发（2019）3号", "沪府发〔2019〕3号", 2019, 3),
        ("沪府发(2019)3号", "沪府发〔2019〕3号", 2019, 3),
        ("财预[2017]32号", "财预〔2017〕32号", 2017, 32),
        ("财预【2017】32号", "财预〔2017〕32号", 2017, 32),
        ("沪计教（87）第549号", "沪计教〔1987〕549号", 1987, 549),
        ("国办发〔２０２０〕１０号", "国办发〔2020〕10号", 2020, 10),
        ("财绩〔2020〕第 6 号", "财绩〔2020〕6号", 2020, 6),
    ],
)
def test_document_number_forms(raw, canonical, year, serial):
    (ref,) = extract_citations(f"《某某办法》（{raw}）")
    assert (ref.doc_number, ref.doc_number_raw, ref.year, ref.serial) == (canonical, raw, year, serial)


def test_titles_with_angle_brackets_and_no_list_numbers():
    text = "《中共上海市委办公厅 上海市人民政府办公厅印发<加快实施人才高峰工程行动方案>的通知》（沪委办发〔2018〕12号）。"
    ((title, number),) = refs(text)
    assert title.endswith("印发<加快实施人才高峰工程行动方案>的通知") and number == "沪委办发〔2018〕12号"


def test_laws_without_numbers_are_legal_bases_but_not_other_citations():
    text = "根据《中华人民共和国预算法》和《上海市预算审查监督条例》，按照沪财绩〔2020〕6号文件执行。"
    assert refs(text) == [("中华人民共和国预算法", None), ("上海市预算审查监督条例", None), (None, "沪财绩〔2020〕6号")]
    assert refs(text, require_number=True) == [(None, "沪财绩〔2020〕6号")]


def test_number_without_title_takes_its_clause():
    assert refs("1、国务院关于加强预算绩效管理的意见（国发〔2018〕34号）") == [
        ("国务院关于加强预算绩效管理的意见", "国发〔2018〕34号")]


def test_each_document_once_in_citation_order():
    text = "《甲办法》（沪府发〔2019〕3号）；《乙规定》；再次依据《甲办法》（沪府发〔2019〕3号）"
    assert refs(text) == [("甲办法", "沪府发〔2019〕3号"), ("乙规定", None)]
