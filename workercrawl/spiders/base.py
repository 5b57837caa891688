"""What every workercrawl spider shares: start URLs, the host allow-list, article fetching.

Spiders navigate and nothing else. An article URL becomes one PageItem holding the raw
response(s); old-template multi-page articles (`__totalpage`) are fetched page by page and
handed over as ONE item whose `more_pages` carries pages 2..N. Extraction happens in a pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Request

from workercrawl import sites
from workercrawl.extract import continuation_urls
from workercrawl.items import ARTICLE, CONTINUATION, Fetched, PageItem
from workercrawl.urls import canonical_url

from . import failures

ARTICLE_PRIORITY = 10  # articles before more list pages: items flow early, the queue stays short
CONTINUATION_PRIORITY = 20  # finish a multi-page article before starting others


def split_urls(value: str | None) -> list[str]:
    """'-a start_url=URL[,URL…]' (commas or whitespace) → validated absolute URLs."""
    urls = [u.strip() for u in (value or "").replace("\n", ",").replace(" ", ",").split(",") if u.strip()]
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"start_url must be an absolute http(s) URL, got {url!r}")
    return urls


def parse_flag(value, arg: str) -> bool:
    """'-a refresh=1' → True; 0/1, yes/no, true/false, on/off."""
    text = str(value).strip().lower() if value is not None else ""
    if text in ("", "0", "no", "false", "off"):
        return False
    if text in ("1", "yes", "true", "on"):
        return True
    raise ValueError(f"-a {arg} must be 1 or 0, got {value!r}")


def parse_since(value) -> str | None:
    """'-a since=2024-05-01' (or 20240501) → '2024-05-01'."""
    if value in (None, ""):
        return None
    text = str(value).strip().replace("/", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"-a since must be a date like 2024-05-20, got {value!r}") from None


class NewsSpider(scrapy.Spider):
    """Base class; a subclass sets `name` and says where its navigation rules come from."""

    # The sites.toml KEY this spider crawls (None: a generic crawl); runs are judged per site by it.
    site_key: str | None = None

    def __init__(self, *args, start_url: str | None = None, allow: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = self.navigation()
        given = split_urls(start_url)
        self.custom_start = bool(given)
        self.start_urls = given or list(self.site.start_urls)
        # -a allow=domain[,domain]: more hosts (and their subdomains) a crawl may visit.
        extra = [d.strip().lower() for d in (allow or "").split(",") if d.strip()]
        self.hosts = sites.HostAllowList.for_spider(self.site.allowed_domains, given, extra)
        # Informational; the AllowedHostsMiddleware enforces `hosts` (host:port exact for start URLs).
        self.allowed_domains = list(self.hosts.domains)
        # Recorded in the runs table.
        given_args = {"start_url": start_url, "allow": allow, **kwargs}
        self.spider_args = {k: v for k, v in given_args.items() if v is not None}
        # Incremental crawling (workercrawl.incremental): -a refresh=1, -a since=YYYY-MM-DD.
        self.refresh = parse_flag(kwargs.get("refresh"), "refresh")
        self.since_day = parse_since(kwargs.get("since"))

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """Bad -a values close the spider with a one-line error (reason `bad-arguments`),
        not a traceback: the run is still recorded, and `workercrawl crawl` reports it failed."""
        try:
            return super().from_crawler(crawler, *args, **kwargs)
        except (ValueError, KeyError) as exc:
            text = str(exc.args[0]) if exc.args else type(exc).__name__
            spider = scrapy.Spider.__new__(cls)
            scrapy.Spider.__init__(spider, name=cls.name)
            spider._set_crawler(crawler)
            spider.spider_args = {k: v for k, v in kwargs.items() if v is not None}
            spider.site_key = cls.site_key or (str(kwargs.get("site") or "").strip() or None)
            spider.argument_error = text.splitlines()[0] if text else type(exc).__name__
            spider.argument_exception = exc
            spider.start = spider._refuse_to_start
            return spider

    async def _refuse_to_start(self):
        self.logger.error("bad arguments: %s", self.argument_error)
        self.crawler.stats.set_value("workercrawl/argument_error", self.argument_error)
        raise CloseSpider("bad-arguments")
        yield  # an async generator, like start()

    def navigation(self) -> sites.Site:
        """This spider's navigation rules (a sites.toml entry)."""
        raise NotImplementedError

    # -- links ---------------------------------------------------------------------------------

    def article_urls(self, links) -> list[str]:
        """Canonical article URLs among `links` on allowed hosts, first occurrence kept."""
        found: dict[str, None] = {}
        for url, _ in links:
            if not self.site.is_article(url):
                continue
            if not self.hosts.allows(url):
                # A spam mirror copying our paths: count it, never request it.
                self.crawler.stats.inc_value("workercrawl/offsite_links")
                self.logger.debug("not following off-site article link %s", url)
                continue
            found.setdefault(canonical_url(url))
        return list(found)

    # -- articles --------------------------------------------------------------------------

    def article_request(self, url: str, nav: dict | None = None) -> Request:
        return Request(
            canonical_url(url), callback=self.parse_article, errback=self.on_error,
            priority=ARTICLE_PRIORITY, meta={"kind": ARTICLE, "nav": dict(nav or {})},
        )

    def parse_article(self, response) -> Iterator:
        page = Fetched.from_response(response)
        item = PageItem.from_fetched(page, self.name, kind=ARTICLE, nav=dict(response.meta.get("nav") or {}))
        if response.meta.get("redirect_urls"):  # the listed URL(s) that led here: recorded as aliases
            item.nav["redirected_from"] = list(response.meta["redirect_urls"])
        rest = continuation_urls(response.body, response.url, page.headers)
        if rest:
            item.nav["total_pages"] = len(rest) + 1
            yield self._continuation(item, rest)
        else:
            yield item

    def _continuation(self, item: PageItem, todo: list[str]) -> Request:
        url, *rest = todo
        # dont_filter: a dropped continuation would silently lose the whole article.
        # The AllowedHostsMiddleware still applies.
        return Request(
            url, callback=self.parse_continuation, errback=self.on_continuation_error,
            priority=CONTINUATION_PRIORITY, dont_filter=True,
            meta={"kind": CONTINUATION, "item": item, "todo": rest},
        )

    def parse_continuation(self, response) -> Iterator:
        item: PageItem = response.meta["item"]
        item.more_pages.append(Fetched.from_response(response))
        self.crawler.stats.inc_value("workercrawl/continuation_pages")
        todo = response.meta["todo"]
        yield self._continuation(item, todo) if todo else item

    def on_continuation_error(self, failure) -> Iterator:
        """Record the failed page, then hand over the pages we have: a partial article beats none."""
        item: PageItem = failure.request.meta["item"]
        yield self.failed_item(failure)
        item.nav["incomplete"] = f"page {len(item.more_pages) + 2} of {item.nav.get('total_pages')} failed"
        self.crawler.stats.inc_value("workercrawl/incomplete_articles")
        yield item

    # -- failures --------------------------------------------------------------------------

    def on_error(self, failure) -> Iterator:
        yield self.failed_item(failure)

    def failed_item(self, failure) -> PageItem:
        request = failure.request
        reason, status, detail = failures.describe(failure)
        kind = request.meta.get("kind", ARTICLE)
        self.crawler.stats.inc_value(f"workercrawl/failed/{reason}")
        log = self.logger.info if reason == failures.ROBOTS else self.logger.warning
        log("%s %s failed: %s", kind, request.url, detail)
        # After redirects, the URL the spider asked for (the one a list links to) is the one recorded.
        wanted = (request.meta.get("redirect_urls") or [request.url])[0]
        return PageItem(
            url=wanted, spider=self.name, kind=kind, status=status,
            nav={k: v for k, v in (request.meta.get("nav") or {}).items()},
            error={"reason": reason, "detail": detail},
        )
