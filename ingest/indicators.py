"""The indicator table: rows of cells → indicators with their 一级/二级 labels and targets.

Structure is recovered from evidence in the table itself: which cells are category
labels (framework vocabulary), which are targets (their shape), and how groups are laid
out (merged cells written once, sometimes on the wrong row). Every source row with an
indicator name becomes exactly one indicator, in source order; every correction is
reported as a warning naming the line and the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.records import Indicator, ParseWarning, Target
from ingest.table_model import Row
from ingest.targets import BARE_UNIT, NAME_SUFFIXES, looks_like_target, parse_target
from ingest.text import compact, halfwidth, squash
from ingest.vocabulary import LabelInfo, core, header_role, label_info, looks_like_label

_OP_CELL = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", "=": "=", ">": ">", "<": "<", "＝": "=", "﹦": "=",
            "≧": "≥", "≦": "≤", "大于等于": "≥", "小于等于": "≤", "等于": "=", "大于": ">", "小于": "<",
            "定性": None, "定量": None, "正向": "≥", "反向": "≤"}
_PLACEHOLDER = re.compile(r"^(?:指标\s*\d+\s*[：:]?|[.…。·]{2,}|…+|\.{3,}|-{2,}|/|无|——)$")
_CHROME = re.compile(r"^(?:.*ICP备.*|qrcode|.*扫码.*|.*关注微信.*|.*下载APP.*|返回顶部.*|.*公网安备.*|.*网站标识码.*|版权所有.*|主办单位.*|第\s*\d+\s*页.*|共\s*\d+\s*页.*|-\s*\d+\s*-|【?打印】?\s*【?关闭】?|打印|关闭|返回顶部|"
                     r"分享到.*|扫一扫.*|字号.*)$")

# Words that tie an indicator name to a 二级 category; used only with structural evidence
# (a blank line right before a label) to decide whether rows above a label belong to it.
_AFFINITY = {
    "时效": ("及时", "时效", "时限", "按时", "按期", "准时", "周期", "进度", "完成时间"),
    "进度": ("及时", "进度", "按时", "按期", "完成时间"),
    "满意度": ("满意",),
    "服务对象满意度": ("满意",),
    "成本": ("成本", "费用", "单价", "造价"),
    "质量": ("合格", "达标", "验收", "通过率", "准确", "质量", "完好", "优良"),
    "数量": ("数量", "人数", "人次", "场次", "次数", "个数", "面积", "套数", "户数"),
    "长效管理": ("长效", "机制"),
    "人力资源": ("人员", "到位率", "人才队伍"),
    "信息共享": ("共享", "信息公开"),
    "配套设施": ("配套", "设施"),
    "资产管理": ("资产",),
    "财务管理": ("财务", "资金使用"),
    "投入管理": ("预算", "资金到位"),
}


@dataclass
class Schema:
    roles: list[str]
    names: list[str] = field(default_factory=list)  # the header cells as written

    def header(self, col: int, role: str) -> str:
        if col < len(self.names) and self.names[col].strip():
            return squash(self.names[col])
        return {"weight": "权重", "prev": "上年实际值", "note": "备注", "op": "指标性质", "unit": "计量单位"}.get(
            role, f"列{col + 1}")

    def col(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    @property
    def name_col(self) -> int:
        c = self.col("name")
        return c if c is not None else max(len(self.roles) - 2, 0)

    @property
    def target_col(self) -> int:
        c = self.col("target")
        return c if c is not None else self.name_col + 1


DEFAULT_SCHEMA = Schema(["l1", "l2", "name", "target"])


def schema_from_header(cells: list[str]) -> Schema:
    roles: list[str] = []
    has_level3 = any("三级" in c for c in cells)
    for c in cells:
        role = header_role(c) if c.strip() else None
        if role == "name" and has_level3 and "三级" not in c:
            role = "extra"  # a leading '绩效指标' column above 一级/二级/三级
        if role in ("l1", "l2", "name") and role in roles:
            role = "extra"  # a second set of columns (中期 and 年度): the first is read
        roles.append(role or ("extra" if c.strip() else "blank"))
    targets = [i for i, r in enumerate(roles) if r == "target"]
    if len(targets) > 1:  # 上年/本年 or 中期/年度 values: the year's own target is the one to read
        keep = next((i for i in targets if any(w in cells[i] for w in ("本年", "年度", "当年"))), targets[-1])
        roles = [("extra" if (r == "target" and i != keep) else r) for i, r in enumerate(roles)]
    # trailing blank header cells are export noise
    while roles and roles[-1] == "blank":
        roles.pop()
    if "name" not in roles:
        return DEFAULT_SCHEMA
    return Schema(roles, [c for c in cells[: len(roles)]])


@dataclass
class RowParse:
    line: int
    name: str | None = None
    target: str | None = None
    labels: list[tuple[int, str]] = field(default_factory=list)
    op: str | None = None
    op_qualitative: bool = False
    unit: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    blank_before: bool = False
    positional: bool = True  # cell columns mean something (tabs, pipes)
    e1: str | None = None
    e2: str | None = None
    stray: str | None = None
    maybe_l1: bool = False  # an ambiguous label (成本, 满意度) read as 二级 from the 一级 column
    lost_l1: bool = False  # read in order with one label where the header has two: the merged 一级 was lost
    above_page: bool = False  # above the first labelled row of a page that starts inside its table
    l1: str | None = None
    l2: str | None = None
    by_role: dict[str, str] = field(default_factory=dict)  # actual, score, points (self-evaluation columns)


# a label's score note in a cell of its own: '(50分)', '(0-20)分'
_SCORE_NOTE = re.compile(r"^[（(]\d{1,3}(?:[-~]\d{1,3})?分?[)）]分?$")
# The merged cell of a leading '绩效指标' column: the frame of the section, no category.
_ROW_LABEL = re.compile(r"目标\d{1,2}")
_ROW_LABEL_LEAD = re.compile(r"^\s*目标\d{1,2}\s+(?=\S)")
_FRAME_CELLS = frozenset({"绩效指标", "年度绩效指标", "本年度绩效指标", "绩效指标表", "绩"})


@lru_cache(maxsize=65536)
def _kind(text: str) -> str:
    if compact(halfwidth(text)) in _OP_CELL:
        return "op"
    if looks_like_target(text):
        return "target"
    if looks_like_label(text):
        return "label"
    return "text"


@lru_cache(maxsize=65536)
def _name_like(text: str) -> bool:
    return compact(text).endswith(NAME_SUFFIXES)


def read_row(row: Row, schema: Schema) -> RowParse | None:
    """Cells of one source row → name, target, labels (levels resolved later)."""
    ne = [(c, t) for c, t in row.nonempty() if compact(t) not in _FRAME_CELLS and not _SCORE_NOTE.match(compact(t))
          and not _ROW_LABEL.fullmatch(compact(t))]
    # a row label before the name ('目标1 发放省直困难、高龄台胞'): the older templates number their rows
    ne = [(c, _ROW_LABEL_LEAD.sub("", t, count=1)) for c, t in ne]
    if not ne:
        return None
    rp = RowParse(line=row.line, positional=row.layout in ("tab", "pipe", "fixed"))
    kinds = [_kind(t) for _, t in ne]
    if row.layout == "fixed":
        _read_by_columns(rp, ne, schema)  # cut into the header's columns already: every cell is in place
    elif rp.positional and _aligned(ne, kinds, schema):
        _read_by_columns(rp, ne, schema)
    elif not _read_in_order(rp, ne, kinds, schema):
        _read_by_content(rp, ne, kinds, schema)
    _split_a_restated_name(rp, schema)
    return rp


def _split_a_restated_name(rp: RowParse, schema: Schema) -> None:
    """'维修面积维修面积': a name and the description column after it (绩效指标描述) restating it, run
    together — the name once, the restatement kept as that column's text."""
    t = (rp.name or "").strip()
    half = len(t) // 2
    if half < 2 or len(t) != 2 * half or t[:half] != t[half:] or schema.target_col - schema.name_col < 2:
        return
    col = schema.name_col + 1
    rp.name = t[:half]
    rp.extra.setdefault(schema.header(col, schema.roles[col]), t[half:])


