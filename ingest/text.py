"""Text clean-up shared by the readers: HTML remnants, full-width forms, line splitting."""
from __future__ import annotations

import html
import re
from functools import lru_cache

# Only real HTML tag names: a title such as 《印发<加快实施…方案>的通知》 must survive.
_TAGS = (
    "b|strong|i|em|u|s|span|font|p|div|br|hr|sup|sub|td|tr|th|tbody|thead|tfoot|table|a|"
    "center|small|big|h[1-6]|li|ul|ol|col|colgroup|caption|label|o:p|st1:[a-z]+"
)
_SUP = re.compile(r"\s*<sup>\s*([0-9+\-]+)\s*</sup>", re.I)
_SUB = re.compile(r"\s*<sub>\s*([0-9]+)\s*</sub>", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(rf"</?(?:{_TAGS})(?:\s[^<>]*)?/?>", re.I)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_SUPERSCRIPT = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters other than tab: exports sometimes carry them; they are never content.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff]")


def clean_html(text: str) -> str:
    """Remove HTML remnants, keeping their meaning: ``m <sup>2</sup>`` → ``m²``."""
    if "<" in text:
        text = _SUP.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), text)
        text = _SUB.sub(lambda m: m.group(1).translate(_SUBSCRIPT), text)
        text = _BR.sub(" ", text)
        text = _TAG.sub("", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text).replace("\xa0", " ")
    return text


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR or LF only (str.splitlines also splits on form feeds and U+2028)."""
    return _LINE_BREAK.split(text)


_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update(
    {"％": "%", "＝": "=", "＜": "<", "＞": ">", "＋": "+", "－": "-", "．": ".", "／": "/",
     "≧": "≥", "≦": "≤", "═": "=", "﹦": "=", "﹤": "<", "﹥": ">", "\u3000": " ", "﹪": "%",
     "‰": "‰", "：": "：", "～": "~"}
)
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)


def halfwidth(text: str) -> str:
    """Full-width digits, Latin letters and comparison symbols → ASCII (for interpretation only)."""
    return text.translate(_FULLWIDTH_TABLE)


_WS = re.compile(r"[\s\u3000]+")


def squash(text: str) -> str:
    """Collapse runs of whitespace and trim."""
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def compact(text: str) -> str:
    """Remove all whitespace (for matching labels and keys)."""
    return _WS.sub("", text)
