"""Processes that end together: killed parents leave no orphaned extraction workers, and a
killed or stopped `workercrawl crawl` never leaves its crawl running without the lock."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FAST, PROJECT, SITES, ReplicaServer

ENV = {**os.environ, "SCRAPY_SETTINGS_MODULE": "workercrawl.settings", "PYTHONPATH": str(PROJECT)}


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, seconds: float, step: float = 0.1):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@pytest.fixture
def slow_site():
    server = ReplicaServer(SITES / "workercn").start()
    server.delay, server.slow_paths = 1.5, re.compile(r"\d{6,}\.shtml$")
    yield server
    server.stop()


def settings_args(settings: dict) -> list[str]:
    out = []
    for key, value in {**FAST, "LOG_LEVEL": "WARNING", **settings}.items():
        out += ["-s", f"{key}={value}"]
    return out


def kill_and_expect_no_orphans(parent: subprocess.Popen) -> None:
    """Once `parent` runs two pool workers (and is busy), SIGKILL it: the workers must go too."""
    try:
        workers = wait_for(lambda: len(children(parent.pid)) >= 2 and children(parent.pid), 60)
        assert workers and len(workers) >= 2, "no extraction workers were started"
        time.sleep(1.0)  # busy with pages
        assert parent.poll() is None, "finished before it could be killed: give it more work"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), "orphaned workers"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_extraction_workers_exit_when_the_crawl_is_killed(tmp_path, slow_site):
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "workercn", "-a", f"start_url={slow_site.url}/acftu",
         *settings_args({"WORKERCRAWL_DB": tmp_path / "w.db", "WORKERCRAWL_EXTRACT_WORKERS": 2,
                         "CONCURRENT_REQUESTS_PER_DOMAIN": 1})],  # one slow article at a time: still busy
        cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_and_expect_no_orphans(crawl)


def test_reextract_workers_exit_when_reextract_is_killed(tmp_path):
    db = tmp_path / "w.db"
    for path in sorted((SITES / "workercn" / "c").rglob("*.shtml")):
        subprocess.run([sys.executable, "-m", "workercrawl.cli", "extract", str(path), "--url",
                        f"http://127.0.0.1:1/{path.relative_to(SITES / 'workercn')}", "--db", str(db)],
                       env=ENV, cwd=tmp_path, capture_output=True, check=True)
    conn = sqlite3.connect(tmp_path / "w.raw.db")  # many copies of the pages: a long re-extraction
    conn.execute("CREATE TEMP TABLE one AS SELECT * FROM pages")
    for n in range(400):
        conn.execute("INSERT INTO pages SELECT url || '?' || ?, article_url || '?' || ?, part, fetched_url, status, "
                     "headers, encoding, sha256, size, compression, body, fetched_at, spider, run_id, nav FROM one",
                     [n, n])
    conn.commit()
    conn.close()
    raw = sqlite3.connect(tmp_path / "w.raw.db")
    urls = [r[0] for r in raw.execute("SELECT DISTINCT article_url FROM pages")]
    raw.close()
    conn = sqlite3.connect(db)  # all of them crawled into this database (as rejects): none is foreign
    conn.executemany("INSERT INTO rejects (url, reason, kind) VALUES (?, 'not-article', 'article')", [(u,) for u in urls])
    conn.commit()
    conn.close()
    proc = subprocess.Popen([sys.executable, "-m", "workercrawl.cli", "reextract", "--db", str(db), "--workers", "2"],
                            cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_and_expect_no_orphans(proc)


def crawl_command(tmp_path, site, *extra):
    """One slow article at a time (1.5 s each): the crawl is still running when it is signalled."""
    return [sys.executable, "-m", "workercrawl.cli", "crawl", "workercn", "-a", f"start_url={site.url}/acftu",
            "--db", str(tmp_path / "w.db"), *settings_args({"CONCURRENT_REQUESTS_PER_DOMAIN": 1}), *extra]


def test_a_killed_workercrawl_crawl_leaves_its_crawl_holding_the_lock(tmp_path, slow_site):
    parent = subprocess.Popen(crawl_command(tmp_path, slow_site), cwd=tmp_path, env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        scrapy = wait_for(lambda: children(parent.pid), 30)
        assert scrapy, "no crawl started"
        assert wait_for(lambda: any("/c/" in hit.path for hit in slow_site.log), 30)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert alive(scrapy[0])  # the crawl goes on…
        second = subprocess.run(crawl_command(tmp_path, slow_site), cwd=tmp_path, env=ENV, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 1 and "another workercrawl crawl is running" in second.stderr  # …with the lock
        assert wait_for(lambda: not alive(scrapy[0]), 90)
        fetched = [hit.path for hit in slow_site.log if "/c/" in hit.path or re.search(r"\d{6,}\.shtml$", hit.path)]
        assert len(fetched) == len(set(fetched))  # every article fetched once: no second crawl beside it
    finally:
        for pid in children(parent.pid):
            os.kill(pid, signal.SIGKILL)


def test_sigterm_stops_the_crawl_gracefully_with_its_verdict(tmp_path, slow_site):
    parent = subprocess.Popen(crawl_command(tmp_path, slow_site), cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    scrapy = wait_for(lambda: children(parent.pid), 30)
    assert scrapy and wait_for(lambda: any("/c/" in hit.path for hit in slow_site.log), 30)
    parent.send_signal(signal.SIGTERM)
    out, err = parent.communicate(timeout=60)
    assert parent.returncode == 1
    assert "workercn: run 1 FAILED" in out and "closed: shutdown" in out, out + err[-2000:]
    assert "stopped by SIGTERM" in err
    assert not alive(scrapy[0])
    conn = sqlite3.connect(tmp_path / "w.db")
    assert conn.execute("SELECT finish_reason FROM runs").fetchall() == [("shutdown",)]
