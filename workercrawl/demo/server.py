"""A tiny threaded HTTP server over a replica folder (workercrawl/demo/sites/NAME, or a test's).

Each folder may hold `_site.toml`: `[[content_type]]` path/value rules (the Content-Type to send
for paths matching the regex, a charset only where the real site sends one) and `[[status]]`
path/value rules (answer that HTTP status with the file as the body, e.g. anti-bot 412/521).
Files whose names start with `_` are never served; a folder is served as its index.html.
`substitutions` rewrite bytes in every body served (the tests' `__MIRROR__` → a second server).
Used by `workercrawl demo` and by the tests' `replica` fixture; it logs every request it gets.
"""

from __future__ import annotations

import mimetypes
import re
import threading
import time
import tomllib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class Hit:
    path: str
    host: str
    status: int


class ReplicaServer:
    """A tiny threaded HTTP server over a replica folder, logging every request it gets."""

    def __init__(self, root: Path, substitutions: dict[bytes, bytes] | None = None, port: int = 0):
        """port 0: any free port (OSError when a given port is taken)."""
        self.root = root.resolve()
        self.substitutions = dict(substitutions or {})
        self.log: list[Hit] = []
        # Tests that change the site between runs: rewrite(path, body) → body, and a delay
        # (seconds) before answering paths matching slow_paths.
        self.rewrite = None
        self.delay, self.slow_paths = 0.0, re.compile(r"$^")
        self.redirects: dict[str, str] = {}  # path → Location: answered 301
        config = root / "_site.toml"
        table = tomllib.loads(config.read_text("utf-8")) if config.exists() else {}
        self.rules = [(re.compile(r["path"]), r["value"]) for r in table.get("content_type", [])]
        # [[status]] path/value: answer that HTTP status (with the file as body), e.g. anti-bot 412/521.
        self.statuses = [(re.compile(r["path"]), int(r["value"])) for r in table.get("status", [])]
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def paths(self) -> list[str]:
        return [hit.path for hit in self.log]

    def start(self) -> "ReplicaServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def content_type(self, path: str) -> str:
        for pattern, value in self.rules:
            if pattern.search(path):
                return value
        return mimetypes.guess_type(path)[0] or "application/octet-stream"

    def status(self, path: str) -> int:
        return next((value for pattern, value in self.statuses if pattern.search(path)), 200)

    def resolve(self, path: str) -> Path | None:
        target = (self.root / unquote(path).lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.root not in target.parents or not target.is_file() or target.name.startswith("_"):
            return None
        return target

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                path = urlsplit(self.path).path
                if path in server.redirects:
                    server.log.append(Hit(self.path, self.headers.get("Host", ""), 301))
                    self.send_response(301)
                    self.send_header("Location", server.redirects[path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                target = server.resolve(path)
                if target is None:
                    body, status, ctype = b"<html><body><h1>404 Not Found</h1></body></html>", 404, "text/html"
                else:
                    body, status, ctype = target.read_bytes(), server.status(path), server.content_type(path)
                    for old, new in server.substitutions.items():
                        body = body.replace(old, new)
                    if server.rewrite is not None:
                        body = server.rewrite(path, body)
                if server.delay and server.slow_paths.search(path):
                    time.sleep(server.delay)
                server.log.append(Hit(self.path, self.headers.get("Host", ""), status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep pytest output clean
                pass

        return Handler
