"""Indicator tables whose cells ran together with no separator at all.

Web copies of goal tables often lose every cell border: ``…三级指标分值年度指标值全年实际值得分
产出指标(70分)数量指标安装坡面水标尺10≥266米≥266米10水标尺宽度10≥50厘米…``. A careful reader
still reads them, from evidence in the table:

- the column header names the columns after the indicator name (分值, 年度指标值, 全年实际值, 得分 …);
- category labels are words of the framework vocabulary written in full (数量指标, 社会效益指标);
- each column has a shape: a score is a small number, a target an operator + number + a unit from
  a closed list (or a qualitative word), an explanation starts with 反映/衡量 …

A run of text between two labels is split into rows only when exactly one split fits those
shapes (after preferring a self-evaluation's actual value that repeats its target). Anything else
is left unread: the caller warns ``unsplit-row`` rather than guessing. Nothing here knows RDF.
"""
from __future__ import annotations

import re
from functools import cache

from ingest.layouts import label_words
from ingest.targets import QUALITATIVE_WORDS
from ingest.text import compact, halfwidth
from ingest.vocabulary import label_info

# Column names of the indicator header, longest first, and the kind of value each holds.
_COLUMNS: tuple[tuple[str, str], ...] = tuple(sorted({
    "一级指标": "l1", "二级指标": "l2", "三级指标": "name", "指标名称": "name", "指标内容": "name",
    "绩效指标": "skip", "分值": "points", "权重": "points", "指标分值": "points", "得分": "score",
    "年度指标值": "target", "年初目标值": "target", "指标值": "target", "目标值": "target", "指标目标值": "target",
    "当年预期实现值": "target", "预期实现值": "target", "计划指标值": "target", "全年目标值": "target",
    "年度目标值": "target", "预期目标值": "target",
    "全年实际值": "actual", "实际完成值": "actual", "全年实际完成值": "actual", "实际值": "actual",
    "全年完成值": "actual", "完成值": "actual", "实际完成": "actual",
    "指标解释": "explain", "指标说明": "explain", "绩效标准": "explain_or_target", "评价标准": "explain",
    "原因分析": "free", "备注": "free", "保障绩效目标实现措施": "skip",
    "绩效指标性质": "op", "指标性质": "op", "计算符号": "op", "绩效指标值": "value", "绩效度量单位": "unit",
    "度量单位": "unit", "计量单位": "unit", "指标方向性": "direction", "指标方向": "direction",
}.items(), key=lambda kv: len(kv[0]), reverse=True))
# the free-text column, however a template words it ('未完成原因及拟采取的改进措施', '偏差原因分析及改进措施')
_FREE_COLUMN = r"(?:未完成|偏差)原因(?:[\u4e00-\u9fff]{0,10}?措施|分析)?"
_COLUMN_RE = re.compile(_FREE_COLUMN + "|" + "|".join(re.escape(w) for w, _ in _COLUMNS))
_KIND = dict(_COLUMNS)

# Units a target may carry (closed list: a unit glued to the next name must not swallow it).
_UNITS = tuple(sorted({
    "%", "％", "‰", "百分比", "元", "万元", "亿元", "千元", "人次", "人", "户", "个", "次", "亩", "公里", "千米",
    "米", "厘米", "平方米", "立方米", "吨", "件", "套", "台", "辆", "座", "所", "家", "天", "日", "月", "年",
    "小时", "分钟", "项", "场", "期", "批", "名", "株", "头", "只", "篇", "册", "本", "间", "处", "条", "公顷",
    "㎡", "m²", "km", "m", "起", "份", "张", "部", "栋", "棵", "分", "所学校", "元/人", "元/株", "/株",
    "元/人·月", "元/亩", "万人次", "万册", "个月", "周", "年度", "班", "支", "组", "对", "村", "镇", "倍",
    "万人", "万户", "万亩", "万元/人", "家次", "课时", "学时", "床", "辆次", "架次", "批次", "篇次",
}, key=len, reverse=True))
_QUAL_AFTER_UNIT = ("以上", "以下", "以内", "左右")
_OPS = (">=", "<=", "≥", "≤", "=", "＝", ">", "<", "≧", "≦", "不低于", "不少于", "不高于", "不超过", "大于", "小于",
        "低于", "高于", "达到", "约")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_EXPLAIN_START = ("反映", "衡量", "考核", "体现", "用于", "是否", "指", "按照", "根据", "评价", "实际", "计算")
