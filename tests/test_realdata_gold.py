"""The hand-made gold of the real-table sets must match their files: tests/data/realdata_more (second set)
and tests/data/realdata_heldout (the held-out set, files 58+)."""
from __future__ import annotations

import importlib.util
import json
import re
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


HELDOUT = Path(__file__).resolve().parent / "data" / "realdata_heldout"


def _heldout_verifier():
    spec = importlib.util.spec_from_file_location("verify_gold_heldout", ROOT / "verify_gold.py")  # one checker for every set
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_heldout_gold_strings_are_in_their_files() -> None:
    """The held-out set (tests/data/realdata_heldout, files 58+): every gold string is in its file."""
    problems, counts = _heldout_verifier().verify(HELDOUT / "expected.json", HELDOUT / "tables")
    assert problems == []
    assert counts["files"] >= 10 and counts["rows"] >= 80
    entries = json.loads((HELDOUT / "expected.json").read_text(encoding="utf-8"))
    files = {e["file"] for e in entries}
    assert files == {p.name for p in (HELDOUT / "tables").glob("*.txt")}
    assert min(int(f.split("_", 1)[0]) for f in files) >= 58  # numbered after realdata_more (21-57)


def test_heldout_pages_are_not_in_the_development_sets() -> None:
    """No held-out file repeats a page (its URL) or a table text of realdata or realdata_more."""
    sources = (HELDOUT / "SOURCES.md").read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[^\s)|`]+", sources.split("## Files", 1)[1]))
    assert len(urls) >= 10
    dev = [ROOT, ROOT.parent / "realdata"]
    dev_sources = "".join((d / "SOURCES.md").read_text(encoding="utf-8") for d in dev if (d / "SOURCES.md").exists())
    assert not {u for u in urls if u in dev_sources}
    dev_texts = {re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for d in dev for p in (d / "tables").glob("*.txt")}
    for p in (HELDOUT / "tables").glob("*.txt"):
        assert re.sub(r"\s+", "", p.read_text(encoding="utf-8")) not in dev_texts, p.name


def test_verifier_takes_a_directory(tmp_path: Path) -> None:
    module = _heldout_verifier()
    assert module.main([str(HELDOUT)]) == 0
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "99_x.txt").write_text("产出指标 数量指标 甲 ≥1个\n", encoding="utf-8")
    (tmp_path / "expected.json").write_text(json.dumps([{
        "file": "99_x.txt", "project_name": None, "unit": None, "year": None, "legal_basis_doc_numbers": [],
        "doc_type": "t", "truncated": False, "ignored_rows": [], "notes": "",
        "indicators": [{"l1": "产出指标", "l2": "数量指标", "name": "乙", "target": "≥1个", "l2_std": "数量指标"}]}],
        ensure_ascii=False), encoding="utf-8")
    assert module.main([str(tmp_path)]) == 1


def _accuracy():
    import sys
    sys.path.insert(0, str(ROOT.parents[2] / "benchmarks"))
    import accuracy
    return accuracy


def test_benchmarks_section_gives_heldout_totals_but_not_its_rows(tmp_path: Path) -> None:
    acc = _accuracy()
    dev = acc.FileScore("21_dev.txt", rows=1, right=0, wrong=["missing   开发集的行 = 1"])
    held = acc.FileScore("58_held.txt", rows=4, right=3, wrong=["missing   留出集的行 = 2"])
    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n", encoding="utf-8")
    sets = [(acc.DEFAULT_DIRS[1], [dev]), (acc.HELDOUT_DIRS[0], [held])]
    acc._rewrite_section(md, sets)
    text = md.read_text(encoding="utf-8")
    assert "开发集的行" in text and "留出集的行" not in text
    assert "| `tests/data/realdata_heldout` | 1 | 3/4 (75.0%)" in text
    acc._rewrite_section(md, sets, heldout_rows=True)
    assert "留出集的行" in md.read_text(encoding="utf-8")
    assert acc.is_heldout(acc.HELDOUT_DIRS[0]) and not acc.is_heldout(acc.DEFAULT_DIRS[0])


def test_a_row_without_a_printed_second_level_is_right_without_one() -> None:
    acc = _accuracy()
    no_l2 = {"l2": None, "l2_std": None}
    assert acc.l2_right(no_l2, None) and acc.l2_right(no_l2, " ")
    assert not acc.l2_right(no_l2, "数量指标")  # a 二级 the table does not print is invented
    printed = {"l2": "数量 指标", "l2_std": "数量指标"}
    assert acc.l2_right(printed, "数量指标") and not acc.l2_right(printed, None)


RESERVE = Path(__file__).resolve().parent / "data" / "realdata_reserve"


def _squashed_texts(d: Path) -> dict[str, str]:
    return {p.name: re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in (d / "tables").glob("*.txt")}


def _source_urls(d: Path) -> set[str]:
    text = (d / "SOURCES.md").read_text(encoding="utf-8")
    return set(re.findall(r"https?://[^\s)|`]+", text.split("## Files", 1)[-1]))


