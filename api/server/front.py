"""What ``jixiao serve`` binds first: a small ASGI app that answers at once and hands every
request to the full application as soon as that is built.

Building the FastAPI application (FastAPI and pydantic imported, ~35 routes and their models
built) takes longer than a bare ``import fastapi, uvicorn``. So the server binds with this
front, right after uvicorn is imported, and builds the application in a background thread.
Meanwhile the front answers ``GET /api/stats`` from the figures kept beside the published
snapshot (``graph.kept``) — the same body and headers the application sends (security
headers, CORS; tests/test_http_front.py compares them) — and every other request waits
until the application is built and started, then goes to it. Nothing is answered with a
placeholder: a request either gets the real answer or waits for the application.

If building the application fails (the store cannot be opened, ...), the front logs why,
answers the requests that waited with a JSON 503, and asks the server to stop
(``on_failure``); ``error`` holds the exception for the command to report.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.server.cors import Cors
from api.server.limits import SecurityHeaders

log = logging.getLogger("jixiao.http")

ASGIApp = Callable[..., Any]
# what the build returns: the application and what to call when the server stops
Built = tuple[ASGIApp, Callable[[], None]]
EARLY = "jixiao.early_answer"  # scope key: the body the front answers with


class Front:
    """``build()`` makes the application (in a background thread); ``data``: the data folder
    of a read-only embedded store, whose kept figures the front may answer from (None: answer
    nothing early, e.g. a remote store or a writable one, whose figures are not kept)."""

    def __init__(self, build: Callable[[], Built], data: Path | None = None, cors_origin: str | None = "*",
                 on_failure: Callable[[], None] | None = None) -> None:
        self._build = build
        self.data = Path(data) if data is not None else None
        self.on_failure = on_failure
        self.app: ASGIApp | None = None  # the application, once built and started
        self.error: BaseException | None = None
        self.early_answers = 0  # requests the front answered itself (tests, logs)
        self._close: Callable[[], None] | None = None
        self._ready: asyncio.Event | None = None
        self._stopping = False
        self._lifespan_in: asyncio.Queue | None = None
        self._lifespan_out: asyncio.Queue | None = None
        self._lifespan_task: asyncio.Task | None = None
        # the application's outer middleware, in its order (api.server.app): CORS, then headers
        self._early = Cors(SecurityHeaders(self._answer_early), origin=cors_origin)

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        app = self.app
        early = self._kept_stats(scope) if app is None and scope["type"] == "http" else None
        if early is not None:
            await self._early(dict(scope, **{EARLY: early}), receive, send)
            return
        if app is None:
            assert self._ready is not None, "the server sends lifespan.startup before any request"
            await self._ready.wait()
            app = self.app
        if app is None:
            await _json(send, 503, {"error": f"the server could not start: {self.error}", "status": 503})
            return
        await app(scope, receive, send)

    def _kept_stats(self, scope: dict) -> Any | None:
        """The ``/api/stats`` answer kept for the published snapshot, if this request is one the
        front can answer: ``GET /api/stats`` without parameters on a read-only embedded store."""
        if self.data is None or scope.get("method") != "GET" or scope.get("path") != "/api/stats" \
                or scope.get("query_string"):
            return None
        from graph.kept import read_kept

        stats = read_kept(self.data, "overview")
        if not isinstance(stats, dict):
            return None
        from api.server.questions import QUESTIONS

        return {"stats": stats, "questions": QUESTIONS}

    async def _answer_early(self, scope: dict, receive: Callable, send: Callable) -> None:
        self.early_answers += 1
        await _json(send, 200, scope[EARLY])

    # ------------------------------------------------------------------ life
    async def _lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._ready = asyncio.Event()
                loop = asyncio.get_running_loop()
                threading.Thread(target=self._build_app, args=(loop,), name="jixiao-build", daemon=True).start()
                await send({"type": "lifespan.startup.complete"})  # bind now
            elif message["type"] == "lifespan.shutdown":
                await self._shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _build_app(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            app, close = self._build()
        except BaseException as e:  # noqa: BLE001 — reported by the command that started the server
            log.exception("building the application failed")
            loop.call_soon_threadsafe(self._failed, e)
            return
        self._close = close
        asyncio.run_coroutine_threadsafe(self._start(app), loop)

    async def _start(self, app: ASGIApp) -> None:
        """Run the application's lifespan startup (its query pool, its warm-up), then route to it."""
        if self._stopping:
            self._run_close()
            return
        self._lifespan_in, self._lifespan_out = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        self._lifespan_task = asyncio.create_task(app(scope, self._lifespan_in.get, self._lifespan_out.put))
        await self._lifespan_in.put({"type": "lifespan.startup"})
        reply = await self._reply()
        if reply.get("type") != "lifespan.startup.complete":
            self._failed(RuntimeError(reply.get("message") or "the application's start-up failed"))
            return
        self.app = app
        assert self._ready is not None
        self._ready.set()

    async def _reply(self) -> dict:
        """The application's next lifespan message (or a failure if its lifespan ended without one)."""
        assert self._lifespan_out is not None and self._lifespan_task is not None
        getter = asyncio.ensure_future(self._lifespan_out.get())
        done, _ = await asyncio.wait({getter, self._lifespan_task}, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            return getter.result()
        getter.cancel()
        exc = self._lifespan_task.exception()
        return {"type": "lifespan.failed", "message": f"{type(exc).__name__}: {exc}" if exc else ""}

    def _failed(self, error: BaseException) -> None:
        self.error = error
        self.app = None
        if self._ready is not None:
            self._ready.set()  # waiting requests get the 503
        if self.on_failure is not None:
            self.on_failure()

    async def _shutdown(self) -> None:
        self._stopping = True
        if self.app is not None and self._lifespan_in is not None:
            await self._lifespan_in.put({"type": "lifespan.shutdown"})
            await self._reply()
        self._run_close()

    def _run_close(self) -> None:
        close, self._close = self._close, None
        if close is not None:
            close()


async def _json(send: Callable, status: int, body: Any) -> None:
    """A JSON answer serialised as FastAPI's JSONResponse does (same bytes, same headers)."""
    content = json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(content)).encode()), (b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": content})
