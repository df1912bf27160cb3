"""Server settings (``jixiao serve`` options), one immutable object handed to the app."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerConfig:
    update_token: str | None = None  # SPARQL Update is refused unless set and presented
    timeout: float = 30.0  # seconds a SPARQL query may run before its worker is killed
    max_rows: int = 10_000  # rows (or triples) in one SPARQL answer; more are cut off
    workers: int = 2  # query worker processes
    worker_memory_mb: int = 4096  # address-space limit of each worker (0: none)
    allow_service: bool = False  # SPARQL SERVICE makes the server call URLs clients choose
    max_body: int = 1_000_000  # bytes of a request body
    max_query_string: int = 64_000  # bytes of a URL's query string
    page_size: int = 50  # items in one page of a list
    # admission lanes (api/server/admission.py): SPARQL runs as many queries as workers
    sparql_queue: int = 16  # SPARQL requests that may wait for a worker; more get a 503 at once
    search_running: int = 4  # searches at once
    search_queue: int = 32
    pages_running: int = 16  # pages and JSON API requests at once
    pages_queue: int = 64
    cors_origin: str | None = "*"  # Access-Control-Allow-Origin for reads; None: no CORS
    # the index and the encoder load in the background at start; a search arriving before
    # they are ready waits this long, then gets a JSON 503 with Retry-After
    search_wait: float = 15.0
    # MiB each query worker may give an in-memory copy of the embedded store (graph.replica);
    # None: half the memory available at start, shared by the workers; 0: no copy
    replica_mb: int | None = None
