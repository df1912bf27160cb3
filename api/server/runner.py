"""Run the app with uvicorn in a background thread on a free loopback port (tests, benchmarks)."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time

import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerThread:
    """``with ServerThread(app) as base_url: ...`` — started when entered, stopped when left."""

    def __init__(self, app, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host, self.port = host, port or free_port(host)
        from api.server.lowlevel import JsonH11Protocol

        self.server = uvicorn.Server(uvicorn.Config(app, host=self.host, port=self.port, log_level="warning",
                                                    lifespan="on", http=JsonH11Protocol))
        self.thread = threading.Thread(target=self.server.run, name="jixiao-http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.05)
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


class ServerProcess:
    """``with ServerProcess(["--data", d]) as base_url: ...`` — ``jixiao serve`` in a child
    process (its own query workers as grandchildren), stopped with SIGTERM when left."""

    def __init__(self, args: list[str], host: str = "127.0.0.1", port: int | None = None,
                 startup_timeout: float = 120.0, log_path: str | None = None) -> None:
        self.host, self.port = host, port or free_port(host)
        self.args = args
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> str:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", self.host, "--port", str(self.port), *self.args],
            stdout=log, stderr=log)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jixiao serve exited with {self.proc.returncode}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self.url
            except OSError:
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("jixiao serve did not start listening") from None
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