def test_reserve_gold_strings_are_in_their_files() -> None:
    """The reserve set (tests/data/realdata_reserve, files 100+): every gold string is in its file."""
    problems, counts = _verifier().verify(RESERVE / "expected.json", RESERVE / "tables")
    assert problems == []
    assert counts["files"] >= 15 and counts["rows"] >= 80 and counts["negatives"] >= 1
    entries = json.loads((RESERVE / "expected.json").read_text(encoding="utf-8"))
    assert {e["file"] for e in entries} == {p.name for p in (RESERVE / "tables").glob("*.txt")}
    assert min(int(e["file"].split("_", 1)[0]) for e in entries) >= 100  # numbered after the held-out set
    assert all(e["indicators"] == [] for e in entries if e.get("negative"))


def test_reserve_pages_are_not_in_the_other_sets() -> None:
    """No reserve file repeats a page (URL) or a text of realdata, realdata_more or realdata_heldout."""
    urls = _source_urls(RESERVE)
    assert len(urls) >= 12
    others = [ROOT.parent / "realdata", ROOT, HELDOUT]
    other_sources = "".join((d / "SOURCES.md").read_text(encoding="utf-8") for d in others if (d / "SOURCES.md").exists())
    assert not {u for u in urls if u in other_sources}
    other_texts = [t for d in others for t in _squashed_texts(d).values()]
    for name, text in _squashed_texts(RESERVE).items():
        for other in other_texts:
            assert text != other and text not in other and other not in text, name


def test_benchmarks_section_gives_reserve_totals_but_not_its_rows(tmp_path: Path) -> None:
    acc = _accuracy()
    dev = acc.FileScore("21_dev.txt", rows=1, right=0, wrong=["missing   开发集的行 = 1"])
    kept = acc.FileScore("100_reserve.txt", rows=2, right=1, wrong=["missing   保留集的行 = 2"])
    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n", encoding="utf-8")
    sets = [(acc.DEFAULT_DIRS[1], [dev]), (acc.RESERVE_DIRS[0], [kept])]
    acc._rewrite_section(md, sets)
    text = md.read_text(encoding="utf-8")
    assert "开发集的行" in text and "保留集的行" not in text
    assert "| `tests/data/realdata_reserve` | 1 | 1/2 (50.0%)" in text
    acc._rewrite_section(md, sets, heldout_rows=True)  # the held-out flag does not show reserve rows
    assert "保留集的行" not in md.read_text(encoding="utf-8")
    acc._rewrite_section(md, sets, reserve_rows=True)
    assert "保留集的行" in md.read_text(encoding="utf-8")
    assert acc.is_reserve(acc.RESERVE_DIRS[0]) and not acc.is_heldout(acc.RESERVE_DIRS[0])
    assert acc.rows_hidden(acc.RESERVE_DIRS[0]) and not acc.rows_hidden(acc.RESERVE_DIRS[0], reserve_rows=True)
    assert not acc.rows_hidden(acc.DEFAULT_DIRS[0])
    assert acc.RESERVE_DIRS[0] in acc.SETS["all"] and acc.SETS["reserve"] == acc.RESERVE_DIRS


FRESH = Path(__file__).resolve().parent / "data" / "realdata_fresh"


def test_fresh_gold_strings_are_in_their_files() -> None:
    """The fresh set (tests/data/realdata_fresh, files 120+): every gold string is in its file."""
    problems, counts = _verifier().verify(FRESH / "expected.json", FRESH / "tables")
    assert problems == []
    assert counts["files"] >= 24 and counts["rows"] >= 125 and counts["negatives"] >= 1
    entries = json.loads((FRESH / "expected.json").read_text(encoding="utf-8"))
    assert {e["file"] for e in entries} == {p.name for p in (FRESH / "tables").glob("*.txt")}
    assert min(int(e["file"].split("_", 1)[0]) for e in entries) >= 120  # numbered after the reserve set
    assert all(e["indicators"] == [] for e in entries if e.get("negative"))


