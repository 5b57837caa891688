"""Downloader middlewares: only hosts on the spider's allow-list are ever contacted, and
anti-bot challenge pages are recorded as such instead of being read as pages.

Scrapy's OffsiteMiddleware compares host names only (any port) and lets `dont_filter`
requests through; spam mirrors copy workercn paths under other domains, so every request,
redirects and continuation pages included, is checked against the spider's HostAllowList.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


class AllowedHostsMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self._logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        hosts = getattr(self.crawler.spider, "hosts", None)
        if hosts is None or request.meta.get("allow_offsite_host") or hosts.allows(request.url):
            return None
        self.stats.inc_value("workercrawl/offsite_blocked")
        host = request.url.split("/")[2] if "//" in request.url else request.url
        if host not in self._logged:
            self._logged.add(host)
            logger.info("not requesting %s: host %s is not on the allow-list", request.url, host)
        raise IgnoreRequest(f"host not on the allow-list: {request.url}")


# -- anti-bot challenges ------------------------------------------------------------------------
# 瑞数 (Ruishu) answers 412 (sometimes 202/200) with a page that is only a token <meta>, a `$_ts`
# script and a self-reloading script; 加速乐 (jsl) answers 521 with a cookie-setting script. A
# crawler without a JavaScript engine never gets past them, so they are recorded, not parsed.

ANTIBOT_STATUSES = (412, 521)
_CHALLENGE = (
    (re.compile(rb"\$_ts\s*=|\$_ts\.|\$_ts\[|r=['\"]m['\"]"), "瑞数 (Ruishu) $_ts script"),
    (re.compile(rb"__jsl_clearance|_{2}jsluid"), "加速乐 (jsl) cookie script"),
    (re.compile(rb"acw_sc__v2|acw_tc"), "阿里云 (Aliyun WAF) acw_sc__v2 script"),
    (re.compile(rb"/cdn-cgi/challenge-platform|cf-chl-|cf_chl_"), "Cloudflare challenge"),
    (re.compile(rb"document\.cookie\s*=.{0,600}?location\.(?:href|reload|replace)", re.S), "cookie-setting reload script"),
)
# Literals each _CHALLENGE pattern needs; a page holding none of them (nearly every page) is not
# searched with the five patterns: `in` on bytes is a memchr-speed scan.
_CHALLENGE_LITERALS = (b"$_ts", b"r='m'", b'r="m"', b"jsl", b"acw_", b"/cdn-cgi/challenge-platform", b"cf-chl-",
                       b"cf_chl_", b"document.cookie")
_INVISIBLE = re.compile(rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>|&nbsp;|\s+", re.S | re.I)
MAX_CHALLENGE_TEXT = 600  # bytes of visible text; an article page has far more


def challenge(status: int, body: bytes) -> str | None:
    """Why this response is an anti-bot JavaScript challenge rather than the page, or None."""
    head = body[:300_000]
    marker = None
    if any(literal in head for literal in _CHALLENGE_LITERALS):
        marker = next((name for pattern, name in _CHALLENGE if pattern.search(head)), None)
    if status in ANTIBOT_STATUSES:
        if marker or status == 412 or not head.strip() or b"<script" in head.lower():
            return f"HTTP {status} with a {marker or 'JavaScript challenge'}"
        return None
    if marker and len(_INVISIBLE.sub(b"", head)) <= MAX_CHALLENGE_TEXT:
        return f"HTTP {status} page holding only a {marker}"
    return None


class AntiBotChallenge(IgnoreRequest):
    """A challenge instead of the page; the request's errback records it (reason anti-bot-challenge)."""

    def __init__(self, url: str, status: int, detail: str):
        super().__init__(f"anti-bot challenge at {url}: {detail}")
        self.status = status
        self.detail = detail


class AntiBotMiddleware:
    """Turns challenge responses (412/521, or a 200 page that is only a challenge script) into
    AntiBotChallenge failures, so they reach the errback, are stored as rejects and are never
    parsed for links or extracted as articles."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self._warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if urlsplit(request.url).path == "/robots.txt":
            return response
        why = challenge(response.status, response.body)
        if why is None:
            return response
        self.stats.inc_value("workercrawl/antibot_challenges")
        host = urlsplit(request.url).netloc
        if host not in self._warned:
            self._warned.add(host)
            logger.warning("%s answers with an anti-bot JavaScript challenge (%s); this crawler cannot pass it "
                           "(see docs/sites.md, anti-bot sites)", host, why)
        raise AntiBotChallenge(request.url, response.status, why)


# -- redirect loops -----------------------------------------------------------------------------
# Scrapy's RedirectMiddleware schedules the redirected request like any other, so a loop back to a
# URL already fetched (A → B → A) is dropped by the duplicate filter without a word: the article
# would vanish. Caught here, it fails its request and is recorded as a reject (redirect-loop).
# An article redirected elsewhere is followed even to a page fetched already: see below.


class RedirectLoop(IgnoreRequest):
    pass


class RedirectLoopMiddleware:
    """Above RedirectMiddleware (600) so it sees 3xx responses first."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400) or not location:
            return response
        from workercrawl.urls import canonical_url

        target = canonical_url(urljoin(request.url, location.decode("latin-1")))
        chain = [canonical_url(u) for u in request.meta.get("redirect_urls", [])] + [canonical_url(request.url)]
        if target in chain:
            self.stats.inc_value("workercrawl/redirect_loops")
            raise RedirectLoop(f"redirect loop: {' → '.join(chain)} → {target}")
        if request.meta.get("kind") == "article":
            # The redirected request is built from this one (Request.replace): unfiltered, an
            # article that redirects to a page fetched already still arrives, and the listed URL
            # is recorded as its alias (or reject) instead of vanishing in the duplicate filter.
            request.dont_filter = True
            self.stats.inc_value("workercrawl/article_redirects")
        return response


class FetchCounterMiddleware:
    """A spider middleware counting the responses that reach a spider callback
    (`workercrawl/fetched`): pages the run actually read, not robots.txt, not retries, not
    HTTP errors (HttpErrorMiddleware, before it, sends those to the errback). A run that read
    nothing failed, however few its start pages (workercrawl.health)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        middleware = cls(crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider):
        self.stats.set_value("workercrawl/fetched", 0)  # present, so "read nothing" is told apart from "not counted"

    def process_spider_input(self, response, spider=None):
        self.stats.inc_value("workercrawl/fetched")
