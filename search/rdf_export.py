"""The search results SPARQL users see: similarity links and reuse clusters as N-Triples,
each set in its own named graph, replaced whole on every sync.

    <{base}graph/similarity>   i jx:similarIndicator o ; jx:similarity [jx:other o ; jx:score 0.93]
    <{base}graph/reuse>        i jx:reuseCluster c . c a skos:Concept ; skos:inScheme jx:ReuseScheme ;
                               skos:prefLabel "most common wording"@zh ; skos:altLabel "variant"@zh ;
                               skos:closeMatch c2 (another cluster whose wording is near)

Each graph carries ``<graph> dcterms:identifier "gen-…"``, the index generation it was built
from, so ``check()`` can tell a stale graph from a current one. It is written last, so a
graph whose loading was cut short has no current stamp.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from graph.iris import Minter
from graph.vocab import JX_IRI
from search.links import Link

JX = JX_IRI
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
REUSE_SCHEME = f"{JX}ReuseScheme"


def similarity_graph_iri(base_iri: str) -> str:
    return str(Minter(base_iri).similarity_graph())


def reuse_graph_iri(base_iri: str) -> str:
    return str(Minter(base_iri).reuse_graph())


def iri(value: str) -> str:
    return f"<{value}>"


def literal(value: str, lang: str | None = None) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def decimal(value: float) -> str:
    return f'"{value:.4f}"^^<{XSD_DECIMAL}>'


def triple(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} .\n"


def similarity_triples(links: Iterable[Link], base_iri: str, generation: str) -> str:
    links = list(links)
    return "".join(similarity_chunks([x.source for x in links], [x.other for x in links],
                                     [x.score for x in links], base_iri, generation))


# links per chunk of ``similarity_chunks``: 5 lines each, about 4 MB of text
SIMILARITY_CHUNK = 4096


def similarity_chunks(sources: Sequence[str], others: Sequence[str], scores: Sequence[float], base_iri: str,
                      generation: str, chunk: int = SIMILARITY_CHUNK) -> Iterator[str]:
    """The similarity graph as N-Triples, ``chunk`` links per string, the stamp last (the same
    lines as one ``similarity_triples`` text, without holding the whole graph in memory)."""
    similar, similarity = iri(f"{JX}similarIndicator"), iri(f"{JX}similarity")
    node_type = f"{iri(RDF_TYPE)} {iri(f'{JX}Similarity')} .\n"
    other_p, score_p = iri(f"{JX}other"), iri(f"{JX}score")
    node_iri = Minter(base_iri).similarity_iri
    decimals: dict[float, str] = {}
    for start in range(0, len(sources), chunk):
        out = []
        for source, other, score in zip(sources[start:start + chunk], others[start:start + chunk],
                                        scores[start:start + chunk], strict=True):
            node = f"<{node_iri(source, other)}>"
            value = decimals.get(score)
            if value is None:
                value = decimals[score] = decimal(round(score, 4))
            out.append(f"<{source}> {similar} <{other}> .\n<{source}> {similarity} {node} .\n"
                       f"{node} {node_type}{node} {other_p} <{other}> .\n{node} {score_p} {value} .\n")
        yield "".join(out)
    yield _stamp(similarity_graph_iri(base_iri), generation)


def reuse_triples(clusters: list[dict], close_matches: list[tuple[str, str]], base_iri: str,
                  generation: str) -> str:
    """``clusters``: summaries from ``search.clusters.cluster_summary`` (multi-project ones)."""
    out = [triple(iri(REUSE_SCHEME), iri(RDF_TYPE), iri(f"{SKOS}ConceptScheme"))]
    for c in clusters:
        node = iri(c["iri"])
        out.append(triple(node, iri(RDF_TYPE), iri(f"{SKOS}Concept")))
        out.append(triple(node, iri(f"{SKOS}inScheme"), iri(REUSE_SCHEME)))
        out.append(triple(node, iri(f"{SKOS}prefLabel"), literal(c["label"], "zh")))
        for v in c["variants"]:
            if v["name"] != c["label"]:
                out.append(triple(node, iri(f"{SKOS}altLabel"), literal(v["name"], "zh")))
        for member in c["members"]:
            out.append(triple(iri(member), iri(f"{JX}reuseCluster"), node))
    for a, b in close_matches:
        out.append(triple(iri(a), iri(f"{SKOS}closeMatch"), iri(b)))
    out.append(_stamp(reuse_graph_iri(base_iri), generation))
    return "".join(out)


def _stamp(graph: str, generation: str) -> str:
    return triple(iri(graph), iri(DCT_IDENTIFIER), literal(generation))
