"""The SQLite store: schema, upserts by canonical URL, rejects, runs, raw pages."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from workercrawl.store import Store, content_hash, raw_body
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
    names = [m.name for m in main_migrations.applied(again.db)]
    assert names == [m.name for m in main_migrations._migrations] and names[0] == "0001_articles_rejects_runs"
    assert again.db.execute("PRAGMA user_version").fetchone()[0] == len(names)
    assert {"article_versions", "article_people", "article_search", "articles_fts"} <= set(again.db.table_names())
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
    assert reader.execute("SELECT count(*) FROM article_search").fetchone() == (0,)
    store.flush()
    # the whole batch at once: the article, its people and its search row
    assert reader.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_people), "
                          "(SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '职工')").fetchone() == (1, 2, 1)
    reader.close()


def test_store_without_raw_db(tmp_path):
    only = Store(tmp_path / "a.db")
    only.add_raw_page(url=URL, article_url=URL, part=1, status=200, headers={}, encoding=None,
                      body=b"x", fetched_at="t", spider="s", run_id=None)
    assert only.pending == 0 and only.raw_pages(URL) == []
    only.close()


def test_runs_hold_scrapy_counters(store):
    run = store.start_run("workercn", {"date": "2024-05-20"})
    stats = {"workercrawl/articles": 3, "workercrawl/rejected": 1, "response_received_count": 5,
             "item_scraped_count": 4, "log_count/ERROR": 2, "retry/count": 6, "downloader/request_count": 7,
             "downloader/response_bytes": 12345, "elapsed_time_seconds": 1.5, "finish_reason": "finished"}
    store.finish_run(run, "finished", stats)
    (row,) = store.db.query("SELECT * FROM runs")
    assert row["started_at"] and row["finished_at"] and row["finish_reason"] == "finished"
    assert (row["pages"], row["items"], row["articles"], row["rejects"], row["errors"], row["retries"],
            row["requests"], row["bytes"], row["elapsed"]) == (5, 4, 3, 1, 2, 6, 7, 12345, 1.5)
    assert json.loads(row["args"]) == {"date": "2024-05-20"} and json.loads(row["stats"])["retry/count"] == 6


def add(store, fetched_at, **overrides):
    store.add_article(article(**overrides), fetched_at=fetched_at, spider="workercn", run_id=None)
    return store.flush()


def test_a_changed_article_keeps_its_previous_version(store):
    add(store, "2024-05-20T01:00:00+00:00")
    add(store, "2024-05-21T01:00:00+00:00", body="第一段。 第二段。")  # whitespace only
    assert store.versions(URL) == []
    done = add(store, "2024-05-22T01:00:00+00:00", body="改过的正文。", title="新标题", authors=["李国", "孙欣"])
    assert (done.new, done.updated, done.unchanged) == (0, 1, 0)
    (old,) = store.versions(URL + "?from=timeline")
    assert old["body"] == "第一段。 第二段。" and old["title"] == "全国总工会部署开展2024年职工技能竞赛活动"
    assert json.loads(old["changed"]) == ["title", "authors", "body"]
    assert old["seen_at"] == "2024-05-21T01:00:00+00:00" and old["replaced_at"] == "2024-05-22T01:00:00+00:00"
    assert old["content_hash"] == content_hash("第一段。\n第二段。") and old["extractor_version"] == "1"
    row = store.article(URL)
    assert row["body"] == "改过的正文。" and row["first_seen"] == "2024-05-20T01:00:00+00:00"
    add(store, "2024-05-23T01:00:00+00:00", body="改过的正文。", title="新标题", authors=["李国", "孙欣"],
        source="新华社")  # metadata only: a version too
    assert [json.loads(v["changed"]) for v in store.versions(URL)] == [["title", "authors", "body"], ["source"]]
    indexes = {tuple(i.columns) for i in store.db["article_versions"].indexes}
    assert ("url", "replaced_at") in indexes


def test_the_same_url_twice_in_one_batch_is_two_steps_of_history(store):
    store.add_article(article(), fetched_at="t1", spider="s", run_id=None)
    store.add_article(article(body="第二版。"), fetched_at="t2", spider="s", run_id=None)
    done = store.flush()
    assert (done.new, done.updated) == (1, 1) and store.count("articles") == 1
    assert store.article(URL)["body"] == "第二版。" and store.versions(URL)[0]["body"] == "第一段。\n第二段。"


def test_people_table_follows_authors_and_editors_whoever_writes(store):
    add(store, "t1", authors=["李国", "孙欣"], editors=["李方"])
    add(store, "t1", url=URL.replace("7100001", "7100002"), body="另一篇报道的正文。", authors=["李国"], editors=[])
    assert [r["url"][-12:] for r in store.articles_by("李国", "author")] == ["7100001.shtml"[-12:], "7100002.shtml"[-12:]]
    assert [r["role"] for r in store.articles_by("李方")] == ["editor"]
    people = lambda: sorted((r["url"][-7:], r["role"], r["name"], r["position"]) for r in store.db.query(  # noqa: E731
        "SELECT * FROM article_people"))
    assert people() == [("1.shtml", "author", "孙欣", 1), ("1.shtml", "author", "李国", 0),
                        ("1.shtml", "editor", "李方", 0), ("2.shtml", "author", "李国", 0)]
    # another client (sqlite3, datasette) edits the JSON or deletes the row: triggers keep up
    store.db.execute("UPDATE articles SET authors = '[\"王维\"]', editors = 'not json' WHERE url = ?", [URL])
    store.db.execute("DELETE FROM articles WHERE url = ?", [URL.replace("7100001", "7100002")])
    assert people() == [("1.shtml", "author", "王维", 0)]
    plan = " ".join(r[3] for r in store.db.execute(
        "EXPLAIN QUERY PLAN SELECT url FROM article_people WHERE name = '王维' AND role = 'author'"))
    assert "USING COVERING INDEX" in plan or "USING INDEX" in plan


def test_a_failed_flush_writes_nothing_and_drops_the_batch_once(store):
    from workercrawl.store import StoreError

    store.add_article(article(), fetched_at="t", spider="s", run_id=None)
    store.add_article(article(url=URL + "x", title=None), fetched_at="t", spider="s", run_id=None)  # NOT NULL
    store.add_reject(url=URL + "r", reason="not-article", detail=None, status=200, kind="article",
                     spider="s", run_id=None, fetched_at="t")
    with pytest.raises(StoreError, match="NOT NULL") as failed:
        store.flush()
    assert (failed.value.lost.articles, failed.value.lost.rejects) == (2, 1)
    for table in ("articles", "article_people", "article_search", "article_versions", "rejects"):
        assert store.count(table) == 0, table
    # Reported once: the next batch is not weighed down by the failed one.
    assert store.pending == 0
    store.add_article(article(), fetched_at="t", spider="s", run_id=None)
    assert store.flush().new == 1


def test_article_indexes(store):
    indexes = {tuple(i.columns) for i in store.db["articles"].indexes}
    assert {("published_at",), ("source",), ("site",), ("channel",), ("site", "channel")} <= indexes
