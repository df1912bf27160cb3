"""Small pure helpers of the web face: document numbers as typed, readable SPARQL errors,
page links, 是/否."""
from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from api.server.doc_numbers import canonical_doc_number, fields_citing
from api.server.links import Links
from api.server.render import prefixed, yes_no
from api.server.sparql_messages import error_position, readable_error


@pytest.mark.parametrize("typed", ["沪委办发〔2018〕12号", "沪委办发[2018]12号", "沪委办发（2018）12号", "沪委办发(2018)12号",
                                   " 沪委办发 [2018] 12 号 ", "沪委办发［２０１８］１２号", "沪委办发〔18〕12号",
                                   "《沪委办发[2018]12号》"])
def test_doc_number_as_typed(typed):
    assert canonical_doc_number(typed) == "沪委办发〔2018〕12号"


@pytest.mark.parametrize("text", ["满意度", "", "根据沪委办发[2018]12号和沪人服〔2016〕1号", "2018年12号楼"])
def test_not_a_doc_number(text):
    assert canonical_doc_number(text) is None


def test_fields_citing_reads_every_written_form():
    fields = {"保证项目实施的制度、措施": ["严格执行《规定》（沪委办发[2018]12号）等"], "项目概况": ["无"]}
    assert fields_citing(fields, "沪委办发〔2018〕12号", None) == ["保证项目实施的制度、措施"]
    assert fields_citing(fields, "沪人服〔2016〕1号", None) == []


def test_links_encode_once_and_round_trip():
    links = Links()
    iri = links.base + "doc/" + quote("沪委办发〔2018〕12号", safe="")
    key = links.key(iri)
    assert "%25" not in key and links.iri(unquote(key)) == iri
    odd = links.base + "doc/" + quote("a/b%c", safe="")  # an escaped / and % survive the server's decoding
    assert links.iri(unquote(links.key(odd))) == odd
    twice = quote(iri[len(links.base):], safe="/-_.~")  # the links of earlier versions
    assert links.iri(unquote(twice)) == iri


def test_readable_sparql_error():
    raw = ("SPARQL error: error at 1:35: expected one of Prefix not found, ['%'], "
           "['-' | '0' ..= '9' | '\\u{00B7}' | '\\u{0300}'..='\\u{036F}'], ['.'], [':'], ['_']")
    text = readable_error(raw, "SELECT ?x WHERE { ?x a foo:Project }")
    assert text.splitlines()[0] == ("SPARQL error: syntax error at line 1, column 35: prefix not found "
                                    "(undeclared prefix? the known ones are listed on the SPARQL page)")
    assert text.splitlines()[2].index("^") == 2 + 34
    assert error_position(raw) == (1, 35)
    keywords = readable_error("SPARQL error: error at 2:3: expected one of ABS, AVG, MD5, [_]", "a\nbcd")
    assert "expected one of ABS, AVG, MD5" in keywords and "[_]" not in keywords
    assert readable_error("query failed: disk") == "query failed: disk"


def test_yes_no_and_prefixed():
    assert [yes_no(True), yes_no("False"), yes_no("true", "http://www.w3.org/2001/XMLSchema#boolean")] == ["是", "否", "是"]
    assert yes_no("true") == "true" and yes_no("沪委办发") == "沪委办发"
    assert prefixed("https://w3id.org/jixiao/ontology#Project") == "jx:Project"
    assert prefixed("https://example.org/x") == "https://example.org/x"


def test_yasgui_is_vendored_with_its_licence_and_documented():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    static = root / "api" / "static"
    licence = (static / "yasgui-LICENSE.txt").read_text(encoding="utf-8")
    assert "@zazuko/yasgui 4.6.2" in licence and "MIT License" in licence
    assert "@zazuko/yasgui 4.6.2 (MIT)" in (root / "docs" / "api.md").read_text(encoding="utf-8")
    for name in ("yasgui.min.js", "yasgui.min.css"):
        text = (static / name).read_text(encoding="utf-8")
        assert len(text) > 10_000 and "sourceMappingURL" not in text
    page = (root / "api" / "templates" / "sparql.html").read_text(encoding="utf-8")
    assert "/static/yasgui.min.js" in page and "//cdn" not in page and "https://" not in page
