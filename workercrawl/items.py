"""What spiders hand to the pipelines: fetched pages, never parsed articles.

Spiders only navigate. A PageItem carries the raw response(s) of one article URL; the
extraction pipeline fills `result`, the storage pipeline writes it. A failed fetch is a
PageItem with `error` set, so every URL a spider wanted ends up accounted for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ARTICLE = "article"          # an article URL (page 1 of a multi-page article)
CONTINUATION = "continuation"  # page 2..N of a multi-page article
LIST = "list"                # a channel list page
ISSUE_PAGE = "issue-page"    # an e-paper page (版面)


def utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(repr=False)
class Fetched:
    """One HTTP response as received (body already Content-Encoding decoded by Scrapy)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    encoding: str | None = None  # as Scrapy decoded it (header, <meta>, BOM or guess)

    @classmethod
    def from_response(cls, response) -> "Fetched":
        headers = dict(response.headers.to_unicode_dict())
        encoding = getattr(response, "encoding", None)  # binary responses have none
        return cls(response.url, response.status, headers, response.body, utcnow(), encoding)

    def __repr__(self) -> str:
        return f"<Fetched {self.status} {self.url} {len(self.body)} bytes>"


@dataclass(repr=False)
class PageItem:
    url: str
    spider: str
    kind: str = ARTICLE
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fetched_at: str = field(default_factory=utcnow)
    encoding: str | None = None
    more_pages: list[Fetched] = field(default_factory=list)
    # What navigation knows about the page: e-paper 版次/版名, issue date, the list it came from.
    nav: dict[str, Any] = field(default_factory=dict)
    # Set by the spider's errback: {"reason": code, "detail": words}. No body then.
    error: dict[str, str] | None = None
    # Set by the extraction pipeline: Article.to_dict() or Rejection.to_dict().
    result: dict[str, Any] | None = None
    # Set by the extraction pipeline's workers: {text: segmented text} for the search index.
    segmented: dict[str, str] | None = None
    # ... and (sha256, size, zlib-compressed body) of each page in `pages`, for the raw store.
    packed: list[tuple[str, int, bytes]] | None = None

    @classmethod
    def from_fetched(cls, page: Fetched, spider: str, **kwargs) -> "PageItem":
        return cls(url=page.url, spider=spider, status=page.status, headers=page.headers,
                   body=page.body, fetched_at=page.fetched_at, encoding=page.encoding, **kwargs)

    @property
    def pages(self) -> list[Fetched]:
        """Every response behind this item, page 1 first (empty for a failed fetch)."""
        if self.error is not None and not self.body:
            return []
        first = Fetched(self.url, self.status or 0, self.headers, self.body, self.fetched_at, self.encoding)
        return [first, *self.more_pages]

    def __repr__(self) -> str:
        # Scrapy logs every item; never dump a page body into the log.
        state = self.error and self.error.get("reason") or (self.result or {}).get("status") or "fetched"
        extra = f" +{len(self.more_pages)} pages" if self.more_pages else ""
        return f"<PageItem {self.kind} {self.status} {self.url}{extra} {state}>"
