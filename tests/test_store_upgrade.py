"""A database from the first release (migration 0001 only, rows in it) upgrades in place."""

from __future__ import annotations

import json
import re
import sqlite3

from sqlite_utils import Database, Migrations

from workercrawl.store import Store
from workercrawl.store.schema import main as main_migrations
from workercrawl.store.schema import raw as raw_migrations

# The schema the first release wrote (migration 0001_articles_rejects_runs), frozen here:
# 0001 must never change, later changes are new migrations.
FIRST_RELEASE = [
    """CREATE TABLE "articles" ("url" TEXT PRIMARY KEY, "title" TEXT NOT NULL, "pretitle" TEXT,
    "subtitle" TEXT, "body" TEXT NOT NULL, "site" TEXT, "channel" TEXT, "published_at" TEXT,
    "source" TEXT, "authors" TEXT, "editors" TEXT, "images" TEXT, "page_no" TEXT, "page_name" TEXT,
    "encoding" TEXT, "profile" TEXT, "extractor_version" TEXT, "content_hash" TEXT, "pages" INTEGER,
    "fetched_url" TEXT, "fetched_at" TEXT, "first_seen" TEXT, "last_seen" TEXT, "spider" TEXT,
    "run_id" INTEGER)""",
    'CREATE INDEX "idx_articles_published_at" ON "articles" ("published_at")',
    'CREATE INDEX "idx_articles_source" ON "articles" ("source")',
    'CREATE INDEX "idx_articles_site" ON "articles" ("site")',
    'CREATE INDEX "idx_articles_channel" ON "articles" ("channel")',
    'CREATE INDEX "idx_articles_last_seen" ON "articles" ("last_seen")',
    """CREATE TABLE "runs" ("id" INTEGER PRIMARY KEY, "spider" TEXT, "args" TEXT, "settings" TEXT,
    "started_at" TEXT, "finished_at" TEXT, "finish_reason" TEXT, "articles" INTEGER,
    "rejects" INTEGER, "pages" INTEGER, "stats" TEXT)""",
    """CREATE TABLE "rejects" ("id" INTEGER PRIMARY KEY, "run_id" INTEGER REFERENCES "runs"("id"),
    "url" TEXT, "kind" TEXT, "status" INTEGER, "reason" TEXT, "detail" TEXT, "spider" TEXT,
    "fetched_at" TEXT, "extractor_version" TEXT)""",
    'CREATE INDEX "idx_rejects_url" ON "rejects" ("url")',
    'CREATE INDEX "idx_rejects_run_id" ON "rejects" ("run_id")',
    'CREATE INDEX "idx_rejects_reason" ON "rejects" ("reason")',
]

ARTICLES = [
    {"url": f"http://www.workercn.cn/c/2023-10-{day:02d}/80123{day:02d}.shtml", "title": title, "body": body,
     "site": "中工网", "channel": "工会", "published_at": f"2023-10-{day:02d}T09:00:00+08:00", "source": "工人日报",
     "authors": json.dumps(authors, ensure_ascii=False), "editors": '["李方"]', "images": "[]",
     "extractor_version": "1", "content_hash": f"h{day}", "pages": 1, "fetched_at": "2023-10-20T00:00:00+00:00",
     "first_seen": "2023-10-20T00:00:00+00:00", "last_seen": "2023-10-20T00:00:00+00:00", "spider": "workercn",
     "run_id": 1}
    for day, title, body, authors in [
        (11, "全省工会劳动和技能竞赛工作综述", "全省各级工会开展劳动竞赛，职工投身高质量发展。", ["阮向民"]),
        (12, "农民工讨薪有了法律援助", "工会法律援助中心为农民工维护合法权益。", ["李国", "孙欣"]),
        (13, "外卖骑手的暖心驿站", "户外劳动者服务站点为骑手提供休息场所。", []),
    ]
]
STATS = {"item_scraped_count": 5, "log_count/ERROR": 1, "retry/count": 2, "downloader/request_count": 9,
         "downloader/response_bytes": 4096, "elapsed_time_seconds": 3.25, "response_received_count": 8}


