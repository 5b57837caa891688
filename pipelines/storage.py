"""Record each PageItem through workercrawl.ingest: raw pages, then the article or the reject.

Every page item ends somewhere: an article row, or a rejects row with its reason (failed
fetch, robots.txt, not an article, invalid). Writes are batched (WORKERCRAWL_BATCH_SIZE) and
flushed at close; the run row is finished on spider_closed, when Scrapy's stats are final.

The counts are true: `workercrawl/extracted` counts articles read, `workercrawl/articles` and
`workercrawl/rejected[/reason]` count rows the database committed. A batch the database
refuses (full disk, locked past the busy timeout) is counted once (`workercrawl/store_errors`,
`workercrawl/lost`), dropped rather than re-sent with every later item, and closes the spider
with reason `store-error`: nothing more can be stored, and the next run fetches those pages again.
"""

from __future__ import annotations

import logging
from collections import Counter

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.defer import deferred_from_coro

from workercrawl import ingest
from workercrawl.items import PageItem
from workercrawl.store import Store, StoreError
from workercrawl.store.store import raw_choice

logger = logging.getLogger(__name__)
STORE_ERROR = "store-error"


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
        self.raw = raw_choice(settings.get("WORKERCRAWL_RAW_DB"))
        self.timeout = settings.getfloat("WORKERCRAWL_DB_TIMEOUT", 30.0)
        self.batch_size = max(1, settings.getint("WORKERCRAWL_BATCH_SIZE", 50))
        self.crawler = crawler
        self.stats = crawler.stats
        self.store: Store | None = None
        self.run_id: int | None = None
        self.queued: Counter = Counter()  # "article" / reject reason → rows in the unflushed batch
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        site = getattr(spider, "site_key", None) or getattr(spider, "key", None)
        try:
            self.store = Store(self.path, self.raw, timeout=self.timeout)
            self.run_id = self.store.start_run(
                spider.name, getattr(spider, "spider_args", {}), cmdline_settings(self.crawler.settings), site=site)
        except StoreError as exc:  # locked, read-only, corrupt, not ours…: one line, and no crawl
            if self.store is not None:
                self.store.close_files()
                self.store = None
            logger.error("cannot store this crawl: %s", exc)
            self.stats.set_value("workercrawl/store_error", str(exc))
            raise CloseSpider(STORE_ERROR) from None
        self.stats.set_value("workercrawl/run_id", self.run_id)
        logger.info("storing into %s (raw pages: %s), run %s", self.path, self.store.raw_path or "off", self.run_id)

    def process_item(self, item):
        if not isinstance(item, PageItem) or self.store is None:
            return item
        if item.error is not None:
            result = ingest.rejection(item.url, item.error["reason"], item.error.get("detail"))
        else:
            result = item.result or ingest.rejection(item.url, "extractor-error", "the page was never extracted")
        queued = ingest.record(self.store, result, item.pages, url=item.url, spider=item.spider, run_id=self.run_id,
                               fetched_at=item.fetched_at, kind=item.kind, status=item.status, nav=item.nav,
                               segmented=item.segmented, packed=item.packed)
        if result.get("status") == "article":
            self.stats.inc_value("workercrawl/extracted")
        self.queued.update(queued)
        if self.store.pending >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> bool:
        """Commit the batch; count what was stored, or what was lost. False when it failed."""
        queued, self.queued = self.queued, Counter()
        try:
            done = self.store.flush()
        except StoreError as exc:
            lost = getattr(exc, "lost", None)
            self.stats.inc_value("workercrawl/store_errors")
            self.stats.inc_value("workercrawl/lost", (lost.articles + lost.rejects) if lost else sum(queued.values()))
            self.stats.set_value("workercrawl/store_error", str(exc))
            logger.error("a batch of %d articles and %d rejects was not stored: %s",
                         queued["article"], sum(queued.values()) - queued["article"], exc)
            if self.crawler.engine is not None and self.crawler.engine.running:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORE_ERROR))
            return False
        self.stats.inc_value("workercrawl/flushes")
        stored = done.new + done.updated + done.unchanged + done.duplicates
        if stored:
            self.stats.inc_value("workercrawl/articles", stored)
        for name in ("new", "updated", "unchanged", "duplicates"):
            if getattr(done, name):
                self.stats.inc_value(f"workercrawl/articles/{name}", getattr(done, name))
        for reason, count in queued.items():
            if reason != "article":
                self.stats.inc_value("workercrawl/rejected", count)
                self.stats.inc_value(f"workercrawl/rejected/{reason}", count)
        if done.raw_pages:
            self.stats.inc_value("workercrawl/raw_pages", done.raw_pages)
        if done.aliases:
            self.stats.inc_value("workercrawl/aliases", done.aliases)
        return True

    def close_spider(self):
        if self.store is not None:
            self.flush()

    def spider_closed(self, spider, reason):
        # After close_spider and after CoreStats has set finish_time/finish_reason.
        if self.store is None:
            return
        try:
            self.store.finish_run(self.run_id, reason, self.stats.get_stats())
        except StoreError as exc:  # the disk is still full: the verdict comes from the stats
            logger.error("the run row could not be finished: %s", exc)
            self.stats.inc_value("workercrawl/store_errors")
            self.stats.set_value("workercrawl/store_error", str(exc))
        finally:
            self.store.close_files()
            self.store = None
