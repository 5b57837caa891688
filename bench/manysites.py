"""Many sites in one run: N generated replica sites on 127.0.0.1 (one port each), a sites file
pointing at them, and a real `workercrawl crawl --all --sites FILE --parallel P`.

    python bench/manysites.py [--sites 50] [--articles 40] [--parallel 8] [--delay 0.1]
                              [--per-domain 2] [--latency 0.2]

The replica server runs in this process (a thread per port) and records every request's start
and end per port, so politeness is measured from the sites' side: the most requests in flight
at once per host (against CONCURRENT_REQUESTS_PER_DOMAIN) and the smallest gap between two
request starts to one host (against DOWNLOAD_DELAY). Each response waits --latency seconds,
as a remote site would, so requests can overlap. Also: total throughput, the memory of the
crawl (all its processes, sampled every second: flat?) and every site's verdict. Prints a table,
writes bench/results/manysites.json.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))
from sitegen import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# The replica's navigation: the 中工网 template (bench/sitegen.py) at /acftu/ and /c/DATE/N.shtml.
ENTRY = """[site.{key}]
name = "replica {n}"
start_urls = ["http://127.0.0.1:{port}/acftu/"]
allowed_domains = ["127.0.0.1"]
list_paths = ['/acftu/(?:index(?:_\\d+)?\\.s?html)?$']
article_paths = ['/c/\\d{{4}}-\\d{{2}}-\\d{{2}}/\\d+\\.shtml$']
list_links = ["ul#list h3 a"]
max_list_pages = 0
"""


class Recorder:
    """Start and end times of every request, per port (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: dict[int, list[tuple[float, float, str]]] = {}
        self.accepted: dict[int, dict[str, float]] = {}  # port → path → accept time (new connections)

    def add(self, port: int, start: float, end: float, path: str, accepted: float | None = None) -> None:
        with self.lock:
            self.requests.setdefault(port, []).append((start, end, path))
            if accepted is not None:
                self.accepted.setdefault(port, {})[path] = accepted


def serve(folder: Path, recorder: Recorder, latency: float) -> tuple[ThreadingHTTPServer, int]:
    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            self.first = True  # the next request is the connection's first

        def parse_request(self):  # the request line has arrived: the request starts now
            self.started = time.monotonic()
            return super().parse_request()

        def handle_one_request(self):
            self.started = None
            super().handle_one_request()
            if self.started is not None:  # a request was read and answered (not an idle keep-alive wait)
                # on a new connection, when the server accepted it: a loaded server reads the first
                # request late, which makes the gap to the previous request look shorter than it was
                accepted = self.server.accepted_at.get(self.client_address) if self.first else None
                recorder.add(self.server.server_address[1], self.started, time.monotonic(), self.path, accepted)
                self.first = False

        def send_head(self):
            time.sleep(latency)  # a remote site's response time
            return super().send_head()

        def log_message(self, format, *args):  # noqa: A002
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 256
        daemon_threads = True

        accepted_at: dict = {}  # client address → when accept() returned

        def get_request(self):
            sock, address = super().get_request()
            self.accepted_at[address] = time.monotonic()
            return sock, address

    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def in_flight(spans: list[tuple[float, float, str]]) -> int:
    """The most requests open at once (a sweep over starts and ends)."""
    events = sorted([(s, 1) for s, _, _ in spans] + [(e, -1) for _, e, _ in spans], key=lambda x: (x[0], x[1]))
    now = peak = 0
    for _, step in events:
        now += step
        peak = max(peak, now)
    return peak


def min_gap(spans: list[tuple[float, float, str]]) -> float | None:
    starts = sorted(s for s, _, _ in spans)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    return min(gaps) if gaps else None


def closest(spans: list[tuple[float, float, str]], accepted: dict[str, float]) -> list:
    """The two requests that started closest together: paths, read and answered times, and
    when the server accepted the connection of a connection's first request (None: reused)."""
    ordered = sorted(spans)
    pairs = sorted(zip(ordered, ordered[1:]), key=lambda p: p[1][0] - p[0][0])
    return [[(x[2], round(x[0], 3), round(x[1], 3), accepted.get(x[2]) and round(accepted[x[2]], 3)) for x in pair]
            for pair in pairs[:1]]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(entry))
            rss[int(entry)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total / 1024 / 1024


def run(args, tmp: Path, recorder: Recorder) -> dict:
    servers, entries = [], []
    for n in range(args.sites):
        folder = tmp / f"site{n:02d}"
        generate(folder, args.articles, seed=100 + n)
        server, port = serve(folder, recorder, args.latency)
        servers.append(server)
        entries.append(ENTRY.format(key=f"replica{n:02d}", n=n, port=port))
    sites_file = tmp / "sites.toml"
    sites_file.write_text("# bench/manysites.py: generated replicas\n\n" + "\n".join(entries), "utf-8")
    db = tmp / "many.db"
    command = [sys.executable, "-m", "workercrawl.cli", "crawl", "--all", "--sites", str(sites_file),
               "--parallel", str(args.parallel), "--db", str(db),
               "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.per_domain}", "-s", f"DOWNLOAD_DELAY={args.delay}",
               "-s", "AUTOTHROTTLE_START_DELAY=" + str(args.delay), "-s", "LOG_LEVEL=WARNING",
               # the crawl's own record of when each request left (bench/manysites_probe.py)
               "-s", 'EXTENSIONS={"workercrawl.quietlogs.QuietNetworkLogs": 0, "manysites_probe.Probe": 10}',
               *(["-s", "DOWNLOADER=scrapy.core.downloader.Downloader"] if args.scrapy_downloader else [])]
    memory: list[tuple[float, float, int]] = []
    probe = tmp / "sent.jsonl"
    env = {**os.environ, "MANYSITES_PROBE": str(probe),
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])}
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)
    err: list[str] = []
    err_reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    err_reader.start()
    while proc.poll() is None:
        rss = tree_rss_mb(proc.pid)
        with recorder.lock:
            done = sum(len(v) for v in recorder.requests.values())
        memory.append((round(time.monotonic() - started, 1), round(rss), done))
        time.sleep(1.0)
    wall = time.monotonic() - started
    reader.join()
    err_reader.join()
    for server in servers:
        server.shutdown()
    verdicts = [line for line in "".join(out).splitlines() if re.search(r": run \d+ (OK|DEGRADED|FAILED)", line)]
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        per_site = dict(conn.execute("SELECT site, count(*) FROM runs GROUP BY site").fetchall())
    sent: dict[int, list[float]] = {}  # port → when the crawl sent each request (its own clock)
    for line in probe.read_text("utf-8").splitlines() if probe.exists() else []:
        row = json.loads(line)
        sent.setdefault(urlsplit(row["url"]).port, []).append(row["t"])
    ports = sorted(recorder.requests)
    sites = []
    for port in ports:
        spans = recorder.requests[port]
        times = sorted(sent.get(port, []))
        sites.append({"port": port, "requests": len(spans), "max_in_flight": in_flight(spans),
                      "min_gap_s": min_gap(spans), "closest": closest(spans, recorder.accepted.get(port, {})),
                      "sent": len(times),
                      "min_sent_gap_s": min((b - a for a, b in zip(times, times[1:])), default=None),
                      "span_s": max(e for _, e, _ in spans) - min(s for s, _, _ in spans)})
    status = {}
    for line in verdicts:
        found = re.search(r"run \d+ (OK|DEGRADED|FAILED)", line)
        key = found.group(1) if found else "?"
        status[key] = status.get(key, 0) + 1
    return {
        "downloader": "scrapy" if args.scrapy_downloader else "workercrawl",
        "sites": args.sites, "articles_per_site": args.articles, "parallel": args.parallel,
        "per_domain": args.per_domain, "delay_s": args.delay, "latency_s": args.latency,
        "exit_code": proc.returncode, "wall_s": wall, "articles_stored": articles,
        "requests": sum(s["requests"] for s in sites), "runs": sum(per_site.values()),
        "verdicts": status, "verdict_lines": verdicts, "per_site": sites, "memory": memory,
        "stderr_tail": "".join(err)[-2000:],
    }


