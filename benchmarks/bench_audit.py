"""Audit benchmark: the audit rules (ontology/audit.ttl) on a synthetic corpus, as a user runs them.

    python benchmarks/bench_audit.py --tables 10000 --work /tmp/bench-audit    # generate, then measure
    python benchmarks/bench_audit.py --corpus /tmp/c10k --work /tmp/bench-audit --json out.json

Stages (wall and CPU seconds of this process, and the machine's load average):

- ``files``: ``jixiao audit PATH…`` — every file parsed, mapped and audited on its own in
  the two worker processes (their CPU is theirs, not counted here), the findings gathered.
- ``store_write``: the prepared sources, findings included, written to a fresh on-disk store
  by the ingest's write path (``GraphStore.write_sources``), as ``jixiao ingest`` does.
- ``store_audit``: ``jixiao audit`` on that store — the findings stored at ingest gathered
  (``graph.audit.gather_stored``); ``store_audit_save`` also replaces its audit graph (the
  CLI's default ``--save``).
- ``compare``: on the first ``--compare`` files, in this process, the audit itself measured
  both ways as a ratio: every rule over all their tables in one in-memory store (the
  whole-graph engine, loading included) against each file audited on its own.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _clock():
    kids = os.times()
    return time.perf_counter(), time.process_time(), kids.children_user + kids.children_system


def _since(t):
    w, c, k = _clock()
    out = {"wall_s": round(w - t[0], 2), "cpu_s": round(c - t[1], 2)}
    if k - t[2] > 0.005:  # worker processes that ended in the stage
        out["workers_cpu_s"] = round(k - t[2], 2)
    return out


def _load() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def _corpus(args) -> Path:
    if args.corpus is not None:
        return args.corpus
    import importlib.util

    corpus = args.work / f"corpus-{args.tables}"
    if (corpus / "manifest.json").exists():
        return corpus
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = synth
    spec.loader.exec_module(synth)
    synth.generate(args.tables, seed=1, out=corpus)
    return corpus


def compare(prepared: list, files: int) -> dict:
    """The whole-graph engine against file-by-file on the same files (CPU of this process)."""
    from graph import audit

    part = prepared[:files]
    t = _clock()
    whole = audit.audit_memory(audit.memory_store(p.nquads for p in part))
    whole_t = _since(t)
    t = _clock()
    each = [f for p in part for f in audit.audit_source(p.nquads)]
    each_t = _since(t)
    keys = sorted(f.key() for f in whole.findings) == sorted(f.key() for f in each)
    return {"files": len(part), "tables": sum(p.tables for p in part), "whole_graph": whole_t,
            "file_by_file": each_t, "findings": len(each), "same_findings": keys,
            "cpu_ratio": round(each_t["cpu_s"] / whole_t["cpu_s"], 2) if whole_t["cpu_s"] else None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, help="folder of tables (benchmarks/synth.py output)")
    ap.add_argument("--tables", type=int, default=10000, help="generate a corpus of this many tables (default 10000)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "jixiao-bench-audit",
                    help="corpus and store folder (the store is written afresh)")
    ap.add_argument("--compare", type=int, default=250, help="files for the engine comparison (0: skip)")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)

    from api.app import Jixiao
    from graph import audit
    from graph.ingest_workers import prepared_files
    from graph.store import EmbeddedStore
    from ingest.pipeline import expand_paths

    args.work.mkdir(parents=True, exist_ok=True)
    corpus = _corpus(args)
    out: dict = {"corpus": str(corpus), "load_before": _load()}
    files = expand_paths([corpus])

    t = _clock()
    prepared = [p for _path, _errs, p, _docs in prepared_files(files, None) if p is not None]
    report = audit.files_report(prepared)
    out["files"] = {**_since(t), "files": len(files), "tables": report.projects, "findings": len(report.findings),
                    "counts": report.counts()}
    print("files", out["files"]["wall_s"], file=sys.stderr, flush=True)

    data = args.work / "data"
    shutil.rmtree(data, ignore_errors=True)
    t = _clock()
    store = EmbeddedStore(data)
    try:
        failed = [o for _i, o in store.write_sources(iter(prepared)) if isinstance(o, Exception)]
        store.publish()
    finally:
        store.close()
    out["store_write"] = {**_since(t), "failed": len(failed)}
    print("store_write", out["store_write"]["wall_s"], file=sys.stderr, flush=True)

    jx = Jixiao(data=data, read_only=True)
    try:
        t = _clock()
        stored = jx.audit()
        out["store_audit"] = {**_since(t), "findings": len(stored.findings), "tables": stored.projects,
                              "same_as_files": sorted(f.key() for f in stored.findings)
                              == sorted(f.key() for f in report.findings)}
    finally:
        jx.close()
    print("store_audit", out["store_audit"]["wall_s"], file=sys.stderr, flush=True)
    jx = Jixiao(data=data)
    try:
        t = _clock()
        saved = jx.audit(save=True)
        out["store_audit_save"] = {**_since(t), "findings": len(saved.findings)}
    finally:
        jx.close()
    print("store_audit_save", out["store_audit_save"]["wall_s"], file=sys.stderr, flush=True)
    if args.compare:
        out["compare"] = compare(prepared, args.compare)
    out["load_after"] = _load()
    text = json.dumps(out, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
