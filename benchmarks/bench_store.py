"""Store benchmark: load and query at 1M+ triples — jixiao's store vs plain pyoxigraph vs
rdflib's in-memory store.

    python benchmarks/bench_store.py                    # ~1.1M triples (400 copies of the sample)
    python benchmarks/bench_store.py --copies 20        # quick run
    python benchmarks/bench_store.py --json out.json

Data: the bundled sample (4 projects, 200 indicators, ~2.8k triples per file), parsed once
and mapped as N different source files (``/bench/<k>.txt``), plus the ontology.

Load:
- jixiao: ``EmbeddedStore.replace_source`` per file — the real ingest path (map, read the
  stored sha256, one transactional ``Store.extend`` for a new file), on disk; then per file
  for an unchanged re-ingest (no write) and a changed file (one DROP+INSERT+GC update);
- pyoxigraph: ``Store.bulk_load`` of the same quads as N-Quads (on disk), and
  ``Store.load`` (transactional, in memory);
- rdflib: ``Dataset().parse(format="nquads")`` into the in-memory store.

Queries: the three queries of the vocabulary contract + a COUNT, each run 3 times (best
time): jixiao ``store.select`` and ``store.dataset.query`` (rdflib API, via oxrdflib), plain
``pyoxigraph.Store.query``, and rdflib's Python SPARQL evaluator on its in-memory store.
A last check runs rdflib's evaluator over the oxrdflib store (what oxrdflib silently falls
back to for queries it cannot pass on) on the small sample only.
"""
from __future__ import annotations

import argparse
import copy
import gc
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "auditors": """SELECT ?title WHERE {
  ?doc eli:id_local "沪委办发〔2018〕12号" . ?p jx:legalBasis ?doc ; dcterms:title ?title . }""",
    "researchers": """SELECT ?l1label (COUNT(?i) AS ?n) WHERE {
  ?i a jx:Indicator ; jx:category ?l2 . ?l2 skos:broader ?l1 . ?l1 skos:prefLabel ?l1label .
} GROUP BY ?l1label""",
    "preparers": """SELECT ?name ?raw ?title WHERE {
  ?p jx:hasIndicator ?i ; dcterms:title ?title . ?i rdfs:label ?name .
  OPTIONAL { ?i jx:target/jx:rawText ?raw } FILTER(CONTAINS(?name, "满意度")) }""",
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}


def prologue() -> str:
    from graph.vocab import sparql_prologue

    return sparql_prologue()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best(fn, repeat: int = 3) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - t)
    return min(times), n


