"""Runs that tell the truth, and a database pair that is never shared: real `scrapy crawl` and
`workercrawl` processes against replica sites on 127.0.0.1, real SQLite files.

Each test is a failure a user met: a dead host reported OK, a full disk reported "OK (3000
articles)", a lock that lost articles, bad arguments that exited 0, two databases sharing one
raw file, a foreign file switched to WAL before it was refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import FAST, PROJECT, SITES, ReplicaServer

sys.path.insert(0, str(PROJECT / "bench"))
import sitegen  # noqa: E402  (the benchmark's site generator: real template markup at any size)

ENV = {**os.environ, "SCRAPY_SETTINGS_MODULE": "workercrawl.settings", "PYTHONPATH": str(PROJECT)}


def scrapy(cwd: Path, spider: str, *, args: dict, settings: dict, preexec=None, timeout=180):
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in {**FAST, "LOG_LEVEL": "WARNING", **settings}.items():
        cmd += ["-s", f"{key}={value}"]
    return subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec)


def workercrawl(cwd: Path, *args, timeout=180):
    return subprocess.run([sys.executable, "-m", "workercrawl.cli", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=timeout)


def verdict_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("workercrawl: ")]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def count(db: Path, sql: str = "SELECT count(*) FROM articles") -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dead_url() -> str:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def served():
    servers = []

    def start(root: Path) -> ReplicaServer:
        server = ReplicaServer(root).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# -- runs that fail say so ------------------------------------------------------------------

def test_a_dead_host_is_failed_by_scrapy_crawl_and_by_workercrawl_crawl(tmp_path):
    """Every fetch failed: FAILED, whatever the count (1–2 start pages never reach the error minimum)."""
    url = dead_url()
    proc = scrapy(tmp_path, "sites", args={"site": "nfgb", "start_url": f"{url}/yw/"},
                  settings={"WORKERCRAWL_DB": tmp_path / "w.db"})
    assert proc.returncode == 1
    line = verdict_line(proc.stderr)
    assert "nfgb: run 1 FAILED" in line and "every fetch failed (connection-error" in line, line
    assert "Traceback" not in proc.stderr  # an unreachable site is a line per failure, not a traceback

    proc = workercrawl(tmp_path, "crawl", "nfgb", "bjzgh", "-a", f"start_url={url}/x/", "--db", tmp_path / "w.db",
                       "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_DELAY=0")
    assert proc.returncode == 1, proc.stderr[-2000:]
    out = proc.stdout.splitlines()
    assert len(out) == 2 and all(" FAILED " in line and "every fetch failed" in line for line in out), out
    assert [line.split(":")[0] for line in out] == ["nfgb", "bjzgh"]


def test_bad_arguments_exit_1_with_the_reason_on_the_verdict_line(tmp_path):
    proc = scrapy(tmp_path, "sites", args={"site": "nosuchsite"}, settings={"WORKERCRAWL_DB": tmp_path / "w.db"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "FAILED" in verdict_line(proc.stderr) and "no site 'nosuchsite'" in verdict_line(proc.stderr)
    proc = workercrawl(tmp_path, "crawl", "nfgb", "-a", "since=2024-13-01", "--db", tmp_path / "w.db")
    assert proc.returncode == 1
    assert "FAILED" in proc.stdout and "closed: bad-arguments (-a since must be a date" in proc.stdout, proc.stdout


def test_an_unusable_database_is_a_failed_run(tmp_path, served):
    """store-error at open (here: another program's SQLite file) exits 1 with the reason."""
    site = served(SITES / "nfgb")
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.commit()
    conn.close()
    before = digest(foreign)
    proc = scrapy(tmp_path, "sites", args={"site": "nfgb", "start_url": f"{site.url}/yw/"},
                  settings={"WORKERCRAWL_DB": foreign})
    assert proc.returncode == 1
    line = verdict_line(proc.stderr)
    assert "FAILED" in line and "closed: store-error" in line or "store error" in line, line
    assert digest(foreign) == before and not site.log  # refused before anything was fetched or written


def test_a_full_disk_mid_crawl_is_failed_with_true_counts_and_stops_at_once(tmp_path, served):
    """A file-size limit (RLIMIT_FSIZE) stands in for a full disk: the crawl stops at the first
    batch the database refuses, says how many articles it really stored, and exits 1."""
    root = tmp_path / "site"
    sitegen.generate(root, 300)
    site = served(root)
    db = tmp_path / "w.db"

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))

    started = time.monotonic()
    proc = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"},
                  settings={"WORKERCRAWL_DB": db, "WORKERCRAWL_BATCH_SIZE": 20}, preexec=small_disk)
    took = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr[-3000:]
    line = verdict_line(proc.stderr)
    assert "FAILED" in line and "store error" in line, line
    stored = int(re.search(r"\((\d+) articles stored", line).group(1))
    assert 0 < stored < 300 and stored == count(db), (line, count(db))
    # Stopped at the first refused batch: far fewer pages fetched than the site has.
    fetched = [hit for hit in site.log if "/c/" in hit.path]
    assert len(fetched) < 300, len(fetched)
    assert took < 90, took


