"""Ingest benchmark: parse accuracy against a synthetic corpus's truth.json, and ingest
speed end to end and by stage.

    python benchmarks/bench_ingest.py --tables 1000                # accuracy + stages at 1k
    python benchmarks/bench_ingest.py --tables 1000 --tables 10000 --json out.json
    python benchmarks/bench_ingest.py --accuracy-only --tables 2000 --defect-rate 0.2
    python benchmarks/bench_ingest.py --tables 100000 --skip-stages   # the optional large run

Accuracy (``ingest.parse_paths`` against ``truth.json``): tables found; row accuracy — an
indicator row is right when its 一级/二级 labels, name and target (op, value, unit,
qualitative and raw text, compared after NFKC so ＝１５ and =15 agree) all match the truth
at the same source line; per field and per injected defect kind; legal bases (canonical
number, title, raw number) and other cited documents; header fields and budgets.

Speed: stages run in a child process each (so peak RSS is the stage's own): read/parse
(``ingest.parse_paths``), map to triples (``graph.mapping.map_source``), store
(``GraphStore.replace_source``), embed (the encoder's ``encode`` inside ``Searcher.sync``)
and index (the rest of ``sync``: FAISS, lexical index, similarity links, clusters).
End to end is ``jixiao ingest CORPUS --data DIR`` as a fresh process: wall time and peak RSS
from the kernel's accounting of that process (``wait4``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (benchmarks/ is not a package)

_WS = re.compile(r"\s+")


# ---------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------

def corpus(work: Path, tables: int, seed: int, defect_rate: float, per_file: int = 4) -> Path:
    """A synthetic corpus in ``work``, generated once and reused while its parameters hold."""
    out = work / f"corpus-{tables}-s{seed}-d{defect_rate:g}-m{per_file}"
    manifest = out / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        if (m.get("tables"), m.get("seed"), m.get("defect_rate"), m.get("tables_per_file")) == \
                (tables, seed, defect_rate, per_file):
            return out
    shutil.rmtree(out, ignore_errors=True)
    synth.generate(tables, seed, out, defect_rate, per_file)
    return out


def txt_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt"))


# ---------------------------------------------------------------------------------------
# Accuracy
# ---------------------------------------------------------------------------------------

def _norm(s: Any) -> Any:
    """Compare text as a reader would: NFKC (full-width forms fold), no whitespace."""
    if not isinstance(s, str):
        return s
    return _WS.sub("", unicodedata.normalize("NFKC", s))


def _num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


def _target_fields(t: dict | None, p: dict | None) -> dict[str, bool]:
    """Which target fields agree (missing target: both must be null)."""
    if t is None or p is None:
        ok = t is None and p is None
        return {"op": ok, "value": ok, "unit": ok, "qualitative": ok, "raw": ok}
    return {
        "op": t["op"] == p.get("op"),
        "value": _num_eq(t["value"], p.get("value")),
        "unit": _norm(t["unit"]) == _norm(p.get("unit")),
        "qualitative": _norm(t["qualitative"]) == _norm(p.get("qualitative")),
        "raw": _norm(t["raw"]) == _norm(p.get("raw")),
    }


def _ref_key(r: dict) -> tuple[str, Any]:
    return ("n", r["doc_number"]) if r.get("doc_number") else ("t", _norm((r.get("title") or "").strip("《》")))


HEADER_FIELDS = ("title", "unit", "year", "category", "start", "end", "gov_purchase", "performance_type")


def compare(truth: dict[str, Any], parsed: dict[str, Any], manifest: dict[str, Any] | None = None,
            examples: int = 8) -> dict[str, Any]:
    """Accuracy of ``parsed`` (the `jixiao parse` JSON) against ``truth`` (synth.py's)."""
    by_name = {Path(s["path"]).name: s for s in parsed["sources"]}
    defect_at: dict[tuple[str, int], str] = {}
    for f in (manifest or {}).get("defects", []):
        for d in f["defects"]:
            if d.get("line"):
                defect_at[(Path(f["path"]).name, d["line"])] = d["kind"]
    crlf_files = {Path(f["path"]).name for f in (manifest or {}).get("defects", [])
                  if any(d["kind"] == "crlf" for d in f["defects"])}

    c: Counter[str] = Counter()
    field_ok: Counter[str] = Counter()
    by_defect: dict[str, Counter[str]] = defaultdict(Counter)
    errs: list[dict[str, Any]] = []

    def err(kind: str, **kw: Any) -> None:
        c[f"err:{kind}"] += 1
        if len(errs) < examples:
            errs.append({"kind": kind, **kw})

    for ts in truth["sources"]:
        name = Path(ts["path"]).name
        ps = by_name.get(name)
        c["tables_expected"] += len(ts["tables"])
        c["rows_expected"] += sum(len(t["indicators"]) for t in ts["tables"])
        if ps is None:
            err("file-missing", file=name)
            continue
        if ps.get("errors"):
            err("file-error", file=name, errors=ps["errors"][:2])
        c["tables_found"] += min(len(ps["tables"]), len(ts["tables"]))
        c["tables_extra"] += max(0, len(ps["tables"]) - len(ts["tables"]))
        by_start = {(pt.get("lines") or [None])[0]: pt for pt in ps["tables"]}
        for k, tt in enumerate(ts["tables"]):
            pt = by_start.get(tt["lines"][0]) or (ps["tables"][k] if k < len(ps["tables"]) else None)
            if pt is None:
                err("table-missing", file=name, line=tt["lines"][0])
                continue
            # header fields and budget
            head_ok = True
            for f in HEADER_FIELDS:
                ok = _norm(tt[f]) == _norm(pt.get(f))
                field_ok[f"header.{f}"] += ok
                if not ok:
                    head_ok = False
                    err(f"header.{f}", file=name, line=tt["lines"][0], truth=tt[f], parsed=pt.get(f))
            budget_ok = all(_num_eq(v, (pt.get("budget") or {}).get(key)) for key, v in tt["budget"].items())
            field_ok["budget"] += budget_ok
            if not budget_ok:
                err("budget", file=name, line=tt["lines"][0], truth=tt["budget"], parsed=pt.get("budget"))
            ptext = pt.get("text_fields") or {}
            text_ok = all(_norm(v) == _norm(ptext.get(key)) for key, v in tt["text_fields"].items())
            field_ok["text_fields"] += text_ok
            if not text_ok:
                bad = [key for key, v in tt["text_fields"].items() if _norm(v) != _norm(ptext.get(key))]
                err("text_fields", file=name, line=tt["lines"][0], fields=bad,
                    truth={k: tt["text_fields"][k][:60] for k in bad}, parsed={k: (ptext.get(k) or "")[:60] for k in bad})
            c["tables_header_ok"] += head_ok and budget_ok
            # legal bases: same documents in the same order, each fully right
            tl, pl = tt["legal_bases"], pt.get("legal_bases") or []
            c["legal_expected"] += len(tl)
            c["legal_parsed"] += len(pl)
            pkeys = [_ref_key(r) for r in pl]
            for r in tl:
                key = _ref_key(r)
                if key not in pkeys:
                    err("legal-basis-missing", file=name, line=tt["lines"][0], truth=r["doc_number"] or r["title"])
                    continue
                c["legal_found"] += 1
                p = pl[pkeys.index(key)]
                full = (_norm(r["title"]) == _norm(p.get("title")) and
                        _norm(r["doc_number_raw"]) == _norm(p.get("doc_number_raw")) and
                        r["issuer_code"] == p.get("issuer_code") and r["year"] == p.get("year") and
                        r["serial"] == p.get("serial"))
                c["legal_exact"] += full
                if not full:
                    err("legal-basis-fields", file=name, line=tt["lines"][0], truth=r,
                        parsed={k: p.get(k) for k in r})
            c["legal_tables_ok"] += [_ref_key(r) for r in tl] == pkeys
            to = {r["doc_number"] for r in tt["other_cited_documents"]}
            po = {r.get("doc_number") for r in pt.get("other_cited_documents") or []}
            c["other_expected"] += len(to)
            c["other_found"] += len(to & po)
            c["other_extra"] += len(po - to)
            # indicator rows, matched by source line
            pin = {i.get("line"): i for i in pt.get("indicators") or []}
            tlines = {i["line"] for i in tt["indicators"]}
            c["rows_parsed"] += len(pt.get("indicators") or [])
            c["rows_invented"] += sum(1 for ln in pin if ln not in tlines)
            warned = {(w.get("line"), w.get("code")) for w in pt.get("warnings") or []}
            for ti in tt["indicators"]:
                pi = pin.get(ti["line"])
                kind = defect_at.get((name, ti["line"]), "crlf-file" if name in crlf_files else "none")
                by_defect[kind]["rows"] += 1
                if pi is None:
                    err("row-missing", file=name, line=ti["line"], truth=ti["name"], defect=kind)
                    by_defect[kind]["wrong"] += 1
                    continue
                oks = {"l1": _norm(ti["l1"]) == _norm(pi.get("l1")),
                       "l2": _norm(ti["l2"]) == _norm(pi.get("l2")),
                       "name": _norm(ti["name"]) == _norm(pi.get("name"))}
                oks.update({f"target.{k}": v for k, v in _target_fields(ti["target"], pi.get("target")).items()})
                for k, v in oks.items():
                    field_ok[f"row.{k}"] += v
                if all(oks.values()):
                    c["rows_ok"] += 1
                else:
                    by_defect[kind]["wrong"] += 1
                    err("row", file=name, line=ti["line"], defect=kind,
                        wrong=[k for k, v in oks.items() if not v],
                        truth={k: ti[k] for k in ("l1", "l2", "name", "target")},
                        parsed={k: pi.get(k) for k in ("l1", "l2", "name", "target")})
                if ti["target"] is None:
                    c["missing_targets"] += 1
                    c["missing_targets_warned"] += any(ln == ti["line"] for ln, _ in warned)

    rows = c["rows_expected"] or 1
    tables = c["tables_expected"] or 1
    report = {
        "tables_expected": c["tables_expected"],
        "tables_found": c["tables_found"],
        "tables_extra": c["tables_extra"],
        "rows_expected": c["rows_expected"],
        "rows_parsed": c["rows_parsed"],
        "rows_invented": c["rows_invented"],
        "row_accuracy": round(c["rows_ok"] / rows, 6),
        "row_field_accuracy": {k[4:]: round(v / rows, 6) for k, v in sorted(field_ok.items()) if k.startswith("row.")},
        "header_accuracy": {k[7:]: round(v / tables, 6) for k, v in sorted(field_ok.items()) if k.startswith("header.")},
        "budget_accuracy": round(field_ok["budget"] / tables, 6),
        "text_fields_accuracy": round(field_ok["text_fields"] / tables, 6),
        "legal_bases": {"expected": c["legal_expected"], "parsed": c["legal_parsed"], "found": c["legal_found"],
                        "exact": c["legal_exact"], "tables_all_right": round(c["legal_tables_ok"] / tables, 6)},
        "other_cited": {"expected": c["other_expected"], "found": c["other_found"], "extra": c["other_extra"]},
        "missing_targets": {"rows": c["missing_targets"], "warned": c["missing_targets_warned"]},
        "by_defect": {k: {"rows": v["rows"], "accuracy": round(1 - v["wrong"] / v["rows"], 6)}
                      for k, v in sorted(by_defect.items())},
        "errors": {k[4:]: v for k, v in sorted(c.items()) if k.startswith("err:")},
        "examples": errs,
    }
    return report


def accuracy(folder: Path) -> dict[str, Any]:
    """Parse ``folder`` in-process and compare with its truth; also the parse time."""
    from ingest import parse_paths

    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    sources = parse_paths(txt_files(folder))
    seconds = time.perf_counter() - t0
    parsed = {"sources": [s.to_dict() for s in sources]}
    report = compare(truth, parsed, manifest)
    report["parse_seconds"] = round(seconds, 3)
    report["parse_tables_per_s"] = round(report["tables_expected"] / seconds, 1) if seconds else None
    report["defect_rate"] = manifest["defect_rate"]
    return report


# ---------------------------------------------------------------------------------------
# A fast loader for the query benchmarks
# ---------------------------------------------------------------------------------------

def load_store(folder: Path, data: Path, index: bool = True) -> dict[str, Any]:
    """Fill ``data`` with the corpus fast: parse, map each file, one bulk load, then sync
    the search index.  The same named graphs and triples as ``jixiao ingest`` writes on a
    fresh folder, without its per-file transactional replace — which is what the ingest
    benchmark measures; the query benchmarks only need the data in place.  Reused while
    the corpus is unchanged (a stamp file records its manifest)."""
    stamp = data / "bench-loaded.json"
    key = (folder / "manifest.json").read_text(encoding="utf-8")[:400]
    info: dict[str, Any] = {}
    if stamp.exists():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("key") != key:
            info = {}
    if info and (not index or "sync" in info):
        return info
    import pyoxigraph as ox

    from graph.base import to_ox
    from graph.mapping import map_source
    from graph.store import open_store
    from ingest import parse_paths

    if not info:
        shutil.rmtree(data, ignore_errors=True)
        t0 = time.perf_counter()
        records = parse_paths(txt_files(folder))
        store = open_store(data=data)
        minter = store.minter
        shared = ox.NamedNode(str(minter.shared_graph()))
        count = [0]

        def quads() -> Any:
            for r in records:
                m = map_source(r, minter)
                g = ox.NamedNode(str(m.graph))
                for s, p, o in m.triples:
                    yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), g)
                for s, p, o in m.shared:
                    yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), shared)
                count[0] += len(m.triples) + len(m.shared)

        store.bulk_load(quads())
        # A bulk-loaded RocksDB answers the heavy queries ~1.8x slower until compacted
        # (measured at 10k tables); optimize before close() publishes the readers' snapshot.
        t1 = time.perf_counter()
        store._ox.optimize()  # the store has no public hook for this; benchmark-only
        info = {"key": key, "load_s": round(time.perf_counter() - t0, 2), "optimize_s": round(time.perf_counter() - t1, 2),
                "quads_loaded": count[0], "triples": store.triple_count()}
        del records
    else:
        store = open_store(data=data)
    if index:
        from search.service import Searcher

        t1 = time.perf_counter()
        searcher = Searcher.open(data, store)
        info["sync"] = {k: v for k, v in searcher.sync().items() if isinstance(v, int | float | str | bool | None)}
        info["sync_s"] = round(time.perf_counter() - t1, 2)
        searcher.close()
    store.close()
    stamp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    return info


