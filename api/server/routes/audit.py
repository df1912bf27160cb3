"""The audit: findings by rule and by issuer ↔ ``/api/audit`` (JSON, or CSV with ``format=csv``).

The audit runs on the server's (read-only) store with the default settings: it gathers the
findings the ingest stored with each source (``graph.audit.gather_stored``); the whole-store
report is kept for ``AUDIT_TTL`` seconds, so a new ingest shows up within that time. One
project's findings (on its page) are gathered for that project alone.
"""
from __future__ import annotations

import threading
import time

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.server.deps import get_store
from api.server.render import page

router = APIRouter()
AUDIT_TTL = 60.0
_lock = threading.Lock()


def store_report(request: Request, store):
    """The whole store's audit (a ``graph.audit.AuditReport``), cached for ``AUDIT_TTL`` seconds."""
    from graph import audit  # imported on the first audit, not at start (rdflib: ~0.15 s)

    state = request.app.state
    with _lock:
        cached = getattr(state, "audit_cache", None)
        if cached is not None and time.monotonic() - cached[0] < AUDIT_TTL:
            return cached[1]
        report = audit.audit_store(store)
        state.audit_cache = (time.monotonic(), report)
        return report


def project_findings(store, iri: str) -> list[dict]:
    """One project's findings, for its page."""
    from graph import audit

    return [f.to_dict() for f in audit.audit_store(store, focus=[iri]).findings]


def audit_data(request: Request, store, severity: list[str], rule: list[str], project: str | None) -> dict:
    from graph import audit

    try:
        report = store_report(request, store).filtered(severity, rule, project)
    except audit.AuditError as exc:
        from fastapi import HTTPException

        raise HTTPException(400, str(exc)) from exc
    data = report.to_dict()
    data["rules"] = [{**r.to_dict(), "count": data["counts"][r.id]} for r in report.rules]
    data["filters"] = {"severity": severity, "rule": rule, "project": project}
    return data


@router.get("/api/audit", tags=["audit"],
            summary="Audit findings (rule, severity, message, file, line, project), counts by rule and by issuer")
def api_audit(request: Request,
              severity: list[str] = Query([], description="violation, warning or info (repeatable)"),
              rule: list[str] = Query([], max_length=100, description="a rule id (repeatable)"),
              project: str | None = Query(None, max_length=500, description="a project IRI"),
              format: str = Query("json", pattern="^(json|csv)$"),
              store=Depends(get_store)) -> Response:
    data = audit_data(request, store, severity, rule, project)
    if format == "csv":
        report = store_report(request, store).filtered(severity, rule, project)
        return Response(report.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="jixiao-audit.csv"'})
    from fastapi.responses import JSONResponse

    return JSONResponse(data)


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, severity: list[str] = Query([]), rule: list[str] = Query([], max_length=100),
               store=Depends(get_store)) -> HTMLResponse:
    data = audit_data(request, store, severity, rule, None)
    data["shown"] = data["findings"][:500]
    return page(request, "audit.html", data, json_url=f"/api/audit?{request.url.query}")
