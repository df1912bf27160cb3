"""One file's rows → performance-goal tables: find each table, read its header,
budget, legal bases and indicator section."""
from __future__ import annotations

import re
from functools import lru_cache

from ingest import header as hdr
from ingest.indicators import (
    DEFAULT_SCHEMA,
    RowParse,
    Schema,
    _Ctx,
    assign_groups,
    build_indicators,
    fits_column,
    is_chrome,
    is_placeholder,
    read_row,
    resolve_labels,
    schema_from_header,
)
from ingest.layouts import is_stream, label_words, one_of_twins, regroup_stream, split_glued
from ingest.legal import extract_citations
from ingest.records import Budget, ParseWarning, TableRecord
from ingest.table_model import Row
from ingest.targets import has_operator, is_numeric_target, looks_like_target
from ingest.text import compact, halfwidth
from ingest.vocabulary import (
    header_role,
    is_header_row,
    label_info,
    looks_like_label,
    project_column_role,
    split_glued_header,
)

_HEADING = re.compile(r"绩效(?:目标(?:申报|批复|审核|自评)?表|自评表|自评情况|评价指标表)|项目支出目标(?:申报|批复|审核)?表|(?:项目|整体)绩效目标(?:[（(]中长期[)）])?$|績效目標表|績效自評表")
_SELF_EVAL = re.compile(r"绩效(?:目标)?自评|績效自評")
_DEPARTMENT = re.compile(r"部门整体|整体支出|部门绩效目标")
_YEAR_LINE = re.compile(r"^[（(]?(?:19|20)\d{2}\s*年度?[)）]?$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# signature and seal lines, reviewers' boxes: the table is over
_SIGNATURE = re.compile(r"[（(]\s*(?:盖章|公章|签章|签字)\s*[)）]|^(?:填表人|填报人|经办人|审核人|单位负责人|财务负责人|联系电话|"
                        r"[\u4e00-\u9fff]{0,6}(?:审核|审批|审查)意见|[\u4e00-\u9fff]{0,4}部门意见)")
# a numbered heading paragraph ('2. 公共服务专项经费', '三、项目绩效目标') after the rows: the next part begins
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}\s*[.、．]\s*|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])"
                               r"[\u4e00-\u9fff]")
_SECTION_END = re.compile(r"^(?:(?:附|公开)?表[一二三四五六七八九十\d]{1,3}$|(?:合计|总计|分总)(?=\d|$)|评价结论|自评结论|(?:预算)?绩效评价结果|偏差大?或|相关建议|改进措施及结果应用|其他需要说明的?事项|总分|合计得分|注[：:]|备注[：:]|填报说明|填表说明|说明[：:]|相关附件|附件[：:]|附件下载|发布日期|索引号|"
                          r"打印|关闭|【打印】|扫一扫|信息来源|责任编辑)")
# the next column of a list whose column header is 项目名称 (an allocation list), never a project's name
_LIST_COLUMN = re.compile(r"^(?:金额|资金|备注|序号|数量|单位|合计|小计|下达|安排|分配)[\u4e00-\u9fff]{0,4}(?:[(（]万?元[)）])?(?:$|\d)")
_TITLE_KEYS = ("二级项目名称", "项目名称", "专项资金名称", "资金名称", "项目支出名称", "项目名称及编码", "专项名称", "转移支付(项目)名称", "转移支付（项目）名称")
# Which field names the applicant (申报单位), best first.
_UNIT_RANK = (("申报单位", 0), ("项目单位", 1), ("实施单位", 2), ("执行单位", 2), ("预算单位", 3), ("单位名称", 3),
              ("单位信息", 3), ("部门名称", 4), ("填报单位", 5), ("编制单位", 5), ("预算部门", 6), ("主管部门", 6))
# what an applicant field may carry besides the name: a seal hint, a contact
_SEAL = re.compile(r"[（(]\s*(?:盖章|公章|签章|章)\s*[)）]\s*[：:]?")


# the transfer-payment templates name one 主管部门 per level: the nearest level is the unit's
_LEVEL_RANK = (("区级", 5.1), ("县级", 5.1), ("县区级", 5.1), ("市县级", 5.2), ("市级", 5.3), ("地方", 5.4), ("省级", 5.5))


@lru_cache(maxsize=4096)
def _is_title_key(key: str) -> bool:
    return key in _TITLE_KEYS or hdr.unqualified(key) in _TITLE_KEYS


@lru_cache(maxsize=4096)
def _unit_rank(key: str) -> float | None:
    if "金额单位" in key or "计量单位" in key or "单位：" in key or any(
            w in key for w in ("负责人", "联系人", "电话", "填报人", "经办人", "代码", "组织实施", "监督管理",
                               "财政部门")) or key.startswith("中央"):
        return None  # a contact, the funding ministry, or the finance bureau that passes the money on
    k = hdr.unqualified(key)  # '部门(单位)名称' → '部门名称'
    if "使用单位" in k:
        return 2
    if k.endswith("主管部门"):
        return next((rank for word, rank in _LEVEL_RANK if k.startswith(word)), 6)
    if k == "部门":
        return 4
    return next((rank for word, rank in _UNIT_RANK if word in k), None)


def is_heading(row: Row) -> bool:
    if "绩效" not in row.text and "績效" not in row.text:
        return False
    ne = row.nonempty()
    if len(ne) > 2:
        return False
    for _, cell in ne:  # '2022年度项目支出绩效自评表 | 部门：…': the heading is one of the cells
        t = re.sub(r"^(?:附|公开)?表\s*\d{1,2}\s*[:：]", "", compact(cell))  # '表1：…项目绩效目标'
        t = compact(cell) if not t else t
        if len(t) <= 40 and "：" not in t[:-1] and ":" not in t[:-1] and _HEADING.search(t):
            return True
    return False


def table_kind(rows: list[Row]) -> str:
    """goal (项目支出绩效目标表), self-evaluation (绩效自评表) or department (部门整体支出绩效目标)."""
    for r in rows[:8]:
        t = compact(r.text)
        if is_heading(r) or "绩效" in t and len(t) <= 40:
            if _SELF_EVAL.search(t):
                return "self-evaluation"
            if _DEPARTMENT.search(t):
                return "department"
    return "goal"


def title_from_heading(rows: list[Row]) -> str | None:
    """'3岁以下婴幼儿照护服务项目项目绩效目标' → '3岁以下婴幼儿照护服务项目' (a heading that names the project)."""
    for r in rows[:3]:
        t = re.sub(r"^(?:附|公开)?表\s*\d{1,2}\s*[:：]", "", compact(r.text))
        m = re.match(r"^(?P<title>.{2,30}?项目)(?:项目)?绩效目标$", t)
        if is_heading(r) and m and not _DEPARTMENT.search(t):
            return m.group("title")
    for r in rows[:3]:
        t = compact(r.text)
        # '2021年度本专科生奖助学金项目自评结果', '关于“2018生物实验教学中心建设项目”' (…预算绩效评价结果的公示)
        m = re.match(r"^(?:(?:19|20)\d{2}年度?)?(?P<title>[^，,。；;:：“”\"]{2,30}?项目)(?:绩效)?(?:自评|评价)(?:结果|报告|表)$", t) \
            or re.match(r"^关于[“\"](?P<title>[^”\"]{2,30}项目)[”\"]", t)
        if m and not _DEPARTMENT.search(t):
            return m.group("title")
    return None


def _is_key_row(row: Row) -> bool:
    return bool(hdr.read_header([row])) and not row.blank


def split_tables(rows: list[Row]) -> list[tuple[int, int]]:
    """[start, end) row ranges of the tables in a file, in file order."""
    heads = [i for i, r in enumerate(rows) if is_heading(r)]
    starts: list[int] = []
    for i in heads:
        # a heading right after another (a document title above the table's own) is one start
        if starts and all(r.blank or is_heading(r) or is_chrome(r.text) or _YEAR_LINE.match(compact(r.text))
                          for r in rows[starts[-1]:i]):
            continue
        # a heading repeated where a table runs over a page ('…绩效目标表（续）') continues it
        if starts and _continues_table(rows, i):
            continue
        starts.append(i)
    if not starts:
        first = next((i for i, r in enumerate(rows) if _has_key(r, _TITLE_KEYS)), None)
        if first is None:
            # no heading and no 项目名称: an indicator section (一级指标 / 二级指标 / 三级指标 …) is a table
            h_idx, _schema, _glued = _find_indicator_header(rows)
            if h_idx is None:
                # a page that holds only the middle of a table: its indicator rows (a label and a value
                # in the same row) are the table
                if _indicator_rows(rows) >= 3:
                    return [(0, len(rows))]
                return []
            first = max((i for i in range(h_idx) if rows[i].blank), default=0)
            first = next((i for i in range(first, -1, -1) if not rows[i].blank and len(compact(rows[i].text)) <= 60
                          and ("绩效" in rows[i].text or "项目" in rows[i].text)), first)
        starts = [_back_over_keys(rows, first, 0)]
    # key lines right above the first heading (a preamble '(2)立项依据：…') belong to its table
    starts[0] = _back_over_keys(rows, starts[0], 0)
    ranges = []
    pre = rows[:starts[0]]
    if starts[0] > 0 and (_indicator_rows(pre) >= 3 or (_indicator_rows(pre) >= 1 and any(
            r.layout in ("tab", "pipe") and is_header_row(r.cells) for r in pre))):
        # a page that starts inside a table (its heading and header cut off): the indicator rows
        # before the first heading are that table's end
        ranges.append((0, starts[0]))
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(rows)
        ranges.extend(_split_projects(rows, s, e))
    return ranges


