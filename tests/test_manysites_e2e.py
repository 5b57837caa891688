"""Many sites in one run, end to end: five replica sites on 127.0.0.1 (a port each), a sites file
naming them, and a real `workercrawl crawl --all --sites FILE --parallel 5` process. The sites'
server records when each request arrived and was answered, per port, so politeness is checked
from the sites' side: per site, never more requests in flight than CONCURRENT_REQUESTS_PER_DOMAIN,
and two requests never start closer than DOWNLOAD_DELAY."""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from sitegen import generate  # noqa: E402

PER_DOMAIN = 2
DELAY = 0.2
# The server stamps a request when its request line has been read; that can lag the client's
# send by a scheduling slice on a loaded machine, so a gap is allowed that much less.
CLOCK_SLACK = 0.03

ENTRY = """[site.{key}]
name = "replica {key}"
start_urls = ["http://127.0.0.1:{port}/acftu/"]
allowed_domains = ["127.0.0.1"]
list_paths = ['/acftu/(?:index(?:_\\d+)?\\.s?html)?$']
article_paths = ['/c/\\d{{4}}-\\d{{2}}-\\d{{2}}/\\d+\\.shtml$']
list_links = ["ul#list h3 a"]
max_list_pages = 0
"""


def recording_server(folder: Path, log: list, latency: float):
    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def parse_request(self):
            self.started = time.monotonic()
            return super().parse_request()

        def handle_one_request(self):
            self.started = None
            super().handle_one_request()
            if self.started is not None:
                log.append((self.started, time.monotonic(), self.path))

        def send_head(self):
            time.sleep(latency)  # slow enough that requests would overlap if allowed to
            return super().send_head()

        def log_message(self, format, *args):  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def most_in_flight(spans) -> int:
    events = sorted([(s, 1) for s, _, _ in spans] + [(e, -1) for _, e, _ in spans])
    now = peak = 0
    for _, step in events:
        now += step
        peak = max(peak, now)
    return peak


def test_politeness_holds_per_site_when_many_sites_are_crawled_at_once(tmp_path):
    logs, servers, entries = {}, [], []
    for n in range(5):
        generate(tmp_path / f"site{n}", 12, seed=n)
        log: list = []
        server = recording_server(tmp_path / f"site{n}", log, latency=0.4)
        servers.append(server)
        logs[f"replica{n}"] = log
        entries.append(ENTRY.format(key=f"replica{n}", port=server.server_address[1]))
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text("\n".join(entries), "utf-8")
    db = tmp_path / "many.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("WORKERCRAWL_SITES", None)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "workercrawl.cli", "crawl", "--all", "--sites", str(sites_file), "--parallel", "5",
             "--db", str(db), "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={PER_DOMAIN}", "-s", f"DOWNLOAD_DELAY={DELAY}",
             "-s", f"AUTOTHROTTLE_START_DELAY={DELAY}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    finally:
        for server in servers:
            server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = [line for line in result.stdout.splitlines() if ": run " in line]
    assert len(verdicts) == 5 and all(" OK " in line for line in verdicts), result.stdout
    with sqlite3.connect(db) as conn:
        assert dict(conn.execute("SELECT site, count(*) FROM runs GROUP BY site")) == {f"replica{n}": 1 for n in range(5)}
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5 * 12
    for key, spans in logs.items():
        assert len(spans) == 14, (key, [p for _, _, p in spans])  # robots.txt, the list, 12 articles
        # Requests overlapped (latency 0.4 s > delay 0.2 s), and never more than the setting.
        assert most_in_flight(spans) == PER_DOMAIN, key
        starts = sorted(s for s, _, _ in spans)
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert min(gaps) >= DELAY - CLOCK_SLACK, (key, min(gaps))
    # The sites were crawled at the same time, not one after the other.
    first_end = min(max(e for _, e, _ in spans) for spans in logs.values())
    last_start = max(min(s for s, _, _ in spans) for spans in logs.values())
    assert last_start < first_end
