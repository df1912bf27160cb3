"""Real-table accuracy: parse the real published tables and score them against hand-checked gold.

    python benchmarks/accuracy.py                       # tests/data/realdata (+ realdata_more if present)
    python benchmarks/accuracy.py --set heldout         # tests/data/realdata_heldout only (totals per file)
    python benchmarks/accuracy.py --set reserve         # tests/data/realdata_reserve only: the final held-out measure
    python benchmarks/accuracy.py --set fresh           # tests/data/realdata_fresh only (files 120 upward)
    python benchmarks/accuracy.py --set sixth           # tests/data/realdata_sixth only (files 150 upward)
    python benchmarks/accuracy.py --set seventh         # tests/data/realdata_seventh only (files 180 upward)
    python benchmarks/accuracy.py --set all --rows      # development sets with every wrong row, held-out totals
    python benchmarks/accuracy.py DIR [DIR ...] --rows  # also list every row that is wrong, with the reason
    python benchmarks/accuracy.py --json out.json       # machine-readable figures

Each DIR holds ``tables/`` and ``expected.json`` (conventions in its SOURCES.md). The held-out set
(``tests/data/realdata_heldout``) measures generalisation: it is scored like the others, but its wrong
rows are not listed (not with ``--rows``, not in BENCHMARKS.md, not in ``--json``) unless
``--heldout-rows`` is given, so that rules are not written against it. The reserve set
(``tests/data/realdata_reserve``, files 100 upward) is kept back for a final measure of the parser and
is hidden the same way (``--reserve-rows`` lists its rows). Per file it reports:

- rows right: name + target (raw as printed, or operator + value + unit) + 二级 label (as printed or
  standardised);
- invented rows: indicators the parser emitted that are not in the gold;
- document numbers of the 立项依据, compared as issuer code + year + serial;
- header fields: project name, unit, year (and the budget in yuan where the gold gives one).

The scorer shares no code with the parser's interpretation: gold targets are canonicalised here.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import parse_file  # noqa: E402

DEFAULT_DIRS = [ROOT / "tests" / "data" / "realdata", ROOT / "tests" / "data" / "realdata_more"]
HELDOUT_DIRS = [ROOT / "tests" / "data" / "realdata_heldout"]
RESERVE_DIRS = [ROOT / "tests" / "data" / "realdata_reserve"]
# collected in the fourth session and scored before any rule was written for it (46/125 rows right,
# 35 invented); development data since, its rows listed like the development sets'
FRESH_DIRS = [ROOT / "tests" / "data" / "realdata_fresh"]
# collected in the fifth session and scored before any rule was written for it (39/107 rows right,
# 26 invented); development data since
SIXTH_DIRS = [ROOT / "tests" / "data" / "realdata_sixth"]
# collected at the end of the fifth session and scored before any rule was written for it (53/84 rows
# right, 8 invented, with the fifth session's parser); development data since
SEVENTH_DIRS = [ROOT / "tests" / "data" / "realdata_seventh"]
SETS = {"dev": DEFAULT_DIRS, "heldout": HELDOUT_DIRS, "reserve": RESERVE_DIRS, "fresh": FRESH_DIRS,
        "sixth": SIXTH_DIRS, "seventh": SEVENTH_DIRS,
        "all": DEFAULT_DIRS + HELDOUT_DIRS + RESERVE_DIRS + FRESH_DIRS + SIXTH_DIRS + SEVENTH_DIRS}


def is_heldout(d: Path) -> bool:
    """True for a held-out directory: scored, but its wrong rows are not shown by default."""
    return d.resolve() in {h.resolve() for h in HELDOUT_DIRS}


def is_reserve(d: Path) -> bool:
    """True for the reserve directory: the final held-out measure, hidden like the held-out set."""
    return d.resolve() in {r.resolve() for r in RESERVE_DIRS}


def rows_hidden(d: Path, heldout_rows: bool = False, reserve_rows: bool = False) -> bool:
    """Whether the wrong rows of directory d are kept out of listings (--rows, --json, --benchmarks)."""
    return (is_heldout(d) and not heldout_rows) or (is_reserve(d) and not reserve_rows)

_OPS = {"≧": "≥", ">=": "≥", "≥": "≥", "≦": "≤", "<=": "≤", "≤": "≤", "═": "=", "=": "=", "＝": "=",
        "==": "=", ">": ">", "<": "<", "大于等于": "≥", "小于等于": "≤", "等于": "=", "大于": ">", "小于": "<"}


def compact(s: str | None) -> str:
    if s is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def std_l2(label: str | None) -> str:
    """The gold's own standardisation of a 二级 label (SOURCES.md: l2_std)."""
    t = compact(label)
    t = re.sub(r"[(（][^)）]*[)）]", "", t)
    t = t.removesuffix("等")
    if t and not t.endswith("指标"):
        t += "指标"
    if t in ("满意度指标", "社会公众或服务对象满意度指标"):
        t = "服务对象满意度指标"
    return t


