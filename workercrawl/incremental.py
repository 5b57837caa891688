"""Incremental crawling: an article already in the store is not fetched again.

A spider middleware over every callback's output (spiders stay navigation-only):

- article requests whose canonical URL is a stored article, or a settled reject (a page that is
  not an article, a 404), are dropped: stats `workercrawl/skipped_known`;
- with `-a since=YYYY-MM-DD`, article requests whose URL carries an older date are dropped:
  `workercrawl/skipped_old`;
- when every article a list page links to was dropped (all known, or all older than `since`),
  its next page is not requested: `workercrawl/pagination_stopped`. List pages themselves are
  always fetched, so new articles on page 1 are found every run.

`-a refresh=1` fetches known articles again (the `since` cut-off still applies). After a run that
did not finish (killed, capped), the next run follows every list to its end, once. The store
is asked through workercrawl.store (read-only queries on a second connection; WAL).
"""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured
from scrapy.http import Request

from workercrawl.extract.core import url_date
from workercrawl.items import ARTICLE, LIST
from workercrawl.store import DatabaseMissing, Store, StoreError

logger = logging.getLogger(__name__)


class IncrementalMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = crawler.settings.get("WORKERCRAWL_DB")
        if not self.path or not crawler.settings.getbool("WORKERCRAWL_INCREMENTAL", True):
            raise NotConfigured("incremental crawling is off")
        self.store: Store | None = None
        self._unavailable = False
        self._may_stop: bool | None = None
        from scrapy import signals

        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def known(self, urls: list[str]) -> set[str]:
        if not urls or self._unavailable:
            return set()
        try:
            if self.store is None:
                self.store = Store(self.path, create=False)
            return self.store.known_urls(urls)
        except DatabaseMissing:
            return set()  # first run: nothing is known yet
        except StoreError as exc:
            self._unavailable = True
            logger.error("incremental check disabled, fetching every article: %s", exc)
            return set()

    def may_stop(self, spider) -> bool:
        """Stop paginating at known articles only if the previous run got to the end of the lists:
        after a killed or capped run, older list pages may still hold articles never fetched."""
        if self._may_stop is None:
            self._may_stop = True
            if self.store is not None:
                try:
                    self._may_stop = self.store.previous_run_finished(spider.name, getattr(spider, "spider_args", {}))
                except StoreError as exc:
                    logger.warning("cannot read the previous run, paginating to the end: %s", exc)
                    self._may_stop = False
            if not self._may_stop:
                logger.info("the previous %s run did not finish: following every list page to its end", spider.name)
        return self._may_stop

    async def process_spider_output(self, response, result):
        spider = self.crawler.spider
        out = [x async for x in result]
        articles = [x for x in out if isinstance(x, Request) and x.meta.get("kind") == ARTICLE]
        if not articles:
            for x in out:
                yield x
            return
        refresh = getattr(spider, "refresh", False) is True
        since = getattr(spider, "since_day", None)
        known = set() if refresh else self.known([r.url for r in articles])
        dropped: set[int] = set()
        old = 0
        for request in articles:
            day = url_date(request.url) if since else None
            if request.url in known:
                self.stats.inc_value("workercrawl/skipped_known")
                dropped.add(id(request))
            elif day and day[:10] < since:
                self.stats.inc_value("workercrawl/skipped_old")
                dropped.add(id(request))
                old += 1
        page = response.meta.get("list_page")
        stop = (response.meta.get("kind") == LIST and page and len(dropped) == len(articles)
                and (old == len(articles) or self.may_stop(spider)))
        for x in out:
            if id(x) in dropped:
                continue
            if stop and isinstance(x, Request) and x.meta.get("kind") == LIST and x.meta.get("list_page") == page + 1:
                self.stats.inc_value("workercrawl/pagination_stopped")
                logger.info("not following %s: every article on %s is known or older than since", x.url, response.url)
                continue
            yield x

    def spider_closed(self, spider):
        if self.store is not None:
            self.store.close()
            self.store = None
