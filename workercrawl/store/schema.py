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


# -- after the first release: history, people, search, run counters ---------------------------

@main(name="0002_article_versions")
def _article_versions(db: Database) -> None:
    db["article_versions"].create(
        {
            "id": int,
            "url": str,               # the article (articles.url)
            "content_hash": str,      # of this earlier body
            "title": str,
            "pretitle": str,
            "subtitle": str,
            "published_at": str,
            "source": str,
            "authors": str,           # JSON array
            "editors": str,           # JSON array
            "body": str,
            "changed": str,           # JSON array: the fields the next version changed
            "seen_at": str,           # the last time this version was fetched
            "replaced_at": str,       # when the next version was fetched
            "extractor_version": str,  # that read this version
            "run_id": int,            # the run that saw the change
        },
        pk="id",
        not_null={"url"},
    )
    db["article_versions"].create_index(["url", "replaced_at"], find_unique_name=True)
    db["articles"].create_index(["site", "channel"], find_unique_name=True)


def _people_select(ref: str, source: str = "") -> str:
    """authors and editors of the articles row `ref` as (url, role, name, position) rows.

    ref is `new` in a trigger; for a backfill, ref is an alias and source "articles AS a, "."""
    parts = []
    for role, column in (("author", "authors"), ("editor", "editors")):
        value = f"{ref}.{column}"
        array = f"CASE WHEN json_valid({value}) THEN CASE WHEN json_type({value}) = 'array' THEN {value} END END"
        parts.append(f"SELECT {ref}.url, '{role}', j.value, j.key FROM {source}json_each({array}) AS j "
                     "WHERE j.type = 'text' AND trim(j.value) != ''")
    return " UNION ALL ".join(parts)


@main(name="0003_article_people")
def _article_people(db: Database) -> None:
    """One row per (article, role, name): "all articles by reporter X" is an indexed lookup.

    Kept in sync with articles.authors / articles.editors by triggers, whoever writes."""
    db["article_people"].create(
        {"url": str, "role": str, "name": str, "position": int},  # role: 'author' | 'editor'
        pk=("url", "role", "name"),
    )
    db["article_people"].create_index(["name", "role"], find_unique_name=True)
    insert = f"INSERT OR IGNORE INTO article_people (url, role, name, position) {_people_select('new')};"
    db.execute(f"CREATE TRIGGER articles_people_insert AFTER INSERT ON articles BEGIN {insert} END")
    db.execute(
        "CREATE TRIGGER articles_people_update AFTER UPDATE OF url, authors, editors ON articles "
        "WHEN old.url IS NOT new.url OR old.authors IS NOT new.authors OR old.editors IS NOT new.editors "
        f"BEGIN DELETE FROM article_people WHERE url = old.url; {insert} END")
    db.execute("CREATE TRIGGER articles_people_delete AFTER DELETE ON articles "
               "BEGIN DELETE FROM article_people WHERE url = old.url; END")
    db.execute("INSERT OR IGNORE INTO article_people (url, role, name, position) "
               + _people_select("a", "articles AS a, "))


_SEARCH_0004 = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, body, content='article_search', content_rowid='id', tokenize='unicode61')",
    # external-content sync: article_search → articles_fts
    """CREATE TRIGGER article_search_ai AFTER INSERT ON article_search BEGIN
  INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END""",
    """CREATE TRIGGER article_search_ad AFTER DELETE ON article_search BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END""",
    """CREATE TRIGGER article_search_au AFTER UPDATE OF title, body ON article_search BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END""",
    # articles → article_search: drop what no longer matches the article, copy the date
    """CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
  DELETE FROM article_search WHERE url = old.url;
END""",
    """CREATE TRIGGER articles_search_stale AFTER UPDATE OF url, title, pretitle, subtitle, body ON articles
WHEN old.url IS NOT new.url OR old.title IS NOT new.title OR old.pretitle IS NOT new.pretitle
  OR old.subtitle IS NOT new.subtitle OR old.body IS NOT new.body
BEGIN
  DELETE FROM article_search WHERE url = old.url;
END""",
    """CREATE TRIGGER articles_search_date AFTER UPDATE OF published_at ON articles
WHEN old.published_at IS NOT new.published_at
BEGIN
  UPDATE article_search SET published_at = new.published_at WHERE url = new.url;
END""",
]


@main(name="0004_search")
def _search(db: Database) -> None:
    """Segmented shadow rows + FTS5 index (see workercrawl/store/search.py), filled for the
    articles already stored."""
    from . import search

    db["article_search"].create(
        {"id": int, "url": str, "published_at": str, "title": str, "body": str},
        pk="id",
        not_null={"url"},
    )
    db["article_search"].create_index(["url"], unique=True, find_unique_name=True)
    db["article_search"].create_index(["published_at"], find_unique_name=True)
    for statement in _SEARCH_0004:
        db.execute(statement)
    search.reindex(db)


RUN_COUNTERS = {  # runs column → Scrapy stats key
    "items": "item_scraped_count",
    "errors": "log_count/ERROR",
    "retries": "retry/count",
    "requests": "downloader/request_count",
    "bytes": "downloader/response_bytes",
    "elapsed": "elapsed_time_seconds",
}


