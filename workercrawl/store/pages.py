"""Reading stored raw pages back for re-extraction, in bounded batches (keyset on rowid).

Every query here is short: a batch is read, the statement finishes, no read transaction is
held while the caller extracts — memory stays flat and the WAL can checkpoint, however many
pages there are. Bodies stay compressed; whoever extracts decompresses (rows.raw_body).
"""

from __future__ import annotations

_PAGE_COLUMNS = "rowid AS rowid, url, article_url, part, fetched_url, status, headers, encoding, compression, body, fetched_at, spider, nav"


def count_articles(raw_db, since: str | None = None) -> int:
    """How many stored articles (page 1 rows) a batch walk with `since` will visit."""
    sql, params = "SELECT count(*) FROM pages WHERE part = 1", []
    if since:
        sql, params = sql + " AND fetched_at >= ?", [since]
    return raw_db.execute(sql, params).fetchone()[0]


def article_batches(raw_db, *, since: str | None = None, size: int = 200, after: int = 0):
    """Yield lists of stored articles in rowid order: each the page-1 row (compressed body)
    with `more`, its continuation rows (part 2..N, in order)."""
    while True:
        sql = f"SELECT {_PAGE_COLUMNS} FROM pages WHERE rowid > ? AND part = 1"
        params: list = [after]
        if since:
            sql, params = sql + " AND fetched_at >= ?", params + [since]
        firsts = [dict(r) for r in raw_db.query(sql + " ORDER BY rowid LIMIT ?", params + [size])]
        if not firsts:
            return
        urls = [r["article_url"] for r in firsts]
        more: dict[str, list[dict]] = {}
        for r in raw_db.query(f"SELECT {_PAGE_COLUMNS} FROM pages WHERE article_url IN ({','.join('?' * len(urls))}) "
                              "AND part > 1 ORDER BY article_url, part", urls):
            more.setdefault(r["article_url"], []).append(dict(r))
        for r in firsts:
            r["more"] = more.get(r["article_url"], [])
        yield firsts
        after = firsts[-1]["rowid"]


def articles_by_url(db, urls: list[str]) -> dict[str, dict]:
    """The current articles rows of these URLs."""
    if not urls:
        return {}
    return {r["url"]: dict(r) for r in db.query(
        f"SELECT * FROM articles WHERE url IN ({','.join('?' * len(urls))})", urls)}


def latest_rejects(db, urls: list[str]) -> dict[str, dict]:
    """The most recent rejects row of each of these URLs."""
    if not urls:
        return {}
    return {r["url"]: dict(r) for r in db.query(
        "SELECT r.* FROM rejects r JOIN (SELECT url, max(id) AS id FROM rejects "
        f"WHERE url IN ({','.join('?' * len(urls))}) GROUP BY url) m ON m.id = r.id", urls)}


def aliases_of(db, urls: list[str]) -> dict[str, str]:
    """{alias url: article url} for the aliases among these URLs."""
    if not urls:
        return {}
    return {r[0]: r[1] for r in db.execute(
        f"SELECT url, article_url FROM article_aliases WHERE url IN ({','.join('?' * len(urls))})", urls)}