_NUM = re.compile(r"^(?P<op>≥|≤|=|>|<)?(?P<num>[+-]?\d[\d,]*(?:\.\d+)?)(?P<unit>\D{0,8})$")


def canon_target(op: str | None, value: str | None, unit: str | None) -> tuple | None:
    """(op, number, unit) of a numeric target, or None when it is not one."""
    v = compact(value)
    for k in sorted(_OPS, key=len, reverse=True):
        if v.startswith(k):
            op = op or k
            v = v[len(k):]
            break
    v = v.replace("百分比", "%")
    m = _NUM.match(v)
    if not m:
        return None
    num = float(m.group("num").replace(",", ""))
    u = compact(unit) or m.group("unit") or ""
    return (_OPS.get(compact(op or ""), None), num, u.replace("百分比", "%"))


def target_right(gold: dict, parsed: dict | None) -> tuple[bool, str]:
    g = gold.get("target")
    if g is None:
        return (parsed is None, "" if parsed is None else f"target {parsed.get('raw')!r} where the table has none")
    if parsed is None:
        return False, f"no target (gold {g!r})"
    if compact(parsed.get("raw")) == compact(g) and "op" not in gold:
        return True, ""
    gop = gold.get("op")
    if gop == "定性":
        gop = None
    want = canon_target(gop, g, gold.get("measure_unit"))
    if want is not None and parsed.get("value") is not None:
        got = (parsed.get("op"), float(parsed["value"]), compact(parsed.get("unit") or ""))
        if got == want:
            return True, ""
        return False, f"target {got} want {want}"
    if want is None and compact(parsed.get("raw")) == compact(g):
        return True, ""
    if want is None and compact(parsed.get("qualitative")) == compact(g):
        return True, ""
    return False, f"target {parsed.get('raw')!r} want {g!r}" + (f" op {gold.get('op')!r} unit {gold.get('measure_unit')!r}"
                                                                if "op" in gold else "")


def l2_right(gold: dict, parsed_l2: str | None) -> bool:
    p = compact(parsed_l2)
    if gold.get("l2") is None and gold.get("l2_std") is None:
        return not p  # the table prints no 二级 for this row (no such column): none is right
    return bool(p) and (p == compact(gold.get("l2")) or p == gold.get("l2_std") or std_l2(p) == gold.get("l2_std"))


_DOC = re.compile(r"(?P<issuer>(?:[\u4e00-\u9fff A-Za-z]|[(（][\u4e00-\u9fff]{1,4}[)）])+?)\s*[〔\[(（﹝【]\s*(?P<year>\d{4})\s*[〕\])）﹞】]\s*第?\s*(?P<serial>\d+)")


def doc_key(num: str) -> tuple | None:
    m = _DOC.search(compact(num))
    if not m:
        return None
    return (m.group("issuer"), int(m.group("year")), int(m.group("serial")))


@dataclass
class FileScore:
    file: str
    rows: int = 0
    right: int = 0
    invented: int = 0
    docs: int = 0
    docs_found: int = 0
    header: int = 0
    header_right: int = 0
    l1_right: int = 0
    wrong: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _match_tables(golds: list[dict], tables: list[dict]) -> list[tuple[dict, dict | None]]:
    """Pair each gold project with a parsed table: by project name, else by order."""
    pairs: list[tuple[dict, dict | None]] = []
    free = list(range(len(tables)))
    for gi, g in enumerate(sorted(golds, key=lambda x: x.get("project_index") or 0)):
        best = None
        if g.get("project_name"):
            for ti in free:
                if compact(tables[ti].get("title")) == compact(g["project_name"]):
                    best = ti
                    break
        if best is None:
            names = {compact(i["name"]) for i in g["indicators"]}
            scored = [(len(names & {compact(i["name"]) for i in tables[ti]["indicators"]}), -ti) for ti in free]
            if scored and max(scored)[0] > 0:
                best = -max(scored)[1]
        if best is None and free and gi < len(tables) and gi in free:
            best = gi
        if best is not None:
            free.remove(best)
        pairs.append((g, tables[best] if best is not None else None))
    for ti in free:  # parsed tables with no gold project: every row is invented
        pairs.append(({"file": None, "indicators": [], "legal_basis_doc_numbers": []}, tables[ti]))
    return pairs


