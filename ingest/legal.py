"""Legal bases and cited documents: titles in 《》 and GB/T 9704 document numbers.

Canonical number: 机关代字〔YYYY〕N号 — any bracket kind around the year becomes 〔〕,
a two-digit year becomes four digits, a 第 before the serial is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.issuers import known_codes
from ingest.records import LegalRef
from ingest.text import halfwidth, squash

_OPEN = "〔（([【﹝［｛{"
_CLOSE = "〕）)]】﹞］｝}"
DOC_NUMBER = re.compile(
    rf"(?P<code>(?:[\u4e00-\u9fff]|[（(][\u4e00-\u9fff]{{1,4}}[)）]){{1,14}})\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}}|\d{{2}})\s*"
    rf"[{re.escape(_CLOSE)}]\s*(?P<di>第)?\s*(?P<serial>\d{{1,5}})\s*(?P<hao>号)?(?![\d.．年月])"
)
# The name of an issuing body ends here; its document code follows ('山西省人民政府晋政办发').
_BODY_END = re.compile(r"(?:人民政府|办公厅|办公室|委员会|人大常委会|政府|财政厅|财政局|财政部|文件|印发|下发|转发|省|市|县|区)")
# A title written after its number: '〔2020〕11号关于开展…的通知'
_TITLE_AFTER = re.compile(r"^\s*[《]?(?P<title>关于[^，,；;。《》()（）]{2,60}?(?:通知|意见|办法|方案|规定|决定|批复|函|纲要|规划|细则|"
                          r"实施意见|指导意见|计划|要点))[》]?")
# Characters that never belong to an issuer code: where a run of CJK text stops being one.
_NOT_CODE = set("的之和与及或、据照按依根于在由对将把为是了")
_LEAD_WORDS = ("根据", "依据", "按照", "依照", "参照", "贯彻", "落实", "执行", "参见", "详见", "见")
_ITEM_START = re.compile(r"(?:^|[；;。，,\n]|(?<![\d〔（(])\d{1,2}[、.．)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+、)")
_CURRENT_YY = 30  # two-digit years up to this are 20xx, the rest 19xx


@dataclass
class _Span:
    start: int
    end: int
    text: str


def canonical_year(year: str) -> int:
    y = int(year)
    if len(year) == 2:
        y += 2000 if y <= _CURRENT_YY else 1900
    return y


def _issuer_code(run: str) -> str:
    """The issuer code at the end of a run of CJK characters before the year bracket."""
    code = _generic_code(run)
    if len(code) <= 8 or (len(re.sub(r"[（(][^)）]*[)）]", "", code)) <= 8):
        return code
    known = known_codes()
    for i in range(len(code)):
        if code[i:] in known:
            return code[i:]
    return code[-8:]


def _generic_code(run: str) -> str:
    for lead in _LEAD_WORDS:
        if run.startswith(lead):
            run = run[len(lead):]
    cut = max((i for i, ch in enumerate(run) if ch in _NOT_CODE), default=-1)
    code = run[cut + 1:]
    # the code stops at the end of the issuing body's name written before it
    # ('宝市财办社': one character and 市 is the code's own place abbreviation, not a body's name)
    ends = [m.end() for m in _BODY_END.finditer(code) if len(code) - m.end() >= 2 and
            (len(m.group(0)) > 1 or m.start() >= 2)]
    if ends and len(code) > 4:
        code = code[ends[-1]:]
    return code or run[-4:]


def find_doc_numbers(text: str) -> list[tuple[int, int, LegalRef]]:
    """Every document number in ``text`` as (start, end, LegalRef without title)."""
    norm = halfwidth(text)  # one character for one: positions stay valid in ``text``
    out = []
    for m in DOC_NUMBER.finditer(norm):
        code = _issuer_code(m.group("code"))
        start = m.end("code") - len(code)
        raw = text[start:m.end()]
        year = canonical_year(m.group("year"))
        serial = int(m.group("serial"))
        ref = LegalRef(title=None, doc_number=f"{code}〔{year}〕{serial}号", doc_number_raw=squash(raw),
                       issuer_code=code, year=year, serial=serial)
        out.append((start, m.end(), ref))
    return out


def _titles(text: str) -> list[_Span]:
    """Outermost 《…》 spans (a title may nest 《》, 〈〉 or <> inside)."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                spans.append(_Span(start, i + 1, text[start + 1:i]))
    return spans


def _clause_before(text: str, end: int) -> str:
    """The clause that ends at ``end``: back to the previous item separator or list number."""
    head = text[:end]
    starts = [m.end() for m in _ITEM_START.finditer(head)]
    clause = head[starts[-1] if starts else 0:]
    clause = clause.strip(" ，,：:（(")
    for lead in _LEAD_WORDS:
        if clause.startswith(lead):
            clause = clause[len(lead):]
    if "《" in clause or "》" in clause or len(clause) < 4:
        return ""
    # a clause that is itself a list of documents, or a sentence, is no title
    if re.search(r"(?:人民政府|办公厅|办公室|委员会|政府|厅|局|部|委|办)$", clause):
        return ""  # the issuing body's name, not the document's title
    if DOC_NUMBER.search(halfwidth(clause)) or re.search(r"[、]|文件$", clause) or len(clause) > 60:
        return ""
    return squash(clause)


def extract_citations(text: str, require_number: bool = False) -> list[LegalRef]:
    """Documents cited in ``text``, in citation order, each once.

    A title in 《》 followed closely by a number is one document; a number with no title
    takes the clause before it as its title; a title with no number is still a document
    (a law such as 《中华人民共和国消防法》) unless ``require_number``.
    """
    if not text:
        return []
    titles = _titles(text)
    numbers = find_doc_numbers(text)
    used_numbers: set[int] = set()
    found: list[tuple[int, LegalRef]] = []
    for ti, span in enumerate(titles):
        next_title = titles[ti + 1].start if ti + 1 < len(titles) else len(text)
        ref = LegalRef(title=squash(span.text) or None)
        for ni, (ns, _ne, num) in enumerate(numbers):
            if ni in used_numbers or ns < span.end or ns >= next_title:
                continue
            gap = text[span.end:ns]
            # '》（沪委办发…）', '》的通知（…）', '》沪府发…' — but not a number in a later clause
            if len(gap) <= 12 and not re.search(r"[；;。，,、]|根据|按照|依据", gap):
                used_numbers.add(ni)
                ref = LegalRef(title=ref.title, doc_number=num.doc_number, doc_number_raw=num.doc_number_raw,
                               issuer_code=num.issuer_code, year=num.year, serial=num.serial)
            break
        found.append((span.start, ref))
    for ni, (ns, _ne, num) in enumerate(numbers):
        if ni in used_numbers:
            continue
        inside = any(s.start < ns < s.end for s in titles)
        if inside:  # a number quoted inside a title belongs to that title's text
            continue
        after = _TITLE_AFTER.match(text[_ne:])
        num.title = squash(after.group("title")) if after else (_clause_before(text, ns) or None)
        found.append((ns, num))
    found.sort(key=lambda x: x[0])
    out: list[LegalRef] = []
    seen: set[str] = set()
    for _, ref in found:
        if require_number and not ref.doc_number:
            continue
        key = ref.doc_number or f"title:{ref.title}"
        if key in seen:
            continue
        seen.add(key)
        out.append(ref)
    return out
