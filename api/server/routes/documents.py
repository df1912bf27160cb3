"""Legal documents: list ↔ ``/api/documents``; one document (with its citation graph) ↔
``/api/documents/{key}``; ``/documents/by-number/{number}`` finds one by its 文号."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.server.deps import get_store
from api.server.lazy import lazy
from api.server.models import DocumentList, LegalDocument
from api.server.pictures import citation_picture
from api.server.render import csv_response, page

doc_numbers = lazy("api.server.doc_numbers")  # the ingest's reading of 文号
views = lazy("graph.views")  # rdflib and the store load on first use, not at start

router = APIRouter()


def documents_data(store, q: str | None, issuer: str | None, limit: int, offset: int) -> dict:
    data = views.legal_documents(store, q=q, issuer=issuer, limit=limit, offset=offset)
    data.update(filters={"q": q, "issuer": issuer}, limit=limit, offset=offset)
    return data


def find_by_number(store, number: str) -> str | None:
    """The IRI of the document numbered ``number`` in any written form (brackets, widths, spaces)."""
    canonical = doc_numbers.canonical_doc_number(number)
    return views.document_by_number(store, canonical or number.strip())


def document_data(store, iri: str) -> dict:
    try:
        data = views.legal_document(store, iri)
    except ValueError:
        data = None
    if data is None:
        raise HTTPException(404, f"no legal document {iri}")
    data["graph"] = views.citation_graph(store, iri)
    data["citations"] = citations(store, data)
    return data


LEGAL_BASIS_FIELD = "立项依据"


def citations(store, doc: dict) -> list[dict]:
    """One row per project that cites the document, saying from which fields of its table:
    立项依据 (``jx:legalBasis``) and/or the text fields whose words cite it (``jx:cites``)."""
    rows: dict[str, dict] = {}
    for p in doc.get("resting") or []:
        rows[p["iri"]] = dict(p, fields=[LEGAL_BASIS_FIELD])
    others = doc.get("citing") or []
    texts = _text_fields(store, [p["iri"] for p in others])
    for p in others:
        fields = [f for f in doc_numbers.fields_citing(texts.get(p["iri"], {}), doc.get("number"), doc.get("title"))
                  if not f.startswith(LEGAL_BASIS_FIELD)]
        row = rows.setdefault(p["iri"], dict(p, fields=[]))
        row["fields"] += fields or ([] if row["fields"] else ["其他引用"])
    return sorted(rows.values(), key=lambda p: (-(p.get("year") or 0), p.get("title") or ""))


def _text_fields(store, project_iris: list[str]) -> dict[str, dict[str, list[str]]]:
    """project IRI → {field label: [texts]} for the literal fields that may cite a document."""
    if not project_iris:
        return {}
    values = " ".join(f"<{p}>" for p in project_iris if not any(c in p for c in '<>"{}|^`\\ '))
    rows = store.select(views.PREFIXES + f"""
SELECT ?p ?prop ?label ?v WHERE {{
  VALUES ?p {{ {values} }}
  ?p ?prop ?v . FILTER(isLiteral(?v) && (CONTAINS(STR(?v), "号") || CONTAINS(STR(?v), "《")))
  OPTIONAL {{ ?prop rdfs:label ?label FILTER(LANG(?label) = "zh") }}
}}""")
    out: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        value = views.text(r["v"]) or ""
        label = views.text(r.get("label")) or views.text(r["prop"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if "：" in value and label in ("textField", "文本字段"):  # jx:textField holds "name：text"
            label, value = value.split("：", 1)
        out.setdefault(views.text(r["p"]), {}).setdefault(label, []).append(value)
    return out


@router.get("/api/documents", tags=["legal documents"], summary="Legal documents with how many projects use each",
            response_model=DocumentList)
def api_documents(q: str | None = Query(None, max_length=200, description="part of the title or number"),
                  issuer: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=1000),
                  offset: int = Query(0, ge=0), format: Literal["json", "csv"] = "json",
                  store=Depends(get_store)):
    data = documents_data(store, q, issuer, limit, offset)
    if format == "csv":
        cols = ["number", "title", "issuer", "issuer_code", "year", "basis_of", "cited_by", "iri"]
        return csv_response([[d.get(c) for c in cols] for d in data["items"]], cols, "jixiao-documents.csv")
    return data


@router.get("/api/documents/by-number/{number}", tags=["legal documents"],
            summary="Find a document by its number in any written form (沪人服〔2016〕1号, 沪人服[2016]1号, 沪人服（2016）1号)",
            response_model=LegalDocument)
def api_document_by_number(number: str, request: Request, store=Depends(get_store)) -> dict:
    iri = find_by_number(store, number)
    if iri is None:
        raise HTTPException(404, f"no legal document numbered {number}")
    return document_data(store, iri)


@router.get("/api/documents/{key:path}", tags=["legal documents"],
            summary="One document: issuer, projects resting on it and citing it, citation graph",
            response_model=LegalDocument)
def api_document(key: str, request: Request, store=Depends(get_store)) -> dict:
    return document_data(store, request.app.state.links.iri(key))


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def documents_page(request: Request, q: str | None = Query(None, max_length=200),
                   issuer: str | None = Query(None, max_length=200), offset: int = Query(0, ge=0),
                   store=Depends(get_store)) -> HTMLResponse:
    data = documents_data(store, q or None, issuer or None, request.app.state.config.page_size, offset)
    data["csv_url"] = f"/api/documents?{request.url.query}&format=csv&limit=1000".replace("?&", "?")
    return page(request, "documents.html", data, json_url=f"/api/documents?{request.url.query}")


@router.get("/documents/by-number/{number}", include_in_schema=False)
def document_by_number(number: str, request: Request, store=Depends(get_store)) -> RedirectResponse:
    iri = find_by_number(store, number)
    if iri is None:
        raise HTTPException(404, f"no legal document numbered {number}")
    return RedirectResponse(request.app.state.links.document(iri), status_code=303)


@router.get("/documents/{key:path}", response_class=HTMLResponse, include_in_schema=False)
def document_page(key: str, request: Request, store=Depends(get_store)) -> HTMLResponse:
    data = document_data(store, request.app.state.links.iri(key))
    picture = citation_picture(data["graph"], request.app.state.links)
    return page(request, "document.html", dict(data, picture=picture), json_url="/api/documents/" + request.app.state.links.key(request.app.state.links.iri(key)))
