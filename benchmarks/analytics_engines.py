"""The six research queries of bench_sparql.py on four engines over the same data, side by side
(issue 15, "Analytics"): the embedded store on disk (RocksDB), the same data in Oxigraph's
in-memory store (what the query workers' replica holds, graph.replica), jixiao's endpoint
(which answers from that replica), and a columnar copy in DuckDB queried with SQL.

Every engine's answer is compared with the store's (rows as sorted tuples, numbers to 9
significant digits): the faster engines must give the same answers. Memory and load time
are measured per engine, so the cost of each option can be scaled to larger corpora.

    python benchmarks/analytics_engines.py --tables 10000 --runs 3
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_ingest  # noqa: E402
import bench_sparql  # noqa: E402

# --------------------------------------------------------------------------- flat tables
# One narrow table per property the research queries read (a column store's natural layout:
# subject, value), each filled by one SPARQL SELECT over the in-memory copy.
TABLES: dict[str, str] = {
    "indicator": "SELECT ?i WHERE { ?i a jx:Indicator }",
    "project": "SELECT ?p WHERE { ?p a jx:Project }",
    "category": "SELECT ?i ?c WHERE { ?i jx:category ?c }",
    "broader": "SELECT ?c ?b WHERE { ?c skos:broader ?b }",
    "preflabel": "SELECT ?c ?label WHERE { ?c skos:prefLabel ?label }",
    "has_indicator": "SELECT ?p ?i WHERE { ?p jx:hasIndicator ?i }",
    "title": "SELECT ?s ?title WHERE { ?s dcterms:title ?title }",
    "label": "SELECT ?i ?name WHERE { ?i rdfs:label ?name }",
    "target": "SELECT ?i ?t WHERE { ?i jx:target ?t }",
    "operator": "SELECT ?t ?op WHERE { ?t jx:operator ?op }",
    "numeric": "SELECT ?t ?v WHERE { ?t jx:numericValue ?v }",
    "rawtext": "SELECT ?t ?raw WHERE { ?t jx:rawText ?raw }",
    "basis": "SELECT ?p ?d WHERE { ?p jx:legalBasis ?d }",
    "id_local": "SELECT ?d ?num WHERE { ?d eli:id_local ?num }",
}
NUMERIC = {("numeric", "v")}

# The same six questions in SQL over those tables (SPARQL's semantics: bag joins, OPTIONAL as
# LEFT JOIN, COUNT of bound values, AVG over numbers only).
SQL: dict[str, str] = {
    "c1_projects_on_document": """
        SELECT t.title FROM id_local n JOIN basis b ON b.d = n.d JOIN title t ON t.s = b.p
        WHERE n.num = '沪委办发〔2018〕12号'""",
    "c2_indicators_per_l1": """
        SELECT pl.label AS l1label, COUNT(x.i) AS n FROM indicator x JOIN category c ON c.i = x.i
        JOIN broader b ON b.c = c.c JOIN preflabel pl ON pl.c = b.b GROUP BY pl.label""",
    "c3_satisfaction_targets": """
        SELECT l.name, r.raw, t.title FROM has_indicator h JOIN title t ON t.s = h.p JOIN label l ON l.i = h.i
        LEFT JOIN (SELECT g.i, rt.raw FROM target g JOIN rawtext rt ON rt.t = g.t) r ON r.i = h.i
        WHERE contains(l.name, '满意度')""",
    "a1_target_distribution_per_category": """
        SELECT pl.label AS l2label, op.op, COUNT(x.i) AS n, AVG(nv.v) AS mean, MIN(nv.v) AS min, MAX(nv.v) AS max
        FROM indicator x JOIN category c ON c.i = x.i JOIN preflabel pl ON pl.c = c.c
        JOIN target g ON g.i = x.i JOIN numeric nv ON nv.t = g.t LEFT JOIN operator op ON op.t = g.t
        GROUP BY pl.label, op.op ORDER BY pl.label, op.op""",
    "a2_documents_cited_most": """
        SELECT n.num, ANY_VALUE(t.title) AS title, COUNT(DISTINCT b.p) AS projects
        FROM basis b JOIN id_local n ON n.d = b.d LEFT JOIN title t ON t.s = b.d
        GROUP BY n.num ORDER BY projects DESC LIMIT 20""",
    "a3_projects_without_numbered_basis": """
        SELECT p.p, t.title FROM project p JOIN title t ON t.s = p.p
        WHERE NOT EXISTS (SELECT 1 FROM basis b JOIN id_local n ON n.d = b.d WHERE b.p = p.p)""",
}
# Answers compared as sets of rows where the query's order or SAMPLE leave a choice.
LOOSE = {"a2_documents_cited_most": (0, 2)}  # num and count: ties and SAMPLE(title) may differ


NUMBER_TYPES = ("integer", "decimal", "double", "float", "int", "long")


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _norm(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float | int) and not isinstance(v, bool):
        return float(f"{float(v):.9g}")
    s = getattr(v, "value", v)
    datatype = getattr(getattr(v, "datatype", None), "value", "")
    if datatype.rsplit("#", 1)[-1] in NUMBER_TYPES:
        try:
            return float(f"{float(s):.9g}")
        except ValueError:
            pass
    return str(s)


def answer_set(rows: list[tuple], name: str) -> list[tuple]:
    cols = LOOSE.get(name)
    rows = [tuple(_norm(x) for x in r) for r in rows]
    if cols:
        rows = [tuple(r[c] for c in cols) for r in rows]
        # ORDER BY count … LIMIT n: the rows tied at the last count may be any of the tied ones, so
        # those compare by their count only (every engine must still give as many of them)
        last = min((r[-1] for r in rows), default=None)
        rows = [r if r[-1] != last else (None, *r[1:]) for r in rows]
    return sorted(rows, key=repr)


def sparql_rows(store: Any, sparql: str) -> list[tuple]:
    res = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [tuple(sol[n] for n in names) for sol in res]


def memory_copy(data: Path) -> tuple[Any, dict[str, Any]]:
    """The copy the query workers make (graph.replica): the published snapshot's N-Quads dump
    (written once, shared), bulk-loaded into an in-memory store."""
    import pyoxigraph as ox

    from graph.replica import snapshot_dump

    snapshots = data / "snapshots"
    name = (snapshots / "CURRENT").read_text(encoding="utf-8").strip()
    gc.collect()
    before = rss_mib()
    t0 = time.perf_counter()
    existed = (snapshots / f"{name}.nq").exists()
    dump = snapshot_dump(snapshots, name)
    t1 = time.perf_counter()
    mem = ox.Store()
    mem.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    gc.collect()
    return mem, {"dump_s": None if existed else round(t1 - t0, 2), "load_s": round(time.perf_counter() - t1, 2),
                 "rss_mib": round(rss_mib() - before, 1), "dump_mib": round(dump.stat().st_size / 2**20, 1),
                 "disk_mib": round(sum(p.stat().st_size for p in (snapshots / name).rglob("*") if p.is_file())
                                   / 2**20, 1),
                 "quads": len(mem)}


def flat_copy(mem: Any, work: Path) -> tuple[Any, dict[str, Any]]:
    """DuckDB tables filled from SPARQL CSV results of the in-memory copy (Oxigraph writes the
    CSV, DuckDB reads it: no Python loop over rows)."""
    try:
        import duckdb
    except ImportError:
        return None, {"skipped": "duckdb is not installed (pip install -e '.[bench]')"}
    import pyoxigraph as ox

    gc.collect()
    before = rss_mib()
    t0 = time.perf_counter()
    con = duckdb.connect(":memory:")
    rows_total = 0
    work.mkdir(parents=True, exist_ok=True)
    for table, sparql in TABLES.items():
        res = mem.query(bench_sparql.PREFIXES + sparql, use_default_graph_as_union=True)
        csv = work / f"flat-{table}.csv"
        res.serialize(str(csv), format=ox.QueryResultsFormat.CSV)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header=true, all_varchar=true, "
                    f"quote='\"', escape='\"')", [str(csv)])
        for t, col in NUMERIC:
            if t == table:
                con.execute(f"ALTER TABLE {table} ALTER {col} TYPE DOUBLE")
        rows_total += con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        csv.unlink()
    load_s = round(time.perf_counter() - t0, 2)
    gc.collect()
    return con, {"load_s": load_s, "rss_mib": round(rss_mib() - before, 1), "rows": rows_total}


def run(data: Path, runs: int, budget: float, work: Path, http: bool = True) -> dict[str, Any]:
    """Time each query on each engine in rounds (A B C D, A B C D, …); compare the answers."""
    import pyoxigraph as ox

    out: dict[str, Any] = {"engines": {}, "queries": {}}
    disk = ox.Store.read_only(str(data / "store"))
    mem, out["engines"]["memory"] = memory_copy(data)
    print(f"  memory copy: {out['engines']['memory']}", flush=True)
    con, out["engines"]["flat"] = flat_copy(mem, work)
    print(f"  flat copy: {out['engines']['flat']}", flush=True)
    server = client = None
    fns: dict[str, Callable[[str], list[tuple]]] = {
        "disk": lambda name: sparql_rows(disk, bench_sparql.q(name)),
        "memory": lambda name: sparql_rows(mem, bench_sparql.q(name)),
    }
    if con is not None:
        fns["flat"] = lambda name: [tuple(r) for r in con.execute(SQL[name]).fetchall()]
    try:
        if http:
            port = bench_sparql.free_port()
            t0 = time.perf_counter()
            server = bench_sparql.start_server(data, port)
            import httpx

            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600)
            probe = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/jixiao/ontology#Project> }"
            engine = ""
            while engine != "memory" and time.perf_counter() - t0 < 600:
                try:
                    r = client.get("/sparql", params={"query": probe},
                                   headers={"Accept": "application/sparql-results+json"})
                    engine = r.headers.get("x-jixiao-engine", "") if r.status_code == 200 else ""
                except httpx.HTTPError:
                    pass
                if engine != "memory":
                    time.sleep(0.2)
            out["engines"]["http"] = {"replica_ready_s": round(time.perf_counter() - t0, 2), "engine": engine}
            print(f"  endpoint: {out['engines']['http']}", flush=True)

            def via_http(name: str) -> list[tuple]:
                r = client.get("/sparql", params={"query": bench_sparql.q(name)},
                               headers={"Accept": "application/sparql-results+json"})
                r.raise_for_status()
                via_http.engine = r.headers.get("x-jixiao-engine", "")
                body = r.json()
                names = body["head"]["vars"]
                return [tuple(_json_value(b.get(n)) for n in names) for b in body["results"]["bindings"]]

            fns["http"] = via_http
        for name in bench_sparql.QUERIES:
            times: dict[str, list[float]] = {k: [] for k in fns}
            answers: dict[str, list[tuple]] = {}
            for rnd in range(runs + 1):  # round 0 warms up (first touch of pages, caches)
                for k, fn in fns.items():
                    t0 = time.perf_counter()
                    rows = fn(name)
                    dt = time.perf_counter() - t0
                    if rnd:
                        times[k].append(dt)
                    answers[k] = rows
                if rnd >= 2 and sum(map(sum, times.values())) > budget * len(fns):
                    break
            ref = answer_set(answers["disk"], name)
            res = {k: {"median_ms": round(statistics.median(v) * 1000, 2), "runs": len(v),
                       "rows": len(answers[k]), "same_answer": answer_set(answers[k], name) == ref}
                   for k, v in times.items()}
            if "http" in fns:
                res["http"]["engine"] = getattr(fns["http"], "engine", "")
            out["queries"][name] = res
            print(f"  {name}: " + ", ".join(f"{k} {v['median_ms']} ms{'' if v['same_answer'] else ' (DIFFERS)'}"
                                           for k, v in res.items()), flush=True)
    finally:
        if client is not None:
            client.close()
        if server is not None:
            bench_sparql.stop(server)
    out["load_average"] = os.getloadavg()[0]
    return out


def _json_value(b: dict | None) -> Any:
    if b is None:
        return None
    dt = b.get("datatype", "")
    if dt.rsplit("#", 1)[-1] in NUMBER_TYPES:
        return float(b["value"])
    return b["value"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per query and engine, after 2 rounds")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("JIXIAO_BENCH_WORK", "/tmp/jixiao-bench")))
    ap.add_argument("--data", type=Path, help="an existing data folder (default: the synthetic corpus's)")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.data:
        data, load = args.data, {}
    else:
        folder = bench_ingest.corpus(args.work, args.tables, args.seed, 0.05)
        data = args.work / f"data-q-{args.tables}"
        load = bench_ingest.load_store(folder, data, index=False)
    out = {"tables": args.tables, "triples": load.get("triples"), "data": str(data)}
    out.update(run(data, args.runs, args.budget, args.work, http=not args.no_http))
    print(json.dumps({k: v for k, v in out.items() if k != "queries"}, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
