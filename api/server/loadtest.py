"""A bounded load test of the HTTP server on loopback (issue 8): search and SPARQL requests
at a fixed concurrency; errors, throughput, latency percentiles and memory growth.

    python -m api.server.loadtest --data jixiao-data            # starts `jixiao serve` itself
    python -m api.server.loadtest --url http://127.0.0.1:8000   # an already running server

It stops by itself after the requested number of requests and prints a JSON report (also
written to ``--out``); ``--markdown`` prints a table for BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

from api.server import gallery

SEARCH_TERMS = ["满意度", "及时性", "验收通过率", "预算执行率", "投诉", "培训", "维修保养", "安全事故", "资金到位率",
                "人才服务", "覆盖率", "设备完好率", "服务对象满意度", "完成率", "合规性", "档案"]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (KiB), from /proc."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_phase(url: str, requests: list[tuple[str, dict]], concurrency: int) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        async def worker() -> None:
            while True:
                try:
                    path, params = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                try:
                    r = await client.get(path, params=params)
                    if r.status_code != 200:
                        errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
                    else:
                        await r.aread()
                except httpx.HTTPError as e:
                    errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return {"requests": len(requests), "errors": errors, "seconds": round(seconds, 2),
            "throughput_rps": round(len(requests) / seconds, 1),
            "latency_ms": {"p50": round(percentile(latencies, .5) * 1000, 1),
                           "p90": round(percentile(latencies, .9) * 1000, 1),
                           "p99": round(percentile(latencies, .99) * 1000, 1),
                           "max": round(max(latencies, default=0) * 1000, 1),
                           "mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0}}


def plan(n_search: int, n_sparql: int) -> tuple[list, list]:
    searches = [("/api/search", {"q": SEARCH_TERMS[i % len(SEARCH_TERMS)], "k": 10}) for i in range(n_search)]
    selects = [e for e in gallery.EXAMPLES]
    sparql = [("/sparql", {"query": selects[i % len(selects)].full}) for i in range(n_sparql)]
    return searches, sparql


async def main_async(args: argparse.Namespace, url: str, pid: int | None) -> dict:
    searches, sparql = plan(args.search, args.sparql)
    # warm-up: model loaded, workers started, caches filled — memory is measured from here
    await run_phase(url, searches[:50] + sparql[:20], args.concurrency)
    rss_start = rss_kib(pid) if pid else None
    report = {"concurrency": args.concurrency, "search": await run_phase(url, searches, args.concurrency)}
    rss_mid = rss_kib(pid) if pid else None
    report["sparql"] = await run_phase(url, sparql, args.concurrency)
    rss_end = rss_kib(pid) if pid else None
    if pid:
        report["memory_kib"] = {"after_warm_up": rss_start, "after_search": rss_mid, "end": rss_end,
                                "growth": rss_end - rss_start, "bound": args.memory_bound_mib * 1024}
    return report


def markdown(report: dict) -> str:
    lines = ["| phase | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |", "|---|---|---|---|---|---|---|---|"]
    for phase in ("search", "sparql"):
        r = report[phase]
        lat = r["latency_ms"]
        lines.append(f"| {phase} | {r['requests']} | {sum(r['errors'].values())} | {r['throughput_rps']} | "
                     f"{lat['p50']} | {lat['p90']} | {lat['p99']} | {lat['max']} |")
    if "memory_kib" in report:
        m = report["memory_kib"]
        lines.append(f"\nMemory (server + query workers, RSS): {m['after_warm_up'] // 1024} MiB after warm-up, "
                     f"{m['end'] // 1024} MiB at the end (growth {m['growth'] // 1024} MiB; bound {m['bound'] // 1024} MiB).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m api.server.loadtest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="data folder: start `jixiao serve` on it")
    ap.add_argument("--url", help="an already running server (memory is then not measured)")
    ap.add_argument("--search", type=int, default=10_000)
    ap.add_argument("--sparql", type=int, default=2_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--memory-bound-mib", type=int, default=200, help="allowed RSS growth after warm-up")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    if not args.url and not args.data:
        ap.error("give --data DIR or --url URL")
    if args.url:
        report = asyncio.run(main_async(args, args.url, None))
    else:
        from api.server.runner import ServerProcess

        server = ServerProcess(["--data", args.data])
        with server as url:
            report = asyncio.run(main_async(args, url, server.pid))
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(markdown(report) if args.markdown else text)
    failed = sum(report["search"]["errors"].values()) + sum(report["sparql"]["errors"].values())
    grew = report.get("memory_kib", {}).get("growth", 0) > args.memory_bound_mib * 1024
    return 1 if failed or grew else 0


if __name__ == "__main__":
    sys.exit(main())
