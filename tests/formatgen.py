"""Build the sample's four tables as office files, the way offices make them (``make formats``).

The tab-separated sample (data/samples) is laid out as a grid with real merges — the
category cells of the indicator section span the rows of their group, long header values
span three columns — and written as:

- ``sample.html``: a disclosure page (navigation, breadcrumb, footer around the tables),
  three ``<table>`` per project, ``rowspan``/``colspan``, ``<br>`` and ``<p>`` inside cells;
- ``sample.fods``: a flat OpenDocument workbook, one sheet per project, numbers and dates
  as typed cells with their display formats, ruled cells;
- ``sample-word.html``: the document a Word user would write: a heading naming each project,
  then its tables;
- ``sample-gbk.csv``: the workbook's first sheet saved as CSV on Chinese Windows (GBK);

and LibreOffice headless converts them: fods → ``sample.xlsx``, ``sample.xls``,
``sample-xlsx.pdf``; sample-word.html → ``sample.docx`` → ``sample-docx.pdf``.
The outputs are committed under tests/data/formats/, so the tests need no LibreOffice.

Run: ``python -m tests.formatgen`` (needs ``soffice``: ``make formats`` installs it).
"""
from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ingest import parse_file
from ingest.records import TableRecord

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
OUT = ROOT / "tests" / "data" / "formats"
NCOLS = 4


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False


@dataclass
class Block:
    """One run of rows that is one table in the office file (None rows: covered by a merge)."""
    rows: list[list[Cell | None]] = field(default_factory=list)


@dataclass
class Project:
    title: str
    heading: list[str]  # 财政项目支出绩效目标表, (2020年度), 申报单位名称：…
    blocks: list[tuple[str | None, Block]]  # (caption paragraph, table)


_TAG = re.compile(r"</?b>")


def _cells(line: str) -> list[str]:
    cells = line.split("\t") + [""] * NCOLS
    return cells[:NCOLS]


def _block(lines: list[str]) -> Block:
    """Header or budget rows: a value followed only by empty cells spans the rest of the row."""
    b = Block()
    for x in lines:
        c = _cells(x)
        last = max(i for i, v in enumerate(c) if v.strip())
        row: list[Cell | None] = [Cell(_TAG.sub("", v), bold="<b>" in v) for v in c[: last + 1]]
        row[-1].colspan = NCOLS - last  # type: ignore[union-attr]
        b.rows.append(row + [None] * (NCOLS - 1 - last))
    return b


def _indicator_block(table: TableRecord) -> Block:
    """The indicator section as the printed form lays it out: 一级 and 二级 cells span their group."""
    b = Block(rows=[[Cell(x) for x in ("一级目标", "二级目标", "三级目标", "指标目标值")]])
    inds = table.indicators
    for n, i in enumerate(inds):
        row: list[Cell | None] = []
        for col, key in ((0, (i.l1,)), (1, (i.l1, i.l2))):
            def same(j: int, col: int = col, key: tuple = key) -> bool:
                return (inds[j].l1,) == key if col == 0 else (inds[j].l1, inds[j].l2) == key
            if n and same(n - 1):
                row.append(None)
                continue
            k = n + 1
            while k < len(inds) and same(k):
                k += 1
            row.append(Cell(key[-1] or "", rowspan=k - n))
        row += [Cell(i.name), Cell(i.target.raw if i.target else "")]
        b.rows.append(row)
    return b


def projects() -> list[Project]:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    parsed = {t.title: t for t in parse_file(SAMPLE).tables}
    starts = [i for i, x in enumerate(lines) if "财政项目支出绩效目标表" in x]
    out = []
    for n, s in enumerate(starts):
        chunk = lines[s: starts[n + 1] if n + 1 < len(starts) else len(lines)]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        heading = [_TAG.sub("", x).strip() for x in chunk[:3]]
        rest = chunk[3:]
        title = next(_cells(x)[1] for x in rest if x.startswith("项目名称"))
        blocks: list[tuple[str | None, Block]] = []
        caption: str | None = None
        cur: list[str] = []
        for x in rest:
            plain = _TAG.sub("", x).strip()
            if x.startswith("## "):
                break  # the indicator section is laid out from the text path's reading of it
            if plain == "本项目上年度市级财政资金使用情况":
                if cur:
                    blocks.append((caption, _block(cur)))
                caption, cur = plain, []
            elif x.strip():
                cur.append(x)
        blocks.append((caption, _block(cur)))
        blocks.append(("2020年绩效目标", _indicator_block(parsed[title])))
        out.append(Project(title, heading, blocks))
    return out


