"""Read-only views of the graph for pages and the JSON API: SPARQL in, plain dicts out.

Every function takes a store with ``select(sparql) -> list[dict]`` (``graph.store``) and
returns JSON-ready dicts (str, int, float, None, lists, dicts) — no RDF terms leave here.
Labels may exist in several languages; Chinese (or untagged) is preferred.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from graph.vocab import JX_IRI, sparql_prologue

JX = JX_IRI
# Spelled out so the views also run on remote servers that know no prefixes.
PREFIXES = sparql_prologue()

# ---------------------------------------------------------------------- term helpers


def text(v: Any) -> str | None:
    """The lexical value of an RDF term (rdflib or pyoxigraph) or plain value."""
    if v is None:
        return None
    value = getattr(v, "value", None)  # pyoxigraph terms
    if isinstance(value, str):
        return value
    return str(v)


def number(v: Any) -> int | float | None:
    s = text(v)
    if s is None:
        return None
    try:
        f = float(Decimal(s))
    except Exception:
        return None
    return int(f) if f.is_integer() else f


def year(v: Any) -> int | None:
    s = text(v)
    try:
        return int(s[:4]) if s else None
    except ValueError:
        return None


def _chinese(v: Any) -> bool:
    lang = getattr(v, "language", None)
    if lang is not None:
        return lang.startswith("zh")
    # store.select gives plain strings (no language tag): look at the characters
    return any("\u4e00" <= ch <= "\u9fff" for ch in text(v) or "")


def _better(current: Any, new: Any) -> bool:
    """Is ``new`` a better label than ``current``? (Chinese beats other languages.)"""
    if new is None:
        return False
    if current is None:
        return True
    return not _chinese(current) and _chinese(new)


def _iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ \n'):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _rows(store, query: str) -> list[dict]:
    return store.select(PREFIXES + query)


def _pick(rows: list[dict], key: str, var: str, out: dict) -> None:
    """Fill ``out[key]`` from column ``var`` of ``rows``, preferring a Chinese label."""
    best = None
    for r in rows:
        if _better(best, r.get(var)):
            best = r.get(var)
    out[key] = text(best)


def _count(store, query: str) -> int:
    rows = _rows(store, query)
    return int(number(rows[0].get("n")) or 0) if rows else 0


# ---------------------------------------------------------------------- overview


def overview(store) -> dict:
    """The dataset's numbers for the home page and ``/api/stats``."""
    counts = {}
    for key, cls in (("projects", "jx:Project"), ("indicators", "jx:Indicator"),
                     ("documents", "jx:LegalDocument")):
        counts[key] = _count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")
    counts["organizations"] = _count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?p jx:applicant ?o }")
    counts["targets"] = _count(store, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?i jx:target ?t }")
    rows = _rows(store, "SELECT ?y (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a jx:Project ; jx:fiscalYear ?y } "
                        "GROUP BY ?y ORDER BY ?y")
    counts["years"] = [{"year": year(r["y"]), "projects": int(number(r["n"]) or 0)} for r in rows]
    return counts


# ---------------------------------------------------------------------- projects