_ROLE_NAMES = {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "op": "指标性质", "target": "指标值",
               "unit": "度量单位", "weight": "权重", "actual": "实际完成值", "score": "得分"}


def _schema_from_rows(rows: list[Row]) -> Schema | None:
    """No column header: the columns of the first full row (two labels, then a name and values),
    told by their shapes — '成本指标 | 经济成本指标 | 宣传成本 | ≤ | 101400 | 元 | 5' is
    一级/二级/三级/指标性质/指标值/度量单位/权重. None when no row is that clear."""
    for r in rows[:12]:
        ne = [t for _, t in r.nonempty()]
        if len(ne) < 5 or label_info(ne[0]) is None or label_info(ne[1]) is None or label_info(ne[2]) is not None:
            continue
        roles = ["l1", "l2", "name"]
        trailing: list[str] = []
        for t in ne[3:]:
            c = compact(halfwidth(t))
            if trailing and not re.fullmatch(r"\d{1,3}(?:\.\d+)?%?", c):
                return None
            if c in ("=", "≥", "≤", ">", "<", "＝", ">=", "<=") and "op" not in roles and "target" not in roles:
                roles.append("op")
            elif "target" not in roles and (looks_like_target(t) or c in ("定性", "定量")):
                roles.append("target")
            elif "target" in roles and "unit" not in roles and not trailing and \
                    re.fullmatch(r"[%‰]|[^\d\s=≥≤<>]{1,6}", c):
                roles.append("unit")
            elif "target" in roles and re.fullmatch(r"\d{1,3}(?:\.\d+)?%?", c):
                trailing.append(c)
            else:
                return None
        # numbers after the target: the weight; with two, the actual value and the weight; with
        # three, the actual value, the weight and the score (a self-evaluation)
        roles += {0: [], 1: ["weight"], 2: ["actual", "weight"], 3: ["actual", "weight", "score"]}.get(len(trailing), [])
        if len(trailing) > 3:
            return None
        if "target" not in roles or len(set(roles)) != len(roles):
            return None
        return Schema(roles, [_ROLE_NAMES[x] for x in roles])
    return None


def _rows_above_in_shape(rows: list[Row], start: int, schema: Schema) -> int:
    """A page that starts inside a table: rows above the first labelled row whose cells are the
    name and exactly the columns after it (their labels were merged above the page) belong to it."""
    after = schema.roles[schema.name_col:]
    tc = schema.target_col - schema.name_col
    i = start
    while i > 0:
        ne = [t for _, t in rows[i - 1].nonempty()]
        if len(ne) != len(after) or label_info(ne[0]) is not None or looks_like_target(ne[0]) or \
                not (looks_like_target(ne[tc]) or compact(ne[tc]) in ("定性", "定量")) or \
                ("op" in after and compact(halfwidth(ne[after.index("op")])) not in ("=", "≥", "≤", ">", "<", "＝")):
            break
        i -= 1
    return i


def _lower_tier(rows: list[Row], i: int) -> tuple[int, list[str]] | None:
    """The lower tier of a two-tier header under row i (which has no 一级 column but a 年度指标值
    one): within three lines, a row of 一级/二级/三级 names and the columns the value splits into
    (指标性质 / 指标值 / 度量单位), perhaps with its 一级 cell on the line above it."""
    top = [c for c in rows[i].cells if c.strip()]
    roles = [header_role(c) for c in top]
    if "l1" in roles or "l2" in roles or "target" not in roles:
        return None
    for k in range(i + 1, min(i + 4, len(rows))):
        cells = [c for c in rows[k].cells if c.strip()]
        sub_roles = [header_role(c) for c in cells]
        if ("l2" in sub_roles or "l1" in sub_roles) and "target" in sub_roles and None not in sub_roles:
            prev = rows[k - 1]
            if "l1" not in sub_roles and k - 1 > i and len(prev.nonempty()) == 1 and \
                    header_role(prev.nonempty()[0][1]) == "l1":
                cells = [prev.nonempty()[0][1], *cells]
            return k, cells
    return None


def _drop_title_column(header: list[str], rows: list[Row], j: int) -> list[str]:
    """'绩效指标 | 一级指标 | 二级指标 | …' over rows that start with their 一级 cell: the first header
    cell titles the block (a cell spanning all its rows, written once), it is no column of the rows."""
    ne = [c for c in header if c.strip()]
    if len(ne) < 3 or compact(ne[0]) not in ("绩效指标", "绩效目标") or header_role(ne[1]) != "l1":
        return header
    nxt = next((r for r in rows[j:j + 12] if not r.blank), None)
    if nxt is None or not nxt.cells or not nxt.cells[0].strip() or compact(nxt.cells[0]) in ("绩效指标", "绩效目标"):
        return header  # the rows keep the column (empty, or the title written on the first row)
    return ne[1:]


def _join_header_cells(merged: list[str], more: list[str]) -> list[str]:
    """Header cells continued on the next line; a lone '指标'/'目标' ends the cell before it
    ('二级' / '指标': a column name split at its space)."""
    out = list(merged)
    heads = [k for k, c in enumerate(out) if header_role(c) is None and label_info(c) is None and len(compact(c)) <= 4]
    if heads and len(heads) == len(more) and all(header_role(compact(out[k]) + compact(t)) is not None
                                                 for k, t in zip(heads, more, strict=True)):
        # '年度 | 实际' over '指标值 | 完成值': each continuation ends the column name above it that is none yet
        for k, t in zip(heads, more, strict=True):
            out[k] = compact(out[k]) + compact(t)
        return out
    for t in more:
        c = compact(t)
        if c in ("指标", "目标") and out and compact(out[-1]).endswith("级"):
            out[-1] = compact(out[-1]) + c
        else:
            out.append(t)
    return out


def _wrapped_header_head(rows: list[Row], j: int) -> bool:
    """'年度' / '指标值', '实际' / '完成值': a column name wrapped over two cells, the first no name."""
    if j + 1 >= len(rows) or rows[j + 1].layout != "single":
        return False
    a, b = compact(rows[j].text), compact(rows[j + 1].text)
    return len(a) <= 4 and header_role(a) is None and label_info(a) is None and \
        header_role(a + b) is not None and len(a + b) <= 12


def _indicator_rows(rows: list[Row]) -> int:
    """Rows holding a category label and, after it, a target-shaped cell: indicator rows."""
    n = 0
    for r in rows:
        ne = [t for _, t in r.nonempty()]
        if len(ne) >= 3 and r.layout in ("tab", "pipe", "spaces") and label_info(ne[0]) is not None and \
                any(looks_like_target(t) and label_info(t) is None for t in ne[2:]):
            n += 1
    return n


def _continues_table(rows: list[Row], head: int) -> bool:
    """After this heading come indicator rows (or their column header), no header fields."""
    for r in rows[head + 1:]:
        if r.blank or is_heading(r) or is_chrome(r.text) or _YEAR_LINE.match(compact(r.text)):
            continue
        if is_header_row(r.cells):
            return True
        ne = r.nonempty()
        return len(ne) >= 2 and not _is_key_row(r) and (label_info(ne[0][1]) is not None or r.cells[0].strip() == "")
    return False


def _has_key(row: Row, keys: tuple[str, ...]) -> bool:
    if not any(k in row.text for k in keys):
        return False
    return any(k in keys for k, _ in ((f.key, f.value) for f in hdr.read_header([row])))


def _back_over_keys(rows: list[Row], i: int, floor: int) -> int:
    while i - 1 >= floor and not rows[i - 1].blank and _is_key_row(rows[i - 1]):
        i -= 1
    return i


def _split_projects(rows: list[Row], s: int, e: int) -> list[tuple[int, int]]:
    """Several projects under one heading: each 项目名称 after an indicator section starts one."""
    names = [i for i in range(s, e) if _has_key(rows[i], _TITLE_KEYS)]
    cuts = [s]
    for i in names[1:]:
        cut = _back_over_keys(rows, i, cuts[-1] + 1)
        # a sub-heading naming the unit and the amount unit ('207101某区人民法院 | 单位：万元') opens the project
        if cut - 1 > cuts[-1] and _AMOUNT_UNIT.search(_cells_text(rows[cut - 1])):
            cut -= 1
        if _holds_indicator_header(rows[cuts[-1]:cut]):
            cuts.append(cut)
    return [(a, cuts[k + 1] if k + 1 < len(cuts) else e) for k, a in enumerate(cuts)]


def _holds_indicator_header(rows: list[Row]) -> bool:
    """An indicator header among these rows: in one row, or one cell per line ('一级指标' / '二级指标' /
    '三级指标' / '指标值' on consecutive lines)."""
    run: list[str] = []
    for r in rows:
        if is_header_row(r.cells):
            return True
        ne = r.nonempty()
        if len(ne) == 1 and header_role(ne[0][1]) is not None:
            run.append(ne[0][1])
            if len(run) >= 3 and is_header_row(run):
                return True
        elif not r.blank:
            run = []
    return False


def _project_columns(cells: list[str]) -> list[str] | None:
    """The roles of the columns before 一级指标 in a wide sheet's header, or None for a usual header."""
    ne = [compact(c) for c in cells if c.strip()]
    first = next((i for i, c in enumerate(ne) if header_role(c) == "l1"), None)
    if not first:
        return None
    roles = [project_column_role(c) for c in ne[:first]]
    if "title" not in roles or any(r is None for r in roles):
        return None
    return roles


