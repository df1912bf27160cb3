"""SPARQL benchmark: the three contract queries of the vocabulary (shared spec
vocabulary.md) and three heavier analytical ones, median and p95, through

  (a) jixiao's HTTP endpoint (``jixiao serve``, GET /sparql, JSON results),
  (b) pyoxigraph directly on the same store (query + iterate; and query + JSON serialize,
      which is the same work as the endpoint minus HTTP and the worker hop),
  (c) rdflib's in-memory Dataset (the same quads, loaded from an N-Quads dump),

so the ratios say what jixiao's layers cost and what the engine choice buys.

    python benchmarks/bench_sparql.py --tables 10000
    python benchmarks/bench_sparql.py --tables 1000 --rdflib-tables 1000 --runs 9
    python benchmarks/bench_sparql.py --tables 10000 --store-url http://127.0.0.1:7878   # remote

The store is filled with ``bench_ingest.load_store`` (one bulk load of the mapped corpus).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_ingest  # noqa: E402

PREFIXES = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
"""

QUERIES: dict[str, str] = {
    # the three contract queries, as the vocabulary spec writes them
    "c1_projects_on_document": """SELECT ?title WHERE {
  ?doc eli:id_local "沪委办发〔2018〕12号" .
  ?p jx:legalBasis ?doc ; dcterms:title ?title .
}""",
    # c2, c3 and a3 in faster forms with the same answers (AS_WRITTEN below has the forms the
    # spec writes; tests/test_research_query_forms.py checks the rows are the same): counted
    # per category before the labels are joined; the name filter on the labels first
    "c2_indicators_per_l1": """SELECT ?l1label (SUM(?c) AS ?n) WHERE {
  { SELECT ?l2 (COUNT(?i) AS ?c) WHERE { ?i a jx:Indicator ; jx:category ?l2 . } GROUP BY ?l2 }
  ?l2 skos:broader ?l1 . ?l1 skos:prefLabel ?l1label .
} GROUP BY ?l1label""",
    "c3_satisfaction_targets": """SELECT ?name ?raw ?title WHERE {
  { ?i rdfs:label ?name . FILTER(CONTAINS(?name, "满意度")) }
  ?p jx:hasIndicator ?i ; dcterms:title ?title .
  OPTIONAL { ?i jx:target/jx:rawText ?raw }
}""",
    # heavier analytical ones
    "a1_target_distribution_per_category": """SELECT ?l2label ?op (COUNT(?i) AS ?n) (AVG(?v) AS ?mean)
       (MIN(?v) AS ?min) (MAX(?v) AS ?max) WHERE {
  ?i a jx:Indicator ; jx:category ?l2 ; jx:target ?t . ?l2 skos:prefLabel ?l2label .
  ?t jx:numericValue ?v . OPTIONAL { ?t jx:operator ?op }
} GROUP BY ?l2label ?op ORDER BY ?l2label ?op""",
    "a2_documents_cited_most": """SELECT ?num (SAMPLE(?t) AS ?title) (COUNT(DISTINCT ?p) AS ?projects) WHERE {
  ?p jx:legalBasis ?doc . ?doc eli:id_local ?num . OPTIONAL { ?doc dcterms:title ?t }
} GROUP BY ?num ORDER BY DESC(?projects) LIMIT 20""",
    # MINUS: the numbered bases are found once and taken away (the same rows as FILTER NOT
    # EXISTS here: ?p is always bound), instead of a lookup per project
    "a3_projects_without_numbered_basis": """SELECT ?p ?title WHERE {
  ?p a jx:Project ; dcterms:title ?title .
  MINUS { ?p jx:legalBasis ?d . ?d eli:id_local ?n }
}""",
}