# --- HTML -----------------------------------------------------------------------------------

def _cell_html(c: Cell, tag: str = "td") -> str:
    attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
    text = html.escape(c.text)
    # long lists are written one item a line, as offices paste them: <br> and <p> inside the cell
    parts = re.split(r"(?<=；)(?=\d+、)", text)
    if len(parts) > 2:
        text = "<br>".join(parts[:2]) + "".join(f"<p>{p}</p>" for p in parts[2:])
    if c.bold:
        text = f"<b>{text}</b>"
    return f"<{tag}{attrs}>{text}</{tag}>"


def _table_html(b: Block) -> str:
    rows = []
    for row in b.rows:
        cells = "".join(_cell_html(c) for c in row if c is not None)
        rows.append(f"<tr>{cells}</tr>")
    return '<table border="1" cellspacing="0" cellpadding="2">\n' + "\n".join(rows) + "\n</table>"


def page_html(ps: list[Project]) -> str:
    body = []
    for p in ps:
        body.append(f"<h3>{html.escape(p.heading[0])}</h3>")
        body += [f"<p>{html.escape(x)}</p>" for x in p.heading[1:]]
        for caption, b in p.blocks:
            if caption:
                body.append(f"<p><b>{html.escape(caption)}</b></p>")
            body.append(_table_html(b))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>2020年部门预算项目绩效目标公开</title>
<style>table{{border-collapse:collapse}} td{{vertical-align:top}}</style></head>
<body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xxgk/">信息公开</a></li>
<li><a href="/zcwj/">政策文件</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; 财政预决算</div>
<table class="layout" width="100%"><tr><td>
<div class="article">
{chr(10).join(body)}
</div>
</td></tr></table>
<div class="footer"><p>主办单位：上海市人才服务中心　　联系电话：021-00000000</p><p>沪ICP备00000000号</p></div>
</body></html>
"""


def word_html(ps: list[Project]) -> str:
    body = []
    for n, p in enumerate(ps, start=1):
        body.append(f"<h1>{n}. {html.escape(p.title)}</h1>")  # the heading that names the project
        body.append(f"<h2>{html.escape(p.heading[0])}</h2>")
        body += [f"<p>{html.escape(x)}</p>" for x in p.heading[1:]]
        for caption, b in p.blocks:
            if caption:
                body.append(f"<p><b>{html.escape(caption)}</b></p>")
            body.append(_table_html(b))
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>绩效目标表</title></head><body>\n'
            + "\n".join(body) + "\n</body></html>\n")


# --- flat ODS ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _ods_cell(c: Cell) -> str:
    span = (f' table:number-rows-spanned="{c.rowspan}"' if c.rowspan > 1 else "") + \
           (f' table:number-columns-spanned="{c.colspan}"' if c.colspan > 1 else "")
    t = c.text.strip()
    if _NUMBER.match(t):
        v = t.replace(",", "")
        style = "num2" if "." in v else "num0"
        return (f'<table:table-cell table:style-name="{style}" office:value-type="float" office:value="{v}"{span}>'
                f"<text:p>{t}</text:p></table:table-cell>")
    if _DATE.match(t):
        return (f'<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{t}"{span}>'
                f"<text:p>{t}</text:p></table:table-cell>")
    paras = "".join(f"<text:p>{html.escape(x)}</text:p>" for x in c.text.split("\n")) if t else ""
    return f'<table:table-cell table:style-name="{"bold" if c.bold else "ruled"}" office:value-type="string"{span}>{paras}</table:table-cell>' \
        if t else f'<table:table-cell table:style-name="ruled"{span}/>'


def fods(ps: list[Project]) -> str:
    sheets = []
    for p in ps:
        rows = [[Cell(p.heading[0], colspan=NCOLS, bold=True), None, None, None]]
        rows += [[Cell(x, colspan=NCOLS), None, None, None] for x in p.heading[1:]]
        for caption, b in p.blocks:
            rows.append([None, None, None, None])  # the blank row between sections
            if caption:
                rows.append([Cell(caption, colspan=NCOLS, bold=True), None, None, None])
            rows += b.rows
        xml_rows = []
        for row in rows:
            cells = "".join(_ods_cell(c) if c is not None else "<table:covered-table-cell/>" for c in row)
            if all(c is None for c in row):
                cells = f'<table:table-cell table:number-columns-repeated="{NCOLS}"/>'
            xml_rows.append(f"<table:table-row>{cells}</table:table-row>")
        sheets.append(f'<table:table table:name="{html.escape(p.title[:31])}">'
                      '<table:table-column table:style-name="coA"/><table:table-column table:style-name="coB"/>'
                      '<table:table-column table:style-name="coC"/><table:table-column table:style-name="coD"/>'
                      + "".join(xml_rows) + "</table:table>")
    border = 'fo:border="0.5pt solid #000000" fo:wrap-option="wrap" style:vertical-align="top"'
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <number:number-style style:name="N0"><number:number number:decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
 <number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
 <number:date-style style:name="D1"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
 <style:style style:name="coA" style:family="table-column"><style:table-column-properties style:column-width="3.2cm"/></style:style>
 <style:style style:name="coB" style:family="table-column"><style:table-column-properties style:column-width="3.6cm"/></style:style>
 <style:style style:name="coC" style:family="table-column"><style:table-column-properties style:column-width="6.2cm"/></style:style>
 <style:style style:name="coD" style:family="table-column"><style:table-column-properties style:column-width="4.0cm"/></style:style>
 <style:style style:name="ruled" style:family="table-cell"><style:table-cell-properties {border}/></style:style>
 <style:style style:name="bold" style:family="table-cell"><style:table-cell-properties {border}/><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="num0" style:family="table-cell" style:data-style-name="N0"><style:table-cell-properties {border}/></style:style>
 <style:style style:name="num2" style:family="table-cell" style:data-style-name="N2"><style:table-cell-properties {border}/></style:style>
 <style:style style:name="date" style:family="table-cell" style:data-style-name="D1"><style:table-cell-properties {border}/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
{chr(10).join(sheets)}
</office:spreadsheet></office:body></office:document>
"""