def _unmash_header(rows: list[Row]) -> list[Row]:
    """Header cells exported into one line together with the first data row (spreadsheet previews):
    '… 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 |
    度量单位 | 产出指标 | 数量指标 | 学生受资助人数 | ≧ | 735 …' → a header row and a data row. Where the
    header has two tiers (绩效指标 and 年度指标值 spanning 一级…度量单位), the lower tier takes their place."""
    out: list[Row] = []
    for r in rows:
        if "一级" not in r.text or len(r.cells) < 8:
            out.append(r)
            continue
        ne = [t for _, t in r.nonempty()]
        roles = [header_role(t) if len(compact(t)) <= 16 else None for t in ne]
        i1 = next((i for i, ro in enumerate(roles) if ro == "l1"), None)
        if i1 is None or len(ne) < 8:
            out.append(r)
            continue
        e = i1
        while e < len(ne) and roles[e] is not None and label_info(ne[e]) is None:
            e += 1
        data = ne[e:]
        if len(data) < 3 or label_info(data[0]) is None or header_role(data[0]) is not None:
            # ('完成值' reads like the label 完成 but is a column name: the header goes on)
            out.append(r)
            continue
        s = i1
        while s > 0 and (roles[s - 1] is not None or "偏差" in ne[s - 1]):
            s -= 1
        top, sub = ne[s:i1], ne[i1:e]
        if top and roles[s] == "name":
            k = next((j for j, t in enumerate(top) if header_role(t) == "target"), 0)
            header = sub + top[k + 1:]
        else:
            header = top + sub
        out.append(Row(line=r.line, cells=ne[:s], layout=r.layout))
        out.append(Row(line=r.line, cells=header, layout=r.layout))
        out.append(Row(line=r.line, cells=data, layout=r.layout))
    return out


def read_tables(rows: list[Row], wan_figures: frozenset[float] = frozenset()) -> list[TableRecord]:
    """One table range → its tables: one, or one per project of a wide sheet. ``wan_figures``: the
    figures the whole document writes in 万元 (``stated_wan_figures``)."""
    rows = _unmash_header(rows)
    found = _find_indicator_header(rows)
    if found[0] is not None:
        proj = _project_columns(rows[found[0]].cells)
        if proj is not None:
            return _read_wide(rows, found[0], proj)
    return [read_table(rows, found, wan_figures)]


# an amount written with its unit: '500万元', '2.38  万元', '449.8万', '17元/人'
_STATED_AMOUNT = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)\s*(万元|万(?![\u4e00-\u9fff])|元)")


_WIDE_DIGIT = re.compile(r"[０-９]")


def stated_wan_figures(rows: list[Row]) -> frozenset[float]:
    """The figures a document writes with 万元 and never with 元 alone ('现将…资金500万元下达你们',
    '其中:中央补助 | 2.38 万元'): a money field holding the same figure with no unit
    ('年度资金总额: | 500') states it in 万元 too."""
    wan: set[float] = set()
    yuan: set[float] = set()
    for r in rows:
        if "元" not in r.text and "万" not in r.text:
            continue
        for m in _STATED_AMOUNT.finditer(halfwidth(r.text) if _WIDE_DIGIT.search(r.text) else r.text):
            try:
                n = float(m.group(1).replace(",", ""))
            except ValueError:
                continue
            (yuan if m.group(2) == "元" else wan).add(n)
    return frozenset(n for n in wan - yuan if n > 0)


def _read_wide(rows: list[Row], h_idx: int, proj: list[str]) -> list[TableRecord]:
    """A sheet with a row per indicator and the project's columns filled on its first row only."""
    head = rows[:h_idx]
    header = [c for c in rows[h_idx].cells if c.strip()]
    schema = schema_from_header(header[len(proj):])
    in_wan = any("万元" in r.text and "单位" in r.text for r in head)
    year = _year(head, TableRecord(title=None))
    kind = table_kind(rows)
    groups: list[tuple[dict[str, str], int, list[Row], list[ParseWarning]]] = []
    current: dict[str, str] = {}
    for r in rows[h_idx + 1:]:
        ne = r.nonempty()
        if not ne:
            continue
        k = next((i for i, (_, t) in enumerate(ne) if (info := label_info(t)) is not None and 1 in info.levels), None)
        pre = [t for _, t in (ne if k is None else ne[:k])]
        if k is None:
            if groups and not re.match(r"(?:合计|小计|总计)", compact(r.text)):
                # a row of the current project whose labels are merged above it, or a value wrapped
                # onto its own line: the section reader joins or reads it
                groups[-1][2].append(Row(line=r.line, cells=[t for _, t in ne], layout=r.layout))
            elif groups:
                groups[-1][3].append(ParseWarning(r.line, "not-indicator", f"row with no category label skipped "
                                                  f"(a subtotal or note): {r.text[:40]}"))
            continue
        values = dict(zip(proj[len(proj) - len(pre):], pre, strict=False)) if len(pre) <= len(proj) else {}
        if values.get("title"):
            current = {**{"unit": current.get("unit", "")}, **values}
            groups.append((current, r.line, [], []))
        elif values.get("unit") and not groups:
            current = dict(values)
        if not groups:
            continue
        groups[-1][2].append(Row(line=r.line, cells=[t for _, t in ne[k:]], layout=r.layout))
    out = []
    for values, line, body, warnings in groups:
        table = TableRecord(title=values.get("title") or None, unit=values.get("unit") or None, year=year, kind=kind)
        if values.get("budget"):
            amount = hdr.parse_amount("预算数（万元）" if in_wan else "预算数", values["budget"])
            table.budget = Budget(total=amount)
        if values.get("goal"):
            table.text_fields["年度目标"] = values["goal"]
        if values.get("category"):
            table.category = values["category"]
        table.header_fields = {k: v for k, v in values.items()}
        warnings.append(ParseWarning(line, "wide-sheet", "one sheet holds several projects: the project's columns "
                                     "are filled on its first row only; this table is the rows until the next project"))
        table.indicators = _read_section(body, schema, warnings, glued=False)
        table.lines = (line, body[-1].line if body else line)
        table.warnings = sorted(warnings, key=lambda w: (w.line or 0))
        out.append(table)
    return out or [read_table(rows)]


def read_table(rows: list[Row], found: tuple[int | None, Schema, bool] | None = None,
               wan_figures: frozenset[float] = frozenset()) -> TableRecord:
    warnings: list[ParseWarning] = []
    body = [r for r in rows if not r.blank]
    first_line = body[0].line if body else rows[0].line
    last_line = body[-1].line if body else rows[-1].line
    h_idx, schema, glued_header = found if found is not None else _find_indicator_header(rows)
    head_rows = rows[: h_idx] if h_idx is not None else rows
    fields = hdr.read_header([r for r in head_rows if not is_heading(r)])
    table = TableRecord(title=None, lines=(first_line, last_line))
    table.kind = table_kind(rows)
    fields = _unit_subheading(head_rows) + fields
    wan_line = _wan_section_line(head_rows)
    _apply_fields(table, fields, warnings, prose="\n".join(r.text for r in head_rows if not r.blank),
                  wan_line=wan_line, wan_figures=wan_figures)
    grid = _grid_year_budget(head_rows)
    if grid is not None:
        in_wan = (wan_line is not None and grid[0] >= wan_line) or _same_figure_in_wan(grid[1], wan_figures)
        amount = hdr.parse_amount("全年预算数" + ("（万元）" if in_wan else ""), grid[1])
        if amount is not None and amount != table.budget.current_year:
            table.budget.current_year = amount
            warnings.append(ParseWarning(grid[0], "budget-from-grid", f"the year's budget is the money grid's "
                                         f"全年预算数 {grid[1]} (its 执行率 matches its 执行数)"))
    if table.title is None:
        table.title = title_from_heading(body)
        if table.title is not None:
            warnings[:] = [w for w in warnings if w.code != "missing-title"]
            warnings.append(ParseWarning(first_line, "title-from-heading",
                                         f"no 项目名称 field: the project name {table.title} is read from the heading"))
    table.year = _year(head_rows, table)
    if table.year is None and table.title and (m := re.match(r"((?:19|20)\d{2})\s*年", halfwidth(table.title))):
        table.year = int(m.group(1))  # '2019年新型农业经营主体扶持项目': the project's own name dates it
        warnings.append(ParseWarning(first_line, "year-from-title", f"no year in the heading or fields: {table.year} "
                                     "is read from the project's name"))
    if h_idx is None:
        start = _first_label_row(rows)
        if start is None:
            warnings.append(ParseWarning(first_line, "no-indicators",
                                         "no indicator section (一级/二级/三级 … 指标值) found in this table"))
        else:
            inferred = _schema_from_rows(rows[start:])
            first_label_line = rows[start].line
            if inferred is not None:
                start = _rows_above_in_shape(rows, start, inferred)
            shown = "/".join(inferred.names) if inferred is not None else "一级/二级/三级/指标值"
            warnings.append(ParseWarning(rows[start].line, "no-indicator-header",
                                         f"indicator rows found without a column header; read as {shown}"))
            table.indicators = _read_section(rows[start:], inferred or DEFAULT_SCHEMA, warnings, glued=False,
                                             above_page_until=first_label_line)
    else:
        if table.kind == "goal" and "actual" in schema.roles and not any(is_heading(r) for r in rows[:h_idx]):
            table.kind = "self-evaluation"  # no heading says which: a 完成值 column makes it a self-evaluation
        table.indicators = _read_section(rows[h_idx + 1:], schema, warnings, glued=glued_header)
        if not table.indicators:
            warnings.append(ParseWarning(rows[h_idx].line, "no-indicators", "the indicator section holds no indicator"))
    for r in rows:
        if r.layout == "interleaved":
            warnings.append(ParseWarning(r.line, "interleaved-cells", "the indicator cells are flattened out of row "
                                         "order (a run of values printed apart from their names): the indicators "
                                         f"cannot be matched to their values and are not read: {r.text[:40]}"))
    if table.indicators and not table.legal_bases and not any(
            any(b in k for b in hdr.LEGAL_BASIS_KEYS) for k in table.header_fields):
        # no 立项依据 anywhere above: a self-evaluation report's text after the table says what the
        # project rests on ('根据《…》(大府办函〔2017〕75号)…申报')
        end = max(i.line for i in table.indicators)
        after = "\n".join(r.text for r in rows if r.line > end and not r.blank)
        add_prose_bases(table, after, "the text after the table", warnings, end)
    table.warnings = sorted(warnings, key=lambda w: (w.line or 0))
    return table