def score_file(path: Path, golds: list[dict]) -> FileScore:
    fs = FileScore(path.name)
    src = parse_file(path).to_dict()
    fs.errors = [e["message"] for e in src["errors"]]
    for gold, table in _match_tables(golds, src["tables"]):
        inds = list(table["indicators"]) if table else []
        used = [False] * len(inds)
        for g in gold["indicators"]:
            fs.rows += 1
            cands = [k for k, i in enumerate(inds) if not used[k] and compact(i["name"]) == compact(g["name"])]
            if not cands:
                fs.wrong.append(f"missing   {g['name']} = {g.get('target')}")
                continue
            k = cands[0]
            used[k] = True
            p = inds[k]
            ok_t, why = target_right(g, p.get("target"))
            ok_l2 = l2_right(g, p.get("l2"))
            l1 = g.get("l1") or g.get("l1_inferred")
            if compact(p.get("l1")) == compact(l1) or (p.get("l1") and std_l2(p.get("l1")) == std_l2(l1)):
                fs.l1_right += 1
            if ok_t and ok_l2:
                fs.right += 1
            else:
                reasons = [why] if not ok_t else []
                if not ok_l2:
                    reasons.append(f"l2 {p.get('l2')!r} want {g.get('l2')!r}")
                fs.wrong.append(f"wrong     {g['name']}: " + "; ".join(reasons))
        for k, i in enumerate(inds):
            if not used[k]:
                fs.invented += 1
                t = (i.get("target") or {}).get("raw")
                fs.wrong.append(f"invented  {i['name']} = {t} (line {i.get('line')})")
        if gold.get("file") is None:
            continue
        got_docs = {doc_key(d["doc_number"] or "") for d in (table or {}).get("legal_bases", []) if d.get("doc_number")}
        for d in gold["legal_basis_doc_numbers"]:
            fs.docs += 1
            if doc_key(d) in got_docs:
                fs.docs_found += 1
            else:
                fs.wrong.append(f"doc       {d} not found among the legal bases")
        for key, got in (("project_name", (table or {}).get("title")), ("unit", (table or {}).get("unit")),
                         ("year", (table or {}).get("year"))):
            fs.header += 1
            want = gold.get(key)
            if (compact(str(want)) if want is not None else None) == (compact(str(got)) if got is not None else None):
                fs.header_right += 1
            else:
                fs.wrong.append(f"header    {key}: {got!r} want {want!r}")
        if gold.get("budget") is not None:
            fs.header += 1
            b = (table or {}).get("budget") or {}
            got = b.get("total") if b.get("total") is not None else b.get("current_year")
            if got is not None and abs(got - gold["budget"]) < 0.5:
                fs.header_right += 1
            else:
                fs.wrong.append(f"header    budget: {got!r} want {gold['budget']!r}")
    return fs


def score_dir(d: Path) -> list[FileScore]:
    gold = json.loads((d / "expected.json").read_text(encoding="utf-8"))
    by_file: dict[str, list[dict]] = {}
    for g in gold:
        by_file.setdefault(g["file"], []).append(g)
    return [score_file(d / "tables" / f, gs) for f, gs in sorted(by_file.items())]