_OP_WORDS_STRICT = frozenset({"≥", ">=", "≤", "<=", "=", ">", "<", "＝", "﹦", "≧", "≦", "大于等于", "小于等于", "等于", "大于",
                              "小于"})
_UNIT_CELL = re.compile(r"^[^\d\s=≥≤<>]{1,6}$")
_NUMBER_CELL = re.compile(r"^\d{1,4}(?:\.\d+)?%?$")


def fits_column(role: str, text: str) -> bool:
    """Can ``text`` be the value of a column with this role (an operator, a unit, a weight …)?"""
    return _fits(role, text, _kind(text))


def _fits(role: str, text: str, kind: str) -> bool:
    t = compact(halfwidth(text))
    if role == "op":
        return kind == "op"
    if role == "unit":
        return bool(_UNIT_CELL.match(t)) and kind != "label" and not looks_like_target(t) or t in ("%", "‰")
    if role in ("weight", "score"):
        return bool(_NUMBER_CELL.match(t))
    if role == "direction":
        return t.endswith(("指标", "向")) and len(t) <= 6
    if role == "target":
        return kind != "label"
    return True


def _read_in_order(rp: RowParse, ne: list[tuple[int, str]], kinds: list[str], schema: Schema) -> bool:
    """Merged cells are on the left: a row that does not sit in its columns lost its leading label
    cells. Its labels are read by their words; the cells after them are the name and then the
    columns after the name, in the header's order (a cell that cannot be a column's value — a
    number as a unit, a word as an operator — leaves that column empty)."""
    k = 0
    while k < len(ne) and k < 3 and label_info(ne[k][1]) is not None and (
            kinds[k] == "label" or (k + 1 < len(ne) and kinds[k + 1] not in ("target", "op") and k + 1 < len(ne) - 1)):
        # ('可持续影响' reads like a qualitative value, but before a name it is the row's label)
        k += 1
    if k >= 2 and k < len(ne) and kinds[k] in ("target", "op") and \
            not compact(ne[k - 1][1]).endswith(("指标", "目标")):
        k -= 1  # '具体指标 | 学生满意度 | ≥95%': a value follows, so the last 'label' is the row's name
    rest = list(range(k, len(ne)))
    if not rest:
        return False
    n_idx = rest[0]
    if kinds[n_idx] in ("target", "op"):
        return False
    roles = [(i, r) for i, r in enumerate(schema.roles) if i > schema.name_col and r not in ("blank", "l1", "l2", "name")]
    assigned: list[tuple[int, str, str]] = []  # (col, role, text)
    ri = 0
    used_roles: set[str] = set()
    vals = [ne[j][1] for j in rest[1:]]
    points_only = False
    tail = [r for _, r in roles if r not in ("note", "extra", "blank")][-2:]
    bare = len(vals) == 2 and all(re.fullmatch(r"\d{1,3}(?:\.\d+)?", compact(v)) for v in vals)
    if bare and tail == ["weight", "score"] and any(r == "actual" for _, r in roles):
        # a self-evaluation row with only two numbers ('指标1:工程质量合格 10 10'): the points and the
        # score, which every row fills; its target and actual value were left empty
        ri = next(i for i, (_, r) in enumerate(roles) if r == "weight")
        points_only = True
    elif bare and {"weight", "score", "target", "actual"} <= {r for _, r in roles} and \
            float(compact(vals[1])) <= float(compact(vals[0])) and \
            [r for _, r in roles].index("weight") < [r for _, r in roles].index("target"):
        # the same where the header puts the points first ('分值 | 年度指标值 | 全年实际值 | 得分'): a parent
        # row ('★补助各类粮食作物种植面积 10 10') holds its points and its score, no more than the points
        cols = {r: c for c, r in roles}
        rp.labels = [ne[i] for i in range(k)]
        rp.name = ne[n_idx][1]
        rp.lost_l1 = k == 1 and schema.col("l1") is not None and schema.col("l2") is not None and \
            schema.name_col - schema.col("l1") >= 2
        _extra(rp, "weight", vals[0], schema, cols["weight"])
        _extra(rp, "score", vals[1], schema, cols["score"])
        return True
    for j in rest[1:]:
        text, kind = ne[j][1], kinds[j]
        t = compact(halfwidth(text))
        # a direction (正向/反向) and an operator (大于等于) go to their own columns whichever order the
        # header gives them (some templates print 正向 under 指标性质 and the operator under 指标方向)
        special = "direction" if t in ("正向", "反向") else ("op" if t in _OP_WORDS_STRICT else None)
        if special and any(r == special for _, r in roles) and special not in used_roles:
            col = next(c for c, r in roles if r == special)
            assigned.append((col, special, text))
            used_roles.add(special)
            ri = max(ri, next(i for i, (_, r) in enumerate(roles) if r == special) + 1) if special == "op" else ri
            continue
        if ri < len(roles) and roles[ri][1] == "unit" and assigned and assigned[-1][1] == "target" and \
                compact(text) == re.sub(r"^[=＝≥≤><]+", "", compact(assigned[-1][2])):
            # the unit column repeating the target ('= 44,561 | 44,561': a spreadsheet's date cell
            # written into both): kept as that column's text, not as the target's unit
            rp.extra[schema.header(roles[ri][0], "unit")] = text
            ri += 1
            continue
        while ri < len(roles) and not _fits(roles[ri][1], text, kind):
            ri += 1
        if ri >= len(roles):
            rest_vals = [ne[x][1] for x in rest[rest.index(j):]]
            if any(a[1] == "target" for a in assigned) and any(a[1] == "unit" for a in assigned) and \
                    len(rest_vals) <= 3 and all(re.fullmatch(r"\d{1,6}(?:\.\d*)?%?", compact(v)) for v in rest_vals):
                # numbers after the header's last column (its 实际完成值 / 分值 / 得分 cells were lost
                # from the header): kept as unnamed columns, the row is read
                for k2, v in enumerate(rest_vals):
                    rp.extra[f"列{len(schema.roles) + k2 + 1}"] = v
                break
            return False  # more cells than the header has columns: not this row's shape
        assigned.append((roles[ri][0], roles[ri][1], text))
        ri += 1
    targets = [a for a in assigned if a[1] == "target"]
    if len(rest) > 1 and not targets and not points_only and not any(a[1] == "op" for a in assigned):
        return False  # (a row whose value column is still to come — '… | 定性' / '长期' — is read in order)
    rp.labels = [ne[i] for i in range(k)]
    rp.name = ne[n_idx][1]
    # merged cells are lost from the left: one label left where the header has 一级 and 二级 columns
    # is the 二级 of a group that starts on this row (a new 一级 would start a new 二级 cell too)
    rp.lost_l1 = k == 1 and schema.col("l1") is not None and schema.col("l2") is not None and \
        schema.name_col - schema.col("l1") >= 2
    for col, role, text in assigned:
        if role == "target":
            rp.target = text
        else:
            _extra(rp, role, text, schema, col)
    if rp.positional:
        rp.warnings.append(("shifted-row", f"cells out of their columns: read in the header's order after "
                            f"{len(rp.labels)} label cell(s)"))
    return True


