"""The Store: articles, rejects and runs in one SQLite file, raw pages in another.

All SQL of the project lives in this package. Writes are buffered and committed in one
transaction per file per flush, so a reader (WAL mode) never sees half a batch, and a
killed crawl loses at most the unflushed batch, which the next run fetches again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from workercrawl.urls import canonical_url

from . import rows, schema

logger = logging.getLogger(__name__)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def open_db(path: str | Path, migrations) -> Database:
    """Open (creating the folder and file if needed), switch to WAL, apply pending migrations."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable commits minus the last on power loss
    db.execute("PRAGMA foreign_keys=ON")
    migrations.apply(db)
    return db


@dataclass
class FlushResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: int = 0
    raw_pages: int = 0


class Store:
    def __init__(self, path: str | Path, raw_path: str | Path | None = None):
        self.db = open_db(path, schema.main)
        self.raw = open_db(raw_path, schema.raw) if raw_path else None
        self._articles: list[dict] = []
        self._rejects: list[dict] = []
        self._raw: list[dict] = []

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, spider: str, args: dict | None = None, settings: dict | None = None) -> int:
        table = self.db["runs"]
        table.insert({
            "spider": spider, "args": rows.dumps(args or {}), "settings": rows.dumps(settings or {}),
            "started_at": now(),
        })
        return table.last_pk

    def finish_run(self, run_id: int, reason: str, stats: dict) -> None:
        self.db["runs"].update(run_id, {
            "finished_at": now(),
            "finish_reason": reason,
            "articles": stats.get("workercrawl/articles", 0),
            "rejects": stats.get("workercrawl/rejected", 0),
            "pages": stats.get("response_received_count", 0),
            "stats": rows.dumps(stats),
        })

    # -- buffered writes -------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._articles) + len(self._rejects) + len(self._raw)

    def add_article(self, article: dict, **kwargs) -> None:
        """Queue an upsert of an Article dict (see rows.article_row for the keyword arguments)."""
        self._articles.append(rows.article_row(article, **kwargs))

    def add_reject(self, **kwargs) -> None:
        self._rejects.append(rows.reject_row(**kwargs))

    def add_raw_page(self, **kwargs) -> None:
        if self.raw is not None:
            self._raw.append(rows.raw_row(**kwargs))

    def flush(self) -> FlushResult:
        """Write everything queued: raw pages first, then articles and rejects in one transaction."""
        result = FlushResult()
        if self._raw:
            with self.raw.atomic():
                self.raw["pages"].upsert_all(self._raw, pk="url")
            result.raw_pages = len(self._raw)
            self._raw = []
        if self._articles or self._rejects:
            with self.db.atomic():
                if self._articles:
                    self._stamp_seen(self._articles, result)
                    self.db["articles"].upsert_all(self._articles, pk="url")
                if self._rejects:
                    self.db["rejects"].insert_all(self._rejects, pk="id")
            result.rejects = len(self._rejects)
            self._articles, self._rejects = [], []
        return result

    def _stamp_seen(self, batch: list[dict], result: FlushResult) -> None:
        """first_seen survives re-crawls; last_seen is this fetch; count new/changed/unchanged."""
        urls = list({row["url"] for row in batch})
        marks = ",".join("?" * len(urls))
        known = {
            r["url"]: r for r in self.db.query(
                f"SELECT url, first_seen, content_hash FROM articles WHERE url IN ({marks})", urls)
        }
        for row in batch:
            old = known.get(row["url"])
            row["first_seen"] = old["first_seen"] if old else row["fetched_at"]
            row["last_seen"] = row["fetched_at"]
            if old is None:
                result.new += 1
                known[row["url"]] = {"first_seen": row["first_seen"], "content_hash": row["content_hash"]}
            elif old["content_hash"] != row["content_hash"]:
                result.updated += 1
            else:
                result.unchanged += 1

    def close(self) -> None:
        if self.pending:
            self.flush()
        for db in (self.db, self.raw):
            if db is not None:
                db.close()

    # -- reads -----------------------------------------------------------------------------

    def article(self, url: str) -> dict | None:
        found = list(self.db.query("SELECT * FROM articles WHERE url = ?", [canonical_url(url)]))
        return found[0] if found else None

    def count(self, table: str) -> int:
        return self.db[table].count if table in self.db.table_names() else 0

    def raw_pages(self, article_url: str) -> list[dict]:
        """The stored pages of one article, page 1 first, bodies decompressed (for re-extraction)."""
        if self.raw is None:
            return []
        found = self.raw.query(
            "SELECT * FROM pages WHERE article_url = ? ORDER BY part", [canonical_url(article_url)])
        return [{**row, "body": rows.raw_body(row)} for row in found]
