"""HTML pages: the tables of a disclosure page, with the headings and paragraphs around them.

Navigation, headers, footers, scripts and the like are left out; a table that holds other
tables is page layout, and its cells are read as the page; a table without tables inside is
data: ``rowspan``/``colspan`` become merges, ``<br>`` and ``<p>`` inside a cell join into one
value. Rows are located as "table 2 row 5" (the n-th data table of the page).
"""
from __future__ import annotations

import re

from ingest.decode import UnreadableFile, decode
from ingest.readers import Document, register
from ingest.readers.grid import Grid, GridCell, RowSink, join_lines, subscript, superscript

_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "head", "select",
         "button", "form", "iframe", "svg", "object"}
_CHROME = re.compile(r"(^|[\s_-])(nav|navbar|menu|footer|crumbs?|breadcrumbs?|banner|copyright|sidebar|topbar|"
                     r"share)([\s_-]|$)", re.I)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "caption", "section", "article",
          "main", "center", "blockquote", "pre", "dl", "dt", "dd", "tr", "td", "th", "table", "body", "hr"}
_MAX_SPAN = 1000


def _chrome(el) -> bool:
    if el.tag in _SKIP:
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}"
    return bool(names.strip()) and bool(_CHROME.search(names))


def _lines(el, out: list[str]) -> None:
    """The text of an element as lines: block elements and <br> break lines."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP:
        if el.tail:
            out[-1] += el.tail
        return
    if tag == "br":
        out.append(el.tail or "")
        return
    block = tag in _BLOCK
    if block:
        out.append("")
    text = el.text or ""
    if tag == "sup" and re.fullmatch(r"[0-9+\-]+", text.strip()):
        text = superscript(text.strip())
    elif tag == "sub" and re.fullmatch(r"[0-9]+", text.strip()):
        text = subscript(text.strip())
    out[-1] += text
    for child in el:
        _lines(child, out)
    if block:
        out.append("")
    if el.tail:
        out[-1] += el.tail


def cell_text(el) -> str:
    out = [el.text or ""]
    for child in el:
        _lines(child, out)
    return join_lines([x.replace("\xa0", " ") for x in out])


def _int(value: str | None) -> int:
    m = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(m.group(1)), _MAX_SPAN)) if m else 1


class _Page:
    def __init__(self, path: str, max_rows: int) -> None:
        self.sink = RowSink(path, max_rows)
        self.tables = 0
        self.para: list[str] = []
        self.para_where = "page"

    def flush(self) -> None:
        text = join_lines(["".join(self.para).replace("\xa0", " ")])
        self.para = []
        if text.strip():
            self.sink.paragraph(" ".join(text.split()), self.para_where)

    def walk(self, el) -> None:
        if not isinstance(el.tag, str) or _chrome(el):
            return
        tag = el.tag
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            self.table(el)
            return
        if tag == "br":
            self.flush()
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            self.para_where = f"after table {self.tables}" if self.tables else "before the first table"
        if el.text:
            self.para.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.para.append(child.tail)
        if block:
            self.flush()

    def table(self, el) -> None:
        self.tables += 1
        n = self.tables
        rows = []
        for tr in el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
            rows.append([GridCell(cell_text(td), rows=_int(td.get("rowspan")), cols=_int(td.get("colspan")))
                         for td in tr.xpath("./td|./th")])
        caption = el.find("caption")
        if caption is not None:
            self.sink.gap()
            self.sink.paragraph(cell_text(caption), f"table {n} caption")
        self.sink.gap()
        self.sink.grid(Grid.from_spans(rows), lambda r: f"table {n} row {r + 1}",
                       lambda r0, c0, r1, c1: f"table {n} rows {r0 + 1}-{r1 + 1}, columns {c0 + 1}-{c1 + 1}")
        self.sink.gap()


@register("html")
def read_html(data: bytes, path: str, max_rows: int) -> Document:
    import lxml.html
    from lxml import etree

    text, encoding = decode(data)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile("corrupt-file", f"not readable as HTML ({exc})") from exc
    page = _Page(path, max_rows)
    body = root.find("body")
    page.walk(body if body is not None else root)
    page.flush()
    return Document(rows=page.sink.rows, format="html", encoding=encoding)