def report(r: dict) -> None:
    sites = r["per_site"]
    flight = [s["max_in_flight"] for s in sites]
    gaps = [s["min_gap_s"] for s in sites if s["min_gap_s"] is not None]
    rss = [m[1] for m in r["memory"]]
    busy = [m for m in r["memory"] if m[1] > 0]
    print(f"\n## Many sites: {r['sites']} replicas × {r['articles_per_site']} articles, "
          f"`workercrawl crawl --all --parallel {r['parallel']}`, CONCURRENT_REQUESTS_PER_DOMAIN={r['per_domain']}, "
          f"DOWNLOAD_DELAY={r['delay_s']} s, {r['latency_s']} s per response, {r.get('downloader')}'s downloader\n")
    print("| measure | value |\n|---|---|")
    print(f"| sites served / crawled (runs) | {len(sites)} / {r['runs']} |")
    print(f"| verdicts | {', '.join(f'{k} {v}' for k, v in sorted(r['verdicts'].items()))} |")
    print(f"| articles stored | {r['articles_stored']:,} |")
    print(f"| requests served | {r['requests']:,} |")
    print(f"| wall | {r['wall_s']:.1f} s |")
    print(f"| throughput | {r['articles_stored'] / r['wall_s']:.1f} articles/s, {r['requests'] / r['wall_s']:.1f} requests/s |")
    print(f"| max in flight per host (≤ {r['per_domain']}) | max {max(flight)}, median {statistics.median(flight)} "
          f"({sum(f > r['per_domain'] for f in flight)} sites over) |")
    print(f"| min gap between request starts per host (≥ {r['delay_s']} s) | min {min(gaps):.3f} s, median "
          f"{statistics.median(gaps):.3f} s ({sum(g < r['delay_s'] for g in gaps)} sites under) |")
    if busy:
        third = max(1, len(busy) // 3)
        sent = [s["min_sent_gap_s"] for s in sites if s.get("min_sent_gap_s") is not None]
    if sent:
        print(f"| … the same, as the crawl sent them (its own clock) | min {min(sent):.3f} s, median "
              f"{statistics.median(sent):.3f} s ({sum(g < r['delay_s'] for g in sent)} sites under) |")
    print(f"| memory of the crawl (all processes) | peak {max(rss)} MB; mean {statistics.mean(m[1] for m in busy[:third]):.0f} "
              f"/ {statistics.mean(m[1] for m in busy[third:2 * third] or busy[:1]):.0f} / "
              f"{statistics.mean(m[1] for m in busy[2 * third:] or busy[:1]):.0f} MB over the run's thirds |")
    print(f"| exit code | {r['exit_code']} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--articles", type=int, default=40, help="articles per site")
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--per-domain", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--scrapy-downloader", action="store_true",
                        help="Scrapy's own downloader instead of workercrawl's (the delay held between schedulings only).")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "manysites.json"))
    args = parser.parse_args(argv)
    recorder = Recorder()
    with tempfile.TemporaryDirectory(prefix="wc-many-") as tmp:
        result = run(args, Path(tmp), recorder)
    report(result)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")
    print(f"\nwritten: {args.json}")
    return 0 if result["exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