def _find_indicator_header(rows: list[Row]) -> tuple[int | None, Schema, bool]:
    for i, r in enumerate(rows):
        cells = [c for c in r.cells]
        if r.layout in ("tab", "pipe", "spaces") and is_header_row(cells) and (lower := _lower_tier(rows, i)):
            # a two-tier header: '绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分' above '一级指标 | 二级指标 |
            # 三级指标 | 指标性质 | 指标值 | 度量单位': the lower tier takes the place of the columns it splits
            k, sub = lower
            top = [c for c in cells if c.strip()]
            t_at = next(x for x, c in enumerate(top) if header_role(c) == "target")
            return k, schema_from_header(sub + top[t_at + 1:]), False
        if r.layout in ("tab", "pipe", "spaces") and is_header_row(cells):
            # header cells wrapped onto the next lines ('实际 完成值 |' / '分值 | 得分 | …'): lines holding
            # only column names (none a category label or a value) continue the header row
            merged = list(cells)  # empty cells kept: they hold the columns' places
            prev = rows[i - 1] if i > 0 else None
            if prev is not None and len(prev.nonempty()) == 1 and header_role(prev.nonempty()[0][1]) == "l1" and \
                    "l1" not in [header_role(c) for c in cells if c.strip()]:
                merged = [prev.nonempty()[0][1]] + [c for c in cells if c.strip()]  # '一级 指标 |' on the line above
            j = i + 1
            while j < len(rows) and j <= i + 3 and not rows[j].blank and all(
                    header_role(t) is not None and (label_info(t) is None or compact(t).endswith("值"))
                    and not looks_like_target(t) and len(compact(t)) <= 16 for _, t in rows[j].nonempty()):
                merged = _join_header_cells([c for c in merged if c.strip()], [t for _, t in rows[j].nonempty()])
                j += 1
            return j - 1, schema_from_header(_one_of_twin_headers(_drop_title_column(merged, rows, j))), False
        if r.layout in ("tab", "pipe", "spaces") and any(header_role(c) == "l1" for c in cells):
            # header cells wrapped over several lines ('一级 指标' / '二级 指标' / '三级 指标' / '指标值'):
            # the lines that hold only header words continue the header row
            merged = [c for c in cells if c.strip()]
            j = i + 1
            while j < len(rows) and j <= i + 6 and not rows[j].blank and all(
                    header_role(t) is not None and label_info(t) is None for _, t in rows[j].nonempty()):
                merged = _join_header_cells(merged, [t for _, t in rows[j].nonempty()])
                j += 1
            if j > i + 1 and is_header_row(merged):
                return j - 1, schema_from_header(_one_of_twin_headers(merged)), False
        if r.layout == "single":
            glued = split_glued_header(r.text)
            if glued:
                return i, schema_from_header(glued), True
            # one header cell per line: 一级指标 / 二级指标 / 三级指标 / 指标值 on consecutive lines
            nxt_role = header_role(rows[i + 1].text) if i + 1 < len(rows) else None
            if header_role(r.text) == "name" and nxt_role != "name" and len(compact(r.text)) <= 6 and \
                    compact(r.text) not in ("绩效指标",):
                # a header with no 一级/二级 columns ('指标 / 指标权重 / 计量单位 / 指标性质 / 指标值'),
                # perhaps after a row-number column ('序号 / 三级指标 / 年度指标值')
                numbered = i > 0 and compact(rows[i - 1].text) in ("序号", "编号")
                run = (["序号"] if numbered else []) + [r.text]
                j = i + 1
                while j < len(rows) and rows[j].layout == "single" and len(compact(rows[j].text)) <= 12 and \
                        header_role(rows[j].text) not in (None, "l1", "l2", "name") and label_info(rows[j].text) is None:
                    run.append(rows[j].text)
                    j += 1
                if len(run) >= 3 and any(header_role(t) == "target" for t in run):
                    return j - 1, schema_from_header(run), False
            if header_role(r.text) == "l1" and len(compact(r.text)) <= 6:
                run = [r.text]
                j = i + 1
                while j < len(rows) and rows[j].layout == "single" and len(compact(rows[j].text)) <= 12 and (
                        header_role(rows[j].text) or compact(rows[j].text) in ("指标", "目标") or
                        _wrapped_header_head(rows, j)):
                    if compact(rows[j].text) in ("指标", "目标"):
                        run[-1] += compact(rows[j].text)  # '一级' / '指标': a header cell wrapped in two
                    elif _wrapped_header_head(rows, j):
                        run.append(compact(rows[j].text) + compact(rows[j + 1].text))  # '年度' / '指标值'
                        j += 1
                    else:
                        run.append(rows[j].text)
                    j += 1
                if len(run) >= 3:
                    # more column names after the known ones (one value column per town: '西坪镇尧山村' …)
                    k = j
                    while k < len(rows) and k - j < 12 and rows[k].layout == "single" and \
                            2 <= len(compact(rows[k].text)) <= 10 and label_info(rows[k].text) is None and \
                            not looks_like_target(rows[k].text) and not looks_like_label(rows[k].text):
                        k += 1
                    nxt = next((x for x in range(k, min(k + 3, len(rows))) if not rows[x].blank), None)
                    if k > j and nxt is not None and label_info(rows[nxt].text) is not None:
                        run.extend(rows[x].text for x in range(j, k))
                        j = k
                    return j - 1, schema_from_header(_one_of_twin_headers(run)), False
    return None, DEFAULT_SCHEMA, False


def _first_label_row(rows: list[Row]) -> int | None:
    for i, r in enumerate(rows):
        ne = r.nonempty()
        if len(ne) >= 3:
            info = label_info(ne[0][1])
            if info is not None and 1 in info.levels:
                return i
    return None


def _list_header(r: Row) -> bool:
    """'序号 | 学校性质 | 培训机构 | 培训补助标准(元/人) | …': the column header of a list (an allocation
    table after the indicators) — a row-number column first, then column names, no value."""
    ne = [compact(t) for _, t in r.nonempty()]
    return len(ne) >= 4 and ne[0] in ("序号", "编号") and not any("指标" in t for t in ne[1:]) and \
        not any(re.match(r"[≥≤=<>＞＜]|\d+(?:\.\d+)?[%‰]?$", t) or label_info(t) is not None for t in ne[1:])


