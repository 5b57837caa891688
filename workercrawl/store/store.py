"""The Store: articles, rejects and runs in one SQLite file, raw pages in another — a pair.

All SQL of the project lives in this package. Writes are buffered and committed in one
IMMEDIATE transaction per file per flush — article rows, their previous versions, people rows
and search rows together — so a reader (WAL mode) never sees half a batch, another writer is
waited for (the busy timeout applies from the first statement), and a killed crawl loses at
most the unflushed batch, which the next run fetches again.

The raw-page file belongs to its articles database: it records the database's id as its
owner, and the database records where its raw file is. Given only the database, every
command finds that database's own raw file (recorded, else `<name>.raw.db` beside it);
another database's raw file is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from workercrawl.urls import canonical_url

from . import aliases, crawlstate, history, pages, report, rows, schema, search, stories
from .db import DEFAULT_TIMEOUT, DatabaseCorrupt, NotOurs, StoreError, describe, guarded, open_db

logger = logging.getLogger(__name__)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def derived_raw_path(path: str | Path) -> Path:
    """The default raw-page file of an articles database: data/wc.db → data/wc.raw.db."""
    path = Path(path)
    stem = path.name[:-3] if path.name.endswith(".db") else path.name
    return path.with_name(stem + ".raw.db")


def raw_choice(value: str | None):
    """A WORKERCRAWL_RAW_DB / --raw value as Store's `raw`: empty → the database's own raw
    file (True); "off" → none; else a path."""
    text = (value or "").strip()
    if not text:
        return True
    return None if text.lower() in ("off", "none") else text


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


@contextmanager
def write_transaction(db):
    """BEGIN IMMEDIATE: take the write lock first, waiting out another writer for the busy
    timeout. A deferred BEGIN that reads before writing fails at once (SQLITE_BUSY_SNAPSHOT)
    when another connection commits in between."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


@dataclass
class LostBatch:
    """What a flush the database refused held: dropped, never re-sent with later items."""
    articles: int = 0
    rejects: int = 0
    raw_pages: int = 0
    aliases: int = 0         # URLs recorded as other URLs of a stored article
    duplicates: int = 0      # articles of this batch stored already under another URL (now aliases)


@dataclass
class FlushResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: int = 0
    raw_pages: int = 0
    aliases: int = 0         # URLs recorded as other URLs of a stored article
    duplicates: int = 0      # articles of this batch stored already under another URL (now aliases)


