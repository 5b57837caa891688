"""One row per article, however many URLs reach it.

An article stored under URL A may be reached again under B: a tracking parameter a site adds
(?sid=N, ?from=timeline), a redirect, a print view. B is then an alias of A (table
`article_aliases`), not a second articles row. How B is recognised:

- canonical: the page names its own URL in <link rel=canonical> and it differs from B only
  in the query string (workercrawl.ingest.article_key decides, before the store sees it);
- duplicate: no such link, but an article on the same host already has exactly this body
  (content_hash) and title — `fold` finds it at flush time;
- redirect: B answered with a redirect to A (recorded by the crawl).

Two different articles never merge: ?id=N pages of an old CMS differ in content, and the
same text on two sites (a reprint) stays two articles (stories group those).
"""

from __future__ import annotations

from urllib.parse import urlsplit

CANONICAL, DUPLICATE, REDIRECT = "canonical", "duplicate", "redirect"


def _host(url: str) -> str:
    return urlsplit(url).netloc


def alias_row(url: str, article_url: str, reason: str, *, seen_at: str, run_id: int | None) -> dict:
    return {"url": url, "article_url": article_url, "reason": reason, "first_seen": seen_at,
            "last_seen": seen_at, "run_id": run_id}


def fold(db, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Split a batch of article rows into (rows to upsert, alias rows): a row whose URL is not
    yet an article, and whose (content_hash, title) an article on the same host already has —
    in the database or earlier in this batch — becomes an alias of that article."""
    urls = sorted({r["url"] for r in rows})
    hashes = sorted({r["content_hash"] for r in rows})
    existing = set()
    by_hash: dict[tuple, str] = {}
    for start in range(0, len(urls), 500):
        chunk = urls[start:start + 500]
        existing.update(r[0] for r in db.execute(
            f"SELECT url FROM articles WHERE url IN ({','.join('?' * len(chunk))})", chunk))
    for start in range(0, len(hashes), 500):
        chunk = hashes[start:start + 500]
        for url, content_hash, title in db.execute(
                f"SELECT url, content_hash, title FROM articles WHERE content_hash IN ({','.join('?' * len(chunk))}) "
                "ORDER BY first_seen, url", chunk):
            by_hash.setdefault((_host(url), content_hash, title), url)
    kept, aliases = [], []
    for row in rows:
        key = (_host(row["url"]), row["content_hash"], row["title"])
        same = by_hash.get(key)
        if row["url"] not in existing and same is not None and same != row["url"]:
            aliases.append(alias_row(row["url"], same, DUPLICATE, seen_at=row["fetched_at"], run_id=row.get("run_id")))
            continue
        by_hash.setdefault(key, row["url"])
        kept.append(row)
    return kept, aliases


def upsert(db, aliases: list[dict]) -> None:
    """Record aliases; one seen again keeps its first_seen and moves last_seen."""
    for row in aliases:
        db.execute(
            "INSERT INTO article_aliases (url, article_url, reason, first_seen, last_seen, run_id) "
            "VALUES (:url, :article_url, :reason, :first_seen, :last_seen, :run_id) "
            "ON CONFLICT(url) DO UPDATE SET article_url = excluded.article_url, reason = excluded.reason, "
            "last_seen = excluded.last_seen, run_id = excluded.run_id", row)
