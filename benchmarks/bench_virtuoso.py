"""The six research queries of bench_sparql.py on the embedded store, its in-memory replica and
Virtuoso, same data.

Builds the synthetic corpus's store (``bench_ingest.load_store``: parse, map, one bulk load,
``--no-index``), dumps its published snapshot to N-Quads (``graph.replica.snapshot_dump``, the
file the query workers' replica loads), starts Debian's Virtuoso (tests/virtuoso_server.py:
fresh database, free ports), loads the dump with Virtuoso's bulk loader (``ld_dir`` +
``rdf_loader_run``, as docs/scaling.md tells users), then times each query through jixiao's
``select`` on the three in interleaved rounds (embedded on disk, in-memory replica, Virtuoso,
embedded, …) and reports medians, the ratios and the machine load. The replica
(``graph.replica.ReplicatedReader``) gets the budget ``jixiao serve`` gives one worker (half
the available memory); if its estimate is over it, it is reported and left out
(``--no-memory`` leaves it out anyway).
For Virtuoso it also reports the server's own answer time (one HTTP request, the answer read
but not parsed) and the CPU seconds the ``virtuoso-t`` process spent on the query (from
/proc: on a loaded machine the wall time is several times the CPU time).

    python benchmarks/bench_virtuoso.py --tables 10000
    python benchmarks/bench_virtuoso.py --tables 30000 --buffers 170000 --json /tmp/v30k.json
    python benchmarks/bench_virtuoso.py --tables 10000 --reuse --virtuoso-only   # no embedded timings
    python benchmarks/bench_virtuoso.py --tables 30000 --buffers 170000 --runs 3 --work /tmp/b  # issue 16's 30k
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_ingest  # noqa: E402
import bench_sparql  # noqa: E402


def isql(folder: Path, sql: str) -> str:
    """Run SQL on the Virtuoso started in ``folder`` (its SQL port is in the ini)."""
    port = next(line.split("=")[1].strip() for line in (folder / "virtuoso.ini").read_text().splitlines()
                if line.startswith("ServerPort") and "ServerPort" in line)
    out = subprocess.run(["isql-vt", port, "dba", "dba", f"exec={sql}"], capture_output=True, text=True, check=True)
    return out.stdout


def bulk_load(folder: Path, nq: Path) -> float:
    """Virtuoso's bulk loader on one N-Quads file (each quad keeps its graph)."""
    t0 = time.perf_counter()
    isql(folder, f"ld_dir('{nq.parent}', '{nq.name}', 'urn:jixiao:unused'); rdf_loader_run(); checkpoint;")
    errors = isql(folder, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
    if "0 Rows" not in errors:
        raise RuntimeError(f"bulk load failed: {errors}")
    return round(time.perf_counter() - t0, 1)


def virtuoso_pid(folder: Path) -> int | None:
    """The ``virtuoso-t`` serving ``folder`` (its ini path is on its command line)."""
    ini = str(folder / "virtuoso.ini").encode()
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if proc.name.isdigit() and cmd.startswith(b"/usr/bin/virtuoso-t") and ini in cmd:
            return int(proc.name)
    return None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of process ``pid`` (all its threads), in seconds."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_times(url: str, sparql: str, pid: int | None, runs: int) -> dict[str, Any]:
    """Virtuoso alone: one POST per run, the Turtle answer read, not parsed (what jixiao asks for)."""
    import httpx

    from graph.remote import parse_store_url

    query_url = parse_store_url(url).query
    walls, cpus = [], []
    with httpx.Client(timeout=600) as client:
        for _ in range(runs + 1):  # the first is a warm-up
            c0, t0 = cpu_seconds(pid), time.perf_counter()
            r = client.post(query_url, data={"query": sparql}, headers={"Accept": "text/turtle"})
            r.raise_for_status()
            walls.append(time.perf_counter() - t0)
            cpus.append(cpu_seconds(pid) - c0)
    return {"server_median_ms": round(statistics.median(walls[1:]) * 1000, 1),
            "server_cpu_median_s": round(statistics.median(cpus[1:]), 2), "answer_bytes": len(r.content)}


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def snapshot_nquads(data: Path) -> Path:
    """The published snapshot's N-Quads file, as the replica writes it (once, kept beside it)."""
    from graph.replica import snapshot_dump

    snapshots = data / "snapshots"
    return snapshot_dump(snapshots, (snapshots / "CURRENT").read_text(encoding="utf-8").strip())


def start_replica(data: Path) -> tuple[Any, dict[str, Any]]:
    """The query workers' in-memory replica with one worker's default budget (``jixiao serve``:
    half the available memory), loading in its background thread."""
    import gc

    from api.server.app import default_replica_mb
    from graph.replica import MEMORY_PER_DISK_BYTE, ReplicatedReader, folder_bytes

    snapshots = data / "snapshots"
    disk = folder_bytes(snapshots / (snapshots / "CURRENT").read_text(encoding="utf-8").strip())
    budget = default_replica_mb(1)
    gc.collect()
    info = {"budget_mib": budget, "snapshot_disk_mib": round(disk / 2**20),
            "estimate_mib": round(disk * MEMORY_PER_DISK_BYTE / 2**20), "_rss_before": rss_mib()}
    return ReplicatedReader(data, budget_mb=budget), info


def finish_replica(reader: Any, info: dict[str, Any]) -> Any:
    """Wait for the copy; None (the reader closed) if it was not made, ``info`` says why."""
    import gc

    ready = reader.wait_ready(3600)
    gc.collect()
    info.update(status=reader.status, reason=reader.reason, load_s=reader.load_seconds,
                rss_mib=round(rss_mib() - info.pop("_rss_before")))
    if not ready:
        reader.close()
        return None
    return reader


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per query (at least 3 rounds)")
    ap.add_argument("--buffers", type=int, default=60000, help="Virtuoso NumberOfBuffers (8 KB each)")
    ap.add_argument("--max-rows", type=int, default=1_000_000,
                    help="Virtuoso ResultSetMaxRows (docs/scaling.md's 1000000; 10000, the default, makes jixiao page)")
    ap.add_argument("--reuse", action="store_true", help="keep a Virtuoso database loaded by an earlier run")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("JIXIAO_BENCH_WORK", "/tmp/jixiao-bench")))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--virtuoso-only", action="store_true", help="time Virtuoso only (the embedded store "
                    "takes minutes a query at 10k tables)")
    ap.add_argument("--no-memory", action="store_true", help="leave out the in-memory replica")
    ap.add_argument("--no-warmup", action="store_true", help="no untimed first run of each query "
                    "(at 30k tables a run on the store on disk takes minutes)")
    args = ap.parse_args(argv)

    from graph.store import open_store
    from tests.virtuoso_server import run_virtuoso

    folder = bench_ingest.corpus(args.work, args.tables, args.seed, 0.05)
    data = args.work / f"data-q-{args.tables}"
    load = bench_ingest.load_store(folder, data, index=False)
    print(f"store: {args.tables} tables, {load['triples']} triples", flush=True)
    vfolder = args.work / f"virtuoso-{args.tables}"
    reuse = args.reuse and (vfolder / "virtuoso.db").exists()
    if vfolder.exists() and not reuse:
        import shutil

        shutil.rmtree(vfolder)
    vfolder.mkdir(parents=True, exist_ok=True)
    nq = vfolder / "dump.nq"
    out: dict[str, Any] = {"tables": args.tables, "triples": load["triples"], "max_rows": args.max_rows,
                           "load_avg_start": os.getloadavg(), "store_load": load}
    if not reuse or (not args.no_memory and not args.virtuoso_only):
        t0 = time.perf_counter()
        dump = snapshot_nquads(data)
        out["dump_s"] = round(time.perf_counter() - t0, 1)
        print(f"N-Quads dump of the snapshot: {out['dump_s']} s, {dump.stat().st_size / 2**20:,.0f} MiB", flush=True)
        if not reuse:
            nq.unlink(missing_ok=True)
            os.link(dump, nq)  # the same file for Virtuoso's loader (ld_dir wants it in DirsAllowed)
    replica = None
    if not args.no_memory and not args.virtuoso_only:  # loads while Virtuoso starts and loads
        replica, out["replica"] = start_replica(data)
    with run_virtuoso(vfolder, max_rows=args.max_rows, buffers=args.buffers) as url:
        if not reuse:
            out["virtuoso_bulk_load_s"] = bulk_load(vfolder, nq)
            print(f"virtuoso bulk load: {out['virtuoso_bulk_load_s']} s", flush=True)
        if replica is not None:
            replica = finish_replica(replica, out["replica"])
            print(f"in-memory replica: {json.dumps(out['replica'])}", flush=True)
        emb = open_store(data=data, read_only=True)
        virt = open_store(data=data, url=url, read_only=True)
        pid = virtuoso_pid(vfolder)
        results: dict[str, Any] = {}
        try:
            for name in bench_sparql.QUERIES:
                sparql = bench_sparql.q(name)
                fns: dict[str, Any] = {}
                if not args.virtuoso_only:
                    fns["embedded"] = lambda s=sparql: len(emb.select(s))
                if replica is not None:
                    fns["memory"] = lambda s=sparql: len(replica.select(s))
                fns["virtuoso"] = lambda s=sparql: len(virt.select(s))
                r = bench_sparql.interleaved(fns, args.runs, args.budget, warmup=not args.no_warmup)
                times = r.pop("_times")
                for a, b in (("embedded", "virtuoso"), ("embedded", "memory"), ("memory", "virtuoso")):
                    if a in times and b in times:
                        r[f"{a}_over_{b}"] = round(statistics.median(
                            x / y for x, y in zip(times[a], times[b], strict=False) if y > 0), 3)
                if replica is not None:
                    r["memory_engine"] = replica.last_engine  # "memory": the copy answered, not the disk
                r["virtuoso"].update(server_times(url, bench_sparql.q(name), pid, args.runs))
                r["load_avg_1min"] = round(os.getloadavg()[0], 1)
                results[name] = r
                print(f"  {name}: {json.dumps(r, ensure_ascii=False)}", flush=True)
        finally:
            emb.close()
            virt.close()
            if replica is not None:
                replica.close()
    nq.unlink(missing_ok=True)
    out["queries"] = results
    out["load_avg_end"] = os.getloadavg()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
