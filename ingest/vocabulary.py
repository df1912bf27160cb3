"""Recognising category labels (一级/二级) and the indicator-table header by their words."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from ingest.targets import looks_like_target
from ingest.text import compact, halfwidth

# notes a template prints inside a label: （必填）, （选填）, (50分), (0-20)分, ★
_REQUIRED = re.compile(r"[（(][^（）()]{0,6}[必选]填[^（）()]{0,4}[）)]|[（(]\s*[*＊]\s*[）)]|[*＊★☆]"
                       r"|[（(]\s*\d{1,3}(?:\s*[-~]\s*\d{1,3})?\s*分?\s*[）)]\s*分?")
_NUMBERING = re.compile(r"^(?:\d{1,2}[、.．]|[一二三四五六七八九十]{1,2}[、.．]|[（(][\d一二三四五六七八九十]{1,2}[）)])")
_ALTERNATIVE = re.compile(r"[（(][^（）()]{1,14}[）)]")
_SUFFIX = re.compile(r"(?:类指标|指标|目标|类|值)$")


@dataclass(frozen=True)
class LabelInfo:
    core: str
    levels: frozenset[int]  # {1}, {2}, {1, 2} (ambiguous: 满意度, 成本) or {} (unknown)
    parents: frozenset[str]  # for a 二级 label: the cores of the 一级 labels it belongs to


@cache
def _vocab() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    data = json.loads(resources.files("ingest").joinpath("data/categories.json").read_text("utf-8"))
    l2 = {k: frozenset(v.split("|")) for k, v in data["l2"].items()}
    return data["l1"], l2


@lru_cache(maxsize=65536)
def core(label: str) -> str:
    """'产出指标（必填）' → '产出'; '服务对象满意度指标' → '服务对象满意度'."""
    t = compact(halfwidth(label))
    t = _REQUIRED.sub("", t)
    t = _NUMBERING.sub("", t)
    t = t.rstrip("：:")
    if t.endswith("指标等"):
        t = t[:-1]  # '服务对象满意度指标等': the template's 'and the like', not part of the label
    # an alternative name in brackets ('数量指标（或建筑规模指标）', '时效指标（工期指标）')
    t = _ALTERNATIVE.sub("", t) or t
    stripped = _SUFFIX.sub("", t)
    return stripped or t


@lru_cache(maxsize=65536)
def label_info(text: str) -> LabelInfo | None:
    """Framework knowledge about a cell, or None when it is no known category label."""
    c = core(text)
    if not c or len(c) > 12:
        return None
    l1, l2 = _vocab()
    levels = set()
    if c in l1:
        levels.add(1)
    if c in l2:
        levels.add(2)
    if not levels:
        return None
    return LabelInfo(core=c, levels=frozenset(levels), parents=l2.get(c, frozenset()))


def framework_of(label: str) -> str | None:
    c = core(label)
    return _vocab()[0].get(c)


@lru_cache(maxsize=65536)
def looks_like_label(text: str) -> bool:
    """A known label, or an unknown one shaped like a category (short, ending in 指标/目标)."""
    if label_info(text) is not None:
        return True
    t = compact(halfwidth(text))
    t = _REQUIRED.sub("", t)
    return 2 <= len(t) <= 10 and t.endswith(("指标", "目标")) and not looks_like_target(t)


# Header words of the indicator table → column role.
_HEADER_ROLES: list[tuple[str, str]] = [
    ("中期", "extra"), ("长期", "extra"),
    ("一级", "l1"), ("二级", "l2"), ("三级", "name"),
    # ('原因': '未达到指标值原因' is a note, not a value)
    ("偏差原因", "note"), ("改进措施", "note"), ("原因", "note"), ("指标值说明", "note"), ("指标值内容", "note"), ("指标解释", "note"),
    ("指标值类型", "op"), ("指标类型", "op"), ("指标说明", "note"), ("依据", "note"), ("绩效指标描述", "note"),
    ("指标性质", "op"), ("计算符号", "op"), ("计算方式", "op"), ("指标方向", "direction"), ("比较符", "op"), ("运算符", "op"), ("指标属性", "op"),
    ("计量单位", "unit"), ("度量单位", "unit"), ("单位", "unit"),
    ("权重", "weight"), ("分值", "weight"), ("分数", "weight"), ("满分", "weight"),
    ("上年实际", "prev"), ("上年完成", "prev"), ("上年值", "prev"), ("历史值", "prev"), ("基期值", "prev"),
    ("上年指标值", "prev"), ("现状值", "prev"),
    ("完成指标值", "actual"),  # '预算设定指标值 | 项目完成指标值': the completed value, not the target
    ("实施进度", "actual"), ("完成进度", "actual"),  # '实施进度 | 已完成100%'
    # a monitoring table's columns (绩效监控表: 1-6月指标执行情况 | 全年预计完成情况 | 完成目标可能性)
    ("指标执行情况", "actual"), ("完成目标可能性", "note"), ("预计完成情况", "note"),
    ("年度指标值", "target"), ("本年目标", "target"), ("年度目标值", "target"), ("本年指标值", "target"),
    ("全年目标", "target"), ("指标目标值", "target"), ("目标值", "target"), ("指标值", "target"),
    ("期望值", "target"), ("标准值", "target"), ("实现值", "target"),
    ("实际完成值", "actual"), ("实际值", "actual"), ("完成值", "actual"), ("得分", "score"),
    ("绩效标准", "note"),
    ("指标名称", "name"), ("绩效指标", "name"), ("指标内容", "name"), ("具体指标", "name"), ("三级", "name"),
    ("备注", "note"), ("说明", "note"), ("评分标准", "note"), ("指标解释", "note"), ("指标说明", "note"),
]
HEADER_WORDS = tuple(w for w, _ in _HEADER_ROLES)


@lru_cache(maxsize=65536)
def header_role(cell: str) -> str | None:
    t = compact(halfwidth(cell))
    if len(t) > 16 and t.endswith("一级指标"):
        return "l1"  # a note glued before the header's first cell ('…请以附件为准)一级指标')
    if len(t) > 16:
        t = _ALTERNATIVE.sub("", t)  # '完成目标可能性(确定能、有可能、不可能)': the choices in brackets
    if not t or len(t) > 16:
        return None
    if t in ("指标", "绩效指标名称", "指标项"):
        return "name"  # '指标 | 指标权重 | 计量单位 | 指标性质 | 指标值': a header with no 一级/二级 columns
    # the older template: 绩效目标 | 评价指标 | 绩效内容 | 绩效标准 | 全年绩效目标
    exact = {"绩效内容": "name", "全年绩效目标": "target", "评价指标": "l2", "绩效目标": "l1"}
    if t in exact:
        return exact[t]
    if _PROJECT_KEY.match(t):
        return None  # '一级项目名称 | 二级项目名称': the budget system's project levels, header keys
    for word, role in _HEADER_ROLES:
        if word in t:
            return role
    return None


_PROJECT_KEY = re.compile(r"^[一二三]级项目(?:名称|编码|代码)?$")


def is_header_row(cells: list[str]) -> bool:
    """The indicator table's column header: 一级/二级/三级 names, or a name + value pair."""
    joined = compact("".join(cells))
    if "级项目" in joined:  # '一级项目名称 | 二级项目名称': project keys, not the header's level words
        joined = compact("".join(c for c in cells if not _PROJECT_KEY.match(compact(halfwidth(c)))))
    if "级" not in joined and "指标" not in joined and "目标" not in joined:
        return False
    roles = [header_role(c) for c in cells if c.strip()]
    levels = sum(w in joined for w in ("一级", "二级", "三级"))
    if levels >= 2:
        return True
    return "name" in roles and "target" in roles and all(r for r in roles)


