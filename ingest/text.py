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


# --- the interpretation view: traditional characters and reading glosses -----------------------
# Tables exported in traditional characters (績效目標表) are read as the simplified ones are;
# mirrors that insert pinyin glosses after characters (學(xué)) are read without them. The values
# stored are always the source's own characters: `SourceView.restore` maps a string of the view
# back to the span of the source line it came from.

_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)")


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return opencc.OpenCC("t2s")


class SourceView:
    """Each source line as interpreted (simplified, glosses removed), with the way back."""

    def __init__(self, text: str) -> None:
        self.original = split_lines(text)
        self.view: list[str] = []
        self.index: list[list[int] | None] = []  # per line: view position → source position
        conv = _t2s()
        changed = False
        if not _GLOSS.search(text) and (conv is None or not _has_cjk(text) or conv.convert(text) == text):
            self.view, self.index, self.changed = self.original, [None] * len(self.original), False
            return
        for line in self.original:
            v, idx = line, None
            if _GLOSS.search(line):
                keep = [i for i in range(len(line))]
                for m in reversed(list(_GLOSS.finditer(line))):
                    del keep[m.start():m.end()]
                v, idx = "".join(line[i] for i in keep), keep
            if conv is not None and _has_cjk(v):
                s = conv.convert(v)
                if s != v:
                    if len(s) == len(v):
                        v = s
                    # a conversion that changes the length is not used: the way back would be lost
            if v != line:
                changed = True
            self.view.append(v)
            self.index.append(idx)
        self.changed = changed

    @property
    def text(self) -> str:
        return "\n".join(self.view)

    def restore(self, s: str | None, line: int | None = None) -> str | None:
        """The source's own characters for a string read from the view (line: 1-based hint)."""
        if not s or not self.changed:
            return s
        order = range(len(self.view))
        if line is not None and 1 <= line <= len(self.view):
            order = [line - 1, *[i for i in order if i != line - 1]]
        for i in order:
            p = self.view[i].find(s)
            if p < 0:
                continue
            idx = self.index[i]
            if idx is None:
                return self.original[i][p:p + len(s)]
            end = idx[p + len(s) - 1] + 1
            m = _GLOSS.match(self.original[i], end)  # the gloss of the last character goes with it
            return self.original[i][idx[p]: m.end() if m else end]
        return s


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)
