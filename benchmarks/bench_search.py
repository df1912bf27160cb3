"""Search latency and approximate-index recall at 100k and 1M indicator vectors.

For each size: exact (IndexFlatIP in IndexIDMap) and HNSW (the production parameters of
search/vectors.py), single-query latency p50/p99 in-process on one OpenMP thread, HNSW
recall@10 against exact, build time, and memory per million vectors (serialised size).
Also the whole ``Searcher.search`` (query embedding + FAISS + BM25 + fusion) at 100k.

Vectors are synthetic but shaped like sentence embeddings: clustered points of a
48-dimensional subspace mapped to 512-d with a little isotropic noise, unit length (uniform
random 512-d vectors have no near neighbours at all and would misrepresent HNSW).
Queries are perturbed copies of stored points.

Run: .venv/bin/python benchmarks/bench_search.py [--sizes 100000 1000000] [--quick]
The 1M HNSW build dominates the run time (minutes on 2 cores: see docs/search.md);
--quick measures 100k only.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.vectors import (  # noqa: E402
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    VectorIndex,
    batch_threads,
)

DIM = 512
LATENT = 48


def synthetic(n: int, n_queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    proj = rng.standard_normal((LATENT, DIM), dtype=np.float32)
    centres = rng.standard_normal((max(1000, n // 20), LATENT), dtype=np.float32)
    x = np.empty((n, DIM), dtype=np.float32)
    noise = np.float32(0.5 * np.sqrt(LATENT / DIM))
    for start in range(0, n, 100_000):  # in chunks: keeps the transient memory small
        m = min(100_000, n - start)
        z = centres[rng.integers(0, len(centres), m)] + 0.5 * rng.standard_normal((m, LATENT), dtype=np.float32)
        x[start:start + m] = z @ proj + noise * rng.standard_normal((m, DIM), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.integers(0, n, n_queries)] + 0.02 * rng.standard_normal((n_queries, DIM), dtype=np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return x, q


def latencies(index: VectorIndex, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    times, found = [], []
    for q in queries:
        t = time.perf_counter()
        _, ids = index.search(q.reshape(1, -1), k, threads=1)
        times.append(time.perf_counter() - t)
        found.append(ids[0])
    return np.array(times) * 1000, np.array(found)


def size_mb(index: VectorIndex) -> float:
    with tempfile.NamedTemporaryFile(suffix=".faiss") as f:
        index.save(Path(f.name))
        return os.path.getsize(f.name) / 1e6


def _stage(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_size(n: int, n_queries: int, exact_queries: int) -> dict:
    _stage(f"{n:,}: generating vectors")
    t = time.perf_counter()
    x, q = synthetic(n, n_queries)
    ids = np.arange(1, n + 1, dtype=np.int64)
    gen_s = time.perf_counter() - t

    t = time.perf_counter()
    flat = VectorIndex.build(ids, x, DIM, kind="flat")
    flat_build = time.perf_counter() - t
    flat_ms, _ = latencies(flat, q[:exact_queries])
    _, truth = flat.search(q, 10, threads=batch_threads())  # ground truth, batched on all cores
    flat_mb = size_mb(flat)
    del flat

    _stage(f"{n:,}: building HNSW")
    t = time.perf_counter()
    hnsw = VectorIndex.build(ids, x, DIM, kind="hnsw")
    hnsw_build = time.perf_counter() - t
    hnsw_ms, found = latencies(hnsw, q)
    recall = float(np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, truth, strict=True)]))
    hnsw_mb = size_mb(hnsw)
    return {"n": n, "gen_s": gen_s, "flat_build_s": flat_build, "flat_p50": np.percentile(flat_ms, 50),
            "flat_p99": np.percentile(flat_ms, 99), "flat_mb_per_m": flat_mb * 1e6 / n,
            "hnsw_build_s": hnsw_build, "hnsw_p50": np.percentile(hnsw_ms, 50),
            "hnsw_p99": np.percentile(hnsw_ms, 99), "hnsw_recall10": recall, "hnsw_mb_per_m": hnsw_mb * 1e6 / n,
            "exact_queries": exact_queries, "queries": n_queries}


def bench_searcher(n: int, n_queries: int = 200) -> dict:
    """Searcher.search end to end over n synthetic indicators with Chinese-like names."""
    from search.encoders import load_encoder
    from search.lexical import LexicalIndex
    from search.service import Searcher
    from search.state import IndexState

    rng = np.random.default_rng(1)
    alphabet = np.array(list("预算执行率资金到位及时性满意度服务人才项目管理制度健全有效设备维保数量培训场次验收通过"
                             "档案归档安全事故投诉工程改造消防系统信息化运维考核合格出席会议招聘平台覆盖"))
    names = ["".join(rng.choice(alphabet, rng.integers(4, 11))) for _ in range(n)]
    x, _ = synthetic(n, 1)
    texts = sorted(set(names))
    text_id = {t: i for i, t in enumerate(texts)}
    text_vectors = np.zeros((len(texts), DIM), dtype=np.float32)
    text_vectors[[text_id[s] for s in names]] = x
    rows = [{"id": i + 1, "iri": f"urn:i:{i}", "text": s, "name": s, "l1": None, "l2": None, "target": None,
             "project": {"iri": f"urn:p:{i // 50}", "title": None, "applicant": None, "year": 2020}}
            for i, s in enumerate(names)]
    ids = np.arange(1, n + 1, dtype=np.int64)
    state = IndexState(manifest={"generation": "bench", "encoder": {"name": "usem3"}}, rows=rows, texts=texts,
                       text_vectors=text_vectors,
                       vectors=VectorIndex.build(ids, text_vectors[[text_id[s] for s in names]], DIM),
                       lexical=LexicalIndex.build(texts))
    searcher = Searcher(Path(tempfile.gettempdir()), None, "usem3", state)
    load_encoder("usem3").encode(["预热"])  # load the model before timing
    queries = ["满意度", "预算执行率", "budget execution rate", "培训场次", "设备维保数量"]
    out = {}
    for mode in ("dense", "lexical", "hybrid"):
        times = []
        for i in range(n_queries):
            t = time.perf_counter()
            searcher.search(queries[i % len(queries)], k=10, mode=mode)
            times.append((time.perf_counter() - t) * 1000)
        out[mode] = (np.percentile(times, 50), np.percentile(times, 99))
    return {"n": n, "kind": state.vectors.kind, **out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--searcher-size", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="100k vectors only, Searcher at 20k (~2 minutes)")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.searcher_size = [100_000], 20_000
    print(f"dim {DIM}, HNSW M={HNSW_M} efConstruction={HNSW_EF_CONSTRUCTION} efSearch={HNSW_EF_SEARCH}, "
          f"{batch_threads()} cores for builds, 1 OpenMP thread per query\n")
    print("| vectors | index | build s | p50 ms | p99 ms | recall@10 vs exact | MB per million |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        r = bench_size(n, args.queries, exact_queries=min(args.queries, 300 if n <= 200_000 else 100))
        print(f"| {n:,} | exact (flat) | {r['flat_build_s']:.1f} | {r['flat_p50']:.2f} | {r['flat_p99']:.2f} | 1.000 "
              f"| {r['flat_mb_per_m']:.0f} |", flush=True)
        print(f"| {n:,} | HNSW | {r['hnsw_build_s']:.1f} | {r['hnsw_p50']:.3f} | {r['hnsw_p99']:.3f} "
              f"| {r['hnsw_recall10']:.4f} | {r['hnsw_mb_per_m']:.0f} |", flush=True)
    if args.searcher_size:
        s = bench_searcher(args.searcher_size)
        print(f"\nSearcher.search end to end at {s['n']:,} indicators ({s['kind']} index; query embedding "
              "included), p50 / p99 ms:")
        for mode in ("dense", "lexical", "hybrid"):
            print(f"- {mode}: {s[mode][0]:.1f} / {s[mode][1]:.1f}")


if __name__ == "__main__":
    main()
