"""Multi-page articles: where pages 2..N of an old-template (TRS WCM) article live."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .decode import DecodeError, decode_html

_TOTAL = re.compile(r"""name\s*=\s*["']?__totalpage["']?[^>]*?value\s*=\s*["']?(\d+)|value\s*=\s*["']?(\d+)["']?[^>]*?name\s*=\s*["']?__totalpage""", re.I)
_PAGED = re.compile(r"^(?P<base>.+?)(?:_(?P<page>\d+))?(?P<ext>\.s?html?)$")
_MARKER = re.compile(rb"__totalpage", re.I)
MAX_PAGES = 50


def continuation_urls(body: bytes | str, url: str, headers: Mapping | None = None) -> list[str]:
    """URLs of pages 2..N when `url` is page 1 of a `__totalpage` article, else []."""
    if isinstance(body, bytes) and not _MARKER.search(body):
        return []  # nearly every page: a byte scan instead of decoding it (the spider asks for each)
    try:
        html, _ = decode_html(body, headers)
    except DecodeError:
        return []
    match = _TOTAL.search(html)
    if not match:
        return []
    total = min(int(match.group(1) or match.group(2)), MAX_PAGES)
    path, sep, query = url.partition("?")
    parts = _PAGED.match(path)
    if total < 2 or not parts or parts.group("page"):
        return []
    return [f"{parts.group('base')}_{k}{parts.group('ext')}" for k in range(2, total + 1)]
