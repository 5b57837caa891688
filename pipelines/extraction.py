"""Read each fetched page through workercrawl.ingest, in-process or in worker processes.

A thin adapter: `ingest.read` (decode → extract → validate) fills `item.result`.
WORKERCRAWL_EXTRACT_WORKERS = 0 reads inline (simplest; fine at polite crawl rates, where
the site, not the CPU, sets the pace). N > 0 reads in N processes through `run_in_executor`
(`ingest.prepare`), so the reactor keeps downloading while pages are parsed; the workers also
segment the article for the search index and compress the raw pages (item.segmented,
item.packed): the crawl process only downloads and writes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy.utils.asyncio import is_asyncio_available

from workercrawl import ingest, workers
from workercrawl.extract import EXTRACTOR_VERSION
from workercrawl.items import PageItem

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = crawler.settings.getint("WORKERCRAWL_EXTRACT_WORKERS", 0)
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        if self.workers <= 0:
            return
        if not is_asyncio_available():
            logger.warning("WORKERCRAWL_EXTRACT_WORKERS needs the asyncio reactor; extracting in-process")
            self.workers = 0
            return
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return workers.pool(self.workers)  # spawned; its workers exit when this process dies

    def close_spider(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item):
        if not isinstance(item, PageItem) or item.error is not None or item.result is not None:
            return item
        started = time.perf_counter()
        if self.pool is not None:
            item.result, item.segmented, item.packed = await self._in_worker(item)
        else:
            item.result = ingest.read(item.pages, item.nav)
        self.stats.inc_value("workercrawl/extract/seconds", round(time.perf_counter() - started, 6))
        self.stats.inc_value(f"workercrawl/extract/{item.result['status']}")
        return item

    async def _in_worker(self, item: PageItem) -> tuple:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, ingest.prepare, item.pages, item.nav)
        except BrokenProcessPool:
            # A worker died (out of memory, a crash in a C library) on this page or a neighbour.
            # Reject this page with the reason and carry on with a fresh pool.
            logger.error("an extraction worker died while reading %s; restarting the pool", item.url)
            self.stats.inc_value("workercrawl/extract/pool_restarts")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return ingest.rejection(item.url, "extractor-error", "extraction worker process died",
                                    extractor_version=EXTRACTOR_VERSION), None, None
