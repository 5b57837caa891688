"""Normalize an extracted article's fields and turn invalid ones into rejections.

The rules live in workercrawl/validate.py, shared with `workercrawl reextract` and
`workercrawl extract`: a value stored by the crawl and one produced by re-extraction are
spelled the same.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from workercrawl.items import PageItem
from workercrawl.validate import INVALID, normalize_article, problem, validated  # noqa: F401 (re-exported)

logger = logging.getLogger(__name__)


class ValidationPipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        item = self._validate(item)
        if isinstance(item, PageItem) and item.nav.get("probe") and item.error is None:
            self._probe(item)
        return item

    def _validate(self, item):
        if not isinstance(item, PageItem) or not item.result or item.result.get("status") != "article":
            return item
        item.result = validated(item.result, item.nav)
        if item.result.get("status") != "article":
            why = item.result["detail"]
            self.stats.inc_value(f"workercrawl/invalid/{why.replace(' ', '-')}")
            logger.warning("not storing %s as an article: %s", item.url, why)
        return item

    def _probe(self, item: PageItem) -> None:
        """A page fetched only to see whether it is an article (generic crawl, probe_pages):
        navigation unless extraction found a dated article, so dropped quietly, not recorded."""
        result = item.result or {}
        if result.get("status") == "article" and result.get("published_at"):
            return
        self.stats.inc_value("workercrawl/probed_not_article")
        why = result.get("reason") or "no publish date"
        raise DropItem(f"{item.url} is not an article ({why}): navigation only", log_level="DEBUG")
