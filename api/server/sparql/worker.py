"""A query worker: a child process that runs one SPARQL query at a time.

pyoxigraph has no query timeout, and a running query cannot be interrupted from Python.
So queries never run in the server process: each runs in a worker like this one, which
the server kills (SIGKILL) and replaces when the time limit passes. The worker holds its
own in-memory copy of the dataset (loaded from an N-Quads snapshot the server writes), so
killing it can never damage the store. With a remote store it forwards the query instead.

Run as ``python -m api.server.sparql.worker [--remote URL] [--memory-mb N]``; it reads
requests on stdin and writes answers on stdout (``wire`` framing).
"""
from __future__ import annotations

import argparse
import sys
import traceback

import pyoxigraph as ox

from api.server.sparql import results, wire


class SnapshotBackend:
    """The dataset as an in-memory pyoxigraph store, reloaded when the server's generation moves."""

    def __init__(self) -> None:
        self.generation: int | None = None
        self.store = ox.Store()

    def prepare(self, generation: int, snapshot: str | None) -> None:
        if generation == self.generation:
            return
        store = ox.Store()
        if snapshot:
            store.bulk_load(path=snapshot, format=ox.RdfFormat.N_QUADS)
        self.store, self.generation = store, generation

    def query(self, sparql: str, prefixes: dict[str, str]):
        # the endpoint's default graph is the union of all named graphs (docs/vocabulary.md)
        return self.store.query(sparql, use_default_graph_as_union=True, prefixes=prefixes or None)


class RemoteBackend:
    """Forward to the remote store's SPARQL endpoint; parse its answer so the row cap applies."""

    def __init__(self, url: str) -> None:
        import httpx

        self.url = url
        self.client = httpx.Client(timeout=None)

    def prepare(self, generation: int, snapshot: str | None) -> None:
        return None

    def query(self, sparql: str, prefixes: dict[str, str]):
        declared = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        r = self.client.post(self.url, data={"query": declared + sparql}, headers={
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        if r.status_code == 400:
            raise SyntaxError(r.text.strip()[:2000])
        if r.status_code >= 300:
            raise OSError(f"remote store answered {r.status_code}: {r.text.strip()[:500]}")
        ctype = r.headers.get("content-type", "").split(";")[0].strip()
        if ctype == "application/n-triples":
            return list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)


def answer(backend, req: dict) -> dict:
    backend.prepare(req["generation"], req.get("snapshot"))
    max_rows: int = req["max_rows"]
    try:
        res = backend.query(req["query"], req.get("prefixes") or {})
    except SyntaxError as e:
        return {"ok": False, "status": 400, "message": f"SPARQL syntax error: {e}"}
    except OSError as e:
        return {"ok": False, "status": 500, "message": f"query failed: {e}"}
    if isinstance(res, ox.QueryBoolean):
        fmt = req["result_fmt"]
        if fmt is None:
            return _not_acceptable("an ASK result")
        return {"ok": True, "kind": "ask", "media_type": results.RESULT_MEDIA[fmt],
                "body": results.ask_body(bool(res), fmt), "truncated": False, "rows": 1}
    if isinstance(res, ox.QuerySolutions):
        fmt = req["result_fmt"]
        if fmt is None:
            return _not_acceptable("SELECT results")
        variables = [v.value for v in res.variables]
        rows, truncated = results.take(([sol[v] for v in variables] for sol in res), max_rows)
        return {"ok": True, "kind": "select", "media_type": results.RESULT_MEDIA[fmt],
                "body": results.select_body(variables, rows, fmt), "truncated": truncated, "rows": len(rows)}
    fmt = req["graph_fmt"]  # CONSTRUCT / DESCRIBE: QueryTriples (or a parsed list when remote)
    if fmt is None:
        return _not_acceptable("an RDF graph (CONSTRUCT/DESCRIBE)")
    triples, truncated = results.take(res, max_rows)
    return {"ok": True, "kind": "graph", "media_type": results.GRAPH_MEDIA[fmt],
            "body": results.graph_body(triples, fmt), "truncated": truncated, "rows": len(triples)}


def _not_acceptable(what: str) -> dict:
    return {"ok": False, "status": 406,
            "message": f"this query gives {what}, and none of the requested media types (Accept / format) fits it"}


def _limit_memory(megabytes: int) -> None:
    # a runaway query should kill its worker (the server replaces it), not the machine
    if megabytes > 0:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="jixiao-query-worker")
    ap.add_argument("--remote")
    ap.add_argument("--memory-mb", type=int, default=0)
    args = ap.parse_args(argv)
    _limit_memory(args.memory_mb)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but wire messages may reach the pipe
    backend = RemoteBackend(args.remote) if args.remote else SnapshotBackend()
    wire.send(stdout, {"ok": True, "ready": True})
    while True:
        try:
            req = wire.recv(stdin)
        except EOFError:
            return
        try:
            if req.get("op") == "prepare":  # load the snapshot before the first query needs it
                backend.prepare(req["generation"], req.get("snapshot"))
                reply = {"ok": True}
            else:
                reply = answer(backend, req)
        except MemoryError:
            reply = {"ok": False, "status": 503, "message": "the query needed more memory than a worker may use"}
        except Exception:  # never let one query take the worker down without an answer
            traceback.print_exc(file=sys.stderr)
            reply = {"ok": False, "status": 500, "message": "internal error while running the query"}
        wire.send(stdout, reply)


if __name__ == "__main__":
    main()