_QUALITATIVE = tuple(sorted({w for w in QUALITATIVE_WORDS if len(w) >= 2}, key=len, reverse=True))


@cache
def _labels() -> tuple[str, ...]:
    """Category labels written in full (…指标): the words a run is cut at."""
    return tuple(w for w in label_words() if w.endswith("指标"))


@cache
def _bare_labels() -> tuple[str, ...]:
    """二级 labels written without 指标 that name their 一级 in their own words (产出数量, 产出质量 …):
    a run is cut at them too, right after a value (a digit, a percent sign or a unit's last character)."""
    return tuple(w for w in label_words() if w.startswith("产出") and len(w) == 4 and not w.endswith(("指标", "目标")))


_SCORE_NOTE = re.compile(r"[（(]\s*\d{1,3}(?:\s*[-~]\s*\d{1,3})?\s*分?\s*[）)]\s*分?")


def header_columns(text: str) -> tuple[int, int, list[str], list[str]] | None:
    """The indicator header inside a glued line: (start, end, kinds and words of the columns after
    the name)."""
    t = text
    m = re.search(r"(?:(?:年度)?绩效指标)?一级(?:指标)?[*＊]?二级(?:指标)?", t)
    if m is None:
        return None
    start = m.start()
    pos = start
    cols: list[tuple[str, str]] = []
    while True:
        mm = _COLUMN_RE.match(t, pos)
        if mm is None:
            break
        cols.append((_KIND.get(mm.group(0), "free"), mm.group(0)))
        pos = mm.end()
        letter = re.match(r"[（(][A-Za-z/]{1,5}[)）]", t[pos:])
        if letter:
            pos += letter.end()  # '年初目标值(A)', '执行率(B/A)': a column letter the form's notes refer to
        while pos < len(t) and t[pos] in "*＊":
            pos += 1  # '一级指标*': a required-field mark
    kinds = [k for k, _ in cols]
    if "l1" not in kinds or "l2" not in kinds:
        return None
    after = cols[kinds.index("l2") + 1:]
    if any(k == "name" for k, _ in after):
        after = after[[k for k, _ in after].index("name") + 1:]
    values = [(k, w) for k, w in after if k != "skip"]
    if not values or not any(k in ("target", "explain_or_target", "value") for k, _ in values):
        return None
    return start, pos, [k for k, _ in values], [w for _, w in values]


_BODY_END = re.compile(r"总分|合计得分|得分合计|注[:：]|说明[:：]|填报说明|填表说明|……|\.{6}|项目名称|"
                       r"绩效目标表|绩效自评表|绩效目标申报表")


def body_end(body: str) -> int:
    """Where the indicator rows of a glued body stop (总分, 注：, an unfilled '……' row)."""
    m = _BODY_END.search(body)
    return m.start() if m else len(body)


def split_labels(body: str) -> list[tuple[list[str], str]]:
    """'产出指标(70分)数量指标安装…质量指标…' → [(['产出指标(70分)', '数量指标'], '安装…'), (['质量指标'], …)]."""
    out: list[tuple[list[str], str]] = []
    labels: list[str] = []
    run_start = 0
    i = 0
    n = len(body)
    while i < n:
        w = next((w for w in _labels() if body.startswith(w, i)), None)
        if w is None and i > 0 and (labels or run_start < i):
            w = next((w for w in _bare_labels() if body.startswith(w, i)), None)
        if w is None:
            i += 1
            continue
        end = i + len(w)
        note = _SCORE_NOTE.match(body, end)
        if note:
            end = note.end()
        if i > run_start:
            out.append((labels, body[run_start:i]))
            labels = []
        labels.append(body[i:end])
        i = run_start = end
    if run_start < n or labels:
        out.append((labels, body[run_start:]))
    return out


# --- one run of rows ----------------------------------------------------------------------

