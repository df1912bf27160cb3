"""The second real-table set (tests/data/realdata_more): its hand-made gold must match its files."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "data" / "realdata_more"


def _verifier():
    spec = importlib.util.spec_from_file_location("verify_gold", ROOT / "verify_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_gold_string_is_in_its_file() -> None:
    problems, counts = _verifier().verify()
    assert problems == []
    assert counts["files"] >= 33
    assert counts["negatives"] >= 2
    assert counts["main_rows"] >= 150


def test_negative_pages_and_supplementary_flags() -> None:
    entries = json.loads((ROOT / "expected.json").read_text(encoding="utf-8"))
    negatives = [e for e in entries if e.get("negative")]
    assert negatives and all(e["indicators"] == [] for e in negatives)
    files = {e["file"] for e in entries}
    assert files == {p.name for p in (ROOT / "tables").glob("*.txt")}


def test_verifier_reports_a_wrong_gold_row(tmp_path: Path) -> None:
    entries = json.loads((ROOT / "expected.json").read_text(encoding="utf-8"))
    first = next(e for e in entries if e["indicators"])
    first["indicators"][0]["target"] = first["indicators"][0]["target"] + "不存在"
    first["indicators"][-1]["name"] = "这一行并不在文件里"
    broken = tmp_path / "expected.json"
    broken.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    problems, _ = _verifier().verify(broken, ROOT / "tables")
    assert any("target" in p and first["file"] in p for p in problems)
    assert any("这一行并不在文件里" in p for p in problems)


def test_verifier_reports_rows_out_of_source_order(tmp_path: Path) -> None:
    entries = json.loads((ROOT / "expected.json").read_text(encoding="utf-8"))
    entry = next(e for e in entries if len(e["indicators"]) >= 3)
    entry["indicators"].reverse()
    broken = tmp_path / "expected.json"
    broken.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    problems, _ = _verifier().verify(broken, ROOT / "tables")
    assert any("out of source order" in p for p in problems)
