"""Target values: ``=100%``, ``≥85%``, ``>=85%``, ``＝15名``, ``=3600m²``, ``及时``, ``较去年减少``."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ingest.records import Target
from ingest.text import compact, halfwidth, squash

_OPS = {"=": "=", "==": "=", ">=": "≥", "=>": "≥", "≥": "≥", "<=": "≤", "=<": "≤", "≤": "≤",
        ">": ">", "<": "<", "≥=": "≥", "≤=": "≤"}
_OP_WORDS = [("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("大于等于", "≥"), ("至少", "≥"),
             ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"), ("不大于", "≤"), ("小于等于", "≤"),
             ("低于", "<"), ("小于", "<"), ("高于", ">"), ("大于", ">"), ("超过", ">"),
             ("等于", "=")]
_OP_RE = r"(?P<op>>=|=>|<=|=<|≥=|≤=|==|[=≥≤><])?"
_NUM_RE = r"(?P<num>[+-]?\d[\d,]*(?:\.\d+)?|[+-]?\.\d+)"
# A unit is short and holds no digits (m², %, 名, 万元, 人次, km, 小时/次 …), and never starts with the
# punctuation of a numbered item ('3、施用配方肥', '2.化肥减量增效': a name, not 3 of a unit '、施用配方肥').
_UNIT_RE = r"(?P<unit>(?![、．.，,])[^\d\s=≥≤<>]{1,8})?"
_RANGE = re.compile(r"^\d[\d,.]*%?[-~至到]\d[\d,.]*\D{0,6}$")
_NUMERIC = re.compile(rf"^{_OP_RE}\s*{_NUM_RE}\s*{_UNIT_RE}$")
# Dates and periods as targets: 2021年1月-12月, 2025年12月, 12月底到位, 2023年底, 2023.07-2024.01, 202001-202012
_DATE_TARGET = re.compile(r"^(?!.*(?:值|实际|预期))(?:(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|前|内|末)?|\d{1,2}\s*月(?:底|末|前|内)?"
                          r"|(?:19|20)\d{2}[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?|(?:19|20)\d{4})"
                          r"(?:\s*[-~至到—]+\s*(?:(?:19|20)\d{2}\s*年?)?[.\-/]?\d{0,2}\s*月?(?:底|末)?)?.{0,8}$")

# A unit (and perhaps an operator) with no number: the unfilled value cell of a template row
BARE_UNIT = re.compile(r"^(?:[≥≤=<>≧≦]\s*)?(?:%|‰|[万千百亿]?(?:元|人次|人|户|个|次|亩|公里|千米|米|平方米|立方米|吨|件|套|台|"
                       r"辆|座|所|家|天|日|月|年|小时|项|场|期|批|名|株|头|只|篇|册|本|间|处|条|公顷|㎡|m²|km))$")

# Endings that make a cell an indicator name rather than a qualitative value.
NAME_SUFFIXES = ("率", "性", "数", "量", "度", "情况", "比例", "比重", "时间", "面积", "金额", "费用",
                 "成本", "人次", "次", "指数", "周期", "时长", "规模", "效率", "标准", "目标", "指标", "系统",
                 "工程", "项目", "会", "费", "额", "值", "人员", "机制", "制度", "时限", "期限", "进度", "程度",
                 "水平", "效果", "能力", "意识", "范围", "价值", "权益")
# Words that on their own are qualitative targets (及时, 合规, 三级 …): matched as prefixes/whole.
QUALITATIVE_WORDS = (
    "及时", "合规", "健全", "有效", "完备", "规范", "完善", "准确", "达标", "稳定", "共享", "完整",
    "良好", "优良", "优秀", "合格", "符合", "满足", "达到", "保障", "正常", "安全", "畅通", "按时",
    "按期", "准时", "按计划", "提高", "提升", "降低", "减少", "增加", "增长", "改善", "显著", "明显",
    "逐步", "持续", "长期", "有所", "基本", "全面", "较去年", "较上年", "比上年", "同比", "逐年",
    "不断", "大幅", "进一步", "一级", "二级", "三级", "四级", "五级", "甲级", "乙级", "高", "中",
    "低", "好", "优", "是", "否", "无", "有", "到位", "齐全", "清晰", "可控", "可持续", "积极",
    "充分", "无明显", "无重大", "未发生", "不发生", "杜绝", "公开", "透明", "落实", "较好", "较高", "较大", "一般", "不断提高", "零", "100%完成", "已完成", "完成", "达成",
)

_QUALITATIVE_PREFIXES = tuple(w for w in QUALITATIVE_WORDS if len(w) >= 2)


def to_number(text: str) -> int | float | None:
    """'9,900,000' → 9900000; '12.5' → 12.5; full-width digits accepted."""
    t = halfwidth(text).replace(",", "").replace("，", "").strip()
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def parse_target(raw: str) -> Target | None:
    """Interpret a target cell. Returns None for an empty cell (a missing target)."""
    fields = _parse_target(squash(raw))
    return Target(*fields) if fields else None


@lru_cache(maxsize=65536)
def _parse_target(raw: str) -> tuple | None:
    if not raw:
        return None
    t = _interpret(raw)
    return (t.raw, t.op, t.value, t.unit, t.qualitative)


def _interpret(raw: str) -> Target:
    norm = compact(halfwidth(raw))
    op, rest = _split_op_word(norm)
    m = _NUMERIC.match(rest)
    if m:
        op = op or _OPS.get(m.group("op") or "", None)
        value = to_number(m.group("num"))
        unit = m.group("unit") or None
        if unit is not None and unit.startswith("%") and len(unit) > 1:
            return Target(raw=raw, op=None, value=None, unit=None, qualitative=raw)
        # No operator written means none is known: never invent "=".
        return Target(raw=raw, op=op, value=value, unit=unit, qualitative=None)
    return Target(raw=raw, op=None, value=None, unit=None, qualitative=raw)


def _split_op_word(norm: str) -> tuple[str | None, str]:
    for word, op in _OP_WORDS:
        if norm.startswith(word):
            return op, norm[len(word):]
    return None, norm


@lru_cache(maxsize=65536)
def is_numeric_target(text: str) -> bool:
    norm = compact(halfwidth(text))
    _, rest = _split_op_word(norm)
    return bool(_NUMERIC.match(rest))


@lru_cache(maxsize=65536)
def has_operator(text: str) -> bool:
    norm = compact(halfwidth(text))
    return bool(norm) and (norm[0] in "=≥≤<>" or any(norm.startswith(w) for w, _ in _OP_WORDS))


@lru_cache(maxsize=65536)
def looks_like_target(text: str) -> bool:
    """Does a cell read as a target value rather than as an indicator name or a label?"""
    t = compact(halfwidth(text))
    if not t:
        return False
    if has_operator(t) or is_numeric_target(t) or _RANGE.match(t) or _DATE_TARGET.match(t):
        return True
    return looks_qualitative(t)


@lru_cache(maxsize=65536)
def looks_qualitative(text: str) -> bool:
    t = compact(halfwidth(text))
    if not t or len(t) > 12:
        return False
    if t.endswith(NAME_SUFFIXES) and t not in QUALITATIVE_WORDS:
        return False
    if t in QUALITATIVE_WORDS:
        return True
    if len(t) <= 8 and t.startswith(_QUALITATIVE_PREFIXES):
        return True
    # '100%完成', '≥90分' are caught above; short values like '较高水平', '全覆盖'
    return len(t) <= 5 and any(w in t for w in ("较", "提高", "提升", "降低", "减少", "增加"))
