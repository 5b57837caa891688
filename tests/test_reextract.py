"""`workercrawl reextract`: the current extraction over stored raw pages, through the crawl's own
store path (real SQLite files in tmp_path; no timing)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.utils.test import get_crawler

from pipelines.extraction import ExtractionPipeline
from pipelines.storage import StoragePipeline
from pipelines.validation import ValidationPipeline
from workercrawl import reextract
from workercrawl.cli import cli
from workercrawl.demo import SITES
from workercrawl.extract import EXTRACTOR_VERSION
from workercrawl.items import Fetched, PageItem
from workercrawl.spiders.workercn import WorkercnSpider
from workercrawl.store import Store

SITE = SITES / "workercn"
BASE = "http://127.0.0.1:8000"
MULTI = "27/202105/10/210510160218904.shtml"
PAGES = ["c/2024-05-20/7100001.shtml", "c/2024-05-20/7100002.shtml", "c/2024-05-19/7100003.shtml",
         "c/2024-05-17/7100005.shtml", "27/202105/08/210508093001115.shtml", "27/202105/12/210512083015237.shtml",
         MULTI, "c/2024-05-19/7100004.shtml"]  # the last one is a video page: a reject
ARTICLES = len(PAGES) - 1


def crawl(tmp_path: Path, batch_size: int = 50) -> tuple[Path, Path]:
    """Store the replica's pages exactly as a crawl does: extraction → validation → storage."""
    db, raw = tmp_path / "w.db", tmp_path / "raw.db"
    crawler = get_crawler(WorkercnSpider, {"WORKERCRAWL_DB": str(db), "WORKERCRAWL_RAW_DB": str(raw),
                                           "WORKERCRAWL_BATCH_SIZE": batch_size})
    crawler.spider = WorkercnSpider.from_crawler(crawler, start_url=f"{BASE}/acftu")
    extraction, validation = ExtractionPipeline.from_crawler(crawler), ValidationPipeline.from_crawler(crawler)
    storage = StoragePipeline.from_crawler(crawler)
    storage.open_spider()
    for path in PAGES:
        item = PageItem(url=f"{BASE}/{path}", spider="workercn", status=200,
                        headers={"Content-Type": "text/html"}, body=(SITE / path).read_bytes(),
                        fetched_at="2024-06-01T00:00:00+00:00")
        if path == MULTI:
            second = path.replace(".shtml", "_2.shtml")
            item.more_pages.append(Fetched(f"{BASE}/{second}", 200, {}, (SITE / second).read_bytes(),
                                           "2024-06-01T00:00:01+00:00"))
        storage.process_item(validation.process_item(asyncio.run(extraction.process_item(item))))
    storage.close_spider()
    storage.spider_closed(crawler.spider, "finished")
    return db, raw


def snapshot(db: Path) -> dict:
    """Everything a re-extraction may write (runs aside)."""
    with sqlite3.connect(db) as conn:
        return {table: sorted(map(tuple, conn.execute(f"SELECT * FROM {table}")))
                for table in ("articles", "article_versions", "article_people", "article_search", "rejects")}


def age(db: Path, url_part: str, **columns) -> None:
    """Make a stored article look like an older extractor's output."""
    sets = ", ".join(f"{name} = ?" for name in columns)
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE articles SET {sets} WHERE url LIKE ?", [*columns.values(), f"%{url_part}%"])


def test_reextraction_right_after_a_crawl_changes_nothing(tmp_path):
    db, raw = crawl(tmp_path)
    before = snapshot(db)
    assert len(before["articles"]) == ARTICLES and len(before["rejects"]) == 1
    report = reextract.run(db, raw, workers=1)
    assert (report.pages, report.extracted, report.changes, report.unchanged) == (len(PAGES), len(PAGES), 0, len(PAGES))
    assert report.still_rejected == 1 and snapshot(db) == before  # the crawl and re-extraction agree exactly


