"""A Scrapy extension for bench/manysites.py: the crawl's own record of when each request left
for the site — when the downloader hands it to the HTTP handler (Downloader._download, after the
slot's delay and concurrency checks; no signal marks that moment) — appended as JSON lines to
$MANYSITES_PROBE. The server's record can lag on a loaded machine; this one is the client's."""

from __future__ import annotations

import json
import os
import time

from scrapy import signals


class Probe:
    def __init__(self, crawler):
        self.path = os.environ.get("MANYSITES_PROBE")
        self.crawler = crawler
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def engine_started(self):
        downloader = self.crawler.engine.downloader
        download = downloader._download

        async def recorded(slot, request):
            self.sent(request)
            return await download(slot, request)

        downloader._download = recorded

    def sent(self, request):
        if self.path:
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(json.dumps({"t": time.monotonic(), "url": request.url}) + "\n")