@main(name="0005_run_counters")
def _run_counters(db: Database) -> None:
    """Scrapy's counters as columns (they were only in the stats JSON), filled for old runs."""
    for column in RUN_COUNTERS:
        db["runs"].add_column(column, float if column == "elapsed" else int)
    sets = ", ".join(f'{column} = json_extract(stats, \'$."{key}"\')' for column, key in RUN_COUNTERS.items())
    db.execute(f"UPDATE runs SET {sets} WHERE json_valid(stats)")


# Counters added by 0006 (kept apart: 0005 must apply exactly as it always did).
RUN_COUNTERS_0006 = {
    "extracted": "workercrawl/extracted",        # pages read as articles (before storing)
    "store_errors": "workercrawl/store_errors",  # batches the database refused
    "lost": "workercrawl/lost",                  # articles and rejects in those batches
}


@main(name="0006_identity_and_run_truth")
def _identity(db: Database) -> None:
    """An identity the raw-page file records as its owner (one database pair, never shared);
    the site a run crawled (runs are judged per site, and `sites` serves many); and the
    counters that make a run's numbers true: extracted, store errors, rows lost."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    db.execute("INSERT INTO meta (key, value) VALUES ('id', lower(hex(randomblob(16))))")
    db["runs"].add_column("site", str)
    for column in RUN_COUNTERS_0006:
        db["runs"].add_column(column, int)
    # Earlier runs: the site was the spider, or its -a site argument.
    db.execute("UPDATE runs SET site = coalesce(CASE WHEN json_valid(args) THEN json_extract(args, '$.site') END, "
               "spider)")
    db["runs"].create_index(["site", "id"], find_unique_name=True)


@raw(name="0002_owner_and_nav")
def _raw_owner(db: Database) -> None:
    """meta.owner: the id of the articles database these pages belong to (claimed on first
    use); pages.nav: what navigation knew of the page (e-paper 版次, charset hint), so a
    re-extraction reads the page exactly as the crawl did."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["pages"].add_column("nav", str)


@main(name="0007_article_aliases")
def _article_aliases(db: Database) -> None:
    """Other URLs of a stored article: the same page reached under several URLs (?sid=N,
    ?utm=N, a redirect) is one articles row; each other URL is an alias, so it is accounted
    for, skipped by incremental runs, and never a second row in the search index."""
    db["article_aliases"].create(
        {
            "url": str,               # canonical URL that led to the article
            "article_url": str,       # the articles row it is (articles.url)
            "reason": str,            # canonical (the page's rel=canonical), duplicate (same content), redirect
            "first_seen": str,
            "last_seen": str,
            "run_id": int,
        },
        pk="url",
        not_null={"article_url"},
    )
    db["article_aliases"].create_index(["article_url"], find_unique_name=True)
    db["articles"].create_index(["content_hash"], find_unique_name=True)


@main(name="0008_stories")
def _stories(db: Database) -> None:
    """Stories: the same report on several sites (see workercrawl/store/stories.py). Each
    article belongs to one story (a report printed once is a story of one copy); the
    story's original is its earliest published copy, and every other copy names it in
    duplicate_of. story_signatures and story_bands are the LSH index; the articles already
    stored are assigned here."""
    from . import stories

    db["stories"].create(
        {
            "id": int,
            "original_url": str,        # the earliest published copy (ties: the 来源 paper's own site)
            "title": str,               # the original's
            "site": str,                # the original's
            "first_published_at": str,  # the original's published_at
            "copies": int,              # articles in the story, the original included
            "sites": int,               # distinct sites among them
        },
        pk="id",
    )
    db["stories"].create_index(["copies"], find_unique_name=True)
    db["stories"].create_index(["first_published_at"], find_unique_name=True)
    db["articles"].add_column("story_id", int)
    db["articles"].add_column("duplicate_of", str)  # the original's URL; NULL for the original
    db["articles"].create_index(["story_id"], find_unique_name=True)
    for statement in stories.SCHEMA:  # the LSH index (a WITHOUT ROWID table: plain SQL)
        db.execute(statement)
    stories.rebuild(db.conn)


# The week the dashboard's per-week charts group by (datasette_plugin/charts.py uses this text:
# an index on an expression serves only queries that spell it the same way).
WEEK_EXPR = "date(substr(published_at, 1, 10), '-6 days', 'weekday 1')"


@main(name="0009_scale_indexes")
def _scale_indexes(db: Database) -> None:
    """Indexes for a million articles (bench/store.py --scale), no data changed:
    - articles (source, published_at): "articles by source, newest first" reads 500 index
      entries instead of sorting every article of 工人日报;
    - article_search (id, published_at): an article's date by its search rowid from a narrow
      index rather than the wide segmented row (the term-trend chart, newest-first search);
    - articles (week, site | source, published_at): the per-week charts count from the index,
      without computing a date for every article;
    - articles (month, published_at) and article_people (role, url): `workercrawl stats` and
      the articles-per-month query read them instead of sorting a million rows."""
    db["articles"].create_index(["source", "published_at"], find_unique_name=True)
    db.execute("CREATE INDEX IF NOT EXISTS idx_article_search_id_published_at ON article_search (id, published_at)")
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_articles_week_site ON articles ({WEEK_EXPR}, site, published_at)")
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_articles_week_source ON articles ({WEEK_EXPR}, source, published_at)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_month ON articles (substr(published_at, 1, 7), published_at)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_article_people_role_url ON article_people (role, url)")
    # No ANALYZE here: statistics taken of a new, empty database mislead the planner once it
    # fills (inserts ran at half speed). `PRAGMA optimize` on a grown database: operations.md.
