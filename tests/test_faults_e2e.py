"""A crawl against a site that misbehaves on purpose: every URL ends as an article or a
reject with its reason, faults are retried where that helps, nothing is lost or stored empty.
And a crawl killed with SIGKILL leaves both SQLite files consistent; the next run finishes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import FAST, PROJECT
from faultserver import FAULTS, FaultServer, path
from test_crawl_e2e import WORKERCN, crawl_workercn, rows


@pytest.fixture
def faulty():
    server = FaultServer(timeout_delay=3.0)
    yield server
    server.stop()


EXPECTED = {  # fault → (reason, status) of its reject; None: stored as an article
    "good": None,
    "500": ("http-error", 500),
    "503": ("http-error", 503),
    "timeout": ("timeout", None),
    "404": ("http-error", 404),
    "redirect-loop": ("redirect-loop", None),
    "reset": ("connection-error", None),
    "truncated": ("connection-error", None),
    "wrong-charset": None,       # the header lies: decoding falls back to the bytes' real charset
    "missing-charset": None,     # GBK without any charset: detected
    "huge": ("too-large", 200),
    "binary": ("binary", 200),
    "robots": ("robots-disallowed", None),
}


def test_every_fault_is_retried_or_recorded(faulty, crawl):
    result = crawl("workercn", {"RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "1"}, start_url=f"{faulty.url}/list/")
    articles = {r["url"].removeprefix(faulty.url): r for r in rows(result.db, "SELECT * FROM articles")}
    rejects = {r["url"].removeprefix(faulty.url): (r["reason"], r["status"]) for r in rows(result.db, "SELECT * FROM rejects")}
    seen = {}
    for n, fault in FAULTS.items():
        if path(n) in articles:
            seen[fault] = None
        else:
            seen[fault] = rejects.get(path(n), "LOST")
    assert seen == EXPECTED
    assert set(articles) | set(rejects) == {path(n) for n in FAULTS}  # nothing lost, nothing extra
    for fault in ("wrong-charset", "missing-charset"):
        article = articles[path([n for n, f in FAULTS.items() if f == fault][0])]
        assert article["title"] == "职工书屋建设五年间" and "职工书屋建设" in article["body"]
    assert all(row["body"] and row["title"] for row in articles.values())  # never an empty article

    # 5xx and timeouts were retried (RETRY_TIMES=1: two attempts), then recorded.
    assert faulty.hits(path(1)) == 2 and faulty.hits(path(2)) == 2
    assert faulty.hits(path(12)) == 0  # robots.txt disallow: never requested
    (run,) = rows(result.db, "SELECT * FROM runs")
    stats = json.loads(run["stats"])
    assert run["finish_reason"] == "finished" and run["retries"] >= 4
    assert stats["workercrawl/failed/http-error"] == 3 and stats["workercrawl/failed/timeout"] == 1
    assert run["articles"] + run["rejects"] == len(FAULTS)


def test_sigkill_mid_crawl_leaves_consistent_files_and_the_next_run_finishes(replica, crawl, tmp_path):
    site, _ = replica("workercn")
    site.delay, site.slow_paths = 0.4, __import__("re").compile(r"\d{6,}\.shtml$|news-\d\.html$")
    db, raw = tmp_path / "workercrawl.db", tmp_path / "raw.db"
    settings = {**FAST, "WORKERCRAWL_DB": str(db), "WORKERCRAWL_RAW_DB": str(raw), "WORKERCRAWL_BATCH_SIZE": "2",
                "CONCURRENT_REQUESTS": "1", "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "workercn",
           "-a", f"start_url={site.url}/acftu,{site.url}/27/27.shtml"]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "workercrawl.settings", "PYTHONPATH": str(PROJECT)}
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until some batches are committed, then kill
            if db.exists() and _count(db, "articles") >= 3:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    stored = _count(db, "articles")
    assert 3 <= stored < len(WORKERCN)

    for path_ in (db, raw):
        with sqlite3.connect(path_) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # No partial batch: every stored article has its search row and its raw page.
    assert _count(db, "article_search") == stored
    urls = {r["url"] for r in rows(db, "SELECT url FROM articles")}
    raw_urls = {r["article_url"] for r in rows(raw, "SELECT article_url FROM pages")}
    assert urls <= raw_urls
    (killed,) = rows(db, "SELECT * FROM runs")
    assert killed["finished_at"] is None

    site.delay = 0
    site.log.clear()
    result = crawl_workercn(crawl, site)  # incremental: fetches only what the killed run did not store
    assert len(rows(result.db, "SELECT url FROM articles")) == len(WORKERCN)
    runs = rows(result.db, "SELECT * FROM runs ORDER BY id")
    assert runs[-1]["finish_reason"] == "finished" and runs[-1]["articles"] == len(WORKERCN) - stored
    assert not {u.removeprefix(site.url) for u in urls} & set(site.paths())  # stored ones not fetched again


def _count(db, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
