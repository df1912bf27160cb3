"""A remote store: any SPARQL 1.1 server with the Graph Store Protocol.

``--store URL`` names the dataset; the endpoints default to Oxigraph's layout
(``URL/query``, ``URL/update``, ``URL/store``). Other servers name them in the URL fragment:

    http://127.0.0.1:7878                                   # oxigraph serve
    http://dba:dba@host:8890#query=sparql&update=sparql-auth&gsp=sparql-graph-crud-auth  # Virtuoso
    http://host:3030/ds#query=sparql&update=update&gsp=data # Apache Jena Fuseki
    http://host:7200/repositories/jx#query=&update=statements&gsp=rdf-graphs/service  # GraphDB

Credentials: ``USER:PASSWORD@`` in the URL, or ``JIXIAO_STORE_USER`` and
``JIXIAO_STORE_PASSWORD`` in the environment. The server's challenge picks HTTP Digest or
Basic authentication (``#auth=basic`` sends Basic credentials without waiting for one).

Writes. On a server that runs one request in one transaction (Oxigraph, Fuseki/TDB2,
GraphDB) replacing a source is one SPARQL Update request, as in the embedded store. A
server with request limits and no multi-request transactions (Virtuoso: ~1,200 triples per
``INSERT DATA``, 10 MB per request, each operation committed on its own) is written in
chunks by :mod:`graph.remote_writes`, which keeps each source all or nothing by writing
its ``jx:sha256`` marker last and rolling back on failure. Virtuoso is recognised by its
``Server`` header; ``#writes=chunked`` (or ``#writes=atomic``) overrides that.

Reads. A server that caps the rows of an answer (Virtuoso's ``ResultSetMaxRows``, told by
its ``X-SPARQL-MaxRows`` header) has a capped SELECT re-read in pages; any other cut-short
answer (a capped CONSTRUCT, Virtuoso's partial "anytime" answer on a timeout) raises
:class:`TruncatedAnswerError` — an answer is complete or an error, never silently short.
Export, triple counts and VoID cover jixiao's own graphs only (not a server's system
graphs), and the server's blank-node labels (Virtuoso's ``nodeID://b123``) are mapped to
plain ones.

Union default graph: jixiao's queries expect the default graph to be the union of the named
graphs. Servers configured that way (``oxigraph serve --union-default-graph``, Fuseki's
``unionDefaultGraph``, Virtuoso by default) are detected and used as they are; for the others
every query names its dataset with the protocol's ``default-graph-uri``/``named-graph-uri``
parameters.

Transient errors: a request the server rolled back as a deadlock or a transaction time-out
(Virtuoso's 40001/SR172, SR171) is sent again after 1, 3, 10 and 30 s (``RETRY_DELAYS``);
``#retry=0.5,2`` in the URL or ``JIXIAO_STORE_RETRY_DELAYS=0.5,2`` sets other waits
(``#retry=`` empty: never again). Any other error is reported at once.
"""
from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, unquote, urldefrag, urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from graph import remote_writes
from graph.base import GraphStore, PreparedSource
from graph.results import SparqlError
from graph.vocab import JX_IRI, sparql_prologue

__all__ = ["RemoteStore", "ServerAuth", "StoreURL", "TruncatedAnswerError", "parse_retry_delays",
           "parse_store_url"]

log = logging.getLogger("jixiao.remote")

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
RS = "http://www.w3.org/2005/sparql-results#"  # the result-set vocabulary of a Turtle SELECT answer
# Virtuoso's Turtle writes these bare (5, 1.5): an xsd:decimal 5 reads back as an integer, a double 1.5 as a decimal.
_BARE_NUMBERS = ("http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#decimal",
                 "http://www.w3.org/2001/XMLSchema#double")
