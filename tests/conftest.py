"""Shared fixtures: replica sites served on 127.0.0.1 and a `scrapy crawl` subprocess runner."""

from __future__ import annotations

import mimetypes
import os
import re
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

TESTS = Path(__file__).parent
SITES = TESTS / "sites"
PROJECT = TESTS.parent


@dataclass
class Hit:
    path: str
    host: str
    status: int


class ReplicaServer:
    """A tiny threaded HTTP server over a replica folder, logging every request it gets."""

    def __init__(self, root: Path, substitutions: dict[bytes, bytes] | None = None):
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
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
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


@pytest.fixture
def replica():
    """replica("workercn") → (site server, spam-mirror server); both stopped after the test."""
    started: list[ReplicaServer] = []

    def start(name: str) -> tuple[ReplicaServer, ReplicaServer]:
        mirror = ReplicaServer(SITES / name).start()  # a spam mirror: same paths, another host
        site = ReplicaServer(SITES / name, {b"__MIRROR__": mirror.url.encode()}).start()
        started.extend([site, mirror])
        return site, mirror

    yield start
    for server in started:
        server.stop()


FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "RETRY_TIMES": "0",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Crawl:
    db: Path
    raw: Path
    proc: subprocess.CompletedProcess


@pytest.fixture
def crawl(tmp_path):
    """crawl("workercn", start_url=…, **spider_args) runs `python -m scrapy crawl` to completion
    and checks its exit status (`expect`: 0, or 1 for a run that must fail) and verdict line."""

    def run(spider: str, settings: dict | None = None, expect: int = 0, **args) -> Crawl:
        db, raw = tmp_path / "workercrawl.db", tmp_path / "raw.db"
        cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
        for key, value in args.items():
            cmd += ["-a", f"{key}={value}"]
        merged = {**FAST, "WORKERCRAWL_DB": str(db), "WORKERCRAWL_RAW_DB": str(raw), **(settings or {})}
        for key, value in merged.items():
            cmd += ["-s", f"{key}={value}"]
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "workercrawl.settings", "PYTHONPATH": str(PROJECT)}
        proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == expect, proc.stderr[-4000:]
        verdicts = [line for line in proc.stderr.splitlines() if line.startswith("workercrawl: ")]
        assert len(verdicts) == 1 and (" FAILED " in verdicts[0]) == (expect == 1), proc.stderr[-4000:]
        return Crawl(db, raw, proc)

    return run