def _normalized(sql: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*([(),])\s*", r"\1", sql)).strip()


def first_release_db(path) -> None:
    """A file as the first release left it: 0001's tables with rows, WAL, 0001 recorded."""
    db = Database(path)
    db.enable_wal()
    for statement in FIRST_RELEASE:
        db.execute(statement)
    Migrations("workercrawl").ensure_migrations_table(db)
    db["_sqlite_migrations"].insert({"migration_set": "workercrawl", "name": "0001_articles_rejects_runs",
                                     "applied_at": "2024-05-01 00:00:00+00:00"})
    db["runs"].insert({"id": 1, "spider": "workercn", "args": "{}", "settings": "{}", "started_at": "s",
                       "finished_at": "f", "finish_reason": "finished", "articles": 3, "rejects": 1, "pages": 8,
                       "stats": json.dumps(STATS)})
    db["runs"].insert({"id": 2, "spider": "grrb", "args": "{}", "started_at": "s", "stats": None})  # killed run
    db["articles"].insert_all(ARTICLES)
    db["rejects"].insert({"run_id": 1, "url": "http://www.workercn.cn/c/x.shtml", "kind": "article",
                          "status": 404, "reason": "http-error"})
    db.close()


def dump(path, table: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        return [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")], columns
    finally:
        conn.close()


def test_migration_0001_is_still_the_first_release_schema(tmp_path):
    db = Database(tmp_path / "new.db")
    main_migrations.apply(db, stop_before=main_migrations._migrations[1].name)
    made = {_normalized(sql) for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '%sqlite_migrations%'")}
    assert made == {_normalized(sql) for sql in FIRST_RELEASE}


def test_first_release_database_upgrades_in_place(tmp_path):
    path, raw_path = tmp_path / "workercrawl.db", tmp_path / "raw.db"
    first_release_db(path)
    raw = Database(raw_path)
    raw.enable_wal()
    raw_migrations.apply(raw)
    raw["pages"].insert({"url": ARTICLES[0]["url"], "article_url": ARTICLES[0]["url"], "part": 1, "status": 200,
                         "body": b"x", "compression": "none"})
    raw.close()
    before = {table: dump(path, table) for table in ("articles", "runs", "rejects")}

    store = Store(path, raw_path)
    try:
        applied = [m.name for m in main_migrations.applied(store.db)]
        assert applied == [m.name for m in main_migrations._migrations]
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(applied)
        # every row survived, every old column kept its value
        for table, (old_rows, old_columns) in before.items():
            new_rows, new_columns = dump(path, table)
            assert new_columns[:len(old_columns)] == old_columns, table
            assert [r[:len(old_columns)] for r in new_rows] == old_rows, table
        # new tables and columns exist and are filled for the old rows
        assert {"article_versions", "article_people", "article_search", "articles_fts"} <= set(store.db.table_names())
        assert {"items", "errors", "retries", "requests", "bytes", "elapsed"} <= set(store.db["runs"].columns_dict)
        run1, run2 = store.db.query("SELECT items, errors, retries, requests, bytes, elapsed FROM runs ORDER BY id")
        assert tuple(run1.values()) == (5, 1, 2, 9, 4096, 3.25) and set(run2.values()) == {None}
        assert [r["title"][:4] for r in store.articles_by("李国")] == ["农民工讨"]
        assert store.db["article_people"].count == 3 + 3  # authors + editors
        assert {h["url"] for h in store.search("劳动竞赛")} == {ARTICLES[0]["url"]}
        assert {h["url"] for h in store.search("农民工")} == {ARTICLES[1]["url"]}
        assert {h["url"] for h in store.search("工会")} == {ARTICLES[0]["url"], ARTICLES[1]["url"]}
        assert store.raw_pages(ARTICLES[0]["url"])[0]["body"] == b"x"
        # and the store goes on working: a re-crawl of a changed article keeps the old version
        store.add_article({"url": ARTICLES[2]["url"], "title": ARTICLES[2]["title"], "body": "新正文。",
                           "published_at": ARTICLES[2]["published_at"], "authors": [], "editors": ["李方"]},
                          fetched_at="2024-06-01T00:00:00+00:00", spider="workercn", run_id=None)
        assert store.flush().updated == 1
        assert store.versions(ARTICLES[2]["url"])[0]["body"] == ARTICLES[2]["body"]
        assert store.article(ARTICLES[2]["url"])["first_seen"] == "2023-10-20T00:00:00+00:00"
    finally:
        store.close()
    reopened = Store(path)  # nothing left to apply
    assert main_migrations.pending(reopened.db) == [] and reopened.count("articles") == 3
    reopened.close()
