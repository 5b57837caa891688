"""Canonical URLs: one spelling per page, so a re-crawl or a second link never makes a second row."""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query keys that say where a reader came from, never which page it is.
_TRACKING = re.compile(
    r"^(?:utm_\w+|spm|from|share\w*|isappinstalled|wfr|scene|clicktime|enterid|"
    r"timestamp|_t|ref|refer|referer|fbclid|gclid|yclid|mc_[a-z]+|vd_source|tt_from)$",
    re.I,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=16384)  # navigation links repeat on every page of a site
def canonical_url(url: str) -> str:
    """scheme://host[:port]/path?non-tracking-query, lower-case host, no fragment, sorted query."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a garbage port: keep the URL comparable rather than crash
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def netloc(url: str) -> str:
    """host[:port] as the allow-list compares it (default ports dropped)."""
    return urlsplit(canonical_url(url)).netloc
