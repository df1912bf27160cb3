"""Text normalisation and the character n-grams the lexical index uses.

Chinese has no spaces, so words are approximated by overlapping characters: unigrams give
recall (满意度 inside 办事人员满意度), bigrams reward exact wording (预算执行 vs 预算资金).
Latin-script words stay whole, lower-cased.
"""
from __future__ import annotations

import re
import unicodedata

_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[.%][a-z0-9]+)*")
_SKIP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), collapsed whitespace, stripped: the key of the text cache."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def wording_key(text: str) -> str:
    """Looser key used to group identical wordings: no spaces or punctuation, lower case."""
    return _SKIP.sub("", normalise(text)).lower()


def char_ngrams(text: str, n_max: int = 2) -> list[str]:
    """Character unigrams and bigrams of each CJK run, whole Latin words otherwise."""
    tokens: list[str] = []
    for chunk in _SKIP.split(normalise(text).lower()):
        if not chunk:
            continue
        # split a chunk into Latin words and runs of other (CJK) characters
        pos = 0
        for m in _LATIN_WORD.finditer(chunk):
            tokens.extend(_cjk_ngrams(chunk[pos:m.start()], n_max))
            tokens.append(m.group())
            pos = m.end()
        tokens.extend(_cjk_ngrams(chunk[pos:], n_max))
    return tokens


def _cjk_ngrams(run: str, n_max: int) -> list[str]:
    out: list[str] = []
    for n in range(1, n_max + 1):
        out.extend(run[i:i + n] for i in range(len(run) - n + 1))
    return out


_CODE_PREFIX = re.compile(r"^[\d\s\-—_.]+")
_PLACE = re.compile(r"^(?:中共|中国共产党)?(.{1,7}?(?:自治区|自治州|特别行政区|省|市|州|盟|县|旗))"
                    r"(.{1,4}?(?:新区|区|县|旗))?")


_NOT_PLACES = ("社区", "小区", "园区", "校区", "景区", "厂区", "城区")


def region_of(applicant: str | None) -> str | None:
    """The place an applicant organisation's name starts with (淮北市文化旅游体育局 → 淮北市,
    武汉市青山区教育局 → 武汉市青山区, 820001-井研县马踏镇人民政府 → 井研县); None when it starts
    with no place (区疾控中心, 卫健委). Indicators carry no issuer or region: this is the
    search page's region facet, narrowing by the applicant's name."""
    if not applicant:
        return None
    name = _CODE_PREFIX.sub("", normalise(applicant))
    m = _PLACE.match(name)
    if m is None or m.group(1).endswith(_NOT_PLACES):
        return None
    district = m.group(2) or ""
    return m.group(1) + ("" if district.endswith(_NOT_PLACES) else district)