def _number_ends(s: str, i: int, limit: float = 100) -> list[int]:
    """Ends of a small number (a score, a weight) starting at i: no leading zero, at most `limit`."""
    m = _NUMBER.match(s, i)
    if not m:
        return []
    ends = []
    for e in range(i + 1, m.end() + 1):
        tok = s[i:e]
        if tok.endswith(".") or (len(tok) > 1 and tok[0] == "0" and tok[1] != "."):
            continue
        try:
            if float(tok) <= limit:
                ends.append(e)
        except ValueError:
            continue
    return ends


def _target_ends(s: str, i: int) -> list[int]:
    """Ends of a target value starting at i: operator? number unit? (以上)? | a qualitative word."""
    ends: set[int] = set()
    j = i
    for op in sorted(_OPS, key=len, reverse=True):
        if s.startswith(op, i):
            j = i + len(op)
            break
    m = _NUMBER.match(s, j)
    if m:
        for e in range(j + 1, m.end() + 1):
            tok = s[j:e]
            if tok.endswith(".") or (len(tok) > 1 and tok[0] == "0" and tok[1] != "."):
                continue
            # a unit is read whole: a bare number never leaves its unit to start the next name
            unit = next((u for u in _UNITS if s.startswith(u, e)), None)
            if unit is None and e < len(s) and (s[e].isdigit() or s[e] == "."):
                cands = [e]  # inside a digit run: only a score column may follow (checked there)
            else:
                cands = [e + len(unit)] if unit else [e]
            for c in cands:
                ends.add(c)
                for q in _QUAL_AFTER_UNIT:
                    if s.startswith(q, c):
                        ends.add(c + len(q))
    elif j == i:
        for w in _QUALITATIVE:
            if s.startswith(w, i):
                ends.add(i + len(w))
                # two qualitative words together ('显著提升', '进一步完善')
                for w2 in _QUALITATIVE:
                    if s.startswith(w2, i + len(w)):
                        ends.add(i + len(w) + len(w2))
    return sorted(ends)


def _explain_ends(s: str, i: int) -> list[int]:
    if not s.startswith(_EXPLAIN_START, i):
        return []
    # an explanation never ends inside or right after a number (the value that follows starts there)
    # nor holds a value of its own (an operator, a percentage): that is the next column
    out = []
    for e in range(i + 4, min(len(s), i + 60) + 1):
        if re.search(r"[≥≤<>=＝≧≦]|\d\s*%", s[i:e]):
            break
        if not s[e - 1].isdigit() and s[e - 1] != ".":
            out.append(e)
    return out


_OP_TAIL = re.compile("(?:" + "|".join(re.escape(o) for o in sorted(_OPS, key=len, reverse=True) if not o.isascii())
                      + r"|不|不低|不高|不少|不超)$")


def _name_ok(name: str) -> bool:
    t = name
    if _OP_TAIL.search(t):
        return False  # a name never ends with (the start of) the operator of its value: '…率不' | '低于95%'
    # (a name never starts with a percent sign, nor ends with a percentage: those are the values around it)
    return 2 <= len(t) <= 60 and not t.startswith(_OPS) and not re.fullmatch(r"[\d.%]+.?", t) and \
        not t.startswith(("%", "‰")) and not re.search(r"\d[%‰]$", t) and \
        not t[-1].isdigit() and not (t.endswith("指标") and label_info(t) is not None) and not any(c in t for c in "≥≤=<>≧≦＝")


def repeated_notes(body: str) -> tuple[str, ...]:
    """Free text a self-evaluation repeats after the values of its rows ('…100%1000件达成预期指标监控…
    5个达成预期指标…'): the words that follow a value at least three times. Only these fill a free-text
    column; any other free text cannot be told from the next row's name."""
    counts: dict[str, int] = {}
    after_values = 0
    for m in re.finditer(r"\d+(?:\.\d+)?(?:%|％|‰|人次|个|件|起|人|次|项|户|元)?(?=[\u4e00-\u9fff])", body):
        after_values += 1
        for n in range(4, 9):
            w = body[m.end():m.end() + n]
            if len(w) == n and re.fullmatch(r"[\u4e00-\u9fff]+", w):
                counts[w] = counts.get(w, 0) + 1
    # after (nearly) every value: a name's common start ('县级储备粮…' before some names) is no note
    found = [w for w, c in counts.items() if c >= 3 and c >= 0.7 * after_values]
    if not found:
        return ()
    # the most frequent, and of those the longest ('达成预期指标', not '达成预期' nor '达成预期指标产出')
    return (max(found, key=lambda w: (counts[w], len(w))),)