def projects(store, *, year_: int | None = None, applicant: str | None = None, q: str | None = None,
             document: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """Projects with their headline fields, filtered; ``{"total", "items"}``, by year then title."""
    filters = []
    if year_ is not None:
        filters.append(f"FILTER(STR(?y) = {_lit(str(int(year_)))})")
    if applicant:
        filters.append(f"FILTER(CONTAINS(STR(?applicant), {_lit(applicant)}))")
    if q:
        filters.append(f"FILTER(CONTAINS(STR(?title), {_lit(q)}))")
    if document:
        filters.append(f"{{ ?p jx:legalBasis {_iri(document)} }} UNION {{ ?p jx:cites {_iri(document)} }}")
    rows = _rows(store, f"""
SELECT ?p ?title ?applicant ?org ?y ?category ?total
       (COUNT(DISTINCT ?i) AS ?indicators) (COUNT(DISTINCT ?d) AS ?documents) WHERE {{
  ?p a jx:Project .
  OPTIONAL {{ ?p dcterms:title ?title }}
  OPTIONAL {{ ?p jx:applicant ?org . OPTIONAL {{ ?org skos:prefLabel ?applicant }} }}
  OPTIONAL {{ ?p jx:fiscalYear ?y }}
  OPTIONAL {{ ?p jx:projectCategory ?category }}
  OPTIONAL {{ ?p jx:budgetTotal ?total }}
  OPTIONAL {{ ?p jx:hasIndicator ?i }}
  OPTIONAL {{ ?p jx:legalBasis ?d }}
  {' '.join(filters)}
}} GROUP BY ?p ?title ?applicant ?org ?y ?category ?total""")
    items = _merge_projects(rows)
    items.sort(key=lambda p: (-(p["year"] or 0), p["title"] or ""))
    return {"total": len(items), "items": items[offset:offset + limit]}


def _merge_projects(rows: list[dict]) -> list[dict]:
    by_iri: dict[str, dict] = {}
    labels: dict[str, dict] = {}
    for r in rows:
        iri = text(r["p"])
        p = by_iri.setdefault(iri, {"iri": iri, "title": None, "applicant": None, "applicant_iri": text(r.get("org")),
                                    "year": year(r.get("y")), "category": None,
                                    "budget_total": number(r.get("total")),
                                    "indicators": int(number(r.get("indicators")) or 0),
                                    "legal_bases": int(number(r.get("documents")) or 0)})
        seen = labels.setdefault(iri, {})
        for key, var in (("title", "title"), ("applicant", "applicant"), ("category", "category")):
            if _better(seen.get(key), r.get(var)):
                seen[key] = r.get(var)
                p[key] = text(r.get(var))
    return list(by_iri.values())


def project(store, iri: str) -> dict | None:
    """One project: header, budget, legal bases, cited documents, indicator tree, warnings."""
    s = _iri(iri)
    head = _rows(store, f"""
SELECT ?title ?applicant ?org ?y ?category ?start ?end ?total ?current ?prev ?executed ?src ?sha ?line WHERE {{
  {s} a jx:Project .
  OPTIONAL {{ {s} dcterms:title ?title }}
  OPTIONAL {{ {s} jx:applicant ?org . OPTIONAL {{ ?org skos:prefLabel ?applicant }} }}
  OPTIONAL {{ {s} jx:fiscalYear ?y }}
  OPTIONAL {{ {s} jx:projectCategory ?category }}
  OPTIONAL {{ {s} jx:startDate ?start }}
  OPTIONAL {{ {s} jx:endDate ?end }}
  OPTIONAL {{ {s} jx:budgetTotal ?total }}
  OPTIONAL {{ {s} jx:budgetCurrentYear ?current }}
  OPTIONAL {{ {s} jx:budgetPreviousYear ?prev }}
  OPTIONAL {{ {s} jx:executedPreviousYear ?executed }}
  OPTIONAL {{ {s} prov:wasDerivedFrom ?src . OPTIONAL {{ ?src jx:sha256 ?sha }} OPTIONAL {{ ?src jx:sourceLine ?line }} }}
}}""")
    if not head:
        return None
    h = head[0]
    out: dict[str, Any] = {"iri": iri}
    for key, var in (("title", "title"), ("applicant", "applicant"), ("category", "category")):
        _pick(head, key, var, out)
    out.update({
        "applicant_iri": text(h.get("org")),
        "year": year(h.get("y")),
        "start": text(h.get("start")),
        "end": text(h.get("end")),
        "budget": {"total": number(h.get("total")), "current_year": number(h.get("current")),
                   "prev_year_budget": number(h.get("prev")), "prev_year_executed": number(h.get("executed"))},
        "source": {"iri": text(h.get("src")), "sha256": text(h.get("sha")), "line": number(h.get("line"))},
    })
    out["legal_bases"] = _documents_of(store, s, "jx:legalBasis")
    out["cited_documents"] = _documents_of(store, s, "jx:cites")
    out["indicators"] = _indicators_of(store, s)
    out["tree"] = indicator_tree(out["indicators"])
    out["warnings"] = _warnings_of(store, s)
    out["other_fields"] = _other_literals(store, s)
    return out


_KNOWN = {f"{JX}{n}" for n in ("fiscalYear", "projectCategory", "startDate", "endDate", "budgetTotal",
                                "budgetCurrentYear", "budgetPreviousYear", "executedPreviousYear",
                                "sourceLine", "endLine")} | {
    "http://purl.org/dc/terms/title"}


def _other_literals(store, s: str) -> list[dict]:
    """Header fields the graph holds beyond the public vocabulary (gov purchase, text fields…)."""
    rows = _rows(store, f"""
SELECT ?prop ?label ?value WHERE {{
  {s} ?prop ?value . FILTER(isLiteral(?value))
  OPTIONAL {{ ?prop rdfs:label ?label FILTER(LANG(?label) = "zh" || LANG(?label) = "") }}
}}""")
    out: dict[str, dict] = {}
    for r in rows:
        prop = text(r["prop"])
        if prop in _KNOWN:
            continue
        f = out.setdefault(prop, {"property": prop, "label": text(r.get("label")) or _local(prop), "values": []})
        v = {"true": "是", "false": "否"}.get(text(r["value"]) or "", text(r["value"]))  # xsd:boolean
        if v not in f["values"]:
            f["values"].append(v)
    return sorted(out.values(), key=lambda f: f["property"])


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _documents_of(store, s: str, prop: str) -> list[dict]:
    rows = _rows(store, f"""
SELECT ?d ?title ?number ?issuer ?issuerName WHERE {{
  {s} {prop} ?d .
  OPTIONAL {{ ?d dcterms:title ?title }}
  OPTIONAL {{ ?d eli:id_local ?number }}
  OPTIONAL {{ ?d eli:passed_by ?issuer . OPTIONAL {{ ?issuer skos:prefLabel ?issuerName }} }}
}}""")
    return _merge_documents(rows)


def _merge_documents(rows: list[dict]) -> list[dict]:
    docs: dict[str, dict] = {}
    best: dict[str, dict] = {}
    for r in rows:
        iri = text(r["d"])
        d = docs.setdefault(iri, {"iri": iri, "title": None, "number": text(r.get("number")),
                                  "issuer": None, "issuer_iri": text(r.get("issuer"))})
        _keep_best(d, best.setdefault(iri, {}), r, (("title", "title"), ("issuer", "issuerName")))
    return sorted(docs.values(), key=lambda d: (d["number"] is None, d["number"] or "", d["title"] or ""))


def _keep_best(out: dict, seen: dict, row: dict, pairs: tuple[tuple[str, str], ...]) -> None:
    """For each (key, variable): keep the best-language value seen so far across result rows."""
    for key, var in pairs:
        if _better(seen.get(key), row.get(var)):
            seen[key] = row.get(var)
            out[key] = text(row.get(var))


def _indicators_of(store, s: str) -> list[dict]:
    rows = _rows(store, f"""
SELECT ?i ?name ?pos ?line ?l1 ?l2 ?raw ?op ?value ?unit ?qual WHERE {{
  {s} jx:hasIndicator ?i .
  OPTIONAL {{ ?i rdfs:label ?name }}
  OPTIONAL {{ ?i jx:position ?pos }}
  OPTIONAL {{ ?i jx:sourceLine ?line }}
  OPTIONAL {{ ?i jx:category ?c2 . OPTIONAL {{ ?c2 skos:prefLabel ?l2 }}
             OPTIONAL {{ ?c2 skos:broader ?c1 . ?c1 skos:prefLabel ?l1 }} }}
  OPTIONAL {{ ?i jx:target ?t .
             OPTIONAL {{ ?t jx:rawText ?raw }} OPTIONAL {{ ?t jx:operator ?op }}
             OPTIONAL {{ ?t jx:numericValue ?value }} OPTIONAL {{ ?t jx:unitLabel ?unit }}
             OPTIONAL {{ ?t jx:qualitativeValue ?qual }} }}
}}""")
    return _merge_indicators(rows)


def _merge_indicators(rows: list[dict]) -> list[dict]:
    out: dict[str, dict] = {}
    best: dict[str, dict] = {}
    for r in rows:
        iri = text(r["i"])
        ind = out.setdefault(iri, {"iri": iri, "name": None, "position": number(r.get("pos")),
                                   "line": number(r.get("line")), "l1": None, "l2": None, "target": None})
        _keep_best(ind, best.setdefault(iri, {}), r, (("name", "name"), ("l1", "l1"), ("l2", "l2")))
        if any(r.get(k) is not None for k in ("raw", "op", "value", "unit", "qual")):
            t = ind["target"] or {"raw": None, "op": None, "value": None, "unit": None, "qualitative": None}
            for key, var in (("raw", "raw"), ("op", "op"), ("unit", "unit"), ("qualitative", "qual")):
                if t[key] is None and r.get(var) is not None:
                    t[key] = text(r[var])
            if t["value"] is None and r.get("value") is not None:
                t["value"] = number(r["value"])
            ind["target"] = t
    return sorted(out.values(), key=lambda i: (i["position"] is None, i["position"] or 0, i["line"] or 0))


def indicator_tree(indicators: list[dict]) -> list[dict]:
    """一级 → 二级 → indicators, in table order (groups appear where their first row does)."""
    tree: list[dict] = []
    for ind in indicators:
        l1 = ind["l1"] or ind["l2"] or "—"
        l2 = ind["l2"] or "—"
        node = next((n for n in tree if n["l1"] == l1), None)
        if node is None:
            node = {"l1": l1, "groups": []}
            tree.append(node)
        group = next((g for g in node["groups"] if g["l2"] == l2), None)
        if group is None:
            group = {"l2": l2, "indicators": []}
            node["groups"].append(group)
        group["indicators"].append(ind)
    return tree


def _warnings_of(store, s: str) -> list[dict]:
    """Parse warnings recorded on the project (``jx:warning`` nodes), if the graph keeps them."""
    rows = _rows(store, f"""
SELECT ?w ?code ?message ?line WHERE {{
  {s} jx:warning ?w .
  OPTIONAL {{ ?w jx:warningCode ?code }} OPTIONAL {{ ?w jx:message ?message }}
  OPTIONAL {{ ?w jx:sourceLine ?line }}
}}""")
    out = [{"code": text(r.get("code")), "message": text(r.get("message")) or text(r.get("w")),
            "line": number(r.get("line"))} for r in rows]
    return sorted(out, key=lambda w: (w["line"] is None, w["line"] or 0))


# ---------------------------------------------------------------------- indicators


def indicator(store, iri: str) -> dict | None:
    """One indicator with its category path, target and project."""
    s = _iri(iri)
    rows = _rows(store, f"""
SELECT ?p ?i ?name ?pos ?line ?l1 ?l2 ?raw ?op ?value ?unit ?qual WHERE {{
  BIND({s} AS ?i)
  ?p jx:hasIndicator ?i .
  OPTIONAL {{ ?i rdfs:label ?name }}
  OPTIONAL {{ ?i jx:position ?pos }}
  OPTIONAL {{ ?i jx:sourceLine ?line }}
  OPTIONAL {{ ?i jx:category ?c2 . OPTIONAL {{ ?c2 skos:prefLabel ?l2 }}
             OPTIONAL {{ ?c2 skos:broader ?c1 . ?c1 skos:prefLabel ?l1 }} }}
  OPTIONAL {{ ?i jx:target ?t .
             OPTIONAL {{ ?t jx:rawText ?raw }} OPTIONAL {{ ?t jx:operator ?op }}
             OPTIONAL {{ ?t jx:numericValue ?value }} OPTIONAL {{ ?t jx:unitLabel ?unit }}
             OPTIONAL {{ ?t jx:qualitativeValue ?qual }} }}
}}""")
    if not rows:
        return None
    out = _merge_indicators(rows)[0]
    p_iri = text(rows[0]["p"])
    head = projects_by_iri(store, [p_iri])
    out["project"] = head.get(p_iri, {"iri": p_iri})
    return out


def projects_by_iri(store, iris: list[str]) -> dict[str, dict]:
    if not iris:
        return {}
    values = " ".join(_iri(i) for i in iris)
    rows = _rows(store, f"""
SELECT ?p ?title ?applicant ?org ?y ?category ?total (0 AS ?indicators) (0 AS ?documents) WHERE {{
  VALUES ?p {{ {values} }}
  OPTIONAL {{ ?p dcterms:title ?title }}
  OPTIONAL {{ ?p jx:applicant ?org . OPTIONAL {{ ?org skos:prefLabel ?applicant }} }}
  OPTIONAL {{ ?p jx:fiscalYear ?y }}
  OPTIONAL {{ ?p jx:projectCategory ?category }}
  OPTIONAL {{ ?p jx:budgetTotal ?total }}
}}""")
    return {p["iri"]: p for p in _merge_projects(rows)}


# ---------------------------------------------------------------------- legal documents


def legal_documents(store, *, q: str | None = None, issuer: str | None = None,
                    limit: int = 50, offset: int = 0) -> dict:
    """Legal documents with how many projects rest on / cite each; ``{"total", "items"}``."""
    filters = []
    if q:
        filters.append(f"FILTER(CONTAINS(STR(COALESCE(?title, \"\")), {_lit(q)}) || "
                       f"CONTAINS(STR(COALESCE(?number, \"\")), {_lit(q)}))")
    if issuer:
        filters.append(f"FILTER(CONTAINS(STR(COALESCE(?issuerName, \"\")), {_lit(issuer)}) || "
                       f"STR(COALESCE(?code, \"\")) = {_lit(issuer)})")
    rows = _rows(store, f"""
SELECT ?d ?title ?number ?code ?dy ?issuer ?issuerName
       (COUNT(DISTINCT ?b) AS ?basis) (COUNT(DISTINCT ?c) AS ?cited) WHERE {{
  ?d a jx:LegalDocument .
  OPTIONAL {{ ?d dcterms:title ?title }}
  OPTIONAL {{ ?d eli:id_local ?number }}
  OPTIONAL {{ ?d jx:issuerCode ?code }}
  OPTIONAL {{ ?d jx:documentYear ?dy }}
  OPTIONAL {{ ?d eli:passed_by ?issuer . OPTIONAL {{ ?issuer skos:prefLabel ?issuerName }} }}
  OPTIONAL {{ ?b jx:legalBasis ?d }}
  OPTIONAL {{ ?c jx:cites ?d }}
  {' '.join(filters)}
}} GROUP BY ?d ?title ?number ?code ?dy ?issuer ?issuerName""")
    docs = {d["iri"]: d for d in _merge_documents(rows)}
    for r in rows:
        d = docs[text(r["d"])]
        d["issuer_code"] = text(r.get("code"))
        d["year"] = year(r.get("dy"))
        d["basis_of"] = max(d.get("basis_of", 0), int(number(r.get("basis")) or 0))
        d["cited_by"] = max(d.get("cited_by", 0), int(number(r.get("cited")) or 0))
    items = sorted(docs.values(), key=lambda d: (-(d["basis_of"] + d["cited_by"]), d["number"] or "", d["title"] or ""))
    return {"total": len(items), "items": items[offset:offset + limit]}


def legal_document(store, iri: str) -> dict | None:
    """One document: number, issuer, the projects resting on it and those citing it."""
    s = _iri(iri)
    rows = _rows(store, f"""
SELECT ?title ?number ?code ?dy ?serial ?issuer ?issuerName WHERE {{
  {s} a jx:LegalDocument .
  OPTIONAL {{ {s} dcterms:title ?title }}
  OPTIONAL {{ {s} eli:id_local ?number }}
  OPTIONAL {{ {s} jx:issuerCode ?code }}
  OPTIONAL {{ {s} jx:documentYear ?dy }}
  OPTIONAL {{ {s} jx:serialNumber ?serial }}
  OPTIONAL {{ {s} eli:passed_by ?issuer . OPTIONAL {{ ?issuer skos:prefLabel ?issuerName }} }}
}}""")
    if not rows:
        return None
    h = rows[0]
    out: dict[str, Any] = {"iri": iri, "number": text(h.get("number")), "issuer_code": text(h.get("code")),
                           "year": year(h.get("dy")), "serial": number(h.get("serial")),
                           "issuer_iri": text(h.get("issuer"))}
    _pick(rows, "title", "title", out)
    _pick(rows, "issuer", "issuerName", out)
    for key, prop in (("resting", "jx:legalBasis"), ("citing", "jx:cites")):
        iris = [text(r["p"]) for r in _rows(store, f"SELECT DISTINCT ?p WHERE {{ ?p {prop} {s} }}")]
        heads = projects_by_iri(store, iris)
        out[key] = sorted(heads.values(), key=lambda p: (-(p["year"] or 0), p["title"] or ""))
    return out


def document_by_number(store, number_: str) -> str | None:
    """The IRI of the document with this canonical number (``eli:id_local``), if any."""
    rows = _rows(store, f"SELECT ?d WHERE {{ ?d eli:id_local {_lit(number_)} }} LIMIT 1")
    return text(rows[0]["d"]) if rows else None


def citation_graph(store, iri: str) -> dict:
    """Projects ↔ documents ↔ issuers around one document, one hop out.

    The projects resting on or citing the document, every document those projects rest on
    or cite, and the issuers of those documents: ``{"nodes", "edges"}`` for a picture.
    """
    s = _iri(iri)
    rows = _rows(store, f"""
SELECT DISTINCT ?p ?rel ?d WHERE {{
  {{ ?p jx:legalBasis {s} }} UNION {{ ?p jx:cites {s} }}
  {{ ?p jx:legalBasis ?d BIND("basis" AS ?rel) }} UNION {{ ?p jx:cites ?d BIND("cites" AS ?rel) }}
}}""")
    doc_iris = sorted({text(r["d"]) for r in rows} | {iri})
    project_iris = sorted({text(r["p"]) for r in rows})
    values = " ".join(_iri(d) for d in doc_iris)
    drows = _rows(store, f"""
SELECT ?d ?title ?number ?issuer ?issuerName WHERE {{
  VALUES ?d {{ {values} }}
  OPTIONAL {{ ?d dcterms:title ?title }}
  OPTIONAL {{ ?d eli:id_local ?number }}
  OPTIONAL {{ ?d eli:passed_by ?issuer . OPTIONAL {{ ?issuer skos:prefLabel ?issuerName }} }}
}}""")
    docs = {d["iri"]: d for d in _merge_documents(drows)}
    heads = projects_by_iri(store, project_iris)
    nodes = [{"id": p, "kind": "project", "label": heads.get(p, {}).get("title") or _local(p),
              "year": heads.get(p, {}).get("year")} for p in project_iris]
    nodes += [{"id": d, "kind": "document", "label": docs.get(d, {}).get("number") or docs.get(d, {}).get("title")
               or _local(d), "title": docs.get(d, {}).get("title"), "focus": d == iri} for d in doc_iris]
    edges = [{"source": text(r["p"]), "target": text(r["d"]), "kind": text(r["rel"])} for r in rows]
    issuers: dict[str, str] = {}
    for d in docs.values():
        if d["issuer_iri"]:
            issuers[d["issuer_iri"]] = d["issuer"] or _local(d["issuer_iri"])
            edges.append({"source": d["iri"], "target": d["issuer_iri"], "kind": "issued_by"})
    nodes += [{"id": i, "kind": "issuer", "label": name} for i, name in sorted(issuers.items())]
    return {"focus": iri, "nodes": nodes, "edges": edges}


def kind_of(store, iri: str) -> str | None:
    """"project", "document", "indicator" or None: which page shows this IRI."""
    rows = _rows(store, f"""
SELECT ?kind WHERE {{
  VALUES (?class ?kind) {{ (jx:Project "project") (jx:LegalDocument "document") (jx:Indicator "indicator") }}
  {_iri(iri)} a ?class .
}} LIMIT 1""")
    return text(rows[0]["kind"]) if rows else None