# The forms the vocabulary spec writes, of the queries QUERIES ships faster (measured at 10k
# tables in memory, load ~12: c2 6.3 -> 3.6 s, c3 11.9 -> 4.8 s, a3 40 -> 1.1 s).
AS_WRITTEN: dict[str, str] = {
    "c2_indicators_per_l1": """SELECT ?l1label (COUNT(?i) AS ?n) WHERE {
  ?i a jx:Indicator ; jx:category ?l2 . ?l2 skos:broader ?l1 . ?l1 skos:prefLabel ?l1label .
} GROUP BY ?l1label""",
    "c3_satisfaction_targets": """SELECT ?name ?raw ?title WHERE {
  ?p jx:hasIndicator ?i ; dcterms:title ?title . ?i rdfs:label ?name .
  OPTIONAL { ?i jx:target/jx:rawText ?raw }
  FILTER(CONTAINS(?name, "满意度"))
}""",
    "a3_projects_without_numbered_basis": """SELECT ?p ?title WHERE {
  ?p a jx:Project ; dcterms:title ?title .
  FILTER NOT EXISTS { ?p jx:legalBasis ?d . ?d eli:id_local ?n }
}""",
}


def q(name: str) -> str:
    return PREFIXES + QUERIES[name]


def percentile(xs: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: with few runs p95 is an observed time)."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def timed(fn: Callable[[], int], runs: int, budget_s: float, warmup: int = 1) -> dict[str, Any]:
    """Run ``fn`` (returns a row count) ``runs`` times or until ``budget_s`` is spent (≥3 runs)."""
    for _ in range(warmup):
        rows = fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < runs and (len(times) < 3 or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - t0)
    return {"median_ms": round(statistics.median(times) * 1000, 2), "p95_ms": round(percentile(times, 95) * 1000, 2),
            "runs": len(times), "rows": rows}


# ---------------------------------------------------------------------------------------
# engines
# ---------------------------------------------------------------------------------------

def pyoxigraph_runner(store_dir: Path) -> tuple[Any, Callable[[str, bool], int]]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))

    def run(sparql: str, serialize: bool) -> int:
        res = store.query(sparql, use_default_graph_as_union=True)
        if serialize:  # the endpoint's work: the whole answer as SPARQL JSON
            data = res.serialize(format=ox.QueryResultsFormat.JSON)
            return len(data)  # bytes: counting rows would add a JSON parse the endpoint does not do
        return sum(1 for _ in res)

    return store, run


def rdflib_dataset(store_dir: Path) -> tuple[Any, dict[str, Any]]:
    """An rdflib in-memory Dataset (default graph = union) with the store's quads."""
    import pyoxigraph as ox
    from rdflib import Dataset

    src = ox.Store.read_only(str(store_dir))
    t0 = time.perf_counter()
    data = src.dump(format=ox.RdfFormat.N_QUADS)
    ds = Dataset(default_union=True)
    ds.parse(data=data.decode("utf-8"), format="nquads")
    info = {"load_s": round(time.perf_counter() - t0, 2), "quads": len(src)}
    del src
    return ds, info


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float) -> float:
    """Seconds until ``url`` answers 200 (polling every 20 ms); raises after ``timeout``."""
    import httpx

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def start_server(data: Path, port: int, store_url: str | None = None, extra: list[str] | None = None
                 ) -> subprocess.Popen:
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    args = [jixiao, "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port),
            "--max-rows", "10000000", "--timeout", "300"] + (extra or [])
    if store_url:
        args += ["--store", store_url]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HERE.parent,
                            start_new_session=True)


def stop(p: subprocess.Popen) -> None:
    """Stop a server we started (its process group: uvicorn plus its SPARQL workers)."""
    import signal

    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


