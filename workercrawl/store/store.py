"""The Store: articles, rejects and runs in one SQLite file, raw pages in another.

All SQL of the project lives in this package. Writes are buffered and committed in one
transaction per file per flush — article rows, their previous versions, people rows and
search rows together — so a reader (WAL mode) never sees half a batch, and a killed crawl
loses at most the unflushed batch, which the next run fetches again.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from workercrawl.urls import canonical_url

from . import crawlstate, history, pages, report, rows, schema, search
from .db import DEFAULT_TIMEOUT, StoreError, describe, guarded, open_db

logger = logging.getLogger(__name__)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class FlushResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: int = 0
    raw_pages: int = 0


class Store:
    """Open (and upgrade) the articles database at path, and the raw-page file if given.

    create=False refuses a missing file (the read commands); timeout is how long to wait
    for another writer's lock; segmenter turns texts into segmented texts for the search
    index (default: jieba in this process; a bulk load can pass a process pool's map).
    """

    def __init__(self, path: str | Path, raw_path: str | Path | None = None, *, create: bool = True,
                 timeout: float = DEFAULT_TIMEOUT, segmenter: search.Segmenter | None = None):
        self.path, self.timeout = Path(path), timeout
        self.raw_path = Path(raw_path) if raw_path else None
        self.segmenter = segmenter or search.segment_all
        self.db = open_db(path, schema.main, create=create, timeout=timeout)
        search.register_functions(self.db.conn)
        try:
            self.raw = open_db(raw_path, schema.raw, create=create, timeout=timeout) if raw_path else None
        except StoreError:
            self.db.close()
            raise
        self._articles: list[dict] = []
        self._rejects: list[dict] = []
        self._raw: list[dict] = []
        self._segmented: dict[str, str] = {}  # index texts segmented elsewhere (extraction workers)

    # -- runs ------------------------------------------------------------------------------

    @guarded
    def start_run(self, spider: str, args: dict | None = None, settings: dict | None = None) -> int:
        table = self.db["runs"]
        table.insert({
            "spider": spider, "args": rows.dumps(args or {}), "settings": rows.dumps(settings or {}),
            "started_at": now(),
        })
        return table.last_pk

    @guarded
    def finish_run(self, run_id: int, reason: str, stats: dict) -> None:
        counters = {column: stats.get(key, None if column == "elapsed" else 0)
                    for column, key in schema.RUN_COUNTERS.items()}
        self.db["runs"].update(run_id, {
            "finished_at": now(),
            "finish_reason": reason,
            "articles": stats.get("workercrawl/articles", 0),
            "rejects": stats.get("workercrawl/rejected", 0),
            "pages": stats.get("response_received_count", 0),
            **counters,
            "stats": rows.dumps(stats),
        })

    # -- buffered writes -------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._articles) + len(self._rejects) + len(self._raw)

    def add_article(self, article: dict, *, segmented: dict[str, str] | None = None, **kwargs) -> None:
        """Queue an upsert of an Article dict (see rows.article_row for the keyword arguments).

        segmented: {text: search.segment(text)} already computed (by a worker process); the
        flush segments only the index texts not found there."""
        self._articles.append(rows.article_row(article, **kwargs))
        if segmented:
            self._segmented.update(segmented)

    def _segment(self, texts: list[str]) -> list[str]:
        """self.segmenter over the texts not segmented beforehand."""
        done = self._segmented
        todo = [text for text in texts if text not in done]
        computed = dict(zip(todo, self.segmenter(todo))) if todo else {}
        return [done[text] if text in done else computed[text] for text in texts]

    def add_reject(self, **kwargs) -> None:
        self._rejects.append(rows.reject_row(**kwargs))

    def add_raw_page(self, **kwargs) -> None:
        if self.raw is not None:
            self._raw.append(rows.raw_row(**kwargs))

    @guarded
    def flush(self) -> FlushResult:
        """Write everything queued: raw pages first, then articles and rejects in one transaction.

        On error nothing of the failed transaction is written and the queue is kept."""
        result = FlushResult()
        if self._raw:
            try:
                with self.raw.atomic():
                    self.raw["pages"].upsert_all(self._raw, pk="url")
            except sqlite3.Error as exc:
                raise describe(exc, self.raw_path, self.timeout) from exc
            result.raw_pages = len(self._raw)
            self._raw = []
        if self._articles or self._rejects:
            with self.db.atomic():
                if self._articles:
                    articles, versions = history.stamp(self.db, self._articles, result)
                    self.db["articles"].upsert_all(articles, pk="url")
                    if versions:
                        self.db["article_versions"].insert_all(versions, pk="id")
                    search.index_missing(self.db, articles, self._segment)
                if self._rejects:
                    self.db["rejects"].insert_all(self._rejects, pk="id")
            result.rejects = len(self._rejects)
            self._articles, self._rejects, self._segmented = [], [], {}
        return result

    def discard(self) -> None:
        """Drop everything queued and not yet flushed (a run that stops on an error)."""
        self._articles, self._rejects, self._raw, self._segmented = [], [], [], {}

    def close(self) -> None:
        try:
            if self.pending:
                self.flush()
        finally:
            for db in (self.db, self.raw):
                if db is not None:
                    db.close()

    # -- reads -----------------------------------------------------------------------------

    @guarded
    def article(self, url: str) -> dict | None:
        found = list(self.db.query("SELECT * FROM articles WHERE url = ?", [canonical_url(url)]))
        return found[0] if found else None

    @guarded
    def versions(self, url: str) -> list[dict]:
        """Earlier versions of an article, oldest first."""
        return [dict(r) for r in self.db.query(
            "SELECT * FROM article_versions WHERE url = ? ORDER BY replaced_at, id", [canonical_url(url)])]

    @guarded
    def articles_by(self, name: str, role: str | None = None) -> list[dict]:
        """Articles naming this person as author or editor (role: 'author' / 'editor'), newest first."""
        sql = ("SELECT a.published_at, a.source, a.title, a.url, p.role FROM article_people p "
               "JOIN articles a ON a.url = p.url WHERE p.name = ?")
        params = [name]
        if role:
            sql, params = sql + " AND p.role = ?", params + [role]
        return [dict(r) for r in self.db.query(sql + " ORDER BY a.published_at DESC, a.url", params)]

    @guarded
    def count(self, table: str) -> int:
        return self.db[table].count if table in self.db.table_names() else 0

    @guarded
    def raw_pages(self, article_url: str) -> list[dict]:
        """The stored pages of one article, page 1 first, bodies decompressed (for re-extraction)."""
        if self.raw is None:
            return []
        found = self.raw.query(
            "SELECT * FROM pages WHERE article_url = ? ORDER BY part", [canonical_url(article_url)])
        return [{**row, "body": rows.raw_body(row)} for row in found]

    # -- re-extraction: stored pages back in batches, and what they are compared with ----------

    @guarded
    def count_raw_articles(self, since: str | None = None) -> int:
        """Stored articles (page-1 raw rows), fetched on or after `since` if given."""
        return pages.count_articles(self.raw, since) if self.raw is not None else 0

    def raw_article_batches(self, since: str | None = None, size: int = 200):
        """Stored articles in storage order, `size` at a time: page-1 rows with compressed
        bodies and `more`, their continuation rows (decompress with rows.raw_body)."""
        if self.raw is None:
            return
        batches = pages.article_batches(self.raw, since=since, size=size)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except sqlite3.Error as exc:
                raise describe(exc, self.raw_path, self.timeout) from exc
            yield batch

    @guarded
    def articles_by_url(self, urls: list[str]) -> dict[str, dict]:
        """Current articles rows of these canonical URLs, by URL."""
        return pages.articles_by_url(self.db, urls)

    @guarded
    def latest_rejects(self, urls: list[str]) -> dict[str, dict]:
        """The last rejects row of each of these canonical URLs, by URL."""
        return pages.latest_rejects(self.db, urls)

    # -- search, stats, export (the CLI's commands of the same names) -------------------------

    @guarded
    def search(self, query: str, limit: int = 10, since: str | None = None) -> list[dict]:
        """Best matches for a Chinese query (bm25): published_at, source, title, snippet, url,
        site, channel, score. since: only articles published on or after this date prefix."""
        if not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive number, not {limit!r}")
        return search.run_search(self.db, query, limit, report.check_since(since))

    @guarded
    def stats(self) -> dict:
        return {"database": str(self.path), **report.stats(self.db)}

    @guarded
    def export(self, out: TextIO, fmt: str = "jsonl", since: str | None = None) -> int:
        """Write the articles to out as csv or jsonl; returns how many were written."""
        return report.export(self.db, out, fmt, report.check_since(since))

    @guarded
    def reindex_search(self, everything: bool = False) -> int:
        """Segment articles missing from the search index (all with everything=True)."""
        with self.db.atomic():
            return search.reindex(self.db, self.segmenter, everything=everything)

    @guarded
    def optimize_search(self) -> None:
        """Merge the FTS index into one segment (after a bulk load: faster searches)."""
        self.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")

    # -- scheduled crawls: incremental fetching and run health (see crawlstate.py) ------------

    @guarded
    def check_writable(self) -> None:
        """Raise DatabaseLocked / DatabaseReadOnly now rather than in the middle of a crawl."""
        crawlstate.check_writable(self.db)

    @guarded
    def known_urls(self, urls) -> set[str]:
        """Canonical URLs among `urls` already stored as articles or settled rejects."""
        return crawlstate.known_urls(self.db, sorted({canonical_url(u) for u in urls}))

    @guarded
    def previous_run_finished(self, spider: str, args: dict) -> bool:
        """False when the last run of this spider with these -a arguments was killed or capped."""
        return crawlstate.previous_run_finished(self.db, spider, rows.dumps(args or {}))

    @guarded
    def run(self, run_id: int) -> dict | None:
        """One runs row, its stats parsed."""
        return crawlstate.run(self.db, run_id)

    @guarded
    def last_run_id(self) -> int:
        return crawlstate.last_run_id(self.db)

    @guarded
    def runs_since(self, after_id: int, spider: str | None = None) -> list[dict]:
        return crawlstate.runs_since(self.db, after_id, spider)

    @guarded
    def recent_runs(self, spider: str, args: str, before_id: int, limit: int = 5) -> list[dict]:
        return crawlstate.recent_runs(self.db, spider, args, before_id, limit)

    @guarded
    def coverage(self, spider: str, run_id: int | None = None, before_id: int | None = None) -> dict:
        return crawlstate.coverage(self.db, spider, run_id, before_id)

    @guarded
    def reject_reasons(self, run_id: int) -> dict[str, int]:
        return crawlstate.reject_reasons(self.db, run_id)
