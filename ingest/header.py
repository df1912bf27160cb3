"""Header fields of one table: ``key：<TAB>value`` pairs, several per line; long free text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.table_model import Row
from ingest.targets import to_number
from ingest.text import compact, halfwidth, squash

# A key is short Chinese text ending in a colon; the value follows in the same or next cell.
_KEY = re.compile(r"^[*＊]?(?:[（(][0-9一二三四五六七八九十]{1,2}[)）]|[0-9]{1,2}[、.．])?(?P<key>[\u4e00-\u9fffA-Za-z（）()、/\s]{2,24}?)\s*[：:]\s*(?P<value>.*)$", re.S)
# Keys that may be glued inside another cell's text ('…项目类别：经常性…').
_GLUED_KEYS = ("项目名称", "项目类别", "项目类型", "申报单位名称", "申报单位", "主管部门", "实施单位",
               "计划开始日期", "计划完成日期", "绩效类型", "是否含有政府购买服务", "项目负责人", "联系电话",
               "项目属性", "项目期限", "实施期限", "年度资金总额", "项目资金总额")
_GLUED = re.compile("(" + "|".join(_GLUED_KEYS) + r")\s*[：:]")

TEXT_KEYS = ("项目概况", "立项依据", "项目设立的必要性", "保证项目实施的制度、措施", "项目实施计划",
             "总目标及阶段性目标", "年度绩效目标", "长期绩效目标", "年度目标", "总体目标", "项目内容",
             "实施内容", "项目简介", "绩效目标", "中长期目标", "项目实施内容", "政策依据", "设立依据",
             "项目立项依据", "主要内容", "实施方案")
# Keys exports from Word/HTML tables write without a colon (the label was a cell of its own).
BARE_KEYS = ("项目名称", "申报单位", "申报单位名称", "主管部门", "主管部门及代码", "实施单位", "项目单位", "预算单位",
             "项目类别", "项目类型", "项目属性", "项目期", "项目期限", "实施期限", "计划开始日期", "计划完成日期",
             "绩效类型", "立项依据", "项目概况", "项目设立的必要性", "项目实施计划", "年度绩效目标", "长期绩效目标",
             "年度资金总额", "资金总额", "项目总预算", "项目当年预算", "项目负责人", "联系电话", "项目实施单位",
             "项目主管部门", "项目申报单位", "填报单位", "项目性质", "资金性质", "项目起止时间", "实施周期",
             "项目总投资", "年度预算", "中期资金总额", "年度总体目标", "总体目标", "年度目标", "项目内容",
             "单位名称", "部门名称", "预算单位名称", "项目执行单位", "项目支出名称", "项目名称及编码",
             "年度本级预算金额", "预算部门", "单位信息", "实施期绩效目标", "本年度绩效目标", "整体目标",
             "绩效编制单位", "专项立项依据", "项目填报人", "填报人联系电话", "项目负责人及电话", "项目主管部门",
             "主管预算部门", "项目资金", "年度总目标", "年度绩效总目标", "部门职能职责概述", "政策依据",
             "项目立项依据", "专项名称", "专项立项依据", "项目申报金额", "项目属性", "项目分类", "支出分类",
             "项目概况及立项依据", "项目理由", "项目总体情况", "项目审批", "项目金额", "项目总金额", "预算金额",
             "项目资金总额", "预算数", "主管部门名称", "专项资金名称", "业务主管部门", "当年预算", "当年绩效目标", "资金名称", "转移支付(项目)名称", "项目预计开始时间", "预计完成时间",
             # the transfer-payment templates (转移支付 区域绩效目标/自评表): one 主管部门 per level of government
             "中央主管部门", "地方主管部门", "省级主管部门", "市级主管部门", "区级主管部门", "县级主管部门",
             "市县级主管部门", "县区级主管部门", "地方财政部门", "省级财政部门", "市级财政部门", "区级财政部门",
             "县级财政部门", "资金使用单位", "部门",
             # the budget system's project levels (一级项目 › 二级项目: the 二级 one is the project)
             "一级项目名称", "二级项目名称")
# Bare keys that may be glued to their value with no separator ('项目名称农村义务教育…'): a
# cell that starts with one is split there, and at any other such key inside it.
_GLUED_BARE = tuple(sorted((k for k in BARE_KEYS if len(k) >= 4 and k not in (
    "项目概况", "年度目标", "总体目标", "项目内容", "资金总额", "年度预算", "项目资金")), key=len, reverse=True))
_GLUED_BARE_RE = re.compile("(" + "|".join(map(re.escape, _GLUED_BARE)) + ")")
LEGAL_BASIS_KEYS = ("立项依据", "项目立项依据", "政策依据", "设立依据", "依据", "项目审批", "批复文件", "立项文件")
# words that introduce the documents a project rests on when it has no 立项依据 field
BASIS_LEAD = re.compile(r"(?:根据|依据|按照|依照)")


@dataclass
class HeaderField:
    key: str
    value: str
    line: int
    lines: list[int] = field(default_factory=list)


def read_header(rows: list[Row]) -> list[HeaderField]:
    """Key/value pairs in order. Lines with no key continue the previous free-text field."""
    fields: list[HeaderField] = []
    last: HeaderField | None = None
    for row in rows:
        cells = [squash(c) for c in row.cells if c.strip()]
        if not cells:
            continue
        if 1 < len(cells) <= 3 and is_bare_key("".join(cells)):
            cells = ["".join(cells)]  # '项目 名称': one key cell split at its space
        if len(cells) > 2 and last is not None and not last.value and row.line - last.line <= 3 and \
                not _pairs(cells[:1]) and not is_bare_key(cells[0]) and _pairs(cells[1:]):
            # '项目 名称' above '镇际联网路…工程 | 中期市财政预算(万元) | 284500.00 | …': the first cell is
            # the value of the key alone on the line above, the rest are pairs of their own
            last.value = cells[0]
            last.lines.append(row.line)
            for key, value in _pairs(cells[1:]):
                last = HeaderField(key=key, value=value, line=row.line, lines=[row.line])
                fields.append(last)
            continue
        if len(cells) == 1 and last is not None and not last.value and row.line - last.line <= 3 and \
                _UNIT_SUFFIX.fullmatch(compact(cells[0])):
            last.key += compact(cells[0])  # '项目申报金额' wrapped before its unit '(万元)': the value follows
            last.lines.append(row.line)
            continue
        if len(cells) == 1 and last is not None and not last.value and row.line - last.line <= 3 and \
                not is_bare_key(cells[0]) and not re.search(r"[：:]", cells[0]) and not is_section_title_key(cells[0]):
            last.value = cells[0]  # the value of a key cell alone on the line above
            last.lines.append(row.line)
            continue
        pairs = _pairs(cells)
        if pairs:
            for key, value in pairs:
                f = HeaderField(key=key, value=value, line=row.line, lines=[row.line])
                fields.append(f)
                last = f
            continue
        text = " ".join(cells)
        if last is not None and not last.value and row.line - last.line <= 3 and not is_bare_key(text) \
                and not is_section_title_key(text):
            last.value = text  # a key cell alone on its line: its value is the next line
            last.lines.append(row.line)
        elif last is not None and _continues(last, text):
            last.value = (last.value + "\n" + text) if last.value else text
            last.lines.append(row.line)
        else:
            last = None  # a section title ('本项目上年度…情况') ends the free text
    return fields


_UNIT_SUFFIX = re.compile(r"[（(](?:单位[:：])?万?元[)）]")


def is_section_title_key(text: str) -> bool:
    t = compact(text)
    return t.startswith(("绩效指标", "一级指标", "绩效目标")) or t in ("资金情况", "总体目标", "年度目标")


def _unglue(cell: str) -> list[str]:
    """'项目主管部门青山区教育局项目执行单位化工区学校' → ['项目主管部门：青山区教育局', '项目执行单位：化工区学校']."""
    t = cell.strip()
    m = _GLUED_BARE_RE.match(t)
    if not m or len(t) == len(m.group(1)) or re.search(r"[：:]", t[:len(m.group(1)) + 8]) or \
            t[len(m.group(1)):].lstrip()[:1] in ("(", "（"):
        return [cell]  # '主管部门(单位)名称': a qualified key, not a key glued to its value
    if (re.search(r"[，,。；;]", t) or len(t) > 60) and not any(k in m.group(1) for k in LEGAL_BASIS_KEYS):
        return [cell]  # a sentence that starts with a key word ('项目单位按项目实施内容设置了…') is prose
    parts = []
    pos = [x.start() for x in _GLUED_BARE_RE.finditer(t)]
    for k, start in enumerate(pos):
        end = pos[k + 1] if k + 1 < len(pos) else len(t)
        seg = t[start:end]
        key = _GLUED_BARE_RE.match(seg).group(1)
        parts.append(key + "：" + seg[len(key):].strip())
    return parts


def _continues(last: HeaderField, text: str) -> bool:
    is_text_field = any(k in last.key for k in TEXT_KEYS) or len(last.value) > 40
    return is_text_field and not is_section_title(text)


def is_section_title(text: str) -> bool:
    """'本项目上年度市级财政资金使用情况', '(2020年度)', '## 2020年绩效目标': short, no sentence marks."""
    t = text.strip().lstrip("#").strip()
    return len(t) <= 30 and not re.search(r"[。；;，,：:、]", t)


_TABLE_NUMBER = re.compile(r"^(?:公开|附)?表?\s*\d{1,2}\s*表?$|^附表\s*\d{1,2}$")


def _pairs(cells: list[str]) -> list[tuple[str, str]]:
    cells = [part for c in cells for part in _unglue(c)]
    while len(cells) > 1 and _TABLE_NUMBER.match(compact(cells[0])):
        cells = cells[1:]  # a table number ('公开14表', '附表2') before the first key
    if len(cells) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]{2,6}(?:基本情况|情况|信息)(?:[（(](?:单位[:：])?万?元[)）])?",
                                        compact(cells[0])) and (is_bare_key(cells[1]) or (
                                            _KEY.match(cells[1]) and not _looks_like_value(_KEY.match(cells[1]).group("key")))):
        # a section title in the first column ('项目基本情况 | 项目名称 | …', '资金情况(万元) | 年度资金总额: 10')
        cells = cells[1:]
    out: list[tuple[str, str]] = []
    pending_key: str | None = None
    values: list[str] = []
    for cell in cells:
        if _MONEY_KEY.fullmatch(compact(cell)) and not (pending_key is not None and not values):
            # '其中：当年市级财政资金' — a money label is a key, the '其中：' is part of it
            m = _KEY.match(re.sub(r"[：:]", "", compact(cell)) + "：")
        else:
            m = _KEY.match(cell)
        if m is None and is_bare_key(cell):
            m = _KEY.match(cell + "：")
        # a key waiting for its value takes the next cell whole, colons and all, unless
        # that cell is itself a bare key ('项目类别：')
        takes_value = pending_key is not None and (not values or any(k in pending_key for k in TEXT_KEYS))
        if takes_value and not (m and not m.group("value").strip()):
            values.append(cell)
            continue
        if m and not _looks_like_value(m.group("key")):
            if pending_key is not None:
                out.append((pending_key, " ".join(values)))
            pending_key, values = compact(m.group("key")), []
            if m.group("value").strip():
                values.append(m.group("value").strip())
        elif pending_key is not None:
            values.append(cell)
        else:
            return []  # a line that does not start with a key is not a key line
    if pending_key is not None:
        out.append((pending_key, " ".join(values)))
    return [p for pair in out for p in _split_glued(*_unit_into_key(*pair))]


def _unit_into_key(key: str, value: str) -> tuple[str, str]:
    """'项目资金 | (万元) 年度资金总额: 1125': the amount unit wrapped after a key belongs to the key."""
    m = _UNIT_SUFFIX.match(value.strip())
    if m and not _UNIT_SUFFIX.search(key):
        return key + m.group(0), value.strip()[m.end():].strip()
    return key, value


# ('转移支付预算数(A)': a column letter the form's 执行率(B/A) refers to)
_MONEY_KEY = re.compile(r"(?:其中[:：]?)?[\u4e00-\u9fff、]{0,14}(?:资金|金额|拨款|预算数?|资金总额|预算资金)(?:[（(]万?元[)）])?"
                        r"(?:[（(][A-Z][)）])?[:：]?")


def is_bare_key(cell: str) -> bool:
    """A header key written without a colon ('项目名称', '主管部门(单位)名称')."""
    k = re.sub(r"[（(](?:万?元)[)）]$", "", compact(cell)).lstrip("*＊")
    # '主管部门(单位)名称', '申报单位（盖章）': a qualifier inside the key
    return k in BARE_KEYS or unqualified(k) in BARE_KEYS


_QUALIFIER = re.compile(r"[（(][\u4e00-\u9fff]{1,4}[)）]")


def unqualified(key: str) -> str:
    """A key without the qualifier inside it: '部门(单位)名称' → '部门名称', '专项(项目)名称' → '专项名称'."""
    return _QUALIFIER.sub("", key)


def _looks_like_value(key: str) -> bool:
    # '2020年4月计划…,2020年底：' is prose, not a key
    return bool(re.search(r"\d", key)) or len(compact(key)) > 20


def _split_glued(key: str, value: str) -> list[tuple[str, str]]:
    m = _GLUED.search(value)
    if not m or any(k in key for k in TEXT_KEYS):
        return [(key, value)]
    head, rest = value[: m.start()].strip(), value[m.end():].strip()
    return [(key, head), *_split_glued(compact(m.group(1)), rest)]


# --- interpretation of the fields -------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*[-年./／]\s*(\d{1,2})\s*(?:[-月./／]\s*(\d{1,2})\s*日?)?")


def parse_date(text: str) -> str | None:
    m = _DATE.search(halfwidth(text))
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_bool(text: str) -> bool | None:
    t = compact(text)
    if t.startswith(("是", "有", "Y", "y")):
        return True
    if t.startswith(("否", "无", "N", "n")):
        return False
    return None


def parse_amount(key: str, value: str) -> int | float | None:
    """Amounts in yuan; a key in 万元 scales by 10,000."""
    v = halfwidth(value)
    m = re.search(r"([+-]?\d[\d,，]*(?:\.\d+)?)\s*(万)?", v)
    if not m:
        return None
    if re.match(r"[%％‰]|\.\d", v[m.end():]):
        # '202010100.00%10', '194.9194.9100%': several cells glued together, no amount can be told apart
        return None
    n = to_number(m.group(1))
    if n is None:
        return None
    if "万元" in key or m.group(2) or ("万元" in value and "元" not in key.replace("万元", "")):
        # in decimal arithmetic: 189.42 万元 is 1,894,200 元, not 1894199.9999999998
        d = Decimal(str(n)) * 10000
        n = int(d) if d == d.to_integral_value() else float(d)
    return n
