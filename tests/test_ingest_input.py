"""Encodings and bad input: a clear error naming the file, and nothing else lost."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import parse_file, parse_paths
from tests.tablegen import ROWS, table_text

N = len(ROWS)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_encodings(tmp_path, encoding):
    p = tmp_path / "t.txt"
    p.write_bytes(table_text().encode(encoding))
    src = parse_file(p)
    assert src.errors == [] and len(src.tables[0].indicators) == N
    assert src.tables[0].indicators[0].name == ROWS[0].name
    assert src.encoding in {"utf-8", "gb18030", "utf-16"}


def test_crlf_and_full_width_digits(tmp_path):
    text = table_text().replace("=12场", "＝１２场").replace("\n", "\r\n")
    p = tmp_path / "t.txt"
    p.write_bytes(text.encode("utf-8"))
    t = parse_file(p).tables[0]
    ind = next(i for i in t.indicators if i.name == "培训场次")
    assert (ind.target.raw, ind.target.op, ind.target.value) == ("＝１２场", "=", 12)
    assert "培训场次\t＝１２场" in text.split("\r\n")[ind.line - 1]


def test_control_characters_are_dropped(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text(table_text().replace("预算执行率", "预算\x07执行率\x0c"), encoding="utf-8")
    t = parse_file(p).tables[0]
    assert t.indicators[0].name == "预算执行率" and len(t.indicators) == N


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty-file"),
        (b"   \n\n", "empty-file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "corrupt-file"),  # read as PDF, found damaged
        (b"PK\x03\x04\x14\x00\x06\x00", "corrupt-file"),  # read as a ZIP container, found damaged
        (bytes(range(256)) * 4, "binary-file"),
        ("这是一份普通的通知，没有任何表格。\n".encode(), "no-table"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path, content, code):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    src = parse_file(p)
    assert src.tables == [] and [e["code"] for e in src.errors] == [code]
    assert str(p) in src.errors[0]["message"]


def test_missing_file_and_directory_expansion(tmp_path):
    (tmp_path / "a.txt").write_text(table_text(), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(table_text(title="乙"), encoding="utf-8")
    sources = parse_paths([tmp_path, tmp_path / "missing.txt"])
    assert [len(s.tables) for s in sources] == [1, 1, 0]
    assert sources[2].errors[0]["code"] == "unreadable"


def test_truncated_file_keeps_what_is_there(tmp_path):
    text = table_text()
    cut = text[: text.index("有责投诉数")]
    p = tmp_path / "t.txt"
    p.write_text(cut, encoding="utf-8")
    t = parse_file(p).tables[0]
    assert [i.name for i in t.indicators] == [r.name for r in ROWS[:8]]


def test_very_long_lines_do_not_break_the_reader(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text(table_text().replace("本项目为示范项目。", "很长" * 500_000), encoding="utf-8")
    t = parse_file(p).tables[0]
    assert len(t.indicators) == N and len(t.text_fields["项目概况"]) == 1_000_000


def test_cli_reports_errors_and_still_parses_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(table_text(), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "api.cli", "parse", str(bad), str(good)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert [len(s["tables"]) for s in doc["sources"]] == [0, 1]
    assert "bad.txt" in doc["sources"][0]["errors"][0]["message"]


def test_fifty_megabyte_file_with_one_table_at_the_end(tmp_path):
    filler = "页面说明文字，没有表格内容。" * 10 + "\n"
    p = tmp_path / "big.txt"
    with p.open("w", encoding="utf-8") as f:
        f.write(filler * (50_000_000 // len(filler.encode())))
        f.write(table_text())
    assert p.stat().st_size > 50_000_000
    src = parse_file(p)
    (t,) = src.tables
    assert len(t.indicators) == N and t.lines[0] == 50_000_000 // len(filler.encode()) + 1


def test_heading_without_any_project_is_no_table(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("2021年部门项目支出绩效目标表\n说明：本年度无项目。\n", encoding="utf-8")
    src = parse_file(p)
    assert src.tables == [] and [e["code"] for e in src.errors] == ["no-table"]
    assert src.errors[0]["line"] == 1