def _read_section(rows: list[Row], schema: Schema, warnings: list[ParseWarning], glued: bool,
                  above_page_until: int | None = None) -> list:
    """The indicator rows; ``above_page_until``: the line of a page's first labelled row when the
    page starts inside its table (the rows above it have no labels on the page)."""
    section: list[Row] = []
    for r in rows:
        if not r.blank and (r.layout == "end" or _SECTION_END.match(compact(r.text)) or _SIGNATURE.search(compact(r.text)) or
                            (len(r.nonempty()) == 1 and _NUMBERED_HEADING.match(r.text.strip())) or _list_header(r)):
            warnings.append(ParseWarning(r.line, "section-end", f"the indicator section ends here: {r.text[:40]}"))
            break
        if not r.blank and is_heading(r):
            continue  # the heading repeated over a page break (split_tables kept the table whole)
        section.append(r)
    section = _join_wrapped_labels(section, warnings)
    section = [_one_of_twin_groups(r, warnings) for r in section]
    fixed = _fixed_width_rows(section, schema, warnings)
    if fixed is None and not glued and is_stream(section):
        fixed = _regroup_by_header(section, schema, warnings)
    if fixed is not None:
        section = fixed
    elif glued or is_stream(section):
        after = len(schema.roles) - schema.target_col - 1
        section = regroup_stream(section, n_after_target=max(after, 0), width=len(schema.roles)) if not glued else [
            Row(line=r.line, cells=split_glued(r.text) or [r.text], layout="stream") for r in section if not r.blank]
    parsed: list[RowParse] = []
    ctx = _Ctx()
    blank = False
    prev_layout = None
    last_row = next((r for r in reversed(section) if not r.blank), None)
    for r in section:
        if r.blank:
            blank = True
            continue
        if r.layout == "interleaved":
            continue  # reported by read_table
        if r.layout == "unsplit":
            warnings.append(ParseWarning(r.line, "unsplit-row", "cells glued with no separator could not be told "
                                         f"apart (more than one reading fits) and are not read: {r.text[:40]}"))
            continue
        if is_header_row(r.cells):
            continue  # the header repeated after a page break
        if is_chrome(r.text):
            warnings.append(ParseWarning(r.line, "page-furniture", f"skipped page furniture: {r.text[:40]}"))
            continue
        if r is last_row and _cut_label(r.text):
            warnings.append(ParseWarning(r.line, "cut-off-row", f"the text ends inside a category label "
                                         f"('{r.text.strip()}'): not read as part of the row above"))
            continue
        if r.layout == "single" and prev_layout == "spaces" and parsed and parsed[-1].name and not blank \
                and _wrapped_text(r.text):
            # a long name wrapped onto a line of its own (PDF text exports): it is the end of
            # the name above, not an indicator of its own
            prev = parsed[-1]
            warnings.append(ParseWarning(r.line, "wrapped-cell", f"line holds only '{r.text[:20]}': read as the "
                                         f"end of the indicator name on line {prev.line}"))
            prev.name += r.text.strip()
            continue
        prev_layout = r.layout
        if _AMOUNT_UNIT.search(_cells_text(r)):
            warnings.append(ParseWarning(r.line, "page-furniture", f"skipped an amount-unit line: {r.text[:40]}"))
            continue
        if _is_subheader(r):
            warnings.append(ParseWarning(r.line, "sub-header", f"column sub-header skipped: {r.text[:40]}"))
            continue
        if parsed and parsed[-1].name and r.layout != "fixed" and _continues_row(r, parsed[-1], schema):
            prev = parsed[-1]
            for _, text in r.nonempty():
                if prev.target is None:
                    prev.target, where = text, "target"
                else:
                    role = _next_free_role(prev, schema, text)
                    where = schema.header(schema.roles.index(role), role) if role in schema.roles else role
                    prev.extra[where] = text
                    if role in ("actual", "score") or (role == "weight" and "分" in where):
                        prev.by_role["points" if role == "weight" else role] = text
                warnings.append(ParseWarning(r.line, "wrapped-cell", f"'{text[:20]}' on a line of its own: read as "
                                             f"the {where} of the indicator on line {prev.line}"))
            continue
        rp = read_row(r, schema)
        if rp is None:
            continue
        rp.blank_before, blank = blank, False
        if rp.name and is_placeholder(rp.name):
            warnings.append(ParseWarning(r.line, "placeholder", f"template placeholder row skipped: {r.text[:40]}"))
            rp.name = None
        resolve_labels(rp, ctx, schema)
        if rp.e1:
            ctx.cur1 = rp.e1
        if rp.e2 or rp.stray:
            ctx.cur2 = rp.stray or rp.e2
        for code, msg in rp.warnings:
            warnings.append(ParseWarning(r.line, code, msg))
        if not rp.name:
            if rp.e1 or rp.e2 or rp.stray:
                # kept in ``parsed``: its labels still open a group for the rows below
                warnings.append(ParseWarning(r.line, "label-only-row",
                                             f"row holds category labels but no indicator: {r.text[:40]}"))
            elif rp.target:
                warnings.append(ParseWarning(r.line, "orphan-target", f"target {rp.target} without an indicator name"))
        rp.above_page = above_page_until is not None and r.line < above_page_until
        parsed.append(rp)
    assign_groups(parsed, warnings)
    return build_indicators(parsed, warnings)


_AMOUNT_UNIT = re.compile(r"(?:^|\t)(?:金额|资金)?单位[:：](?:万?元)$")
_LABEL_TAIL = re.compile(r"^(?:类)?(?:指标|目标)(?:\s*[（(][^)）]{1,8}[)）])?$")


def _join_wrapped_labels(rows: list[Row], warnings: list[ParseWarning]) -> list[Row]:
    """A category cell wrapped over two lines ('社会效益' / '指标'): the tail joins the label above."""
    out: list[Row] = []
    for r in rows:
        ne = r.nonempty()
        tails = [k for k in range(1, len(ne)) if _LABEL_TAIL.match(compact(ne[k][1])) and
                 label_info(ne[k - 1][1] + compact(ne[k][1])) is not None and
                 not compact(ne[k - 1][1]).endswith(("指标", "目标"))]
        if tails:  # '生态效益 指标' split at its space
            cells = list(r.cells)
            for k in reversed(tails):
                cells[ne[k - 1][0]] = ne[k - 1][1] + compact(ne[k][1])
                cells[ne[k][0]] = ""
            r = Row(line=r.line, cells=cells, layout=r.layout, extra_lines=r.extra_lines)
        t = compact(r.text)
        if not r.blank and len(r.nonempty()) == 1 and re.fullmatch(r"[\u4e00-\u9fff]{1,4}(?:指标|目标)", t) and \
                not _LABEL_TAIL.match(t) and out and not out[-1].blank and out[-1].line == r.line - 1 and \
                len(out[-1].nonempty()) == 1:
            # '可持续影' / '响指标': a label broken inside a word at the end of a line
            head = compact(out[-1].nonempty()[0][1])
            if len(head) <= 8 and label_info(head) is None and label_info(head + t) is not None:
                prev = out[-1]
                out[-1] = Row(line=prev.line, cells=[head + t], layout=prev.layout,
                              extra_lines=[*prev.extra_lines, r.line])
                warnings.append(ParseWarning(r.line, "wrapped-label", f"'{t}' ends the category label on line "
                                             f"{prev.line}: read as {head + t}"))
                continue
        if not r.blank and _LABEL_TAIL.match(t):
            prev = next((x for x in reversed(out) if not x.blank), None)
            if prev is not None:
                ne = prev.nonempty()
                if ne and label_info(ne[-1][1] + t) is not None and label_info(ne[-1][1]) is None or (
                        ne and label_info(ne[-1][1] + t) is not None and not compact(ne[-1][1]).endswith(("指标", "目标"))):
                    cells = list(prev.cells)
                    cells[ne[-1][0]] = ne[-1][1] + t
                    at = out.index(prev)
                    out[at] = Row(line=prev.line, cells=cells, layout=prev.layout,
                                  extra_lines=[*prev.extra_lines, r.line])
                    warnings.append(ParseWarning(r.line, "wrapped-label", f"'{t}' ends the category label on line "
                                                 f"{prev.line}: read as {ne[-1][1] + t}"))
                    above = out[at - 1] if at > 0 else None
                    if len(ne) == 1 and above is not None and not above.blank and len(above.nonempty()) == 1:
                        # wrapped over three lines ('服务对象' / '满意度' / '指标'): the first part too
                        head, word = compact(above.nonempty()[0][1]), compact(cells[ne[-1][0]])
                        if len(head) <= 8 and label_info(head) is None and label_info(head + word) is not None:
                            out[at - 1] = Row(line=above.line, cells=[head + word], layout=above.layout,
                                              extra_lines=[*above.extra_lines, prev.line, *prev.extra_lines, r.line])
                            del out[at]
                            warnings.append(ParseWarning(above.line, "wrapped-label", f"'{head}' starts the category "
                                                         f"label on line {prev.line}: read as {head + word}"))
                    continue
        if not r.blank and len(r.nonempty()) == 1 and out and not out[-1].blank and out[-1].line == r.line - 1 \
                and label_info(t) is not None and (len(out[-1].nonempty()) == 1 and _paragraph_cells(out) or
                                                   len(out[-1].nonempty()) == 2 and
                                                   label_info(out[-1].nonempty()[0][1]) is not None):
            # '服务对象' / '满意度指标' on consecutive lines ('满意度指标 服务对象' / '满意度指标'): one label
            # wrapped in two, when the lines hold cells on their own (paragraphs) or a label row
            head = compact(out[-1].nonempty()[-1][1])
            if label_info(head) is None and len(head) <= 8 and label_info(head + t) is not None and \
                    any(not x.blank for x in out[:-1]):
                prev = out[-1]
                cells = list(prev.cells)
                cells[prev.nonempty()[-1][0]] = head + t
                out[-1] = Row(line=prev.line, cells=cells, layout=prev.layout, extra_lines=[*prev.extra_lines, r.line])
                warnings.append(ParseWarning(r.line, "wrapped-label", f"'{t}' ends the category label on line "
                                             f"{prev.line}: read as {head + t}"))
                continue
        out.append(r)
    return out


def _fixed_width_rows(section: list[Row], schema: Schema, warnings: list[ParseWarning]) -> list[Row] | None:
    """One cell per line with empty cells kept as '|' lines ('发放人数 | 20 | 人数 | ≥ | 80 |
    促进社会和谐 | 20 | | 定性 | |'): every run of as many cells as the header has columns (or one
    more: a merged '绩效指标' column the header names above its own row) is one row, as long as
    each run has a name where the header puts it and labels, if any, where the labels go."""
    n = len(schema.roles)
    labelled = "l1" in schema.roles or "l2" in schema.roles
    if n < 3 or (labelled and not any(r.layout == "pipe-rule" for r in section[:3 * n])):
        return None  # with label columns, only where empty cells are kept can runs be counted
    cells: list[tuple[int, str]] = []
    for r in section:
        if r.layout == "pipe-rule":
            cells.append((r.line, ""))
        elif r.layout == "single" and len(r.nonempty()) == 1:
            cells.append((r.line, r.nonempty()[0][1]))
        elif r.blank:
            continue
        else:
            break
    # header cells the header's run left out (a long '未完成原因及拟采取的改进措施') come first
    extra = 0
    while cells and cells[0][1] and header_role(cells[0][1]) is not None and label_info(cells[0][1]) is None \
            and not looks_like_target(cells[0][1]):
        cells, extra = cells[1:], extra + 1
    best: list[Row] = []
    # the header may name columns the schema has no role for (a long 未完成原因… at the end)
    named = (len([c for c in schema.names if c.strip()]) or n) + extra
    for width in sorted({n, n + 1, named, named + 1}):
        for lead in (0, 1):
            if width - lead >= n:
                rows = _chunks(cells, schema, width, lead)
                if len(rows) > len(best):
                    best = rows
    if len(best) < 2:
        return None
    warnings.append(ParseWarning(best[0].line, "fixed-width-cells", "one cell per line with empty cells kept: read "
                                 f"as rows of {len(best[0].cells)} cells in the header's order"))
    used = max(ln for r in best for ln in (r.line, *r.extra_lines))
    rest = [r for r in section if r.line > used]
    cells_left = [r for r in rest if not r.blank]
    if cells_left and len(cells_left) < len(best[0].cells) and all(r.layout in ("single", "pipe-rule") for r in rest) and \
            not any(_SECTION_END.match(compact(r.text)) for r in cells_left):
        # fewer cells than a row has, and nothing after them: the text ends inside this row
        warnings.append(ParseWarning(cells_left[0].line, "cut-off-row", "the text ends inside this row "
                                     f"({len(cells_left)} of its cells): the table is read up to the cut"))
        return best
    return best + rest