def parse_run(run: str, kinds: list[str], max_parses: int = 40, notes: tuple[str, ...] = ()) -> list[list[str]] | None:
    """The rows of one run (the text between two labels), or None unless one split fits. ``notes``:
    the free text the table repeats after its rows' values (``repeated_notes``)."""
    s = compact(halfwidth(run))
    if not s:
        return []
    if len(s) > 1500:
        return None  # prose, not rows
    explains = any(k.startswith("explain") for k in kinds)

    def value_ends(kind: str, i: int) -> list[int]:
        if kind in ("points", "score"):
            ends = _number_ends(s, i)
            if kind == "score":
                return ends  # a score is points, never a percentage
            return ends + [e + 1 for e in ends if s.startswith("%", e)]  # a weight as a percentage
        if kind in ("target", "actual"):
            ends = _target_ends(s, i)
            if kind == "actual" and any(s.startswith(w, i) for w in notes):
                ends = [i, *ends]  # an empty actual value, the repeated note right after the target
            return ends
        if kind == "explain":
            return _explain_ends(s, i)
        if kind == "explain_or_target":
            return sorted(set(_explain_ends(s, i)) | set(_target_ends(s, i)))
        if kind == "free":
            # an empty cell, or the note the table repeats: other free text cannot be told from the next name
            return [i, *(i + len(w) for w in notes if s.startswith(w, i))]
        if kind == "op":
            return [i + len(op) for op in _OPS if s.startswith(op, i)][:1] or [i]
        if kind == "value":
            return [e for e in _number_ends(s, i, limit=float("inf")) if e == len(s) or not s[e].isdigit()]
        if kind == "unit":
            return [i + len(u) for u in _UNITS if s.startswith(u, i)][:1] or [i]
        if kind == "direction":
            return [i + len(d) for d in ("正向指标", "反向指标", "正向", "反向") if s.startswith(d, i)][:1]
        return []

    def rows_at(i: int) -> list[tuple[int, list[str]]]:
        """Every single row that starts at i: (its end, its cells)."""
        out: list[tuple[int, list[str]]] = []
        if 0 < i < len(s) and s[i - 1].isdigit() and s[i].isdigit():
            return []  # a name never starts inside a number
        for ne in range(i + 2, min(len(s), i + 60) + 1):  # the name runs to where the values start
            name = s[i:ne]
            if explains and "反映" in name:
                break  # the explanation column has started
            if _name_ok(name):
                cells_from(ne, 0, [name], out)
        return out

    def cells_from(i: int, k: int, row: list[str], out: list[tuple[int, list[str]]]) -> None:
        if k == len(kinds):
            out.append((i, row))
            return
        if 0 < i < len(s) and s[i - 1].isdigit() and s[i].isdigit() and \
                (k == 0 or kinds[k - 1] not in ("points", "score")):
            # a digit run is split only after a score column ('1020万元': 10 | 20万元), or into a
            # target and an actual value that repeats it exactly ('…变质比例00': 0 | 0)
            same = row[-1]
            if not (k > 0 and kinds[k - 1] == "target" and kinds[k] == "actual" and s.startswith(same, i) and
                    (i + len(same) == len(s) or not s[i + len(same)].isdigit())):
                return
            cells_from(i + len(same), k + 1, [*row, same], out)
            return
        for e in value_ends(kinds[k], i):
            cells_from(e, k + 1, [*row, s[i:e]], out)

    memo: dict[int, list[list[list[str]]]] = {len(s): [[]]}

    def completions(i: int) -> list[list[list[str]]]:
        """The ways to read s[i:] as whole rows (at most max_parses + 1 kept); only reachable i."""
        if i in memo:
            return memo[i]
        ways: list[list[list[str]]] = []
        for end, row in rows_at(i):
            for rest in completions(end):
                ways.append([row, *rest])
                if len(ways) > max_parses:
                    break
            if len(ways) > max_parses:
                break
        memo[i] = ways
        return ways

    parses = completions(0)
    if not parses or len(parses) > max_parses:
        return None
    best = _prefer(parses, kinds)
    return best


