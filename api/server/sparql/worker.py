"""A query worker: a child process that runs one SPARQL query at a time.

pyoxigraph has no query timeout, and a running query cannot be interrupted from Python.
So queries never run in the server process: each runs in a worker like this one, which
the server kills (SIGKILL) and replaces when the time limit passes. The worker holds its
own read-only view of the store (``graph.store.open_store(read_only=True)``: the newest
published snapshot of the embedded store, or the remote server), so killing it can never
damage the data, and it sees what an ingest publishes.

Run as ``python -m api.server.sparql.worker [--data DIR | --store URL] [--memory-mb N] [--no-network]``;
it reads requests on stdin and writes answers on stdout (``wire`` framing). With
``--no-network`` it gives up network sockets before it opens the store
(:mod:`api.server.sparql.sandbox`): SERVICE cannot reach anything.
"""
from __future__ import annotations

import argparse
import sys
import traceback

import pyoxigraph as ox

from api.server.sparql import results, wire
from api.server.sparql.guard import may_reach_network
from api.server.sparql_messages import readable_error

SERVICE_REFUSED = ("SERVICE (federated query) is disabled on this endpoint: the server does not send "
                   "requests to addresses chosen by clients")


class StoreBackend:
    """The graph store opened read-only: the newest published snapshot of the embedded store
    (switching when an ingest publishes a new one), or the remote SPARQL server.

    ``replica_mb`` > 0 (embedded store only): queries run on an in-memory copy of the snapshot
    once it is loaded in the background and while it is current (``graph.replica``)."""

    def __init__(self, data: str | None, url: str | None, base_iri: str | None, replica_mb: int = 0,
                 replica_after_fd: int | None = None) -> None:
        from pathlib import Path

        if replica_mb > 0 and not url:
            from graph.replica import ReplicatedReader

            self.store = ReplicatedReader(Path(data or "jixiao-data"), base_iri=base_iri, budget_mb=replica_mb,
                                          start_after_fd=replica_after_fd)
        else:
            from graph.store import open_store

            self.store = open_store(data=Path(data or "jixiao-data"), url=url, base_iri=base_iri, read_only=True)

    def query(self, sparql: str, options: dict | None = None):
        # graph.store: default graph = union of all named graphs (unless the query or the
        # request names a dataset), vocabulary prefixes predeclared; options: GraphStore.query's
        return self.store.query(sparql, **(options or {})).raw

    def engine(self) -> str:
        """What the last query ran on: ``memory`` (the replica), ``disk`` or ``remote``."""
        last = getattr(self.store, "last_engine", None)
        if last is not None:
            return last
        return "remote" if getattr(self.store, "url", None) else "disk"


def answer(backend, req: dict) -> dict:
    """Run one query; errors the client caused (or a SERVICE endpoint did) are answers, not crashes."""
    try:
        reply = _answer(backend, req)
        engine = getattr(backend, "engine", None)
        if engine is not None:
            reply["engine"] = engine()
        return reply
    except PermissionError:
        # only the sandbox refuses this worker anything: the query tried to open a socket
        return {"ok": False, "status": 403, "message": SERVICE_REFUSED}
    except (SyntaxError, ValueError, RuntimeError, OSError) as e:
        # raised while the solutions are computed (evaluation is lazy): a function the engine
        # does not know, a type error, or a SERVICE endpoint that failed or answered garbage
        if may_reach_network(req["query"]):
            return {"ok": False, "status": 502,
                    "message": f"a SERVICE endpoint failed or sent an answer that could not be read: {_short(e)}"}
        if isinstance(e, OSError):
            return {"ok": False, "status": 500, "message": f"query failed: {_short(e)}"}
        return {"ok": False, "status": 400, "message": f"SPARQL error: {_short(e)}"}


def _short(e: Exception, limit: int = 500) -> str:
    text = str(e) or type(e).__name__
    return text if len(text) <= limit else text[:limit] + "…"


def _answer(backend, req: dict) -> dict:
    max_rows: int = req["max_rows"]
    try:
        res = backend.query(req["query"], req.get("options"))
    except PermissionError:
        raise
    except (SyntaxError, ValueError) as e:  # graph.results.SparqlError is a ValueError
        # line, column and a caret instead of the parser's list of Unicode ranges
        message = readable_error(f"SPARQL error: {e}", req["query"])
        return {"ok": False, "status": 400, "message": _short(ValueError(message), 1000)}
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
    ap.add_argument("--data")
    ap.add_argument("--store")
    ap.add_argument("--base-iri")
    ap.add_argument("--memory-mb", type=int, default=0)
    ap.add_argument("--no-network", action="store_true", help="give up network sockets before any query")
    ap.add_argument("--replica-mb", type=int, default=0,
                    help="answer from an in-memory copy of the store when it fits in this many MiB")
    ap.add_argument("--replica-after-fd", type=int, help="start the copy when this pipe is closed (the server's "
                                                          "start-up first)")
    args = ap.parse_args(argv)
    # the copy's memory comes on top of what a query may use
    _limit_memory(args.memory_mb + args.replica_mb if args.memory_mb else 0)
    if args.no_network:
        from api.server.sparql.sandbox import forbid_network

        forbid_network()  # fails (and the worker with it) rather than run queries unprotected
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but wire messages may reach the pipe
    backend = StoreBackend(args.data, args.store, args.base_iri, args.replica_mb, args.replica_after_fd)
    wire.send(stdout, {"ok": True, "ready": True})
    while True:
        try:
            req = wire.recv(stdin)
        except EOFError:
            return
        try:
            reply = answer(backend, req)
        except MemoryError:
            reply = {"ok": False, "status": 503, "message": "the query needed more memory than a worker may use"}
        except Exception:  # never let one query take the worker down without an answer
            traceback.print_exc(file=sys.stderr)
            reply = {"ok": False, "status": 500, "message": "internal error while running the query"}
        wire.send(stdout, reply)


if __name__ == "__main__":
    main()