# ---------------------------------------------------------------------------------------
# Speed by stage (each in a child process: `--_stage NAME CORPUS DATA`)
# ---------------------------------------------------------------------------------------

def _group_rss(pgid: int) -> float:
    from bench_serve import group_rss_mib

    return round(group_rss_mib(pgid), 1)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _stage_child(stage: str, folder: Path, data: Path) -> dict[str, Any]:
    """Run the pipeline up to ``stage`` inside this process, timing each step."""
    out: dict[str, Any] = {"stage": stage}
    t0 = time.perf_counter()
    from ingest import parse_paths

    records = parse_paths(txt_files(folder))
    out["parse_s"] = time.perf_counter() - t0
    out["tables"] = sum(len(r.tables) for r in records)
    out["indicators"] = sum(len(t.indicators) for r in records for t in r.tables)
    out["rss_after_parse_mib"] = _peak_rss_mib()
    if stage == "parse":
        return out
    from graph.mapping import map_source

    t0 = time.perf_counter()
    triples = 0
    for r in records:
        m = map_source(r)
        triples += len(m.triples) + len(m.shared)
    out["map_s"] = time.perf_counter() - t0
    out["triples_mapped"] = triples
    out["rss_after_map_mib"] = _peak_rss_mib()
    if stage == "map":
        return out
    from graph.store import open_store

    shutil.rmtree(data, ignore_errors=True)
    store = open_store(data=data)
    t0 = time.perf_counter()
    for r in records:
        store.replace_source(r)
    flush = getattr(store, "flush", None)
    if callable(flush):
        flush()
    out["store_s"] = time.perf_counter() - t0  # includes mapping again: replace_source maps
    out["rss_after_store_mib"] = _peak_rss_mib()
    try:
        out["store_stats"] = store.stats()
    except Exception as e:  # a stats() failure must not lose the timing
        out["store_stats"] = {"error": repr(e)}
    if stage == "store":
        store.close()
        return out
    from search.service import Searcher

    searcher = Searcher.open(data, store)
    enc = searcher.encoder
    spent = [0.0, 0]
    encode = enc.encode

    def timed_encode(texts: Any, *a: Any, **kw: Any) -> Any:
        s = time.perf_counter()
        try:
            return encode(texts, *a, **kw)
        finally:
            spent[0] += time.perf_counter() - s
            spent[1] += len(texts)

    enc.encode = timed_encode  # type: ignore[method-assign]
    t0 = time.perf_counter()
    report = searcher.sync()
    total = time.perf_counter() - t0
    out["embed_s"] = spent[0]
    out["embedded_texts"] = spent[1]
    out["index_s"] = total - spent[0]
    out["sync_report"] = {k: v for k, v in report.items() if isinstance(v, int | float | str | bool | None)}
    out["rss_after_index_mib"] = _peak_rss_mib()
    searcher.close()
    store.close()
    return out


