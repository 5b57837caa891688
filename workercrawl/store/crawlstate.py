"""What scheduled crawls ask the store: which URLs are already known (incremental crawling),
and the recent runs and per-run field coverage that workercrawl.health judges."""

from __future__ import annotations

import json

# Rejections that say what a fetched page IS (not an article, unreadable…): fetching it again
# next run gives the same answer. Fetch failures (timeouts, 5xx, resets) are retried next run.
# robots.txt refusals are settled too: never fetched, they need not be refused every run.
SETTLED_REASONS = ("not-article", "invalid", "binary", "too-large", "empty", "undecodable", "unparseable",
                   "robots-disallowed")
GONE_STATUSES = (404, 410)  # a dead link stays dead; -a refresh=1 tries it again
_CHUNK = 500  # SQLite host parameters per query


def known_urls(db, urls: list[str]) -> set[str]:
    """The canonical URLs among `urls` that are stored articles (or their aliases) or settled rejects."""
    found: set[str] = set()
    reasons = ", ".join("?" * len(SETTLED_REASONS))
    gone = ", ".join("?" * len(GONE_STATUSES))
    for start in range(0, len(urls), _CHUNK):
        chunk = urls[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        found.update(r[0] for r in db.execute(f"SELECT url FROM articles WHERE url IN ({marks})", chunk))
        found.update(r[0] for r in db.execute(f"SELECT url FROM article_aliases WHERE url IN ({marks})", chunk))
        found.update(r[0] for r in db.execute(
            f"SELECT DISTINCT url FROM rejects WHERE url IN ({marks}) "
            f"AND (reason IN ({reasons}) OR (reason = 'http-error' AND status IN ({gone})))",
            [*chunk, *SETTLED_REASONS, *GONE_STATUSES]))
    return found


def check_writable(db) -> None:
    """Take and release the write lock: raises (busy, read-only) when a crawl could not write."""
    db.conn.execute("BEGIN IMMEDIATE")
    db.conn.execute("ROLLBACK")


def previous_run_finished(db, spider: str, args: str) -> bool:
    """Did the run before the current one (same spider and arguments) finish normally?
    True when there was none. The current run's row is the newest one."""
    found = [r[0] for r in db.execute(
        "SELECT finish_reason FROM runs WHERE spider = ? AND args = ? ORDER BY id DESC LIMIT 2", [spider, args])]
    return len(found) < 2 or found[1] == "finished"


def _run(row) -> dict:
    run = dict(row)
    try:
        run["stats"] = json.loads(run.get("stats") or "{}")
    except ValueError:
        run["stats"] = {}
    return run


def run(db, run_id: int) -> dict | None:
    found = list(db.query("SELECT * FROM runs WHERE id = ?", [run_id]))
    return _run(found[0]) if found else None


def last_run_id(db) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]


def runs_since(db, after_id: int, spider: str | None = None) -> list[dict]:
    """Runs started after run `after_id` (optionally of one spider), oldest first."""
    sql, params = "SELECT * FROM runs WHERE id > ?", [after_id]
    if spider:
        sql, params = sql + " AND spider = ?", params + [spider]
    return [_run(r) for r in db.query(sql + " ORDER BY id", params)]


def recent_runs(db, site: str, args: str, before_id: int, limit: int = 5) -> list[dict]:
    """The last `limit` finished runs of the same site with the same arguments, newest first."""
    return [_run(r) for r in db.query(
        "SELECT * FROM runs WHERE site = ? AND args = ? AND id < ? AND finished_at IS NOT NULL "
        "AND finish_reason = 'finished' ORDER BY id DESC LIMIT ?", [site, args, before_id, limit])]


def coverage(db, site: str, run_id: int | None = None, before_id: int | None = None) -> dict:
    """Articles stored by runs of one site (run `run_id`, or the runs before `before_id`) and the
    share of them with a time of day and with a source: {"articles", "time", "source"}."""
    if run_id is not None:
        where, params = "run_id = ?", [run_id]
    else:
        where, params = "run_id IN (SELECT id FROM runs WHERE site = ? AND id < ?)", [site, before_id]
    total, timed, sourced = db.execute(
        f"SELECT count(*), count(CASE WHEN published_at GLOB '????-??-??T*' THEN 1 END), count(source) "
        f"FROM articles WHERE {where}", params).fetchone()
    share = (lambda n: round(n / total, 4) if total else 0.0)  # noqa: E731
    return {"articles": total, "time": share(timed), "source": share(sourced)}


def reject_reasons(db, run_id: int) -> dict[str, int]:
    return {r[0]: r[1] for r in db.execute(
        "SELECT reason, count(*) FROM rejects WHERE run_id = ? GROUP BY reason", [run_id])}
