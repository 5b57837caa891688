"""Every site in the registry (workercrawl/sites.toml), or a generic crawl of one host: navigation from data.

    scrapy crawl sites -a site=KEY                          # an entry [site.KEY] (workercrawl sites)
    scrapy crawl sites -a site=grrb -a date=2024-05-20      # e-papers: one issue, or -a since/-a until
    scrapy crawl sites -a site=KEY -a start_url=URL         # a mirror or replica of that site
    scrapy crawl sites -a start_url=URL [-a depth=4] [-a max_pages=300]   # generic crawl, no KEY
    scrapy crawl workercn | grrb                            # the same spider, KEY fixed (workercn.py, grrb.py)

A start URL that is an article is fetched as one; an e-paper page (page_paths) yields its articles
and the other pages of the same issue; a list page (list_paths, or reached by pagination) yields
its articles and the next page. Any other start page is a hub: its articles and next page, and
the lists and e-paper pages it links to. The generic crawl follows every link on the host within
`depth` hops and `max_pages` requests: article-shaped URLs go to extraction; other pages are
navigated, and (probe_pages) handed to extraction too, kept only if they are dated articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scrapy.http import Request, TextResponse

from workercrawl import sites
from workercrawl.items import ARTICLE, ISSUE_PAGE, LIST, Fetched, PageItem
from workercrawl.urls import canonical_url

from . import epaper, failures
from .base import NewsSpider
from .links import links, links_in, titles

_DECOR = re.compile(r"[\s\[\]【】()（）<>《》«»‹›〈〉]+")  # "[下一页]", "下一页 >>", "《 下一页"


def _count(value, default, arg: str) -> int:
    number = int(value) if value not in (None, "") else int(default or 0)
    if number < 0:
        raise ValueError(f"-a {arg} must be >= 0, got {value!r}")
    return number


class SitesSpider(NewsSpider):
    name = "sites"

    def __init__(self, *args, site: str | None = None, depth=None, max_pages=None, max_list_pages=None,
                 date=None, since=None, until=None, **kwargs):
        given = (site or "").strip() or None
        fixed = type(self).site_key
        if fixed and given not in (None, fixed):
            raise ValueError(f"scrapy crawl {self.name} crawls site {fixed!r}; for {given!r} use scrapy crawl sites -a site={given}")
        self.site_key = fixed or given
        if not self.site_key and not kwargs.get("start_url"):
            raise ValueError("give -a site=KEY (see `workercrawl sites`) or -a start_url=URL for a generic crawl")
        super().__init__(*args, site=site, depth=depth, max_pages=max_pages, max_list_pages=max_list_pages,
                         date=date, since=since, until=until, **kwargs)
        extra = self.site.extra
        if extra.get("unsupported"):
            raise ValueError(f"site {self.site_key!r} ({extra.get('name')}) is not supported: {extra['unsupported']}")
        self.generic = self.site_key is None
        self.depth_limit = _count(depth, extra.get("depth"), "depth")
        self.max_pages = _count(max_pages, extra.get("max_pages"), "max_pages")  # requests per run
        self.max_list_pages = _count(max_list_pages, extra.get("max_list_pages"), "max_list_pages")
        self.probe = bool(extra.get("probe_pages"))
        self.charset = extra.get("charset")
        if (date or until) and not extra.get("issue_url"):
            raise ValueError(f"site {self.site_key or 'generic'!r} has no issue_url: -a date/since/until need one")
        # e-papers: the issues to fetch; a list-based site reads -a since as the incremental cut-off only
        self.dates = epaper.issue_dates(date, since, until, int(extra.get("max_days") or 0)) \
            if extra.get("issue_url") else []
        self.requested: set[str] = set()
        self._capped = False

    def navigation(self) -> sites.Site:
        return sites.entry(self.site_key) if self.site_key else sites.generic()

    # -- start ---------------------------------------------------------------------------------

    async def start(self):
        for url in self.entry_urls():
            if self.site.is_article(url):
                request = self.article(url, {}, 0)
            else:
                kind = ISSUE_PAGE if self.site.is_page(url) else LIST
                request = self.nav_request(url, 0, kind=kind, start=True)
            if request is not None:
                yield request

    def entry_urls(self) -> list[str]:
        template = self.site.extra.get("issue_url")
        if not template:
            if not self.start_urls:
                raise ValueError(f"site {self.site_key!r} has neither start_urls nor issue_url")
            return list(self.start_urls)
        if not self.custom_start:
            if self.start_urls and not self.dates:
                return list(self.start_urls)  # an e-paper root that leads to the latest issue
            return [epaper.issue_url(template, day) for day in self.dates or [epaper.china_today()]]
        out: list[str] = []
        for base in self.start_urls:  # a mirror: pages and articles as given, else a base for issues
            if self.site.is_page(base) or self.site.is_article(base):
                out.append(base)
                continue
            day = epaper.url_day(base)  # …/papers/grrb/2024/05/21/ names one issue
            days = self.dates or ([day] if day else [])
            out += [epaper.issue_url(template, d, base) for d in days] if days else [base]
        return out

    # -- requests ------------------------------------------------------------------------------

    def _budget(self, url: str, hops: int) -> bool:
        """May `url` be requested: new in this run, within depth and max_pages?"""
        key = canonical_url(url)
        if key in self.requested or (self.depth_limit and hops > self.depth_limit):
            return False
        if self.max_pages and len(self.requested) >= self.max_pages:
            if not self._capped:
                self._capped = True
                self.logger.info("max_pages=%d reached: no more pages are requested", self.max_pages)
            self.crawler.stats.inc_value("workercrawl/max_pages_skipped")
            return False
        self.requested.add(key)
        return True

    def article(self, url: str, nav: dict, hops: int) -> Request | None:
        if not self._budget(url, hops):
            return None
        if self.charset:
            nav = {**nav, "charset": self.charset}
        return self.article_request(url, nav)

    def nav_request(self, url: str, hops: int, *, kind: str = LIST, start: bool = False, list_page: int = 1,
                    probe: bool = False, nav: dict | None = None) -> Request | None:
        if not self._budget(url, hops):
            return None
        return Request(
            canonical_url(url), callback=self.parse_nav, errback=self.on_error, priority=-hops,
            meta={"kind": kind, "hops": hops, "start": start, "list_page": list_page, "probe": probe,
                  "nav": dict(nav or {})},
        )

    # -- parsing -------------------------------------------------------------------------------

    def parse_nav(self, response) -> Iterator:
        response = self._decoded(response)
        meta = response.meta
        hops = meta.get("hops", 0)
        if meta.get("probe"):
            yield self.probe_item(response)
        found = links(response)
        if self.site.is_page(response.url):
            yield from self.issue_page(response, found, hops)
            return
        page = meta.get("list_page", 1)
        # A pagination link leads to a list whatever its URL looks like (/acftu → /acftu/index_2.shtml).
        is_list = self.site.is_list(response.url) or page > 1
        hub = meta.get("start") and not is_list
        self.crawler.stats.inc_value("workercrawl/list_pages")
        chosen = links_in(response, self.site.extra.get("list_links")) if is_list else []
        articles = self.article_urls(chosen or found)
        self.crawler.stats.inc_value("workercrawl/article_links", len(articles))
        for url in articles:
            request = self.article(url, {"list_url": response.url}, hops + 1)
            if request is not None:
                yield request
        following = self.next_page(response, found) if (is_list or hub or self.generic) else None
        if following and self.max_list_pages and page >= self.max_list_pages:
            # Said, not silent: an operator sees why a long list was not read to its end.
            self.crawler.stats.inc_value("workercrawl/max_list_pages_reached")
            self.logger.info("max_list_pages=%d reached on %s: its next page %s is not requested",
                             self.max_list_pages, response.url, following)
        elif following:
            request = self.nav_request(following, hops, list_page=page + 1)
            if request is not None:
                yield request
        if self.generic:
            yield from self.follow_all(found, hops, skip=following)
        elif hub:  # its lists and e-paper pages
            for url, _ in found:
                if self.hosts.allows(url) and not self.site.skips(url):
                    if self.site.is_list(url) or self.site.is_page(url):
                        kind = ISSUE_PAGE if self.site.is_page(url) else LIST
                        request = self.nav_request(url, hops + 1, kind=kind)
                        if request is not None:
                            yield request

    def follow_all(self, found, hops: int, skip: str | None) -> Iterator[Request]:
        """Generic crawl: every other page on the allowed hosts, one hop further."""
        for url, _ in found:
            if url == skip or not self.hosts.allows(url) or self.site.skips(url) or self.site.is_article(url):
                continue
            probe = self.probe and not self.site.is_list(url)
            request = self.nav_request(url, hops + 1, probe=probe)
            if request is not None:
                yield request

    def issue_page(self, response, found, hops: int) -> Iterator[Request]:
        """An e-paper page (版): its articles, then the other pages of the same issue."""
        self.crawler.stats.inc_value("workercrawl/issue_pages")
        issue, here = epaper.issue_key(response.url), canonical_url(response.url)
        listed = links_in(response, self.site.extra.get("page_links"))
        pages = [(u, t) for u, t in (listed or found)
                 if self.site.is_page(u) and epaper.issue_key(u) == issue and self.hosts.allows(u)]
        own = next((t for u, t in pages if canonical_url(u) == here), "")
        nav = {**response.meta.get("nav", {}), "page_url": response.url, **epaper.page_label(own)}
        day = epaper.url_day(response.url)
        if day:
            nav["issue_date"] = day.isoformat()
        titled = links_in(response, self.site.extra.get("article_links"))
        articles = [u for u in self.article_urls(titled or found) if epaper.issue_key(u) == issue]
        self.crawler.stats.inc_value("workercrawl/article_links", len(articles))
        for url in articles:
            request = self.article(url, nav, hops + 1)
            if request is not None:
                yield request
        for url, text in pages:
            if canonical_url(url) != here:
                request = self.nav_request(url, hops + 1, kind=ISSUE_PAGE, nav=epaper.page_label(text))
                if request is not None:
                    yield request

    def next_page(self, response, found) -> str | None:
        """The "下一页" link, else the numbered link to the next page, on an allowed host."""
        here = canonical_url(response.url)
        page = response.meta.get("list_page", 1)
        candidates = [(u, t) for u, t in found if self.hosts.allows(u) and not self.site.is_article(u)
                      and not self.site.skips(u) and canonical_url(u) != here]
        texts, named = self.site.next_texts, None
        for url, text in candidates:
            if not text:  # an arrow image says what it is in its title
                named = titles(response) if named is None else named
                text = named.get(canonical_url(url), "")
            if text.replace(" ", "") in texts or _DECOR.sub("", text) in texts:
                return url
        numbered = {int(text): url for url, text in candidates if text.isdigit()}
        return numbered.get(page + 1)

    def probe_item(self, response) -> PageItem:
        """A page that may be an article: extraction decides; validation drops it if it is not."""
        nav = {"probe": True, **({"charset": self.charset} if self.charset else {})}
        return PageItem.from_fetched(Fetched.from_response(response), self.name, kind=ARTICLE, nav=nav)

    def on_error(self, failure) -> Iterator:
        """Failures are recorded, except the generic crawl's speculative navigation pages
        (not a start URL, not article-shaped): dead footer links and robots.txt refusals there
        are counted and logged only. Anti-bot challenges are always recorded."""
        request = failure.request
        if self.generic and request.meta.get("kind") == LIST and not request.meta.get("start"):
            reason, _, detail = failures.describe(failure)
            if reason != failures.ANTIBOT:
                self.crawler.stats.inc_value(f"workercrawl/nav_failed/{reason}")
                self.logger.info("navigation page %s failed: %s (generic crawl: not recorded)", request.url, detail)
                return
        yield from super().on_error(failure)

    def _decoded(self, response):
        """Apply the site's charset hint when the server's Content-Type names no charset."""
        if not self.charset or not isinstance(response, TextResponse):
            return response
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        return response if "charset=" in ctype else response.replace(encoding=self.charset)
