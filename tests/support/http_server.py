"""A small HTTP server on loopback serving files from a dict {path: (status, body)}.

Used as the ISPDB mirror and as autoconfig.<domain> / .well-known hosts. ``delay``
per path lets tests and benchmarks make one source slow.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self.server.requests.append(self.path)
        path = self.path.split("?", 1)[0]
        delay = self.server.delays.get(path, 0.0)
        if delay:
            time.sleep(delay)
        status, body = self.server.routes.get(path, (404, b"not found"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, tuple[int, bytes]]
    delays: dict[str, float]
    requests: list[str]


class LocalHTTP:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.httpd = _Server((host, port), _Handler)
        self.httpd.routes = {}
        self.httpd.delays = {}
        self.httpd.requests = []
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def route(self, path: str, body: bytes | str, status: int = 200, delay: float = 0.0) -> None:
        self.httpd.routes[path] = (status, body.encode() if isinstance(body, str) else body)
        if delay:
            self.httpd.delays[path] = delay

    def start(self) -> LocalHTTP:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
