"""What uvicorn answers by itself, below the application, made JSON like every other error.

uvicorn answers a request it cannot parse (bad request line, bad headers) with a plain-text
400 before any application code runs. :class:`JsonH11Protocol` sends the same answer as
``{"error": ..., "status": 400}``. (uvicorn's plain-text 503 for its concurrency limit is
not used at all: ``api.server.admission`` bounds the work instead.)
"""
from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class JsonH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"error": f"bad HTTP request: {msg}", "status": 400}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers, reason=b"Bad Request")))
        self.transport.write(self.conn.send(h11.Data(data=body)))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()
