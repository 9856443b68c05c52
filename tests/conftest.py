"""Shared test helpers: paths to ../shared, a loopback HTTP server, a fixed clock."""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

SHARED = PROJECT.parent / "shared"
PAGES = Path(__file__).resolve().parent / "pages"


class QuietServer(ThreadingHTTPServer):
    """A client that drops its connection (the tool giving up on a response it has read enough
    of) is no error of the server's; the default handler printed its traceback to a stderr the
    test had already closed."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def shared_file(relative: str) -> Path:
    """A file from ../shared, or a skip naming what is missing."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is not beside the project)")
    return path


@pytest.fixture
def fixed_clock():
    moment = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    return lambda: moment


class Route:
    """What the server answers on one path: a list of responses, one per request (the last
    repeats), each (status, headers, body) or a callable taking the handler."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests: list[dict[str, str]] = []

    def next_response(self):
        index = min(len(self.requests) - 1, len(self.responses) - 1)
        return self.responses[index]


class LoopbackServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server's naming)
                route = routes.get(self.path)
                if route is None:
                    self._send(404, {"Content-Type": "text/plain"}, b"no such page")
                    return
                route.requests.append(dict(self.headers.items()))
                response = route.next_response()
                if callable(response):
                    response(self)
                else:
                    self._send(*response)

            def _send(self, status, headers, body):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def route(self, path: str, *responses) -> Route:
        self.routes[path] = Route(*responses)
        return self.routes[path]


@pytest.fixture
def server():
    loopback = LoopbackServer()
    loopback.thread.start()
    yield loopback
    loopback.httpd.shutdown()
    loopback.httpd.server_close()


def html_response(body: str | bytes, content_type: str = "text/html; charset=utf-8", status: int = 200, **headers):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return status, {"Content-Type": content_type, **headers}, data


def folders_of(stdout: str) -> list[str]:
    """What a run printed, each archive line's folder taken from after its status and tab
    ("archived\t/…/2026-11-25/slug"); JSON (--stdout) lines as they are."""
    return [line.split("\t", 1)[1] if line.startswith(("archived\t", "unchanged\t")) else line
            for line in stdout.splitlines()]
