"""Indicator sections that are not one row per line: one cell per line, or glued cells.

Both are turned back into rows (labels…, name, target, extras…) whose cells are read by
content, so the rest of the interpretation is the same for every layout.
"""
from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from ingest.table_model import Row
from ingest.targets import BARE_UNIT, NAME_SUFFIXES, QUALITATIVE_WORDS, looks_like_target
from ingest.text import compact, halfwidth
from ingest.vocabulary import label_info, looks_like_label

_TARGET_TAIL = re.compile(
    r"(?P<t>(?:>=|<=|[=≥≤><]|不低于|不高于|不少于|不超过|低于|高于)?\s*\d[\d,]*(?:\.\d+)?\s*[^\d\s]{0,4})$")


@cache
def label_words() -> list[str]:
    data = json.loads(resources.files("ingest").joinpath("data/categories.json").read_text("utf-8"))
    words = set()
    for w in list(data["l1"]) + list(data["l2"]):
        words.update({w + "指标", w + "目标", w + "类指标", w})
    return sorted(words, key=len, reverse=True)


def split_glued(text: str) -> list[str] | None:
    """'产出指标数量指标培训人次280人次' → ['产出指标', '数量指标', '培训人次', '280人次']."""
    rest = compact(text)
    cells: list[str] = []
    for _ in range(2):
        for w in label_words():
            if rest.startswith(w) and len(rest) > len(w) + 1:
                cells.append(w)
                rest = rest[len(w):]
                rest = re.sub(r"^[（(][必选]填[)）]", "", rest)
                break
        else:
            break
    target = None
    m = _TARGET_TAIL.search(halfwidth(rest))
    if m and m.start() > 1:
        target = rest[m.start():]
        rest = rest[: m.start()]
    else:
        for w in sorted(QUALITATIVE_WORDS, key=len, reverse=True):
            if len(w) >= 2 and rest.endswith(w) and len(rest) > len(w) + 1:
                # the value starts where the name ends: after the last name ending ('…情况' + '稳步提高')
                cut = len(rest) - len(w)
                for p in range(len(rest) - len(w), max(len(rest) - 9, 1), -1):
                    if rest[:p].endswith(NAME_SUFFIXES):
                        cut = p
                        break
                target, rest = rest[cut:], rest[:cut]
                break
    if target is None and not cells:
        return None
    return [*cells, rest, *([target] if target else [])]


_UNIT_IN_BRACKETS = re.compile(r"[(（][^()（）\d]{1,6}[)）]$")


def _names_its_unit(text: str) -> bool:
    """A name that states its unit in brackets ('草原有害生物防治面积(万亩)', '参保人数(人)'): never a value."""
    t = compact(text)
    return bool(_UNIT_IN_BRACKETS.search(t)) and _UNIT_IN_BRACKETS.sub("", t).endswith(NAME_SUFFIXES)


def is_stream(rows: list[Row]) -> bool:
    body = [r for r in rows if not r.blank]
    return bool(body) and sum(r.layout == "single" for r in body) >= 0.8 * len(body)


def regroup_stream(rows: list[Row], n_after_target: int = 0, width: int = 0) -> list[Row]:
    """One cell per line → rows. A row is [labels…] name target [extras…]."""
    out: list[Row] = []
    labels: list[str] = []
    name: tuple[int, str] | None = None
    target: str | None = None
    extras: list[str] = []

    def flush() -> None:
        nonlocal labels, name, target, extras
        if name is not None:
            out.append(Row(line=name[0], cells=[*labels, name[1], *([target] if target else []), *extras],
                           layout="stream"))
            labels = []
        name, target, extras = None, None, []

    grouped = _blank_separated_rows(rows, max(width + 1, 3 + 1 + n_after_target + 1))
    if grouped is not None:
        return grouped
    body = [r for r in rows if not r.blank]
    for k, r in enumerate(body):
        text = r.text
        ne = [t for _, t in r.nonempty()]
        if len(ne) >= 3 and label_info(ne[0]) is not None and r.layout != "single":
            # a whole row whose cells the reader split (spaces), among one-cell lines: kept as it is
            flush()
            out.append(Row(line=r.line, cells=ne, layout="stream"))
            continue
        glued = split_glued(text) if not looks_like_target(text) and not looks_like_label(text) else None
        # a whole row glued into one line starts with a label written in full ('产出指标数量指标…');
        # a cell of its own that merely begins with a label word ('项目完成时限') is not split
        if glued and len(glued) >= 3 and label_info(glued[0]) and compact(glued[0]).endswith(("指标", "目标")):
            flush()
            out.append(Row(line=r.line, cells=glued, layout="stream"))
            continue
        if target is not None and len(extras) < n_after_target and label_info(text) is None and len(text) <= 12 and (
                looks_like_target(text) or looks_like_label(text) or not compact(text).endswith(NAME_SUFFIXES)):
            extras.append(text)
            continue
        nxt = body[k + 1].text if k + 1 < len(body) else ""
        if looks_like_label(text) and not (labels and not compact(text).endswith(("指标", "目标")) and
                                           looks_like_target(nxt) and not looks_like_label(nxt)):
            # ('学生满意度' right after the labels, then '≥95%': a name that reads like a label; a
            # label is followed by a name or another label, never by a value)
            if name is not None:
                flush()
            labels.append(text)
        elif (looks_like_target(text) or BARE_UNIT.match(compact(text))) and name is not None and target is None:
            target = text
        elif name is not None and target is None and len(compact(text)) <= 30 and (
                k + 1 == len(body) or looks_like_label(body[k + 1].text)) and not _names_its_unit(text):
            # the last cell before a label (or the end): the value of the name above, whatever its words
            target = text
        elif name is not None and target is None and n_after_target >= 1 and len(compact(text)) <= 12 and \
                not compact(text).endswith(NAME_SUFFIXES) and k + 1 < len(body) and looks_like_target(body[k + 1].text):
            # columns after the value (实际完成值 …) follow: a word that is no name is the value
            target = text
        elif name is not None and compact(text) == compact(name[1]) and (target is None or len(extras) < n_after_target):
            # a column restating the name (绩效指标描述 before the value, or the completed-value cell
            # restating what it counts after it: '建设…监测子站' / '0'): not a new row
            continue
        else:
            if name is not None:
                flush()
            name = (r.line, text)
    flush()
    return out


