"""The indicators, with the context a search result shows, as the search index's rows.

Two ways to the same rows:

- :func:`read_indicator_rows` reads them from the graph (five SPARQL queries joined in
  Python): a fresh build, ``check()``, and any sync the ingest cannot feed;
- :func:`source_rows` makes them from one mapped source's triples, in the ingest's worker
  processes, so that ``Searcher.sync(ingested=…)`` needs no read-back. Both run the same
  joins (:func:`assemble`) over the same bindings, and where the graph holds several values
  for one field (a project in two files, an organization spelled two ways) both keep the
  least one, so the order in which a store returns solutions never matters.

A project whose rows depend on more than its own file (:func:`ambiguous_projects`) is read
from the graph even when the ingest handed its rows over.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from graph.results import to_python

JX = "https://w3id.org/jixiao/ontology#"

PREFIXES = f"""PREFIX jx: <{JX}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

# Four simple queries joined in Python: one query with nested OPTIONALs for everything is
# three times slower on Oxigraph (16 s against 5 s for 20k indicators).
INDICATORS_QUERY = PREFIXES + """
SELECT ?i ?name ?p WHERE { ?p a jx:Project ; jx:hasIndicator ?i . ?i rdfs:label ?name }"""
PROJECTS_QUERY = PREFIXES + """
SELECT ?p ?title ?applicant ?year WHERE { ?p a jx:Project .
  OPTIONAL { ?p dcterms:title ?title } OPTIONAL { ?p jx:applicant/skos:prefLabel ?applicant }
  OPTIONAL { ?p jx:fiscalYear ?year } }"""
# Categories in two steps: indicator → category, then the labels of the few distinct
# categories (joining the labels per indicator costs five times as much).
CATEGORIES_QUERY = PREFIXES + """
SELECT ?i ?c2 WHERE { ?i jx:category ?c2 }"""
CATEGORY_LABELS_QUERY = PREFIXES + """
SELECT ?c2 ?l1 ?l2 WHERE { { SELECT DISTINCT ?c2 WHERE { ?x jx:category ?c2 } } ?c2 skos:prefLabel ?l2 .
  OPTIONAL { ?c2 skos:broader/skos:prefLabel ?l1 } }"""
# Only indicators read by INDICATORS_QUERY are kept, so this needs no join with the projects.
TARGETS_QUERY = PREFIXES + """
SELECT ?i ?raw ?op ?value ?unit ?qual WHERE { ?i jx:target ?t .
  OPTIONAL { ?t jx:rawText ?raw } OPTIONAL { ?t jx:operator ?op } OPTIONAL { ?t jx:numericValue ?value }
  OPTIONAL { ?t jx:unitLabel ?unit } OPTIONAL { ?t jx:qualitativeValue ?qual } }"""


def _restricted(query: str, var: str, iris: list[str]) -> str:
    """``query`` with ``VALUES ?var { … }`` as the first pattern of its WHERE clause."""
    values = "VALUES ?" + var + " { " + " ".join(f"<{i}>" for i in iris) + " } "
    head, _, body = query.partition("WHERE {")
    return f"{head}WHERE {{ {values}{body}"


# the same joins, for some projects only (VALUES first: index lookups, not scans)
PROJECT_INDICATORS_QUERY = PREFIXES + """
SELECT ?i ?name ?p WHERE { ?p a jx:Project ; jx:hasIndicator ?i . ?i rdfs:label ?name }"""
PROJECT_CATEGORIES_QUERY = PREFIXES + """
SELECT ?i ?c2 WHERE { ?p jx:hasIndicator ?i . ?i jx:category ?c2 }"""
PROJECT_TARGETS_QUERY = PREFIXES + """
SELECT ?i ?raw ?op ?value ?unit ?qual WHERE { ?p jx:hasIndicator ?i . ?i jx:target ?t .
  OPTIONAL { ?t jx:rawText ?raw } OPTIONAL { ?t jx:operator ?op } OPTIONAL { ?t jx:numericValue ?value }
  OPTIONAL { ?t jx:unitLabel ?unit } OPTIONAL { ?t jx:qualitativeValue ?qual } }"""
PROJECT_CATEGORY_LABELS_QUERY = PREFIXES + """
SELECT DISTINCT ?c2 ?l1 ?l2 WHERE { ?p jx:hasIndicator ?x . ?x jx:category ?c2 .
  ?c2 skos:prefLabel ?l2 . OPTIONAL { ?c2 skos:broader/skos:prefLabel ?l1 } }"""