class OxigraphServer:
    """An ``oxigraph serve`` process on 127.0.0.1 (a free port) over its own copy of the data,
    started for a benchmark and stopped after it (``with OxigraphServer(...) as url``)."""

    def __init__(self, location: Path, nquads: Path | None = None, union: bool = True) -> None:
        self.location, self.nquads, self.union = location, nquads, union
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.load_s: float | None = None

    def __enter__(self) -> OxigraphServer:
        import shutil

        exe = str(Path(sys.executable).with_name("oxigraph"))
        if self.nquads is not None:
            shutil.rmtree(self.location, ignore_errors=True)
            t0 = time.perf_counter()
            subprocess.run([exe, "load", "--location", str(self.location), "--file", str(self.nquads)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.load_s = round(time.perf_counter() - t0, 2)
        port = free_port()
        args = [exe, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{port}"]
        if self.union:
            args.append("--union-default-graph")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        wait_http(self.url + "/query?query=ASK%7B%7D", 60)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            stop(self.proc)


def dump_nquads(store_dir: Path, out: Path) -> Path:
    import pyoxigraph as ox

    src = ox.Store.read_only(str(store_dir))
    src.dump(str(out), format=ox.RdfFormat.N_QUADS)
    return out


def oxigraph_server_runner(url: str) -> tuple[Any, Callable[[str], int]]:
    """The SPARQL server queried directly (no jixiao in between)."""
    import httpx

    client = httpx.Client(timeout=600)

    def run(sparql: str) -> int:
        r = client.post(url + "/query", content=sparql.encode("utf-8"),
                        headers={"Content-Type": "application/sparql-query",
                                 "Accept": "application/sparql-results+json"})
        r.raise_for_status()
        return len(r.json()["results"]["bindings"])

    return client, run


def http_runner(base: str) -> tuple[Any, Callable[[str], int]]:
    import httpx

    client = httpx.Client(base_url=base, timeout=600)

    def run(sparql: str) -> int:
        r = client.get("/sparql", params={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
        r.raise_for_status()
        return len(r.json()["results"]["bindings"])

    return client, run


# ---------------------------------------------------------------------------------------

def interleaved(fns: dict[str, Callable[[], int]], runs: int, budget_s: float,
                warmup: bool = True) -> dict[str, Any]:
    """Time several engines on one query in rounds (A B C, A B C, …) so that a drift of the
    machine's speed hits them alike; ratios are taken round by round, then the median.
    ``warmup=False``: no untimed first run (where one run takes minutes; the median of three
    rounds then drops a cold first round)."""
    for fn in fns.values() if warmup else ():  # warm-up: caches, lazily opened stores, first-touch
        fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    rows: dict[str, int] = {}
    start = time.perf_counter()
    rounds = 0
    while rounds < runs and (rounds < 3 or time.perf_counter() - start < budget_s):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            rows[k] = fn()
            times[k].append(time.perf_counter() - t0)
        rounds += 1
    out: dict[str, Any] = {k: {"median_ms": round(statistics.median(v) * 1000, 2),
                               "p95_ms": round(percentile(v, 95) * 1000, 2), "runs": len(v), "rows": rows[k]}
                           for k, v in times.items()}
    out["_times"] = times
    return out


def _pair_ratio(times: dict[str, list[float]], a: str, b: str) -> float | None:
    if a not in times or b not in times:
        return None
    return round(statistics.median(x / y for x, y in zip(times[a], times[b], strict=False) if y > 0), 2)


def bench(data: Path, runs: int, budget: float, rdflib_data: Path | None, store_url: str | None = None,
          engines: tuple[str, ...] = ("http", "pyoxigraph", "rdflib")) -> dict[str, Any]:
    results: dict[str, Any] = {name: {} for name in QUERIES}
    server = client = store = None
    fns: dict[str, Callable[[str], int]] = {}
    try:
        if "pyoxigraph" in engines and store_url is None:
            store, run = pyoxigraph_runner(data / "store")
            fns["pyoxigraph"] = lambda s, run=run: run(s, False)
            fns["pyoxigraph_json"] = lambda s, run=run: run(s, True)
        if "http" in engines:
            port = free_port()
            server = start_server(data, port, store_url)
            wait_http(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", 120)
            client, run_http = http_runner(f"http://127.0.0.1:{port}")
            fns["http"] = run_http
        for name in QUERIES:
            r = interleaved({k: (lambda f=f, n=name: f(q(n))) for k, f in fns.items()}, runs, budget)
            times = r.pop("_times")
            results[name].update(r)
            ratio = _pair_ratio(times, "http", "pyoxigraph_json")
            if ratio is not None:
                results[name]["http_over_pyoxigraph_json"] = ratio
            print(f"  {name}: " + ", ".join(f"{k} {v['median_ms']} ms" for k, v in r.items()), flush=True)
    finally:
        if client is not None:
            client.close()
        if server is not None:
            stop(server)
        del store
    info: dict[str, Any] = {}
    if "rdflib" in engines and rdflib_data is not None:
        ds, info = rdflib_dataset(rdflib_data / "store")
        for name in QUERIES:
            try:
                results[name]["rdflib"] = timed(lambda n=name: len(list(ds.query(q(n)))), max(3, runs // 3), budget)
            except Exception as e:  # rdflib's evaluator may not finish or may reject a form
                results[name]["rdflib"] = {"error": repr(e)[:200]}
            print(f"  rdflib {name}: {results[name]['rdflib']}", flush=True)
        del ds
    for r in results.values():
        if r.get("pyoxigraph", {}).get("median_ms") and "median_ms" in r.get("rdflib", {}):
            r["rdflib_over_pyoxigraph"] = round(r["rdflib"]["median_ms"] / r["pyoxigraph"]["median_ms"], 1)
    return {"queries": results, "rdflib_load": info}


def bench_remote(data: Path, work: Path, runs: int, budget: float) -> dict[str, Any]:
    """The same queries with the triples in an ``oxigraph serve`` process: directly, and
    through ``jixiao serve --store URL`` (docs/scaling.md)."""
    nq = dump_nquads(data / "store", work / "remote-dump.nq")
    results: dict[str, Any] = {name: {} for name in QUERIES}
    with OxigraphServer(work / "oxigraph-server", nq) as server:
        client, run = oxigraph_server_runner(server.url)
        port = free_port()
        jx = start_server(data, port, server.url)
        try:
            wait_http(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", 120)
            hc, run_http = http_runner(f"http://127.0.0.1:{port}")
            for name in QUERIES:
                r = interleaved({"oxigraph_server": lambda n=name: run(q(n)),
                                 "http_remote": lambda n=name: run_http(q(n))}, runs, budget)
                times = r.pop("_times")
                results[name].update(r)
                results[name]["http_remote_over_server"] = _pair_ratio(times, "http_remote", "oxigraph_server")
                print(f"  remote {name}: " + ", ".join(f"{k} {v['median_ms']} ms" for k, v in r.items()), flush=True)
            hc.close()
        finally:
            stop(jx)
            client.close()
        load_s = server.load_s
    nq.unlink(missing_ok=True)
    return {"queries": results, "oxigraph_load_s": load_s}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=10000)
    ap.add_argument("--rdflib-tables", type=int, default=1000,
                    help="corpus size for the rdflib leg (its in-memory store needs ~1.5 KB a triple); 0 skips it")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query and engine (at least 3 runs)")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("JIXIAO_BENCH_WORK", "/tmp/jixiao-bench")))
    ap.add_argument("--store-url", help="query a remote SPARQL store through jixiao serve --store URL")
    ap.add_argument("--oxigraph-server", action="store_true",
                    help="also run the queries against an `oxigraph serve` process (directly and via --store URL)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    folder = bench_ingest.corpus(args.work, args.tables, args.seed, 0.05)
    data = args.work / f"data-q-{args.tables}"
    load = bench_ingest.load_store(folder, data, index=False)  # queries need no search index
    print(f"store: {args.tables} tables, {load['triples']} triples (loaded in {load['load_s']}s)", flush=True)
    rdata = None
    if args.rdflib_tables:
        rdata = args.work / f"data-q-{args.rdflib_tables}"
        bench_ingest.load_store(bench_ingest.corpus(args.work, args.rdflib_tables, args.seed, 0.05), rdata,
                                index=False)
    out: dict[str, Any] = {"tables": args.tables, "triples": load["triples"], "rdflib_tables": args.rdflib_tables}
    same = args.rdflib_tables == args.tables
    engines = ("http", "pyoxigraph") + (("rdflib",) if same else ())
    out.update(bench(data, args.runs, args.budget, rdata if same else None, args.store_url, engines))
    if rdata is not None and not same:
        # the rdflib leg on its own (smaller) corpus, with pyoxigraph on the same data for the ratio
        small = bench(rdata, args.runs, args.budget, rdata, None, ("pyoxigraph", "rdflib"))
        out["rdflib_small"] = small
    if args.oxigraph_server:
        out["remote"] = bench_remote(data, args.work, args.runs, args.budget)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
