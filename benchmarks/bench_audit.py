"""Audit benchmark: the audit rules (ontology/audit.ttl) on a synthetic corpus, by stage.

    python benchmarks/bench_audit.py --corpus /tmp/c10k            # a folder from synth.py
    python benchmarks/bench_audit.py --tables 1000                 # generate one first
    python benchmarks/bench_audit.py --corpus /tmp/c10k --store /tmp/d10k --json out.json

Stages (wall and CPU seconds of this process; parsing runs in two worker processes, so its
CPU is theirs): parse and map the files (``jixiao audit PATH`` does the same), load the
mapped triples into an in-memory Oxigraph store, run every rule (set-based SPARQL engine),
per rule and in all. ``--store`` also times the same audit over an ingested on-disk store
(``jixiao audit --data``). The machine's load average is recorded with each run.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _clock():
    return time.perf_counter(), time.process_time()


def _since(t):
    w, c = _clock()
    return {"wall_s": round(w - t[0], 2), "cpu_s": round(c - t[1], 2)}


def _load() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def run_rules(query, label: str) -> dict:
    from graph import audit

    settings = audit.default_settings()
    per, raw_total = {}, 0
    t_all = _clock()
    for rule in audit.rules():
        t = _clock()
        raw = audit._run_sparql(query, [rule], settings, None)
        per[rule.id] = {**_since(t), "findings": len(raw)}
        raw_total += len(raw)
        print(f"  {label} {rule.id}: {per[rule.id]}", file=sys.stderr, flush=True)
    return {"rules": _since(t_all), "per_rule": per, "raw_findings": raw_total}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, help="folder of tables (benchmarks/synth.py output)")
    ap.add_argument("--tables", type=int, help="generate a corpus of this many tables first")
    ap.add_argument("--store", type=Path, help="also audit this ingested data folder (on disk)")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()

    from api.app import Jixiao, _prepared_files
    from graph import audit
    from ingest.pipeline import expand_paths

    corpus = args.corpus
    if corpus is None:
        import importlib.util

        spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
        synth = importlib.util.module_from_spec(spec)
        sys.modules["synth"] = synth
        spec.loader.exec_module(synth)
        corpus = Path(tempfile.mkdtemp(prefix="bench-audit-"))
        synth.generate(args.tables or 1000, seed=1, out=corpus)
    out: dict = {"corpus": str(corpus), "load_before": _load()}
    files = expand_paths([corpus])
    t = _clock()
    chunks = [p.nquads for _path, _errs, p, _docs in _prepared_files(files, None) if p is not None]
    out["parse_map"] = {**_since(t), "files": len(files)}
    t = _clock()
    mem = audit.memory_store(chunks)
    del chunks
    out["load_memory"] = {**_since(t), "quads": len(mem)}
    out["memory"] = run_rules(lambda q: mem.query(q, use_default_graph_as_union=True), "memory")
    t = _clock()
    report = audit.audit_memory(mem)
    out["memory_full_audit"] = {**_since(t), "findings": len(report.findings), "tables": report.projects,
                                "counts": report.counts()}
    if args.store:
        jx = Jixiao(data=args.store, read_only=True)
        try:
            out["store"] = run_rules(lambda q: jx.store.query(q).raw, "store")
        finally:
            jx.close()
    out["load_after"] = _load()
    text = json.dumps(out, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
