"""Layout robustness: the development set's tab-separated real tables, re-rendered in the other
layouts disclosure sites produce, scored against the same gold.

    python benchmarks/relayout.py            # rows right per layout (tab = the files as published)
    python benchmarks/relayout.py --rows     # and every row a layout loses

A careful reader reads a table the same whatever the page-to-text step did with its cell
boundaries; so should the parser. Each layout below was seen in real published pages
(tests/data/realdata*): ``|`` rows with and without a border, cells separated by runs of spaces
(empty cells vanish), HTML tables flattened as a cell per indented line after ``|``, one cell per
line with an empty line after each row, and one cell per line closed by ``|`` with an empty cell as
a line of one ``|`` and a line of pipes after each row, and every row's cells run together with no
separator (``glued-rows``: most of it is not read — refused rather than guessed). Only the lines that hold tabs are
re-rendered; the rest of the page stays as published. (Real pages of the one-cell-per-line kinds
also mark empty cells and row ends in other ways — ``|`` lines between cells, row ends left out —
that no single rendering reproduces: those are in the real sets themselves.)
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import accuracy  # noqa: E402

SOURCE = ROOT / "tests" / "data" / "realdata"


def _pipe(cells: list[str]) -> list[str]:
    return ["| " + " | ".join(cells) + " |"]


def _pipe_borderless(cells: list[str]) -> list[str]:
    return [" | ".join(cells) + " |"]


def _spaces(cells: list[str]) -> list[str]:
    return ["    ".join(c for c in cells if c.strip())]


def _html_indented(cells: list[str]) -> list[str]:
    out = [cells[0].strip()] if cells and cells[0].strip() else []
    rest = cells[1:] if cells and cells[0].strip() else cells
    if not out:
        out.append("        | " + (rest[0].strip() if rest else ""))
        rest = rest[1:]
    out += ["        | " + c.strip() for c in rest]
    return out + ["        | |"]


def _lines_blank(cells: list[str]) -> list[str]:
    """One cell per line, an empty line after each row (empty cells vanish)."""
    return [c.strip() for c in cells if c.strip()] + [""]


def _cell_marker(cells: list[str]) -> list[str]:
    """One cell per line closed by '|', an empty cell as a line of one '|', a line of pipes after each row."""
    return [(c.strip() + " |") if c.strip() else "|" for c in cells] + ["||||"]


def _glued_rows(cells: list[str]) -> list[str]:
    """Every row's cells run together with no separator (a .doc/.xls preview's text), one row a line."""
    return ["".join(c.strip() for c in cells)]


LAYOUTS: dict[str, Callable[[list[str]], list[str]]] = {
    "pipe": _pipe, "pipe-borderless": _pipe_borderless, "spaces": _spaces,
    "html-indented": _html_indented, "lines-blank": _lines_blank, "cell-marker": _cell_marker,
    "glued-rows": _glued_rows,
}


def tab_files() -> list[Path]:
    """The development set's files whose table is tab-separated."""
    return [f for f in sorted((SOURCE / "tables").glob("*.txt")) if f.read_text("utf-8").count("\t") >= 10]


def render(text: str, layout: Callable[[list[str]], list[str]]) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(layout(line.split("\t")) if "\t" in line else [line])
    return "\n".join(out)


def score(layouts: list[str], rows: bool = False) -> dict[str, dict]:
    files = tab_files()
    names = {f.name for f in files}
    gold = [g for g in json.loads((SOURCE / "expected.json").read_text("utf-8")) if g["file"] in names]
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["tab", *layouts]:
            d = Path(tmp) / name
            (d / "tables").mkdir(parents=True)
            (d / "expected.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
            for f in files:
                text = f.read_text("utf-8")
                (d / "tables" / f.name).write_text(text if name == "tab" else render(text, LAYOUTS[name]), "utf-8")
            scores = accuracy.score_dir(d)
            t = accuracy.totals(scores)
            result[name] = {"rows": t["rows"], "right": t["right"], "invented": t["invented"],
                            "wrong": [w for s in scores for w in s.wrong] if rows else []}
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", action="store_true", help="list the rows each layout gets wrong")
    args = ap.parse_args(argv)
    res = score(list(LAYOUTS), args.rows)
    print("| layout | rows right | invented |\n|---|---|---|")
    for name, r in res.items():
        print(f"| {name} | {r['right']}/{r['rows']} | {r['invented']} |")
    if args.rows:
        for name, r in res.items():
            if r["wrong"]:
                print(f"\n{name}:")
                print("\n".join(f"  {w}" for w in r["wrong"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
