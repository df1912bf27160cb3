"""Target units as written (%, 名, m²…) → a unit IRI: QUDT where one fits, else a jx: unit.

The jx: units are defined in ``ontology/jixiao.ttl`` (a test keeps the two in step). A unit
that is in neither table gets an IRI under the instance base (see ``graph.iris``), so no
target loses its unit.
"""
from __future__ import annotations

import unicodedata

from rdflib import URIRef

from graph.vocab import JX_IRI, UNIT

# QUDT unit local name → the ways tables write it.
QUDT_UNITS: dict[str, tuple[str, ...]] = {
    "PERCENT": ("%", "％", "百分比", "百分之"),
    "PERMILLE": ("‰",),
    "M2": ("m²", "m2", "㎡", "平方米", "平米", "平方"),
    "M3": ("m³", "m3", "立方米", "方"),
    "M": ("m", "米"),
    "KiloM": ("km", "公里", "千米"),
    "KiloM2": ("km²", "平方公里", "平方千米"),
    "HA": ("公顷",),
    "DAY": ("天", "日", "工作日", "个工作日", "d"),
    "HR": ("小时", "h", "时"),
    "MIN": ("分钟", "min"),
    "SEC": ("秒", "s"),
    "WK": ("周", "星期"),
    "MO": ("月", "个月"),
    "YR": ("年",),
    "TONNE": ("吨", "t"),
    "KiloGM": ("千克", "公斤", "kg"),
    "GM": ("克", "g"),
    "KiloW-HR": ("千瓦时", "度", "kwh"),
}

# jx: local name → (zh label, en label, other spellings). Counting words (量词) QUDT lacks.
LOCAL_UNITS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "unit_ming": ("名", "persons (名)", ()),
    "unit_ren": ("人", "persons (人)", ("位",)),
    "unit_renci": ("人次", "person-times", ()),
    "unit_tao": ("套", "sets", ()),
    "unit_xiang": ("项", "items", ("项目",)),
    "unit_xiangci": ("项次", "item-times", ()),
    "unit_chang": ("场", "sessions (场)", ()),
    "unit_changci": ("场次", "sessions (场次)", ()),
    "unit_qi": ("起", "incidents", ()),
    "unit_ci": ("次", "times", ()),
    "unit_ge": ("个", "pieces (个)", ()),
    "unit_bu": ("部", "units (部)", ()),
    "unit_kuai": ("块", "pieces (块)", ()),
    "unit_mian": ("面", "faces (面)", ()),
    "unit_lun": ("轮", "rounds", ()),
    "unit_xiang_box": ("箱", "boxes", ()),
    "unit_ceng": ("层", "floors", ()),
    "unit_jian": ("件", "pieces (件)", ()),
    "unit_tai": ("台", "machines (台)", ()),
    "unit_jia": ("家", "organizations (家)", ()),
    "unit_hu": ("户", "households", ()),
    "unit_suo": ("所", "institutions (所)", ()),
    "unit_ben": ("本", "volumes (本)", ()),
    "unit_ce": ("册", "volumes (册)", ()),
    "unit_pian": ("篇", "articles", ()),
    "unit_fen": ("份", "copies (份)", ()),
    "unit_qi_issue": ("期", "issues (期)", ()),
    "unit_pi": ("批", "batches", ("批次",)),
    "unit_liang": ("辆", "vehicles", ()),
    "unit_dong": ("栋", "buildings (栋)", ("幢",)),
    "unit_jian_room": ("间", "rooms", ()),
    "unit_zhang": ("张", "sheets", ()),
    "unit_men": ("门", "courses (门)", ()),
    "unit_keshi": ("课时", "class hours", ("学时",)),
    "unit_zuo": ("座", "structures (座)", ()),
    "unit_chu": ("处", "sites", ()),
    "unit_tiao": ("条", "entries (条)", ()),
    "unit_zhong": ("种", "kinds", ()),
    "unit_fen_score": ("分", "points (score)", ()),
    "unit_yuan": ("元", "yuan", ("人民币元",)),
    "unit_wanyuan": ("万元", "ten thousand yuan", ()),
    "unit_yiyuan": ("亿元", "hundred million yuan", ()),
    "unit_wanren": ("万人", "ten thousand persons", ()),
    "unit_wanrenci": ("万人次", "ten thousand person-times", ()),
    "unit_pingfangmi_wan": ("万平方米", "ten thousand square metres", ("万㎡", "万m²")),
}


def _key(label: str) -> str:
    return unicodedata.normalize("NFKC", label).strip().lower().replace(" ", "")


def _build() -> dict[str, URIRef]:
    table: dict[str, URIRef] = {}
    for name, spellings in QUDT_UNITS.items():
        for s in spellings:
            table[_key(s)] = UNIT[name]
    for name, (zh, _en, others) in LOCAL_UNITS.items():
        for s in (zh, *others):
            table[_key(s)] = URIRef(JX_IRI + name)
    return table


_TABLE = _build()


def unit_iri(label: str | None) -> URIRef | None:
    """The unit IRI for a unit as written, or None when it is not a known unit."""
    if not label:
        return None
    return _TABLE.get(_key(label))