# Aggregates answer few rows, most of them numbers: asked for as JSON at once.
_AGGREGATE = re.compile(r"\b(COUNT|SUM|AVG|MIN|MAX|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE)
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
USER_ENV, PASSWORD_ENV = "JIXIAO_STORE_USER", "JIXIAO_STORE_PASSWORD"
RETRY_ENV = "JIXIAO_STORE_RETRY_DELAYS"  # seconds before each repeat of a transient failure: "1,3,10,30"
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_TRAILING_ORDER = re.compile(r"\bORDER\s+BY\s+[^{}]*$", re.IGNORECASE)
_SERVER_BNODE = re.compile(r"[^A-Za-z0-9]")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_NOT_KEYWORDS = re.compile(r'<[^<>\s]*>|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|#[^\n]*')
MIN_PROBED_ROWS = 1_000  # graph answers smaller than this are taken as whole (no server caps so low)
GRAPH_BATCH = 64  # graphs read per request by export
# Errors a server reports for a transaction it rolled back and that may pass when sent again:
# Virtuoso's deadlock (SQL state 40001, SR172) and transaction time-out (SR171), both seen
# under load. Every request jixiao sends is safe to repeat (DROP SILENT, INSERT/DELETE DATA,
# Graph Store POSTs of triples without blank nodes, queries).
_TRANSIENT = re.compile(r"(40001|SR171|SR172)|Transaction (deadlocked|timed out)")
RETRY_DELAYS = (1.0, 3.0, 10.0, 30.0)  # seconds before each repeat of a transient failure (the default)


class TruncatedAnswerError(RuntimeError):
    """The server cut an answer short (a row cap or a time limit) and it could not be re-read whole."""


class StoreURL:
    """``--store URL`` taken apart: endpoints, credentials (never in :attr:`base`), options."""

    def __init__(self, base: str, query: str, update: str, gsp: str, user: str | None, password: str | None,
                 options: dict[str, str]) -> None:
        self.base, self.query, self.update, self.gsp = base, query, update, gsp
        self.user, self.password, self.options = user, password, options


def parse_store_url(url: str, env: dict[str, str] | None = None) -> StoreURL:
    """Endpoints from the fragment (``query=``, ``update=``, ``gsp=``), credentials from the URL or
    the environment (``JIXIAO_STORE_USER``/``JIXIAO_STORE_PASSWORD``)."""
    env = os.environ if env is None else env
    rest, fragment = urldefrag(url)
    parts = urlsplit(rest)
    user = unquote(parts.username) if parts.username is not None else env.get(USER_ENV) or None
    password = unquote(parts.password) if parts.password is not None else env.get(PASSWORD_ENV)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    base = urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")).rstrip("/")
    options = {"query": "query", "update": "update", "gsp": "store",
               **dict(parse_qsl(fragment, keep_blank_values=True))}
    query, update, gsp = (f"{base}/{options[k]}" if options[k] else base for k in ("query", "update", "gsp"))
    return StoreURL(base, query, update, gsp, user, password, options)


def parse_retry_delays(text: str) -> tuple[float, ...]:
    """``"1,3,10,30"`` → (1.0, 3.0, 10.0, 30.0): the waits before each repeat of a request the
    server rolled back (empty: no repeat)."""
    try:
        delays = tuple(float(x) for x in text.replace(" ", "").split(",") if x)
    except ValueError:
        delays = (-1.0,)
    if any(not math.isfinite(d) or d < 0 for d in delays):
        raise ValueError(f"retry delays {text!r}: give seconds separated by commas, e.g. 1,3,10,30")
    return delays


class ServerAuth(httpx.Auth):
    """HTTP Digest or Basic, whichever the server's ``WWW-Authenticate`` challenge asks for.

    The first request goes without credentials; after the challenge, httpx's own
    ``DigestAuth`` / ``BasicAuth`` take over (Digest answers later challenges from its cache).
    """

    requires_request_body = True

    def __init__(self, user: str, password: str, scheme: str | None = None) -> None:
        self._auth = {"basic": httpx.BasicAuth(user, password), "digest": httpx.DigestAuth(user, password)}
        self.scheme = scheme

    def auth_flow(self, request: httpx.Request):
        if self.scheme in self._auth:
            yield from self._auth[self.scheme].auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        self.scheme = "digest" if challenge.startswith("digest") else "basic"
        yield from self._auth[self.scheme].auth_flow(request)


class RemoteStore(GraphStore):
    def __init__(self, url: str, base_iri: str | None = None, read_only: bool = False,
                 timeout: float = 600.0, retry_delays: tuple[float, ...] | None = None) -> None:
        super().__init__(base_iri)
        conf = parse_store_url(url)
        if retry_delays is None:  # the URL's #retry=, else the environment's, else the default
            setting = conf.options.get("retry", os.environ.get(RETRY_ENV))
            retry_delays = RETRY_DELAYS if setting is None else parse_retry_delays(setting)
        self.retry_delays = tuple(retry_delays)
        self.url = conf.base  # without credentials: safe in messages
        self.query_url, self.update_url, self.gsp_url = conf.query, conf.update, conf.gsp
        self.read_only = read_only
        auth = None
        if conf.user:
            auth = ServerAuth(conf.user, conf.password or "", conf.options.get("auth"))
        self._http = httpx.Client(timeout=timeout, auth=auth)
        self._writes_option = conf.options.get("writes")
        self._server: str | None = None  # the Server header of the first answer
        self._prologue = sparql_prologue()
        self._union: bool | None = None
        self._row_cap: int | None = None  # rows per answer, where the server caps them
        self._uncapped_rows = 0  # an answer of this many rows came back whole
        self.graph_prefix = os.path.commonprefix([str(self.minter.shared_graph()), str(self.minter.ontology_graph()),
                                                  str(self.minter.source_graph("0" * 64))])
        if not read_only:
            self.ensure_ontology()
            self._union = None  # probe again now that the ontology graph is there

    # ------------------------------------------------------------------ server limits
    @property
    def chunked(self) -> bool:
        """Write in chunks (see :mod:`graph.remote_writes`): a server with request limits."""
        if self._writes_option in ("chunked", "atomic"):
            return self._writes_option == "chunked"
        if self._server is None:
            self._probe_union()  # any answer tells the server
        return "virtuoso" in (self._server or "").lower()

    @property
    def _virtuoso(self) -> bool:
        """Is the server Virtuoso (known from its first answer's Server header)? Its SPARQL JSON
        and XML results writers are slow: a SELECT of 30,000 rows of Chinese text took 25 s of
        wall time (5 s of the server's CPU) as JSON against 1.5 s as its Turtle result set
        (docs/scaling.md), so jixiao reads Virtuoso's SELECT answers as Turtle."""
        return "virtuoso" in (self._server or "").lower()

    @property
    def max_update_triples(self) -> int | None:
        """Triples per ``INSERT DATA``/``DELETE DATA`` request (None: no limit)."""
        return remote_writes.UPDATE_TRIPLES if self.chunked else None

    # ------------------------------------------------------------------ HTTP
    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        retries = 0
        for delay in (*self.retry_delays, None):
            try:
                resp = self._http.request(method, url, **kwargs)
            except httpx.HTTPError as e:
                raise ConnectionError(f"SPARQL server {self.url} unreachable: {e}") from e
            if resp.status_code < 500 or not _TRANSIENT.search(resp.text[:2000]):
                break
            if delay is None:
                break
            # the server rolled the transaction back: send it again
            retries += 1
            log.warning("%s answered %s (%s): sending it again in %g s (%d of %d)", url, resp.status_code,
                        _first_line(resp.text), delay, retries, len(self.retry_delays))
            time.sleep(delay)
        if self._server is None:
            self._server = resp.headers.get("server", "")
        if resp.status_code in (401, 403):
            how = ("the credentials were refused" if self._http.auth is not None else
                   f"it needs credentials: put them in the URL (http://USER:PASSWORD@host:port…) or in "
                   f"{USER_ENV} and {PASSWORD_ENV}")
            raise PermissionError(f"{url} answered {resp.status_code}: {how}")
        if resp.status_code == 400:
            raise SparqlError(resp.text.strip() or "bad request")
        if resp.status_code >= 300:
            again = f" (sent {retries + 1} times: the server rolled it back each time)" if retries else ""
            raise RuntimeError(f"{url} answered {resp.status_code}{again}: {resp.text.strip()[:500]}")
        return resp

    def _post(self, url: str, data: list[tuple[str, str]], accept: str | None = None) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if accept:
            headers["Accept"] = accept
        # Repeated keys (default-graph-uri) need an encoded body: httpx's data= takes a dict.
        return self._send("POST", url, content=urlencode(data).encode("ascii"), headers=headers)

    def gsp_post(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to ``graph`` with a Graph Store Protocol POST (no SPARQL parsing)."""
        self._send("POST", self.gsp_url, params={"graph": graph}, content=ntriples,
                   headers={"Content-Type": f"{N_TRIPLES}; charset=utf-8"})

    def _dataset_params(self, sparql: str) -> list[tuple[str, str]]:
        """Protocol dataset parameters making the default graph the union (if needed)."""
        if self._union is None:
            self._union = self._probe_union()
        if self._union or _FROM.search(sparql):
            return []
        graphs = self._named_graphs()
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def _probe_union(self) -> bool:
        resp = self._post(self.query_url, [("query", f"ASK {{ <{JX_IRI}Project> ?p ?o }}")], RESULTS_JSON)
        return bool(ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON))

    def _named_graphs(self) -> list[str]:
        # GRAPH ?g {} yields each named graph once without scanning its triples; an empty
        # server (Virtuoso) answers one row with ?g unbound.
        resp = self._post(self.query_url, [("query", "SELECT ?g WHERE { GRAPH ?g { } }")], RESULTS_JSON)
        return [s["g"].value for s in ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON)
                if s["g"] is not None]

    # ------------------------------------------------------------------ primitives
    def _run_query(self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                   base_iri: str | None = None, numbers: bool = False):
        """``numbers``: the answer is expected to hold numbers (ask for JSON at once, see
        ``_select_answer``)."""
        if default_graphs is None and named_graphs is None:
            dataset = self._dataset_params(sparql)
        else:  # the caller's dataset, as the protocol's parameters
            dataset = [("default-graph-uri", g) for g in default_graphs or []] + [
                ("named-graph-uri", g) for g in named_graphs or []]
        prologue = _base(base_iri) + self._prologue
        params = [("query", prologue + sparql), *dataset]
        form = _query_form(sparql)
        turtle = (form == "SELECT" and self._virtuoso and not numbers
                  and not _AGGREGATE.search(_NOT_KEYWORDS.sub(" ", sparql)))
        # Virtuoso answers a CONSTRUCT in SPARQL JSON results if those come first in Accept.
        accept = (f"{N_TRIPLES}, text/turtle;q=0.8" if form in ("CONSTRUCT", "DESCRIBE")
                  else f"{RESULTS_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.8")
        resp, answer = self._select_answer(params, turtle) if turtle else (self._post(self.query_url, params, accept),
                                                                            None)
        _check_complete(resp, self.url)
        capped = resp.headers.get("x-sparql-maxrows")
        ctype = resp.headers.get("content-type", "").split(";")[0].strip()
        if answer is not None or ctype in (RESULTS_JSON, "application/json"):
            answer = answer or _server_bnodes(json.loads(resp.content))
            if capped:
                self._row_cap = int(capped)
            if capped and "boolean" not in answer:
                answer = self._select_pages(sparql, answer["head"]["vars"], int(capped), prologue, dataset, turtle)
            return ox.parse_query_results(json.dumps(answer).encode("utf-8"), ox.QueryResultsFormat.JSON)
        fmt = ox.RdfFormat.from_media_type(ctype)
        if fmt is None:
            raise RuntimeError(f"unexpected answer type {ctype!r} from {self.query_url}")
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(resp.content, fmt)]
        # Virtuoso cuts a CONSTRUCT at ResultSetMaxRows without saying so: compare with its cap.
        cap = int(capped) if capped else self._row_cap_within(len(triples))
        if cap is not None and len(triples) >= cap:
            raise TruncatedAnswerError(f"{self.url} cut a graph answer at {cap} triples (its ResultSetMaxRows); "
                                       f"raise that limit, or use SELECT, which jixiao reads in pages")
        return triples

    def _select_answer(self, params: list[tuple[str, str]], turtle: bool) -> tuple[httpx.Response, dict]:
        """A SELECT answer as SPARQL JSON results (a dict), read from Virtuoso's Turtle result
        set where that is exact. Its Turtle writer puts numbers bare — ``5`` for an
        ``xsd:decimal`` 5, ``1.5`` for an ``xsd:double`` — so an answer holding an integer or a
        decimal is asked for again as JSON, whose writer keeps the datatype but is slow."""
        if turtle:
            resp = self._post(self.query_url, params, TURTLE)
            _check_complete(resp, self.url)
            if resp.headers.get("content-type", "").startswith(TURTLE):
                answer = _turtle_results(resp.content)
                if answer is not None:
                    return resp, _server_bnodes(answer)
        resp = self._post(self.query_url, params, RESULTS_JSON)
        return resp, _server_bnodes(json.loads(resp.content))

    def _row_cap_within(self, n: int) -> int | None:
        """The server's cap on answer rows if it is at most ``n``, else None. Learnt from a capped
        answer, or probed once with a SELECT of more than ``n`` rows made of two VALUES lists."""
        if self._row_cap is not None:
            return self._row_cap if self._row_cap <= n else None
        if n < MIN_PROBED_ROWS or n <= self._uncapped_rows:
            return None
        k = math.isqrt(n) + 1
        values = " ".join(str(i) for i in range(k))
        resp = self._post(self.query_url, [("query", f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} "
                                                     f"VALUES ?b {{ {values} }} }}")], RESULTS_JSON)
        if resp.headers.get("x-sparql-maxrows"):
            self._row_cap = int(resp.headers["x-sparql-maxrows"])
            return self._row_cap if self._row_cap <= n else None
        self._uncapped_rows = k * k
        return None

    def _select_pages(self, sparql: str, variables: list[str], page: int, our_prologue: str,
                      dataset: list[tuple[str, str]], turtle: bool = False) -> dict:
        """Re-read a SELECT whose answer the server capped at ``page`` rows, ``page`` rows at a time.

        The query becomes a sorted subquery with OFFSET/LIMIT outside it (Virtuoso's own
        recipe: its ``MaxSortedTopRows`` forbids a large OFFSET on a sorted query itself).
        Rows are sorted on every variable (after the query's own ORDER BY, if it ends with
        one), so the pages cut one fixed order.
        """
        start = _SELECT.search(sparql)
        if start is None or not variables:
            raise TruncatedAnswerError(f"{self.url} capped an answer at {page} rows and it cannot be paged")
        prologue, body = sparql[:start.start()], sparql[start.start():].rstrip()
        names = " ".join(f"?{v}" for v in variables)
        if _TRAILING_ORDER.search(body):
            inner = f"{body} {names}"
        else:
            inner = f"SELECT {names} WHERE {{ {{ {body} }} }} ORDER BY {names}"
        rows: list[dict] = []
        offset = 0
        while True:
            paged = f"{prologue}SELECT {names} WHERE {{ {{ {inner} }} }} OFFSET {offset} LIMIT {page}"
            resp, answer = self._select_answer([("query", our_prologue + paged), *dataset], turtle)
            _check_complete(resp, self.url)
            got = answer["results"]["bindings"]
            rows.extend(got)
            if len(got) < page:
                return {"head": {"vars": variables}, "results": {"bindings": rows}}
            offset += page

    def _run_update(self, sparql: str, base_iri: str | None = None) -> None:
        self._post(self.update_url, [("update", _base(base_iri) + self._prologue + sparql)])

    def jixiao_graphs(self) -> list[str]:
        """The named graphs jixiao wrote (sources, shared, ontology, search), not the server's own."""
        rows = self._run_query(f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            FILTER(STRSTARTS(STR(?g), "{self.graph_prefix}")) }}""")
        return sorted(s["g"].value for s in rows)

    def _quads(self) -> Iterator[ox.Quad]:
        # The protocol has no standard "whole dataset" GET, so ask for the quads, some graphs
        # at a time (a capped answer is paged by _run_query).
        graphs = self.jixiao_graphs()
        for i in range(0, len(graphs), GRAPH_BATCH):
            batch = graphs[i:i + GRAPH_BATCH]
            counts = self.graph_triple_counts(batch)
            big = [g for g in batch if self._row_cap_within(counts.get(g, 0)) is not None]
            small = [g for g in batch if g not in big]
            # As many graphs a request as fit under the server's cap: a capped answer would be
            # re-read in sorted pages, each sorting the whole answer again.
            cap = self._row_cap_within(sum(counts.get(g, 0) for g in small))
            groups: list[list[str]] = []
            rows = 0
            for g in small:
                if not groups or (cap is not None and rows + counts.get(g, 0) >= cap):
                    groups.append([])
                    rows = 0
                groups[-1].append(g)
                rows += counts.get(g, 0)
            for group in groups:
                yield from self._group_quads(group)
            for g in big:
                graph = ox.NamedNode(g)
                for t in self._big_graph(g, counts[g]):
                    yield ox.Quad(t.subject, t.predicate, t.object, graph)

    def _group_quads(self, graphs: list[str]) -> Iterator[ox.Quad]:
        """The quads of a few graphs whose answer fits under the server's cap. On Virtuoso the
        answer comes as Turtle, except the triples whose object is a number written bare there
        (its datatype unsure, see ``_select_answer``): those few come again as JSON."""
        values = " ".join(f"<{g}>" for g in graphs)
        every = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        if self._virtuoso:
            resp = self._post(self.query_url, [("query", self._prologue + every)], TURTLE)
            _check_complete(resp, self.url)
            if (resp.headers.get("content-type", "").startswith(TURTLE)
                    and not resp.headers.get("x-sparql-maxrows")):
                answer = _turtle_results(resp.content, bare_numbers=False)
                if answer is not None:
                    numbers = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} " \
                              f"FILTER(isNumeric(?o)) }}"
                    numeric = [r for r in self._run_query(numbers, numbers=True)
                               if isinstance(r["o"], ox.Literal) and r["o"].datatype.value in _BARE_NUMBERS]
                    rows = ox.parse_query_results(json.dumps(_server_bnodes(answer)).encode("utf-8"),
                                                  ox.QueryResultsFormat.JSON)
                    for r in (*rows, *numeric):
                        yield ox.Quad(r["s"], r["p"], r["o"], r["g"])
                    return
        for r in self._run_query(every, numbers=True):
            yield ox.Quad(r["s"], r["p"], r["o"], r["g"])

    def _big_graph(self, graph: str, count: int) -> list[ox.Triple]:
        """A graph larger than the server's answer cap. Pages in the server's own scan order
        (OFFSET without ORDER BY: no sort of the whole graph per page), checked: ``count``
        distinct triples of a graph of ``count`` triples are the graph. If the pages did not
        add up, the sorted paging of ``_run_query`` reads it instead."""
        cap = self._row_cap or count
        triples: set[ox.Triple] = set()
        for offset in range(0, count + cap, cap):
            resp, answer = self._select_answer([("query", f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
                                                          f"OFFSET {offset} LIMIT {cap}")], False)
            _check_complete(resp, self.url)
            rows = ox.parse_query_results(json.dumps(answer).encode("utf-8"), ox.QueryResultsFormat.JSON)
            got = [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]
            triples.update(got)
            if len(got) < cap:
                break
        if len(triples) == count and not any(_has_bnode(t) for t in triples):
            return list(triples)
        return self.graph_triples(graph)

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """Every triple of one named graph (paged if the server caps answers)."""
        return [ox.Triple(s["s"], s["p"], s["o"])
                for s in self._run_query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")]

    def _load_ontology(self, graph: str, turtle: str) -> None:
        resp = self._send("PUT", self.gsp_url, params={"graph": graph}, content=turtle.encode("utf-8"),
                          headers={"Content-Type": "text/turtle; charset=utf-8"})
        del resp

    def triple_count(self) -> int:
        rows = self.select(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            FILTER(STRSTARTS(STR(?g), "{self.graph_prefix}")) }}""")
        return int(rows[0]["n"]) if rows else 0

    # ------------------------------------------------------------------ writes in chunks
    def _write_new(self, items: list[PreparedSource]) -> None:
        if self.chunked:
            remote_writes.write_new(self, items)
        else:
            super()._write_new(items)

    def _replace_changed(self, item: PreparedSource, superseded: list[str] | None = None) -> None:
        if self.chunked:
            remote_writes.replace_changed(self, item, superseded or [])
        else:
            super()._replace_changed(item, superseded)

    def replace_graph(self, graph: str, data: str | bytes, format: str = "nt") -> None:
        """Replace one named graph; on a chunked server in pieces, its last triple last."""
        if not self.chunked:
            return super().replace_graph(graph, data, format)
        self._check_writable()
        remote_writes.replace_graph(self, graph, data, format)
        self._changed()

    def change_graph(self, graph: str, removed: Iterable[str], added: Iterable[str]) -> None:
        """Delete and insert N-Triples lines in one graph: one update, or on a chunked server
        removals first (the graph's own stamp among the first) and additions after (its stamp last)."""
        self._check_writable()
        removed, added = list(removed), list(added)
        if self.chunked:
            remote_writes.change_graph(self, graph, removed, added)
        else:
            parts = []
            if removed:
                parts.append(f"DELETE DATA {{ GRAPH <{graph}> {{\n" + "\n".join(removed) + "\n} }")
            if added:
                parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n" + "\n".join(added) + "\n} }")
            if parts:
                self._run_update(" ;\n".join(parts))
        self._changed()

    def close(self) -> None:
        self._http.close()


