"""Network failures in one log line, not a traceback.

Scrapy's robots.txt middleware logs a robots.txt it could not download (DNS, refused,
timeout) at ERROR with the whole Twisted traceback: two 60-line tracebacks for a site that is
simply unreachable, while the run's verdict already says "every fetch failed". This extension
keeps those records and their message, and drops the traceback when the exception is a
network failure. Any other exception keeps its traceback.
"""

from __future__ import annotations

import logging

from scrapy import signals

_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper")


def _network_failure(exc: BaseException | None) -> bool:
    from scrapy.exceptions import (CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError,
                                   DownloadTimeoutError, ResponseDataLossError)
    from twisted.internet import error as neterr

    kinds = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError, DownloadTimeoutError,
             ResponseDataLossError, neterr.DNSLookupError, neterr.ConnectError, neterr.TimeoutError,
             neterr.ConnectionLost)
    return isinstance(exc, kinds)


class NoNetworkTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and _network_failure(record.exc_info[1]):
            record.exc_info, record.exc_text = None, None
        return True


class QuietNetworkLogs:
    """Extension: NoNetworkTracebacks on the loggers that print them, for the crawl's duration."""

    def __init__(self, crawler):
        self.filter = NoNetworkTracebacks()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        for name in _LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider):
        for name in _LOGGERS:
            logging.getLogger(name).removeFilter(self.filter)
