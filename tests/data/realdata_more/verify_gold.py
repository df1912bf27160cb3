"""Check the hand-made gold in expected.json against the stored table texts.

Run: python3 tests/data/realdata_more/verify_gold.py [DIR]  (exit status 1 on any problem)

DIR defaults to this file's directory; any directory holding ``tables/`` and ``expected.json``
in the same format (realdata, realdata_more, realdata_heldout, realdata_reserve) can be given.

Every gold string must appear verbatim in its file, compared with all whitespace
removed (SOURCES.md, "Conventions"): indicator names, targets, the split columns
(op, measure_unit, weight, actual, score, standard, explanation, per-area values),
the 一级/二级 labels, legal-basis document numbers, project name and unit.
Indicator names must also appear in source order.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLES = HERE / "tables"
EXPECTED = HERE / "expected.json"

REQUIRED = ("file", "project_name", "unit", "year", "legal_basis_doc_numbers", "indicators",
            "doc_type", "truncated", "ignored_rows", "notes")
IND_REQUIRED = ("l1", "l2", "name", "target", "l2_std")
CHECKED_FIELDS = ("target", "op", "measure_unit", "weight", "actual", "score", "standard",
                  "explanation", "target_midterm", "l2_midterm", "label", "value_type",
                  "remark", "deviation_reason", "scoring", "direction")
L2_STD = {"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
          "生态效益指标", "可持续影响指标", "服务对象满意度指标",
          # 2021+ template where 成本指标 is a 一级 with these 二级:
          "经济成本指标", "社会成本指标", "生态环境成本指标"}
_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Remove all whitespace (the comparison rule of SOURCES.md)."""
    return _WS.sub("", text)


def check_entry(entry: dict, text: str) -> list[str]:
    """Return the problems of one gold entry against the squashed file text."""
    where = f"{entry.get('file')}#{entry.get('project_index', 0)}"
    problems = [f"{where}: missing key {k!r}" for k in REQUIRED if k not in entry]

    def present(label: str, value: object) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {label} is not a non-empty string: {value!r}")
        elif squash(value) not in text:
            problems.append(f"{where}: {label} {value!r} not found in the file")

    if not entry.get("negative"):
        present("project_name", entry.get("project_name"))
        present("unit", entry.get("unit"))
    for number in entry.get("legal_basis_doc_numbers", []):
        present("legal basis", number)
    cursor = 0
    for i, ind in enumerate(entry.get("indicators", [])):
        label = f"indicator {i + 1}"
        for k in IND_REQUIRED:
            if k not in ind:
                problems.append(f"{where}: {label} missing key {k!r}")
        present(f"{label} l1", ind.get("l1"))
        present(f"{label} l2", ind.get("l2"))
        for field in CHECKED_FIELDS:
            present(f"{label} {field}", ind.get(field))
        for area, value in (ind.get("targets_by_area") or {}).items():
            present(f"{label} area", area)
            present(f"{label} value for {area}", value)
        std = ind.get("l2_std")
        if std is not None and std not in L2_STD:
            problems.append(f"{where}: {label} l2_std {std!r} is not a standard 二级 name")
        name = ind.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: {label} has no name")
            continue
        key = squash(name)
        found = text.find(key, cursor)
        if found < 0:
            problems.append(f"{where}: {label} name {name!r} "
                            + ("out of source order" if key in text else "not found in the file"))
        else:
            cursor = found + len(key)
    if entry.get("negative") and entry.get("indicators"):
        problems.append(f"{where}: a negative example must have no indicators")
    return problems


def verify(expected_path: Path = EXPECTED, tables: Path = TABLES) -> tuple[list[str], dict]:
    """Check every entry; return (problems, counts)."""
    entries = json.loads(expected_path.read_text(encoding="utf-8"))
    problems: list[str] = []
    files_in_gold = set()
    for entry in entries:
        name = entry.get("file", "")
        path = tables / name
        files_in_gold.add(name)
        if not path.is_file():
            problems.append(f"{name}: no such table file")
            continue
        problems += check_entry(entry, squash(path.read_text(encoding="utf-8")))
    for path in sorted(tables.glob("*.txt")):
        if path.name not in files_in_gold:
            problems.append(f"{path.name}: table file has no gold entry")
    counts = {
        "files": len(files_in_gold),
        "entries": len(entries),
        "rows": sum(len(e["indicators"]) for e in entries),
        "main_rows": sum(len(e["indicators"]) for e in entries
                         if not e.get("supplementary") and not e.get("negative")),
        "doc_numbers": sum(len(e["legal_basis_doc_numbers"]) for e in entries),
        "negatives": sum(1 for e in entries if e.get("negative")),
    }
    return problems, counts


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    here = Path(args[0]).resolve() if args else HERE
    problems, counts = verify(here / "expected.json", here / "tables")
    for p in problems:
        print("FAIL", p)
    print(json.dumps(counts, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
