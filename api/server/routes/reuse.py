"""Reuse clusters (one indicator, many wordings and targets) ↔ ``/api/clusters``."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from api.server.deps import get_searcher
from api.server.models import ClusterList
from api.server.pictures import bar_chart
from api.server.render import csv_response, page

router = APIRouter()


def clusters_data(searcher, min_projects: int, limit: int) -> dict:
    found = searcher.clusters(min_projects=min_projects)
    clusters = found.get("clusters", []) if isinstance(found, dict) else list(found)
    shown = [c for c in clusters if (c.get("projects") or 0) >= min_projects]
    return {"total": len(shown), "min_projects": min_projects, "clusters": shown[:limit]}


@router.get("/api/clusters", tags=["reuse"], summary="Indicators reused across projects, with wordings and targets",
            response_model=ClusterList)
def api_clusters(min_projects: int = Query(2, ge=1), limit: int = Query(200, ge=1, le=5000),
                 format: Literal["json", "csv"] = "json", searcher=Depends(get_searcher)):
    data = clusters_data(searcher, min_projects, limit)
    if format == "csv":
        rows = [[c.get("label"), c.get("projects"), c.get("indicators"),
                 " | ".join(v["name"] for v in c.get("variants") or []),
                 " | ".join(f"{t['target']} ×{t['projects']}" for t in c.get("targets") or []), c.get("iri")]
                for c in data["clusters"]]
        return csv_response(rows, ["label", "projects", "indicators", "wordings", "targets", "iri"],
                            "jixiao-reuse.csv")
    return data


@router.get("/reuse", response_class=HTMLResponse, include_in_schema=False)
def reuse_page(request: Request, min_projects: int = Query(2, ge=1), searcher=Depends(get_searcher)) -> HTMLResponse:
    data = clusters_data(searcher, min_projects, 200)
    charts = {c.get("iri") or str(i): bar_chart(c.get("targets") or []) for i, c in enumerate(data["clusters"])}
    data["csv_url"] = f"/api/clusters?min_projects={min_projects}&format=csv"
    return page(request, "reuse.html", dict(data, charts=charts),
                json_url=f"/api/clusters?min_projects={min_projects}")


def cluster_data(searcher, key: str) -> dict:
    found = searcher.cluster(key) if hasattr(searcher, "cluster") else None
    if found is None:
        raise HTTPException(404, f"no reuse cluster {key}")
    return found


@router.get("/api/clusters/{key}", tags=["reuse"], summary="One reuse cluster: its wordings and every indicator")
def api_cluster(key: str, searcher=Depends(get_searcher)) -> dict:
    return cluster_data(searcher, key)


@router.get("/reuse/{key}", response_class=HTMLResponse, include_in_schema=False)
def cluster_page(key: str, request: Request, searcher=Depends(get_searcher)) -> HTMLResponse:
    data = cluster_data(searcher, key)
    return page(request, "cluster.html", dict(data, chart=bar_chart(data.get("targets") or [])),
                json_url=f"/api/clusters/{key}")