def one_of_twins(cells: list[str]) -> list[str] | None:
    """Two column groups side by side (中期 | 年度) holding the same indicator: '质量指标 | 误差率 | ±3%以内 |
    质量指标 | 误差率 | ±3%以内' (perhaps after the row's 一级 label) → the 一级 label and the right group;
    None when the cells are no such pair."""
    if len(cells) < 4:
        return None
    lead = cells[:1] if len(cells) % 2 == 1 and label_info(cells[0]) is not None else []
    rest = cells[len(lead):]
    k = len(rest) // 2
    if k < 2 or len(rest) != 2 * k or compact(rest[k - 1]) != compact(rest[-1]) and compact(rest[1]) != compact(rest[k + 1]):
        return None  # (the names or the values differ: no twin groups)
    left, right = rest[:k], rest[k:]
    same = [compact(t) for t in left] == [compact(t) for t in right]
    if not same and (label_info(left[0]) is None or label_info(right[0]) is None or
                     [compact(t) for t in left[1:]] != [compact(t) for t in right[1:]]):
        return None
    return [*lead, *right]


def _twin_reduced(cells: list[str]) -> list[str]:
    """The right group of a row of twin groups whose second value was cut by the end of the text
    ('质量指标 | 围绕… | 解决… | 质量指标 | 围绕… | 解'): the left group's labels and name, and the
    right group's value as far as it goes."""
    whole = one_of_twins(cells)
    if whole is not None:
        return whole
    lead = cells[:1] if len(cells) % 2 == 1 and label_info(cells[0]) is not None else []
    rest = cells[len(lead):]
    k = len(rest) // 2
    if k >= 3 and len(rest) == 2 * k and label_info(rest[0]) is not None and \
            [compact(t) for t in rest[:k - 1]] == [compact(t) for t in rest[k:2 * k - 1]]:
        # the same labels and name: the values differ (中期 and 年度 values) — unless the right one is
        # the start of the left one's words, cut short by the end of the text ('解决旱情,…' | '解'): no value
        mid, year = compact(rest[k - 1]), compact(rest[-1])
        cut = bool(year) and mid.startswith(year) and len(year) * 2 < len(mid) and not re.search(r"\d", year)
        return [*lead, *rest[k:-1], "" if cut else rest[-1]]
    return cells


def labels_first(texts: list[str]) -> bool:
    """Could these cells be one row as far as its labels go: no category label after a name or a value?
    (A row's last cell is its value: a word there that reads like a short label, '持续影响', is one;
    正向指标 / 反向指标 are directions, not labels.)"""
    kinds = [looks_like_label(t) and compact(t) not in ("正向指标", "反向指标") for t in texts]
    if len(texts) >= 3 and not compact(texts[-1]).endswith(("指标", "目标")):
        kinds[-1] = False
    return not any(kinds[i] and not kinds[i - 1] for i in range(1, len(kinds)))


def _blank_separated_rows(rows: list[Row], width: int) -> list[Row] | None:
    """One cell per line, table rows separated by empty lines (or lines of only '|'): each group
    of cells between two empty lines is one table row, read in the header's order."""
    groups: list[list[Row]] = []
    cur: list[Row] = []
    for r in rows:
        if r.blank:
            if cur:
                groups.append(cur)
            cur = []
        else:
            cur.append(r)
    if cur:
        groups.append(cur)
    # a row of twin column groups (中期 | 年度) is one row: its right group
    twins = {id(g[0]): _twin_reduced([r.text for r in g]) for g in groups}
    for g in groups:
        if len(twins[id(g[0])]) < len(g):
            continue
        if not labels_first([r.text for r in g]):
            return None  # a label after a name or a value: the empty lines are empty cells, not row ends
    rowlike = [g for g in groups if 2 <= len(twins[id(g[0])]) <= width]
    # (two groups are enough when each is a row of twin groups: the repeat is the evidence)
    paired = bool(groups) and all(len(twins[id(g[0])]) < len(g) for g in groups)
    if (len(groups) < 3 and not paired) or len(rowlike) < 0.6 * len(groups) or \
            sum(len(g) for g in groups) < 2 * len(groups):
        return None
    return [Row(line=g[0].line, cells=twins[id(g[0])], layout="stream", extra_lines=[r.line for r in g[1:]])
            for g in groups]