def test_a_writer_holding_the_lock_is_waited_for_not_lost(tmp_path, served):
    """Another connection holds the write lock for 3 s during the crawl: IMMEDIATE transactions
    wait it out (WORKERCRAWL_DB_TIMEOUT), every article is stored, the run is not failed."""
    root = tmp_path / "site"
    sitegen.generate(root, 60)
    site = served(root)
    db = tmp_path / "w.db"
    scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu/index_3.shtml"},
           settings={"WORKERCRAWL_DB": db})  # creates the files (20 articles)
    holder_ready = threading.Event()

    def hold_lock():
        conn = sqlite3.connect(db, timeout=30)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO meta (key, value) VALUES ('holder', 'x')")
        holder_ready.set()
        time.sleep(3)
        conn.rollback()
        conn.close()

    site.delay, site.slow_paths = 0.05, re.compile(r"/c/")
    thread = threading.Thread(target=hold_lock)
    proc = None

    def crawl():
        nonlocal proc
        proc = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"},
                      settings={"WORKERCRAWL_DB": db, "WORKERCRAWL_BATCH_SIZE": 5, "WORKERCRAWL_DB_TIMEOUT": 20})

    crawler = threading.Thread(target=crawl)
    crawler.start()
    time.sleep(1.0)
    thread.start()
    holder_ready.wait(10)
    thread.join()
    crawler.join()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert " OK " in verdict_line(proc.stderr) or "DEGRADED" in verdict_line(proc.stderr)
    assert count(db) == 60


def test_a_lock_held_past_the_timeout_fails_the_run_and_says_so(tmp_path, served):
    root = tmp_path / "site"
    sitegen.generate(root, 20)
    site = served(root)
    db = tmp_path / "w.db"
    # Hold the lock for the whole crawl, the run's writes wait 0.5 s then give up: FAILED.
    first = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"}, settings={"WORKERCRAWL_DB": db})
    assert first.returncode == 0
    holder = sqlite3.connect(db, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        proc = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu", "refresh": "1"},
                      settings={"WORKERCRAWL_DB": db, "WORKERCRAWL_DB_TIMEOUT": 0.5})
    finally:
        holder.rollback()
        holder.close()
    assert proc.returncode == 1
    assert "FAILED" in verdict_line(proc.stderr) and "locked" in verdict_line(proc.stderr)


# -- one database pair -------------------------------------------------------------------------