def _aligned(ne: list[tuple[int, str]], kinds: list[str], schema: Schema) -> bool:
    by_col = {c: (t, k) for (c, t), k in zip(ne, kinds, strict=True)}
    nc, tc = schema.name_col, schema.target_col
    if max(by_col) >= len(schema.roles) or nc not in by_col:
        return False
    name, name_kind = by_col[nc]
    if name_kind in ("target", "op"):
        return False
    for c, (text, kind) in by_col.items():
        role = schema.roles[c]
        if role in ("l1", "l2") and kind != "label" and not (
                kind == "text" and len(compact(text)) <= 8 and tc in by_col and by_col[nc][1] == "text" and
                by_col[tc][1] != "label" and label_info(name) is None and
                all(k in by_col for k, r in enumerate(schema.roles) if r in ("target", "actual"))):
            # a name or a value in a label column: the row lost its leading cells (a short word there
            # with a name and a value in their own columns is a label the vocabulary lacks: '产出质量')
            return False
        if c > nc and role not in ("target", "prev", "actual") and kind == "target" and tc not in by_col \
                and not _fits(role, text, kind):
            return False  # the target sits in another column
    if any(by_col[c][1] == "target" for c in by_col if c < nc):
        return False
    if tc in by_col:
        target, target_kind = by_col[tc]
        if target_kind == "label":
            return False
        if target_kind != "target" and (_name_like(target) or label_info(name) is not None):
            return False
    return True


