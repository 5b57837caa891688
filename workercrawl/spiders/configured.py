"""Any site configured in sites.toml, or a generic crawl of one host: navigation from data.

    scrapy crawl sites -a site=KEY                          # an entry [site.KEY] (workercrawl sites)
    scrapy crawl sites -a site=ldwb -a date=2024-05-20      # e-papers: one issue, or -a since/-a until
    scrapy crawl sites -a site=KEY -a start_url=URL         # a mirror or replica of that site
    scrapy crawl sites -a start_url=URL [-a depth=4] [-a max_pages=300]   # generic crawl, no KEY

A start URL that is an article is fetched as one; an e-paper page (page_paths) yields its articles
and the other pages of the same issue; a list page (list_paths) yields its articles and the next
page. Any other start page is a hub: the lists, e-paper pages and articles it links to are followed.
The generic crawl follows every link on the host within `depth` hops and `max_pages` requests:
article-shaped URLs go to extraction; other pages are navigated, and (probe_pages) handed to
extraction too, to be kept only if they turn out to be dated articles.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import Request, TextResponse

from workercrawl import sites
from workercrawl.items import ARTICLE, ISSUE_PAGE, LIST, Fetched, PageItem
from workercrawl.urls import canonical_url

from . import failures
from .base import NewsSpider
from .grrb import CHINA, issue_dates

_DECOR = re.compile(r"[\s\[\]【】()（）<>《》«»‹›〈〉]+")
_PAGE_LABEL = re.compile(r"第?\s*0*(\d{1,3})\s*版\s*[:：]?\s*(.*)$")
_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")


def issue_key(url: str) -> str:
    """Which e-paper issue a URL belongs to: the date in its path, else its folder."""
    path = urlsplit(url).path
    found = _URL_DAY.search(path)
    return "-".join(found.groups()) if found else path.rsplit("/", 1)[0]


def _count(value, default, arg: str) -> int:
    number = int(value) if value not in (None, "") else int(default or 0)
    if number < 0:
        raise ValueError(f"-a {arg} must be >= 0, got {value!r}")
    return number


class SitesSpider(NewsSpider):
    name = "sites"

    def __init__(self, *args, site: str | None = None, depth=None, max_pages=None,
                 date=None, since=None, until=None, **kwargs):
        self.key = (site or "").strip() or None
        if not self.key and not kwargs.get("start_url"):
            raise ValueError("give -a site=KEY (see `workercrawl sites`) or -a start_url=URL for a generic crawl")
        super().__init__(*args, site=self.key, depth=depth, max_pages=max_pages,
                         date=date, since=since, until=until, **kwargs)
        extra = self.site.extra
        if extra.get("unsupported"):
            raise ValueError(f"site {self.key!r} ({extra.get('name')}) is not supported: {extra['unsupported']}")
        self.generic = self.key is None
        self.depth_limit = _count(depth, extra.get("depth"), "depth")
        self.max_pages = _count(max_pages, extra.get("max_pages"), "max_pages")
        self.max_list_pages = _count(None, extra.get("max_list_pages"), "max_list_pages")
        self.probe = bool(extra.get("probe_pages"))
        self.charset = extra.get("charset")
        self.dates = issue_dates(date, since, until)
        if self.dates and not extra.get("issue_url") and not (date or until):
            self.dates = []  # a list-based site: -a since is only the incremental cut-off
        if self.dates and not extra.get("issue_url"):
            raise ValueError(f"site {self.key or 'generic'!r} has no issue_url: -a date/since/until need one")
        self.requested: set[str] = set()
        self._capped = False

    def navigation(self) -> sites.Site:
        return sites.entry(self.key) if self.key else sites.generic()

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
        if self.dates:
            bases = self.start_urls if self.custom_start else [None]
            return [self.issue_url(template, day, base) for base in bases for day in self.dates]
        if self.start_urls:
            return list(self.start_urls)
        if template:  # an e-paper without a start page: today's issue
            return [self.issue_url(template, dt.datetime.now(CHINA).date())]
        raise ValueError(f"site {self.key!r} has neither start_urls nor issue_url")

    @staticmethod
    def issue_url(template: str, day: dt.date, base: str | None = None) -> str:
        """The issue's first page; under a mirror/replica base URL when one is given."""
        url = template.format(date=day)
        if not base:
            return url
        parts, own = urlsplit(base), urlsplit(url)
        root = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
        return urlunsplit((parts.scheme, parts.netloc, root + own.path.lstrip("/"), own.query, ""))

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
        links = self.links(response)
        if self.site.is_page(response.url):
            yield from self.issue_page(response, links, hops)
            return
        is_list = self.site.is_list(response.url)
        self.crawler.stats.inc_value("workercrawl/list_pages")
        chosen = self.select_links(response, self.site.extra.get("list_links")) if is_list else []
        articles = self.article_urls(chosen or links)
        self.crawler.stats.inc_value("workercrawl/article_links", len(articles))
        for url in articles:
            request = self.article(url, {"list_url": response.url}, hops + 1)
            if request is not None:
                yield request
        following = self.next_page(response, links) if (is_list or self.generic) else None
        page = meta.get("list_page", 1)
        if following and (not self.max_list_pages or page < self.max_list_pages):
            request = self.nav_request(following, hops, list_page=page + 1)
            if request is not None:
                yield request
        if self.generic:
            yield from self.follow_all(links, hops, skip=following)
        elif meta.get("start") and not is_list:  # a hub: its lists and e-paper pages
            for url, _ in links:
                if self.hosts.allows(url) and not self.site.skips(url):
                    if self.site.is_list(url) or self.site.is_page(url):
                        kind = ISSUE_PAGE if self.site.is_page(url) else LIST
                        request = self.nav_request(url, hops + 1, kind=kind)
                        if request is not None:
                            yield request

    def follow_all(self, links, hops: int, skip: str | None) -> Iterator[Request]:
        """Generic crawl: every other page on the allowed hosts, one hop further."""
        for url, _ in links:
            if url == skip or not self.hosts.allows(url) or self.site.skips(url) or self.site.is_article(url):
                continue
            probe = self.probe and not self.site.is_list(url)
            request = self.nav_request(url, hops + 1, probe=probe)
            if request is not None:
                yield request

    def issue_page(self, response, links, hops: int) -> Iterator[Request]:
        """An e-paper page (版): its articles, then the other pages of the same issue."""
        self.crawler.stats.inc_value("workercrawl/issue_pages")
        issue, here = issue_key(response.url), canonical_url(response.url)
        chosen = self.select_links(response, self.site.extra.get("page_links"))
        pages = [(u, t) for u, t in (chosen or links)
                 if self.site.is_page(u) and issue_key(u) == issue and self.hosts.allows(u)]
        nav = {**response.meta.get("nav", {}), "page_url": response.url, **self.page_label(here, pages)}
        found = _URL_DAY.search(urlsplit(response.url).path)
        if found:
            nav["issue_date"] = "-".join(found.groups())
        titles = self.select_links(response, self.site.extra.get("article_links"))
        articles = [u for u in self.article_urls(titles or links) if issue_key(u) == issue]
        self.crawler.stats.inc_value("workercrawl/article_links", len(articles))
        for url in articles:
            request = self.article(url, nav, hops + 1)
            if request is not None:
                yield request
        for url, text in pages:
            if canonical_url(url) == here:
                continue
            label = self.page_label(canonical_url(url), [(url, text)])
            request = self.nav_request(url, hops + 1, kind=ISSUE_PAGE, nav=label)
            if request is not None:
                yield request

    @staticmethod
    def page_label(here: str, pages) -> dict:
        """{page_no, page_name} of the page list entry for `here` ("第03版：工会" → 3, 工会)."""
        for url, text in pages:
            if canonical_url(url) == here:
                found = _PAGE_LABEL.search(text)
                if found:
                    return {"page_no": str(int(found.group(1))), "page_name": found.group(2).strip() or None}
        return {}

    def next_page(self, response, links) -> str | None:
        """The "下一页" link, else the numbered link to the next page, on an allowed host."""
        here = canonical_url(response.url)
        page = response.meta.get("list_page", 1)
        candidates = [(u, t) for u, t in links if self.hosts.allows(u) and not self.site.is_article(u)
                      and not self.site.skips(u) and canonical_url(u) != here]
        texts = self.site.next_texts
        for url, text in candidates:
            if text.replace(" ", "") in texts or _DECOR.sub("", text) in texts:
                return url
        numbered = {int(text): url for url, text in candidates if text.isdigit()}
        return numbered.get(page + 1)

    def links(self, response) -> list[tuple[str, str]]:
        """<a href> links, then image-map <area href> links (e-paper page pictures)."""
        found = super().links(response)
        if isinstance(response, TextResponse):
            found += [(response.urljoin(href.strip()), "") for href in response.css("area::attr(href)").getall()
                      if href.strip() and not href.strip().startswith(("#", "javascript:"))]
        return found

    def select_links(self, response, selectors) -> list[tuple[str, str]]:
        """(URL, text) of the links in the first CSS selector that matches (anchors or their containers)."""
        if not selectors or not isinstance(response, TextResponse):
            return []
        for selector in selectors:
            found = response.css(selector)
            anchors = [a for el in found for a in ([el] if el.root.tag == "a" else el.css("a[href]"))]
            out = []
            for anchor in anchors:
                href = (anchor.attrib.get("href") or "").strip()
                if href and not href.startswith(("#", "javascript:")):
                    text = " ".join(" ".join(anchor.css("::text").getall()).split())
                    out.append((response.urljoin(href), text))
            if out:
                return out
        return []

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
