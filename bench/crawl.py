"""Crawl throughput: a real `scrapy crawl` against a generated replica site served by a real
HTTP server in another process, into SQLite, politeness delays off.

    python bench/crawl.py [--articles 5000] [--workers 0,2]

The server is bench/serve.py (http.server's handler with a real listen backlog and keep-alive).
Prints pages/s, CPU per page (the crawl process with its workers; the server apart) and peak
RSS of the largest process of each run, next to extraction
alone on the same pages (one process, and a pool on both cores): the crawl should reach at
least 80% of what extraction alone reaches with both cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sitegen import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _extract_file(path: str) -> str:
    from workercrawl.extract import extract_article

    name = Path(path).relative_to(_SITE[0]).as_posix()
    return extract_article(Path(path).read_bytes(), f"http://127.0.0.1/{name}").status


_SITE: list[Path] = []


def _init(site: str) -> None:
    _SITE[:] = [Path(site)]


def extraction_alone(site: Path, paths: list[Path], workers: int) -> float:
    """Pages per second for extraction only (files already in memory cache)."""
    if workers <= 1:
        _init(str(site))
        _extract_file(str(paths[0]))  # imports and caches outside the timing
        start = time.perf_counter()
        statuses = [_extract_file(str(p)) for p in paths]
        elapsed = time.perf_counter() - start
    else:
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(str(site),)) as pool:
            list(pool.map(_extract_file, [str(paths[0])] * workers))  # warm every worker
            start = time.perf_counter()
            statuses = list(pool.map(_extract_file, map(str, paths), chunksize=32))
            elapsed = time.perf_counter() - start
    assert statuses.count("article") == len(paths), "generated pages must all be articles"
    return len(paths) / elapsed


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU of another process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def crawl(site_url: str, db: Path, raw: Path, workers: int, extra: list[str], server: int | None = None,
          pipelines: bool = True) -> dict:
    """One `scrapy crawl` process. pipelines=False: fetch and navigate only (ITEM_PIPELINES={}:
    no extraction, no store), the ceiling Scrapy itself sets on this machine."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", "workercn", "-a", f"start_url={site_url}/acftu", "-a", "max_list_pages=0",
        "-s", f"WORKERCRAWL_DB={db}", "-s", f"WORKERCRAWL_RAW_DB={raw}", "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CLOSESPIDER_PAGECOUNT=0", "-s", f"LOG_LEVEL={'WARNING' if pipelines else 'INFO'}",
        "-s", f"WORKERCRAWL_EXTRACT_WORKERS={workers}",
        # A local server: enough requests in flight that latency never idles the pipeline.
        "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", *extra,
        *([] if pipelines else ["-s", "ITEM_PIPELINES={}"]),
    ]
    server_before = _cpu_seconds(server) if server else None
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stderr=None if pipelines else subprocess.PIPE, text=True)
    log = proc.stderr.read() if proc.stderr else ""
    # wait4: this run's own CPU and peak RSS (the largest of the crawl process and its workers)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, command)
    server_after = _cpu_seconds(server) if server else None
    if pipelines:
        with sqlite3.connect(db) as conn:
            run = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        stats = json.loads(run[0]) if run and run[0] else {}
    else:  # nothing stored: Scrapy's closing stats dump (LOG_LEVEL=INFO) says how many pages
        found = re.search(r"'response_received_count': (\d+)", log)
        stats, articles = {"response_received_count": int(found.group(1)) if found else 0}, 0
    pages = stats.get("response_received_count") or stats.get("downloader/response_count") or 0
    cpu = usage.ru_utime + usage.ru_stime
    server_cpu = server_after - server_before if server_before is not None and server_after is not None else None
    return {
        "workers": workers, "wall_s": wall, "pages": pages, "articles": articles,
        "pages_per_s": pages / wall if wall else 0.0, "cpu_s_per_page": cpu / pages if pages else 0.0,
        "server_cpu_s_per_page": server_cpu / pages if pages and server_cpu is not None else None,
        "peak_rss_mb": usage.ru_maxrss / 1024, "skipped_known": stats.get("workercrawl/skipped_known", 0),
    }