def records(copies: int):
    from ingest import parse_file

    base = parse_file(ROOT / "data" / "samples" / "shanghai-rencai-2020.txt")
    for k in range(copies):
        r = copy.copy(base)
        r.path = f"/bench/{k:05d}.txt"
        r.sha256 = f"{k:064x}"
        yield r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=400, help="copies of the sample (400 ≈ 1.1M triples)")
    ap.add_argument("--skip-rdflib", action="store_true", help="skip rdflib's in-memory store (slow at 1M)")
    ap.add_argument("--json", type=Path, help="write the numbers here too")
    args = ap.parse_args()

    import pyoxigraph as ox
    from rdflib import Dataset

    from graph.store import open_store

    out: dict = {"copies": args.copies, "load": {}, "query": {}}
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))

    # ---------------------------------------------------------------- jixiao store
    store = open_store(data=tmp / "jixiao")
    t = time.perf_counter()
    for r in records(args.copies):
        store.replace_source(r)
    load_s = time.perf_counter() - t
    triples = store.triple_count()
    out["triples"] = triples
    out["load"]["jixiao replace_source"] = {"seconds": load_s, "triples_per_s": triples / load_s}
    t = time.perf_counter()
    unchanged = sum(not store.replace_source(r).changed for r in records(min(args.copies, 50)))
    out["load"]["jixiao re-ingest unchanged (per file)"] = {
        "seconds": (time.perf_counter() - t) / max(unchanged, 1)}
    t = time.perf_counter()
    changed = 0
    for r in records(min(args.copies, 50)):
        r.sha256 = "f" + r.sha256[1:]  # same file, new content: the DROP+INSERT+GC update path
        changed += store.replace_source(r).changed
    out["load"]["jixiao replace changed file (per file)"] = {"seconds": (time.perf_counter() - t) / max(changed, 1)}
    nquads = store.export("nq")
    print(f"{triples:,} triples ({len(nquads) / 1e6:.0f} MB of N-Quads)", file=sys.stderr)

    # ---------------------------------------------------------------- plain pyoxigraph
    plain = ox.Store(str(tmp / "plain"))
    t = time.perf_counter()
    plain.bulk_load(nquads, ox.RdfFormat.N_QUADS)
    s = time.perf_counter() - t
    out["load"]["pyoxigraph bulk_load (disk)"] = {"seconds": s, "triples_per_s": triples / s}
    mem = ox.Store()
    t = time.perf_counter()
    mem.load(nquads, ox.RdfFormat.N_QUADS)
    s = time.perf_counter() - t
    out["load"]["pyoxigraph load (memory, transactional)"] = {"seconds": s, "triples_per_s": triples / s}
    del mem

    # ---------------------------------------------------------------- rdflib in memory
    rd = None
    if not args.skip_rdflib:
        before = rss_mb()
        rd = Dataset(default_union=True)
        t = time.perf_counter()
        rd.parse(data=nquads, format="nquads")
        s = time.perf_counter() - t
        out["load"]["rdflib Dataset.parse (memory)"] = {"seconds": s, "triples_per_s": triples / s,
                                                       "rss_growth_mb": rss_mb() - before}

    # ---------------------------------------------------------------- queries
    pro = prologue()
    for name, q in QUERIES.items():
        row: dict = {}
        row["jixiao select"], n1 = best(lambda q=q: len(store.select(q)))
        row["jixiao dataset.query (oxrdflib)"], _ = best(lambda q=q: len(list(store.dataset.query(pro + q))))
        row["pyoxigraph"], n2 = best(lambda q=q: len(list(plain.query(pro + q, use_default_graph_as_union=True))))
        if rd is not None:
            row["rdflib (Python evaluator)"], n3 = best(lambda q=q: len(list(rd.query(pro + q))), repeat=1)
            row["rdflib rows"] = n3
        row["rows"] = n1
        assert n1 == n2, (name, n1, n2)
        out["query"][name] = row

    # ---------------------------------------------------------------- the oxrdflib fallback, small
    small = open_store(data=tmp / "small")
    small.replace_source(next(records(1)))
    q = pro + QUERIES["researchers"]
    native, _ = best(lambda: len(list(small.dataset.query(q))))
    fallback, _ = best(lambda: len(list(small.dataset.query(q, use_store_provided=False))), repeat=1)
    out["oxrdflib fallback (sample, 3.8k triples)"] = {
        "Oxigraph engine": native, "rdflib evaluator over oxrdflib": fallback}
    small.close()
    store.close()

    print_report(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    gc.collect()


def print_report(out: dict) -> None:
    buf = io.StringIO()
    buf.write(f"\n## Store benchmark: {out['triples']:,} triples ({out['copies']} source files)\n\n")
    buf.write("| load | seconds | triples/s |\n|---|---:|---:|\n")
    for k, v in out["load"].items():
        tps = f"{v['triples_per_s']:,.0f}" if "triples_per_s" in v else ""
        buf.write(f"| {k} | {v['seconds']:.3f} | {tps} |\n")
    cols = sorted({c for row in out["query"].values() for c in row if c not in ("rows", "rdflib rows")},
                  key=lambda c: ["jixiao select", "jixiao dataset.query (oxrdflib)", "pyoxigraph",
                                 "rdflib (Python evaluator)"].index(c))
    buf.write("\n| query (ms, best of 3) | rows | " + " | ".join(cols) + " |\n")
    buf.write("|---|---:|" + "---:|" * len(cols) + "\n")
    for name, row in out["query"].items():
        buf.write(f"| {name} | {row['rows']} | " + " | ".join(f"{row[c] * 1000:,.1f}" for c in cols) + " |\n")
    fb = out["oxrdflib fallback (sample, 3.8k triples)"]
    buf.write(f"\nresearchers query on the sample: Oxigraph engine {fb['Oxigraph engine'] * 1000:.1f} ms, "
              f"rdflib's evaluator over the oxrdflib store {fb['rdflib evaluator over oxrdflib'] * 1000:.1f} ms\n")
    print(buf.getvalue())


if __name__ == "__main__":
    main()
