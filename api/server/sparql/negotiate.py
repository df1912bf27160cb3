"""Pick the response format from ``format=`` (for browsers) or the ``Accept`` header.

One request may be answered with a result set (SELECT/ASK) or a graph
(CONSTRUCT/DESCRIBE), and the server only knows which after parsing the query, so both
choices are made up front and the worker uses the one that fits.
"""
from __future__ import annotations

from dataclasses import dataclass

from api.server.sparql.results import GRAPH_TYPES, RESULT_TYPES

# short names accepted in ?format= / ?output= — ours, and those Fuseki and Virtuoso accept
# (a name for results only leaves graphs to the Accept header, and the other way round)
FORMAT_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "srj": ("json", None),
    "xml": ("xml", "rdfxml"),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "text": ("tsv", "ntriples"),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "rdf": (None, "rdfxml"),
    "rdfxml": (None, "rdfxml"),
    "rdf/xml": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    "xml-rdf": (None, "rdfxml"),
    "nquads": (None, "nquads"),
    "n-quads": (None, "nquads"),
    "nq": (None, "nquads"),
    "trig": (None, "trig"),
}
DEFAULT_RESULT, DEFAULT_GRAPH = "json", "turtle"


@dataclass
class Choice:
    result_fmt: str | None
    graph_fmt: str | None
    html: bool = False  # a browser asked for a page, not data


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q, best first (stable for equal q)."""
    items: list[tuple[str, float, int]] = []
    for i, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        items.append((media, q, i))
    items.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in items if q > 0]


def _best(ranges: list[tuple[str, float]], table: dict[str, str], default: str) -> tuple[str | None, float]:
    for media, q in ranges:
        if media in table:
            return table[media], q
        if media == "*/*":
            return default, q
        if media in ("application/*", "text/*"):
            # the first format of that family (text/* → CSV for results, Turtle for graphs)
            family = next((fmt for k, fmt in table.items() if k.startswith(media[:-1])), None)
            if family is not None:
                return family, q
    return None, 0.0


def choose(accept: str | None, fmt: str | None) -> Choice:
    """``fmt`` (``format=``/``output=``) wins where it names a format for that kind of result;
    otherwise (and for a value it does not know) the Accept header decides."""
    if fmt:
        key = fmt.strip().lower()
        if key == "html":
            return Choice(DEFAULT_RESULT, DEFAULT_GRAPH, html=True)
        known = FORMAT_ALIASES.get(key)
        if known is None and (key in RESULT_TYPES or key in GRAPH_TYPES):
            known = (RESULT_TYPES.get(key), GRAPH_TYPES.get(key))
        if known is not None:
            by_accept = _by_accept(accept)
            return Choice(known[0] or by_accept.result_fmt, known[1] or by_accept.graph_fmt)
    return _by_accept(accept)


def _by_accept(accept: str | None) -> Choice:
    ranges = parse_accept(accept) if accept else [("*/*", 1.0)]
    result_fmt, rq = _best(ranges, RESULT_TYPES, DEFAULT_RESULT)
    graph_fmt, gq = _best(ranges, GRAPH_TYPES, DEFAULT_GRAPH)
    html_q = next((q for m, q in ranges if m in ("text/html", "application/xhtml+xml")), 0.0)
    # a browser (text/html ranked above every SPARQL type it accepts) gets the query page
    return Choice(result_fmt, graph_fmt, html=html_q > 0 and html_q > max(rq, gq) - 1e-9 and _html_first(ranges))


def _html_first(ranges: list[tuple[str, float]]) -> bool:
    for media, _ in ranges:
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in RESULT_TYPES or media in GRAPH_TYPES:
            return False
    return False
