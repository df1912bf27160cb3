"""``/docs``: the JSON API described from its OpenAPI document, rendered on the server.

FastAPI's default Swagger UI loads its JavaScript from a CDN; jixiao serves nothing from
outside the package, so this page lists the same OpenAPI description without any script.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.server.render import page

router = APIRouter()


def apidocs_data(openapi: dict) -> dict:
    schemas = openapi.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _type(p.get("schema", {})), "description": p.get("description") or
                       p.get("schema", {}).get("description", "")} for p in op.get("parameters", [])]
            ok = op.get("responses", {}).get("200", {}).get("content", {})
            schema = next(iter(ok.values()), {}).get("schema", {}) if ok else {}
            operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                               "tags": op.get("tags", []), "params": params, "returns": _ref(schema),
                               "example": path if not params else None})
    models = [{"name": name, "fields": [{"name": f, "type": _type(s),
                                         "required": f in (schema.get("required") or [])}
                                        for f, s in schema.get("properties", {}).items()]}
              for name, schema in sorted(schemas.items()) if name not in ("HTTPValidationError", "ValidationError")]
    return {"title": openapi.get("info", {}).get("title"), "operations": operations, "models": models}


def _ref(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return _type(schema)


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_type(schema.get('items', {}))}]"
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    return schema.get("type", "any")


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def apidocs(request: Request) -> HTMLResponse:
    return page(request, "apidocs.html", apidocs_data(request.app.openapi()), json_url="/openapi.json")


@router.get("/api/prefixes", tags=["SPARQL"], summary="The prefixes the SPARQL endpoint declares (prefix → namespace)")
def prefixes() -> dict:
    from graph.vocab import PREFIXES

    return dict(PREFIXES)