def _read_by_columns(rp: RowParse, ne: list[tuple[int, str]], schema: Schema) -> None:
    for col, text in ne:
        role = schema.roles[col]
        if role in ("l1", "l2"):
            rp.labels.append((col, text))
        elif role == "name":
            rp.name = text
        elif role == "target":
            rp.target = text
        else:
            _extra(rp, role, text, schema, col)


def _extra(rp: RowParse, role: str, text: str, schema: Schema, col: int) -> None:
    if role == "op":
        key = compact(halfwidth(text))
        if key in _OP_CELL:
            rp.op = _OP_CELL[key]
            rp.op_qualitative = key == "定性"
    elif role == "unit":
        rp.unit = text
    header = schema.header(col, role)
    if role in ("actual", "score") or (role == "weight" and "分" in header):
        rp.by_role["points" if role == "weight" else role] = text
    rp.extra[header] = text


def _read_by_content(rp: RowParse, ne: list[tuple[int, str]], kinds: list[str], schema: Schema) -> None:
    """The row does not sit in its columns (dropped or extra tabs): read cells by what they are."""
    nc, tc = schema.name_col, schema.target_col
    # The target: a target-shaped cell with something before it, nearest the target column.
    candidates = [i for i, k in enumerate(kinds) if k == "target" and i > 0]
    t_idx = min(candidates, key=lambda i: (abs(ne[i][0] - tc), -i)) if candidates else None
    end = t_idx if t_idx is not None else len(ne)
    if t_idx is not None:
        rp.target = ne[t_idx][1]
        after = schema.roles[tc + 1:]
        for j, (_, text) in enumerate(ne[t_idx + 1:]):
            role = after[j] if j < len(after) else "extra"
            _extra(rp, role, text, schema, tc + 1 + j)
    before = list(range(end))
    ops = [i for i in before if kinds[i] == "op"]
    for i in ops:
        _extra(rp, "op", ne[i][1], schema, schema.col("op") if schema.col("op") is not None else ne[i][0])
    before = [i for i in before if i not in ops]
    texts = [i for i in before if kinds[i] in ("text", "target")]
    if t_idx is None and len(texts) >= 2 and rp.positional and ne[texts[-1]][0] >= tc \
            and not _name_like(ne[texts[-1]][1]):
        # no target-shaped cell, but the last cell sits in the target column after a name
        t_idx = texts[-1]
        rp.target = ne[t_idx][1]
        texts = texts[:-1]
        before = [i for i in before if i != t_idx]
    if texts:
        n_idx = texts[-1]
    elif before and t_idx is not None:
        n_idx = before[-1]  # only label-shaped cells: the last is the indicator's name
    else:
        n_idx = None
    if n_idx is not None:
        rp.name = ne[n_idx][1]
        rp.labels = [ne[i] for i in before if i < n_idx]
        trailing = [ne[i][1] for i in before if i > n_idx]
        if trailing:
            rp.extra["附加"] = " ".join(trailing)
        where = ne[n_idx][0]
        t_where = ne[t_idx][0] if t_idx is not None else None
        if rp.positional and (where != nc or (t_where is not None and t_where != tc)):
            found = f"name in column {where + 1}" + (f", target in column {t_where + 1}" if t_where is not None else "")
            rp.warnings.append(("shifted-row", f"cells out of their columns ({found}; expected {nc + 1} and "
                                f"{tc + 1}): read by what they hold"))
    else:
        rp.labels = [ne[i] for i in before]