def test_two_databases_in_one_folder_keep_their_own_raw_pages(tmp_path, served):
    """Only -s WORKERCRAWL_DB given: each database gets its own raw file; re-extracting one
    imports nothing of the other, and a second re-extraction changes 0 rows."""
    a_site, b_site = served(SITES / "nfgb"), served(SITES / "bjzgh")
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert scrapy(tmp_path, "sites", args={"site": "nfgb", "start_url": f"{a_site.url}/yw/"},
                  settings={"WORKERCRAWL_DB": a}).returncode == 0
    assert scrapy(tmp_path, "sites", args={"site": "bjzgh", "start_url": f"{b_site.url}/ghzz/bjgt/xwdt/"},
                  settings={"WORKERCRAWL_DB": b}).returncode == 0
    assert (tmp_path / "a.raw.db").exists() and (tmp_path / "b.raw.db").exists()
    assert not (tmp_path / "data").exists()
    before = count(a)
    assert before > 0 and count(b) > 0
    report = json.loads(workercrawl(tmp_path, "reextract", "--db", a, "--json", "--workers", "1").stdout)
    assert count(a) == before and report["new"] == 0 and report["changes"] == 0, report
    again = json.loads(workercrawl(tmp_path, "reextract", "--db", a, "--json", "--workers", "1").stdout)
    assert again["changes"] == 0
    # Another database's raw file is refused, before anything is written.
    proc = workercrawl(tmp_path, "reextract", "--db", a, "--raw", tmp_path / "b.raw.db")
    assert proc.returncode == 1 and "raw pages of another articles database" in proc.stderr
    crawl = scrapy(tmp_path, "sites", args={"site": "nfgb", "start_url": f"{a_site.url}/yw/"},
                   settings={"WORKERCRAWL_DB": a, "WORKERCRAWL_RAW_DB": tmp_path / "b.raw.db"})
    assert crawl.returncode == 1 and "another articles database" in verdict_line(crawl.stderr)


def test_a_raw_file_shared_by_an_earlier_version_imports_nothing_foreign(tmp_path, served):
    """Files from before the pair existed: one unowned raw file holding two databases' pages
    (the old default data/raw.db). Re-extracting one database skips the other's pages."""
    a_site, b_site = served(SITES / "nfgb"), served(SITES / "bjzgh")
    a, b, shared = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "raw.db"
    assert scrapy(tmp_path, "sites", args={"site": "nfgb", "start_url": f"{a_site.url}/yw/"},
                  settings={"WORKERCRAWL_DB": a, "WORKERCRAWL_RAW_DB": shared}).returncode == 0
    assert scrapy(tmp_path, "sites", args={"site": "bjzgh", "start_url": f"{b_site.url}/ghzz/bjgt/xwdt/"},
                  settings={"WORKERCRAWL_DB": b}).returncode == 0
    conn = sqlite3.connect(shared)  # as an older version left it: both databases' pages, no owner
    conn.execute("ATTACH ? AS b", [str(tmp_path / "b.raw.db")])
    theirs = conn.execute("INSERT INTO pages SELECT * FROM b.pages WHERE part = 1").rowcount
    conn.execute("DELETE FROM meta")
    conn.commit()
    conn.close()
    before = count(a)
    proc = workercrawl(tmp_path, "reextract", "--db", a, "--raw", shared, "--json", "--workers", "1")
    report = json.loads(proc.stdout)
    assert count(a) == before and report["new"] == 0 and report["foreign"] == theirs > 0, report


def test_the_same_file_as_both_halves_is_refused_before_anything_is_written(tmp_path):
    db = tmp_path / "w.db"
    assert workercrawl(tmp_path, "stats", "--db", db).returncode == 1  # missing: nothing created
    proc = workercrawl(tmp_path, "extract", SITES / "nfgb" / "yw" / "content" / "post_1360001.html",
                       "--db", db, "--raw", db)
    assert proc.returncode == 1 and "the same file cannot be both" in proc.stderr, proc.stderr
    assert "newer workercrawl" not in proc.stderr and not db.exists()
    proc = workercrawl(tmp_path, "crawl", "nfgb", "--db", db, "--raw", db)
    assert proc.returncode == 1 and "the same file cannot be both" in proc.stderr, proc.stderr


@pytest.mark.parametrize("command", [["stats"], ["search", "工会"], ["export", "--format", "jsonl"],
                                     ["reextract", "--dry-run"], ["extract", "PAGE"]])
