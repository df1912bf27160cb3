"""Home page (search box, the dataset's numbers, example questions) ↔ ``/api/stats``."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.server.deps import get_store
from api.server.lazy import lazy
from api.server.models import Stats
from api.server.questions import QUESTIONS

views = lazy("graph.views")  # rdflib and the store load on first use, not at start

router = APIRouter()


def home_data(store) -> dict:
    from graph.replica import per_snapshot

    # computed once per published snapshot, kept beside it: a restarted server has it at once
    return {"stats": per_snapshot(store, "overview", lambda: views.overview(store)), "questions": QUESTIONS}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(request: Request, store=Depends(get_store)) -> HTMLResponse:
    from api.server.render import page

    return page(request, "home.html", home_data(store), json_url="/api/stats")


@router.get("/api/stats", tags=["stats"], summary="The dataset's numbers (the home page's data)",
            response_model=Stats)
def stats(store=Depends(get_store)) -> dict:
    return home_data(store)