def naive(site_url: str, folder: Path, server: int | None = None, pipelines: bool = True) -> dict:
    """The naive peer (bench/naive_spider.py: CrawlSpider + trafilatura.bare_extraction +
    sqlite-utils insert_all), or with pipelines=False that spider alone (links followed, pages
    discarded). Run from a folder without scrapy.cfg: Scrapy's defaults, plus this table's
    settings (32 requests in flight, delays off, robots.txt obeyed)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "naive.db"
    command = [
        sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).parent / "naive_spider.py"),
        "-a", f"start_url={site_url}/acftu", "-a", f"db={db}", "-s", "ROBOTSTXT_OBEY=1", "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "LOG_LEVEL=INFO",
        "-s", "TELNETCONSOLE_ENABLED=0", *([] if pipelines else ["-s", "ITEM_PIPELINES={}"]),
    ]
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(Path(__file__).parent) + os.pathsep + env.get("PYTHONPATH", "")
    server_before = _cpu_seconds(server) if server else None
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=folder, stderr=subprocess.PIPE, text=True, env=env)
    log = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"naive spider failed:\n{log[-3000:]}")
    server_after = _cpu_seconds(server) if server else None
    found = re.search(r"'response_received_count': (\d+)", log)
    pages = int(found.group(1)) if found else 0
    articles = 0
    if pipelines:
        with sqlite3.connect(db) as conn:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    cpu = usage.ru_utime + usage.ru_stime
    server_cpu = server_after - server_before if server_before is not None and server_after is not None else None
    return {
        "workers": 0, "wall_s": wall, "pages": pages, "articles": articles,
        "pages_per_s": pages / wall if wall else 0.0, "cpu_s_per_page": cpu / pages if pages else 0.0,
        "server_cpu_s_per_page": server_cpu / pages if pages and server_cpu is not None else None,
        "peak_rss_mb": usage.ru_maxrss / 1024, "skipped_known": 0,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--workers", default="0,2", help="WORKERCRAWL_EXTRACT_WORKERS values to run")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "crawl.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wc-bench-") as tmp:
        tmp = Path(tmp)
        site = tmp / "site"
        paths = generate(site, args.articles)
        alone_1 = extraction_alone(site, paths, 1)
        alone_2 = extraction_alone(site, paths, 2)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, str(Path(__file__).parent / "serve.py"), str(port), str(site)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.5)
            site_url, pid = f"http://127.0.0.1:{port}", server.pid
            runs = [{"run": "Scrapy alone: fetch + navigate, no pipelines (ceiling)",
                     **crawl(site_url, tmp / "none.db", tmp / "none-raw.db", 0, [], pid, pipelines=False)},
                    {"run": "naive CrawlSpider alone: follow links, discard pages",
                     **naive(site_url, tmp / "naive-alone", pid, pipelines=False)},
                    {"run": "naive peer: CrawlSpider + trafilatura.bare_extraction + sqlite-utils insert_all",
                     **naive(site_url, tmp / "naive", pid)}]
            for workers in (int(w) for w in args.workers.split(",")):
                db, raw = tmp / f"crawl-{workers}.db", tmp / f"raw-{workers}.db"
                runs.append({"run": f"crawl, {workers or 'inline'} extraction", **crawl(site_url, db, raw, workers, [], pid)})
            # the scheduled case: the same crawl again over an unchanged site, into the same files
            first = int(args.workers.split(",")[0])
            runs.append({"run": "re-crawl (incremental), same database",
                         **crawl(site_url, tmp / f"crawl-{first}.db", tmp / f"raw-{first}.db", first, [], pid)})
        finally:
            server.terminate()
            server.wait()
    print(f"\n## Crawl throughput ({args.articles} articles + list pages, 127.0.0.1, delays off, {os.cpu_count()} cores)\n")
    print(f"extraction alone: {alone_1:.0f} pages/s on 1 core, {alone_2:.0f} pages/s with 2 processes\n")
    print("| run | pages fetched | known skipped | articles stored | wall s | pages/s | vs extraction alone (2 cores) "
          "| crawl CPU ms/page | server CPU ms/page | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        served = r["server_cpu_s_per_page"]
        print(f"| {r['run']} | {r['pages']} | {r['skipped_known']} | {r['articles']} | {r['wall_s']:.1f} | {r['pages_per_s']:.0f} | "
              f"{r['pages_per_s'] / alone_2:.0%} | {r['cpu_s_per_page'] * 1000:.1f} | "
              f"{'—' if served is None else f'{served * 1000:.2f}'} | {r['peak_rss_mb']:.0f} |")
    by = {r["run"]: r for r in runs}
    peer = next(r for r in runs if r["run"].startswith("naive peer"))
    inline = next((r for r in runs if r["run"] == "crawl, inline extraction"), None)
    alone = runs[0]
    if inline:
        print(f"\ninline crawl vs the naive peer: {inline['pages_per_s'] / peer['pages_per_s']:.2f}x pages/s "
              f"(target >= 2.5x); crawl CPU per page {inline['cpu_s_per_page'] / alone['cpu_s_per_page']:.2f}x "
              f"Scrapy alone's (target <= 1.5x), the peer's {peer['cpu_s_per_page'] / alone['cpu_s_per_page']:.2f}x")
    result = {"articles": args.articles, "extraction_alone_pps": {"1": alone_1, "2": alone_2}, "runs": runs,
              "runs_by_name": list(by)}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2), "utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
