"""Limits on the work one file can cause (issue #13): beyond a limit that file gets a clear
error naming it, its line and the limit; nothing from it is stored; the other files are."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.limits import IngestLimits
from ingest.pipeline import parse_file
from tests.tablegen import ROWS, table_text

ROOT = Path(__file__).resolve().parents[1]
ROW = "\t".join(["产出目标", "数量", "培训场次", "=12场"])


def _bomb(path: Path, copies: int) -> Path:
    """One table header, then ``copies`` copies of one indicator row (the issue's file)."""
    with path.open("w", encoding="utf-8") as f:
        f.write(table_text(rows=ROWS[:1]) + "\n")
        f.write((ROW + "\n") * copies)
    return path


def test_a_table_of_thirty_thousand_rows_is_refused_with_its_line(tmp_path):
    src = parse_file(_bomb(tmp_path / "long.txt", 30_000))
    assert src.tables == []
    (err,) = src.errors
    assert err["code"] == "table-too-long" and err["line"] == 1
    assert str(tmp_path / "long.txt") in err["message"] and "1,000" in err["message"]
    assert "JIXIAO_MAX_TABLE_ROWS" in err["message"]


def test_the_500k_row_file_is_refused_early_and_small(tmp_path):
    path = _bomb(tmp_path / "bomb.txt", 500_000)
    assert path.stat().st_size > 10_000_000
    started = time.monotonic()
    src = parse_file(path)
    assert time.monotonic() - started < 60  # refused after counting lines, not after reading rows
    assert src.tables == [] and [e["code"] for e in src.errors] == ["too-many-lines"]
    assert "300,000" in src.errors[0]["message"]


def test_limits_are_configurable(tmp_path, monkeypatch):
    path = tmp_path / "t.txt"
    path.write_text("\n".join(table_text(title=f"项目{k}") for k in range(3)), encoding="utf-8")
    assert len(parse_file(path).tables) == 3
    monkeypatch.setenv("JIXIAO_MAX_FILE_TABLES", "2")
    src = parse_file(path)
    assert src.tables == [] and src.errors[0]["code"] == "too-many-tables"
    monkeypatch.delenv("JIXIAO_MAX_FILE_TABLES")
    src = parse_file(path, IngestLimits(max_indicators=2 * len(ROWS)))
    assert src.tables == [] and src.errors[0]["code"] == "too-many-indicators"
    assert src.errors[0]["line"] is not None
    monkeypatch.setenv("JIXIAO_MAX_TABLE_ROWS", "ten")
    with pytest.raises(ValueError, match="JIXIAO_MAX_TABLE_ROWS"):
        IngestLimits.from_env()


def test_real_sized_tables_are_far_below_the_limits():
    samples = sorted((ROOT / "data" / "samples").glob("*.txt"))
    assert samples
    limits = IngestLimits()
    for p in samples:
        src = parse_file(p, limits)
        assert src.tables and not [e for e in src.errors if e["code"].startswith("too-")], (p, src.errors)


@pytest.mark.slow
def test_a_bomb_among_good_files_loses_nothing_else_and_memory_stays_bounded(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(table_text(title="好项目"), encoding="utf-8")
    _bomb(corpus / "b.txt", 500_000)
    _bomb(corpus / "c.txt", 30_000)
    data = tmp_path / "data"
    code = (
        "import resource, sys\n"
        "from api.app import Jixiao\n"
        f"jx = Jixiao(data={str(data)!r})\n"
        f"s = jx.ingest([{str(corpus)!r}])\n"
        "print(s.sources, s.failed, s.indicators, sorted(e['code'] for e in s.errors))\n"
        "jx.close()\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary, peak_mb = proc.stdout.strip().splitlines()[-2:]
    assert summary == f"3 2 {len(ROWS)} ['table-too-long', 'too-many-lines']", summary
    assert int(peak_mb) < 2048, peak_mb  # the run reached 6.2 GB
    assert time.monotonic() - started < 300


def test_the_ingest_limit_stops_at_the_file_that_would_pass_it(tmp_path, monkeypatch):
    from api.app import Jixiao

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(3):
        (corpus / f"{k}.txt").write_text(table_text(title=f"项目{k}"), encoding="utf-8")
    monkeypatch.setenv("JIXIAO_MAX_INGEST_INDICATORS", str(2 * len(ROWS)))
    jx = Jixiao(data=tmp_path / "data")
    try:
        summary = jx.ingest([corpus], index=False)
    finally:
        jx.close()
    assert summary.indicators == 2 * len(ROWS)
    (err,) = summary.errors
    assert err["code"] == "ingest-limit" and err["path"].endswith("2.txt")
    assert "JIXIAO_MAX_INGEST_INDICATORS" in err["message"]
