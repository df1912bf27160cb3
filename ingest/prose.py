"""Goal tables written as prose: the indicators in sentences under their category labels.

Some units publish the goal table as text instead of a table (the real table being an attachment
that was not kept)::

    一、 产出指标
    数量指标:种植数量(≥**株)>=17600株;种植作物成活率(≥**%)>=85;时效指标:完成及时率>=100%。
    二、 效益指标
    效益指标:经济效益指标:特色产业产值≥80万元,…;生态效益指标:生态修复功能提高。

A careful reader reads them by their evidence: a category label of the framework vocabulary
followed by a colon (or standing as a numbered heading) opens a group; within the group the items
are separated by ``;`` ``；`` ``。``; an item's value is the target shape at its end (an operator
and a number, or a number and a unit). Items only count on the lines where their label stands,
and only when the text holds several labelled groups with targets — a sentence in a notice that
happens to say 满意度 is not a table. Nothing here knows RDF.
"""
from __future__ import annotations

import re

from ingest.records import Indicator, ParseWarning, TableRecord
from ingest.table_model import Row
from ingest.targets import parse_target
from ingest.text import compact, halfwidth
from ingest.vocabulary import label_info

_LABEL = re.compile(r"(?:[一二三四五六七八九十]{1,2}、\s*)?(?P<label>[\u4e00-\u9fff]{2,10}?(?:类)?(?:指标|目标))\s*(?P<sep>[:：,，]|$)")
_HEADING_LABEL = re.compile(r"^(?:[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）])\s*"
                            r"(?P<label>[\u4e00-\u9fff]{2,10}(?:指标|目标))\s*[:：]?$")
# the value at the end of an item: an operator and a number (unit optional), or a number and a unit
_TAIL = re.compile(r"(?P<t>(?:>=|<=|≥|≤|≧|≦|=|＞|＜|>|<|不低于|不少于|不高于|不超过|大于等于|小于等于)\s*\d[\d,]*(?:\.\d+)?\s*"
                   r"(?:[%‰]|/?[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?)?)$")
_ITEM_SPLIT = re.compile(r"[;；。]")


def read_prose_table(rows: list[Row]) -> TableRecord | None:
    """The indicators of a goal table written as prose, or None when the text is not one."""
    l1: str | None = None
    l2: str | None = None
    items: list[tuple[str | None, str | None, str, str | None, int]] = []
    labelled_groups = 0
    first_line = None
    under_heading = heading_seen = False
    for r in rows:
        text = " ".join(t for _, t in r.nonempty()).strip()
        if not text:
            continue
        h = _HEADING_LABEL.match(compact(text))
        if h is not None and (info := label_info(h.group("label"))) is not None:
            # '一、 产出指标' / '(一)数量指标' on a line of its own: the items follow on the lines below
            if 1 in info.levels and (info.levels == {1} or not compact(text).startswith(("(", "（"))):
                l1, l2 = h.group("label"), None
            else:
                l2 = h.group("label")
            under_heading = heading_seen = True
            first_line = first_line or r.line
            continue
        found = [m for m in _LABEL.finditer(text) if label_info(m.group("label")) is not None]
        if not found:
            if under_heading and (l2 or l1) and not _SENTENCE.search(text):
                # an item on its own line under a label heading ('参训人员结业率≥100%;')
                for p in (q.strip(" ,，、:：") for q in _ITEM_SPLIT.split(text)):
                    if p:
                        item = _item(p)
                        if item is not None:
                            items.append((l1, l2, *item, r.line))
                            labelled_groups += 1 if item[1] else 0
                continue
            under_heading = False
            continue
        under_heading = False
        for k, m in enumerate(found):
            label = m.group("label")
            info = label_info(label)
            if info.levels == {1} or (1 in info.levels and l1 is None and 2 not in info.levels):
                l1, l2 = label, None
            else:
                l2 = label
            end = found[k + 1].start() if k + 1 < len(found) else len(text)
            body = text[m.end():end]
            parts = [q.strip(" ,，、:：") for p in _ITEM_SPLIT.split(body) for q in _comma_items(p)]
            parts = [p for p in parts if p]
            if parts:
                labelled_groups += 1
                first_line = first_line or r.line
            for p in parts:
                item = _item(p)
                if item is not None:
                    items.append((l1, l2, *item, r.line))
    with_target = sum(1 for it in items if it[3])
    titled = _title(rows) is not None  # the page says it sets a project's 绩效目标
    if not (labelled_groups >= 3 and with_target >= 2) and not (titled and heading_seen and with_target >= 1):
        return None
    table = TableRecord(title=_title(rows), lines=(first_line or rows[0].line, items[-1][4]))
    table.warnings.append(ParseWarning(first_line, "prose-table", "no table: the indicators are read from prose "
                                       "(category labels with a colon, items between ';' and '。')"))
    for pos, (a, b, name, target, line) in enumerate(items, start=1):
        if target is None:
            table.warnings.append(ParseWarning(line, "missing-target", f"indicator {name} has no target value"))
        table.indicators.append(Indicator(l1=a, l2=b, name=name, target=parse_target(target) if target else None,
                                          line=line, position=pos))
    return table


def _comma_items(part: str) -> list[str]:
    """'产值≥80万元,增加收入≥80万元': a comma after a value separates two items; any other comma
    ('种植数量,黄金蜜种植数量≥17600株') is inside the name."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[,，]", part):
        if _TAIL.search(halfwidth(part[start:m.start()])):
            out.append(part[start:m.start()])
            start = m.end()
    out.append(part[start:])
    return out


# a line that is a sentence of a notice, not an item: long, or it speaks to someone
_SENTENCE = re.compile(r"^.{60,}$|根据|按照|现将|请|附件|扫一扫|^\d{4}年\d{1,2}月\d{1,2}日$")


def _item(p: str) -> tuple[str, str | None] | None:
    """'参训人员结业率≥100%' → (name, target); '完成时限,2025年10月底前' → split at its one comma when
    what follows is short; '生态修复功能提高' → (name, None)."""
    t = _TAIL.search(halfwidth(p))
    if t is not None and t.start() > 0:
        name, target = p[: t.start()].strip(" ,，"), p[t.start():].strip()
    elif len(re.findall(r"[,，]", p)) == 1 and 1 <= len(compact(re.split(r"[,，]", p)[1])) <= 12:
        name, target = (x.strip() for x in re.split(r"[,，]", p))
    else:
        name, target = p, None
    if not 2 <= len(compact(name)) <= 60:
        return None
    return name, target


_PAGE_TITLE = re.compile(r"^(?:关于)?(?P<t>[^，,。；;:：]{4,60}?项目)(?:资金)?(?:的)?绩效目标")


def _title(rows: list[Row]) -> str | None:
    """The project a prose table's page is about, from the page's title ('同心县2025年…培训项目绩效目标设定')."""
    for r in rows[:20]:
        ne = [t for _, t in r.nonempty()]
        for k, t in enumerate(ne):
            if compact(t).rstrip(":：") in ("标题", "标 题") and k + 1 < len(ne):
                m = _PAGE_TITLE.match(compact(ne[k + 1]))
                if m:
                    return m.group("t")
    return None
