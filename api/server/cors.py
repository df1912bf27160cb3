"""CORS for reads, so browser tools on other origins (YASGUI, notebooks, Comunica) can query.

Every response to a request with an ``Origin`` header gets ``Access-Control-Allow-Origin``
(``*`` by default: the endpoint is public and read-only), and ``OPTIONS`` preflights are
answered for GET and POST with the headers a SPARQL client sends. Never for writes: a
request carrying credentials (``Authorization``, the update token) gets no CORS headers,
and a preflight asking to send ``Authorization`` is refused, so a page on another origin
can never make a visitor's browser write.
"""
from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_METHODS = b"GET, POST, OPTIONS"
ALLOW_HEADERS = (b"accept", b"content-type", b"accept-language", b"cache-control", b"x-requested-with")
EXPOSE_HEADERS = b"Content-Type, Content-Length, X-SPARQL-MaxRows, Link, Location"
MAX_AGE = b"86400"


class Cors:
    """``origin``: the allowed origin (``*`` for any); None turns CORS off."""

    def __init__(self, app: ASGIApp, origin: str | None = "*") -> None:
        self.app = app
        self.origin = origin.encode() if origin else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.origin is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin")
        if origin is None or b"authorization" in headers or not self._allowed(origin):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await self._preflight(headers, send)
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"access-control-allow-origin", self._echo(origin)),
                         (b"access-control-expose-headers", EXPOSE_HEADERS)]
                if self.origin != b"*":
                    extra.append((b"vary", b"Origin"))
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        await self.app(scope, receive, with_cors)

    def _allowed(self, origin: bytes) -> bool:
        return self.origin == b"*" or origin == self.origin

    def _echo(self, origin: bytes) -> bytes:
        return b"*" if self.origin == b"*" else origin

    async def _preflight(self, headers: dict, send: Send) -> None:
        method = headers.get(b"access-control-request-method", b"").strip().upper()
        asked = [h.strip().lower() for h in headers.get(b"access-control-request-headers", b"").split(b",") if h.strip()]
        ok = method in (b"GET", b"POST", b"HEAD") and all(h in ALLOW_HEADERS for h in asked)
        out = [(b"content-length", b"0"), (b"vary", b"Origin, Access-Control-Request-Headers")]
        if ok:  # otherwise no CORS headers: the browser refuses the real request
            out += [(b"access-control-allow-origin", self._echo(headers[b"origin"])),
                    (b"access-control-allow-methods", ALLOW_METHODS),
                    (b"access-control-allow-headers", b", ".join(ALLOW_HEADERS)),
                    (b"access-control-max-age", MAX_AGE)]
        await send({"type": "http.response.start", "status": 204 if ok else 403, "headers": out})
        await send({"type": "http.response.body", "body": b""})
