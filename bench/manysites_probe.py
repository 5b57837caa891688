"""A Scrapy extension for bench/manysites.py: the crawl's own record of when each request left
for the site — when the downloader hands it to the HTTP handler (after the slot's delay and
concurrency checks; no signal marks that moment) — appended as JSON lines to
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
        handlers = self.crawler.engine.downloader.handlers
        download = handlers.download_request_async

        async def recorded(request, *args, **kwargs):
            self.sent(request)
            return await download(request, *args, **kwargs)

        handlers.download_request_async = recorded

    def sent(self, request):
        if self.path:
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(json.dumps({"t": time.monotonic(), "url": request.url}) + "\n")