def csv_gbk(ps: list[Project]) -> bytes:
    """The first project's sheet as Excel saves CSV: merged cells empty below their first row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    p = ps[0]
    for x in p.heading:
        w.writerow([x, "", "", ""])
    for caption, b in p.blocks:
        w.writerow(["", "", "", ""])
        if caption:
            w.writerow([caption, "", "", ""])
        for row in b.rows:
            w.writerow([c.text if c is not None else "" for c in row])
    return buf.getvalue().encode("gbk")


def _keep_rows_whole(path: Path) -> None:
    """Untick Word's "allow row to break across pages", as forms have it: a row cut by a page
    break would reach the PDF as two rows (see docs/ingest.md, Formats)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document(str(path))
    for table in d.tables:
        for row in table.rows:
            tr_pr = row._tr.get_or_add_trPr()
            if tr_pr.find(qn("w:cantSplit")) is None:
                tr_pr.append(OxmlElement("w:cantSplit"))
    d.save(str(path))


def _scan(pdf: Path, out: Path) -> None:
    """A scanner's PDF: the first two pages as grey images, no text layer."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        images = [p.to_image(resolution=50).original.convert("L") for p in doc.pages[:2]]
    images[0].save(out, "PDF", resolution=50, save_all=True, append_images=images[1:])


def _soffice(args: list[str], cwd: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", *args],
                       cwd=cwd, check=True, capture_output=True, timeout=600)


def build(out: Path = OUT) -> list[Path]:
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: run `make formats` (installs libreoffice-calc and libreoffice-writer)")
    out.mkdir(parents=True, exist_ok=True)
    ps = projects()
    (out / "sample.html").write_text(page_html(ps), encoding="utf-8")
    (out / "sample-word.html").write_text(word_html(ps), encoding="utf-8")
    (out / "sample-gbk.csv").write_bytes(csv_gbk(ps))
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "sample.fods").write_text(fods(ps), encoding="utf-8")
        _soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", "sample.fods"], t)
        _soffice(["--convert-to", "xls:MS Excel 97", "sample.fods"], t)
        shutil.copy(out / "sample-word.html", t / "sample.html")
        _soffice(["--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML", "sample.html"], t)
        _keep_rows_whole(t / "sample.docx")
        _soffice(["--convert-to", "pdf:writer_pdf_Export", "sample.docx"], t)
        shutil.copy(t / "sample.xlsx", out / "sample.xlsx")
        shutil.copy(t / "sample.xls", out / "sample.xls")
        shutil.copy(t / "sample.docx", out / "sample.docx")
        shutil.copy(t / "sample.pdf", out / "sample-docx.pdf")
        (t / "x").mkdir()
        _soffice(["--convert-to", "pdf:calc_pdf_Export", "--outdir", "x", "sample.xlsx"], t)
        shutil.copy(t / "x" / "sample.pdf", out / "sample-xlsx.pdf")
        # bad input made the same way: a PDF with an open password, and a scan (pages as images)
        shutil.copy(out / "sample-gbk.csv", t / "locked.csv")
        _soffice(["--infilter=Text - txt - csv (StarCalc):44,34,25", "--convert-to",
                  'pdf:calc_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
                  '"DocumentOpenPassword":{"type":"string","value":"jixiao"}}', "locked.csv"], t)
        shutil.copy(t / "locked.pdf", out / "encrypted.pdf")
    _scan(out / "sample-docx.pdf", out / "scanned.pdf")
    return sorted(out.iterdir())


# --- the real tables of tests/data/realdata --------------------------------------------------

REALDATA = ROOT / "tests" / "data" / "realdata" / "tables"


def real_page(path: Path) -> str | None:
    """A real table whose text export kept its cells (tab-separated) as the page it came
    from: its one-cell lines as paragraphs, each run of rows as a ruled <table>, a value
    followed only by empty cells spanning the rest of its row. None for a stream export
    (one cell per line): its grid is the interpretation's to rebuild, not a reader's."""
    from ingest.readers import read

    doc = read(path.read_bytes(), str(path))
    body = [r for r in doc.rows if not r.blank]
    if sum(r.layout == "tab" for r in body) < 0.5 * len(body):
        return None
    parts: list[str] = []
    run: list[list[str]] = []

    def flush() -> None:
        if not run:
            return
        width = max(len(c) for c in run)
        trs = []
        for cells in run:
            cells = cells + [""] * (width - len(cells))
            last = max((i for i, v in enumerate(cells) if v.strip()), default=0)
            tds = [Cell(v) for v in cells[: last + 1]]
            tds[-1].colspan = width - last
            trs.append("<tr>" + "".join(_cell_html(c) for c in tds) + "</tr>")
        parts.append('<table border="1" cellspacing="0" cellpadding="2">\n' + "\n".join(trs) + "\n</table>")
        run.clear()

    for r in doc.rows:
        if r.layout == "tab" and not r.blank:
            run.append([c.strip() for c in r.cells])
            continue
        flush()
        if not r.blank:
            parts.append(f"<p>{html.escape(r.text)}</p>")
    flush()
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>绩效目标表</title></head><body>\n'
            + "\n".join(parts) + "\n</body></html>\n")


def build_realdata(out: Path = OUT / "realdata") -> list[Path]:
    """Each real table kept as cells: the page (.html), opened in Calc (.xlsx) and in Writer
    (.docx), and the docx printed to PDF."""
    if not REALDATA.is_dir():
        sys.exit(f"{REALDATA} not found")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        names = []
        for f in sorted(REALDATA.glob("*.txt")):
            page = real_page(f)
            if page is None:
                continue
            names.append(f.stem)
            (out / f"{f.stem}.html").write_text(page, encoding="utf-8")
            (t / f"{f.stem}.html").write_text(page, encoding="utf-8")
        files = [f"{n}.html" for n in names]
        (t / "calc").mkdir()
        _soffice(["--infilter=HTML (StarCalc)", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", "calc",
                  *files], t)
        _soffice(["--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML", *files], t)
        for n in names:
            _keep_rows_whole(t / f"{n}.docx")
        _soffice(["--convert-to", "pdf:writer_pdf_Export", *[f"{n}.docx" for n in names]], t)
        for n in names:
            shutil.copy(t / "calc" / f"{n}.xlsx", out / f"{n}.xlsx")
            shutil.copy(t / f"{n}.docx", out / f"{n}.docx")
            shutil.copy(t / f"{n}.pdf", out / f"{n}.pdf")
    return sorted(out.iterdir())


if __name__ == "__main__":
    for f in build() + (build_realdata() if REALDATA.is_dir() else []):
        print(f"{f.relative_to(ROOT)}\t{f.stat().st_size}")