def _prefer(parses: list[list[list[str]]], kinds: list[str]) -> list[list[str]] | None:
    """The one parse left after preferring actual values that repeat the target and whole units."""
    if len(parses) == 1:
        return parses[0]
    ti = kinds.index("target") + 1 if "target" in kinds else None
    ai = kinds.index("actual") + 1 if "actual" in kinds else None

    fi = [k + 1 for k, kind in enumerate(kinds) if kind == "free"]

    def score(p: list[list[str]]) -> tuple[int, int, int, int]:
        same = sum(1 for r in p if ti is not None and ai is not None and r[ti] == r[ai])
        # a repeated note in its column rather than at the start of the next name
        noted = sum(1 for r in p for k in fi if k < len(r) and r[k])
        # a qualitative word inside a name ('…完成及时率') is no cut: fewest qualitative values first
        qualitative = sum(1 for r in p for k, c in zip(kinds, r[1:], strict=False)
                          if k in ("target", "actual") and c and not any(ch.isdigit() for ch in c))
        return (noted, same, -qualitative, len(p))

    top = max(score(p) for p in parses)
    best = [p for p in parses if score(p) == top]
    return best[0] if len(best) == 1 or all(b == best[0] for b in best) else None


# --- a whole table in one line --------------------------------------------------------------

_HEADING_IN_TEXT = re.compile(r"[^。，,:：;；\s]{0,30}?(?:绩效目标(?:申报|批复|审核)?表|绩效(?:目标)?自评表)"
                              r"(?:[（(](?:19|20)\d{2}年度?[)）])?")
@cache
def _key_re() -> re.Pattern[str]:
    """Header keys a glued line is cut at: the reader's key vocabulary, longest first."""
    from ingest.header import BARE_KEYS
    keys = set(BARE_KEYS) | {"资金情况", "其中本年财政拨款", "其中财政拨款", "本年财政拨款", "其他资金",
                             "年度总体目标", "项目分类", "资金用途", "项目开始日期", "项目完成日期", "中央补助安排",
                             "省级财政安排", "预算申报数", "基本情况", "项目立项必要性", "保证项目实施的制度措施",
                             "组织实施单位", "监督管理单位", "其他依据", "需要说明的其他问题", "填报日期", "上年结转资金",
                             "负责人及电话", "联系人及电话", "县级主管部门", "市级主管部门", "区级主管部门",
                             "资金名称", "中央补助年度金额", "年度金额"}
    keys -= {"单位信息", "项目资金", "预算数", "项目", "依据"}
    alt = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?:一\*?级|二级)?(?:{alt})(?:[（(]万?元[)）])?[:：]?")


def _key_in_text(text: str, pos: int = 0) -> re.Match[str] | None:
    return _key_re().search(text, pos)


def _pre_rows(pre: str) -> list[list[str]]:
    """The text before the indicator header: a preamble, the heading, then key cells. Keys are
    only looked for after the heading (a notice above it uses the same words in its prose)."""
    rows: list[list[str]] = []
    heads = [h for h in _HEADING_IN_TEXT.finditer(pre) if _key_in_text(pre, h.end())]
    if heads:
        h = heads[-1]  # an attachment list above may name the table first ('附件：2.…绩效目标表')
        if pre[:h.start()].strip():
            rows.append([pre[:h.start()]])
        rows.append([h.group(0)])
        keys = pre[h.end():]
        first_key = _key_in_text(keys)
        if first_key is not None and first_key.start() > 0:
            rows.append([keys[:first_key.start()]])
            keys = keys[first_key.start():]
    else:
        first_key = _key_in_text(pre)
        lead, keys = (pre[:first_key.start()], pre[first_key.start():]) if first_key else (pre, "")
        if lead.strip():
            rows.append([lead])
    spans = [(m.start(), m.end()) for m in _key_re().finditer(keys)]
    for k in range(1, len(spans)):
        st, en = spans[k]
        prev_key = keys[spans[k - 1][0]:spans[k - 1][1]]
        # '…护栏安装项目主管部门…': after a name, '项目' ends the name and 主管部门 is the key
        if "名称" in prev_key and keys.startswith("项目", st) and keys[st + 2:en].rstrip(":：") in ("主管部门", "实施单位"):
            spans[k] = (st + 2, en)
    for k, (st, en) in enumerate(spans):
        value = keys[en: spans[k + 1][0] if k + 1 < len(spans) else len(keys)]
        rows.append([keys[st:en].rstrip(":：").replace("*", "") + "：", value])
    return rows


