"""Admission control: bounded lanes for SPARQL, search and pages, so one cannot starve another.

Every request waits for a place in its lane before the application sees it. A lane runs at
most ``running`` requests at once and lets at most ``queue`` more wait (for at most
``wait`` seconds); beyond that the answer is an immediate 503 — JSON, or a page for a
browser, with ``Retry-After`` — instead of a thread, a socket and a worker held for
nothing. The SPARQL lane runs as many queries as there are query workers, so slow queries
queue here, on the event loop, and never hold the threads that pages and the JSON API need
(Starlette runs those in a pool of 40 threads).

uvicorn's own concurrency limit, which answers in plain text, is not used: these lanes
bound the work, and :mod:`api.server.lowlevel` makes what uvicorn still answers itself JSON.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

RETRY_AFTER = "5"


@dataclass(frozen=True)
class Lane:
    name: str
    running: int  # requests served at once
    queue: int  # requests that may wait for a place
    wait: float  # seconds one may wait before it is turned away
    prefixes: tuple[str, ...] = ()  # path prefixes of the lane (the last lane takes the rest)


def lanes_for(config) -> list[Lane]:
    """The lanes of a :class:`api.server.config.ServerConfig`."""
    return [
        Lane("sparql", max(1, config.workers), config.sparql_queue, config.timeout,
             ("/sparql", "/void", "/.well-known/void")),
        Lane("search", config.search_running, config.search_queue, 30.0, ("/search", "/api/search", "/api/similar")),
        Lane("pages", config.pages_running, config.pages_queue, 30.0),
    ]


class _Gate:
    def __init__(self, lane: Lane) -> None:
        self.lane = lane
        self.slots = asyncio.Semaphore(lane.running)
        self.waiting = 0
        self.refused = 0


class Admission:
    """ASGI middleware: each request passes its lane's gate or gets a 503 at once."""

    EXEMPT = ("/static/", "/favicon")

    def __init__(self, app: ASGIApp, lanes: list[Lane]) -> None:
        self.app = app
        self.gates = [_Gate(lane) for lane in lanes]

    def gate(self, path: str) -> _Gate:
        for g in self.gates[:-1]:
            if any(path == p or path.startswith(p + "/") or path.startswith(p + "?") for p in g.lane.prefixes):
                return g
        return self.gates[-1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.EXEMPT):
            await self.app(scope, receive, send)
            return
        gate = self.gate(scope["path"])
        if gate.slots.locked() and gate.waiting >= gate.lane.queue:
            await self._refuse(scope, receive, send, gate, "queue full")
            return
        gate.waiting += 1
        try:
            await asyncio.wait_for(gate.slots.acquire(), gate.lane.wait)
        except TimeoutError:
            await self._refuse(scope, receive, send, gate, "waited too long")
            return
        finally:
            gate.waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            gate.slots.release()

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, gate: _Gate, why: str) -> None:
        from api.server.errors import error_response

        gate.refused += 1
        lane = gate.lane
        message = (f"the server is busy: {lane.running} {lane.name} requests are running and {gate.waiting} "
                   f"waiting ({why}); try again in a few seconds")
        response = error_response(Request(scope, receive), 503, message, headers={"Retry-After": RETRY_AFTER})
        await response(scope, receive, send)
