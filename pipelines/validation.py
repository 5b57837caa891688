"""Count and log invalid articles, and drop the generic crawl's probe pages that are not articles.

Validation itself (normalizers, invalid → rejection) happened in workercrawl.ingest.read, the
one path every page takes; this adapter only does what is about the crawl: stats, log lines,
and the probe rule.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from workercrawl.items import PageItem
from workercrawl.validate import INVALID

logger = logging.getLogger(__name__)


class ValidationPipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, PageItem):
            return item
        result = item.result or {}
        if result.get("reason") == INVALID:
            why = result.get("detail") or "?"
            self.stats.inc_value(f"workercrawl/invalid/{why.replace(' ', '-')}")
            logger.warning("not storing %s as an article: %s", item.url, why)
        if item.nav.get("probe") and item.error is None:
            self._probe(item)
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
