"""`jixiao serve` cold start: seconds from process start to the first answered request, and
the server's memory, on a data folder of N synthetic tables (default 10k).

    python benchmarks/bench_serve.py --tables 10000 --repeat 3

A start is measured three ways, each from a fresh process: the first 200 answer to a
SPARQL query (the store is open), to a search (the index is loaded and the encoder can
embed a query), and to the home page.  RSS is the sum over the server's process group
(uvicorn and its SPARQL worker processes) after those first answers, from /proc.  The
index folder's file times are compared before and after, to show nothing was rebuilt.
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
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_ingest  # noqa: E402
from bench_sparql import free_port, start_server, stop  # noqa: E402


def group_rss_mib(pgid: int) -> float:
    """Resident memory of every process in a process group (server + workers), MiB."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.getpgid(int(pid)) != pgid:
                continue
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
    return total / 1024


def tree_mtimes(folder: Path) -> dict[str, float]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*") if p.is_file()}


URLS = {"sparql": "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?i a <https://w3id.org/jixiao/ontology#Project> }"),
        "search": "/api/search?q=" + quote("满意度") + "&k=10",
        "stats": "/api/stats",
        "home": "/",
        # a page that needs neither the store nor the index: the SPARQL query editor
        "editor": "/sparql"}


def first_answers(base: str, t_start: float, timeout: float = 120) -> dict[str, float]:
    """Poll each kind of request (each in its own thread, so a waiting search does not hold
    up the others) until it answers 200; seconds since ``t_start``.  ``bound``: the first
    HTTP answer of any status (the server listens)."""
    import threading

    import httpx

    done: dict[str, float] = {}

    def poll(name: str, url: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() - t_start < timeout:
                try:
                    r = client.get(url, headers={} if name in ("home", "editor") else {"Accept": "application/json"})
                    done.setdefault("bound", round(time.perf_counter() - t_start, 3))
                    if r.status_code == 200:
                        done[name] = round(time.perf_counter() - t_start, 3)
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)

    threads = [threading.Thread(target=poll, args=item, daemon=True) for item in URLS.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 60)
    return done


def bare_import_seconds(python: str = sys.executable) -> float:
    """A fresh ``python -c "import fastapi, uvicorn"``: the floor of any FastAPI server's start."""
    t0 = time.perf_counter()
    # its own session, like the server it is compared with (the kernel shares CPU by session)
    subprocess.run([python, "-c", "import fastapi, uvicorn"], check=True, start_new_session=True)
    return round(time.perf_counter() - t0, 3)


def start_tree(tree: Path, data: Path, port: int) -> subprocess.Popen:
    """``jixiao serve`` from the source tree ``tree`` (for paired runs against an older commit)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    return subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--data", str(data), "--port", str(port),
                             "--host", "127.0.0.1"], cwd=tree, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def paired(data: Path, baseline: Path, repeat: int = 3) -> dict[str, Any]:
    """Alternate starts of the baseline tree and this one (and a bare FastAPI import) on the same
    data, so both see the same machine load; medians and this/baseline ratios."""
    compile_sources()
    runs: dict[str, list[dict[str, float]]] = {"baseline": [], "this": [], "bare_import": []}
    for _ in range(repeat):
        runs["bare_import"].append({"seconds": bare_import_seconds()})
        for name, tree in (("baseline", baseline), ("this", HERE.parent)):
            port = free_port()
            t0 = time.perf_counter()
            server = start_tree(tree, data, port)
            try:
                runs[name].append(first_answers(f"http://127.0.0.1:{port}", t0))
            finally:
                stop(server)
    out: dict[str, Any] = {"runs": runs, "bare_import_median": statistics.median(
        r["seconds"] for r in runs["bare_import"])}
    for key in ("bound", "stats", "sparql", "home", "search"):
        for name in ("baseline", "this"):
            vals = [r[key] for r in runs[name] if key in r]
            if vals:
                out[f"{name}_{key}_median"] = round(statistics.median(vals), 3)
        b, t = out.get(f"baseline_{key}_median"), out.get(f"this_{key}_median")
        if b and t:
            out[f"{key}_ratio"] = round(t / b, 2)
        if t:
            out[f"{key}_vs_bare_import"] = round(t / out["bare_import_median"], 2)
    out["load_average"] = os.getloadavg()[0]
    return out


def compile_sources() -> None:
    """Byte-compile the project's packages, as an installed program has them (pip compiles
    site-packages, not an editable checkout; with PYTHONDONTWRITEBYTECODE set nothing else
    would, and every start would compile ~40 modules: 0.2-0.4 s)."""
    import compileall

    for pkg in ("api", "graph", "ingest", "search", "ontology"):
        compileall.compile_dir(str(HERE.parent / pkg), quiet=1)


def cold_start(data: Path, repeat: int = 3) -> dict[str, Any]:
    compile_sources()
    runs: list[dict[str, Any]] = []
    before = tree_mtimes(data / "index")
    for _ in range(repeat):
        bare = bare_import_seconds()  # the floor, in the same round (the machine's load drifts)
        port = free_port()
        t0 = time.perf_counter()
        server = start_server(data, port)
        try:
            answers = first_answers(f"http://127.0.0.1:{port}", t0)
            answers["rss_mib"] = round(group_rss_mib(server.pid), 1)
            answers["first_of_all"] = min((v for k, v in answers.items() if k not in ("rss_mib", "bound")),
                                          default=None)
            answers["all_three"] = max((v for k, v in answers.items() if k in ("sparql", "search", "home")),
                                       default=None)
            answers["bare_import"] = bare
            if answers["first_of_all"]:
                answers["first_vs_bare_import"] = round(answers["first_of_all"] / bare, 2)
            for key in ("stats", "sparql"):
                if answers.get(key):
                    answers[f"{key}_vs_bare_import"] = round(answers[key] / bare, 2)
        finally:
            stop(server)
        runs.append(answers)
    after = tree_mtimes(data / "index")
    summary: dict[str, Any] = {"runs": runs, "index_files_changed": sorted(k for k in after if before.get(k) != after[k])}
    for key in ("bound", "editor", "stats", "sparql", "search", "home", "first_of_all", "all_three", "rss_mib",
                "bare_import", "first_vs_bare_import", "stats_vs_bare_import", "sparql_vs_bare_import"):
        vals = [r[key] for r in runs if r.get(key) is not None]
        if vals:
            summary[f"{key}_median"] = round(statistics.median(vals), 3)
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("JIXIAO_BENCH_WORK", "/tmp/jixiao-bench")))
    ap.add_argument("--data", type=Path, help="an existing data folder to serve (default: the benchmark's own, "
                                               "filled from the synthetic corpus of --tables)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--baseline", type=Path, help="a source tree of an earlier commit (git archive): alternate "
                                                   "its starts with this tree's and report paired ratios")
    args = ap.parse_args(argv)
    if args.data:
        data, load = args.data, {}
    else:
        folder = bench_ingest.corpus(args.work, args.tables, args.seed, 0.05)
        data = args.work / f"data-q-{args.tables}"
        load = bench_ingest.load_store(folder, data)
    res = paired(data, args.baseline, args.repeat) if args.baseline else cold_start(data, args.repeat)
    res.update(tables=args.tables, triples=load.get("triples"), data=str(data),
               index=(data / "index").exists())
    print(json.dumps(res, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
