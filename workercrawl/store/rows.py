"""Turn articles, rejections and raw pages into table rows (and raw rows back into bytes)."""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

from workercrawl.urls import canonical_url

ARTICLE_FIELDS = (
    "title", "pretitle", "subtitle", "body", "site", "channel", "published_at", "source",
    "page_no", "page_name", "encoding", "profile", "extractor_version",
)
JSON_FIELDS = ("authors", "editors", "images")
COMPRESSION = "zlib"


def dumps(value: Any) -> str:
    # ensure_ascii=False: analysts read the JSON columns in sqlite3/datasette as Chinese.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def content_hash(body: str) -> str:
    """sha256 of the body with whitespace normalized: a re-crawl of an unchanged page hashes equal."""
    return hashlib.sha256(" ".join((body or "").split()).encode("utf-8")).hexdigest()


def article_row(article: dict, *, fetched_at: str, spider: str, run_id: int | None, pages: int = 1,
                url: str | None = None) -> dict:
    """The articles row; `url`: the key it is stored under (default: the URL it was fetched at)."""
    row = {"url": canonical_url(url or article["url"])}
    row.update({name: article.get(name) for name in ARTICLE_FIELDS})
    row.update({name: dumps(list(article.get(name) or [])) for name in JSON_FIELDS})
    row.update(
        content_hash=content_hash(article.get("body") or ""),
        pages=pages,
        fetched_url=article["url"],
        fetched_at=fetched_at,
        spider=spider,
        run_id=run_id,
    )
    return row


def reject_row(*, url: str, reason: str, detail: str | None, status: int | None, kind: str,
               spider: str, run_id: int | None, fetched_at: str, extractor_version: str | None = None) -> dict:
    return {
        "run_id": run_id, "url": canonical_url(url), "kind": kind, "status": status,
        "reason": reason, "detail": detail or None, "spider": spider,
        "fetched_at": fetched_at, "extractor_version": extractor_version,
    }


def pack_body(body: bytes) -> tuple[str, int, bytes]:
    """(sha256, size, compressed body) of a raw page: the costly part of raw_row, which an
    extraction worker process can do beforehand."""
    return hashlib.sha256(body).hexdigest(), len(body), zlib.compress(body, 6)


def raw_row(*, url: str, article_url: str, part: int, status: int, headers: dict, encoding: str | None,
            body: bytes, fetched_at: str, spider: str, run_id: int | None,
            packed: tuple[str, int, bytes] | None = None, nav: dict | None = None) -> dict:
    sha256, size, compressed = packed or pack_body(body)
    return {
        "url": canonical_url(url),
        "article_url": canonical_url(article_url),
        "part": part,
        "fetched_url": url,
        "status": status,
        "headers": dumps(headers or {}),
        "encoding": encoding,
        "sha256": sha256,
        "size": size,
        "compression": COMPRESSION,
        "body": compressed,
        "fetched_at": fetched_at,
        "spider": spider,
        "run_id": run_id,
        "nav": dumps(nav) if nav else None,  # what navigation knew: read the page again the same way
    }


def raw_body(row: dict) -> bytes:
    """The original bytes of a raw page row."""
    if row.get("compression") == COMPRESSION:
        return zlib.decompress(row["body"])
    if row.get("compression") in (None, "", "none"):
        return row["body"]
    raise ValueError(f"unknown compression {row.get('compression')!r} for {row.get('url')}")
