"""Crawl throughput: a real `scrapy crawl` against a generated replica site served by a real
HTTP server in another process, into SQLite, politeness delays off.

    python bench/crawl.py [--articles 5000] [--workers 0,2]

The server is bench/serve.py (http.server's handler with a real listen backlog and keep-alive).
Prints pages/s, CPU seconds per page and peak RSS of the crawl process, next to extraction
alone on the same pages (one process, and a pool on both cores): the crawl should reach at
least 80% of what extraction alone reaches with both cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def crawl(site_url: str, db: Path, raw: Path, workers: int, extra: list[str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [
        sys.executable, "-m", "scrapy", "crawl", "workercn", "-a", f"start_url={site_url}/acftu", "-a", "max_pages=0",
        "-s", f"WORKERCRAWL_DB={db}", "-s", f"WORKERCRAWL_RAW_DB={raw}", "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CLOSESPIDER_PAGECOUNT=0", "-s", "LOG_LEVEL=WARNING",
        "-s", f"WORKERCRAWL_EXTRACT_WORKERS={workers}",
        # A local server: enough requests in flight that latency never idles the pipeline.
        "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", *extra,
    ]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with sqlite3.connect(db) as conn:
        run = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    stats = json.loads(run[0]) if run and run[0] else {}
    pages = stats.get("response_received_count") or stats.get("downloader/response_count") or 0
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "workers": workers, "wall_s": wall, "pages": pages, "articles": articles,
        "pages_per_s": pages / wall if wall else 0.0, "cpu_s_per_page": cpu / pages if pages else 0.0,
        "peak_rss_mb": after.ru_maxrss / 1024, "skipped_known": stats.get("workercrawl/skipped_known", 0),
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
            runs = []
            for workers in (int(w) for w in args.workers.split(",")):
                db, raw = tmp / f"crawl-{workers}.db", tmp / f"raw-{workers}.db"
                runs.append({"run": f"crawl, {workers or 'inline'} extraction", **crawl(f"http://127.0.0.1:{port}", db, raw, workers, [])})
            # the scheduled case: the same crawl again over an unchanged site, into the same files
            first = int(args.workers.split(",")[0])
            runs.append({"run": "re-crawl (incremental), same database",
                         **crawl(f"http://127.0.0.1:{port}", tmp / f"crawl-{first}.db", tmp / f"raw-{first}.db", first, [])})
        finally:
            server.terminate()
            server.wait()
    print(f"\n## Crawl throughput ({args.articles} articles + list pages, 127.0.0.1, delays off, {os.cpu_count()} cores)\n")
    print(f"extraction alone: {alone_1:.0f} pages/s on 1 core, {alone_2:.0f} pages/s with 2 processes\n")
    print("| run | pages fetched | known skipped | articles stored | wall s | pages/s | vs extraction alone (2 cores) | CPU s/page | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        print(f"| {r['run']} | {r['pages']} | {r['skipped_known']} | {r['articles']} | {r['wall_s']:.1f} | {r['pages_per_s']:.0f} | "
              f"{r['pages_per_s'] / alone_2:.0%} | {r['cpu_s_per_page'] * 1000:.1f} ms | {r['peak_rss_mb']:.0f} |")
    result = {"articles": args.articles, "extraction_alone_pps": {"1": alone_1, "2": alone_2}, "runs": runs}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2), "utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
