"""The one place links are read from a page: Scrapy's LinkExtractor over <a> and <area> href.

Every navigation step (list pages, hubs, e-paper pages and their page/article lists, the generic
crawl) asks `links()`; a CSS list (list_links, page_links, article_links) restricts it to the
first selector that holds links. Files (PDF, images, office documents, archives) are never
links to follow (LinkExtractor's deny_extensions); javascript:/mailto: links are dropped.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.response import get_base_url

from workercrawl.urls import canonical_url


@lru_cache(maxsize=None)
def _extractor(css: str | None) -> LinkExtractor:
    # unique=False: every link in page order; callers dedupe by canonical URL where it matters
    # (LinkExtractor's own dedupe canonicalizes each URL, which the hot path does not need).
    return LinkExtractor(restrict_css=css or (), tags=("a", "area"), attrs=("href",), unique=False)


def links(response, selectors=None) -> list[tuple[str, str]]:
    """(absolute URL, text) of the page's links; with `selectors`, of the first that holds any
    (none matching: [], and the caller decides what to fall back on)."""
    if not isinstance(response, TextResponse):
        return []
    for css in (selectors if selectors is not None else (None,)):
        found = [(link.url, " ".join(link.text.split())) for link in _extractor(css).extract_links(response)]
        if found:
            return found
    return []


def titles(response) -> dict[str, str]:
    """canonical URL → title of <a title> links: an arrow image's only words (<a title="下一页">)."""
    if not isinstance(response, TextResponse):
        return {}
    base = get_base_url(response)
    return {canonical_url(urljoin(base, a.attrib["href"].strip())): a.attrib["title"].strip()
            for a in response.xpath("//a[@href][@title]")}