def test_another_programs_database_is_refused_untouched(tmp_path, command):
    """Any command, even stats, used to switch a foreign SQLite file to WAL before refusing it."""
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE pages (url TEXT)")  # even a table name we use
    conn.commit()
    conn.close()
    before = digest(foreign)
    page = SITES / "nfgb" / "yw" / "content" / "post_1360001.html"
    argv = [page if part == "PAGE" else part for part in command]
    proc = workercrawl(tmp_path, *argv, "--db", foreign)
    assert proc.returncode == 1 and proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr
    assert "not a workercrawl articles database" in proc.stderr
    assert digest(foreign) == before and not Path(str(foreign) + "-wal").exists()
    assert sqlite3.connect(foreign).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_dry_run_creates_nothing_in_a_foreign_raw_file(tmp_path, served):
    site = served(SITES / "nfgb")
    db = tmp_path / "w.db"
    scrapy(tmp_path, "sites", args={"site": "nfgb", "start_url": f"{site.url}/yw/"}, settings={"WORKERCRAWL_DB": db})
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()  # an empty file: would be claimed by a real run, never by a dry run
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    for target in (other, foreign):
        before = digest(target)
        proc = workercrawl(tmp_path, "reextract", "--dry-run", "--db", db, "--raw", target)
        assert digest(target) == before, target
        if target == foreign:
            assert proc.returncode == 1 and "not a workercrawl raw-page file" in proc.stderr
    assert sqlite3.connect(other).execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_workercrawl_crawl_has_raw(tmp_path, served):
    site = served(SITES / "nfgb")
    db, raw = tmp_path / "w.db", tmp_path / "pages" / "nfgb-raw.db"
    raw.parent.mkdir()
    proc = workercrawl(tmp_path, "crawl", "nfgb", "-a", f"start_url={site.url}/yw/", "--db", db, "--raw", raw,
                       "-s", "DOWNLOAD_DELAY=0")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert count(raw, "SELECT count(*) FROM pages") > 0 and not (tmp_path / "w.raw.db").exists()
    # The database remembers its raw file: given only --db, reextract finds it.
    report = json.loads(workercrawl(tmp_path, "reextract", "--db", db, "--json", "--workers", "1").stdout)
    assert report["extracted"] == count(raw, "SELECT count(*) FROM pages WHERE part = 1") > 0


def test_a_damaged_database_is_refused_before_the_first_write(tmp_path, served):
    """Three overwritten pages in the middle of the file: the crawl once wrote 300 articles into
    it before noticing. Now quick_check refuses it before the run's first write."""
    root = tmp_path / "site"
    sitegen.generate(root, 40)
    site = served(root)
    db = tmp_path / "w.db"
    assert scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"},
                  settings={"WORKERCRAWL_DB": db}).returncode == 0
    size = db.stat().st_size
    assert size > 40 * 4096
    with open(db, "r+b") as handle:
        for page in (size // 4096 // 2, size // 4096 // 2 + 3, size // 4096 // 2 + 6):
            handle.seek(page * 4096)
            handle.write(os.urandom(4096))
    before = digest(db)
    site.log.clear()
    proc = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu", "refresh": "1"},
                  settings={"WORKERCRAWL_DB": db})
    assert proc.returncode == 1
    line = verdict_line(proc.stderr)
    assert "FAILED" in line and "the database is damaged" in line, line
    assert digest(db) == before and not site.log
    proc = workercrawl(tmp_path, "extract", SITES / "nfgb" / "yw" / "content" / "post_1360001.html", "--db", db)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "the database is damaged" in proc.stderr
    assert digest(db) == before


