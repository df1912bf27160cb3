"""The synthetic corpus generator (benchmarks/synth.py): deterministic, and its truth.json
says what the written files hold, so parser accuracy measured against it is meaningful."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

_SPEC = importlib.util.spec_from_file_location("synth", Path(__file__).parents[1] / "benchmarks" / "synth.py")
assert _SPEC and _SPEC.loader
synth = importlib.util.module_from_spec(_SPEC)
sys.modules["synth"] = synth  # dataclasses look their module up by name
_SPEC.loader.exec_module(synth)

TABLE_KEYS = {"title", "unit", "year", "category", "start", "end", "gov_purchase", "performance_type", "budget",
              "text_fields", "legal_bases", "other_cited_documents", "indicators", "warnings", "lines"}
CANONICAL = re.compile(r"^(.+)〔(\d{4})〕(\d+)号$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("synth")
    truth = synth.generate(40, seed=7, out=out, defect_rate=0.3, tables_per_file=4)
    return out, truth


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n").split("\n")


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    a = synth.generate(12, seed=3, out=tmp_path / "a", defect_rate=0.2, path_prefix="c")
    b = synth.generate(12, seed=3, out=tmp_path / "b", defect_rate=0.2, path_prefix="c")
    c = synth.generate(12, seed=4, out=tmp_path / "c", defect_rate=0.2, path_prefix="c")
    assert a == b
    assert a != c
    for f in sorted((tmp_path / "a").glob("*.txt")):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()
    # A smaller corpus is a prefix of a larger one (same seed, same tables per file).
    small = synth.generate(8, seed=3, out=tmp_path / "s", defect_rate=0.2, path_prefix="c")
    assert small["sources"] == a["sources"][:2]


def test_truth_has_the_parse_contract_shape(corpus: tuple[Path, dict[str, Any]]) -> None:
    out, truth = corpus
    assert json.loads((out / "truth.json").read_text(encoding="utf-8")) == truth
    assert sum(len(s["tables"]) for s in truth["sources"]) == 40
    for s in truth["sources"]:
        assert set(s) == {"path", "encoding", "sha256", "tables", "errors"}
        assert s["sha256"] == hashlib.sha256((out / Path(s["path"]).name).read_bytes()).hexdigest()
        for t in s["tables"]:
            assert TABLE_KEYS <= set(t)
            assert set(t["budget"]) == {"total", "current_year", "prev_year_budget", "prev_year_executed"}
            for ind in t["indicators"]:
                assert {"l1", "l2", "name", "target", "line"} <= set(ind)
                if ind["target"] is not None:
                    assert set(ind["target"]) == {"raw", "op", "value", "unit", "qualitative"}
                    assert ind["target"]["op"] in ("=", "≥", "≤", ">", "<", None)


def test_truth_matches_the_written_lines(corpus: tuple[Path, dict[str, Any]]) -> None:
    out, truth = corpus
    titles: dict[str, str] = {}
    for s in truth["sources"]:
        lines = _lines(out / Path(s["path"]).name)
        for t in s["tables"]:
            first, last = t["lines"]
            assert "财政项目支出绩效目标表" in lines[first - 1]
            assert lines[last - 1].strip()
            header = next(i for i in range(first, last) if lines[i - 1].startswith(("一级目标", "一级指标")))
            rows = [n for n in range(header + 1, last + 1) if lines[n - 1].strip()]
            # every non-blank line of the indicator table is exactly one indicator, in order
            assert rows == [i["line"] for i in t["indicators"]]
            for ind in t["indicators"]:
                cells = [c.strip() for c in lines[ind["line"] - 1].split("\t") if c.strip()]
                assert ind["name"] in cells
                written = None
                if ind["target"] is not None:
                    written = ind["target"]["raw"].replace("m²", "m <sup>2</sup>")
                    assert written in cells
                # nothing else on the row: only its labels, its name, its target
                assert set(cells) <= {ind["l1"], ind["l2"], ind["name"], written}
            missing = [i["line"] for i in t["indicators"] if i["target"] is None]
            assert missing == [w["line"] for w in t["warnings"] if w["code"] == "missing-target"]
            budget_text = "\n".join(lines[first - 1:last])
            assert f"\t{t['budget']['total']:,}" in budget_text
            # 立项依据 and its continuation lines, up to the next field
            start = next(i for i in range(first, last) if lines[i - 1].startswith("立项依据"))
            stop = next(i for i in range(start + 1, last) if lines[i - 1].startswith("项目设立的必要性"))
            basis = "".join(lines[start - 1:stop - 1])
            for ref in t["legal_bases"]:
                assert f"《{ref['title']}》" in basis
                if ref["doc_number"] is None:
                    assert ref["doc_number_raw"] is None and ref["year"] is None
                    continue
                assert ref["doc_number_raw"] in basis
                m = CANONICAL.match(ref["doc_number"])
                assert m and (m[1], int(m[2]), int(m[3])) == (ref["issuer_code"], ref["year"], ref["serial"])
                assert titles.setdefault(ref["doc_number"], ref["title"]) == ref["title"]
            text = "".join(lines[first - 1:last])
            for ref in t["other_cited_documents"]:
                assert ref["doc_number"] and ref["doc_number_raw"] in text


def test_defects_are_injected_and_listed(corpus: tuple[Path, dict[str, Any]]) -> None:
    out, _ = corpus
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kinds = set(manifest["defect_counts"])
    assert {"drop-tab", "extra-tab", "missing-target", "blank-line", "fullwidth-digits"} <= kinds
    for f in manifest["defects"]:
        lines = _lines(out / Path(f["path"]).name)
        raw = (out / Path(f["path"]).name).read_bytes()
        for d in f["defects"]:
            if d["kind"] == "crlf":
                assert b"\r\n" in raw
            elif d["kind"] == "drop-tab":
                assert lines[d["line"] - 1].endswith("\t")
            elif d["kind"] == "extra-tab":
                assert lines[d["line"] - 1].count("\t") == 4
            elif d["kind"] == "blank-line":
                assert lines[d["line"] - 2] == ""
            elif d["kind"] == "html-bold":
                assert lines[d["line"] - 1].startswith("<b>")
            elif d["kind"] == "fullwidth-digits":
                assert re.search("[０-９]", lines[d["line"] - 1])


def test_clean_corpus_has_no_defects(tmp_path: Path) -> None:
    synth.generate(8, seed=1, out=tmp_path, defect_rate=0.0)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["defect_counts"] == {}
