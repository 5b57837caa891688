"""Write PageItems to the store: raw pages, the article (upsert) or the rejection; one run row.

Every page item ends somewhere: an article row, or a rejects row with its reason (failed
fetch, robots.txt, not an article, invalid). Writes are batched (WORKERCRAWL_BATCH_SIZE) and
flushed at close; the run row is finished on spider_closed, when Scrapy's stats are final.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES

from workercrawl.items import PageItem
from workercrawl.store import Store, StoreError

logger = logging.getLogger(__name__)


def cmdline_settings(settings) -> dict:
    """The -s overrides of this run, for the runs table."""
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    return {name: str(value) for name, value in settings.items() if settings.getpriority(name) == cmdline}


class StoragePipeline:
    def __init__(self, crawler):
        settings = crawler.settings
        self.path = settings.get("WORKERCRAWL_DB")
        if not self.path:
            raise NotConfigured("WORKERCRAWL_DB is empty: articles are not stored")
        self.raw_path = settings.get("WORKERCRAWL_RAW_DB") or None
        self.batch_size = max(1, settings.getint("WORKERCRAWL_BATCH_SIZE", 50))
        self.crawler = crawler
        self.stats = crawler.stats
        self.store: Store | None = None
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        try:
            self.store = Store(self.path, self.raw_path)
            self.run_id = self.store.start_run(
                spider.name, getattr(spider, "spider_args", {}), cmdline_settings(self.crawler.settings))
        except StoreError as exc:  # locked, read-only, corrupt…: one line, and no crawl
            if self.store is not None:
                self.store.close()
                self.store = None
            logger.error("cannot store this crawl: %s", exc)
            raise CloseSpider("store-error") from None
        logger.info("storing into %s (raw pages: %s), run %s", self.path, self.raw_path or "off", self.run_id)

    def process_item(self, item):
        if not isinstance(item, PageItem):
            return item
        self._raw_pages(item)
        result = item.result or {}
        if item.error is not None:
            self._reject(item, item.error["reason"], item.error.get("detail"))
        elif result.get("status") == "article":
            self.store.add_article(result, fetched_at=item.fetched_at, spider=item.spider,
                                   run_id=self.run_id, pages=1 + len(item.more_pages), segmented=item.segmented)
            self.stats.inc_value("workercrawl/articles")
        elif result.get("status") == "rejected":
            self._reject(item, result["reason"], result.get("detail"), result.get("extractor_version"))
        if self.store.pending >= self.batch_size:
            self.flush()
        return item

    def _raw_pages(self, item: PageItem) -> None:
        pages = item.pages
        packed = item.packed if item.packed and len(item.packed) == len(pages) else [None] * len(pages)
        for part, (page, done) in enumerate(zip(pages, packed), start=1):
            if 200 <= page.status < 300 and page.body:
                self.store.add_raw_page(
                    url=page.url, article_url=item.url, part=part, status=page.status,
                    headers=page.headers, encoding=page.encoding, body=page.body,
                    fetched_at=page.fetched_at, spider=item.spider, run_id=self.run_id, packed=done)

    def _reject(self, item: PageItem, reason: str, detail: str | None, version: str | None = None) -> None:
        self.store.add_reject(
            url=item.url, reason=reason, detail=detail, status=item.status, kind=item.kind,
            spider=item.spider, run_id=self.run_id, fetched_at=item.fetched_at, extractor_version=version)
        self.stats.inc_value("workercrawl/rejected")
        self.stats.inc_value(f"workercrawl/rejected/{reason}")

    def flush(self) -> None:
        done = self.store.flush()
        self.stats.inc_value("workercrawl/flushes")
        for name in ("new", "updated", "unchanged"):
            if getattr(done, name):
                self.stats.inc_value(f"workercrawl/articles/{name}", getattr(done, name))
        if done.raw_pages:
            self.stats.inc_value("workercrawl/raw_pages", done.raw_pages)

    def close_spider(self):
        if self.store is not None:
            self.flush()

    def spider_closed(self, spider, reason):
        # After close_spider and after CoreStats has set finish_time/finish_reason.
        if self.store is None:
            return
        try:
            self.store.finish_run(self.run_id, reason, self.stats.get_stats())
        finally:
            self.store.close()
            self.store = None