def _base(base_iri: str | None) -> str:
    """A BASE declaration for the remote server, put before the PREFIX lines of the prologue:
    SPARQL allows either order, Virtuoso only BASE first (SP030 otherwise)."""
    return f"BASE <{ox.NamedNode(base_iri).value}>\n" if base_iri else ""


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0][:200]


def _has_bnode(t: ox.Triple) -> bool:
    # blank-node labels of different answers need not name the same node: read such graphs sorted, in one order
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of those keywords outside IRIs, strings and comments."""
    m = _FORM.search(_NOT_KEYWORDS.sub(" ", sparql))
    return m.group(1).upper() if m else None


def _check_complete(resp: httpx.Response, url: str) -> None:
    """Virtuoso's "anytime" answers: partial results after its time limit, marked by a header."""
    state = resp.headers.get("x-sql-state", "")
    if state.startswith("S1TAT"):
        raise TruncatedAnswerError(f"{url} gave a partial answer ({resp.headers.get('x-sql-message', state)}): "
                                   f"raise its MaxQueryExecutionTime")


def _turtle_results(content: bytes, bare_numbers: bool = True) -> dict | None:
    """A SELECT answer written in Turtle with the result-set vocabulary (``res:solution``,
    ``res:binding``, ``res:variable``, ``res:value``), as SPARQL JSON results: solutions in the
    order written (so ORDER BY holds), each term as the JSON writer gives it (blank nodes as
    Virtuoso names them there, ``nodeID://…``). None if the answer holds an ``xsd:integer`` or
    ``xsd:decimal``: written bare, their datatype is unsure (see ``_select_answer``); with
    ``bare_numbers=False`` the solutions holding one are left out instead."""
    variables: list[str] = []
    dropped: set[int] = set()
    order: dict[str, int] = {}  # solution node → its row
    solution_of: dict[str, str] = {}  # binding node → its solution node
    name_of: dict[str, str] = {}
    value_of: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
    solution, binding, variable, value = RS + "solution", RS + "binding", RS + "variable", RS + "value"
    for t in ox.parse(content, ox.RdfFormat.TURTLE):  # nodes keyed by label: cheaper than by term
        p = t.predicate.value
        if p == value:
            value_of[t.subject.value] = t.object
        elif p == variable:
            name_of[t.subject.value] = t.object.value
        elif p == binding:
            sol = t.subject.value
            order.setdefault(sol, len(order))
            solution_of[t.object.value] = sol
        elif p == solution:
            order.setdefault(t.object.value, len(order))
        elif p == RS + "resultVariable":
            variables.append(t.object.value)
    rows: list[dict] = [{} for _ in order]
    for b, sol in solution_of.items():
        if b in value_of:
            term = value_of[b]
            if isinstance(term, ox.Literal) and term.datatype.value in _BARE_NUMBERS:
                if bare_numbers:
                    return None
                dropped.add(order[sol])
            rows[order[sol]][name_of[b]] = _json_term(term)
    if dropped:
        rows = [r for i, r in enumerate(rows) if i not in dropped]
    return {"head": {"vars": variables}, "results": {"bindings": rows}}


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": "nodeID://" + term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _server_bnodes(answer: dict) -> dict:
    """Blank-node labels a SPARQL parser accepts (Virtuoso answers ``nodeID://b10006``) and
    booleans in their canonical form (Virtuoso stores ``false`` as ``"0"^^xsd:boolean``)."""
    for row in answer.get("results", {}).get("bindings", ()):
        for term in row.values():
            if term.get("type") == "bnode" and not term["value"].isalnum():
                term["value"] = "v" + _SERVER_BNODE.sub("", term["value"])
            elif term.get("datatype") == XSD_BOOLEAN and term["value"] in ("0", "1"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return answer
