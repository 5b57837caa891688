"""Read-side summaries: `stats` (the quick health view) and `export` (CSV / JSON lines)."""

from __future__ import annotations

import csv
import datetime
import json
import re
from typing import TextIO

EXPORT_COLUMNS = (
    "url", "published_at", "site", "channel", "source", "title", "pretitle", "subtitle",
    "authors", "editors", "body", "images", "page_no", "page_name", "pages",
    "first_seen", "last_seen", "content_hash", "extractor_version", "story_id", "duplicate_of",
)
NAME_LISTS = ("authors", "editors")
FORMATS = ("csv", "jsonl")
CSV_NAME_SEPARATOR = "、"  # authors/editors in a CSV cell: 李国、孙欣
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?)?)?$")


def check_date(value: str | None) -> str | None:
    """A date prefix compared with published_at — 2024, 2024-05, 2024-05-20 (a time may follow:
    2024-05-20T08:00) — that is a real date (not 2024-13-45, not 2024-02-30), or None."""
    if value in (None, ""):
        return None
    value = value.strip()
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day, hour, minute, second = (None if part is None else int(part) for part in match.groups())
    try:  # a part not given: the first month, day, hour…
        datetime.datetime(year, 1 if month is None else month, 1 if day is None else day,
                          hour or 0, minute or 0, second or 0)
    except ValueError as exc:  # "month must be in 1..12", "day is out of range for month"
        raise ValueError(f"not a real date: {value!r} ({exc})") from None
    return value.replace(" ", "T")


def check_since(value: str | None) -> str | None:
    """The start of a date range (inclusive): check_date."""
    return check_date(value)


def check_until(value: str | None) -> str | None:
    """The end of a date range, inclusive of the whole prefix (2024-05: all of May): check_date."""
    return check_date(value)


def _share(part: int, total: int) -> float:
    return round(part / total, 4) if total else 0.0


def stats(db) -> dict:
    """Counts per site, channel, source and month, and field coverage (shares of articles).

    Written for a million articles (under a second, bench/store.py --scale): each count reads an
    index, never the articles table, and one scan serves several figures — the months give the
    total and the date coverage (the month index of schema.py 0009), the sources the source
    coverage, the channels the sites; people coverage reads the (role, url) index."""
    one = lambda sql, params=(): db.execute(sql, params).fetchone()[0]  # noqa: E731

    def counts(sql: str) -> list[dict]:
        return [dict(r) for r in db.query(sql)]

    months = counts("SELECT substr(published_at, 1, 7) AS month, count(*) AS articles, "
                    "count(published_at) AS dated, coalesce(sum(published_at GLOB '????-??-??T*'), 0) AS timed "
                    "FROM articles GROUP BY month ORDER BY month IS NULL, month")
    total = sum(m["articles"] for m in months)
    by_source = counts("SELECT source, count(*) AS articles FROM articles "
                       "GROUP BY source ORDER BY articles DESC, source")
    by_channel = counts("SELECT site, channel, count(*) AS articles FROM articles "
                        "GROUP BY site, channel ORDER BY articles DESC, site, channel")
    sites: dict = {}
    for row in by_channel:
        sites[row["site"]] = sites.get(row["site"], 0) + row["articles"]
    by_site = [{"site": site, "articles": n} for site, n in
               sorted(sites.items(), key=lambda kv: (-kv[1], kv[0] is not None, kv[0] or ""))]
    coverage = {
        "published_at": _share(sum(m["dated"] for m in months), total),
        "time": _share(sum(m["timed"] for m in months), total),
        "source": _share(sum(r["articles"] for r in by_source if r["source"] is not None), total),
        "authors": _share(one("SELECT count(DISTINCT url) FROM article_people WHERE role = 'author'"), total),
        "editors": _share(one("SELECT count(DISTINCT url) FROM article_people WHERE role = 'editor'"), total),
    }
    last_run = [dict(r) for r in db.query(
        "SELECT id, spider, started_at, finished_at, finish_reason, pages, items, articles, rejects, "
        "errors, retries, bytes FROM runs ORDER BY id DESC LIMIT 1")]
    return {
        "articles": total,
        "stories": one("SELECT count(DISTINCT story_id) FROM articles"),
        "reprinted": one("SELECT count(*) FROM stories WHERE copies > 1"),
        "versions": one("SELECT count(*) FROM article_versions"),
        "rejects": one("SELECT count(*) FROM rejects"),
        "runs": one("SELECT count(*) FROM runs"),
        "coverage": coverage,
        "by_site": by_site,
        "by_channel": by_channel,
        "by_source": by_source,
        "by_month": [{"month": m["month"], "articles": m["articles"]} for m in months],
        "last_run": last_run[0] if last_run else None,
        "last_run_rejects": counts(
            "SELECT reason, count(*) AS rejects FROM rejects WHERE run_id = (SELECT max(id) FROM runs) "
            "GROUP BY reason ORDER BY rejects DESC, reason"),
    }


def articles_under(db, prefix: str) -> int:
    """Articles whose URL starts with `prefix` (one server's articles: http://127.0.0.1:PORT/)."""
    return db.execute("SELECT count(*) FROM articles WHERE substr(url, 1, ?) = ?", [len(prefix), prefix]).fetchone()[0]


def _rows(db, since: str | None, until: str | None = None):
    """Articles oldest first; since/until as in search (until || '~': the whole prefix)."""
    where, params = [], []
    if since:
        where.append("published_at >= ?")
        params.append(since)
    if until:
        where.append("published_at < ? || '~'")
        params.append(until)
    sql = f"SELECT {', '.join(EXPORT_COLUMNS)} FROM articles"
    return db.query(sql + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY published_at, url", params)


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value safe to open in Excel/LibreOffice (OWASP CSV injection): text that a spreadsheet
    would read as a formula gets a leading apostrophe, shown as text. JSON lines stay exact."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(db, out: TextIO, fmt: str, since: str | None = None, until: str | None = None) -> int:
    """Write articles (published since `since` and until `until`, oldest first) to out; return how many.

    jsonl: one object per line, authors/editors/images as arrays, values exact. csv: a header
    row, names joined with 、, images as JSON text, formula-like cells neutralized (csv_cell)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use {' or '.join(FORMATS)})")
    count = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(EXPORT_COLUMNS)
    for row in _rows(db, since, until):
        record = dict(row)
        for name in NAME_LISTS + ("images",):
            try:
                record[name] = json.loads(record[name]) if record[name] else []
            except ValueError:
                pass  # written by hand outside the store: export as is
        if writer:
            for name in NAME_LISTS:
                if isinstance(record[name], list):
                    record[name] = CSV_NAME_SEPARATOR.join(map(str, record[name]))
            record["images"] = json.dumps(record["images"], ensure_ascii=False) if record["images"] else ""
            writer.writerow([csv_cell(record[name]) for name in EXPORT_COLUMNS])
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
