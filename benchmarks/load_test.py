"""Bounded loopback load test of `jixiao serve`: a fixed number of search and SPARQL
requests at a fixed concurrency, then it stops by itself.

    python benchmarks/load_test.py --tables 10000 --search 10000 --sparql 2000 --concurrency 16

Starts its own server on 127.0.0.1 (a free port) over the benchmark data folder, sends
the requests (search and SPARQL interleaved 5:1, queries drawn from fixed lists, seeded),
and reports throughput, latency percentiles per kind, errors, and the server's memory
(RSS of its process group) after a warm-up, at its peak and at the end — growth over a
long run is what a leak looks like.  The client runs on the same 2 cores, so the figures
are a floor on what the server does alone.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_ingest  # noqa: E402
from bench_serve import group_rss_mib  # noqa: E402
from bench_sparql import PREFIXES, free_port, percentile, start_server, stop, wait_http  # noqa: E402

SEARCHES = ["满意度", "预算执行率", "验收通过率", "培训场次", "资金到位及时性", "有责投诉", "服务对象满意度",
            "维修保养数量", "设备购置", "垃圾分类", "疫苗接种率", "家庭医生签约", "老旧小区改造", "系统可用率",
            "安全事故发生数", "绿化覆盖率", "图书采购", "法律援助案件", "应急响应时间", "长效管理机制健全性",
            "人员到位率", "政策知晓率", "工程完工及时性", "资产管理", "信息共享", "学生资助", "河道整治长度",
            "公路养护里程", "食品抽检批次", "群众满意度"]
SPARQLS = [
    PREFIXES + 'SELECT ?title WHERE { ?doc eli:id_local "沪委办发〔2018〕12号" . ?p jx:legalBasis ?doc ; dcterms:title ?title . }',
    PREFIXES + "SELECT ?p ?title WHERE { ?p a jx:Project ; dcterms:title ?title } LIMIT 50",
    PREFIXES + 'SELECT ?i ?name WHERE { ?i a jx:Indicator ; rdfs:label ?name . FILTER(STRSTARTS(?name, "预算")) } LIMIT 100',
    PREFIXES + "SELECT ?doc ?num WHERE { ?doc a jx:LegalDocument ; eli:id_local ?num } LIMIT 100",
    PREFIXES + "ASK { ?p a jx:Project }",
]


async def run_load(base: str, n_search: int, n_sparql: int, concurrency: int, seed: int,
                   timeout: float) -> dict[str, Any]:
    import httpx

    rng = random.Random(seed)
    jobs: list[tuple[str, str, dict[str, str]]] = []
    for i in range(n_search + n_sparql):
        # interleave: one SPARQL every (n_search + n_sparql) / n_sparql requests
        if n_sparql and (i % max(1, (n_search + n_sparql) // n_sparql)) == 0 and \
                sum(1 for j in jobs if j[0] == "sparql") < n_sparql:
            jobs.append(("sparql", "/sparql", {"query": rng.choice(SPARQLS)}))
        else:
            jobs.append(("search", "/api/search", {"q": rng.choice(SEARCHES), "k": "10"}))
    lat: dict[str, list[float]] = {"search": [], "sparql": []}
    errors: dict[str, int] = {}
    queue: asyncio.Queue[tuple[str, str, dict[str, str]]] = asyncio.Queue()
    for j in jobs:
        queue.put_nowait(j)
    deadline = time.perf_counter() + timeout
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty() and time.perf_counter() < deadline:
            kind, path, params = queue.get_nowait()
            t0 = time.perf_counter()
            try:
                headers = {"Accept": "application/sparql-results+json"} if kind == "sparql" else {}
                r = await client.get(path, params=params, headers=headers)
                if r.status_code != 200:
                    errors[f"{kind}:{r.status_code}"] = errors.get(f"{kind}:{r.status_code}", 0) + 1
                    continue
            except httpx.HTTPError as e:
                errors[f"{kind}:{type(e).__name__}"] = errors.get(f"{kind}:{type(e).__name__}", 0) + 1
                continue
            lat[kind].append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    out: dict[str, Any] = {"wall_s": round(wall, 2), "requests_ok": sum(len(v) for v in lat.values()),
                           "requests_planned": len(jobs), "errors": errors, "stopped_by_timeout": not queue.empty()}
    out["throughput_rps"] = round(out["requests_ok"] / wall, 1)
    for kind, xs in lat.items():
        if xs:
            out[kind] = {"n": len(xs), "p50_ms": round(statistics.median(xs) * 1000, 1),
                         "p90_ms": round(percentile(xs, 90) * 1000, 1), "p99_ms": round(percentile(xs, 99) * 1000, 1),
                         "max_ms": round(max(xs) * 1000, 1)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--search", type=int, default=10000)
    ap.add_argument("--sparql", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=900, help="the whole run stops after this many seconds")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("JIXIAO_BENCH_WORK", "/tmp/jixiao-bench")))
    ap.add_argument("--data", type=Path, help="an existing data folder to serve (default: the benchmark's own, "
                                               "filled from the synthetic corpus of --tables)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.data:
        data = args.data
    else:
        data = args.work / f"data-q-{args.tables}"
        bench_ingest.load_store(bench_ingest.corpus(args.work, args.tables, args.seed, 0.05), data)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(data, port)
    samples: list[float] = []
    stop_sampling = threading.Event()

    def sample() -> None:  # the server's memory twice a second while the load runs
        while not stop_sampling.is_set():
            samples.append(group_rss_mib(server.pid))
            stop_sampling.wait(0.5)

    try:
        wait_http(base + "/api/search?q=x", 120)
        # warm-up: the first requests load lazily-built state; growth is measured after it
        asyncio.run(run_load(base, 200, 40, args.concurrency, args.seed + 1, 120))
        rss_warm = group_rss_mib(server.pid)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        res = asyncio.run(run_load(base, args.search, args.sparql, args.concurrency, args.seed, args.timeout))
        stop_sampling.set()
        sampler.join()
        res["rss_mib"] = {"after_warmup": round(rss_warm, 1), "peak": round(max(samples, default=rss_warm), 1),
                          "end": round(group_rss_mib(server.pid), 1)}
        res["rss_mib"]["growth"] = round(res["rss_mib"]["end"] - rss_warm, 1)
    finally:
        stop(server)
    res.update(tables=args.tables, concurrency=args.concurrency)
    print(json.dumps(res, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
