"""The four real tables shipped in data/samples: the issue's done-criteria."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import parse_file

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "shanghai-rencai-2020.txt"


@pytest.fixture(scope="module")
def source():
    return parse_file(SAMPLE)


def test_four_tables_and_200_indicators(source):
    assert source.errors == []
    assert len(source.tables) == 4
    assert sum(len(t.indicators) for t in source.tables) == 200
    for t in source.tables:
        assert t.unit == "上海市人才服务中心" and t.year == 2020
        assert t.start == "2020-01-01" and t.end == "2020-12-31" and t.gov_purchase is False
        # every row has both labels and a name; positions are 1..n in source order
        assert all(i.l1 and i.l2 and i.name for i in t.indicators)
        assert [i.position for i in t.indicators] == list(range(1, len(t.indicators) + 1))
        lines = [i.line for i in t.indicators]
        assert lines == sorted(lines) and len(set(lines)) == len(lines)


def test_budgets_are_exact(source):
    budgets = {t.title: t.budget for t in source.tables}
    b = budgets["高峰人才及其团队服务专项"]
    assert (b.total, b.current_year, b.prev_year_budget, b.prev_year_executed) == (9900000, 9900000, 4872000, 4872000)
    b = budgets["公共服务专项经费"]
    assert (b.total, b.prev_year_budget) == (11100000, 6601390)


def test_legal_bases_normalized(source):
    by_title = {t.title: t for t in source.tables}
    numbers = {t.title: [r.doc_number for r in t.legal_bases] for t in source.tables}
    assert numbers["高峰人才及其团队服务专项"] == ["沪委办发〔2018〕12号"]
    assert numbers["人才公寓管理维护专项"] == ["沪计教〔1987〕549号", "沪计投〔1988〕149号", "沪人〔1991〕172号"]
    first = by_title["人才公寓管理维护专项"].legal_bases[0]
    assert first.doc_number_raw == "沪计教（87）第549号" and (first.issuer_code, first.year, first.serial) == ("沪计教", 1987, 549)
    laws = by_title["人才大厦管理维护专项"].legal_bases
    assert len(laws) == 14 and laws[0].title == "中华人民共和国消防法" and laws[0].doc_number is None
    assert "沪人服〔2016〕1号" in [r.doc_number for r in laws]
    assert "沪人服〔2016〕1号" in [r.doc_number for r in by_title["公共服务专项经费"].other_cited_documents]
    assert len(by_title["公共服务专项经费"].legal_bases) == 7


def test_every_numeric_target_is_interpreted(source):
    for t in source.tables:
        for i in t.indicators:
            if i.target is None:
                continue
            assert i.target.raw
            if i.target.raw[0] in "=≥≤<>":
                assert i.target.op is not None and i.target.value is not None
            else:
                assert i.target.qualitative == i.target.raw
    units = {i.target.unit for t in source.tables for i in t.indicators if i.target and i.target.unit}
    assert "m²" in units and not any("<" in u for u in units)


def test_missing_targets_are_null_with_warning(source):
    missing = [(t, i) for t in source.tables for i in t.indicators if i.target is None]
    assert missing, "the sample has rows without a target"
    for t, i in missing:
        assert any(w.code == "missing-target" and w.line == i.line for w in t.warnings)


def test_cli_parse_json_contract(tmp_path):
    out = subprocess.run([sys.executable, "-m", "api.cli", "parse", str(SAMPLE), "--format", "json"],
                         capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    src = doc["sources"][0]
    assert set(src) >= {"path", "encoding", "sha256", "tables", "errors"}
    t = src["tables"][0]
    assert set(t) >= {"title", "unit", "year", "category", "start", "end", "gov_purchase", "performance_type",
                      "budget", "text_fields", "legal_bases", "other_cited_documents", "indicators", "warnings", "lines"}
    ind = t["indicators"][0]
    assert set(ind) >= {"l1", "l2", "name", "target", "line"}
    assert set(ind["target"]) >= {"raw", "op", "value", "unit", "qualitative"}
    assert set(t["budget"]) == {"total", "current_year", "prev_year_budget", "prev_year_executed"}