def _chunks(cells: list[tuple[int, str]], schema: Schema, width: int, lead: int) -> list[Row]:
    n = len(schema.roles)
    nc, tc = schema.name_col + lead, schema.target_col + lead
    label_cols = [i + lead for i, role in enumerate(schema.roles) if role in ("l1", "l2")]
    rows: list[Row] = []
    for k in range(0, len(cells) - width + 1, width):
        chunk = cells[k:k + width]
        name, target = chunk[nc][1], chunk[tc][1] if tc < width else ""
        if not name or is_numeric_target(name) or has_operator(name) or label_info(name) is not None or \
                (target and not fits_column("target", target)) or not any(t for _, t in chunk[nc + 1:]) or \
                any(chunk[c][1] and label_info(chunk[c][1]) is None for c in label_cols) or \
                any(t for _, t in chunk[:lead]):
            break
        rows.append(Row(line=chunk[lead][0], cells=[t for _, t in chunk[lead:lead + n]], layout="fixed",
                        extra_lines=[ln for ln, _ in chunk[lead + 1:]]))
    return rows


_RICH_ROLES = ("op", "unit", "weight", "actual", "direction", "score")
_OP_WORDS = ("≥", ">=", "≤", "<=", "=", "＝", ">", "<", "≧", "≦", "大于等于", "小于等于", "等于", "大于", "小于",
             "不低于", "不高于", "不少于", "不超过")


def _fits_role(role: str, text: str) -> bool:
    """Can this one cell be the value of a column with this role? (by its shape only)"""
    t = compact(halfwidth(text))
    if role == "op":
        return t in _OP_WORDS or t in ("定性", "定量")
    if role == "direction":
        return t in ("正向", "反向", "正向指标", "反向指标")
    if role in ("weight", "score"):
        return bool(re.fullmatch(r"\d{1,3}(?:\.\d+)?%?", t))
    if role == "unit":
        return bool(re.fullmatch(r"[%‰]|[^\d\s=≥≤<>≧≦]{1,6}", t)) and label_info(t) is None and \
            t not in _OP_WORDS and t not in ("正向", "反向", "定性", "定量") and \
            not is_numeric_target(t) and len(t) <= 6 and not t.endswith(("率", "度", "性", "数"))
    if role in ("target", "actual", "prev"):
        return t not in _OP_WORDS and label_info(t) is None and (looks_like_target(t) or len(t) <= 12) and \
            not is_placeholder(t)
    return role in ("note", "extra")


def _regroup_by_header(section: list[Row], schema: Schema, warnings: list[ParseWarning]) -> list[Row] | None:
    """One cell per line under a header with many columns (性质 | 方向 | 年度指标值 | 实际完成值 | 计量单位
    | 分值 | 得分 …), empty cells not kept: each cell goes to the next column of the header it fits by
    its shape; a label, or a cell no column after the current one fits, starts the next row.
    Columns the header names in another order (指标性质 holding 正向, 指标方向 holding 大于等于)
    are matched by what the cells are, not by the header's words."""
    roles = schema.roles
    if not any(r in roles for r in _RICH_ROLES) or len(roles) < 6 or "name" not in roles:
        return None
    nc = roles.index("name")
    value_roles = [(i, r) for i, r in enumerate(roles) if i > nc and r not in ("blank", "l1", "l2", "name")]
    cells = [(r.line, r.nonempty()[0][1]) for r in section if len(r.nonempty()) == 1]
    if len(cells) < len([r for r in section if not r.blank]):
        return None  # a row with several cells: not a one-cell-per-line section
    # empty lines between groups of cells (a name / '=' / '81' / '人' / a note / ''): when the groups
    # are row-sized, an empty line ends a row and nothing else does
    after_blank: set[int] = set()
    groups: list[int] = [0]
    seen_blank = False
    for r in section:
        if r.blank:
            seen_blank = True
            continue
        if seen_blank and groups[-1]:
            after_blank.add(r.line)
            groups.append(0)
        seen_blank = False
        groups[-1] += 1
    row_ends = len(groups) >= 3 and sum(groups) >= 3 * len(groups)
    out: list[Row] = []
    labels: list[str] = []
    row: list[str] | None = None
    line = 0
    extra: list[int] = []
    pos = 0

    def flush() -> None:
        nonlocal row, labels, extra
        if row is not None:
            out.append(Row(line=line, cells=row, layout="fixed", extra_lines=list(extra)))
        row, extra = None, []

    for k, (ln, t) in enumerate(cells):
        info = label_info(t)
        if row_ends and ln in after_blank and row is not None and \
                any(row[i] for i, ro in value_roles if ro == "target"):
            flush()  # (a row still waiting for its value goes on: an empty line stood for an empty cell)
        if info is not None and (row is None or pos > 0):
            flush()
            labels.append(t)
            continue
        if row is None:
            if _fits_role("weight", t) or compact(t) in _OP_WORDS:
                continue  # a stray number or operator where a name should be: not read
            row = [""] * len(roles)
            for lab in labels[-2:]:
                li = label_info(lab)
                slot = roles.index("l1") if "l1" in roles and li is not None and li.levels == {1} else (
                    roles.index("l2") if "l2" in roles else None)
                if slot is not None and slot < nc:
                    row[slot] = lab
            labels = []
            row[nc] = t
            line, pos = ln, 0
            continue
        if compact(t) == compact(row[nc]) and any(row[i] for i, ro in value_roles if ro == "target"):
            extra.append(ln)
            continue  # the completed-value cell restating what it counts ('建设…监测子站' / '0'): not a new row
        # an operator or a direction goes to its column wherever the header put it (指标性质 holding
        # 正向 and 指标方向 holding 大于等于 in some templates): the pointer does not move back
        swap = next((j for j, (i, ro) in enumerate(value_roles) if ro in ("op", "direction") and not row[i]
                     and _fits_role(ro, t)), None)
        if swap is not None and swap < pos:
            row[value_roles[swap][0]] = t
            extra.append(ln)
            continue
        # the next column (from the current one on) that this cell fits
        q = next((j for j in range(pos, len(value_roles)) if _fits_role(value_roles[j][1], t)), None)
        nxt = cells[k + 1][1] if k + 1 < len(cells) else ""
        # free text (a 偏差原因 note) or the next row's name? the name is followed by what comes first
        # in a row (an operator, a direction, the target)
        starts_row = q is None or (not row_ends and value_roles[q][1] in ("note", "extra") and bool(nxt)
                                   and label_info(nxt) is None
                                   and not re.search(r"[。；;]", t)  # a sentence is a note, never a name
                                   and (any(_fits_role(ro, nxt) for _, ro in value_roles[:2]) or
                                        _fits_role("op", nxt) or _fits_role("direction", nxt)))
        if starts_row:
            flush()
            if _fits_role("weight", t) or compact(t) in _OP_WORDS:
                continue
            row = [""] * len(roles)
            row[nc] = t
            line, pos = ln, 0
            continue
        row[value_roles[q][0]] = t
        extra.append(ln)
        pos = q + 1
    flush()
    named = [r for r in out if r.cells[nc]]
    if len(named) < 2 or sum(1 for r in named if any(r.cells[i] for i, ro in value_roles if ro == "target")) < \
            0.6 * len(named):
        return None
    warnings.append(ParseWarning(out[0].line, "fixed-width-cells", "one cell per line: each cell read into the "
                                 "header's next column it fits"))
    return out


