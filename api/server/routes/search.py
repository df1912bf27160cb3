"""Search results page ↔ ``/api/search`` (the same JSON as ``jixiao search --format json``).

The page shows identical wordings as one row (with their projects, targets and units), a
relevance label for each, and only wordings above the calibrated relevance cut-off (``all=1``
shows the rest). A document number typed in the box (沪委办发[2018]12号 …) opens the document.
"""
from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.server.deps import get_searcher, get_store
from api.server.lazy import lazy
from api.server.models import SearchResponse
from api.server.render import csv_response, page
from api.server.routes.documents import find_by_number
from search.text import region_of

doc_numbers = lazy("api.server.doc_numbers")  # the ingest's reading of 文号, on first use

router = APIRouter()

Mode = Literal["hybrid", "dense", "lexical"]
SUGGESTIONS = ("满意度", "预算执行率", "资金到位", "完成及时性", "安全事故", "budget execution rate")
CSV_COLUMNS = ("name", "relevance", "match", "l1", "l2", "target", "unit", "project", "applicant", "year", "iri")


def search_data(searcher, q: str, k: int, mode: str, category: str | None, year: int | None,
                applicant: str | None, project: str | None, cutoff: bool = True) -> dict:
    filters = {key: v for key, v in (("category", category), ("year", year), ("applicant", applicant),
                                     ("project", project)) if v not in (None, "")}
    try:
        return searcher.search(q, k=k, mode=mode, filters=filters or None, cutoff=cutoff)
    except ValueError as e:  # the searcher's own complaint about a parameter
        raise HTTPException(400, str(e)) from None


def results_csv(results: list[dict]) -> Response:
    rows = []
    for r in results:
        t, p = r.get("target") or {}, r.get("project") or {}
        rows.append([r["name"], r.get("relevance"), r.get("match"), r.get("l1"), r.get("l2"), t.get("raw"),
                     t.get("unit"), p.get("title"), p.get("applicant"), p.get("year"), r["iri"]])
    return csv_response(rows, list(CSV_COLUMNS), "jixiao-search.csv")


FACETS = (("year", "年度 Year", lambda r: (r.get("project") or {}).get("year")),
          ("category", "类别 Category", lambda r: r.get("l2") or r.get("l1")),
          ("applicant", "申报单位 Applicant", lambda r: (r.get("project") or {}).get("applicant")),
          # the place the applicant's name starts with; it narrows by that part of the name
          ("region", "地区 Region", lambda r: region_of((r.get("project") or {}).get("applicant"))))
FACET_PARAM = {"region": "applicant"}


def facets(results: list[dict], shown: dict) -> list[dict]:
    """Counts of the results by year, category, applicant and region, each value a link that narrows
    the search to it: [{"key", "label", "values": [{"value", "count", "url", "active"}]}]."""
    out = []
    for key, label, get in FACETS:
        counts: dict = {}
        for r in results:
            v = get(r)
            if v not in (None, ""):
                counts[v] = counts.get(v, 0) + 1
        if not counts:
            continue
        param = FACET_PARAM.get(key, key)
        values = [{"value": v, "count": n, "active": str(shown.get(param, "")) == str(v),
                   "url": "/search?" + urlencode(dict(shown, **{param: v}))}
                  for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]
        out.append({"key": key, "label": label, "values": values[:12]})
    return out


@router.get("/api/search", tags=["search"], summary="Search indicators by meaning and wording",
            response_model=SearchResponse)
def api_search(q: str = Query(..., min_length=1, max_length=500, description="words to look for, e.g. 满意度"),
               k: int = Query(10, ge=1, le=200), mode: Mode = "hybrid",
               category: str | None = Query(None, description="一级 or 二级 category label"),
               year: int | None = None, applicant: str | None = Query(None, description="part of the applicant's name"),
               project: str | None = Query(None, description="project IRI or part of its title"),
               all: bool = Query(False, description="also wordings under the relevance cut-off"),
               format: Literal["json", "csv"] = "json",
               searcher=Depends(get_searcher)):
    data = search_data(searcher, q, k, mode, category, year, applicant, project, cutoff=not all)
    return results_csv(data["results"]) if format == "csv" else data


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, q: str = Query("", max_length=500), k: int = Query(30, ge=1, le=200),
                mode: Mode = "hybrid", category: str | None = None, year: str | None = None,
                applicant: str | None = None, project: str | None = None, all: bool = False,
                store=Depends(get_store)) -> Response:
    year_n = int(year) if year and year.isdigit() else None
    params = {"q": q, "k": k, "mode": mode, "category": category or "", "year": year_n or "",
              "applicant": applicant or "", "project": project or "", "all": 1 if all else ""}
    data: dict = {"query": q, "results": [], "groups": [], "below_cutoff": 0}
    number = doc_numbers.canonical_doc_number(q)
    if number is not None:
        iri = find_by_number(store, number)
        if iri is not None:  # a document number: go to the document
            return RedirectResponse(request.app.state.links.document(iri), status_code=303)
        data["document_missing"] = number
    if q.strip():
        data = dict(data, **search_data(get_searcher(request), q.strip(), k, mode, category, year_n, applicant,
                                        project, cutoff=not all))
    shown = {k2: v for k2, v in params.items() if v not in ("", None)}
    data["facets"] = facets(data.get("results") or [], shown)
    twin = "/api/search?" + urlencode(shown) if q.strip() else None
    data.update(form=params, suggestions=SUGGESTIONS,
                csv_url=("/api/search?" + urlencode(dict(shown, format="csv"))) if q.strip() else None,
                all_url="/search?" + urlencode(dict(shown, all=1)),
                cut_url="/search?" + urlencode({k2: v for k2, v in shown.items() if k2 != "all"}))
    return page(request, "search.html", data, json_url=twin)