def unglue_header_line(line: str) -> list[list[str]] | None:
    """A table's heading and header keys flattened into one line ('…绩效目标表(2023年度)一*级项目名称
    文化事业发展专项资金二级项目名称…项目类型新增项目…') → rows of a heading and key/value cells."""
    t = compact(halfwidth(line))
    if not any(len(list(_key_re().finditer(t, h.end()))) >= 3 for h in _HEADING_IN_TEXT.finditer(t)):
        return None
    return _pre_rows(t)


_EMPTY_SLOT = re.compile(r"指标\d{1,2}[:：](?=指标\d{1,2}[:：]|$)")


def unglue_line(line: str) -> list[tuple[str, list[str]]] | None:
    """A table flattened into one line with no cell separators → (layout, cells) rows, or None when
    the line holds no glued indicator header. Runs that cannot be split come back as one
    ``unsplit`` cell, which the interpretation reports instead of reading."""
    raw = halfwidth(line)
    if header_columns(raw) is None and not (re.search(r"一\s?级\s?指\s?标二\s?级", raw) and
                                            header_columns(compact(raw)) is not None):
        # the header's words are separated by cell borders: the reader's other layouts apply (a
        # few spaces inside words, where a preview wrapped a cell, do not separate cells)
        return None
    t = compact(halfwidth(line))
    found = header_columns(t)
    if found is None:
        return None
    start, end, kinds, words = found
    out: list[tuple[str, list[str]]] = [("tab", cells) for cells in _pre_rows(t[:start])]
    out.append(("tab", ["一级指标", "二级指标", "三级指标", *words]))
    rest = t[end:]
    stop = body_end(rest)
    body, tail = rest[:stop], rest[stop:]
    runs = split_labels(body)
    notes = repeated_notes(body) if "free" in kinds else ()
    for n, (labels, run) in enumerate(runs):
        # unfilled template rows ('指标1:指标2:', '…合格2020指标2:'): a numbered slot with nothing after it
        run = _EMPTY_SLOT.sub("", run)
        rows = parse_run(run, kinds, notes=notes) if run else []
        if rows is None and n == len(runs) - 1 and tail:
            # the last run may end in the start of what follows the table (a heading's first words)
            for cut in range(len(run) - 1, max(len(run) - 16, 0), -1):
                if not re.fullmatch(r"[\u4e00-\u9fff]+", run[cut:]):
                    break
                rows = parse_run(run[:cut], kinds, notes=notes)
                if rows is not None:
                    tail = run[cut:] + tail
                    break
        l1 = next((x for x in labels if (i := label_info(x)) is not None and 1 in i.levels and
                   (i.levels == {1} or x is not labels[-1] or len(labels) == 1 and not rows)), "")
        l2 = labels[-1] if labels and labels[-1] is not l1 else ""
        if rows is None:
            out.append(("unsplit", [l1, l2, run]))
            continue
        if not rows and labels:
            out.append(("tab", [l1, l2]))  # a label with no rows under it (经济效益指标 left empty)
        for k, cells in enumerate(rows):
            out.append(("tab", [l1 if k == 0 else "", l2 if k == 0 else "", *cells]))
    if tail:
        # what follows the rows: the next table (its heading and keys), or a closing note
        more = unglue_line(tail)
        if more is None and not any(_key_in_text(tail, h.end()) for h in _HEADING_IN_TEXT.finditer(tail)):
            more = [("end", [tail])]  # a note after the rows ('说明…注：1、其他资金包括…'): the table is over
        out.extend(more if more is not None else [("tab", cells) for cells in _pre_rows(tail)])
    return out