def _one_of_twin_headers(cells: list[str]) -> list[str]:
    """'一级 | 二级 | 三级 | 指标值 | 二级 | 三级 | 指标值': two column groups side by side (中期 | 年度);
    the rows are read against one group (_one_of_twin_groups reads each row once)."""
    ne = [compact(c) for c in cells if c.strip()]
    roles = [header_role(c) for c in ne]
    for k in range(len(ne) // 2, 1, -1):
        s = len(ne) - 2 * k
        # the same columns twice, by their roles ('指标值(或计划水平)' and '计划指标值(或计划水平)' are both values)
        if s >= 0 and roles[s:s + k] == roles[s + k:] and None not in roles[s:] and "target" in roles[s:s + k]:
            return ne[:s + k]
    return cells  # as given, empty cells and all


def _one_of_twin_groups(r: Row, warnings: list[ParseWarning]) -> Row:
    """Two column groups side by side (中期 | 年度) holding the same indicator, name and value:
    '质量指标 | 误差率 | ±3%以内 | 质量指标 | 误差率 | ±3%以内' is one indicator, read from the right group."""
    cells = one_of_twins([t for _, t in r.nonempty()])
    if cells is None:
        return r
    warnings.append(ParseWarning(r.line, "twin-groups", "two column groups side by side hold the same indicator "
                                 f"and value ({compact(cells[-2])[:20]}): read once, with the right group's label"))
    return Row(line=r.line, cells=cells, layout=r.layout, extra_lines=r.extra_lines)


def _paragraph_cells(rows: list[Row]) -> bool:
    """One cell per paragraph: most lines with text have an empty line (kept or dropped) after them."""
    body = [x for x in rows[-40:] if not x.blank]
    gaps = [b.line - a.line for a, b in zip(body, body[1:], strict=False)]
    return len(gaps) >= 6 and sum(g >= 2 for g in gaps) >= 0.7 * len(gaps)


def _is_subheader(r: Row) -> bool:
    """'2021年实际实现值 | 预期2022年实现值' under a 指标值 header: column names, not an indicator."""
    ne = r.nonempty()
    return bool(ne) and len(ne) <= 4 and all(header_role(t) is not None and label_info(t) is None and
                                              (not looks_like_target(t) or t.endswith("值")) for _, t in ne)


_VALUE_ROLES = ("op", "target", "unit", "weight", "direction", "actual", "score", "note", "prev")


def _next_free_role(prev: RowParse, schema: Schema, text: str = "") -> str:
    used = set(prev.extra) | ({schema.header(schema.target_col, "target")} if prev.target else set())
    for i, role in enumerate(schema.roles):
        if i > schema.target_col and role in _VALUE_ROLES and schema.header(i, role) not in used and (
                not text or fits_column(role, text)):
            return role
    return "extra" if "extra" in schema.roles else schema.roles[-1]


def _continues_row(r: Row, prev: RowParse, schema: Schema) -> bool:
    """A line with one short number after an indicator row whose columns after the target are not
    all filled (a weight wrapped onto its own line in space-aligned exports)."""
    ne = r.nonempty()
    if prev.target is None and 1 <= len(ne) <= 4 and looks_like_target(ne[0][1]) and \
            not any(label_info(t) for _, t in ne) and not _is_subheader(r):
        return True  # the value of a name whose cell ended its line ('减轻…负担' / '有效' / '有效 10 10')
    if prev.target is not None and 2 <= len(ne) <= 4 and not any(label_info(t) for _, t in ne) and \
            looks_like_target(ne[0][1]) and re.fullmatch(r"\d{1,3}(?:\.\d+)?", ne[-1][1]):
        # the rest of a row wrapped onto the next line ('有效 | 10 | 10': actual value, points, score)
        free = [role for i, role in enumerate(schema.roles) if i > schema.target_col and role in _VALUE_ROLES
                and schema.header(i, role) not in prev.extra]
        k = 0
        for _, t in ne:
            while k < len(free) and not fits_column(free[k], t):
                k += 1
            if k == len(free):
                return False
            k += 1
        return True
    if len(ne) != 1 or r.layout not in ("single", "spaces") or not re.fullmatch(r"\d{1,3}(?:\.\d+)?", ne[0][1]):
        return False
    if prev.target is None:
        return False
    after = [i for i, role in enumerate(schema.roles) if i > schema.target_col and role in _VALUE_ROLES]
    filled = sum(1 for i in after if schema.header(i, schema.roles[i]) in prev.extra)
    return filled < len(after)


def _wrapped_text(text: str) -> bool:
    # '指标4.不合格产品处置率': a numbered indicator starts a row of its own, however short
    return not looks_like_label(text) and not looks_like_target(text) and not is_placeholder(text) and \
        len(compact(text)) <= 15 and not re.match(r"^(?:指标)?\d{1,2}\s*[.:：、．]", compact(text))


def _apply_fields(table: TableRecord, fields: list[hdr.HeaderField], warnings: list[ParseWarning],
                  prose: str = "", wan_line: int | None = None, wan_figures: frozenset[float] = frozenset()) -> None:
    budget = Budget()
    unit_rank = 99
    # '金额单位：万元' in the header: amounts written without a unit are in 万元
    in_wan = any(("金额单位" in f.key or compact(f.key) in ("单位", "资金单位")) and compact(f.value) in ("万元", "万")
                 or ("金额单位" in f.key and "万" in f.value) for f in fields)
    # a section key in 万元 with no amount of its own ('项目资金申请（万元）') sets the unit of the amounts below it
    wan_after = next((i for i, f in enumerate(fields) if "万元" in f.key and hdr.parse_amount(f.key, f.value) is None), None)
    for fi, f in enumerate(fields):
        key, value = f.key, f.value.strip()
        table.header_fields.setdefault(key, value)
        in_wan_here = in_wan or (wan_after is not None and fi > wan_after) or \
            (wan_line is not None and f.line >= wan_line)
        k = key.replace("（元）", "").replace("(元)", "")
        rank = _unit_rank(key)
        if table.title is None and _is_title_key(key):  # '专项(项目)名称': a qualifier inside the key
            if _LIST_COLUMN.match(compact(value)):
                continue  # '项目名称 | 金额 | 备注': the column header of a list (an 安排表), not a project
            table.title = value or None
        elif rank is not None:
            value = _unit_value(_SEAL.sub("", value).strip())
            if _is_unit_noise(value):
                continue
            if value and rank < unit_rank:
                # '县(市、区)教育部门': the template's wording for whichever county, no organisation; a
                # higher level's department is another organisation, so the unit stays unknown
                table.unit, unit_rank = (None if _TEMPLATE_ORG.search(halfwidth(value)) else value), rank
        elif "类别" in k or k in ("项目类型",):
            table.category = value or None
        elif ("开始" in k or "起始" in k) and ("日期" in k or "时间" in k):
            table.start = hdr.parse_date(value)
        elif ("完成" in k or "结束" in k or "截止" in k) and ("日期" in k or "时间" in k):
            table.end = hdr.parse_date(value)
        elif k in ("项目期限", "实施期限", "项目周期", "执行期限"):
            parts = re.split(r"至|到|—|--|~|～", value)
            if len(parts) == 2:
                table.start, table.end = hdr.parse_date(parts[0]), hdr.parse_date(parts[1])
        elif "政府购买" in k:
            table.gov_purchase = hdr.parse_bool(value)
        elif "绩效类型" in k:
            table.performance_type = value or None
        elif ("预算" in k or "资金" in k or "金额" in k) and "金额单位" not in k:
            if not in_wan_here and "元" not in key and _same_figure_in_wan(value, wan_figures):
                in_wan_here = True
                warnings.append(ParseWarning(f.line, "amount-unit-from-text", f"{key} {value} states no unit: the "
                                             f"document writes the same figure in 万元 elsewhere, so it is read in 万元"))
            _budget_field(budget, key + ("（万元）" if in_wan_here and "元" not in key else ""), value)
        elif any(t in key for t in hdr.TEXT_KEYS):
            table.text_fields[key] = value
    table.budget = budget
    if table.title is None:
        warnings.append(ParseWarning(fields[0].line if fields else None, "missing-title", "no 项目名称 in this table"))
    basis_key = next((k for k in table.text_fields if any(b in k for b in hdr.LEGAL_BASIS_KEYS)), None)
    if basis_key is None:
        basis_key = next((k for k in table.header_fields if any(b in k for b in hdr.LEGAL_BASIS_KEYS)
                          and table.header_fields[k]), None)
        if basis_key:
            table.text_fields[basis_key] = table.header_fields[basis_key]
    if basis_key:
        table.legal_bases = extract_citations(table.text_fields[basis_key])
    else:
        # no 立项依据 field: documents the table's own text says it rests on ('根据《…》（…号）文件')
        add_prose_bases(table, prose or "\n".join(table.text_fields.values()), "the table's text", warnings,
                        fields[0].line if fields else None)
    others = []
    seen = set()
    for key, text in table.text_fields.items():
        if key == basis_key:
            continue
        for ref in extract_citations(text, require_number=True):
            if ref.doc_number not in seen:
                seen.add(ref.doc_number)
                others.append(ref)
    table.other_cited_documents = others


def add_prose_bases(table: TableRecord, text: str, where: str, warnings: list[ParseWarning],
                    line: int | None) -> None:
    """Documents cited after 根据/依据/按照 in prose, as legal bases of a table with no 立项依据 field."""
    for m in hdr.BASIS_LEAD.finditer(text):
        clause = re.split(r"[。；;\n]", text[m.end():], maxsplit=1)[0]
        for ref in extract_citations(clause, require_number=True):
            if all(ref.doc_number != r.doc_number for r in table.legal_bases):
                table.legal_bases.append(ref)
                warnings.append(ParseWarning(line, "legal-basis-from-prose",
                                             f"no 立项依据 field: {ref.doc_number} is read as a legal basis from "
                                             f"{where} ({m.group(0)}…)"))


def _cut_label(text: str) -> bool:
    """'效' as the text's last line: the start of 效益指标 cut by the end of the page."""
    t = compact(text)
    return 0 < len(t) < 4 and any(w.startswith(t) and w != t for w in label_words())


def _cells_text(r: Row) -> str:
    return "\t".join(compact(t) for _, t in r.nonempty())


_ORG_END = re.compile(r"(?:院|局|委|办|中心|政府|学校|学院|医院|所|站|队|馆|会|部|处|厅|室|社|公司|街道|镇|乡)$")


# a self-evaluation's money grid: '年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分' over
# '年度资金总额 | 0 | 2.38 | 2.38 | 10 | 100 | 10'
_GRID_COLUMN = re.compile(r"^(?:(?P<start>年初预算数?|年初安排数?)|(?P<year>全年预算数?|调整后预算数?|预算调整数)"
                          r"|(?P<done>全年执行数?|预算执行数?|执行数|实际支出数?)|(?P<rate>(?:预算)?执行率)"
                          r"|分值|权重|得分|原因|偏差原因)(?:[(（][A-Za-z/%]{1,5}[)）])?$")
_GRID_TOTAL = re.compile(r"^(?:年度资金总额|资金总额|总额|合计|总计)[:：]?$")
_GRID_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?%?$")


def _grid_year_budget(head_rows: list[Row]) -> tuple[int, str] | None:
    """The year's budget in a self-evaluation's money grid: the total row's value under 全年预算数 (or
    调整后预算数), where the row's own 执行率 confirms that its values sit under the grid's columns
    (执行数 / 全年预算数 = 执行率). A 年初预算数 of 0 beside a 全年预算数 of 2.38 is a budget added in
    the year: the year's budget is 2.38. Returns (line, the value as written), or None."""
    if not any("执行率" in r.text for r in head_rows) or \
            not any(w in r.text for r in head_rows for w in ("全年预算", "调整后预算", "预算调整")):
        return None  # no 执行率 and 全年预算数 columns: no grid to read
    tokens: list[tuple[int, str]] = []
    for r in head_rows:
        for _, cell in r.nonempty():
            tokens.extend((r.line, t) for t in halfwidth(cell).split())
    cols: list[str] = []
    i = 0
    while i < len(tokens):
        if m := _GRID_COLUMN.match(tokens[i][1]):
            cols.append(m.lastgroup or "")
        elif len(cols) >= 3:
            break  # the column names end: the total row follows
        else:
            cols = []
        i += 1
    if not {"year", "done", "rate"} <= set(cols):
        return None
    total = next((k for k in range(i, min(i + 4, len(tokens))) if _GRID_TOTAL.match(tokens[k][1])), None)
    if total is None:
        return None
    values = []
    for ln, t in tokens[total + 1: total + 1 + len(cols)]:
        if not _GRID_NUMBER.match(t):
            break
        values.append((ln, t))
    at = {c: k for k, c in enumerate(cols) if c}
    if max(at["year"], at["done"], at["rate"]) >= len(values):
        return None
    year, done, rate = (float(values[at[c]][1].rstrip("%").replace(",", "")) for c in ("year", "done", "rate"))
    if year <= 0 or abs(done / year * 100 - rate) > 0.6:
        return None  # the row's values do not sit under the columns as named: not read from the grid
    return values[at["year"]]


def _same_figure_in_wan(value: str, wan_figures: frozenset[float]) -> bool:
    """A bare amount ('500', '2.38') that the document writes with 万元 elsewhere."""
    m = re.fullmatch(r"\s*(\d[\d,]*(?:\.\d+)?)\s*", halfwidth(value))
    if not m or not wan_figures:
        return False
    try:
        return float(m.group(1).replace(",", "")) in wan_figures
    except ValueError:
        return False


def _unit_subheading(head_rows: list[Row]) -> list[hdr.HeaderField]:
    """'207101天津市河北区人民法院 | 单位：万元': an organisation beside the amount unit names the unit."""
    for r in head_rows[:8]:
        ne = [t for _, t in r.nonempty()]
        if len(ne) == 2 and _AMOUNT_UNIT.search("\t" + compact(ne[1])) and not re.search(r"[:：]", ne[0]):
            # ('填报单位(盖章):南县疾控中心 | 金额单位:万元': a key of its own, read as a field)
            org = re.sub(r"^\d{3,}\s*", "", compact(ne[0]))  # an agency code glued before the name
            if _ORG_END.search(org) and 2 < len(org) <= 30:
                return [hdr.HeaderField(key="编制单位", value=org, line=r.line, lines=[r.line])]
    return []


# a money section label that states its unit and holds no amount: '资金情况（万元）', '项目资金 (万元)'
_WAN_SECTION = re.compile(r"^[\u4e00-\u9fff]{0,10}(?:资金|金额|预算)[\u4e00-\u9fff]{0,6}[(（](?:单位[:：])?万元[)）]"
                         r"(?:[(（]\d{1,3}分[)）])?[:：]?$")  # ('预算执行情况(万元)(20分)': with its score)


# the amount unit stated on a line of its own: '(单位:万元)', '单位：万元', '金额单位：万元', '（万元）'
_WAN_STATEMENT = re.compile(r"^[(（]?(?:(?:金额|资金)?单位[:：]?)?万元[)）]?$")


def _wan_section_line(head_rows: list[Row]) -> int | None:
    """The line of a money section label in 万元, or of the amount unit stated alone: amounts below it
    written without a unit are in 万元. A label wrapped before its unit ('项目资金' above '(万元)', or
    '年度' / '预算' / '安排' / '(万元)' in a narrow cell) counts."""
    prev: list[str] = []
    wrapped = ""  # short one-cell lines in a row: a label wrapped in a narrow cell
    for r in head_rows:
        ne = [compact(t) for _, t in r.nonempty()]
        if not ne:
            continue  # an empty line between a label and its wrapped '(万元)'
        if _WAN_SECTION.match(ne[0]) or (len(ne) > 1 and _WAN_SECTION.match(ne[0] + ne[1])):
            return r.line
        if len(ne) > 1 and any(_WAN_SECTION.match(c) for c in ne[1:]) and not any(re.fullmatch(r"[\d.,]+(?:万?元)?", c) for c in ne):
            return r.line  # a money grid's column names: '投入目标 | (万元) | 资金来源 | 年初安排金额(万元)'
        if len(ne) == 1 and _WAN_STATEMENT.match(ne[0]) and (
                "单位" in ne[0] or (len(prev) == 1 and _WAN_SECTION.match(prev[0] + ne[0]))
                or _WAN_SECTION.match(wrapped + ne[0])):
            return r.line
        wrapped = (wrapped + ne[0])[-10:] if len(ne) == 1 and len(ne[0]) <= 4 else ""
        if len(ne) > 1 and prev and _WAN_STATEMENT.match(ne[0]) and _WAN_SECTION.match(prev[0] + ne[0]):
            return r.line  # '项目资金 | 年初预算数 | …' over '(万元) | 年度资金总额 | 29 | …'
        prev = ne
    return None


# what follows an organisation's name in the same cell is another field: a contact or signature key
# ('… 联系人及电话 田苗苗,…', '… 主要领导签字:'), or a money section glued on ('…股项目资金(万元)全年预算数…')
_AFTER_UNIT = re.compile(r"\s+(?=[\u4e00-\u9fff]{0,6}(?:联系人|联系电话|负责人|签字|签章|电话|编码|代码)|[\u4e00-\u9fff]{2,10}[：:])"
                         r"|(?<=[\u4e00-\u9fff])(?=(?:项目|专项)?(?:资金|预算执行情况|预算数)[(（](?:单位[:：])?万?元[)）])")


_TEMPLATE_ORG = re.compile(r"[县縣市][(（][市区區县縣][、,，][区區县縣市][)）]")


def _unit_value(value: str) -> str:
    """The organisation's name alone, without a field glued after it (or the rest of its key glued
    before it: '(单位)名称秀屿区水利局' after a key cut at '主管部门')."""
    value = re.sub(r"^[（(][\u4e00-\u9fff]{1,4}[)）]名称(?:及[\u4e00-\u9fff]{2,8}编码\d*)?", "", value).strip()
    if re.match(r"^[\u4e00-\u9fff]{2,8}[:：]", value):
        return ""  # '填报单位(盖章): 单位负责人:谭呈祥': the field is empty, another key follows it
    head = _AFTER_UNIT.split(value, maxsplit=1)[0].strip()
    parts = head.split()
    for k in range(1, len(parts)):  # '南岳区乡村振兴局 专项起止时间 2023年1月至12月': a key without a colon
        if hdr.is_bare_key(parts[k]) or re.search(r"(?:起止|开始|完成|截止)?(?:时间|日期|期限|周期)$", parts[k]):
            head = " ".join(parts[:k])
            break
    return head if len(compact(head)) >= 2 else value


def _is_unit_noise(value: str) -> bool:
    """'单位：万元', '' or a bare amount unit is no organisation."""
    t = compact(value)
    # ('本单位': 'this unit', the form's other unit field names it; '/', '无': an empty cell's mark)
    # ('全年预算数': a money column's name, or another key, where the organisation should be)
    return not t or t.startswith(("单位:", "单位：", "金额单位")) or t in ("万元", "元", "本单位", "/", "无", "-", "—") \
        or bool(_GRID_COLUMN.match(t)) or hdr.is_bare_key(t)


def _budget_field(budget: Budget, key: str, value: str) -> None:
    amount = hdr.parse_amount(key, value)
    if amount is None:
        return
    k = compact(key)
    if "执行" in k:
        budget.prev_year_executed = amount
    elif "上年" in k:
        budget.prev_year_budget = amount
    elif "当年" in k or "本年" in k or "年度" in k:
        budget.current_year = amount
    elif "总" in k or re.match(r"\s*(?:合计|总计)", value) or (
            budget.total is None and "其中" not in k and ("金额" in k or "预算数" in k or "申报数" in k)):
        budget.total = amount  # '项目资金(万元) | 合计 250': the total of the amounts that follow


def _year(head_rows: list[Row], table: TableRecord) -> int | None:
    for r in head_rows:
        if _YEAR_LINE.match(compact(r.text)):  # '(2021年度)' on a line of its own
            return int(_YEAR.search(halfwidth(r.text)).group(1))
    for r in head_rows[:6]:
        m = _YEAR.search(halfwidth(r.text))
        if m and ("年度" in r.text or is_heading(r) or _YEAR_LINE.match(compact(r.text))):
            return int(m.group(1))
    for r in head_rows:
        if "绩效目标" in r.text and "：" not in r.text:
            m = _YEAR.search(halfwidth(r.text))
            if m:
                return int(m.group(1))
    if table.start:
        return int(table.start[:4])
    return None
