"""Name a failed request: a stable reason code, the HTTP status if any, and words for people."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError, DownloadFailedError,
    DownloadTimeoutError, IgnoreRequest, ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as neterr
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from workercrawl.middlewares import AntiBotChallenge, RedirectLoop

HTTP_ERROR = "http-error"
ROBOTS = "robots-disallowed"
OFFSITE = "offsite"
IGNORED = "ignored"
TIMEOUT = "timeout"
DNS = "dns-error"
CONNECTION = "connection-error"
DOWNLOAD = "download-error"
ANTIBOT = "anti-bot-challenge"
REDIRECT_LOOP = "redirect-loop"
TOO_LARGE = "too-large"  # as extraction says of a big page: settled, never downloaded again

_TIMEOUTS = (DownloadTimeoutError, neterr.TimeoutError, neterr.TCPTimedOutError)
_DNS = (CannotResolveHostError, neterr.DNSLookupError)
_CONNECTION = (DownloadConnectionRefusedError, DownloadFailedError, ResponseDataLossError,
               neterr.ConnectionRefusedError, neterr.ConnectionDone, neterr.ConnectError,
               neterr.ConnectionLost, ResponseFailed, ResponseNeverReceived)


# What an exception that carries no message of its own means, for the detail column.
_SILENT = {
    ResponseDataLossError: "the connection closed before the whole body arrived (data loss)",
    DownloadCancelledError: "the download was cancelled",
}


def _words(exc) -> str:
    text = str(exc).strip()
    fallback = next((words for kind, words in _SILENT.items() if isinstance(exc, kind)), "no details")
    return f"{type(exc).__name__}: {text or fallback}"


def describe(failure) -> tuple[str, int | None, str]:
    """(reason, status, detail) of a Twisted Failure handed to a request errback."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        retries = (getattr(failure, "request", None) and failure.request.meta.get("retry_times")) or 0
        return HTTP_ERROR, status, f"HTTP {status} after {retries} retries" if retries else f"HTTP {status}"
    if isinstance(exc, DownloadCancelledError) and "max size" in str(exc):
        # DOWNLOAD_MAXSIZE: announced (Content-Length) or reached while receiving (chunked)
        return TOO_LARGE, None, f"larger than DOWNLOAD_MAXSIZE, download cancelled ({_words(exc)})"
    if isinstance(exc, AntiBotChallenge):
        return ANTIBOT, exc.status, f"anti-bot challenge, not the page ({exc.detail}); the site is not supported"
    if isinstance(exc, RedirectLoop):
        return REDIRECT_LOOP, None, str(exc)
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "max redirections" in text:
            return REDIRECT_LOOP, None, f"too many redirects ({text})"
        if "robots.txt" in text:
            return ROBOTS, None, "forbidden by robots.txt"
        if "allow-list" in text or "offsite" in text.lower():
            return OFFSITE, None, text
        return IGNORED, None, text or "request ignored"
    if isinstance(exc, _TIMEOUTS):
        return TIMEOUT, None, _words(exc)
    if isinstance(exc, _DNS):
        return DNS, None, f"DNS lookup failed: {exc}"
    if isinstance(exc, _CONNECTION):
        return CONNECTION, None, _words(exc)
    return DOWNLOAD, None, _words(exc)