@dataclass
class _Ctx:
    cur1: str | None = None
    cur2: str | None = None


def resolve_labels(rp: RowParse, ctx: _Ctx, schema: Schema) -> None:
    """Decide which label cells are 一级, 二级, or a stray label meant for the rows below."""
    labels = rp.labels
    l1c = schema.col("l1") if schema.col("l1") is not None else 0
    if not labels:
        return
    if len(labels) > 2:
        rp.extra["其他标签"] = " ".join(t for _, t in labels[2:])
        rp.warnings.append(("extra-label", f"more than two category labels; kept {labels[2:]} as extra"))
        labels = labels[:2]
    cur_core = core(ctx.cur1) if ctx.cur1 else None
    if len(labels) == 1:
        col, text = labels[0]
        info = label_info(text)
        above2 = label_info(ctx.cur2) if ctx.cur2 else None
        if info is not None and info.levels == {1} and above2 is not None and above2.levels == {1} and \
                ctx.cur1 and core(ctx.cur1) != info.core:
            # 实施效果指标 › 产出指标, then 效益指标: the framework words stand one level down in
            # this table, so the next one is a 二级 too
            rp.e2 = text
        elif info is not None and info.levels == {1}:
            rp.e1 = text
        elif info is not None and info.levels == {2}:
            rp.e2 = text
            if rp.positional and col == l1c and schema.col("l1") is not None:
                rp.warnings.append(("label-column", f"二级 label {text} written in the 一级 column; read as 二级"))
        elif info is not None:  # ambiguous (满意度, 成本): the groups around it decide
            above = label_info(ctx.cur2) if ctx.cur2 else None
            if above is not None and info.core in above.parents and rp.positional and col <= l1c:
                rp.e1 = text  # the 一级 of the 二级 group above (经济成本指标 … 成本指标)
            elif (cur_core and cur_core in info.parents) or (not cur_core and _sibling_of(info, ctx.cur2)):
                # under the 一级 above, or after a 二级 group of the same parent (数量, 时效 … 成本)
                rp.e2 = text
                rp.maybe_l1 = rp.positional and col == l1c
                if rp.positional and col == l1c:
                    rp.warnings.append(("label-column", f"label {text} written in the 一级 column; read as "
                                        f"二级 of {ctx.cur1}"))
            elif rp.lost_l1 and (not cur_core or label_info(ctx.cur1) is None):
                # the page starts inside the table (the 一级 above it is not on the page), or the 一级
                # above is a word of the table's own ('项目决策'): the structure decides, it is a 二级
                rp.e2 = text
            elif col <= l1c:
                rp.e1 = text
            else:
                rp.e2 = text
        else:
            if rp.positional and schema.col("l1") is not None and col <= l1c:
                rp.e1 = text
            elif rp.positional or ctx.cur1:
                rp.e2 = text
            else:
                rp.e1 = text
        return
    (ca, a), (cb, b) = labels
    ia, ib = label_info(a), label_info(b)
    if ia is not None and ia.levels == {2} and (ib is None or 2 in ib.levels) and not (
            ib is not None and ib.levels == {1}):
        b_fits = ib is None or (cur_core is not None and cur_core in ib.parents)
        if b_fits:
            rp.stray, rp.e2 = a, b
            rp.warnings.append(("stray-label", f"二级 label {a} stands in the 一级 column of a row of {b}; "
                                "read as the label of the rows below"))
            return
    if ia is not None and ia.levels == {2} and ib is not None and ib.levels == {1}:
        rp.e1, rp.e2 = b, a
        rp.warnings.append(("label-order", f"labels {a} and {b} in swapped columns"))
        return
    rp.e1, rp.e2 = a, b


def _sibling_of(info: LabelInfo, cur2: str | None) -> bool:
    """An ambiguous label after a 二级 group whose 一级 is also one of its own parents: its sibling."""
    above = label_info(cur2) if cur2 else None
    return above is not None and 2 in info.levels and bool(set(above.parents) & set(info.parents))