def totals(scores: list[FileScore]) -> Counter:
    c: Counter = Counter()
    for s in scores:
        for k in ("rows", "right", "invented", "docs", "docs_found", "header", "header_right", "l1_right"):
            c[k] += getattr(s, k)
    return c


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def report(name: str, scores: list[FileScore], rows: bool) -> str:
    out = [f"### {name}", "", "| file | rows right | invented | doc numbers | header fields |", "|---|---|---|---|---|"]
    for s in scores:
        out.append(f"| {s.file} | {s.right}/{s.rows} | {s.invented} | {s.docs_found}/{s.docs} | "
                   f"{s.header_right}/{s.header} |")
    t = totals(scores)
    out.append(f"| **total** | **{t['right']}/{t['rows']} ({_pct(t['right'], t['rows'])})** | "
               f"**{t['invented']} ({_pct(t['invented'], t['rows'])})** | **{t['docs_found']}/{t['docs']}** | "
               f"**{t['header_right']}/{t['header']}** |")
    out.append("")
    out.append(f"一级 labels right on matched rows: {t['l1_right']}/{t['rows']}.")
    if rows:
        for s in scores:
            if s.wrong or s.errors:
                out.append("")
                out.append(f"- `{s.file}`")
                out.extend(f"  - {e}" for e in s.errors)
                out.extend(f"  - `{w}`" for w in s.wrong)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--rows", action="store_true", help="list every wrong, missing or invented row")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    ap.add_argument("--benchmarks", type=Path, help="rewrite the real-table section of this BENCHMARKS.md")
    ap.add_argument("--set", choices=sorted(SETS), default="dev",
                    help="which sets when no DIR is given: dev (realdata + realdata_more, the default), "
                         "heldout (realdata_heldout), reserve (realdata_reserve), fresh (realdata_fresh), sixth "
                         "(realdata_sixth), seventh (realdata_seventh) or all")
    ap.add_argument("--heldout-rows", action="store_true",
                    help="also list the wrong rows of the held-out set (--rows, --json, --benchmarks)")
    ap.add_argument("--reserve-rows", action="store_true",
                    help="also list the wrong rows of the reserve set (--rows, --json, --benchmarks)")
    args = ap.parse_args(argv)
    dirs = args.dirs or [d for d in SETS[args.set] if (d / "expected.json").exists()]
    result = {}
    scored = []
    for d in dirs:
        scores = score_dir(d)
        scored.append((d, scores))
        hidden = rows_hidden(d, args.heldout_rows, args.reserve_rows)
        label = " (held out)" if is_heldout(d) else " (reserve, held out)" if is_reserve(d) else ""
        print(report(d.name + label, scores, args.rows and not hidden))
        if hidden and args.rows:
            flag = "--reserve-rows" if is_reserve(d) else "--heldout-rows"
            print(f"\n({'reserve' if is_reserve(d) else 'held-out'} set: wrong rows not listed; {flag} lists them)")
        print()
        result[d.name] = {"totals": dict(totals(scores)),
                          "files": [{"file": s.file, "rows": s.rows, "right": s.right, "invented": s.invented,
                                     "docs": s.docs, "docs_found": s.docs_found, "header": s.header,
                                     "header_right": s.header_right,
                                     **({} if hidden else {"wrong": s.wrong, "errors": s.errors})}
                                    for s in scores]}
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.benchmarks:
        _rewrite_section(args.benchmarks, scored, args.heldout_rows, args.reserve_rows)
    return 0


BEGIN, END = "<!-- accuracy:begin -->", "<!-- accuracy:end -->"


def _rewrite_section(path: Path, sets: list[tuple[Path, list[FileScore]]], heldout_rows: bool = False,
                     reserve_rows: bool = False) -> None:
    """The generated part of BENCHMARKS.md: figures per set and every row still wrong."""
    import os
    import platform
    out = [BEGIN, "",
           f"Generated by `python benchmarks/accuracy.py --benchmarks BENCHMARKS.md` (load average "
           f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}). Rows right = name + target (as "
           "written, or operator + value + unit) + 二级 label (as written or standardised).", "",
           "| set | files | rows right | invented rows | document numbers | header fields |", "|---|---|---|---|---|---|"]
    for d, scores in sets:
        t = totals(scores)
        out.append(f"| `{d.relative_to(ROOT)}` | {len(scores)} | {t['right']}/{t['rows']} ({_pct(t['right'], t['rows'])}) | "
                   f"{t['invented']} ({_pct(t['invented'], t['rows'])}) | {t['docs_found']}/{t['docs']} | "
                   f"{t['header_right']}/{t['header']} |")
    for d, scores in sets:
        if is_heldout(d) and not heldout_rows:
            out += ["", f"`{d.name}` is the held-out set: its wrong rows are not listed here "
                        "(`python benchmarks/accuracy.py --set heldout --rows --heldout-rows` lists them)."]
            continue
        if is_reserve(d) and not reserve_rows:
            out += ["", f"`{d.name}` is the reserve set, kept back for a final measure: its wrong rows are not "
                        "listed here (`python benchmarks/accuracy.py --set reserve --rows --reserve-rows` lists them)."]
            continue
        out += ["", f"<details><summary>Every row still wrong in <code>{d.name}</code></summary>", ""]
        for s in scores:
            if s.wrong or s.errors:
                out.append(f"- `{s.file}`")
                out.extend(f"  - {e.split(': ', 1)[-1]}" for e in s.errors)
                out.extend(f"  - `{w}`" for w in s.wrong)
        out += ["", "</details>"]
    out += ["", END]
    text = path.read_text(encoding="utf-8")
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(out) + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Real published tables\n\n" + "\n".join(out) + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
