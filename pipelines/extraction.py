"""Run extract_article on each fetched page, in-process or in a pool of worker processes.

WORKERCRAWL_EXTRACT_WORKERS = 0 extracts inline (simplest; fine at polite crawl rates, where
the site, not the CPU, sets the pace). N > 0 extracts in N processes through
`run_in_executor`, so the reactor keeps downloading while pages are parsed; the workers also
segment the article's title and body for the search index (rjieba, ~0.2 ms a page) and
compress the raw pages, handing the store ready-made index texts
(item.segmented) and raw bodies (item.packed): the crawl process only downloads and writes.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy.utils.asyncio import is_asyncio_available

from workercrawl.extract import EXTRACTOR_VERSION, extract_article
from workercrawl.extract.decode import header_charset
from workercrawl.items import PageItem
from workercrawl.store import rows, search
from workercrawl.validate import validated

logger = logging.getLogger(__name__)


def with_charset_hint(headers: dict, charset: str | None) -> dict:
    """The site's configured charset (sites.toml `charset`) when the server named none."""
    if not charset or header_charset(headers):
        return headers
    kept = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "") or "text/html"
    return {**kept, "Content-Type": f"{ctype.split(';')[0].strip()}; charset={charset}"}


def extract_page(body: bytes, url: str, headers: dict, more_pages: list[bytes]) -> dict:
    """Top-level so worker processes can unpickle it."""
    return extract_article(body, url, headers, more_pages).to_dict()


def extract_in_worker(body: bytes, url: str, headers: dict, more_pages: list[bytes], nav: dict) -> tuple:
    """In a worker, everything CPU-heavy about one article, so the crawl process only routes:

    - the extraction result;
    - {text: segmented text} for the search index: the title and body of the validated article
      (the store segments any text not found there);
    - the raw pages packed for the raw store (sha256, size, zlib), page 1 first."""
    result = extract_page(body, url, headers, more_pages)
    packed = [rows.pack_body(page) for page in (body, *more_pages)]
    article = validated(result, nav)
    if article.get("status") != "article":
        return result, None, packed
    return result, {text: search.segment(text) for text in search.indexed_texts(article)}, packed


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
        # spawn, not fork: forking a process that runs a reactor and thread pools is unsafe.
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def close_spider(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item):
        if not isinstance(item, PageItem) or item.error is not None or item.result is not None:
            return item
        headers = with_charset_hint(item.headers, item.nav.get("charset"))
        args = (item.body, item.url, headers, [page.body for page in item.more_pages])
        started = time.perf_counter()
        if self.pool is not None:
            item.result, item.segmented, item.packed = await self._extract((*args, item.nav))
        else:
            item.result = extract_page(*args)
        self.stats.inc_value("workercrawl/extract/seconds", round(time.perf_counter() - started, 6))
        self.stats.inc_value(f"workercrawl/extract/{item.result['status']}")
        return item

    async def _extract(self, args) -> tuple:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, extract_in_worker, *args)
        except BrokenProcessPool:
            # A worker died (out of memory, a crash in a C library) on this page or a neighbour.
            # Reject this page with the reason and carry on with a fresh pool.
            logger.error("an extraction worker died while reading %s; restarting the pool", args[1])
            self.stats.inc_value("workercrawl/extract/pool_restarts")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return {
                "url": args[1], "reason": "extractor-error", "detail": "extraction worker process died",
                "encoding": None, "extractor_version": EXTRACTOR_VERSION, "status": "rejected",
            }, None, None
