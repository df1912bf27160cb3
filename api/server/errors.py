"""Errors as JSON (API, SPARQL, non-browser clients) or a short HTML page — never a traceback."""
from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("jixiao.http")

_TITLES = {400: "请求有误 Bad request", 403: "禁止 Forbidden", 404: "未找到 Not found",
           405: "方法不允许 Method not allowed", 406: "无法提供该格式 Not acceptable",
           413: "请求过大 Too large", 414: "网址过长 URI too long", 422: "参数有误 Invalid parameters",
           500: "服务器错误 Server error", 503: "暂不可用 Unavailable", 504: "超时 Timeout"}


def wants_html(request: Request) -> bool:
    """A browser asking for a page. The API and the data endpoints always answer JSON errors
    (machines read them); ``/sparql`` is both, so there the Accept header decides."""
    if request.url.path.startswith(("/api/", "/.well-known/", "/void", "/dumps/", "/openapi.json")):
        return False
    return "text/html" in request.headers.get("accept", "")


MAX_WORD = 200  # longer runs without a space (a path, an IRI a client sent) are cut in error bodies
MAX_MESSAGE = 2000
_LONG_WORD = re.compile(r"\S{" + str(MAX_WORD + 1) + ",}")


def cut(message: str) -> str:
    """An error message with whatever a client sent cut to a readable length: a 100 KB path
    is not echoed back whole."""
    message = _LONG_WORD.sub(lambda m: f"{m.group()[:MAX_WORD // 2]}…[{len(m.group()):,} characters]", message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


def error_response(request: Request, status: int, message: str, headers: dict | None = None,
                   html: bool | None = None) -> Response:
    """``html=None``: decide from the request (:func:`wants_html`)."""
    message = cut(message)
    if wants_html(request) if html is None else html:
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "error.html",
                                          {"status": status, "title": _TITLES.get(status, "Error"),
                                           "message": message, "d": {}, "json_url": None,
                                           "links": request.app.state.links},
                                          status_code=status, headers=headers)
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "error")
        return error_response(request, exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return error_response(request, 422, problems or "invalid parameters")

    app.add_middleware(CatchAll)


class CatchAll:
    """Answer an unexpected exception with a clean 500 and keep it from going further.

    Starlette's own last-resort handler sends its response and then re-raises, and uvicorn
    closes the connection on an exception — clients could see a reset instead of the 500.
    The traceback goes to the server log, never to the client.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            request = Request(scope)
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            if not started:
                response = error_response(request, 500, "internal server error (details are in the server log)")
                await response(scope, receive, send)
