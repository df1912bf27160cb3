"""One data dict, two renderings: the HTML template and its JSON twin (datasette's way)."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates

from api.server.links import safe_url

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class LazyTemplates:
    """``make_templates()`` on first use: jinja2 is imported by the first page, not at start."""

    def __init__(self) -> None:
        self._templates: Jinja2Templates | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._templates is None:
            with self._lock:
                if self._templates is None:
                    self._templates = make_templates()
        return getattr(self._templates, name)


def make_templates() -> Jinja2Templates:
    from fastapi.templating import Jinja2Templates

    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters["yuan"] = _yuan
    env.filters["target"] = _target
    env.filters["safe_url"] = safe_url  # links only to http(s) and this site
    env.filters["prefixed"] = prefixed
    env.filters["yes_no"] = yes_no
    env.globals["static_version"] = _static_version()
    return templates


def page(request: Request, template: str, data: dict[str, Any], json_url: str | None = None,
         status_code: int = 200) -> HTMLResponse:
    """Render ``template`` with the page's data dict (as ``d``) and a link to its JSON twin."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, {"d": data, "json_url": json_url,
                                                          "links": request.app.state.links},
                                      status_code=status_code)


def csv_response(rows: list[list[Any]], header: list[str], filename: str) -> Response:
    """A list page's CSV twin: UTF-8 with a BOM (spreadsheet programs then read the Chinese
    right), one header row, values as plain text."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _yuan(v: Any) -> str:
    if v is None:
        return "—"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{f:,.0f}" if f.is_integer() else f"{f:,.2f}"


def _target(t: dict | None) -> str:
    if not t:
        return "—"
    if t.get("raw"):
        return t["raw"]
    if t.get("op") and t.get("value") is not None:
        return f"{t['op']}{t['value']}{t.get('unit') or ''}"
    return t.get("qualitative") or "—"


def prefixed(iri: str) -> str:
    """jx:Project for https://w3id.org/jixiao/ontology#Project (the endpoint's prefixes)."""
    from graph.vocab import PREFIXES

    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def yes_no(value: Any, datatype: str | None = None) -> str:
    """是/否 for booleans (Python or xsd:boolean literals), the value itself otherwise."""
    if isinstance(value, bool) or value in ("True", "False"):  # a boolean, or one the store turned to text
        return "是" if value in (True, "True") else "否"
    if datatype == XSD_BOOLEAN and str(value).lower() in ("true", "false", "1", "0"):
        return "是" if str(value).lower() in ("true", "1") else "否"
    return "" if value is None else str(value)


def _static_version() -> str:
    # cache-busting query for static links: changes whenever a static file changes
    mtimes = [p.stat().st_mtime_ns for p in STATIC_DIR.glob("*") if p.is_file()]
    return str(max(mtimes, default=0) % 10**9)
