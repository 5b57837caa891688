"""Downloader middleware: only hosts on the spider's allow-list are ever contacted.

Scrapy's OffsiteMiddleware compares host names only (any port) and lets `dont_filter`
requests through; spam mirrors copy workercn paths under other domains, so every request,
redirects and continuation pages included, is checked against the spider's HostAllowList.
"""

from __future__ import annotations

import logging

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