def split_glued_header(text: str) -> list[str] | None:
    """'一级指标二级指标三级指标指标值' → its column names, or None."""
    t = compact(text)
    if sum(w in t for w in ("一级", "二级", "三级")) < 2 or len(t) > 60:
        return None
    pattern = re.compile(r"(一级(?:指标|目标)?|二级(?:指标|目标)?|三级(?:指标|目标)?|指标性质|计量单位|度量单位"
                         r"|权重|分值|上年实际值|本年目标值|年度指标值|指标目标值|目标值|指标值|备注|指标内容|指标名称|绩效指标)")
    parts = pattern.findall(t)
    return parts if len("".join(parts)) >= len(t) - 2 else None


# Project-level columns of a wide sheet (one sheet, many projects: 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 …)
_PROJECT_COLUMNS = (("项目名称", "title"), ("单位名称", "unit"), ("预算单位", "unit"), ("部门名称", "unit"),
                    ("项目单位", "unit"), ("项目类别", "category"), ("项目类型", "category"),
                    ("预算数", "budget"), ("预算金额", "budget"), ("资金总额", "budget"), ("金额", "budget"),
                    ("年度目标", "goal"), ("绩效目标", "goal"), ("总体目标", "goal"))


def project_column_role(cell: str) -> str | None:
    """The role of a wide sheet's project-level column ('项目名称' → 'title'), or None."""
    c = compact(cell)
    return next((r for w, r in _PROJECT_COLUMNS if w in c), None)