def test_fresh_pages_are_not_in_the_other_sets() -> None:
    """No fresh file repeats a page (URL) or a text of realdata, realdata_more, realdata_heldout or realdata_reserve."""
    urls = _source_urls(FRESH)
    assert len(urls) >= 8
    others = [ROOT.parent / "realdata", ROOT, HELDOUT, RESERVE]
    other_sources = "".join((d / "SOURCES.md").read_text(encoding="utf-8") for d in others if (d / "SOURCES.md").exists())
    assert not {u for u in urls if u in other_sources}
    other_texts = [t for d in others for t in _squashed_texts(d).values()]
    for name, text in _squashed_texts(FRESH).items():
        for other in other_texts:
            assert text != other and text not in other and other not in text, name


SIXTH = Path(__file__).resolve().parent / "data" / "realdata_sixth"


def test_sixth_gold_strings_are_in_their_files() -> None:
    """The sixth set (tests/data/realdata_sixth, files 150+): every gold string is in its file."""
    problems, counts = _verifier().verify(SIXTH / "expected.json", SIXTH / "tables")
    assert problems == []
    assert counts["files"] >= 21 and counts["rows"] >= 107 and counts["negatives"] >= 1
    entries = json.loads((SIXTH / "expected.json").read_text(encoding="utf-8"))
    assert {e["file"] for e in entries} == {p.name for p in (SIXTH / "tables").glob("*.txt")}
    assert min(int(e["file"].split("_", 1)[0]) for e in entries) >= 150  # numbered after the fresh set
    assert all(e["indicators"] == [] for e in entries if e.get("negative"))


def test_sixth_pages_are_not_in_the_other_sets() -> None:
    """No sixth-set file repeats a page (URL) or a text of realdata, realdata_more, realdata_heldout, realdata_reserve or realdata_fresh."""
    urls = _source_urls(SIXTH)
    assert len(urls) >= 15
    others = [ROOT.parent / "realdata", ROOT, HELDOUT, RESERVE, FRESH]
    other_sources = "".join((d / "SOURCES.md").read_text(encoding="utf-8") for d in others if (d / "SOURCES.md").exists())
    assert not {u for u in urls if u in other_sources}
    other_texts = [t for d in others for t in _squashed_texts(d).values()]
    for name, text in _squashed_texts(SIXTH).items():
        for other in other_texts:
            assert text != other and text not in other and other not in text, name


SEVENTH = Path(__file__).resolve().parent / "data" / "realdata_seventh"


def test_seventh_gold_strings_are_in_their_files() -> None:
    """The seventh set (tests/data/realdata_seventh, files 180+): every gold string is in its file."""
    problems, counts = _verifier().verify(SEVENTH / "expected.json", SEVENTH / "tables")
    assert problems == []
    assert counts["files"] >= 10 and counts["rows"] >= 80 and counts["negatives"] >= 1
    entries = json.loads((SEVENTH / "expected.json").read_text(encoding="utf-8"))
    assert {e["file"] for e in entries} == {p.name for p in (SEVENTH / "tables").glob("*.txt")}
    assert min(int(e["file"].split("_", 1)[0]) for e in entries) >= 180  # numbered after the sixth set
    assert all(e["indicators"] == [] for e in entries if e.get("negative"))


def test_seventh_pages_are_not_in_the_other_sets() -> None:
    """No seventh-set file repeats a page (URL) or a text of realdata, realdata_more, realdata_heldout, realdata_reserve, realdata_fresh or realdata_sixth."""
    urls = _source_urls(SEVENTH)
    assert len(urls) >= 10
    others = [ROOT.parent / "realdata", ROOT, HELDOUT, RESERVE, FRESH, SIXTH]
    other_sources = "".join((d / "SOURCES.md").read_text(encoding="utf-8") for d in others if (d / "SOURCES.md").exists())
    assert not {u for u in urls if u in other_sources}
    other_texts = [t for d in others for t in _squashed_texts(d).values()]
    for name, text in _squashed_texts(SEVENTH).items():
        for other in other_texts:
            assert text != other and text not in other and other not in text, name