def assign_groups(rows: list[RowParse], warnings: list[ParseWarning]) -> None:
    """Give every row its 一级/二级 labels: merged cells fill down; labels written below
    their group's first row (middle-row exports) fill up where the table shows it. Rows above
    the first labelled row of a page that starts inside its table get none: their group is above
    the page."""
    for r in rows:
        if r.above_page:
            r.l1 = r.l2 = None
    rows = [r for r in rows if not r.above_page]
    _ambiguous_parents(rows, warnings)
    cur1: str | None = None
    cur2: str | None = None
    pending: str | None = None
    for r in rows:
        if r.e1:
            # A 一级 label on a row without a 二级 label: if the 二级 above belongs to this
            # 一级, the label was written mid-group and that 二级 group goes on.
            info2 = label_info(cur2) if cur2 else None
            keep = info2 is not None and not r.e2 and core(r.e1) in info2.parents
            cur1, cur2 = r.e1, (cur2 if keep else None)
        if r.e2:
            cur2, pending = r.e2, None
        elif pending and not r.e1:
            cur2, pending = pending, None
        r.l1, r.l2 = cur1, cur2
        if r.stray:
            pending = r.stray
    _fill_up(rows, "l1", "e1", warnings)
    _fill_up_l2(rows, warnings)
    _parent_consistency(rows, warnings)
    first = next((r for r in rows if r.name), None)
    # A table whose first row carries no 一级 label writes its labels mid-group (PDF exports
    # centre merged cells): there any label may own rows above it, not only after a break.
    mid_group = first is not None and not first.e1
    _tail_before_label(rows, warnings, mid_group)


def _ambiguous_parents(rows: list[RowParse], warnings: list[ParseWarning]) -> None:
    """成本指标 in the 一级 column, followed by 经济成本指标 rows: it is their 一级."""
    for i, r in enumerate(rows):
        if not r.maybe_l1:
            continue
        nxt = next((x for x in rows[i + 1:] if x.e1 or x.e2), None)
        info = label_info(nxt.e2) if nxt is not None and nxt.e2 and not nxt.e1 else None
        if info is not None and core(r.e2) in info.parents:
            r.e1, r.e2 = r.e2, None
            warnings.append(ParseWarning(r.line, "label-level", f"{r.e1} read as 一级: the 二级 labels below belong to it"))


def _fill_up(rows: list[RowParse], attr: str, explicit: str, warnings: list[ParseWarning]) -> None:
    first = next((i for i, r in enumerate(rows) if getattr(r, explicit)), None)
    if first is None:
        return
    label = getattr(rows[first], explicit)
    for r in rows[:first]:
        info2 = label_info(r.l2) if attr == "l1" and r.l2 else None
        if info2 is not None and info2.parents and core(label) not in info2.parents:
            continue  # a 二级 of another 一级 (数量指标 above 满意度指标): not this label's group
        if getattr(r, attr) is None:
            setattr(r, attr, label)
            warnings.append(ParseWarning(r.line, "label-below", f"{'一级' if attr == 'l1' else '二级'} label "
                                         f"{label} is written on line {rows[first].line}, below this row of its group"))


def _fill_up_l2(rows: list[RowParse], warnings: list[ParseWarning]) -> None:
    for i, r in enumerate(rows):
        if r.l2 is not None or r.l1 is None:
            continue
        j = next((k for k in range(i, len(rows)) if rows[k].e2 or (k > i and rows[k].e1)), None)
        if j is not None and rows[j].e2 and not (j > i and rows[j].e1 and rows[j].e1 != r.l1):
            r.l2 = rows[j].e2
            if j != i:
                warnings.append(ParseWarning(r.line, "label-below", f"二级 label {r.l2} is written on line "
                                             f"{rows[j].line}, below this row of its group"))


def _parent_consistency(rows: list[RowParse], warnings: list[ParseWarning]) -> None:
    """A 二级 label that belongs to another 一级 than the rows' current one (长效管理 under 效果)
    takes the next 一级 label below that is its parent: that label was written mid-group."""
    i = 0
    while i < len(rows):
        r = rows[i]
        info = label_info(r.l2) if r.l2 else None
        cur = core(r.l1) if r.l1 else None
        if info is None or cur is None or not info.parents or cur in info.parents or label_info(r.l1) is None:
            i += 1
            continue
        j = i
        while j < len(rows) and rows[j].l2 == r.l2 and rows[j].l1 == r.l1 and not (j > i and rows[j].e1):
            j += 1
        target = next((k for k in range(j, len(rows)) if rows[k].e1), None)
        if target is not None and core(rows[target].e1) in info.parents:
            new1, old1 = rows[target].e1, r.l1
            for k in range(i, j):
                rows[k].l1 = new1
                warnings.append(ParseWarning(rows[k].line, "label-below",
                                             f"二级 {r.l2} belongs to 一级 {new1} (line {rows[target].line}), "
                                             f"not {old1}: that label is written below its group's first row"))
        i = j


