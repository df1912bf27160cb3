"""What each analytics option costs on a large store, measured (issue 15: "the cost of each
option at 100k synthetic tables"): the quads, the snapshot on disk, the N-Quads dump the
replica loads from, one in-memory copy (graph.replica: its memory and load time, or the
point where it stops fitting under ``--cap-gib``), DuckDB's flat tables (size, build time),
and the six research queries on each engine that holds the data.

    python benchmarks/bench_ingest.py ...   # or: jixiao ingest --no-index CORPUS --data DATA
    python benchmarks/scale_costs.py --data DATA --cap-gib 14 --json out.json

The copy is loaded in a child process from the dump, read through a counting reader, while
the parent samples the child's resident memory: past the cap the child is stopped and the
quads read so far are reported with the memory they took.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def folder_mib(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class CountingReader:
    """A binary file read by the bulk loader, counting the lines (quads) handed over so far."""

    def __init__(self, path: Path) -> None:
        self.fh = open(path, "rb")  # noqa: SIM115
        self.lines = 0
        self.bytes = 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.fh.read(n)
        self.lines += chunk.count(b"\n")
        self.bytes += len(chunk)
        return chunk

    def readinto(self, b) -> int:  # pragma: no cover — the loader may use either
        n = self.fh.readinto(b)
        self.lines += bytes(b[:n]).count(b"\n")
        self.bytes += n
        return n


def child(dumps: list[Path], progress: Path, work: Path, queries: bool) -> None:
    """Load the dump into memory, writing progress (quads read) as it goes; then the flat
    tables and the six queries on both. Results as one JSON line on stdout."""
    import analytics_engines
    import bench_sparql
    import pyoxigraph as ox

    done = {"lines": 0}
    reader: CountingReader | None = None
    stop = threading.Event()

    def report() -> None:
        while not stop.wait(0.5):
            lines = done["lines"] + (reader.lines if reader is not None else 0)
            progress.write_text(json.dumps({"lines": lines}))

    threading.Thread(target=report, daemon=True).start()
    base = analytics_engines.rss_mib()
    t0 = time.perf_counter()
    mem = ox.Store()
    for dump in dumps:
        reader = CountingReader(dump)
        mem.bulk_load(reader, format=ox.RdfFormat.N_QUADS)
        done["lines"] += reader.lines
        reader = None
    out: dict[str, Any] = {"memory": {"load_s": round(time.perf_counter() - t0, 1), "lines_read": done["lines"],
                                      "quads": len(mem), "rss_mib": round(analytics_engines.rss_mib() - base, 1)}}
    stop.set()
    print(json.dumps(out), flush=True)
    con, out["flat"] = analytics_engines.flat_copy(mem, work)
    print(json.dumps(out), flush=True)
    if queries:
        out["queries"] = {}
        for name in bench_sparql.QUERIES:
            t = time.perf_counter()
            rows = analytics_engines.sparql_rows(mem, bench_sparql.q(name))
            entry = {"memory_s": round(time.perf_counter() - t, 2), "rows": len(rows)}
            if con is not None:
                t = time.perf_counter()
                flat = [tuple(r) for r in con.execute(analytics_engines.SQL[name]).fetchall()]
                entry["flat_s"] = round(time.perf_counter() - t, 3)
                entry["same_answer"] = (analytics_engines.answer_set(flat, name)
                                        == analytics_engines.answer_set(rows, name))
            out["queries"][name] = entry
            print(json.dumps(out), flush=True)


def build_copies(source: Path, data: Path, copies: int, rocksdb: bool) -> dict[str, Any]:
    """``copies`` relabelled copies of the N-Quads of ``source``'s snapshot, in ``data/copies``:
    each copy's projects, indicators, targets, series, sources and source graphs get new IRIs
    (``cK`` after the kind); documents, organisations and categories stay shared, as more
    tables citing the same documents would have them. Together they are the dump of a store
    ``copies`` times the size (the replica and the flat tables load them). With ``rocksdb``
    they are also bulk-loaded into a new embedded store in ``data`` (timed; slow under load)."""
    from graph.replica import snapshot_dump

    snapshots = source / "snapshots"
    dump = snapshot_dump(snapshots, (snapshots / "CURRENT").read_text(encoding="utf-8").strip())
    folder = data / "copies"
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    import re

    hex_graph = re.compile(rb"/jixiao/id/graph/(?=[0-9a-f])")
    for k in range(copies):
        part = folder / f"copy-{k:02d}.nq"
        if part.exists():
            continue
        tag = f"c{k}".encode()
        tmp = part.with_suffix(".tmp")
        with open(dump, "rb") as src, open(tmp, "wb") as out:
            rest = b""
            while chunk := src.read(1 << 26):
                chunk = rest + chunk
                cut = chunk.rfind(b"\n") + 1
                chunk, rest = chunk[:cut], chunk[cut:]
                for kind in (b"project", b"series", b"source"):
                    chunk = chunk.replace(b"/jixiao/id/" + kind + b"/", b"/jixiao/id/" + kind + b"/" + tag)
                out.write(hex_graph.sub(b"/jixiao/id/graph/" + tag, chunk))
            out.write(rest)
        tmp.rename(part)
    out: dict[str, Any] = {"copies": copies, "source": str(source), "copies_s": round(time.perf_counter() - t0, 1),
                           "nquads_mib": folder_mib(folder)}
    if rocksdb:
        import pyoxigraph as ox

        store = ox.Store(str(data / "store"))
        t0 = time.perf_counter()
        for part in sorted(folder.glob("copy-*.nq")):
            store.bulk_load(path=str(part), format=ox.RdfFormat.N_QUADS)
            print(f"  {part.name} in RocksDB at {time.perf_counter() - t0:.0f} s", flush=True)
        store.flush()
        out["rocksdb"] = {"bulk_load_s": round(time.perf_counter() - t0, 1), "store_mib": folder_mib(data / "store")}
        del store
    return out


# the flat tables of analytics_engines.TABLES, by predicate (and the class for the two type tables)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def flat_from_nquads(dumps: list[Path], work: Path, memory_gib: float = 3.0) -> dict[str, Any]:
    """DuckDB's flat tables read straight from N-Quads files (no in-memory store: at 100k it
    does not fit): one pass keeps the quads of the predicates the tables need, then one
    narrow table per property, as analytics_engines.flat_copy makes them from SPARQL. Time,
    rows and the database file's size."""
    import analytics_engines
    import bench_sparql
    import duckdb

    prefixes = dict(line.split(" ", 2)[1:] for line in bench_sparql.PREFIXES.strip().splitlines())
    prefixes = {k.rstrip(":"): v.strip().strip("<>") for k, v in prefixes.items()}

    def iri(curie: str) -> str:
        ns, local = curie.split(":", 1)
        return prefixes[ns] + local

    tables: dict[str, tuple[str, str | None]] = {}  # table -> (predicate, class for rdf:type)
    for table, sparql in analytics_engines.TABLES.items():
        pattern = sparql.split("{", 1)[1].rsplit("}", 1)[0].split()
        pred, obj = pattern[1], pattern[2]
        tables[table] = (RDF_TYPE, iri(obj)) if pred == "a" else (iri(pred), None)
    db = work / "flat-100k.duckdb"
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(f"SET memory_limit='{memory_gib}GB'")
    wanted = sorted({p for p, _ in tables.values()})
    files = [str(d) for d in dumps]
    con.execute("""CREATE TABLE q AS SELECT s, p, o FROM (
        SELECT regexp_extract(line, '^<([^>]*)> <([^>]*)> (.*) <[^>]*> \\.$', ['s', 'p', 'o']) AS m
        FROM read_csv(?, columns={'line': 'VARCHAR'}, delim='\x1f', quote='', escape='', header=false))
        , LATERAL (SELECT m.s AS s, m.p AS p, m.o AS o) WHERE m.p IN (SELECT unnest(?))""", [files, wanted])
    rows = 0
    for table, (pred, cls) in tables.items():
        cols = analytics_engines.TABLES[table].split("WHERE")[0].replace("SELECT", "").split()
        names = [c.lstrip("?") for c in cols]
        value = ("CASE WHEN o LIKE '<%' THEN substr(o, 2, length(o) - 2) "
                 "ELSE regexp_extract(o, '^\"(.*)\"', 1) END")
        if cls is not None:
            con.execute(f"CREATE TABLE {table} AS SELECT s AS {names[0]} FROM q WHERE p = ? AND o = ?",
                        [pred, f"<{cls}>"])
        else:
            con.execute(f"CREATE TABLE {table} AS SELECT s AS {names[0]}, {value} AS {names[1]} "
                        "FROM q WHERE p = ?", [pred])
        for t, col in analytics_engines.NUMERIC:
            if t == table:
                con.execute(f"ALTER TABLE {table} ALTER {col} TYPE DOUBLE")
        rows += con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    con.execute("DROP TABLE q")
    con.execute("CHECKPOINT")
    con.close()
    out = {"load_s": round(time.perf_counter() - t0, 1), "rows": rows,
           "file_mib": round(db.stat().st_size / 2**20, 1)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--cap-gib", type=float, default=14.0, help="stop the in-memory copy past this resident memory")
    ap.add_argument("--work", type=Path, default=Path("/tmp/jixiao-bench"))
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--flat-only", action="store_true", help="only DuckDB's flat tables, read from the N-Quads")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--copies-of", type=Path, help="first build DATA as --copies relabelled copies of this data folder")
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--rocksdb", action="store_true", help="also bulk-load the copies into an embedded store")
    ap.add_argument("--_child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        progress, work, *dumps = args._child
        child([Path(d) for d in dumps], Path(progress), Path(work), not args.no_queries)
        return 0
    import pyoxigraph as ox

    from graph.replica import snapshot_dump

    out: dict[str, Any] = {"data": str(args.data), "load_average_start": os.getloadavg()[0]}
    if args.copies_of:
        out["built"] = build_copies(args.copies_of, args.data, args.copies, args.rocksdb)
        dumps = sorted((args.data / "copies").glob("copy-*.nq"))
        print(json.dumps(out), flush=True)
    else:
        snapshots = args.data / "snapshots"
        name = (snapshots / "CURRENT").read_text(encoding="utf-8").strip()
        out["snapshot_mib"] = folder_mib(snapshots / name)
        store = ox.Store.read_only(str(snapshots / name))
        t0 = time.perf_counter()
        out["quads"] = int(next(iter(store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)
        out["count_s"] = round(time.perf_counter() - t0, 1)
        del store
        print(json.dumps(out), flush=True)
        existed = (snapshots / f"{name}.nq").exists()
        t0 = time.perf_counter()
        dump = snapshot_dump(snapshots, name)
        out["dump"] = {"seconds": None if existed else round(time.perf_counter() - t0, 1),
                       "mib": round(dump.stat().st_size / 2**20, 1)}
        dumps = [dump]
        print(json.dumps(out), flush=True)
    if args.flat_only:
        args.work.mkdir(parents=True, exist_ok=True)
        out["flat_from_nquads"] = flat_from_nquads(dumps, args.work)
        print(json.dumps(out, ensure_ascii=False))
        if args.json:
            args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    progress = args.work / "scale-progress.json"
    progress.unlink(missing_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "--data", str(args.data), "--_child", str(progress), str(args.work),
           *map(str, dumps)]
    if args.no_queries:
        cmd.append("--no-queries")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    stopped = None
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    while proc.poll() is None:
        rss = rss_mib(proc.pid)
        peak = max(peak, rss)
        if rss > args.cap_gib * 1024:
            try:
                got = json.loads(progress.read_text())
            except (OSError, ValueError):
                got = {}
            stopped = {"rss_mib": round(rss, 1), "quads_read": got.get("lines"), "seconds": round(time.perf_counter() - t0, 1)}
            proc.kill()
            break
        time.sleep(0.5)
    proc.wait()
    time.sleep(0.2)
    if stopped is not None:
        out["memory"] = {"fits": False, "cap_gib": args.cap_gib, "stopped": stopped}
    elif lines:
        out.update(json.loads(lines[-1]))
        out["memory"]["fits"] = True
    out["child_peak_rss_mib"] = round(peak, 1)
    out["load_average_end"] = os.getloadavg()[0]
    print(json.dumps(out, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