class Store:
    """Open (and upgrade) the articles database at path, and its raw-page file if asked.

    raw: None/False: no raw file; True: the database's own (recorded, else derived_raw_path);
    a path: that file, which must be this database's own or not yet claimed by any.
    create=False refuses a missing file (the read commands); readonly opens both files
    without write access and never changes them (a dry run); timeout is how long to wait
    for another writer's lock; segmenter turns texts into segmented texts for the search
    index (default: jieba in this process; a bulk load can pass a process pool's map).
    """

    def __init__(self, path: str | Path, raw: str | Path | bool | None = None, *, create: bool = True,
                 timeout: float = DEFAULT_TIMEOUT, segmenter: search.Segmenter | None = None,
                 readonly: bool = False):
        self.path, self.timeout, self.readonly = Path(path), timeout, readonly
        self.segmenter = segmenter or search.segment_all
        given = Path(raw) if raw not in (None, False, True, "") else None
        if given is not None and _same_file(given, self.path):
            raise NotOurs(f"{given}: the same file cannot be both the articles database and its raw-page file")
        self.db = open_db(path, schema.main, create=create, timeout=timeout, readonly=readonly)
        search.register_functions(self.db.conn)
        self.raw = None
        self.raw_path = None
        try:
            if raw not in (None, False, ""):
                self.raw_path = given or self._recorded_raw_path() or derived_raw_path(self.path)
                if _same_file(self.raw_path, self.path):
                    raise NotOurs(f"{self.raw_path}: the same file cannot be both the articles database "
                                  "and its raw-page file")
                self.raw = open_db(self.raw_path, schema.raw, create=create, timeout=timeout, readonly=readonly)
                self._pair()
        except (StoreError, sqlite3.Error) as exc:
            self.close_files()
            raise describe(exc, self.raw_path or self.path, timeout) from None
        self._articles: list[dict] = []
        self._rejects: list[dict] = []
        self._raw: list[dict] = []
        self._aliases: list[dict] = []
        self._segmented: dict[str, str] = {}  # index texts segmented elsewhere (extraction workers)

    # -- the pair --------------------------------------------------------------------------

    def _meta(self, db, key: str) -> str | None:
        if "meta" not in db.table_names():
            return None
        found = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return found[0] if found else None

    @property
    def id(self) -> str | None:
        """This articles database's identity (what its raw file records as owner)."""
        return self._meta(self.db, "id")

    def _recorded_raw_path(self) -> Path | None:
        recorded = self._meta(self.db, "raw_path")
        if not recorded:
            return None
        path = Path(recorded)
        return path if path.is_absolute() else self.path.parent / path

    def _pair(self) -> None:
        """Refuse another database's raw file; claim an unclaimed one (and record where it is)."""
        owner, mine = self._meta(self.raw, "owner"), self.id
        if owner and mine and owner != mine:
            own = self._recorded_raw_path()
            hint = (f"give its own raw file ({own}), or none" if own and not _same_file(own, self.raw_path) else
                    "move that file away (it belongs with its own database), or give this one another raw "
                    "file (--raw, WORKERCRAWL_RAW_DB)")
            raise NotOurs(f"{self.raw_path}: holds the raw pages of another articles database, not of "
                          f"{self.path}; {hint}")
        recorded = self._recorded_raw_path()
        if self.readonly or (owner and recorded is not None and _same_file(recorded, self.raw_path)):
            return
        try:
            where = os.path.relpath(self.raw_path.resolve(), self.path.resolve().parent)
        except ValueError:
            where = str(self.raw_path.resolve())
        with write_transaction(self.raw):
            self.raw.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('owner', ?)", [mine])
        with write_transaction(self.db):
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('raw_path', ?)", [where])

    # -- runs ------------------------------------------------------------------------------

    @guarded
    def start_run(self, spider: str, args: dict | None = None, settings: dict | None = None,
                  site: str | None = None) -> int:
        """A runs row; `site` is what the run crawled (a sites.toml KEY; default: the spider),
        the unit runs are judged by. A damaged database is refused first (check_integrity)."""
        self.check_integrity()
        with write_transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO runs (spider, site, args, settings, started_at) VALUES (?, ?, ?, ?, ?)",
                [spider, site or spider, rows.dumps(args or {}), rows.dumps(settings or {}), now()])
        return cursor.lastrowid

    @guarded
    def finish_run(self, run_id: int, reason: str, stats: dict) -> None:
        counters = {column: stats.get(key, None if column == "elapsed" else 0)
                    for column, key in {**schema.RUN_COUNTERS, **schema.RUN_COUNTERS_0006}.items()}
        with write_transaction(self.db):
            self.db["runs"].update(run_id, {
                "finished_at": now(),
                "finish_reason": reason,
                "articles": stats.get("workercrawl/articles", 0),  # stored, not merely extracted
                "rejects": stats.get("workercrawl/rejected", 0),
                "pages": stats.get("response_received_count", 0),
                **counters,
                "stats": rows.dumps(stats),
            })

    def check_integrity(self) -> None:
        """PRAGMA quick_check before a run's first write: a file with damaged pages is refused
        in one line, never written to (a write could spread the damage)."""
        try:
            found = [r[0] for r in self.db.execute("PRAGMA quick_check(3)")]
        except sqlite3.DatabaseError as exc:
            found = [str(exc)]
        if found != ["ok"]:
            why = " ".join("; ".join(found).split())[:200]  # quick_check's lines, on one line
            raise DatabaseCorrupt(f"{self.path}: the database is damaged ({why}); nothing was "
                                  f"written — restore it from a backup, or rebuild it: sqlite3 {self.path} .recover")

    # -- buffered writes -------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._articles) + len(self._rejects) + len(self._raw) + len(self._aliases)

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

    def add_alias(self, url: str, article_url: str, reason: str, *, seen_at: str, run_id: int | None) -> None:
        """Queue: `url` is another URL of the article stored under `article_url` (see aliases.py)."""
        if canonical_url(url) != canonical_url(article_url):
            self._aliases.append(aliases.alias_row(canonical_url(url), canonical_url(article_url), reason,
                                                   seen_at=seen_at, run_id=run_id))

    def add_raw_page(self, **kwargs) -> None:
        if self.raw is not None:
            self._raw.append(rows.raw_row(**kwargs))

    @guarded
    def flush(self) -> FlushResult:
        """Write everything queued: raw pages first, then articles and rejects in one transaction.

        On error nothing of the failed transaction is written, the batch is dropped, and the
        StoreError raised carries `lost` (a LostBatch: how many rows it held)."""
        result = FlushResult()
        try:
            if self._raw:
                try:
                    with write_transaction(self.raw):
                        self.raw["pages"].upsert_all(self._raw, pk="url")
                except sqlite3.Error as exc:
                    raise describe(exc, self.raw_path, self.timeout) from exc
                result.raw_pages = len(self._raw)
                self._raw = []
            if self._articles or self._rejects or self._aliases:
                with write_transaction(self.db):
                    folded = list(self._aliases)
                    if self._articles:
                        kept, duplicates = aliases.fold(self.db, self._articles)
                        folded += duplicates
                        if kept:
                            articles, versions = history.stamp(self.db, kept, result)
                            self.db["articles"].upsert_all(articles, pk="url")
                            if versions:
                                self.db["article_versions"].insert_all(versions, pk="id")
                            search.index_missing(self.db, articles, self._segment)
                            stories.assign(self.db.conn, articles)
                    if folded:
                        aliases.upsert(self.db, folded)
                    if self._rejects:
                        self.db["rejects"].insert_all(self._rejects, pk="id")
                result.rejects, result.aliases = len(self._rejects), len(folded)
                result.duplicates = len(folded) - len(self._aliases)
                self._articles, self._rejects, self._aliases, self._segmented = [], [], [], {}
        except (sqlite3.Error, StoreError) as exc:
            # Dropped, not kept: a batch re-sent with every later item fails again and again
            # (a full disk), multiplying the time lost. The caller counts and reports it once.
            error = describe(exc, self.path, self.timeout)
            error.lost = LostBatch(len(self._articles), len(self._rejects), len(self._raw))
            self.discard()
            raise error from exc
        return result

    def discard(self) -> None:
        """Drop everything queued and not yet flushed (a run that stops on an error)."""
        self._articles, self._rejects, self._raw, self._aliases, self._segmented = [], [], [], [], {}

    def close(self) -> None:
        try:
            if self.pending:
                self.flush()
        finally:
            self.close_files()

    def close_files(self) -> None:
        for db in (self.db, getattr(self, "raw", None)):
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
    def aliases_of(self, urls: list[str]) -> dict[str, str]:
        """{url: the article URL it is an alias of} for those of `urls` that are aliases."""
        return pages.aliases_of(self.db, urls)

    @guarded
    def latest_rejects(self, urls: list[str]) -> dict[str, dict]:
        """The last rejects row of each of these canonical URLs, by URL."""
        return pages.latest_rejects(self.db, urls)

    # -- search, stats, export (the CLI's commands of the same names) -------------------------

    @guarded
    def search(self, query: str, limit: int = 10, since: str | None = None, until: str | None = None,
               order: str = "relevance", by_story: bool = False) -> list[dict]:
        """Best matches for a Chinese query (bm25): published_at, source, title, snippet, url,
        site, channel, score. since/until: only articles published on or after / on or before
        these date prefixes (until 2024-05 takes all of May). order="newest": the matches by
        published_at, newest first (score None). The syntax (OR, NOT, -, "phrase"):
        search.py; a query that cannot be searched raises search.BadQuery. by_story: one hit per
        story (the copies of a syndicated report collapse into its best match), with copies."""
        if not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive number, not {limit!r}")
        return search.run_search(self.db, query, limit, report.check_since(since), report.check_until(until),
                                 order, by_story)

    @guarded
    def count_matches(self, query: str, since: str | None = None, until: str | None = None,
                      by_story: bool = False) -> int:
        """How many articles (by_story: stories) `search` finds for this query and dates."""
        return search.count_matches(self.db, query, report.check_since(since), report.check_until(until),
                                    by_story)

    @guarded
    def stats(self) -> dict:
        return {"database": str(self.path), **report.stats(self.db)}

    @guarded
    def articles_under(self, prefix: str) -> int:
        """How many articles have a URL starting with prefix (a site's origin, a folder)."""
        return report.articles_under(self.db, prefix)

    @guarded
    def export(self, out: TextIO, fmt: str = "jsonl", since: str | None = None, until: str | None = None) -> int:
        """Write the articles to out as csv or jsonl; returns how many were written."""
        return report.export(self.db, out, fmt, report.check_since(since), report.check_until(until))

    @guarded
    def reindex_search(self, everything: bool = False) -> int:
        """Segment articles missing from the search index (all with everything=True)."""
        with self.db.atomic():
            return search.reindex(self.db, self.segmenter, everything=everything)

    @guarded
    def rebuild_stories(self) -> int:
        """Assign every article to a story again, oldest first (after a change of the method,
        or to undo what incremental assignment left); returns how many stories there are."""
        with write_transaction(self.db):
            return stories.rebuild(self.db.conn)

    @guarded
    def stories(self, since: str | None = None, min_copies: int = 2, limit: int | None = 20) -> list[dict]:
        """The most reprinted stories (copies ≥ min_copies, first published on or after
        `since`), each with its copies: url, site, published_at, delay_hours after the original."""
        return stories.most_reprinted(self.db.conn, report.check_since(since), min_copies, limit)

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
    def recent_runs(self, site: str, args: str, before_id: int, limit: int = 5) -> list[dict]:
        return crawlstate.recent_runs(self.db, site, args, before_id, limit)

    @guarded
    def coverage(self, site: str, run_id: int | None = None, before_id: int | None = None) -> dict:
        return crawlstate.coverage(self.db, site, run_id, before_id)

    @guarded
    def reject_reasons(self, run_id: int) -> dict[str, int]:
        return crawlstate.reject_reasons(self.db, run_id)
