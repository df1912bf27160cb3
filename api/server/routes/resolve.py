"""``/id/{key}``: dereference an instance IRI (``https://w3id.org/jixiao/id/{key}``) to its page.

A w3id.org redirect for ``/jixiao/id/`` can point here, so the dataset's IRIs open in a browser.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from api.server.deps import get_store
from graph import views

router = APIRouter()


@router.get("/id/{key:path}", tags=["resolve"], summary="Redirect an instance IRI to its page (or JSON twin)")
def resolve(key: str, request: Request, store=Depends(get_store)) -> RedirectResponse:
    links = request.app.state.links
    iri = links.iri(key)
    try:
        kind = views.kind_of(store, iri)
    except ValueError:
        kind = None
    if kind is None:
        raise HTTPException(404, f"no page for {iri}")
    url = getattr(links, kind)(iri)
    if "text/html" not in request.headers.get("accept", ""):
        url = "/api" + url
    return RedirectResponse(url, status_code=303)
