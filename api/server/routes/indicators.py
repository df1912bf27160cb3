"""One indicator (with its similar indicators in other projects) ↔ ``/api/indicators/{key}``."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from api.server.deps import get_searcher, get_store
from api.server.lazy import lazy
from api.server.models import Indicator, SimilarResponse
from api.server.render import page

views = lazy("graph.views")  # rdflib and the store load on first use, not at start

router = APIRouter()


def similar_data(searcher, iri: str, k: int) -> dict:
    try:
        found = searcher.similar(iri, k=k)
    except (KeyError, LookupError):
        raise HTTPException(404, f"no indicator {iri} in the search index") from None
    return found if isinstance(found, dict) else {"iri": iri, "results": list(found)}


def indicator_data(request: Request, store, searcher, key: str, k: int) -> dict:
    iri = request.app.state.links.iri(key)
    try:
        data = views.indicator(store, iri)
    except ValueError:
        data = None
    if data is None:
        raise HTTPException(404, f"no indicator {iri}")
    data["similar"] = similar_data(searcher, iri, k).get("results", [])
    return data


@router.get("/api/indicators/{key:path}/similar", tags=["indicators"],
            summary="Indicators of other projects that mean the same",
            response_model=SimilarResponse)
def api_similar(key: str, request: Request, k: int = Query(10, ge=1, le=100),
                searcher=Depends(get_searcher)) -> dict:
    return similar_data(searcher, request.app.state.links.iri(key), k)


@router.get("/api/indicators/{key:path}", tags=["indicators"],
            summary="One indicator: name, category path, target, project, similar indicators",
            response_model=Indicator)
def api_indicator(key: str, request: Request, k: int = Query(10, ge=1, le=100), store=Depends(get_store),
                  searcher=Depends(get_searcher)) -> dict:
    return indicator_data(request, store, searcher, key, k)


@router.get("/indicators/{key:path}", response_class=HTMLResponse, include_in_schema=False)
def indicator_page(key: str, request: Request, store=Depends(get_store),
                   searcher=Depends(get_searcher)) -> HTMLResponse:
    return page(request, "indicator.html", indicator_data(request, store, searcher, key, 10),
                json_url="/api/indicators/" + request.app.state.links.key(request.app.state.links.iri(key)))
