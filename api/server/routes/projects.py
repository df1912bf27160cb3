"""Projects: list ↔ ``/api/projects``; one project ↔ ``/api/projects/{key}``."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from api.server.deps import get_store
from api.server.lazy import lazy
from api.server.models import Project, ProjectList
from api.server.render import csv_response, page

doc_numbers = lazy("api.server.doc_numbers")  # the ingest's reading of 文号
views = lazy("graph.views")  # rdflib and the store load on first use, not at start

router = APIRouter()


def projects_data(store, year: int | None, applicant: str | None, q: str | None, limit: int, offset: int) -> dict:
    data = views.projects(store, year_=year, applicant=applicant, q=q, limit=limit, offset=offset)
    data.update(filters={"year": year, "applicant": applicant, "q": q}, limit=limit, offset=offset)
    return data


def project_data(request: Request, store, key: str) -> dict:
    iri = request.app.state.links.iri(key)
    try:
        data = views.project(store, iri)
    except ValueError:
        data = None
    if data is None:
        raise HTTPException(404, f"no project {iri}")
    from api.server.routes.audit import project_findings

    data["audit"] = project_findings(store, iri)
    return with_citation_fields(data)


def with_citation_fields(data: dict) -> dict:
    """Each legal basis and cited document says in which other fields of the table it is
    cited (``fields``); a document both a 立项依据 and cited elsewhere is listed once, under
    立项依据, with those fields."""
    texts = {f["label"]: [v for v in f["values"] if isinstance(v, str)] for f in data.get("other_fields") or []}
    bases = {d["iri"] for d in data.get("legal_bases") or []}
    for doc in (data.get("legal_bases") or []) + (data.get("cited_documents") or []):
        doc["fields"] = [f for f in doc_numbers.fields_citing(texts, doc.get("number"), doc.get("title"))
                         if not f.startswith("立项依据")]
    data["cited_documents"] = [d for d in data.get("cited_documents") or [] if d["iri"] not in bases]
    return data


@router.get("/api/projects", tags=["projects"], summary="Projects, filtered by year, applicant or title",
            response_model=ProjectList)
def api_projects(year: int | None = None, applicant: str | None = Query(None, max_length=200),
                 q: str | None = Query(None, max_length=200, description="part of the title"),
                 limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0),
                 format: Literal["json", "csv"] = "json", store=Depends(get_store)):
    data = projects_data(store, year, applicant, q, limit, offset)
    if format == "csv":
        cols = ["title", "applicant", "year", "category", "budget_total", "indicators", "legal_bases", "iri"]
        return csv_response([[p.get(c) for c in cols] for p in data["items"]], cols, "jixiao-projects.csv")
    return data


@router.get("/api/projects/{key:path}", tags=["projects"],
            summary="One project: header, budget, legal bases, indicator tree, parse warnings",
            response_model=Project)
def api_project(key: str, request: Request, store=Depends(get_store)) -> dict:
    return project_data(request, store, key)


@router.get("/projects", response_class=HTMLResponse, include_in_schema=False)
def projects_page(request: Request, year: str | None = None, applicant: str | None = Query(None, max_length=200),
                  q: str | None = Query(None, max_length=200), offset: int = Query(0, ge=0),
                  store=Depends(get_store)) -> HTMLResponse:
    year_n = int(year) if year and year.isdigit() else None
    data = projects_data(store, year_n, applicant or None, q or None, request.app.state.config.page_size, offset)
    data["csv_url"] = f"/api/projects?{request.url.query}&format=csv&limit=1000".replace("?&", "?")
    return page(request, "projects.html", data, json_url=f"/api/projects?{request.url.query}")


@router.get("/projects/{key:path}", response_class=HTMLResponse, include_in_schema=False)
def project_page(key: str, request: Request, store=Depends(get_store)) -> HTMLResponse:
    return page(request, "project.html", project_data(request, store, key), json_url="/api/projects/" + request.app.state.links.key(request.app.state.links.iri(key)))
