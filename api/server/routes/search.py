"""Search results page ↔ ``/api/search`` (the same JSON as ``jixiao search --format json``)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from api.server.deps import get_searcher
from api.server.models import SearchResponse
from api.server.render import page

router = APIRouter()

Mode = Literal["hybrid", "dense", "lexical"]


def search_data(searcher, q: str, k: int, mode: str, category: str | None, year: int | None,
                applicant: str | None, project: str | None) -> dict:
    filters = {key: v for key, v in (("category", category), ("year", year), ("applicant", applicant),
                                     ("project", project)) if v not in (None, "")}
    try:
        return searcher.search(q, k=k, mode=mode, filters=filters or None)
    except ValueError as e:  # the searcher's own complaint about a parameter
        raise HTTPException(400, str(e)) from None


@router.get("/api/search", tags=["search"], summary="Search indicators by meaning and wording",
            response_model=SearchResponse)
def api_search(q: str = Query(..., min_length=1, max_length=500, description="words to look for, e.g. 满意度"),
               k: int = Query(10, ge=1, le=200), mode: Mode = "hybrid",
               category: str | None = Query(None, description="一级 or 二级 category label"),
               year: int | None = None, applicant: str | None = Query(None, description="part of the applicant's name"),
               project: str | None = Query(None, description="project IRI or part of its title"),
               searcher=Depends(get_searcher)) -> dict:
    return search_data(searcher, q, k, mode, category, year, applicant, project)


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, q: str = Query("", max_length=500), k: int = Query(30, ge=1, le=200),
                mode: Mode = "hybrid", category: str | None = None, year: str | None = None,
                applicant: str | None = None, project: str | None = None) -> HTMLResponse:
    year_n = int(year) if year and year.isdigit() else None
    params = {"q": q, "k": k, "mode": mode, "category": category or "", "year": year_n or "",
              "applicant": applicant or "", "project": project or ""}
    data = {"query": q, "results": []}
    if q.strip():
        data = search_data(get_searcher(request), q.strip(), k, mode, category, year_n, applicant, project)
    from urllib.parse import urlencode

    twin = "/api/search?" + urlencode({k2: v for k2, v in params.items() if v not in ("", None)}) if q.strip() else None
    return page(request, "search.html", dict(data, form=params), json_url=twin)