def test_older_rows_are_updated_through_history_and_a_second_run_changes_nothing(tmp_path):
    db, raw = crawl(tmp_path)
    age(db, "7100001", editors="[]", published_at="2024-05-20", extractor_version="0")
    age(db, MULTI.split("/")[-1], body="只有第一页。", extractor_version="0")
    report = reextract.run(db, raw, workers=1)
    assert (report.updated, report.new, report.rejects, report.unchanged) == (2, 0, 0, len(PAGES) - 2)
    assert report.fields[("editors", "filled")] == 1 and report.fields[("published_at", "changed")] == 1
    assert report.fields[("body", "changed")] == 1 and report.fields[("extractor_version", "changed")] == 2
    store = Store(db, raw)
    try:
        row = store.article(f"{BASE}/c/2024-05-20/7100001.shtml")
        assert json.loads(row["editors"]) and row["published_at"].startswith("2024-05-20T")
        assert row["extractor_version"] == EXTRACTOR_VERSION and row["run_id"] == report.run_id
        (version,) = store.versions(row["url"])  # the same history a re-crawl leaves
        assert version["published_at"] == "2024-05-20" and json.loads(version["changed"]) == ["published_at", "editors"]
        multi = store.article(f"{BASE}/{MULTI}")  # re-assembled from both stored pages
        assert multi["pages"] == 2 and "炼铁厂职工代表老张" in multi["body"] and "提案落实率达到95%以上" in multi["body"]
        assert "全总领导" not in multi["body"]
        assert store.articles_by(json.loads(row["editors"])[0], "editor")  # people follow
        run = store.db["runs"].get(report.run_id)
        assert run["spider"] == "reextract" and run["finish_reason"] == "finished" and run["articles"] == 2
    finally:
        store.close()
    after = snapshot(db)
    again = reextract.run(db, raw, workers=1)
    assert again.changes == 0 and again.unchanged == len(PAGES) and not again.fields
    assert snapshot(db) == after