def run_measured(args: list[str], timeout: float = 3600, env: dict[str, str] | None = None
                 ) -> dict[str, Any]:
    """Run a command as its own process: wall time and the kernel's peak RSS for that one
    process (``wait4`` on the unreaped child; RUSAGE_CHILDREN would be a maximum over all)."""
    import tempfile
    import threading

    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        # its own session: with the kernel's autogroup scheduling a session shares CPU as one group,
        # so a child left in a busy session would be measured slower than it is
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, cwd=ROOT, env=env, start_new_session=True)
        killer = threading.Timer(timeout, p.kill)  # a hung child must not hang the suite
        killer.start()
        assert p.stdout is not None
        stdout = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        killer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return {"returncode": p.returncode, "wall_s": time.perf_counter() - t0,
            "peak_rss_mib": usage.ru_maxrss / 1024, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
            "stdout": stdout.decode("utf-8", "replace"), "stderr_tail": stderr[-2000:]}


STAGES = ("parse", "map", "store", "index")


def stages(folder: Path, data: Path, timeout: float = 3600, upto: str = "index") -> dict[str, Any]:
    """Each stage in its own child: the last stage reached gives per-stage times and RSS."""
    result: dict[str, Any] = {}
    for stage in STAGES[:STAGES.index(upto) + 1]:
        r = run_measured([sys.executable, str(Path(__file__).resolve()), "--_stage", stage, str(folder), str(data)],
                         timeout)
        if r["returncode"] != 0:
            result[stage] = {"error": f"exit {r['returncode']}: {r['stderr_tail'][-600:]}",
                             "peak_rss_mib": r["peak_rss_mib"]}
            break
        try:
            out = json.loads(r["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            result[stage] = {"error": "no output"}
            break
        out["peak_rss_mib"] = r["peak_rss_mib"]
        out["process_wall_s"] = r["wall_s"]
        result[stage] = out
    return result


def summarize_stages(st: dict[str, Any]) -> dict[str, Any]:
    """Per-stage seconds, rates and peak RSS from the children's outputs."""
    s: dict[str, Any] = {}
    p = st.get("parse", {})
    if "parse_s" in p:
        s["parse"] = {"s": round(p["parse_s"], 3), "tables_per_s": round(p["tables"] / p["parse_s"], 1),
                      "peak_rss_mib": round(p["peak_rss_mib"], 1)}
    m = st.get("map", {})
    if "map_s" in m:
        s["map"] = {"s": round(m["map_s"], 3), "triples": m["triples_mapped"],
                    "triples_per_s": round(m["triples_mapped"] / m["map_s"]),
                    "tables_per_s": round(m["tables"] / m["map_s"], 1), "peak_rss_mib": round(m["peak_rss_mib"], 1)}
    so = st.get("store", {})
    if "store_s" in so:
        pure = so["store_s"] - m.get("map_s", 0.0)
        s["store"] = {"s": round(so["store_s"], 3), "s_without_mapping": round(pure, 3),
                      "triples_per_s": round(m.get("triples_mapped", 0) / so["store_s"]) if so["store_s"] else None,
                      "tables_per_s": round(so["tables"] / so["store_s"], 1), "peak_rss_mib": round(so["peak_rss_mib"], 1),
                      "stats": so.get("store_stats")}
    ix = st.get("index", {})
    if "embed_s" in ix:
        s["embed"] = {"s": round(ix["embed_s"], 3), "texts": ix["embedded_texts"],
                      "texts_per_s": round(ix["embedded_texts"] / ix["embed_s"]) if ix["embed_s"] else None}
        s["index"] = {"s": round(ix["index_s"], 3), "peak_rss_mib": round(ix["peak_rss_mib"], 1),
                      "sync": ix.get("sync_report")}
    for k, v in st.items():
        if "error" in v:
            s[k] = v
    return s


def end_to_end(folder: Path, data: Path, timeout: float = 3600, store_url: str | None = None) -> dict[str, Any]:
    """``jixiao ingest CORPUS --data DATA [--store URL]`` in a fresh data folder, as one process."""
    shutil.rmtree(data, ignore_errors=True)
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    extra = ["--store", store_url] if store_url else []
    r = run_measured([jixiao, "ingest", str(folder), "--data", str(data), *extra], timeout)
    tables = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["tables"]
    out = {"returncode": r["returncode"], "error": r["stderr_tail"][-600:] if r["returncode"] else None,
           "wall_s": round(r["wall_s"], 2), "peak_rss_mib": round(r["peak_rss_mib"], 1),
           "cpu_s": round(r["user_s"] + r["sys_s"], 2), "tables_per_s": round(tables / r["wall_s"], 1)}
    return out


def dump_quads(data: Path, out: Path) -> int:
    """Every quad of an ingested data folder as one N-Quads file; the number of quads."""
    import pyoxigraph as ox

    from graph.store import open_store

    store = open_store(data=data, read_only=True)
    try:
        with open(out, "wb") as fh:
            ox.serialize(store._quads(), fh, ox.RdfFormat.N_QUADS)  # benchmark-only access
        return store.triple_count()
    finally:
        store.close()


_BULK_LOAD = """import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
"""


def paired(folder: Path, work: Path, rounds: int = 3, timeout: float = 3600) -> dict[str, Any]:
    """The targets of issue 15 as ratios within one run, on a loaded machine: ``rounds``
    rounds, each one ``jixiao ingest`` end to end, ``jixiao ingest --no-index`` and
    pyoxigraph's ``bulk_load`` of the quads that ingest wrote (a fresh process each, into a
    fresh folder), the order turned each round so that a change of load falls on all three."""
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    nq = work / "paired.nq"
    runs: dict[str, list[dict[str, Any]]] = {"full": [], "no_index": [], "bulk_load": []}
    quads = None

    def run(kind: str) -> None:
        nonlocal quads
        data = work / f"paired-{kind}"
        shutil.rmtree(data, ignore_errors=True)
        if kind == "bulk_load":
            if quads is None:
                run("no_index")
            data.mkdir(parents=True)
            r = run_measured([sys.executable, "-c", _BULK_LOAD, str(data / "store"), str(nq)], timeout)
        else:
            extra = ["--no-index"] if kind == "no_index" else []
            r = run_measured([jixiao, "ingest", str(folder), "--data", str(data), *extra], timeout)
            if kind == "no_index" and quads is None and r["returncode"] == 0:
                quads = dump_quads(data, nq)
        if r["returncode"] != 0:
            raise RuntimeError(f"{kind} failed: {r['stderr_tail'][-600:]}")
        runs[kind].append({"wall_s": round(r["wall_s"], 2), "peak_rss_mib": round(r["peak_rss_mib"], 1),
                           "cpu_s": round(r["user_s"] + r["sys_s"], 2), "load": round(os.getloadavg()[0], 2)})

    orders = [("no_index", "full", "bulk_load"), ("full", "bulk_load", "no_index"), ("bulk_load", "no_index", "full")]
    for n in range(rounds):
        for kind in orders[n % len(orders)]:
            run(kind)
    runs["no_index"] = runs["no_index"][-rounds:]  # the first one may only have made the quads

    def median(xs: list[float]) -> float:
        xs = sorted(xs)
        return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2

    wall = {k: median([r["wall_s"] for r in v]) for k, v in runs.items()}
    per_round = [(f["wall_s"] / n["wall_s"], n["wall_s"] / b["wall_s"])
                 for f, n, b in zip(runs["full"], runs["no_index"], runs["bulk_load"], strict=False)]
    return {"rounds": rounds, "quads": quads, "runs": runs, "median_wall_s": wall,
            "full_over_no_index": round(wall["full"] / wall["no_index"], 3),
            "no_index_over_bulk_load": round(wall["no_index"] / wall["bulk_load"], 3),
            "per_round": [[round(a, 3), round(b, 3)] for a, b in per_round]}


# ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_stage"]:
        res = _stage_child(argv[1], Path(argv[2]), Path(argv[3]))
        print(json.dumps(res, ensure_ascii=False, default=str))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, action="append", help="corpus size (repeatable); default 1000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defect-rate", type=float, action="append",
                    help="defect rate(s) for the accuracy runs (repeatable); default 0, 0.05, 0.2")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("JIXIAO_BENCH_WORK", "/tmp/jixiao-bench")))
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--accuracy-only", action="store_true")
    ap.add_argument("--skip-stages", action="store_true", help="only end to end (large runs)")
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument("--stages-upto", choices=STAGES, default="index",
                    help="last stage measured on its own (the end-to-end run includes them all)")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--paired", type=int, default=0, metavar="ROUNDS",
                    help="the ratios of issue 15: end to end, --no-index and pyoxigraph's bulk_load, alternated")
    ap.add_argument("--oxigraph-server", action="store_true",
                    help="also ingest end to end into an empty `oxigraph serve` process (--store URL)")
    args = ap.parse_args(argv)
    sizes = args.tables or [1000]
    rates = args.defect_rate or [0.0, 0.05, 0.2]
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"accuracy": {}, "speed": {}}

    # Accuracy at each defect rate, on the smallest size.
    for rate in rates:
        folder = corpus(args.work, sizes[0], args.seed, rate)
        rep = accuracy(folder)
        results["accuracy"][f"{sizes[0]}@{rate:g}"] = rep
        print(f"accuracy {sizes[0]} tables, defect rate {rate:g}: rows {rep['row_accuracy']:.4%} "
              f"({rep['rows_expected']} rows), tables {rep['tables_found']}/{rep['tables_expected']}, "
              f"legal bases {rep['legal_bases']['exact']}/{rep['legal_bases']['expected']} exact, "
              f"parse {rep['parse_tables_per_s']} tables/s", flush=True)
        for k, v in rep["by_defect"].items():
            if v["accuracy"] < 1:
                print(f"    defect {k}: {v['accuracy']:.4%} of {v['rows']} rows")
        if rep["errors"]:
            print(f"    errors: {rep['errors']}")
            for e in rep["examples"][:3]:
                print(f"    e.g. {json.dumps(e, ensure_ascii=False)[:400]}")
    if not args.accuracy_only:
        for n in sizes:
            folder = corpus(args.work, n, args.seed, 0.05)
            entry: dict[str, Any] = {}
            if not args.skip_stages:
                raw = stages(folder, args.work / f"data-stages-{n}", args.timeout, args.stages_upto)
                entry["stages"] = summarize_stages(raw)
                print(f"stages {n}: {json.dumps(entry['stages'], ensure_ascii=False)}", flush=True)
            if not args.skip_e2e:
                entry["end_to_end"] = end_to_end(folder, args.work / f"data-e2e-{n}", args.timeout)
                print(f"end to end {n}: {entry['end_to_end']}", flush=True)
            if args.paired:
                entry["paired"] = paired(folder, args.work, args.paired, args.timeout)
                print(f"paired {n}: {json.dumps(entry['paired'])}", flush=True)
            if args.oxigraph_server:
                from bench_sparql import OxigraphServer

                loc = args.work / f"oxigraph-ingest-{n}"
                shutil.rmtree(loc, ignore_errors=True)  # an empty server: the ingest writes everything
                with OxigraphServer(loc) as server:
                    entry["end_to_end_remote"] = end_to_end(folder, args.work / f"data-remote-{n}", args.timeout,
                                                            server.url)
                    entry["end_to_end_remote"]["server_rss_mib"] = _group_rss(server.proc.pid) if server.proc else None
                print(f"end to end into oxigraph serve {n}: {entry['end_to_end_remote']}", flush=True)
            results["speed"][str(n)] = entry
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
