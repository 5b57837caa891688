"""Re-crawls: first_seen survives, last_seen moves, and a changed article leaves its previous
version in `article_versions`.

A version is recorded when the body's content_hash changes (whitespace does not count) or
when a field analysts cite changes: title, 引题/副题, published_at, source, authors, editors.
`changed` lists which, as a JSON array.
"""

from __future__ import annotations

from .rows import dumps

TRACKED = ("title", "pretitle", "subtitle", "published_at", "source", "authors", "editors")
_OLD_COLUMNS = ("url", "first_seen", "last_seen", "content_hash", "extractor_version", "body") + TRACKED


def changed_fields(old: dict, new: dict) -> list[str]:
    changed = [name for name in TRACKED if (old.get(name) or None) != (new.get(name) or None)]
    if old.get("content_hash") != new.get("content_hash"):
        changed.append("body")
    return changed


def version_row(old: dict, changed: list[str], *, replaced_at: str, run_id: int | None) -> dict:
    row = {name: old.get(name) for name in ("url", "content_hash", "body", "extractor_version") + TRACKED}
    row.update(changed=dumps(changed), seen_at=old.get("last_seen"), replaced_at=replaced_at, run_id=run_id)
    return row


def stamp(db, batch: list[dict], result) -> tuple[list[dict], list[dict]]:
    """Set first_seen/last_seen on a batch of article rows, count new/updated/unchanged on
    result, and return (one row per URL, the last one; the version rows to insert)."""
    urls = list({row["url"] for row in batch})
    marks = ",".join("?" * len(urls))
    known = {
        r["url"]: dict(r) for r in db.query(
            f"SELECT {', '.join(_OLD_COLUMNS)} FROM articles WHERE url IN ({marks})", urls)
    }
    latest: dict[str, dict] = {}
    versions: list[dict] = []
    for row in batch:  # in order: the same URL twice in a batch is two steps of history
        old = known.get(row["url"])
        row["first_seen"] = old["first_seen"] if old else row["fetched_at"]
        row["last_seen"] = row["fetched_at"]
        if old is None:
            result.new += 1
        else:
            changed = changed_fields(old, row)
            if changed:
                result.updated += 1
                versions.append(version_row(old, changed, replaced_at=row["fetched_at"], run_id=row.get("run_id")))
            else:
                result.unchanged += 1
        known[row["url"]] = row
        latest[row["url"]] = row
    return list(latest.values()), versions