def test_dry_run_reports_field_by_field_and_writes_nothing(tmp_path):
    db, raw = crawl(tmp_path)
    age(db, "7100001", editors="[]")
    age(db, "7100002", published_at="2024-05-20", source=None)
    before = snapshot(db)
    report = reextract.run(db, raw, dry_run=True, workers=1)
    assert report.dry_run and report.updated == 2 and report.run_id is None
    assert report.fields[("editors", "filled")] == 1 and report.fields[("published_at", "changed")] == 1
    assert report.fields[("source", "filled")] == 1
    text = report.summary()
    assert "2 would change" in text and "editors filled on 1 rows" in text and "published_at changed on 1 rows" in text
    assert "7100001.shtml" in text and "sample of changes" in text
    assert snapshot(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs WHERE spider = 'reextract'").fetchone() == (0,)


def test_a_page_that_now_fails_is_a_reject_and_the_article_is_kept(tmp_path):
    db, raw = crawl(tmp_path)
    url = f"{BASE}/c/2024-05-20/7100001.shtml"
    with sqlite3.connect(raw) as conn:  # the stored page is now something extraction rejects
        video = (SITE / "c/2024-05-19/7100004.shtml").read_bytes()
        import zlib
        conn.execute("UPDATE pages SET body = ? WHERE url = ?", [zlib.compress(video), url])
    kept = snapshot(db)["articles"]
    report = reextract.run(db, raw, workers=1)
    assert (report.now_rejected, report.rejects, report.updated) == (1, 1, 0)
    after = snapshot(db)
    assert after["articles"] == kept  # the good row, untouched
    with sqlite3.connect(db) as conn:
        reason, spider, run_id = conn.execute("SELECT reason, spider, run_id FROM rejects WHERE url = ? ORDER BY id DESC",
                                              [url]).fetchone()
    assert (reason, spider, run_id) == ("not-article", "reextract", report.run_id)
    again = reextract.run(db, raw, workers=1)  # the same failure is not recorded twice
    assert again.changes == 0 and again.now_rejected == 1 and snapshot(db) == after


def test_older_than_version_and_site_select_rows(tmp_path):
    db, raw = crawl(tmp_path)
    age(db, "7100002", extractor_version="0", title="旧标题")
    age(db, "7100003", title="另一个旧标题")  # current version: not re-extracted with --older-than-version
    report = reextract.run(db, raw, workers=1, older_than_version=EXTRACTOR_VERSION)
    assert report.extracted == 1 and report.updated == 1 and report.skipped == len(PAGES) - 1
    assert reextract.run(db, raw, workers=1, older_than_version=EXTRACTOR_VERSION).extracted == 0
    assert reextract.is_older("9", "10") and reextract.is_older(None, "1") and not reextract.is_older("1.10", "1.9")
    assert reextract.run(db, raw, workers=1, site="example.org").extracted == 0
    assert reextract.run(db, raw, workers=1, site="127.0.0.1", dry_run=True).extracted == len(PAGES)
    assert reextract.run(db, raw, workers=1, site="中工网", dry_run=True).updated == 1  # articles.site
    assert reextract.run(db, raw, workers=1, since="2030", dry_run=True).pages == 0


def test_a_process_pool_gives_the_same_result(tmp_path):
    inline_dir, pool_dir = tmp_path / "a", tmp_path / "b"
    results = []
    for folder, workers in ((inline_dir, 1), (pool_dir, 2)):
        folder.mkdir()
        db, raw = crawl(folder)
        age(db, "7100001", editors="[]", extractor_version="0")
        report = reextract.run(db, raw, workers=workers, batch_size=3)
        results.append((report.updated, dict(report.fields), report.unchanged))
        rows = snapshot(db)["articles"]
        results.append([r[:20] for r in rows])  # up to fetched_at: run ids differ
    assert results[0] == results[2] and results[1] == results[3]


def test_an_interrupted_run_keeps_whole_batches_and_a_rerun_finishes(tmp_path, monkeypatch):
    db, raw = crawl(tmp_path)
    for page in PAGES[:-1]:
        age(db, page.split("/")[-1], extractor_version="0", title="旧标题")
    calls = []

    def interrupt_third(tasks):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(tasks)

    real = reextract.extract_tasks
    monkeypatch.setattr(reextract, "_CHUNK", 1)
    monkeypatch.setattr(reextract, "extract_tasks", interrupt_third)
    with pytest.raises(KeyboardInterrupt):
        reextract.run(db, raw, workers=1, batch_size=1)
    monkeypatch.setattr(reextract, "extract_tasks", real)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE title = '旧标题'").fetchone() == (ARTICLES - 2,)
        assert conn.execute("SELECT finish_reason FROM runs WHERE spider = 'reextract'").fetchone() == ("interrupted",)
    report = reextract.run(db, raw, workers=1)
    assert report.updated == ARTICLES - 2
    assert reextract.run(db, raw, workers=1).changes == 0


def test_a_killed_run_leaves_the_database_consistent(tmp_path):
    """SIGKILL inside the second batch's write transaction: the first batch is committed, the
    second is not there at all, the file is sound, and a rerun does the rest."""
    db, raw = crawl(tmp_path)
    for page in PAGES[:-1]:
        age(db, page.split("/")[-1], extractor_version="0", title="旧标题")
    script = textwrap.dedent(f"""
        import os, signal
        from workercrawl import reextract
        from workercrawl.store import history
        real, calls = history.stamp, []
        def stamp(*args):
            calls.append(1)
            out = real(*args)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return out
        history.stamp = stamp
        reextract.run({str(db)!r}, {str(raw)!r}, workers=1, batch_size=2)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert done.returncode == -9, done.stderr.decode()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM articles WHERE title = '旧标题'").fetchone() == (ARTICLES - 2,)
        assert conn.execute("SELECT count(*) FROM article_versions").fetchone() == (2,)
        assert conn.execute("SELECT finished_at FROM runs WHERE spider = 'reextract'").fetchone() == (None,)
    assert reextract.run(db, raw, workers=1).updated == ARTICLES - 2
    assert reextract.run(db, raw, workers=1).changes == 0


def test_cli_reextract(tmp_path):
    db, raw = crawl(tmp_path)
    age(db, "7100001", editors="[]")
    runner = CliRunner()
    args = ["reextract", "--db", str(db), "--raw", str(raw), "--workers", "1"]
    dry = runner.invoke(cli, [*args, "--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0 and "1 would change" in dry.output and "editors filled on 1 rows" in dry.output
    assert "re-extracting" not in dry.output  # no progress bar off a terminal
    done = runner.invoke(cli, [*args, "--json"], catch_exceptions=False)
    assert done.exit_code == 0 and json.loads(done.output)["changes"] == 1
    again = runner.invoke(cli, [*args, "--json"], catch_exceptions=False)
    assert json.loads(again.output)["changes"] == 0
    missing = runner.invoke(cli, ["reextract", "--db", str(tmp_path / "nope.db"), "--raw", str(raw)])
    assert missing.exit_code == 1 and "no such database" in missing.output


WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
end = time.monotonic() + float(sys.argv[2])
n = 0
print("ready", flush=True)
while time.monotonic() < end:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE runs SET settings = ? WHERE id = 1", [str(n)])
    time.sleep(0.2)  # holds the write lock a while, then commits: other writers must wait
    conn.execute("COMMIT")
    n += 1
    time.sleep(0.01)
"""


def test_another_writer_committing_all_along_is_waited_for(tmp_path):
    """Another program commits every 0.2 s while a re-extraction writes: each batch begins with
    an IMMEDIATE transaction, so it waits for the lock instead of failing at once
    (SQLITE_BUSY_SNAPSHOT: a deferred transaction that read before another's commit)."""
    db, raw = crawl(tmp_path)
    age(db, "7100001", title="旧标题", extractor_version="0")
    age(db, "7100002", title="旧标题二", extractor_version="0")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "6"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        report = reextract.run(db, raw, workers=1, batch_size=1, timeout=10)
    finally:
        assert writer.wait(30) == 0
    assert report.updated == 2 and report.finish_reason == "finished"
    assert reextract.run(db, raw, workers=1).changes == 0