def test_one_article_under_many_urls_is_one_row_with_aliases(tmp_path, served):
    """60 links ?sid=N to one article (no rel=canonical: the content hash tells) and 60 links
    ?utm=N to another (its rel=canonical names the plain URL) once stored 120 identical rows and
    flooded the search index. Now: one row each, the other URLs aliases, all accounted for, and
    the next run fetches none of them again."""
    site = served(SITES / "workercn")
    first, second = "/c/2024-05-20/7100001.shtml", "/c/2024-05-20/7100002.shtml"

    def rewrite(path, body):
        if path.rstrip("/").endswith("/acftu") or path.endswith("/acftu/index.html"):
            links = "".join(f'<li><a href="{first}?sid={n}">同一篇 {n}</a></li><li><a href="{second}?utm={n}">另一篇 {n}</a></li>'
                            for n in range(60))
            return body.replace(b"</body>", f"<ul>{links}</ul></body>".encode())
        if path == second:
            return body.replace(b"</head>", f'<link rel="canonical" href="{second}"></head>'.encode())
        return body

    site.rewrite = rewrite
    db = tmp_path / "w.db"
    proc = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"},
                  settings={"WORKERCRAWL_DB": db, "CLOSESPIDER_PAGECOUNT": 0})
    assert proc.returncode == 0, proc.stderr[-3000:]
    conn = sqlite3.connect(db)
    rows = lambda sql, *p: conn.execute(sql, p).fetchall()  # noqa: E731
    assert rows("SELECT count(*) FROM articles WHERE url LIKE '%7100001.shtml%'") == [(1,)]
    assert rows("SELECT url FROM articles WHERE url LIKE '%7100002.shtml%'") == [(f"{site.url}{second}",)]
    assert rows("SELECT count(*) FROM article_search WHERE url LIKE '%71000_1.shtml%' OR url LIKE '%7100002%'") == [(2,)]
    (kept,) = rows("SELECT url FROM articles WHERE url LIKE '%7100001.shtml%'")[0]
    assert rows("SELECT count(*), min(reason), max(reason) FROM article_aliases WHERE article_url = ?", kept) == [
        (60, "duplicate", "duplicate")]  # the plain link and 60 ?sid= links: one is the row, 60 aliases
    assert rows("SELECT count(*), min(reason) FROM article_aliases WHERE article_url = ?", f"{site.url}{second}") == [
        (60, "canonical")]
    line = verdict_line(proc.stderr)
    stored = int(re.search(r"\((\d+) articles stored", line).group(1))
    assert stored == rows("SELECT count(*) FROM articles")[0][0] + 120  # every listed URL accounted for
    site.log.clear()
    again = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"}, settings={"WORKERCRAWL_DB": db})
    assert again.returncode == 0
    assert not [hit.path for hit in site.log if "?sid=" in hit.path or "?utm=" in hit.path]
    report = json.loads(workercrawl(tmp_path, "reextract", "--db", db, "--json", "--workers", "1").stdout)
    assert report["changes"] == 0 and report["new"] == 0 and report["aliases"] == 120, report  # read once each


def test_redirected_article_urls_are_recorded_and_never_fetched_again(tmp_path, served):
    """A listed URL that redirects to an article fetched already (Scrapy's duplicate filter
    dropped it without a row) or to a list page: each is accounted for, and known next run."""
    site = served(SITES / "workercn")
    moved, to_list = "/c/2024-05-20/7100091.shtml", "/c/2024-05-20/7100092.shtml"
    site.redirects = {moved: "/c/2024-05-20/7100001.shtml", to_list: "/acftu/"}

    def rewrite(path, body):
        if path.rstrip("/").endswith("/acftu") or path.endswith("/acftu/index.html"):
            links = f'<li><a href="{moved}">搬家了</a></li><li><a href="{to_list}">指向列表</a></li>'
            return body.replace(b"</body>", f"<ul>{links}</ul></body>".encode())
        return body

    site.rewrite = rewrite
    db = tmp_path / "w.db"
    proc = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"}, settings={"WORKERCRAWL_DB": db})
    assert proc.returncode == 0, proc.stderr[-3000:]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT url, article_url, reason FROM article_aliases").fetchall() == [
        (f"{site.url}{moved}", f"{site.url}/c/2024-05-20/7100001.shtml", "redirect")]
    reason, detail = conn.execute("SELECT reason, detail FROM rejects WHERE url = ?", [f"{site.url}{to_list}"]).fetchone()
    assert reason == "not-article" and detail.startswith(f"redirects to {site.url}/acftu")
    conn.close()
    site.log.clear()
    assert scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu"},
                  settings={"WORKERCRAWL_DB": db}).returncode == 0
    assert not [hit for hit in site.log if hit.path in (moved, to_list)]


def test_reaching_max_list_pages_is_said(tmp_path, served):
    root = tmp_path / "site"
    sitegen.generate(root, 100)
    site = served(root)
    proc = scrapy(tmp_path, "workercn", args={"start_url": f"{site.url}/acftu", "max_list_pages": 2},
                  settings={"WORKERCRAWL_DB": tmp_path / "w.db", "LOG_LEVEL": "INFO"})
    assert proc.returncode == 0
    assert "max_list_pages=2 reached on" in proc.stderr
    stats = json.loads(sqlite3.connect(tmp_path / "w.db").execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["workercrawl/max_list_pages_reached"] == 1