def _tail_before_label(rows: list[RowParse], warnings: list[ParseWarning], mid_group: bool = False) -> None:
    """Rows just above a label that a blank line separates from it, which by their words
    belong to that label's category rather than the one above (及时性 rows before 时效)."""
    last_label = 0
    for i, r in enumerate(rows):
        if not (r.e1 or r.e2):
            continue
        if i > 0 and (r.blank_before or mid_group) and r.e2 and rows[i - 1].l2 and rows[i - 1].l2 != r.e2:
            new_words = _AFFINITY.get(core(r.e2), ())
            old_words = _AFFINITY.get(core(rows[i - 1].l2), ())
            k = i
            while k - 1 > last_label and not (rows[k - 1].e1 or rows[k - 1].e2) and rows[k - 1].name and \
                    any(w in rows[k - 1].name for w in new_words) and not any(w in rows[k - 1].name for w in old_words):
                k -= 1
            if new_words and k < i:
                l1 = r.e1 or r.l1
                for t in rows[k:i]:
                    old = (t.l1, t.l2)
                    t.l1, t.l2 = l1, r.e2
                    warnings.append(ParseWarning(t.line, "label-below", f"row read as {l1}/{r.e2} (label on line "
                                                 f"{r.line} after a break), not {old[0]}/{old[1]}: its wording is "
                                                 f"a {core(r.e2)} indicator"))
        last_label = i




# a value inside a name: a number with a percent sign, an operator or a score ('95%以上', '≥90', '得10分')
_GLUED_VALUE = re.compile(r"\d\s*%|[≥≤><=]\s*\d|得\s*\d+\s*分")


# a target and an actual value glued to the end of a name ('监测数据资料整编100%100%')
_TWO_VALUES_AT_END = re.compile(r"\d[%‰]\d+(?:\.\d+)?[%‰]$")
# a scoring rule glued into a name ('…按标准发放得10分,每少1元扣1分'): the row's columns ran together
_SCORING_RULE = re.compile(r"得\s*\d+\s*分.{0,12}[扣减]")


# cells of other columns that a row can put in the name's place when its own name is missing
# ('505006州民族特殊教育学校30.00': an agency code and amount from a list of units; '未达指标值酌情扣分':
# the scoring-rule column; '≥95%': the target; '成本指标': a category label with the name cut away)
_CODE_ROW = re.compile(r"^\d{6,}[\s\-_]*(?![个人元万吨亩次户套台件份所家米辆名项座株只头])[\u4e00-\u9fff]")
_SCORING_TEXT = re.compile(r"(?:酌情|按比例|每[^，,。]{0,10})扣\s*(?:\d+(?:\.\d+)?)?\s*分|不得分$")
_NOT_APPLICABLE = re.compile(r"^(?:本项目|该项目|此项)?(?:不适用|不涉及|无)(?:此|该|本)?(?:类|项)?指标$|^(?:本项目)?不适用此?指标")
_TARGET_ONLY = re.compile(r"[≥≤><=＞＜≧≦]+\s*\d+(?:\.\d+)?\s*%?(?:[(（][\u4e00-\u9fff]{1,4}[)）])?")


def _not_a_name(name: str) -> str | None:
    """Why a cell in the name's place cannot be an indicator's name, or None."""
    t = compact(halfwidth(name))
    if _CODE_ROW.match(t):
        return "a row that starts with an agency or project code is a list row, not an indicator"
    if _SCORING_TEXT.search(t):
        return "a scoring rule (评(扣)分标准) is not an indicator's name"
    if _TARGET_ONLY.fullmatch(t):
        return "a target value is not an indicator's name"
    if len(t) == 1:
        return "a single character is not an indicator's name (a cell cut short)"
    if _NOT_APPLICABLE.search(t):
        return "the table says this indicator does not apply"
    info = label_info(t)
    if info is not None and 1 in info.levels and t.endswith("指标"):
        return "a first-level category label is not an indicator's name"
    m = _GLUED_LABEL.match(t)
    if m and (m.group(1) == "指标" or label_info(m.group(1)) is not None) and (
            m.group(2) or _GLUED_LABEL.match(t[m.end():]) or re.search(r"\d$", t)):
        # '产出指标数量指标(必填)…(亩)80000', '指标(必填)…(人)132': a row whose cells ran together,
        # read as one name — not an indicator (its name cannot be told apart)
        return "a category label glued to the start of the text: the row's cells ran together"
    return None


# a category label written in full (…指标, perhaps with its note) at the start of a longer text
# (with its note in brackets, before another label, or with a value glued at the end of the text)
_GLUED_LABEL = re.compile(r"^((?:[\u4e00-\u9fff]{2,10}?)?指标)([(（][^()（）]{0,10}[)）])?(?=.{2,})")


def _split_values_off_the_name(r: RowParse, warnings: list[ParseWarning]) -> None:
    """'监测数据资料整编100%100%' | '20': a target and an actual value glued to the end of the name, the
    score read as the target. Split only when the name ends in a non-digit before the first value and
    the cell read as the target is a bare score: then exactly one reading fits."""
    t = r.name.strip()
    m = re.search(r"(?<=[^\d.])(\d+(?:\.\d+)?[%‰])(\d+(?:\.\d+)?[%‰])$", t)
    if m is None or r.by_role.get("actual") or not r.target or not re.fullmatch(r"\d{1,3}(?:\.\d+)?", compact(r.target)):
        return
    r.extra["分值/得分"] = r.target
    r.name, r.target = t[:m.start()], m.group(1)
    r.by_role["actual"] = m.group(2)
    warnings.append(ParseWarning(r.line, "glued-values", f"a target and an actual value glued to the end of the "
                                 f"name: {m.group(1)} | {m.group(2)}; the number after them "
                                 f"({r.extra['分值/得分']}) kept as 分值/得分"))


