"""The SQLite store: schema, upserts by canonical URL, rejects, runs, raw pages."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from workercrawl.store import Store, raw_body
from workercrawl.store.schema import main as main_migrations
from workercrawl.urls import canonical_url

URL = "http://www.workercn.cn/c/2024-05-20/7100001.shtml"


def article(**overrides) -> dict:
    base = {
        "url": URL, "title": "全国总工会部署开展2024年职工技能竞赛活动", "body": "第一段。\n第二段。",
        "site": "中工网", "channel": "工会", "pretitle": None, "subtitle": None,
        "published_at": "2024-05-20T09:12:33+08:00", "source": "工人日报", "authors": ["李国"],
        "editors": ["李方"], "images": [{"src": "http://www.workercn.cn/a.jpg", "caption": "图"}],
        "page_no": None, "page_name": None, "encoding": "utf-8", "profile": "workercn-new",
        "extractor_version": "1", "status": "article",
    }
    return {**base, **overrides}


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "sub" / "workercrawl.db", tmp_path / "raw.db")
    yield opened
    opened.close()


def test_canonical_url():
    assert canonical_url("HTTP://WWW.WorkerCN.cn:80/c/2024-05-20/7100001.shtml?from=timeline&utm_source=wx#top") == URL
    assert canonical_url("http://127.0.0.1:8000/list?page=2&a=1") == "http://127.0.0.1:8000/list?a=1&page=2"
    assert canonical_url("https://www.workercn.cn:443/acftu") == "https://www.workercn.cn/acftu"


def test_schema_wal_and_migrations_are_idempotent(tmp_path, store):
    assert {"articles", "rejects", "runs"} <= set(store.db.table_names())
    assert "pages" in store.raw.table_names() and "articles" not in store.raw.table_names()
    assert store.db.journal_mode == "wal" and store.raw.journal_mode == "wal"
    assert main_migrations.pending(store.db) == []
    again = Store(tmp_path / "sub" / "workercrawl.db")  # re-open: nothing re-applied, nothing lost
    assert [m.name for m in main_migrations.applied(again.db)] == ["0001_articles_rejects_runs"]
    again.close()


def test_upsert_by_canonical_url_keeps_first_seen(store):
    store.add_article(article(url=URL + "?from=timeline"), fetched_at="2024-05-20T01:00:00+00:00", spider="workercn", run_id=None)
    first = store.flush()
    assert (first.new, first.updated, first.unchanged) == (1, 0, 0)
    store.add_article(article(body="第一段。\n\n第二段。  "), fetched_at="2024-05-21T01:00:00+00:00", spider="workercn", run_id=None)
    assert store.flush().unchanged == 1  # whitespace only: same content hash
    store.add_article(article(body="改过的正文。"), fetched_at="2024-05-22T01:00:00+00:00", spider="workercn", run_id=None)
    assert store.flush().updated == 1
    assert store.count("articles") == 1
    row = store.article(URL)
    assert row["first_seen"] == "2024-05-20T01:00:00+00:00" and row["last_seen"] == "2024-05-22T01:00:00+00:00"
    assert row["body"] == "改过的正文。"
    assert json.loads(row["authors"]) == ["李国"] and json.loads(row["images"])[0]["caption"] == "图"
    assert "李国" in row["authors"]  # JSON stored readable, not \\u escaped


def test_rejects_and_runs(store):
    run = store.start_run("workercn", {"start_url": "http://127.0.0.1:1/acftu"}, {"DOWNLOAD_DELAY": "0"})
    store.add_reject(url="http://127.0.0.1:1/c/2024-05-19/7100004.shtml", reason="not-article",
                     detail="gallery or video page", status=200, kind="article", spider="workercn",
                     run_id=run, fetched_at="t")
    store.flush()
    store.finish_run(run, "finished", {"workercrawl/articles": 3, "workercrawl/rejected": 1,
                                       "response_received_count": 5, "start_time": object()})
    (row,) = store.db.query("SELECT * FROM runs")
    assert (row["spider"], row["finish_reason"], row["articles"], row["rejects"], row["pages"]) == (
        "workercn", "finished", 3, 1, 5)
    assert json.loads(row["args"]) == {"start_url": "http://127.0.0.1:1/acftu"}
    (reject,) = store.db.query("SELECT * FROM rejects")
    assert (reject["run_id"], reject["reason"], reject["status"]) == (run, "not-article", 200)


def test_raw_pages_compressed_and_grouped_by_article(store):
    page1, page2 = "<html>第一页</html>".encode("gbk"), "<html>第二页</html>".encode("gbk")
    base = "http://127.0.0.1:1/27/202105/10/210510160218904"
    for part, (url, body) in enumerate([(base + ".shtml", page1), (base + "_2.shtml", page2)], start=1):
        store.add_raw_page(url=url, article_url=base + ".shtml", part=part, status=200,
                           headers={"Content-Type": "text/html"}, encoding="gb18030", body=body,
                           fetched_at="t", spider="workercn", run_id=None)
    assert store.flush().raw_pages == 2
    pages = store.raw_pages(base + ".shtml")
    assert [p["body"] for p in pages] == [page1, page2] and [p["part"] for p in pages] == [1, 2]
    assert pages[1]["sha256"] == hashlib.sha256(page2).hexdigest()
    (row,) = store.raw.query("SELECT * FROM pages WHERE part = 1")
    assert row["body"] != page1 and raw_body(row) == page1


def test_nothing_is_visible_before_flush(store, tmp_path):
    store.add_article(article(), fetched_at="t", spider="workercn", run_id=None)
    reader = sqlite3.connect(tmp_path / "sub" / "workercrawl.db")
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    store.flush()
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    reader.close()


def test_store_without_raw_db(tmp_path):
    only = Store(tmp_path / "a.db")
    only.add_raw_page(url=URL, article_url=URL, part=1, status=200, headers={}, encoding=None,
                      body=b"x", fetched_at="t", spider="s", run_id=None)
    assert only.pending == 0 and only.raw_pages(URL) == []
    only.close()