# Applicants with two labels (one name spelled two ways in two files), with their labels.
AMBIGUOUS_ORGS_QUERY = PREFIXES + """
SELECT DISTINCT ?o ?l WHERE { ?o skos:prefLabel ?l, ?b FILTER(?l != ?b) FILTER EXISTS { ?p jx:applicant ?o } }"""
APPLICANTS_QUERY = PREFIXES + """
SELECT ?p ?o WHERE { ?p a jx:Project ; jx:applicant ?o }"""
SOURCE_GRAPHS_QUERY = PREFIXES + """
SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a jx:Source } }"""
SOURCE_PROJECTS_QUERY = PREFIXES + """
SELECT ?g ?p WHERE { GRAPH ?g { ?s a jx:Source } OPTIONAL { GRAPH ?g { ?p a jx:Project } } }"""
_VALUES_CHUNK = 2000  # IRIs per VALUES block


def read_indicator_rows(store, projects: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """IRI → {"iri", "name", "l1", "l2", "target", "project"} for every indicator in the
    graph, or only for those of ``projects``."""
    if projects is None:
        return assemble(store.select(PROJECTS_QUERY), store.select(INDICATORS_QUERY),
                        store.select(CATEGORY_LABELS_QUERY), store.select(CATEGORIES_QUERY),
                        store.select(TARGETS_QUERY))
    wanted = sorted(set(projects))
    parts: list[list[dict]] = [[], [], [], [], []]
    for start in range(0, len(wanted), _VALUES_CHUNK):
        chunk = wanted[start:start + _VALUES_CHUNK]
        for n, q in enumerate((PROJECTS_QUERY, PROJECT_INDICATORS_QUERY, PROJECT_CATEGORY_LABELS_QUERY,
                               PROJECT_CATEGORIES_QUERY, PROJECT_TARGETS_QUERY)):
            parts[n].extend(store.select(_restricted(q, "p", chunk)))
    return assemble(*parts)


def source_projects(store) -> dict[str, list[str]]:
    """Every source graph in the store → the projects described in it."""
    out: dict[str, list[str]] = {}
    for b in store.select(SOURCE_PROJECTS_QUERY):
        projects = out.setdefault(str(b["g"]), [])
        if b.get("p") is not None:
            projects.append(str(b["p"]))
    return {g: sorted(set(ps)) for g, ps in out.items()}


def source_graphs(store) -> set[str]:
    """The named graphs of the sources in the store."""
    return {str(b["g"]) for b in store.select(SOURCE_GRAPHS_QUERY)}


def source_applicants(store) -> dict[str, list[str]]:
    """Project → the organizations it names as applicant."""
    out: dict[str, list[str]] = {}
    for b in store.select(APPLICANTS_QUERY):
        out.setdefault(str(b["p"]), []).append(str(b["o"]))
    return {p: sorted(set(os)) for p, os in out.items()}


def ambiguous_labels(store) -> dict[str, str]:
    """Organizations with several labels (a name spelled two ways in two files) → the least
    label, which is what :func:`read_indicator_rows` shows as the applicant."""
    out: dict[str, str] = {}
    for b in store.select(AMBIGUOUS_ORGS_QUERY):
        o, label = str(b["o"]), _text(b["l"])
        if o not in out or label < out[o]:
            out[o] = label
    return out


def merge_rows(parts: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The rows of several sources' :func:`source_rows` as :func:`assemble` would join them
    over all of their triples: every field the least value, a project's fields over all of
    its indicators' sources."""
    if len(parts) == 1:
        return parts[0]
    out: dict[str, dict[str, Any]] = {}
    projects: dict[str, dict[str, Any]] = {}
    for rows in parts:
        for iri, row in rows.items():
            p = row["project"]
            have = projects.get(p["iri"])
            if have is None:
                projects[p["iri"]] = dict(p)
            else:
                for key in ("title", "applicant", "year"):
                    if p.get(key) is not None and (have.get(key) is None or p[key] < have[key]):
                        have[key] = p[key]
            cur = out.get(iri)
            if cur is None:
                out[iri] = dict(row, target=dict(row["target"]) if row.get("target") else None)
                continue
            for key in ("name", "l1", "l2"):
                if row.get(key) is not None and (cur.get(key) is None or row[key] < cur[key]):
                    cur[key] = row[key]
            if row.get("target"):
                if cur.get("target") is None:
                    cur["target"] = dict(row["target"])
                else:
                    for key, value in row["target"].items():
                        if value is not None and (cur["target"].get(key) is None or value < cur["target"][key]):
                            cur["target"][key] = value
    for row in out.values():
        row["project"] = dict(projects[row["project"]["iri"]])
    return out


def assemble(project_bindings: Iterable[dict], indicator_bindings: Iterable[dict],
             label_bindings: Iterable[dict], category_bindings: Iterable[dict],
             target_bindings: Iterable[dict]) -> dict[str, dict[str, Any]]:
    """Join the bindings of the five queries into rows (several values for one field: the least)."""
    projects: dict[str, dict[str, Any]] = {}
    for b in project_bindings:
        proj = projects.setdefault(str(b["p"]), {"iri": str(b["p"]), "title": None, "applicant": None,
                                                  "year": None})
        _prefer(proj, "title", b.get("title"))
        _prefer(proj, "applicant", b.get("applicant"))
        if proj["year"] is None and b.get("year") is not None:
            proj["year"] = _year(b["year"])
        elif b.get("year") is not None and _year(b["year"]) is not None:
            proj["year"] = min(proj["year"], _year(b["year"]))
    out: dict[str, dict[str, Any]] = {}
    for b in indicator_bindings:
        iri = str(b["i"])
        row = out.get(iri)
        if row is None:
            project = projects.get(str(b["p"])) or {"iri": str(b["p"]), "title": None, "applicant": None,
                                                    "year": None}
            row = out[iri] = {"iri": iri, "name": None, "l1": None, "l2": None, "target": None,
                              "project": dict(project)}
        _prefer(row, "name", b.get("name"))
    labels: dict[str, list[dict[str, Any]]] = {}
    for b in label_bindings:
        labels.setdefault(str(b["c2"]), []).append(b)
    for b in category_bindings:
        row = out.get(str(b["i"]))
        if row is not None:
            for lab in labels.get(str(b["c2"]), ()):
                _prefer(row, "l1", lab.get("l1"))
                _prefer(row, "l2", lab.get("l2"))
    for b in target_bindings:
        row = out.get(str(b["i"]))
        if row is None:
            continue
        t = row["target"] or {"raw": None, "op": None, "value": None, "unit": None, "qualitative": None}
        for key, var in (("raw", "raw"), ("op", "op"), ("unit", "unit"), ("qualitative", "qual")):
            if b.get(var) is not None and (t[key] is None or _text(b[var]) < t[key]):
                t[key] = _text(b[var])
        value = _number(b["value"]) if b.get("value") is not None else None
        if value is not None and (t["value"] is None or value < t["value"]):
            t["value"] = value
        row["target"] = t
    for proj in projects.values():
        _drop_private(proj)
    return clean_rows(out)


def _prefer(row: dict, key: str, value: Any) -> None:
    """Keep the least of the values seen (whatever order the store returns them in)."""
    if value is None:
        return
    text = _text(value)
    if row.get(key) is None or text < row[key]:
        row[key] = text


def clean_rows(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for row in rows.values():
        _drop_private(row)
        _drop_private(row["project"])
    return rows


def _drop_private(d: dict[str, Any]) -> None:
    for k in [k for k in d if k.startswith("_")]:
        del d[k]


def _text(v: Any) -> str | None:
    return None if v is None else str(v)


def _year(v: Any) -> int | None:
    s = str(getattr(v, "year", v))
    try:
        return int(s[:4])
    except ValueError:
        return None


def _number(v: Any) -> int | float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float | Decimal):
        f = float(v)
    else:
        try:
            f = float(str(v))
        except ValueError:
            return None
    return int(f) if f.is_integer() else f


# ------------------------------------------------------------------ rows of one mapped source

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_P = {k: v for k, v in (
    ("project", f"{JX}Project"), ("has", f"{JX}hasIndicator"), ("label", "http://www.w3.org/2000/01/rdf-schema#label"),
    ("title", "http://purl.org/dc/terms/title"), ("applicant", f"{JX}applicant"),
    ("pref", "http://www.w3.org/2004/02/skos/core#prefLabel"), ("broader", "http://www.w3.org/2004/02/skos/core#broader"),
    ("year", f"{JX}fiscalYear"), ("category", f"{JX}category"), ("target", f"{JX}target"),
    ("raw", f"{JX}rawText"), ("op", f"{JX}operator"), ("value", f"{JX}numericValue"), ("unit", f"{JX}unitLabel"),
    ("qual", f"{JX}qualitativeValue"))}


class _Triples:
    """(subject, predicate) → objects, over the triples of some pyoxigraph triples whose
    predicate the rows are made from; and the subjects typed ``jx:Project``."""

    _WANTED = frozenset(_P.values()) | {_RDF_TYPE}

    def __init__(self, *parts: Iterable[tuple]) -> None:
        self.sp: dict[tuple[str, str], list[Any]] = {}
        self.projects: set[str] = set()
        wanted, sp, project = self._WANTED, self.sp, _P["project"]
        for part in parts:
            for s, p, o in part:
                k = p.value
                if k not in wanted:
                    continue
                if k == _RDF_TYPE:
                    if o.value == project:
                        self.projects.add(s.value)
                    continue
                key = (s.value, k)
                have = sp.get(key)
                if have is None:
                    sp[key] = [o]
                else:
                    have.append(o)

    def objects(self, s: str, p: str) -> list[Any]:
        return self.sp.get((s, _P[p]), [])


@lru_cache(maxsize=1)
def _ontology() -> _Triples:
    """The ontology graph's triples (category labels and their broader concepts)."""
    import pyoxigraph as ox

    import ontology
    from graph.base import ONTOLOGY_FILES

    text = "\n".join(ontology.read_text(n) for n in ONTOLOGY_FILES)
    return _Triples((t.subject, t.predicate, t.object) for t in ox.parse(text.encode(), ox.RdfFormat.TURTLE))


def source_rows(own: list[tuple], shared: list[tuple]) -> dict[str, Any]:
    """One mapped source's rows, as :func:`read_indicator_rows` reads them from a graph
    holding only this source (its own and shared triples, with the ontology):
    ``{"projects": [project IRIs], "applicants": {project: [organization IRIs]},
    "rows": {indicator IRI: row}}``. ``own``/``shared``: pyoxigraph triples
    (``MappedSource.own`` / ``.shared_ox``). The same joins as :func:`assemble` (the least
    value where there are several), made straight from the triples: a test checks the two
    agree."""
    g = _Triples(own)
    g_shared = _Triples(shared)  # descriptions of organizations (the applicants' labels)
    onto = _ontology()
    projects = sorted(g.projects)

    def objects(s: str, p: str) -> list[Any]:
        found = g.objects(s, p)
        for more in (g_shared.objects(s, p), onto.objects(s, p)):
            if more:
                found = found + more
        return found

    def least(values: Iterable[Any]) -> str | None:
        return min((_text(to_python(v)) for v in values), default=None)

    labels: dict[str, tuple[str | None, str | None]] = {}

    def category_labels(c: str) -> tuple[str | None, str | None]:
        if c not in labels:
            l2 = least(objects(c, "pref"))
            l1 = least(x for b in objects(c, "broader") for x in objects(b.value, "pref")) if l2 is not None else None
            labels[c] = (l1, l2)
        return labels[c]

    rows: dict[str, dict[str, Any]] = {}
    applicants: dict[str, list[str]] = {}
    for piri in projects:
        orgs = objects(piri, "applicant")
        years = [y for y in (_year(to_python(v)) for v in objects(piri, "year")) if y is not None]
        project = {"iri": piri, "title": least(objects(piri, "title")),
                   "applicant": least(x for o in orgs for x in objects(o.value, "pref")),
                   "year": min(years) if years else None}
        if orgs:
            applicants[piri] = sorted({o.value for o in orgs})
        for i in objects(piri, "has"):
            iri = i.value
            name = least(objects(iri, "label"))
            if name is None:
                continue  # no rdfs:label: not an indicator row (INDICATORS_QUERY)
            row = rows.get(iri)
            if row is None:
                # the project's fields: one dict shared by its rows (nothing changes it in place)
                row = rows[iri] = {"iri": iri, "name": name, "l1": None, "l2": None, "target": None,
                                   "project": project}
            for c in objects(iri, "category"):
                for key, value in zip(("l1", "l2"), category_labels(c.value), strict=True):
                    if value is not None and (row[key] is None or value < row[key]):
                        row[key] = value
            for t in objects(iri, "target"):
                target = row["target"] or {"raw": None, "op": None, "value": None, "unit": None, "qualitative": None}
                for key, var in (("raw", "raw"), ("op", "op"), ("unit", "unit"), ("qualitative", "qual")):
                    value = least(objects(t.value, var))
                    if value is not None and (target[key] is None or value < target[key]):
                        target[key] = value
                numbers = [n for n in (_number(to_python(v)) for v in objects(t.value, "value")) if n is not None]
                if numbers and (target["value"] is None or min(numbers) < target["value"]):
                    target["value"] = min(numbers)
                row["target"] = target
    return {"projects": projects, "applicants": applicants, "rows": rows}