def _only_labels(name: str) -> bool:
    """'效益指标经济效益指标': category labels run together, no indicator name."""
    from ingest.layouts import split_glued
    t = compact(halfwidth(name))
    if label_info(t) is not None or len(t) > 24 or not t.endswith(("指标", "目标")):
        return False
    parts = split_glued(t + "@@")  # a sentinel: split_glued wants a rest after the labels
    return bool(parts) and parts[-1] == "@@" and all(label_info(p) is not None for p in parts[:-1])


def is_unfilled(target: str | None) -> bool:
    return target is not None and bool(BARE_UNIT.match(compact(halfwidth(target))))


def build_indicators(rows: list[RowParse], warnings: list[ParseWarning]) -> list[Indicator]:
    out: list[Indicator] = []
    seen_targets: set[str] = set()
    for r in rows:
        if not r.name:
            continue
        bare = re.sub(r"[-—－_.·…\s]", "", halfwidth(r.name))
        if not bare or bare in _OP_CELL or re.fullmatch(r"\d+(?:\.\d+)?%?", bare):
            # a bare number is never an indicator's name: a score or weight out of its column
            warnings.append(ParseWarning(r.line, "not-indicator", f"a cell with no indicator name skipped: {r.name}"))
            continue
        _split_values_off_the_name(r, warnings)
        if (r.target is None and len(compact(r.name)) > 30 and _GLUED_VALUE.search(halfwidth(r.name))) or \
                _SCORING_RULE.search(r.name) or _TWO_VALUES_AT_END.search(compact(halfwidth(r.name))):
            warnings.append(ParseWarning(r.line, "unsplit-row", f"a row whose cells could not be told apart (no "
                                         f"separator between name and value) is not read: {r.name[:40]}"))
            continue
        if r.target is None and is_placeholder(re.sub(r"[/／\s]", "", r.name)):
            warnings.append(ParseWarning(r.line, "placeholder", f"template placeholder row skipped: {r.name}"))
            continue
        why = _not_a_name(r.name)
        if why is None and r.target is None and header_role(r.name) in ("score", "weight"):
            why = "a column name (分值/得分) is not an indicator's name"
        if why is None and r.target is None and compact(r.name) in seen_targets:
            why = "the text of another row's value, repeated where a name should be"
        if why is not None:
            warnings.append(ParseWarning(r.line, "not-indicator", f"{why}: {r.name[:40]}"))
            continue
        if _only_labels(r.name):
            warnings.append(ParseWarning(r.line, "label-only-row", f"row holds category labels but no indicator: "
                                         f"{r.name}"))
            continue
        if is_unfilled(r.target) or (r.target is None and is_unfilled(r.extra.get(_unit_key(r)))):
            warnings.append(ParseWarning(r.line, "placeholder", f"template row with a unit but no value skipped: "
                                         f"{r.name} {r.target or ''}".strip()))
            continue
        target = _target(r)
        if target is None:
            warnings.append(ParseWarning(r.line, "missing-target", f"indicator {r.name} has no target value"))
        if r.above_page:
            warnings.append(ParseWarning(r.line, "missing-label", f"indicator {r.name} is above the page's first "
                                         "category label: its labels are not on the page"))
        elif r.l1 is None:
            warnings.append(ParseWarning(r.line, "missing-label", f"indicator {r.name} has no 一级 label"))
        elif r.l2 is None:
            warnings.append(ParseWarning(r.line, "missing-label", f"indicator {r.name} has no 二级 label"))
        if r.target:
            seen_targets.add(compact(r.target))
        out.append(Indicator(l1=r.l1, l2=r.l2, name=r.name, target=target, line=r.line,
                             position=len(out) + 1, extra=dict(r.extra), actual=r.by_role.get("actual"),
                             points=r.by_role.get("points"), score=r.by_role.get("score")))
    return out


def _unit_key(r: RowParse) -> str:
    return next((k for k in r.extra if "单位" in k), "")


def _target(r: RowParse) -> Target | None:
    if not r.target:
        return None
    t = parse_target(r.target)
    if t is None:
        return None
    if r.op and t.op is None and t.value is not None:
        t.op = r.op
    if r.op_qualitative and t.value is None:
        t.op = None
    if r.unit and t.value is not None and not t.unit:
        t.unit = squash(r.unit)
    return t


def is_placeholder(name: str) -> bool:
    return bool(_PLACEHOLDER.match(compact(name)))


def is_chrome(text: str) -> bool:
    return bool(_CHROME.match(compact(text)))
