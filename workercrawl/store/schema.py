"""Schema as sqlite-utils migrations: applied on every open, so old files upgrade in place.

Append new migrations at the end of a set; never edit or reorder applied ones.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

main = Migrations("workercrawl")
raw = Migrations("workercrawl-raw")


@main(name="0001_articles_rejects_runs")
def _initial(db: Database) -> None:
    db["articles"].create(
        {
            "url": str,               # canonical URL (see workercrawl.urls)
            "title": str,
            "pretitle": str,          # 引题
            "subtitle": str,          # 副题
            "body": str,              # paragraphs joined by "\n"
            "site": str,
            "channel": str,
            "published_at": str,      # ISO 8601, "+08:00" with a time, or the day only
            "source": str,            # normalized 来源
            "authors": str,           # JSON array of names
            "editors": str,           # JSON array of names
            "images": str,            # JSON array of {src, caption}
            "page_no": str,           # e-paper 版次
            "page_name": str,         # e-paper 版名
            "encoding": str,
            "profile": str,           # which site profile read the page
            "extractor_version": str,
            "content_hash": str,      # sha256 of the whitespace-normalized body
            "pages": int,             # pages merged into this article (old multi-page template)
            "fetched_url": str,       # the URL as fetched (a mirror or test server in -a start_url runs)
            "fetched_at": str,
            "first_seen": str,
            "last_seen": str,
            "spider": str,
            "run_id": int,
        },
        pk="url",
        not_null={"title", "body"},
    )
    for column in ("published_at", "source", "site", "channel", "last_seen"):
        db["articles"].create_index([column], find_unique_name=True)

    db["runs"].create(
        {
            "id": int,
            "spider": str,
            "args": str,              # JSON: -a spider arguments
            "settings": str,          # JSON: -s overrides
            "started_at": str,
            "finished_at": str,       # NULL: still running, or the process was killed
            "finish_reason": str,
            "articles": int,
            "rejects": int,
            "pages": int,             # HTTP responses received
            "stats": str,             # JSON: Scrapy's stats at close
        },
        pk="id",
    )

    db["rejects"].create(
        {
            "id": int,
            "run_id": int,
            "url": str,
            "kind": str,              # article / continuation / list / issue-page
            "status": int,            # HTTP status, NULL when nothing was received
            "reason": str,            # code: not-article, http-error, robots-disallowed, timeout, …
            "detail": str,
            "spider": str,
            "fetched_at": str,
            "extractor_version": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["rejects"].create_index(["url"], find_unique_name=True)
    db["rejects"].create_index(["run_id"], find_unique_name=True)
    db["rejects"].create_index(["reason"], find_unique_name=True)


@raw(name="0001_pages")
def _raw_initial(db: Database) -> None:
    db["pages"].create(
        {
            "url": str,               # canonical URL of this page
            "article_url": str,       # canonical URL of the article's page 1 (= url for page 1)
            "part": int,              # 1 for page 1, 2..N for continuation pages
            "fetched_url": str,
            "status": int,
            "headers": str,           # JSON object
            "encoding": str,          # as the crawler decoded it
            "sha256": str,            # of the uncompressed body
            "size": int,              # uncompressed bytes
            "compression": str,       # "zlib"
            "body": bytes,
            "fetched_at": str,
            "spider": str,
            "run_id": int,
        },
        pk="url",
    )
    db["pages"].create_index(["article_url", "part"], find_unique_name=True)
